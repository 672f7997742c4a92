"""One problem type that every layer reports the same way.

The Data page, the ``validate`` command's text and JSON output, and the tests all read these
objects; nobody re-derives a message. A problem always says where (file, sheet, the row number
the user sees in Excel, the column header), what was found and what to do.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Literal

import pandas as pd

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """Something the user should fix.

    ``error``: a row was rejected or a file could not be used. ``warning``: the row was kept but a
    value was dropped, or it refers to something that does not exist.
    """

    severity: Severity
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    table: str = ""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def where(self) -> str:
        parts = [p for p in (self.file, f"sheet '{self.sheet}'" if self.sheet else "") if p]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        value = f" (found {self.value!r})" if self.value else ""
        return f"{self.severity.upper()}: {where + ': ' if where else ''}{self.message}{value}"

    def place(self) -> str:
        """Where, as a person finds it in Excel: "Row 12 of sheet 'Roadmap' in roadmap.xlsx,
        column 'Proj #'"."""
        inside = " in ".join(
            p for p in (f"sheet '{self.sheet}'" if self.sheet else "", self.file) if p
        )
        if self.row is not None:
            text = f"Row {self.row}" + (f" of {inside}" if inside else "")
        elif self.sheet:
            text = "Sheet" + inside[len("sheet") :]
        else:
            text = f"File {self.file}" if self.file else ""
        if self.column:
            text = f"{text}, column '{self.column}'" if text else f"Column '{self.column}'"
        return text or "The upload as a whole"

    def steps(self) -> tuple[str, str]:
        """The message as (what was found, what to do): the importer writes the finding first
        and the fix after it; a message with no fix of its own gets the general one."""
        first, sep, rest = _SENTENCE.partition(self.message)
        if sep and rest.strip():
            return first.strip(), rest.strip()
        if self.severity == "warning":
            fix = (
                "Correct the value in your file and upload it again; until then the rest of "
                "the row counts."
            )
        elif self.row is None:
            fix = "Correct the file and upload it again."
        else:
            fix = "Correct the row in your file and upload it again."
        return self.message.strip(), fix


@dataclass(frozen=True)
class Note:
    """Something the importer did on the user's behalf that they should know about.

    Not a problem: an instructions sheet ignored, a totals row skipped, blank rows passed over.
    """

    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def __str__(self) -> str:
        where = ", ".join(
            p
            for p in (
                self.file,
                f"sheet '{self.sheet}'" if self.sheet else "",
                f"row {self.row}" if self.row is not None else "",
            )
            if p
        )
        return f"NOTE: {where + ': ' if where else ''}{self.message}"


class UnreadableFile(Exception):
    """A file that cannot be read at all; the message is meant for the user, as is."""


class _Sentences:
    """Splits a message after its first sentence ("… set aside. Give it its own ID …")."""

    _END = re.compile(r"(?<=[a-z0-9)'’\]])\.\s+(?=[A-Z])")

    def partition(self, text: str) -> tuple[str, str, str]:
        m = self._END.search(text)
        if m is None:
            return text, "", ""
        return text[: m.start() + 1], " ", text[m.end() :]


_SENTENCE = _Sentences()


def todo_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a to-do list for a person with the file open in Excel: where, what was
    found, what to do, each a full sentence; errors first. No cell is ever empty or "None"."""
    rows = []
    for p in sorted(problems, key=lambda p: p.severity != "error"):
        found, fix = p.steps()
        found = found[:1].upper() + found[1:]
        if p.value and p.value not in found:
            found += f" The cell holds '{p.value}'."
        if p.severity == "warning":
            kind = "Warning: row kept"
        else:
            kind = "Error: not used" if p.row is None else "Error: row set aside"
        rows.append({"Kind": kind, "Where": p.place(), "What we found": found, "What to do": fix})
    return pd.DataFrame(rows, columns=["Kind", "Where", "What we found", "What to do"])


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table for display and download, in a stable column order."""
    cols = ["severity", "file", "sheet", "row", "column", "value", "message", "table"]
    if not problems:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame([p.to_dict() for p in problems], columns=cols)
    frame["row"] = frame["row"].astype("Int64")
    return frame
