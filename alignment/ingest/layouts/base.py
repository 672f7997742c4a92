"""What a layout is: one way a tool (or a person) lays out a sheet, and how to read it.

Each layout says how well it explains a sheet (``detect`` returns a ``Reading`` with a score and
a reason, or None) and how the sheet's cells map onto the workbench's tables. The registry in
``alignment.ingest.layouts`` asks every layout and keeps the reading that explains the most.
Everything after that (parsing values, setting rows aside, reshaping feedback) is shared, so a
layout only describes structure: which rows are headers, which columns hold what, which columns
and rows are the tool's own and are set aside on purpose.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from alignment import schema
from alignment.readers import RawSheet
from alignment.values import clean_text, is_blank

# Scores of the three families of layouts: a tool's own signature beats a reading from what the
# columns hold, which beats a reading from header words alone. Within a family, the reading that
# explains more of the sheet's columns wins.
TOOL = 1000.0
STRUCTURE = 500.0

SET_ASIDE_TOOL = "the survey tool's own column"
SET_ASIDE_TRACKER = "the tracker's own column"
PRIVATE = "about a person: never shown"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)


@dataclass(frozen=True)
class SurveyColumn:
    """One answer column of a survey: what was asked, and about which initiative.

    ``question`` is the question's text ("How clear is the WHY of each initiative to you?"),
    ``statement`` the matrix row or statement ("Billing migration"); either may name the
    initiative, and either may be empty. ``about_row``: the initiative is the row's own (a
    column of ids), not named in the text. ``comment``: an open-ended answer.
    """

    question: str
    statement: str = ""
    about_row: bool = False
    comment: bool = False

    @property
    def text(self) -> str:
        """The whole wording, as a reader would quote it."""
        if self.question and self.statement:
            return f"{self.question} [{self.statement}]"
        return self.question or self.statement

    @property
    def item(self) -> str | None:
        """The text that names the initiative, or None when the row names it (or, for a
        comment, when only a general question was asked)."""
        if self.about_row:
            return None
        if self.comment:
            return self.statement or None
        return self.statement or self.question

    @property
    def dimension_text(self) -> str:
        """The text that says what is rated: the question where there is one."""
        return self.question or self.statement


@dataclass
class Reading:
    """How one layout reads one sheet; the common importer takes it from here.

    Column numbers index ``headers``; row numbers index the rows of ``grid`` (the sheet as read,
    or a layout's rewrite of it whose ``line_numbers`` still point at the original rows).
    """

    layout: str
    kind: str
    score: float
    reason: str
    headers: list[str]
    header_index: int  # the last header row: the data starts below it
    mapping: dict[str, int]
    form: str = ""
    extra: list[int] = field(default_factory=list)
    survey: dict[int, SurveyColumn] = field(default_factory=dict)
    set_aside: dict[int, str] = field(default_factory=dict)
    private: set[int] = field(default_factory=set)
    skip_rows: dict[int, str] = field(default_factory=dict)
    grid: RawSheet | None = None
    notes: list[str] = field(default_factory=list)
    header_rows: int = 1
    detail: str = ""  # what it found, in the layout's own words ("12 epics; 3 subtasks skipped")
    tool_word: str = ""  # whose columns were set aside, for "23 Jira columns set aside"

    @property
    def explained(self) -> int:
        """How many of the sheet's named columns this reading uses or sets aside on purpose."""
        return len(set(self.mapping.values()) | set(self.extra) | set(self.set_aside))

    @property
    def named_columns(self) -> int:
        return sum(1 for h in self.headers if not h.startswith("Column "))


@dataclass(frozen=True)
class Context:
    """What the other sheets of the same import already say: the initiatives' (id, name)
    pairs, so a sheet can be recognised by columns and questions that refer to them."""

    initiatives: tuple[tuple[str, str], ...] = ()
    # Work shared by the layouts that read the same sheet in one import (its header row).
    memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def refs(self) -> frozenset[str]:
        """Every id and name, folded as ``schema.fold_key`` folds them."""
        return frozenset(schema.fold_key(v) for pair in self.initiatives for v in pair)


class Layout:
    """One way a sheet can be laid out. Subclasses set the class attributes and ``detect``."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""  # "a Qualtrics export": completes "read as …"
    tables: ClassVar[tuple[str, ...]] = ()
    tool: ClassVar[bool] = False  # a tool's own export: offered by name on the Data page
    # Whether the reading depends on the other sheets (``Context.initiatives``); one that does
    # not is read once per import and reused when the context is known.
    uses_context: ClassVar[bool] = False

    def detect(self, sheet: RawSheet, context: Context) -> Reading | None:
        raise NotImplementedError


# --- helpers layouts share -----------------------------------------------------------------------


def cell(row: Sequence[object], j: int) -> str:
    """The cleaned text of a cell, "" when blank or past the row's end."""
    if j >= len(row) or is_blank(row[j]):
        return ""
    return clean_text(row[j])


def texts(row: Sequence[object]) -> list[str]:
    return [cell(row, j) for j in range(len(row))]


def fold(text: str) -> str:
    return schema.normalise_header(text)


def is_group_header(text: str) -> bool:
    """Whether a header names the respondent's team or department ("Department", "Which team
    are you part of?")."""
    from alignment.ingest.headers import match_header

    return any(t == "feedback" and f == "group" and s >= 90 for t, f, s in match_header(text))


def has_all(found: Iterable[str], wanted: Iterable[str]) -> bool:
    got = {fold(t) for t in found}
    return all(fold(w) in got for w in wanted)


def count_of(found: Iterable[str], wanted: Iterable[str]) -> int:
    got = {fold(t) for t in found}
    return sum(1 for w in wanted if fold(w) in got)


def column_values(sheet: RawSheet, j: int, start: int, limit: int = 400) -> list[object]:
    """Up to ``limit`` non-blank cells of column ``j`` below row ``start``."""
    out: list[object] = []
    for row in itertools.islice(sheet.rows, start, None):  # no copy of a million-row list
        if j < len(row) and not is_blank(row[j]):
            out.append(row[j])
            if len(out) >= limit:
                break
    return out


def looks_like_emails(values: Sequence[object]) -> bool:
    """Whether most cells of a column are e-mail addresses: such a column is never shown."""
    strings = [clean_text(v) for v in values if isinstance(v, str)]
    return len(strings) >= 1 and sum(bool(_EMAIL.match(s)) for s in strings) >= 0.6 * len(values)


def private_columns(sheet: RawSheet, headers: Sequence[str], start: int) -> set[int]:
    """Columns whose cells are e-mail addresses, whatever their header says."""
    return {j for j in range(len(headers)) if looks_like_emails(column_values(sheet, j, start, 60))}
