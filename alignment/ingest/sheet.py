"""One sheet to the rows of one table: header, blank and trailing rows, and the collector
that gives every problem its cell."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from alignment import schema
from alignment.ingest.headers import _blank, find_header
from alignment.ingest.layouts import Context, Reading, SurveyColumn, best_reading, layouts, readings
from alignment.ingest.layouts.generic import forced_reading
from alignment.ingest.model import IGNORE, ImportChoices, SheetReport
from alignment.ingest.recognise import _apply_overrides, _Plan
from alignment.problems import Note, Problem
from alignment.readers import MAX_TABLE_ROWS, RawSheet
from alignment.schema import Kind
from alignment.values import (
    clean_text,
    coerce_distinct,
    distinct_cells,
    guess_dayfirst,
    parser_for,
)

_TRAILER = re.compile(
    r"^\s*(grand\s+)?(sub)?totals?\b|^\s*(sum|average|avg|mean|count)\b[\s:]*|"
    r"^\s*(notes?|source|nb|n\.b\.|comments?)\s*[:\-]|^\s*\*|"
    r"^\s*(last\s+)?updated\b|^\s*prepared\s+by\b",
    re.IGNORECASE,
)


@dataclass
class _Chunk:
    """The rows of one sheet that belong to one table, before cross-sheet checks.

    ``cols`` holds each used column once, as the original cells of the kept rows (plus ``_row``,
    their Excel rows): the feedback path works on these arrays directly. ``frame`` and ``raw``
    are the same cells as DataFrames, built on first use: every table but feedback reads
    ``frame``, and ``raw`` is only needed when rows were set aside.
    """

    report: SheetReport
    cols: dict[str, np.ndarray]  # canonical field or "__extra__<header>" -> cells; "_row" -> rows
    index: pd.Index  # the kept rows' positions among the sheet's data rows
    grid: np.ndarray  # kept rows x header columns: the original cells
    longest: int  # the longest data row (the grid's columns beyond it are padding)
    header_of: dict[str, str]  # canonical field -> original header
    survey: dict[str, SurveyColumn] = field(default_factory=dict)  # extra column -> its question

    @cached_property
    def frame(self) -> pd.DataFrame:
        """Canonical columns, plus ``_row``."""
        fields = [c for c in self.cols if c != "_row" and not c.startswith("__extra__")]
        out = pd.DataFrame({f: self.cols[f] for f in fields}, index=self.index)
        for c in self.cols:
            if c.startswith("__extra__"):
                out[c] = self.cols[c]
        out["_row"] = self.cols["_row"]
        return out

    @cached_property
    def raw(self) -> pd.DataFrame:
        """The original cells of every kept row, headers as columns, plus ``_row``.

        Columns about people (names, e-mail addresses) and a tool's own metadata (IP addresses,
        recipient fields) are left out: these rows are shown and downloaded.
        """
        raw = pd.DataFrame(
            self.grid[:, : self.longest], columns=range(self.longest), dtype=object
        ).reindex(columns=range(len(self.report.headers)))
        raw.index = self.index
        raw.columns = self.report.headers
        raw = raw.drop(columns=[h for h in self.report.hidden if h in raw.columns])
        raw.insert(0, "_row", self.cols["_row"])
        return raw


def _sheet_grid(
    sheet: RawSheet, header_index: int, width: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """The data rows below the header as one (rows x width) array of cells, each row's Excel row,
    and the longest row's length. Short rows (ragged CSV records) are padded with "", columns
    past the longest row with NaN."""
    if sheet.grid is not None:  # a regular CSV, read by columns: every row as wide as the header
        grid = sheet.grid[header_index + 1 :]
        n, longest = grid.shape
        if width > longest:
            grid = np.concatenate([grid, np.full((n, width - longest), np.nan, object)], axis=1)
        start = header_index + 1
        rows = np.arange(sheet.first_row + start, sheet.first_row + start + n, dtype=np.int64)
        return grid[:, :width], rows, longest
    data = sheet.rows[header_index + 1 :]
    n = len(data)
    longest = max(map(len, data), default=0)
    if data and min(map(len, data)) != longest:
        data = [r if len(r) == longest else [*r, *[""] * (longest - len(r))] for r in data]
    grid = np.empty((n, max(width, longest)), dtype=object)
    grid[:, longest:] = np.nan
    if n and longest:
        try:
            grid[:, :longest] = data
        except (ValueError, TypeError):  # a cell numpy takes for a sequence: one by one
            for i, r in enumerate(data):
                for j, v in enumerate(r):
                    grid[i, j] = v
    grid = grid[:, :width]
    start = header_index + 1
    if sheet.line_numbers is None:
        rows = np.arange(sheet.first_row + start, sheet.first_row + start + n, dtype=np.int64)
    else:
        rows = np.array(sheet.line_numbers[start : start + n], dtype=np.int64)
        if len(rows) != n:
            rows = np.array([sheet.excel_row(start + i) for i in range(n)], dtype=np.int64)
    return grid, rows, longest


def _blank_rows(grid: np.ndarray) -> np.ndarray:
    """Rows whose every cell is empty (NaN, None or "")."""
    out = np.zeros(len(grid), dtype=bool)
    if not grid.size:
        return out
    # Most rows hold something in their first cell; only the others are checked cell by cell.
    first = grid[:, 0]
    maybe = np.flatnonzero(pd.isna(first) | (first == ""))
    if len(maybe):
        rest = grid[maybe]
        out[maybe] = (pd.isna(rest) | (rest == "")).all(axis=1)
    return out


def _trailers(
    arr: np.ndarray, keep: np.ndarray, mapped_count: int, key_col: int | None
) -> list[int]:
    """Positions of trailing totals/notes rows (walking up from the last non-blank row)."""
    found: list[int] = []
    positions = np.flatnonzero(keep)[::-1][:5]
    for pos in positions:
        cells = [(j, v) for j, v in enumerate(arr[pos]) if not _blank(v)]
        texts = [clean_text(v) for _, v in cells if isinstance(v, str)]
        if texts and _TRAILER.match(texts[0]):
            found.append(int(pos))
            continue
        if (
            len(cells) == 1
            and mapped_count >= 3
            and isinstance(cells[0][1], str)
            and (cells[0][0] != key_col or len(cells[0][1]) > 40)
        ):
            found.append(int(pos))
            continue
        break
    return found


def _choose_reading(
    sheet: RawSheet, override: dict, context: Context
) -> tuple[Reading | None, str]:
    """The reading to use, and why: the user's choice of layout or table, else the best one."""
    kind, layout = override.get("kind"), override.get("layout")
    if layout in layouts():
        reading = layouts()[layout].detect(sheet, context)
        if reading is not None:
            reading.reason = f"read as {layouts()[layout].label}, as you chose"
            return reading, ""
        return None, f"it does not look like {layouts()[layout].label}"
    if kind in schema.TABLE_BY_NAME:
        same = [r for r in readings(sheet, context) if r.kind == kind]
        reading = same[0] if same else forced_reading(sheet, kind)
        if reading is not None:
            reading.reason = "chosen by you"
        return reading, ""
    return best_reading(sheet, context), ""


def _read_sheet(
    sheet: RawSheet, settings: ImportChoices, context: Context | None = None
) -> tuple[SheetReport, _Chunk | None, list[Problem], list[Note]]:
    notes = list(sheet.notes)
    override = settings.override_for(sheet.file, sheet.sheet)
    label = f"Sheet '{sheet.sheet}'" if sheet.sheet else "The file"
    if override.get("kind") == IGNORE:
        return (
            SheetReport(sheet.file, sheet.sheet, None, "ignored at your request"),
            None,
            [],
            notes,
        )
    reading, why_not = _choose_reading(sheet, override, context or Context())
    if reading is None:
        found = find_header(sheet)
        if not any(any(not _blank(c) for c in r) for r in sheet.rows):
            reason = "empty"
        elif why_not:
            reason = why_not
        elif found is None:
            reason = "no row looks like a header (such as 'Initiative ID', 'Name', 'Objective(s)')"
        else:
            headers = found[1]
            notes.append(
                Note(
                    f"{label} has headers ({', '.join(headers[:6])}"
                    f"{'…' if len(headers) > 6 else ''})"
                    " that match no table; it was ignored. Choose its table on the Data page if it "
                    "holds data.",
                    sheet.file,
                    sheet.sheet,
                )
            )
            return (
                SheetReport(
                    sheet.file,
                    sheet.sheet,
                    None,
                    "headers match no table",
                    sheet.excel_row(found[0]),
                    found[1],
                ),
                None,
                [],
                notes,
            )
        notes.append(
            Note(f"{label} holds no table ({reason}); it was ignored.", sheet.file, sheet.sheet)
        )
        return SheetReport(sheet.file, sheet.sheet, None, reason), None, [], notes
    grid_sheet = reading.grid or sheet
    h, headers = reading.header_index, reading.headers
    header_row = grid_sheet.excel_row(h) if grid_sheet.rows else None
    plan = _apply_overrides(
        _Plan(reading.kind, reading.score, reading.mapping, reading.form, reading.extra),
        headers,
        override,
    )
    table = schema.TABLE_BY_NAME[plan.kind]
    data_rows = len(grid_sheet.rows) - h - 1
    if plan.kind != "feedback" and data_rows > MAX_TABLE_ROWS:
        reason = f"{data_rows:,} rows of {table.label.lower()}, more than {MAX_TABLE_ROWS:,}"
        message = (
            f"{label} holds {data_rows:,} rows of {table.label.lower()}; the workbench reads up "
            f"to {MAX_TABLE_ROWS:,} rows of any table but the ratings. Check that this is the "
            "right sheet, or split it."
        )
        problem = Problem("error", message, sheet.file, sheet.sheet, table=plan.kind)
        return SheetReport(sheet.file, sheet.sheet, None, reason), None, [problem], notes
    used = set(plan.mapping.values()) | set(plan.extra)
    set_aside = {j: why for j, why in reading.set_aside.items() if j not in used}
    hidden = (reading.private | set(set_aside)) - set(plan.extra)
    report = SheetReport(
        sheet.file,
        sheet.sheet,
        plan.kind,
        reading.reason,
        header_row,
        headers,
        {f.name: headers[plan.mapping[f.name]] for f in table.fields if f.name in plan.mapping},
        plan.form,
        [headers[j] for j in plan.extra],
        [
            h_
            for j, h_ in enumerate(headers)
            if j not in used and j not in set_aside and not h_.startswith("Column ")
        ],
        layout=reading.layout,
        set_aside=[headers[j] for j in sorted(set_aside)],
        hidden=[headers[j] for j in sorted(hidden)],
        header_rows=reading.header_rows,
        detail=reading.detail,
        tool_word=reading.tool_word,
    )
    for n in reading.notes:
        notes.append(Note(n, sheet.file, sheet.sheet))
    problems: list[Problem] = []
    named_used = len(used - {j for j, h_ in enumerate(headers) if h_.startswith("Column ")})
    if len(report.unused_columns) > max(named_used, 1):
        shown = ", ".join(f"'{c}'" for c in report.unused_columns[:8])
        more = (
            f" and {len(report.unused_columns) - 8} more" if len(report.unused_columns) > 8 else ""
        )
        problems.append(
            Problem(
                "warning",
                f"{label} was read as {table.label.lower()}, but most of its columns were not "
                f"used: {shown}{more}. If it holds something else, choose its table (or the tool "
                "that exported it) on the Data page.",
                sheet.file,
                sheet.sheet,
                None,
                "",
                "",
                plan.kind,
            )
        )
    grid, rows, longest = _sheet_grid(grid_sheet, h, len(headers))
    blank = _blank_rows(grid)
    if reading.skip_rows:
        skipped = np.array(sorted(reading.skip_rows), dtype=np.intp) - (h + 1)
        skipped = skipped[(skipped >= 0) & (skipped < len(blank))]
        by_reason: dict[str, list[int]] = {}
        for pos in skipped:
            by_reason.setdefault(reading.skip_rows[int(pos) + h + 1], []).append(int(rows[pos]))
        for why, where in by_reason.items():
            shown = ", ".join(map(str, where[:8])) + (" …" if len(where) > 8 else "")
            notes.append(
                Note(
                    f"{len(where)} row(s) ({shown}) {why}; they were skipped.",
                    sheet.file,
                    sheet.sheet,
                )
            )
        blank[skipped] = True
    key_col = plan.mapping.get(table.key) if table.key else None
    trailer_pos = _trailers(grid, ~blank, len(plan.mapping) + len(plan.extra), key_col)
    # A respondent's name (or any column about a person) must not be quoted back, even in a
    # note about a skipped row.
    for pos in trailer_pos:
        j, text = next((j, clean_text(v)) for j, v in enumerate(grid[pos]) if not _blank(v))
        quoted = "a respondent's name, not shown" if j in hidden else f"'{text[:40]}'"
        notes.append(
            Note(
                f"Row {rows[pos]} ({quoted}) looks like a total or a note, not "
                "data; it was skipped.",
                sheet.file,
                sheet.sheet,
                int(rows[pos]),
            )
        )
    keep = ~blank
    keep[trailer_pos] = False
    last = (np.flatnonzero(keep).max() + 1) if keep.any() else 0
    inner_blank = int(blank[:last].sum()) - sum(
        1 for p in reading.skip_rows if 0 <= p - (h + 1) < last
    )
    if inner_blank > 0:
        notes.append(
            Note(
                f"{inner_blank} blank row(s) between the data were skipped.",
                sheet.file,
                sheet.sheet,
            )
        )
    if "_row" in headers:  # the rejected rows' table keeps the Excel row under that name
        raise ValueError("cannot insert _row, already exists")
    kept = np.flatnonzero(keep)
    if len(kept) < len(grid):  # usually every row is kept: no copy of a million-row grid
        grid, rows = grid[kept], rows[kept]
    cols = {f: grid[:, j].copy() for f, j in plan.mapping.items()}
    survey: dict[str, SurveyColumn] = {}
    for j in plan.extra:
        key = f"__extra__{headers[j]}"
        cols[key] = grid[:, j].copy()
        if j in reading.survey:
            survey[key] = reading.survey[j]
    cols["_row"] = rows
    report.statements = sum(1 for spec in survey.values() if not spec.comment and spec.item)
    report.rows_read = len(rows)
    if report.rows_read == 0:
        notes.append(Note(f"{label} has headers but no data rows.", sheet.file, sheet.sheet))
    index = pd.RangeIndex(len(blank))[keep]
    chunk = _Chunk(report, cols, index, grid, longest, dict(report.mapping), survey)
    return report, chunk, problems, notes


class _Collector:
    """Gathers problems and rejected rows for one chunk, so every message names its cell."""

    def __init__(self, chunk: _Chunk, table: str):
        self.chunk = chunk
        self.table = table
        self.problems: list[Problem] = []
        self.rejected: dict[int, str] = {}  # excel row -> reason
        self.notes: list[Note] = []  # what was done for the user, in plain words

    def warn_cells(
        self,
        rows: Iterable[int],
        field_name: str,
        values: Iterable[object],
        messages: Iterable[str],
    ) -> None:
        header = self.chunk.header_of.get(field_name, field_name)
        r = self.chunk.report
        for row, value, msg in zip(rows, values, messages, strict=False):
            self.problems.append(
                Problem(
                    "warning",
                    msg,
                    r.file,
                    r.sheet,
                    int(row),
                    header,
                    clean_text(value)[:120],
                    self.table,
                )
            )

    def reject(
        self,
        rows: Iterable[int],
        message: str | Iterable[str],
        field_name: str = "",
        values: Iterable[object] | None = None,
    ) -> None:
        header = self.chunk.header_of.get(field_name, field_name) if field_name else ""
        r = self.chunk.report
        rows = list(rows)
        msgs = [message] * len(rows) if isinstance(message, str) else list(message)
        vals = list(values) if values is not None else [""] * len(rows)
        fresh = {int(row) for row in rows} - self.rejected.keys()
        if header and fresh:
            # A rejected row's unreadable key was already warned about as "left empty, row
            # kept"; that warning now says the opposite of what happened, so it goes.
            self.problems = [
                p
                for p in self.problems
                if not (p.severity == "warning" and p.row in fresh and p.column == header)
            ]
        for row, msg, value in zip(rows, msgs, vals, strict=False):
            if int(row) in self.rejected:
                continue
            self.rejected[int(row)] = msg
            self.problems.append(
                Problem(
                    "error",
                    msg,
                    r.file,
                    r.sheet,
                    int(row),
                    header,
                    clean_text(value)[:120] if not _blank(value) else "",
                    self.table,
                )
            )

    def reject_unmapped(self, rows: Iterable[int], field_label: str) -> None:
        """Set every row aside because no column holds a field they all need.

        One error for the sheet rather than one per row: the fix is a single mapping choice,
        and a 100k-row sheet should not produce 100k identical messages.
        """
        rows = [int(r) for r in rows if int(r) not in self.rejected]
        if not rows:
            return
        reason = f"No column holds the {field_label}, which every row needs; the row was set aside."
        for row in rows:
            self.rejected[row] = reason
        r = self.chunk.report
        self.problems.append(
            Problem(
                "error",
                f"No column is recognised as the {field_label}, so all {len(rows)} row(s) were "
                f"set aside. Choose the column that holds the {field_label} on the Data page, or "
                "rename its header.",
                r.file,
                r.sheet,
                None,
                "",
                "",
                self.table,
            )
        )


def _parse_columns(
    chunk: _Chunk, table: schema.Table, col: _Collector, skip: Iterable[str] = ()
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``_parse_fields`` on a chunk's column arrays: each mapped field as (codes, parsed value
    per distinct cell), unreadable values left missing with a warning naming the cell."""
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    rows = chunk.cols["_row"]
    for f in table.fields:
        if f.name not in chunk.cols or f.name in skip:
            continue
        cells = chunk.cols[f.name]
        distinct, dayfirst = None, True
        if f.kind in (Kind.DATE, Kind.PERIOD):
            # The order of a date is decided on the distinct cells, in the order they first
            # appear (the same decision as on every cell; a million-row export has a few
            # hundred distinct dates), and the parse then reuses them.
            distinct = distinct_cells(cells)
            dayfirst = guess_dayfirst(pd.Series(distinct[1], dtype=object))
        codes, values, problems = coerce_distinct(
            cells, parser_for(f.kind, f, dayfirst=dayfirst), distinct=distinct
        )
        bad_distinct = pd.notna(problems)
        if bad_distinct.any():
            bad = bad_distinct[codes]
            suffix = "; the value was left empty (the rest of the row is kept)."
            col.warn_cells(
                rows[bad],
                f.name,
                cells[bad],
                (f"{f.label}: {p}{suffix}" for p in problems[codes[bad]]),
            )
        out[f.name] = codes, values
    return out
