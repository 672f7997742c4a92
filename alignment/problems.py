"""One problem type that every layer reports the same way.

The Data page, the ``validate`` command's text and JSON output, and the tests all read these
objects; nobody re-derives a message. A problem always says where (file, sheet, the row number
the user sees in Excel, the column header), what was found and what to do.
"""

from __future__ import annotations

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


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table for display and download, in a stable column order."""
    cols = ["severity", "file", "sheet", "row", "column", "value", "message", "table"]
    if not problems:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame([p.to_dict() for p in problems], columns=cols)
    frame["row"] = frame["row"].astype("Int64")
    return frame
