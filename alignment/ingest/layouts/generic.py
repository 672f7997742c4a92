"""The layout of the workbench's own template and of most hand-kept sheets: one header row whose
words name the fields ("Initiative ID", "Project name", "Clarity of the why"), found under any
title rows, and Google-Forms-style survey columns ("Question [Initiative]")."""

from __future__ import annotations

from typing import ClassVar

from alignment import schema
from alignment.ingest.headers import _SURVEY_HEADER, _is_comment_question, find_header
from alignment.ingest.layouts.base import Context, Layout, Reading, SurveyColumn, private_columns
from alignment.ingest.recognise import _forced_plan, _Plan, _plans
from alignment.readers import RawSheet


def survey_columns(headers: list[str], extra: list[int]) -> dict[int, SurveyColumn]:
    """'Question [Item]' headers as survey columns; comment questions marked as such."""
    out: dict[int, SurveyColumn] = {}
    for j in extra:
        m = _SURVEY_HEADER.match(headers[j])
        if not m:
            continue
        question, item = m.group("question"), m.group("item").strip()
        out[j] = SurveyColumn(question, item, comment=_is_comment_question(question))
    return out


def reading_from_plan(
    plan: _Plan,
    sheet: RawSheet,
    h: int,
    headers: list[str],
    layout: str,
    reason: str,
    context: Context | None = None,
) -> Reading:
    survey = survey_columns(headers, plan.extra) if plan.form == "survey" else {}
    memo = context.memo if context is not None else {}
    key = ("private", id(sheet), h)
    if key not in memo or memo[key][0] is not sheet:
        memo[key] = (sheet, private_columns(sheet, headers, h + 1))
    private = set(memo[key][1])
    if plan.kind == "feedback" and "respondent" in plan.mapping:
        private.add(plan.mapping["respondent"])
    # A column of e-mail addresses is never a field that is shown (an initiative's name, a
    # group); it may only count people once, as the respondent.
    mapping = {
        f: j for f, j in plan.mapping.items() if j not in private or f in ("respondent", "owner")
    }
    if plan.kind == "initiatives" and mapping.get("owner") in private:
        del mapping["owner"]
    return Reading(
        layout,
        plan.kind,
        plan.score,
        reason,
        headers,
        h,
        mapping,
        plan.form,
        list(plan.extra),
        survey,
        private=private,
    )


_TABLE_ORDER = {t.name: i for i, t in enumerate(schema.TABLES)}


def header_plans(sheet: RawSheet, context: Context) -> tuple[int, list[str], list[_Plan]] | None:
    """The sheet's header row, its headers and every table its header words could hold, best
    first: computed once per sheet and import (``context.memo``), however many layouts ask."""
    key = ("header_plans", id(sheet))
    if key in context.memo and context.memo[key][0] is sheet:
        return context.memo[key][1]
    header = find_header(sheet)
    found = None
    if header is not None:
        h, headers = header
        found = (h, headers, _plans(headers, sheet.sheet, sheet.file))
    context.memo[key] = (sheet, found)
    return found


class ByHeaderWords(Layout):
    """Readings from the words of one header row: each header matched to a field by synonym,
    then by a fuzzy match (``recognise._plans`` scores every table a sheet could hold). Each
    subclass claims the tables and forms it reads; the registry keeps the best claim."""

    claims: ClassVar[frozenset[tuple[str, str]]] = frozenset()  # (table, form)

    def detect(self, sheet: RawSheet, context: Context) -> Reading | None:
        found = header_plans(sheet, context)
        if found is None:
            return None
        h, headers, plans = found
        plans = [p for p in plans if (p.kind, p.form) in self.claims]
        if not plans:
            return None
        plan = plans[0]
        reason = f"recognised from {len(plan.mapping) + len(plan.extra)} matching headers"
        reading = reading_from_plan(plan, sheet, h, headers, self.name, reason, context)
        # Equal scores go to the table listed first in the schema, as they always have.
        reading.score = plan.score - 1e-6 * _TABLE_ORDER[plan.kind]
        return reading


class TableByHeaders(ByHeaderWords):
    """A table of one row per thing (initiatives, objectives, stakeholders, glossary): the
    workbench's template and most hand-kept lists."""

    name = "headers"
    label = "a table recognised by its headers"
    tables = ("initiatives", "objectives", "stakeholders", "glossary")
    claims = frozenset((t, "") for t in tables)


class IndicatorsByHeaders(ByHeaderWords):
    """Monthly numbers: long (period, scope, metric, value) or wide (a column per metric)."""

    name = "indicators"
    label = "indicators recognised by their headers"
    tables = ("indicators",)
    claims = frozenset({("indicators", "long"), ("indicators", "wide")})


class WideFeedback(ByHeaderWords):
    """Feedback with a column per dimension ("Clarity of the why", "Business value")."""

    name = "wide"
    label = "feedback with a column per dimension"
    tables = ("feedback",)
    claims = frozenset({("feedback", "wide")})


class LongFeedback(ByHeaderWords):
    """Feedback with a row per rating: a dimension column and a score column."""

    name = "long"
    label = "feedback with a dimension and a score column"
    tables = ("feedback",)
    claims = frozenset({("feedback", "long")})


class GridSurvey(ByHeaderWords):
    """A survey's grid questions as "Question [Initiative]" columns, whatever tool wrote it."""

    name = "grid"
    label = "a survey with 'Question [Initiative]' columns"
    tables = ("feedback",)
    claims = frozenset({("feedback", "survey")})


def forced_reading(sheet: RawSheet, kind: str) -> Reading | None:
    """The best reading as ``kind``, however weak: the user said the sheet holds it."""
    found = find_header(sheet, forced=True)
    if found is None:
        return None
    h, headers = found
    plan = _forced_plan(kind, headers)
    return reading_from_plan(plan, sheet, h, headers, TableByHeaders.name, "chosen by you")
