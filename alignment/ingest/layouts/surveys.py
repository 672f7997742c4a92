"""Survey tools' exports: Qualtrics, SurveyMonkey, Microsoft Forms, LimeSurvey, Google Forms.

Each tool writes one row per response, its own metadata columns first (dates, IP address,
e-mail, names, ids), then one column per answer, headed in its own way: Qualtrics in three
header rows (export tag, "Question - Statement" label, ImportId JSON), SurveyMonkey in two (the
question above the first column of each matrix, the statement below), LimeSurvey as "Question
[Subquestion]" or codes "WHY[SQ001]", Microsoft Forms by the statement alone. The layouts below
differ only in how they find the header rows and what each column is; ``SurveyExport`` turns
that into one reading, so every tool's answers go through the same path. What each layout
reproduces, and the public evidence for it, is written down in docs/formats.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from alignment import schema
from alignment.ingest.headers import (
    _SURVEY_HEADER,
    _dimension_of,
    _is_comment_question,
    unique_headers,
)
from alignment.ingest.layouts.base import (
    PRIVATE,
    SET_ASIDE_TOOL,
    TOOL,
    Context,
    Layout,
    Reading,
    SurveyColumn,
    cell,
    column_values,
    fold,
    is_group_header,
    looks_like_emails,
    texts,
)
from alignment.ingest.matching import Initiatives, find_initiative
from alignment.readers import RawSheet
from alignment.values import clean_text, rating_cells

NOT_A_RATING = "an answer that is not a rating"
ABOUT_NO_INITIATIVE = "a rating that names no initiative"
_SEPARATORS = re.compile(r"\s*(?::|\s[-–—]\s)\s*")
# Placeholder values that stand for "nobody in particular" in a tool's e-mail or name column.
_ANONYMOUS = frozenset({"anonymous", "anon", "n/a", "none", "-"})


@dataclass
class Column:
    """What one column of a survey export is, before its values are looked at."""

    header: str  # shown to the user: the tool's own wording
    question: str = ""
    statement: str = ""
    role: str = ""  # "" (a question), or a field / "meta" / "private" / "status"
    why: str = ""  # for "meta": why it is set aside


@dataclass
class Shape:
    """Where a tool's header rows are and what its columns are."""

    header_index: int  # the last header row
    header_rows: int
    columns: list[Column]
    status: int | None = None  # a column whose value marks test and preview responses
    notes: list[str] = field(default_factory=list)


def rating_like(values: list[object]) -> bool:
    """Whether most answers in a column read as ratings (numbers, scale words, choice labels);
    non-answers ("N/A", "Don't know") count neither way."""
    if not values:
        return False
    codes, vals, probs = rating_cells(np.array(values, dtype=object))
    good = np.array(
        [p is None and isinstance(v, float) and v == v for v, p in zip(vals, probs, strict=True)]
    )
    bad = np.array([p is not None for p in probs])
    n_good, n_bad = int(good[codes].sum()), int(bad[codes].sum())
    if n_good == 0 or n_good < 0.8 * (n_good + n_bad):
        return False
    numbers = [float(v) for v, ok in zip(vals, good, strict=True) if ok]
    return min(numbers) >= -10 and max(numbers) <= 100


def no_answers(values: list[object]) -> bool:
    """Whether a column holds nothing but blanks and non-answers ("N/A"): a question nobody
    answered yet, which is still a question."""
    if not values:
        return True
    _, vals, probs = rating_cells(np.array(values, dtype=object))
    return all(
        p is None and not (isinstance(v, float) and v == v)
        for v, p in zip(vals, probs, strict=True)
    )


def text_like(values: list[object]) -> bool:
    strings = [clean_text(v) for v in values if isinstance(v, str)]
    return len(strings) >= max(1, len(values) // 2) and any(" " in s for s in strings)


def split_statement(text: str, known: Initiatives | None = None) -> tuple[str, str]:
    """A statement that carries both what is rated and what about ("Billing migration: the WHY
    is clear to me") as (question part, initiative part). With the initiatives known, a
    question that names one inside its own wording ("How excited are you about the billing
    migration?") is split too: its wording without the name says what is asked, so the same
    question about every initiative is one dimension. ("", text) when it does not split."""
    parts = [p for p in _SEPARATORS.split(text, maxsplit=1) if p]
    if len(parts) == 2:
        a, b = parts
        a_dim, b_dim = _dimension_of(a), _dimension_of(b)
        if b_dim in schema.DIMENSION_BY_NAME and a_dim not in schema.DIMENSION_BY_NAME:
            return b, a
        if a_dim in schema.DIMENSION_BY_NAME and b_dim not in schema.DIMENSION_BY_NAME:
            return a, b
        if known is not None:
            a_item = find_initiative(a, known).initiative
            b_item = find_initiative(b, known).initiative
            if a_item and not b_item:
                return b, a
            if b_item and not a_item:
                return a, b
    if known is not None:
        match = find_initiative(text, known)
        if match.initiative is not None and match.how in ("id", "name"):
            question = known.without(text, match.initiative)
            if question and question != text:
                return question, text
    return "", text


class SurveyExport(Layout):
    """The shared reading of a survey tool's export; subclasses only describe its shape."""

    tables = ("feedback",)
    tool = True
    uses_context = True

    def shape(self, sheet: RawSheet) -> Shape | None:
        raise NotImplementedError

    def detect(self, sheet: RawSheet, context: Context) -> Reading | None:
        shape = self.shape(sheet)
        if shape is None:
            return None
        return self.read(sheet, shape, context)

    def read(self, sheet: RawSheet, shape: Shape, context: Context) -> Reading | None:
        start = shape.header_index + 1
        headers = unique_headers([c.header for c in shape.columns], sheet.first_col)
        mapping: dict[str, int] = {}
        set_aside: dict[int, str] = {}
        private: set[int] = set()
        survey: dict[int, SurveyColumn] = {}
        known = Initiatives(context.initiatives) if context.initiatives else None
        emails: list[int] = []
        unsplit: list[int] = []  # ratings whose header names no initiative of its own
        for j, col in enumerate(shape.columns):
            if col.role in ("meta", "status"):
                set_aside[j] = col.why or SET_ASIDE_TOOL
                continue
            if col.role == "private":
                private.add(j)
                set_aside[j] = PRIVATE
                continue
            if col.role == "email":
                private.add(j)
                set_aside[j] = PRIVATE
                emails.append(j)
                continue
            if col.role:
                if col.role not in mapping:
                    mapping[col.role] = j
                    if col.role == "respondent":
                        private.add(j)
                else:
                    set_aside[j] = SET_ASIDE_TOOL
                continue
            values = column_values(sheet, j, start, 200)
            text = col.statement or col.question
            if looks_like_emails(values):
                private.add(j)
                set_aside[j] = PRIVATE
                continue
            if "group" not in mapping and is_group_header(col.question):
                mapping["group"] = j
                continue
            if rating_like(values) or (no_answers(values) and not _is_comment_question(text)):
                if not col.statement and known is not None:
                    question, item = split_statement(col.question, known)
                    if find_initiative(item, known).initiative is None:
                        set_aside[j] = ABOUT_NO_INITIATIVE
                        continue
                    survey[j] = SurveyColumn(question, item)
                elif not col.statement:
                    question, item = split_statement(col.question)
                    survey[j] = SurveyColumn(question, item)
                    if not question:
                        unsplit.append(j)
                else:
                    survey[j] = SurveyColumn(col.question, col.statement)
                continue
            if col.statement.casefold().startswith("open-ended"):
                survey[j] = SurveyColumn(col.question, comment=True)
                continue
            if _is_comment_question(col.question):
                survey[j] = SurveyColumn(col.question, col.statement, comment=True)
                continue
            if text_like(values) and not col.statement and _long_text(values):
                survey[j] = SurveyColumn(col.question, comment=True)
                continue
            set_aside[j] = NOT_A_RATING
        # With no roadmap loaded, a question that names no initiative (Google Forms' "Overall,
        # how aligned …?" linear scale) would become an initiative named after the question,
        # rated on a dimension named after the question. Where the export's other ratings name
        # their initiatives ("Question [Initiative]" grids, statements), it is not about one.
        named = [j for j, s in survey.items() if not s.comment and j not in unsplit]
        if named:
            for j in unsplit:
                del survey[j]
                set_aside[j] = ABOUT_NO_INITIATIVE
        ratings = [j for j, s in survey.items() if not s.comment]
        if not ratings:
            return None
        # Count each person once by their e-mail where the tool recorded real addresses;
        # otherwise by the tool's response id, one respondent per response.
        for j in emails:
            addresses = {
                clean_text(v).casefold()
                for v in column_values(sheet, j, start, 400)
                if clean_text(v).casefold() not in _ANONYMOUS
            }
            if len(addresses) >= 2 and looks_like_emails(column_values(sheet, j, start, 60)):
                if "respondent" in mapping:  # the response id: not needed to count people
                    set_aside[mapping["respondent"]] = SET_ASIDE_TOOL
                mapping["respondent"] = j
                del set_aside[j]
                break
        skip: dict[int, str] = {}
        if shape.status is not None:
            for i in range(start, len(sheet.rows)):
                status = fold(cell(sheet.rows[i], shape.status))
                if status in _TEST_STATUS:
                    skip[i] = "are test or preview responses, not real answers"
        reason = f"read as {self.label}"
        return Reading(
            self.name,
            "feedback",
            TOOL + len(set(mapping.values()) | set(survey) | set(set_aside)),
            reason,
            headers,
            shape.header_index,
            mapping,
            "survey",
            sorted(survey),
            survey,
            set_aside,
            private,
            skip,
            notes=shape.notes,
            header_rows=shape.header_rows,
            tool_word="survey-tool",
        )


def _long_text(values: list[object]) -> bool:
    strings = [clean_text(v) for v in values if isinstance(v, str)]
    return bool(strings) and sum(len(s) for s in strings) / len(strings) >= 25


# Status values of test, preview and spam responses (Qualtrics' numeric codes and labels).
_TEST_STATUS = frozenset(
    {
        "1",
        "2",
        "8",
        "9",
        "12",
        "17",
        "survey preview",
        "survey test",
        "spam",
        "preview spam",
        "imported spam",
        "offline survey preview",
        "preview",
        "test",
    }
)


# --- Qualtrics --------------------------------------------------------------------------------

_QUALTRICS_META = {
    "startdate": "meta",
    "enddate": "date",
    "status": "status",
    "ipaddress": "private",
    "progress": "meta",
    "duration in seconds": "meta",
    "finished": "meta",
    "recordeddate": "meta",
    "responseid": "respondent",
    "recipientlastname": "private",
    "recipientfirstname": "private",
    "recipientemail": "email",
    "externalreference": "private",
    "externaldatareference": "private",
    "locationlatitude": "private",
    "locationlongitude": "private",
    "locationaccuracy": "private",
    "distributionchannel": "meta",
    "userlanguage": "meta",
    "responseset": "meta",
    "name": "private",
    "emailaddress": "email",
}
_IMPORT_ID = re.compile(r'^\{\s*"ImportId"\s*:\s*"(?P<id>[^"]*)"')
_V_TAG = re.compile(r"^V\d+$")


def _qkey(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", text.casefold()).replace(" ", "") if text else ""


class Qualtrics(SurveyExport):
    """Qualtrics' CSV/TSV/XLSX export, with three header rows or the older two."""

    name = "qualtrics"
    label = "a Qualtrics export"

    def shape(self, sheet: RawSheet) -> Shape | None:
        if len(sheet.rows) < 2:
            return None
        tags = texts(sheet.rows[0])
        keys = [_qkey(t) for t in tags]
        legacy = sum(1 for t in tags if _V_TAG.match(t)) >= 5
        labels = texts(sheet.rows[1])
        if legacy:
            keys = [_qkey(labels[j]) if _V_TAG.match(t) else _qkey(t) for j, t in enumerate(tags)]
        if sum(1 for k in keys if k in _QUALTRICS_META) < 4 or "responseid" not in keys:
            return None
        three = len(sheet.rows) > 2 and any(_IMPORT_ID.match(c) for c in texts(sheet.rows[2]))
        import_ids = texts(sheet.rows[2]) if three else [""] * len(tags)
        columns = []
        for j, tag in enumerate(tags):
            label = labels[j] if j < len(labels) else ""
            key = keys[j]
            import_id = (_IMPORT_ID.match(import_ids[j]) if j < len(import_ids) else None) or None
            if key in _QUALTRICS_META:
                role = _QUALTRICS_META[key]
                columns.append(Column(label or tag, role=role))
                continue
            if (import_id and import_id.group("id").endswith("_DO")) or " - Display Order" in label:
                columns.append(Column(label or tag, role="meta", why="display order"))
                continue
            if not tag and not label:
                columns.append(Column(""))
                continue
            if " - " in label:
                question, _, statement = label.rpartition(" - ")
                columns.append(Column(label, question.strip(), statement.strip()))
            else:
                columns.append(Column(label or tag, label or tag))
        return Shape(
            2 if three else 1,
            3 if three else 2,
            columns,
            status=keys.index("status") if "status" in keys else None,
        )


# --- SurveyMonkey -----------------------------------------------------------------------------

_MONKEY_META = {
    "respondent id": "respondent",
    "collector id": "meta",
    "start date": "meta",
    "end date": "date",
    "ip address": "private",
    "email address": "email",
    "first name": "private",
    "last name": "private",
    "custom data 1": "private",
    "custom data": "private",
}


class SurveyMonkey(SurveyExport):
    """SurveyMonkey's "All individual responses" export (XLSX or CSV), two header rows."""

    name = "surveymonkey"
    label = "a SurveyMonkey export"

    def shape(self, sheet: RawSheet) -> Shape | None:
        if len(sheet.rows) < 2:
            return None
        top = texts(sheet.rows[0])
        folded = [fold(t) for t in top]
        if "respondent id" not in folded or "collector id" not in folded:
            return None
        below = texts(sheet.rows[1])
        columns = []
        question = ""
        for j, text in enumerate(top):
            sub = below[j] if j < len(below) else ""
            if fold(text) in _MONKEY_META:
                columns.append(Column(text, role=_MONKEY_META[fold(text)]))
                question = ""
                continue
            if fold(text).startswith("custom data"):
                columns.append(Column(text, role="private"))
                continue
            question = text or question  # a blank cell continues the question on its left
            if not question and not sub:
                columns.append(Column(""))
                continue
            if fold(sub) in ("response", ""):
                columns.append(Column(question, question))
            elif fold(sub).startswith("open ended"):
                columns.append(Column(question, question, "Open-Ended Response"))
            elif fold(sub).startswith("other"):
                columns.append(Column(f"{question} [{sub}]", role="meta", why=NOT_A_RATING))
            else:
                columns.append(Column(f"{question} [{sub}]", question, sub))
        return Shape(1, 2, columns)


# --- Microsoft Forms ----------------------------------------------------------------------------

_FORMS_FIRST = ("id", "start time", "completion time", "email", "name")
_FORMS_META = {
    "id": "respondent",
    "start time": "meta",
    "completion time": "date",
    "email": "email",
    "name": "private",
    "last modified time": "meta",
    "total points": "meta",
    "quiz feedback": "meta",
}


class MicrosoftForms(SurveyExport):
    """Microsoft Forms' Excel download: ID, Start time, Completion time, Email, Name, then one
    column per question, a Likert question's statements each heading a column alone."""

    name = "msforms"
    label = "a Microsoft Forms export"

    def shape(self, sheet: RawSheet) -> Shape | None:
        if not sheet.rows:
            return None
        top = texts(sheet.rows[0])
        if tuple(fold(t) for t in top[:5]) != _FORMS_FIRST:
            return None
        columns = []
        for text in top:
            key = fold(text)
            if key in _FORMS_META:
                columns.append(Column(text, role=_FORMS_META[key]))
            elif key.startswith(("points ", "feedback ")):
                columns.append(Column(text, role="meta", why="quiz scoring"))
            else:
                columns.append(Column(text, text))
        return Shape(0, 1, columns)


# --- LimeSurvey -------------------------------------------------------------------------------

_LIME_META = {
    "response id": "respondent",
    "id": "respondent",
    "date submitted": "date",
    "submitdate": "date",
    "last page": "meta",
    "lastpage": "meta",
    "start language": "meta",
    "startlanguage": "meta",
    "seed": "meta",
    "date started": "meta",
    "startdate": "meta",
    "date last action": "meta",
    "datestamp": "meta",
    "ip address": "private",
    "ipaddr": "private",
    "referrer url": "private",
    "refurl": "private",
    "token": "private",
    "access code": "private",
    "first name": "private",
    "firstname": "private",
    "last name": "private",
    "lastname": "private",
    "email address": "email",
    "email": "email",
}
_LIME_CODE = re.compile(r"^(?P<code>[A-Za-z][A-Za-z0-9_]*)(\[(?P<sub>[^\]]+)\])?\.\s+(?P<text>.*)$")
_LIME_BARE = re.compile(r"^(?P<code>[A-Za-z][A-Za-z0-9_]*)\[(?P<sub>[^\]]+)\]$")


class LimeSurvey(SurveyExport):
    """LimeSurvey's CSV export, headed by full text ("Question [Subquestion]"), by codes
    ("WHY[SQ001]") or by both ("WHY[SQ001]. Question [Subquestion]")."""

    name = "limesurvey"
    label = "a LimeSurvey export"

    def shape(self, sheet: RawSheet) -> Shape | None:
        if not sheet.rows:
            return None
        top = texts(sheet.rows[0])
        plain = []
        for t in top:
            m = _LIME_CODE.match(t)
            plain.append(m.group("text") if m else t)
        keys = [fold(t) for t in plain]
        codes = [fold(t) for t in top]
        found = {k for k in (*keys, *codes) if k in _LIME_META}
        if not ({"last page", "lastpage"} & found and {"start language", "startlanguage"} & found):
            return None
        columns = []
        for j, text in enumerate(top):
            key, code = keys[j], codes[j]
            role = _LIME_META.get(key) or _LIME_META.get(code)
            if role:
                columns.append(Column(text, role=role))
                continue
            m = _SURVEY_HEADER.match(plain[j])
            bare = _LIME_BARE.match(text)
            if m:
                columns.append(Column(text, m.group("question"), m.group("item").strip()))
            elif bare:
                columns.append(Column(text, bare.group("code"), bare.group("sub")))
            else:
                columns.append(Column(text, plain[j]))
        return Shape(0, 1, columns)


# --- Google Forms -----------------------------------------------------------------------------


class GoogleForms(SurveyExport):
    """Google Forms' responses (the Sheet's CSV or XLSX download): Timestamp first, grids as
    "Question [Row]", an optional e-mail column."""

    name = "googleforms"
    label = "a Google Forms export"

    def shape(self, sheet: RawSheet) -> Shape | None:
        if not sheet.rows:
            return None
        top = texts(sheet.rows[0])
        if not top or fold(top[0]) != "timestamp":
            return None
        if sum(1 for t in top if _SURVEY_HEADER.match(t)) < 2 and len(top) < 3:
            return None
        columns = [Column(top[0], role="date")]
        for text in top[1:]:
            key = fold(text)
            if key in ("email address", "email", "username"):
                columns.append(Column(text, role="email"))
                continue
            if key == "score":
                columns.append(Column(text, role="meta", why="quiz scoring"))
                continue
            m = _SURVEY_HEADER.match(text)
            if m:
                columns.append(Column(text, m.group("question"), m.group("item").strip()))
            else:
                columns.append(Column(text, text))
        return Shape(0, 1, columns)
