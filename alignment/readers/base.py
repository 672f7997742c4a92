"""What every reader shares: the limits a file must stay within, and the raw sheet it becomes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from alignment.problems import Note, UnreadableFile

if TYPE_CHECKING:
    import numpy as np

Progress = Callable[[float, str], None]


MB = 1_000_000
"""A megabyte as the browser's upload widget counts it (Streamlit's ``server.maxUploadSize``
becomes ``MB`` times that many bytes in the browser, except on Windows), so that a file the
browser lets through is the file the importer and the command line accept, and no other."""

UPLOAD_LIMIT_MB = 100  # .streamlit/config.toml server.maxUploadSize; a test keeps them equal


def upload_limit_bytes(mb: int = UPLOAD_LIMIT_MB) -> int:
    """``server.maxUploadSize`` (in MB) as the byte limit the importer applies."""
    return mb * MB


MAX_TABLE_ROWS = 50_000
"""Rows of a table other than the ratings (initiatives, objectives, people, indicators): real
ones hold hundreds. The ratings are bounded by cells and bytes only (``Limits``), so a
long export of a million ratings is read, while a million-row list of initiatives, which would
take minutes to check row by row, is refused at once."""


@dataclass(frozen=True)
class Limits:
    """Bounds that keep one upload from taking the machine down; each is explained when hit.

    Memory grows with cells and bytes, not with rows: a long export (one row per rating, a
    million rows of six columns) is smaller than a wide sheet of a fifth the rows. So a sheet
    is bounded by its cells (rows x columns, as a reader allocates them) and its columns, and a
    file by its bytes; no row count refuses a real export.
    """

    max_file_bytes: int = upload_limit_bytes()
    max_unpacked_bytes: int = 400 * MB
    max_compression_ratio: float = 200.0
    max_archive_entries: int = 5_000
    max_columns: int = 2_000
    max_cells: int = 12_000_000


DEFAULT_LIMITS = Limits()


class GridRows(Sequence):
    """The rows of a grid of cells, each built as a list only when asked for.

    A regular CSV is read by columns into one (rows x columns) array; the importer works on
    that array, and the layouts look at a few rows (the header, a sample). Building a list
    per row for a million-row export took most of a second and most of the import's memory,
    and every garbage collection then walked a million lists: this keeps the grid alone.
    """

    def __init__(self, grid: np.ndarray) -> None:
        self._grid = grid

    def __len__(self) -> int:
        return len(self._grid)

    def __getitem__(self, i):  # type: ignore[override]  # int -> row, slice -> rows
        if isinstance(i, slice):
            return [row.tolist() for row in self._grid[i]]
        return self._grid[i].tolist()

    def __iter__(self) -> Iterator[list[object]]:
        for row in self._grid:
            yield row.tolist()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, GridRows):
            return self._grid.shape == other._grid.shape and list(self) == list(other)
        return isinstance(other, list) and list(self) == other

    __hash__ = None  # type: ignore[assignment]  # mutable-looking, like the list it stands for

    def __repr__(self) -> str:
        return f"GridRows({len(self)} rows)"


@dataclass
class RawSheet:
    """One sheet (or one CSV file) as a grid of cells, with where it sits in the original.

    ``first_row`` is the 1-based row number (as Excel shows it) of ``rows[0]``; ``first_col``
    the 0-based column index of the grid's first column.
    """

    file: str
    sheet: str
    rows: list[list[object]] | GridRows
    first_row: int = 1
    first_col: int = 0
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    line_numbers: list[int] | None = None  # CSV records can span lines: the real line per row
    notes: list[Note] = field(default_factory=list)
    # The same cells as one (rows x columns) object array, when the reader built one (a
    # regular CSV read by columns): the importer takes it as it is instead of rebuilding it.
    grid: np.ndarray | None = field(default=None, repr=False)

    def excel_row(self, i: int) -> int:
        if self.line_numbers is not None:
            return self.line_numbers[i]
        return self.first_row + i


def human_size(n: float) -> str:
    """Bytes in the browser's units (1 MB = 1,000,000 bytes), so the limit reads as set."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
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
    if cols > limits.max_columns:
        raise UnreadableFile(
            f"{where} has {cols:,}{plus} columns; the workbench reads up to "
            f"{limits.max_columns:,}. Remove unused columns or split the sheet."
        )
    if rows * cols > limits.max_cells:
        raise UnreadableFile(
            f"{where} spans {rows:,} rows by {cols:,} columns ({rows * cols:,}{plus} cells); the "
            f"workbench reads up to {limits.max_cells:,} cells per sheet. Delete stray values "
            "far below or to the right of the table, keep only the rows you need (for example "
            "the last 12 months), or split it into smaller files."
        )
