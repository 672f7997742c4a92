"""What every reader shares: the limits a file must stay within, and the raw sheet it becomes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from alignment.problems import Note, UnreadableFile

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Limits:
    """Bounds that keep one upload from taking the machine down; each is explained when hit."""

    max_file_bytes: int = 100 * 1024 * 1024
    max_unpacked_bytes: int = 400 * 1024 * 1024
    max_compression_ratio: float = 200.0
    max_archive_entries: int = 5_000
    max_rows: int = 500_000
    max_columns: int = 2_000
    max_cells: int = 10_000_000


DEFAULT_LIMITS = Limits()


@dataclass
class RawSheet:
    """One sheet (or one CSV file) as a grid of cells, with where it sits in the original.

    ``first_row`` is the 1-based row number (as Excel shows it) of ``rows[0]``; ``first_col``
    the 0-based column index of the grid's first column.
    """

    file: str
    sheet: str
    rows: list[list[object]]
    first_row: int = 1
    first_col: int = 0
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    line_numbers: list[int] | None = None  # CSV records can span lines: the real line per row
    notes: list[Note] = field(default_factory=list)

    def excel_row(self, i: int) -> int:
        if self.line_numbers is not None:
            return self.line_numbers[i]
        return self.first_row + i


def human_size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} GB"


def col_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 27 -> AB)."""
    s = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s


def _check_size(
    file: str,
    sheet: str,
    rows: int,
    cols: int,
    limits: Limits,
    where: str = "",
    more: bool = False,
) -> None:
    """Refuse a sheet over the limits; ``more``: the count is where a scan stopped, not the end."""
    where = where or (f"Sheet '{sheet}'" if sheet else "The file")
    plus = " or more" if more else ""
    if rows > limits.max_rows:
        raise UnreadableFile(
            f"{where} has {rows:,}{plus} rows; the workbench reads up to "
            f"{limits.max_rows:,} rows per sheet. Split it, or keep only the "
            "rows you need (for example the last 12 months)."
        )
    if cols > limits.max_columns:
        raise UnreadableFile(
            f"{where} has {cols:,}{plus} columns; the workbench reads up to "
            f"{limits.max_columns:,}. Remove unused columns or split the sheet."
        )
    if rows * cols > limits.max_cells:
        raise UnreadableFile(
            f"{where} spans {rows:,} rows by {cols:,} columns ({rows * cols:,}{plus} cells); the "
            f"workbench reads up to {limits.max_cells:,} cells per sheet. Delete stray values "
            "far below or to the right of the table, or split it into smaller files."
        )
