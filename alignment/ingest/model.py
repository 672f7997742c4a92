"""What goes in and what comes out of an import: the files, the user's choices, the report."""

from __future__ import annotations

import fnmatch
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from alignment import schema
from alignment.dataset import (
    Dataset,
)
from alignment.problems import Note, Problem

Progress = Callable[[float, str], None]


IGNORE = "ignore"


@dataclass(frozen=True)
class SourceFile:
    """An uploaded file: its name and bytes, hashed once so caches can key on the digest."""

    name: str
    data: bytes

    @cached_property
    def sha(self) -> str:
        """Computed once per object: pages ask for it on every rerun."""
        return hashlib.sha256(self.data).hexdigest()

    @classmethod
    def from_path(cls, path: str | Path) -> SourceFile:
        p = Path(path)
        return cls(p.name, p.read_bytes())


@dataclass
class ImportChoices:
    """What the user can change on the Data page (or in a mapping file); part of a snapshot.

    ``overrides``: per sheet key (``sheet_key(file, sheet)``, where the file part may be a
    pattern such as ``survey-*.csv`` so a monthly export with a new name gets the same choices)
    a dict with an optional ``kind`` (a table name or "ignore"), ``layout`` (a layout's name,
    ``alignment.ingest.layouts``) and ``columns`` (canonical field -> header, "" to unmap).
    ``scales``: dimension -> (min, max) where the header does not declare one.
    ``sides``: group -> "tech" | "business" | "unknown", overriding the inference.
    ``aliases``: a survey statement (or any initiative reference) -> the initiative id it means.
    """

    overrides: dict[str, dict] = field(default_factory=dict)
    scales: dict[str, tuple[float, float]] = field(default_factory=dict)
    sides: dict[str, str] = field(default_factory=dict)
    tech_words: tuple[str, ...] = schema.DEFAULT_TECH_GROUPS
    business_words: tuple[str, ...] = schema.DEFAULT_BUSINESS_GROUPS
    aliases: dict[str, str] = field(default_factory=dict)

    def override_for(self, file: str, sheet: str) -> dict:
        """The choices for one sheet: its exact key, else the first pattern that matches it."""
        key = sheet_key(file, sheet)
        if key in self.overrides:
            return self.overrides[key]
        for pattern, choice in self.overrides.items():
            if any(c in pattern for c in "*?[") and fnmatch.fnmatchcase(key, pattern):
                return choice
        return {}

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "overrides": self.overrides,
            "scales": {k: list(v) for k, v in self.scales.items()},
            "sides": self.sides,
            "tech_words": list(self.tech_words),
            "business_words": list(self.business_words),
        }
        if self.aliases:  # only when used: older snapshots keep their fingerprints
            out["aliases"] = self.aliases
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, raw: dict) -> ImportChoices:
        return cls(
            overrides=dict(raw.get("overrides") or {}),
            scales={k: tuple(v) for k, v in (raw.get("scales") or {}).items()},
            sides=dict(raw.get("sides") or {}),
            tech_words=tuple(raw.get("tech_words") or schema.DEFAULT_TECH_GROUPS),
            business_words=tuple(raw.get("business_words") or schema.DEFAULT_BUSINESS_GROUPS),
            aliases={str(k): str(v) for k, v in (raw.get("aliases") or {}).items()},
        )

    @classmethod
    def from_json(cls, text: str) -> ImportChoices:
        return cls.from_dict(json.loads(text or "{}"))


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def sheet_key(file: str, sheet: str) -> str:
    return f"{file}::{sheet}"


@dataclass
class SheetReport:
    """What the importer decided about one sheet; the Data page's mapping editor reads it."""

    file: str
    sheet: str
    kind: str | None  # table name, or None when the sheet holds no recognisable table
    reason: str
    header_row: int | None = None
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # field -> header
    form: str = ""  # feedback: wide | long | survey; indicators: long | wide
    extra_columns: list[str] = field(default_factory=list)  # metric or survey columns used
    unused_columns: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    layout: str = ""  # the name of the layout that read it (``alignment.ingest.layouts``)
    set_aside: list[str] = field(default_factory=list)  # columns left out on purpose
    hidden: list[str] = field(default_factory=list)  # columns never shown: people, tool metadata
    header_rows: int = 1
    read_as: str = ""  # one plain line: what the sheet was read as, and what that found
    initiatives_named: int = 0  # feedback: how many initiatives its ratings are about
    statements: int = 0  # survey feedback: how many rated statements (columns) it holds
    detail: str = ""  # what the layout found, in its own words ("12 epics; 3 subtasks skipped")
    tool_word: str = ""  # whose columns were set aside: "Jira", "survey-tool"
    unmatched_statements: list[str] = field(default_factory=list)  # name no known initiative

    def describe(self) -> str:
        """One line a non-technical reader understands: what the sheet was read as, and what
        that found ("read as a Qualtrics export: 3 header rows, 24 statements about 12
        initiatives, 30 responses; 26 survey-tool columns set aside")."""
        if self.kind is None:
            return f"not read: {self.reason}"
        table = schema.TABLE_BY_NAME[self.kind].label.lower()
        if self.reason.startswith("read as"):
            head = self.reason
        else:
            form = f", {self.form} form" if self.form else ""
            head = f"read as {table}{form} ({self.reason})"
        parts = []
        if self.header_rows > 1:
            parts.append(f"{self.header_rows} header rows")
        if self.statements:
            parts.append(
                f"{_count(self.statements, 'statement')} about "
                f"{_count(self.initiatives_named, 'initiative')}"
            )
        unit = "response" if self.statements else "row"
        parts.append(self.detail or _count(self.rows_accepted, unit))
        line = f"{head}: {', '.join(parts)}"
        if self.set_aside:
            what = f"{self.tool_word} " if self.tool_word else ""
            line += f"; {_count(len(self.set_aside), what + 'column')} set aside"
        return line

    @property
    def key(self) -> str:
        return sheet_key(self.file, self.sheet)

    @property
    def where(self) -> str:
        return f"{self.file} › {self.sheet}" if self.sheet else self.file


@dataclass
class TableReport:
    name: str
    sources: list[tuple[str, str]]
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    columns: dict[str, str]

    def to_dict(self) -> dict[str, object]:
        first = self.sources[0] if self.sources else ("", "")
        out: dict[str, object] = {
            "source": {"file": first[0], "sheet": first[1]},
            "rows_read": self.rows_read,
            "rows_accepted": self.rows_accepted,
            "rows_rejected": self.rows_rejected,
            "columns": self.columns,
        }
        if len(self.sources) > 1:
            out["sources"] = [{"file": f, "sheet": s} for f, s in self.sources]
        return out


@dataclass
class ImportResult:
    """One result type for the Data page, the CLI's JSON and the tests."""

    dataset: Dataset
    sheets: list[SheetReport]
    tables: dict[str, TableReport]
    problems: list[Problem]
    notes: list[Note]
    rejected: dict[str, pd.DataFrame]  # table -> rows set aside, with their reason

    @property
    def usable(self) -> bool:
        return bool(self.tables)

    @property
    def all_clear(self) -> bool:
        """Nothing to report: no problem, and every column of every sheet read was used or set
        aside on purpose. Only then may a page say that everything was read without a problem."""
        return (
            bool(self.tables)
            and not self.problems
            and not any(s.kind and s.unused_columns for s in self.sheets)
        )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def to_dict(self) -> dict[str, object]:
        return {
            "tables": {name: t.to_dict() for name, t in self.tables.items()},
            "problems": [p.to_dict() for p in self.problems],
            "notes": [n.to_dict() for n in self.notes],
            "sheets": [
                {
                    "file": s.file,
                    "sheet": s.sheet,
                    "table": s.kind,
                    "reason": s.reason,
                    "header_row": s.header_row,
                    "form": s.form or None,
                    "layout": s.layout or None,
                    "read_as": s.read_as or s.describe(),
                    "columns_set_aside": list(s.set_aside),
                    "columns_not_used": list(s.unused_columns),
                }
                for s in self.sheets
            ],
        }
