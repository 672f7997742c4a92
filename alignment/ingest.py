"""From the spreadsheets people really keep to a clean ``Dataset`` and an honest report.

The importer works sheet by sheet: find the header row (title rows, merged cells and blank rows
above it are common), decide which table the sheet holds from its headers (and its name), map
each header to a canonical field by synonym then fuzzy match, parse every value, and reshape
feedback (wide, long, survey export) to one rating per respondent × initiative × dimension.
Nothing the user gave is lost: a row that cannot be used is set aside with the reason, a value
that cannot be read is reported with its cell, and the user can correct any mapping and re-run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from alignment import schema, validation
from alignment.dataset import (
    COMMENT_COLUMNS,
    FEEDBACK_COLUMNS,
    Dataset,
    empty_table,
    table_columns,
)
from alignment.problems import Note, Problem, UnreadableFile
from alignment.readers import DEFAULT_LIMITS, Limits, RawSheet, col_letter, read_file
from alignment.schema import Kind
from alignment.values import (
    WordRating,
    clean_text,
    coerce,
    coerce_distinct,
    distinct_cells,
    guess_dayfirst,
    parser_for,
)

Progress = Callable[[float, str], None]
log = logging.getLogger(__name__)
IGNORE = "ignore"
HEADER_SCAN_ROWS = 30
FUZZY_CUTOFF = 86
_SURVEY_HEADER = re.compile(r"^(?P<question>.*\S)\s*\[(?P<item>[^\[\]]+)\]\s*$")
_TRAILER = re.compile(
    r"^\s*(grand\s+)?(sub)?totals?\b|^\s*(sum|average|avg|mean|count)\b[\s:]*|"
    r"^\s*(notes?|source|nb|n\.b\.|comments?)\s*[:\-]|^\s*\*|"
    r"^\s*(last\s+)?updated\b|^\s*prepared\s+by\b",
    re.IGNORECASE,
)


# --- inputs ------------------------------------------------------------------------------------


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
class Settings:
    """What the user can change on the Data page; part of a snapshot.

    ``overrides``: per sheet key (``sheet_key(file, sheet)``) a dict with an optional ``kind``
    (a table name or "ignore") and ``columns`` (canonical field -> header, "" to unmap).
    ``scales``: dimension -> (min, max) where the header does not declare one.
    ``sides``: group -> "tech" | "business" | "unknown", overriding the inference.
    """

    overrides: dict[str, dict] = field(default_factory=dict)
    scales: dict[str, tuple[float, float]] = field(default_factory=dict)
    sides: dict[str, str] = field(default_factory=dict)
    tech_words: tuple[str, ...] = schema.DEFAULT_TECH_GROUPS
    business_words: tuple[str, ...] = schema.DEFAULT_BUSINESS_GROUPS

    def to_json(self) -> str:
        return json.dumps(
            {
                "overrides": self.overrides,
                "scales": self.scales,
                "sides": self.sides,
                "tech_words": list(self.tech_words),
                "business_words": list(self.business_words),
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Settings:
        raw = json.loads(text or "{}")
        return cls(
            overrides=raw.get("overrides", {}),
            scales={k: tuple(v) for k, v in raw.get("scales", {}).items()},
            sides=raw.get("sides", {}),
            tech_words=tuple(raw.get("tech_words", schema.DEFAULT_TECH_GROUPS)),
            business_words=tuple(raw.get("business_words", schema.DEFAULT_BUSINESS_GROUPS)),
        )


def sheet_key(file: str, sheet: str) -> str:
    return f"{file}::{sheet}"


# --- outputs -----------------------------------------------------------------------------------


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
                }
                for s in self.sheets
            ],
        }


# --- header recognition ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _aliases() -> tuple[dict[str, list[tuple[str, str]]], list[str]]:
    """Every normalised alias -> the (table, field) pairs it names."""
    index: dict[str, list[tuple[str, str]]] = {}
    for table in schema.TABLES:
        for f in table.fields:
            names = {
                schema.normalise_header(f.label),
                f.name.replace("_", " "),
                *(schema.normalise_header(s) for s in f.synonyms),
            }
            for alias in names:
                if alias:
                    index.setdefault(alias, []).append((table.name, f.name))
    return index, list(index)


@lru_cache(maxsize=20_000)
def match_header(header: str) -> tuple[tuple[str, str, float], ...]:
    """(table, field, score 0..100) for every field a header could name, best first."""
    norm = schema.normalise_header(header)
    if not norm:
        return ()
    index, keys = _aliases()
    scores: dict[tuple[str, str], float] = {}
    for tf in index.get(norm, ()):
        scores[tf] = 100.0
    for alias, score, _ in process.extract(
        norm, keys, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_CUTOFF, limit=20
    ):
        for tf in index[alias]:
            scores[tf] = max(scores.get(tf, 0.0), float(score) - 2)
    words = norm.split()
    for n in range(len(words) - 1, 0, -1):
        prefix = " ".join(words[:n])
        if len(prefix) >= 5 and prefix in index:
            for tf in index[prefix]:
                scores[tf] = max(scores.get(tf, 0.0), 88.0 - (len(words) - n))
            break
    return tuple(sorted(((t, f, s) for (t, f), s in scores.items()), key=lambda x: -x[2]))


def _is_survey_header(header: str) -> bool:
    return bool(_SURVEY_HEADER.match(header))


def _fill_merged(sheet: RawSheet, rows: list[list[object]]) -> list[list[object]]:
    """Copy each merged header cell's value across its range, within the header scan zone."""
    if not sheet.merged:
        return rows
    rows = [list(r) for r in rows]
    for (r0, c0), (r1, c1) in sheet.merged:
        i0, j0 = r0 - (sheet.first_row - 1), c0 - sheet.first_col
        if not 0 <= i0 < len(rows) or j0 < 0:
            continue
        value = rows[i0][j0] if j0 < len(rows[i0]) else ""
        for i in range(i0, min(r1 - (sheet.first_row - 1) + 1, len(rows))):
            for j in range(j0, c1 - sheet.first_col + 1):
                while len(rows[i]) <= j:
                    rows[i].append("")
                if _blank(rows[i][j]):
                    rows[i][j] = value
    return rows


def _blank(v: object) -> bool:
    return v is None or v == "" or (isinstance(v, float) and math.isnan(v))


def find_header(sheet: RawSheet, forced: bool = False) -> tuple[int, list[str]] | None:
    """The row that looks most like a header, and its texts (merged and two-row headers joined).

    With ``forced`` (the user chose the sheet's table), a sheet whose headers name no known field
    still gets one: its first non-blank row, so the choice is applied instead of ignored and
    the user can map the columns by hand.
    """
    zone = _fill_merged(sheet, sheet.rows[:HEADER_SCAN_ROWS])
    best, best_score = None, 0.0
    for i, row in enumerate(zone):
        cells = [clean_text(c) for c in row if not _blank(c)]
        texts = [c for c in cells if not _numeric_text(c)]
        if len(texts) < 2:
            continue
        hits = _header_hits(cells)
        score = hits + 0.2 * hits / len(cells)
        if hits >= 2 and score > best_score + 0.25:
            best, best_score = i, score
    if best is None and forced:
        best = next((i for i, r in enumerate(zone) if any(not _blank(c) for c in r)), None)
    if best is None:
        return None
    if best + 1 < len(zone) and _is_sub_header(zone[best], zone[best + 1]):
        best += 1
    row = zone[best]
    above = zone[best - 1] if best > 0 else []
    width = max(map(len, sheet.rows)) if sheet.rows else 0
    headers: list[str] = []
    seen: dict[str, int] = {}
    for j in range(width):
        text = _joined_cell(row, above, j)
        if not text:
            text = f"Column {col_letter(sheet.first_col + j)}"
        if text in seen:
            seen[text] += 1
            text = f"{text} ({seen[text]})"
        else:
            seen[text] = 1
        headers.append(text)
    return best, headers


def _header_hits(cells: Sequence[str]) -> int:
    """How many non-numeric cells name a known field, a known indicator metric (wide indicator
    sheets are mostly metric columns) or are survey 'Question [Item]' headers."""
    return sum(
        1
        for c in cells
        if c
        and not _numeric_text(c)
        and (match_header(c) or _is_survey_header(c) or _is_metric_header(c))
    )


@lru_cache(maxsize=1)
def _metric_aliases() -> frozenset[str]:
    return frozenset(
        schema.normalise_header(s) for names in schema.INDICATOR_METRICS.values() for s in names
    )


@lru_cache(maxsize=20_000)
def _is_metric_header(text: str) -> bool:
    return schema.normalise_header(text) in _metric_aliases()


def _joined_cell(row: Sequence[object], above: Sequence[object], j: int) -> str:
    """A header cell of a two-row header: its own text, else the text of the cell above it."""
    if j < len(row) and not _blank(row[j]):
        return clean_text(row[j])
    if j < len(above) and not _blank(above[j]):
        return clean_text(above[j])
    return ""


def _is_sub_header(row: Sequence[object], below: Sequence[object]) -> bool:
    """Whether ``below`` holds the sub-headers of a group header in ``row``.

    "Ratings" merged over "Clarity of the why" and "Business value" makes the upper row score as
    well as the lower one (the group cell repeats across its range and matches a field), so the
    best-scoring row alone would keep the group label and lose the sub-headers. The lower row is
    the real header when it names at least one field itself and, joined with the row above for
    its blanks, names at least as many fields as the upper row. A data row rarely does both.
    """
    own = [clean_text(c) for c in below if not _blank(c)]
    if not _header_hits(own):
        return False
    width = max(len(row), len(below))
    joined = [_joined_cell(below, row, j) for j in range(width)]
    upper = [clean_text(c) for c in row if not _blank(c)]
    return _header_hits(joined) >= _header_hits(upper)


def _numeric_text(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def _assign(
    table: schema.Table, headers: Sequence[str], fields: Iterable[str]
) -> tuple[dict[str, int], float]:
    """Greedy one-to-one mapping of fields to header columns; returns mapping and its score."""
    allowed = set(fields)
    candidates = []
    for j, h in enumerate(headers):
        for t, f, s in match_header(h):
            if t == table.name and f in allowed:
                candidates.append((s, table.field(f).signal, -j, f, j))
    candidates.sort(reverse=True)
    mapping: dict[str, int] = {}
    used: set[int] = set()
    score = 0.0
    for s, signal, _, f, j in candidates:
        if f in mapping or j in used:
            continue
        mapping[f] = j
        used.add(j)
        score += signal * s / 100
    return mapping, score


@dataclass
class _Plan:
    kind: str
    score: float
    mapping: dict[str, int]
    form: str = ""
    extra: list[int] = field(default_factory=list)


def _plans(headers: list[str], sheet_name: str, file: str) -> list[_Plan]:
    """Every table the headers could hold, best first."""
    survey_cols = [j for j, h in enumerate(headers) if _is_survey_header(h)]
    label = schema.normalise_header(sheet_name or Path(file).stem)
    plans: list[_Plan] = []
    for table in schema.TABLES:
        names = [f.name for f in table.fields]
        form, extra = "", []
        if table.name == "feedback":
            long_map, long_score = _assign(
                table, headers, [n for n in names if n not in schema.FEEDBACK_RATING_FIELDS]
            )
            plain = [n for n in names if n not in ("dimension", "score")]
            if len(survey_cols) >= 2:
                mapping, score = _assign(
                    table,
                    [h if j not in survey_cols else "" for j, h in enumerate(headers)],
                    [
                        n
                        for n in plain
                        if n not in schema.FEEDBACK_RATING_FIELDS and n != "initiative"
                    ],
                )
                form, extra, score = "survey", survey_cols, score + 3
            elif "dimension" in long_map and "score" in long_map and "initiative" in long_map:
                mapping, score, form = long_map, long_score, "long"
            else:
                mapping, score = _assign(table, headers, plain)
                form = "wide"
                if (
                    not any(d in mapping for d in schema.FEEDBACK_RATING_FIELDS)
                    or "initiative" not in mapping
                ):
                    continue
        elif table.name == "indicators":
            mapping, score = _assign(table, headers, names)
            if "period" not in mapping:
                continue
            if "metric" in mapping and "value" in mapping:
                form = "long"
            else:
                mapping.pop("metric", None)
                mapping.pop("value", None)
                used = set(mapping.values())
                extra = [
                    j
                    for j in range(len(headers))
                    if j not in used and not headers[j].startswith("Column ")
                ]
                if not extra:
                    continue
                form, score = "wide", score + 0.5 * min(len(extra), 4)
        else:
            mapping, score = _assign(table, headers, names)
            if any(r not in mapping for r in table.required):
                continue
            if table.name == "stakeholders" and not {
                "influence",
                "interest",
                "last_1on1",
                "cadence",
                "role",
            } & set(mapping):
                continue
        if label and (
            label in table.sheet_names
            or any(label.startswith(n) for n in table.sheet_names if len(n) > 4)
        ):
            score += 2.5
        plans.append(_Plan(table.name, score, mapping, form, extra))
    plans.sort(key=lambda p: -p.score)
    return plans


def _apply_overrides(plan: _Plan, headers: list[str], override: dict) -> _Plan:
    columns = override.get("columns") or {}
    if not columns:
        return plan
    mapping = dict(plan.mapping)
    by_name = {h: j for j, h in enumerate(headers)}
    for f, header in columns.items():
        mapping.pop(f, None)
        if header and header in by_name:
            j = by_name[header]
            for other, col in list(mapping.items()):
                if col == j:
                    del mapping[other]
            mapping[f] = j
    extra = [j for j in plan.extra if j not in mapping.values()]
    form = plan.form
    if plan.kind == "feedback" and form != "survey":
        form = "long" if "dimension" in mapping and "score" in mapping else "wide"
    if plan.kind == "indicators":
        form = "long" if "metric" in mapping and "value" in mapping else "wide"
    return _Plan(plan.kind, plan.score, mapping, form, extra)


def _forced_plan(kind: str, headers: list[str]) -> _Plan:
    """The best mapping for a table the user says the sheet holds, even if unconvincing."""
    table = schema.TABLE_BY_NAME[kind]
    names = [f.name for f in table.fields]
    if kind == "feedback":
        survey = [j for j, h in enumerate(headers) if _is_survey_header(h)]
        if len(survey) >= 2:
            mapping, s = _assign(
                table,
                headers,
                [
                    n
                    for n in names
                    if n not in (*schema.FEEDBACK_RATING_FIELDS, "dimension", "score", "initiative")
                ],
            )
            return _Plan(kind, s, mapping, "survey", survey)
        mapping, s = _assign(table, headers, [n for n in names if n not in ("dimension", "score")])
        return _Plan(kind, s, mapping, "wide")
    mapping, s = _assign(table, headers, names)
    if kind == "indicators":
        if "metric" in mapping and "value" in mapping:
            return _Plan(kind, s, mapping, "long")
        used = set(mapping.values())
        return _Plan(kind, s, mapping, "wide", [j for j in range(len(headers)) if j not in used])
    return _Plan(kind, s, mapping)


# --- one sheet ---------------------------------------------------------------------------------


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
        """The original cells of every kept row, headers as columns, plus ``_row``."""
        raw = pd.DataFrame(
            self.grid[:, : self.longest], columns=range(self.longest), dtype=object
        ).reindex(columns=range(len(self.report.headers)))
        raw.index = self.index
        raw.columns = self.report.headers
        raw.insert(0, "_row", self.cols["_row"])
        return raw


def _sheet_grid(
    sheet: RawSheet, header_index: int, width: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """The data rows below the header as one (rows x width) array of cells, each row's Excel row,
    and the longest row's length. Short rows (ragged CSV records) are padded with "", columns
    past the longest row with NaN."""
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


def _read_sheet(
    sheet: RawSheet, settings: Settings
) -> tuple[SheetReport, _Chunk | None, list[Problem], list[Note]]:
    notes = list(sheet.notes)
    override = settings.overrides.get(sheet_key(sheet.file, sheet.sheet), {})
    kind_override = override.get("kind")
    label = f"Sheet '{sheet.sheet}'" if sheet.sheet else "The file"
    if kind_override == IGNORE:
        return (
            SheetReport(sheet.file, sheet.sheet, None, "ignored at your request"),
            None,
            [],
            notes,
        )
    found = find_header(sheet, forced=kind_override in schema.TABLE_BY_NAME)
    if found is None:
        reason = "no row looks like a header (such as 'Initiative ID', 'Name', 'Objective(s)')"
        if not any(any(not _blank(c) for c in r) for r in sheet.rows):
            reason = "empty"
        notes.append(
            Note(f"{label} holds no table ({reason}); it was ignored.", sheet.file, sheet.sheet)
        )
        return SheetReport(sheet.file, sheet.sheet, None, reason), None, [], notes
    h, headers = found
    header_row = sheet.excel_row(h)
    if kind_override in schema.TABLE_BY_NAME:
        plan = _forced_plan(kind_override, headers)
        reason = "chosen by you"
    else:
        plans = _plans(headers, sheet.sheet, sheet.file)
        if not plans:
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
                    sheet.file, sheet.sheet, None, "headers match no table", header_row, headers
                ),
                None,
                [],
                notes,
            )
        plan = plans[0]
        reason = f"recognised from {len(plan.mapping) + len(plan.extra)} matching headers"
    plan = _apply_overrides(plan, headers, override)
    table = schema.TABLE_BY_NAME[plan.kind]
    used = set(plan.mapping.values()) | set(plan.extra)
    report = SheetReport(
        sheet.file,
        sheet.sheet,
        plan.kind,
        reason,
        header_row,
        headers,
        {f.name: headers[plan.mapping[f.name]] for f in table.fields if f.name in plan.mapping},
        plan.form,
        [headers[j] for j in plan.extra],
        [h_ for j, h_ in enumerate(headers) if j not in used and not h_.startswith("Column ")],
    )
    grid, rows, longest = _sheet_grid(sheet, h, len(headers))
    blank = _blank_rows(grid)
    key_col = plan.mapping.get(table.key) if table.key else None
    trailer_pos = _trailers(grid, ~blank, len(plan.mapping) + len(plan.extra), key_col)
    # A respondent's name must not be quoted back, even in a note about a skipped row.
    hidden = plan.mapping.get("respondent") if plan.kind == "feedback" else None
    for pos in trailer_pos:
        j, text = next((j, clean_text(v)) for j, v in enumerate(grid[pos]) if not _blank(v))
        quoted = "a respondent's name, not shown" if j == hidden else f"'{text[:40]}'"
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
    inner_blank = int(blank[: (np.flatnonzero(keep).max() + 1) if keep.any() else 0].sum())
    if inner_blank:
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
    grid, rows = grid[kept], rows[kept]
    cols = {f: grid[:, j].copy() for f, j in plan.mapping.items()}
    for j in plan.extra:
        cols[f"__extra__{headers[j]}"] = grid[:, j].copy()
    cols["_row"] = rows
    report.rows_read = len(rows)
    if report.rows_read == 0:
        notes.append(Note(f"{label} has headers but no data rows.", sheet.file, sheet.sheet))
    index = pd.RangeIndex(len(blank))[keep]
    chunk = _Chunk(report, cols, index, grid, longest, dict(report.mapping))
    return report, chunk, [], notes


# --- parsing a table's rows --------------------------------------------------------------------


class _Collector:
    """Gathers problems and rejected rows for one chunk, so every message names its cell."""

    def __init__(self, chunk: _Chunk, table: str):
        self.chunk = chunk
        self.table = table
        self.problems: list[Problem] = []
        self.rejected: dict[int, str] = {}  # excel row -> reason

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
        fresh = {int(row) for row in rows} - set(self.rejected)
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


def _parse_fields(
    chunk: _Chunk, table: schema.Table, col: _Collector, skip: Iterable[str] = ()
) -> pd.DataFrame:
    """Parse every mapped field of a chunk; unreadable values become missing with a warning."""
    distinct = _parse_columns(chunk, table, col, skip)
    if not distinct:
        return pd.DataFrame(index=chunk.index)
    return pd.DataFrame(
        {
            name: pd.Series(values[codes], index=chunk.index, dtype=object)
            for name, (codes, values) in distinct.items()
        },
        index=chunk.index,
    )


def _reject_missing_key(
    frame: pd.DataFrame, parsed: pd.DataFrame, table: schema.Table, col: _Collector
) -> pd.Series:
    """Rows without their identifying field are set aside; returns the keep mask.

    When no column is mapped to the key at all (the user unmapped it, or forced a table the
    headers do not fit), every row lacks it: all are set aside, not kept with empty IDs.
    """
    if not table.key:
        return pd.Series(True, index=parsed.index)
    label = table.field(table.key).label
    if table.key not in parsed.columns:
        col.reject_unmapped(frame.loc[parsed.index, "_row"], label)
        return pd.Series(False, index=parsed.index)
    missing = parsed[table.key].isna()
    if missing.any():
        col.reject(
            frame.loc[missing, "_row"],
            f"This row has no {label}, which identifies it; it "
            f"was set aside. Fill in the {label} and upload again.",
            table.key,
        )
    return ~missing


# --- assembling tables across sheets -----------------------------------------------------------


def _concat(parts: list[pd.DataFrame], name: str) -> pd.DataFrame:
    parts = [p for p in parts if not p.empty]
    if not parts:
        return empty_table(name)
    return pd.concat(parts, ignore_index=True)


def _dedupe_keys(parts: list[tuple[_Chunk, pd.DataFrame, _Collector]], table: schema.Table) -> None:
    """Later rows repeating an ID are rejected; the message names the first row."""
    first: dict[str, tuple[str, int]] = {}
    label = table.field(table.key).label if table.key else ""
    for chunk, parsed, col in parts:
        if parsed.empty or table.key not in parsed.columns:
            continue
        keys = parsed[table.key].map(schema.fold_key)
        rows = chunk.frame.loc[parsed.index, "_row"].to_numpy()
        where = chunk.report.where
        for k, row, value in zip(keys, rows, parsed[table.key], strict=False):
            if k in first:
                src, first_row = first[k]
                place = f"row {first_row}" + ("" if src == where else f" of {src}")
                col.reject(
                    [row],
                    f"Duplicate {label} '{value}': already used on {place}; this "
                    "later row was set aside. Give it its own ID, or delete one of the two.",
                    table.key,
                    [value],
                )
            else:
                first[k] = (where, int(row))


def _drop_rejected(parsed: pd.DataFrame, chunk: _Chunk, col: _Collector) -> pd.DataFrame:
    if not col.rejected:
        return parsed
    rows = chunk.frame.loc[parsed.index, "_row"]
    return parsed[~rows.isin(col.rejected.keys()).to_numpy()]


def _simple_table(chunks: list[_Chunk], name: str) -> tuple[pd.DataFrame, list[_Collector]]:
    table = schema.TABLE_BY_NAME[name]
    parts: list[tuple[_Chunk, pd.DataFrame, _Collector]] = []
    for chunk in chunks:
        col = _Collector(chunk, name)
        parsed = _parse_fields(chunk, table, col)
        keep = _reject_missing_key(chunk.frame, parsed, table, col)
        parsed = parsed[keep]
        if name in ("initiatives", "objectives") and "name" not in parsed.columns:
            # No name column at all (unmapped by the user): the ID names each row, as it does
            # for a blank name, so no page ever shows an empty label.
            parsed["name"] = parsed["id"] if "id" in parsed.columns else np.nan
        elif name in ("initiatives", "objectives"):
            nameless = parsed["name"].isna()
            if nameless.any():
                col.warn_cells(
                    chunk.frame.loc[parsed.index[nameless], "_row"],
                    "name",
                    [""] * int(nameless.sum()),
                    [
                        f"No name given; the ID '{i}' is used as its name."
                        for i in parsed.loc[nameless, "id"]
                    ],
                )
                parsed.loc[nameless, "name"] = parsed.loc[nameless, "id"]
        if name == "glossary" and "plain" not in parsed.columns:
            col.reject_unmapped(chunk.frame.loc[parsed.index, "_row"], table.field("plain").label)
            parsed = parsed.iloc[0:0]
        elif name == "glossary":
            empty = parsed["plain"].isna()
            col.reject(
                chunk.frame.loc[parsed.index[empty], "_row"],
                "This term has no business wording; it was set aside.",
                "plain",
            )
            parsed = parsed[~empty]
        for index, column, message in validation.failures(name, parsed):
            # Checked per sheet, where each value's file, sheet, row and header are known.
            col.warn_cells(
                [chunk.frame.at[index, "_row"]],
                column,
                [chunk.frame.at[index, column]],
                [
                    f"{table.field(column).label}: {message}; the value was left empty (the "
                    "rest of the row is kept)."
                ],
            )
            parsed.at[index, column] = np.nan
        if name == "initiatives" and "target" in chunk.frame.columns:
            labels = chunk.frame.loc[parsed.index, "target"].map(
                lambda v: np.nan if _blank(v) else clean_text(v)
            )
            parsed["target_label"] = labels
        parts.append((chunk, parsed, col))
    if table.key:
        _dedupe_keys(parts, table)
    frames = []
    for chunk, parsed, col in parts:
        frames.append(_drop_rejected(parsed, chunk, col))
    result = _concat(frames, name)
    columns = list(table_columns(name))
    for c in columns:
        if c not in result.columns:
            result[c] = (
                [() for _ in range(len(result))]
                if schema.TABLE_BY_NAME[name].fields
                and c in {f.name for f in table.fields if f.kind is Kind.IDS}
                else np.nan
            )
    return result[columns], [c for _, _, c in parts]


def _dimension_of(text: object) -> str:
    """A question or dimension label -> canonical dimension name (or the cleaned text)."""
    raw = clean_text(text)
    norm = schema.normalise_header(raw)
    for d in schema.DIMENSIONS:
        if norm in {schema.normalise_header(s) for s in (*d.synonyms, d.label, d.name)}:
            return d.name
    for d in schema.DIMENSIONS:
        if any(k in norm for k in d.keywords):
            return d.name
    return raw


def _is_comment_question(text: str) -> bool:
    norm = schema.normalise_header(text)
    comment = schema.FEEDBACK.field("comment")
    return norm in {schema.normalise_header(s) for s in comment.synonyms} or norm.startswith(
        ("comment", "remark", "anything else", "other feedback")
    )


def _rating_values(
    codes: np.ndarray,
    parsed: np.ndarray,
    scale: tuple[float, float],
    rows: np.ndarray,
    label: str,
    field_name: str,
    raw: np.ndarray,
    col: _Collector,
) -> np.ndarray:
    """Words onto the scale, out-of-range numbers to missing with a warning naming the cell.

    ``parsed`` holds one parsed value per distinct cell and ``codes`` each row's distinct cell
    (``values.coerce_distinct``). Words are told apart from numbers by type, per distinct cell,
    never by value: a ``WordRating`` equals (and hashes like) the float of its 1..5 position, so
    "Agree" and a typed 4 would otherwise share one entry and one of them would land on the
    wrong point of a 1..7 scale. Returns a fresh float array, one rating per row.
    """
    lo, hi = scale
    numbers = pd.to_numeric(pd.Series(parsed, dtype=object), errors="coerce").to_numpy(
        dtype=float, copy=True
    )
    is_word = np.fromiter(
        (isinstance(v, WordRating) for v in parsed), dtype=bool, count=len(parsed)
    )
    if is_word.any():
        numbers[is_word] = lo + (numbers[is_word] - 1) * (hi - lo) / 4
    out = numbers[codes]
    bad = (out < lo) | (out > hi)
    if bad.any():
        lo_s, hi_s = f"{lo:g}", f"{hi:g}"
        if schema.scale_from_header(label):
            hint = f"If the scale is not {lo_s}–{hi_s}, correct it in the header '{label}'."
        else:
            hint = (
                "If this dimension uses another scale, write it in the header, "
                f"e.g. '{label} (1-7)', or set it on the Data page."
            )
        col.warn_cells(
            rows[bad],
            field_name,
            raw[bad],
            [
                f"{label}: {v:g} is outside the {lo_s}–{hi_s} scale; the rating was left empty "
                f"(the rest of the row is kept). {hint}"
                for v in out[bad]
            ],
        )
        out[bad] = np.nan
    return out


def _scale_for(dimension: str, header: str, settings: Settings) -> tuple[float, float]:
    declared = schema.scale_from_header(header)
    if declared:
        return float(declared[0]), float(declared[1])
    if dimension in settings.scales:
        lo, hi = settings.scales[dimension]
        return float(lo), float(hi)
    return float(schema.DEFAULT_SCALE[0]), float(schema.DEFAULT_SCALE[1])


# The columns of a response that every one of its ratings repeats.
_BASE_COLS = ("respondent", "group", "side", "initiative", "comment", "date")
_RATING_COLS = ("respondent", "group", "side", "initiative", "date", "_row", "_resp")


@dataclass
class _Piece:
    """Ratings of one column (wide, survey) or of a whole long sheet: the response rows they
    come from (positions in the sheet's kept rows) and, aligned with them or as one value for
    all, what each rating says."""

    pos: np.ndarray
    dimension: object  # a name, or an array of names
    rating: np.ndarray
    scale_min: object  # a number, or an array
    scale_max: object
    initiative: object = None  # survey exports name the initiative in the column header


def _spread(value: object, n: int, dtype: object) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    out = np.empty(n, dtype=dtype)
    out[:] = value
    return out


# The text columns of a rating: each row holds a code into its sheet's table of distinct values.
_CODED = ("respondent", "group", "side", "initiative", "dimension", "date")


@dataclass
class _Rated:
    """One sheet's rated answers: equal-length arrays (``_row``, ``_resp``, ``rating``,
    ``scale_min``, ``scale_max`` and the codes of the ``_CODED`` columns) and, per coded column,
    the table of distinct values its codes point into (a missing value is a NaN entry)."""

    cols: dict[str, np.ndarray]
    tables: dict[str, np.ndarray]
    dateless: bool  # the sheet has no date column


def _ratings(
    pieces: list[_Piece], codes: dict[str, np.ndarray], tables: dict[str, np.ndarray]
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The pieces as one long table of rated answers, in piece order, the ratings left empty
    dropped; survey items and dimension names join their columns' tables."""
    tables = dict(tables)
    if not pieces:
        empty = np.empty(0, dtype=np.intp)
        pieces = [_Piece(empty, np.empty(0, dtype=object), np.empty(0), np.nan, np.nan)]
    pos = np.concatenate([p.pos for p in pieces])
    out = {c: codes[c][pos] for c in ("respondent", "group", "side", "date", "_row", "_resp")}
    items: list[object] = []
    parts = []
    for p in pieces:
        if p.initiative is None:
            parts.append(codes["initiative"][p.pos])
        else:
            parts.append(np.full(len(p.pos), len(tables["initiative"]) + len(items)))
            items.append(p.initiative)
    out["initiative"] = np.concatenate(parts)
    if items:
        tables["initiative"] = np.concatenate([tables["initiative"], np.array(items, dtype=object)])
    names: list[object] = []
    parts = []
    for p in pieces:
        if isinstance(p.dimension, np.ndarray):  # long sheets: a dimension per row
            found, distinct = pd.factorize(p.dimension)
            parts.append(found + len(names))
            names.extend(distinct)
        else:
            parts.append(np.full(len(p.pos), len(names)))
            names.append(p.dimension)
    out["dimension"] = np.concatenate(parts).astype(np.intp, copy=False)
    tables["dimension"] = np.array(names, dtype=object)
    out["rating"] = np.concatenate([p.rating for p in pieces]).astype(float, copy=False)
    out["scale_min"] = np.concatenate([_spread(p.scale_min, len(p.pos), float) for p in pieces])
    out["scale_max"] = np.concatenate([_spread(p.scale_max, len(p.pos), float) for p in pieces])
    rated = ~np.isnan(out["rating"])
    if not rated.all():
        out = {c: a[rated] for c, a in out.items()}
    return out, tables


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
        dayfirst = (
            guess_dayfirst(pd.Series(cells, dtype=object))
            if f.kind in (Kind.DATE, Kind.PERIOD)
            else True
        )
        codes, values, problems = coerce_distinct(
            cells, parser_for(f.kind, f.name, dayfirst=dayfirst)
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


def _feedback_chunk(chunk: _Chunk, settings: Settings) -> tuple[_Rated, pd.DataFrame, _Collector]:
    """One feedback sheet -> its rated answers and its comments."""
    table = schema.FEEDBACK
    col = _Collector(chunk, "feedback")
    cols = chunk.cols
    rows = cols["_row"]
    n = len(rows)
    skip = (*schema.FEEDBACK_RATING_FIELDS, "score", "dimension")
    distinct = _parse_columns(chunk, table, col, skip=skip)
    parsed = {c: values[codes] for c, (codes, values) in distinct.items()}
    form = chunk.report.form
    absent = (np.zeros(n, dtype=np.intp), np.array([np.nan], dtype=object))
    arrays = {c: distinct.get(c, absent)[0] for c in _CODED if c != "dimension"}
    tables = {c: distinct.get(c, absent)[1] for c in _CODED if c != "dimension"}
    no_initiative = pd.isna(tables["initiative"])[arrays["initiative"]]
    arrays["_row"] = rows
    arrays["_resp"] = rows  # the row that starts each response; long form groups its rows below
    base = pd.DataFrame(
        {
            c: pd.Series(parsed[c], index=chunk.index, dtype=object) if c in parsed else np.nan
            for c in _BASE_COLS
        },
        index=chunk.index,
    )
    base["_row"] = rows
    base["_resp"] = rows
    pieces: list[_Piece] = []
    comment_pieces: list[pd.DataFrame] = []
    every = np.arange(n)
    if form == "survey":
        for c in [c for c in cols if c.startswith("__extra__")]:
            header = c[len("__extra__") :]
            m = _SURVEY_HEADER.match(header)
            question, item = m.group("question"), m.group("item").strip()
            if _is_comment_question(question):
                texts = coerce(
                    pd.Series(cols[c], index=chunk.index, dtype=object), parser_for(Kind.TEXT)
                )[0]
                piece = base.assign(initiative=item, comment=texts)
                comment_pieces.append(piece[piece["comment"].notna()])
                continue
            dim = _dimension_of(question)
            codes, values, probs = coerce_distinct(cols[c], parser_for(Kind.RATING))
            chunk.header_of[c] = header
            _warn_rating_problems(col, c, cols[c], codes, probs, header)
            scale = _scale_for(dim, header, settings)
            rating = _rating_values(codes, values, scale, rows, header, c, cols[c], col)
            pieces.append(_Piece(every, dim, rating, scale[0], scale[1], initiative=item))
        if "comment" in parsed:
            comment_pieces.append(base[base["comment"].notna()])
    elif form == "long":
        keep = _require_initiative(no_initiative, rows, col)
        dim_codes, dim_cells = distinct_cells(cols["dimension"])
        dims = np.array(
            [np.nan if _blank(v) else _dimension_of(v) for v in dim_cells], dtype=object
        )[dim_codes]
        resp = _long_form_responses(base, pd.Series(dims, index=chunk.index, dtype=object))
        base["_resp"] = resp
        arrays["_resp"] = resp
        no_dim = pd.isna(dims) & keep
        if no_dim.any():
            col.reject(
                rows[no_dim],
                "This row has no dimension, so its score cannot be placed; it was set aside.",
                "dimension",
            )
        keep &= ~no_dim
        codes, values, probs = coerce_distinct(cols["score"], parser_for(Kind.RATING))
        _warn_rating_problems(
            col, "score", cols["score"], codes, probs, chunk.header_of.get("score", "score")
        )
        score_header = chunk.header_of.get("score", "")
        rating = np.full(n, np.nan)
        scale_min = np.full(n, np.nan)
        scale_max = np.full(n, np.nan)
        for dim in pd.unique(dims[keep]):
            sel = (dims == dim) & keep
            scale = _scale_for(dim, score_header, settings)
            rating[sel] = _rating_values(
                codes[sel],
                values,
                scale,
                rows[sel],
                table.field("score").label,
                "score",
                cols["score"][sel],
                col,
            )
            scale_min[sel], scale_max[sel] = scale
        pos = np.flatnonzero(keep)
        pieces.append(_Piece(pos, dims[pos], rating[pos], scale_min[pos], scale_max[pos]))
        comment_pieces.append(
            base[keep & base["comment"].notna().to_numpy()].drop_duplicates(
                subset=["respondent", "_resp", "initiative", "comment"]
            )
        )
    else:
        keep = _require_initiative(no_initiative, rows, col)
        pos = np.flatnonzero(keep)
        for dim in schema.FEEDBACK_RATING_FIELDS:
            if dim not in cols:
                continue
            header = chunk.header_of.get(dim, dim)
            codes, values, probs = coerce_distinct(cols[dim], parser_for(Kind.RATING))
            _warn_rating_problems(col, dim, cols[dim], codes, probs, header)
            scale = _scale_for(dim, header, settings)
            rating = _rating_values(codes, values, scale, rows, header, dim, cols[dim], col)
            pieces.append(_Piece(pos, dim, rating[pos], scale[0], scale[1]))
        comment_pieces.append(base[keep & base["comment"].notna().to_numpy()])
    rated, tables = _ratings(pieces, arrays, tables)
    if form == "survey":
        answered = set(rated["_row"].tolist()) | set(
            pd.concat(comment_pieces)["_row"] if comment_pieces else []
        )
        empty_rows = [r for r in rows if r not in answered]
        if empty_rows:
            col.reject(empty_rows, "This response has no rating at all; it was set aside.")
    comments = pd.concat(comment_pieces, ignore_index=True) if comment_pieces else base.iloc[0:0]
    return _Rated(rated, tables, "date" not in distinct), comments, col


def _long_form_responses(base: pd.DataFrame, dims: pd.Series) -> np.ndarray:
    """The first row of the response each long-form row belongs to.

    A long sheet spends one row per dimension, so one person's answer about one initiative is a
    run of consecutive rows with the same respondent, group, side, initiative and date. Counting
    each row as a respondent would count one person rating five dimensions as five people, and
    one person's ratings would then pass the anonymity threshold on their own. A run ends where
    those cells change or a dimension repeats; when in doubt rows are merged, never split, so n
    is never overstated.
    """
    rows = base["_row"].to_numpy()
    n = len(rows)
    changed = np.ones(n, dtype=bool)
    if n:
        changed[1:] = False
        for c in ("respondent", "group", "side", "initiative", "date"):
            cur, prev = base[c].astype(object), base[c].astype(object).shift()
            same = (cur == prev) | (cur.isna() & prev.isna())
            changed |= ~same.to_numpy(dtype=bool)
    dim_codes = pd.factorize(dims)[0]
    out = np.empty(n, dtype=rows.dtype)
    seen: set[int] = set()
    start = 0
    for i in range(n):  # one pass over plain ints: ~0.2 s for 500k rows
        code = int(dim_codes[i])
        if changed[i] or code in seen:
            start, seen = rows[i], set()
        seen.add(code)
        out[i] = start
    return out


def _warn_rating_problems(
    col: _Collector,
    field_name: str,
    cells: np.ndarray,
    codes: np.ndarray,
    problems: np.ndarray,
    header: str,
) -> None:
    bad_distinct = pd.notna(problems)
    if bad_distinct.any():
        bad = bad_distinct[codes]
        col.chunk.header_of.setdefault(field_name, header)
        col.warn_cells(
            col.chunk.cols["_row"][bad],
            field_name,
            cells[bad],
            (
                f"{header}: {p}; the rating was left empty (the rest of the row is kept)."
                for p in problems[codes[bad]]
            ),
        )


def _require_initiative(missing: np.ndarray, rows: np.ndarray, col: _Collector) -> np.ndarray:
    """Rows that name no initiative (``missing``) are set aside; returns the keep mask."""
    if "initiative" not in col.chunk.cols:
        col.reject_unmapped(rows, schema.FEEDBACK.field("initiative").label)
    elif missing.any():
        col.reject(
            rows[missing],
            "This row does not say which initiative it rates; "
            "it was set aside. Fill in the initiative's ID or name.",
            "initiative",
        )
    return ~missing


def _resolve_refs(
    refs: pd.Series, lookup: dict[str, str], spelling: dict[str, str]
) -> tuple[pd.Series, pd.Series]:
    """Initiative references (id or name, any case) -> ids; and a mask of unknown references.

    ``lookup``: folded id or name -> id of a known initiative. ``spelling``: folded reference ->
    the spelling that stands for an unknown one. Folding runs once per distinct reference; each
    row costs one dict lookup.
    """
    canonical: dict[object, str] = {}
    unknown_refs: list[object] = []
    for ref in pd.unique(refs.dropna()):
        key = schema.fold_key(ref)
        if key in lookup:
            canonical[ref] = lookup[key]
        else:
            canonical[ref] = spelling.get(key, ref)
            unknown_refs.append(ref)
    return refs.map(canonical), refs.isin(unknown_refs)


def _suggest(ref: str, choices: dict[str, str]) -> str:
    if not choices:
        return ""
    hit = process.extractOne(
        schema.fold_key(ref), list(choices), scorer=fuzz.WRatio, score_cutoff=80
    )
    return f" Did you mean '{choices[hit[0]]}'?" if hit else ""


def infer_side(
    group: str,
    tech_words: Iterable[str] = schema.DEFAULT_TECH_GROUPS,
    business_words: Iterable[str] = schema.DEFAULT_BUSINESS_GROUPS,
) -> str:
    """A group's side from whole words in its name; tech wins ties ('Finance IT' is tech)."""
    folded = " " + " ".join(re.split(r"[^0-9a-z&]+", group.casefold())) + " "

    def hit(words: Iterable[str]) -> bool:
        return any(f" {w.casefold()} " in folded for w in words)

    if hit(tech_words):
        return "tech"
    if hit(business_words):
        return "business"
    return "unknown"


def _by_value(
    table: np.ndarray, more: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Equal values as one: (for each entry of ``table`` its value's number, the values, for
    each of ``more`` its value's number); a missing value is -1. Sheets' tables repeat values
    (two cells that read the same, two sheets naming the same group)."""
    more = np.empty(0, dtype=object) if more is None else more
    codes, values = pd.factorize(np.concatenate([table, more]))
    return codes[: len(table)], np.asarray(values, dtype=object), codes[len(table) :]


def _by_count(codes: np.ndarray, size: int) -> np.ndarray:
    """The values' numbers (``codes``, -1 for missing, below ``size``) most frequent first,
    ties in order of first appearance, missing left out: ``value_counts()`` on numbers."""
    codes = codes[codes >= 0]
    seen = pd.unique(codes)  # in order of first appearance
    counts = np.bincount(codes, minlength=size)
    return seen[np.argsort(-counts[seen], kind="stable")]


def _respondent_keys(
    people: np.ndarray, names: np.ndarray, src: np.ndarray, resp: np.ndarray
) -> np.ndarray:
    """Who answered, as a key that counts each person once: the folded name, else the response.

    ``people``: each rating's number into the distinct ``names`` (-1 when it has none). Without
    a respondent name each response counts as one respondent (the method's n rule): a row of a
    wide sheet or survey export, a run of rows of a long sheet (``_resp``). Keys are integers,
    equal exactly when the people are: folded names first, then (sheet, response) pairs.
    """
    keys = np.empty(len(people), dtype=np.int64)
    named = people >= 0
    folded, _ = pd.factorize(np.array([schema.fold_key(v) for v in names], dtype=object))
    keys[named] = folded[people[named]]
    if not named.all():
        width = int(resp.max()) + 1
        pairs, _ = pd.factorize(src[~named].astype(np.int64) * width + resp[~named])
        keys[~named] = len(names) + pairs
    return keys


def _warn_repeated_answers(
    dup: np.ndarray,
    kept: np.ndarray,
    item: np.ndarray,
    src: np.ndarray,
    row: np.ndarray,
    collectors: list[_Collector],
) -> None:
    """One warning per response row whose ratings a later answer of the same person replaced.

    ``dup``: the replaced ratings (positions, in the order the answers were sorted); ``kept``:
    for each, the rating that replaced it; ``item``: for each, its initiative. A whole survey
    submitted twice repeats every initiative and dimension: one message per rating would bury
    the report, so each superseded row gets one, naming the row that counts.
    """
    by_row = np.lexsort((row[dup], src[dup]))  # stable: the sorted order within a row
    dup, kept, item = dup[by_row], kept[by_row], item[by_row]
    src_, row_ = src[dup], row[dup]
    kept_src, kept_row = src[kept], row[kept]
    starts = np.flatnonzero(np.r_[True, (src_[1:] != src_[:-1]) | (row_[1:] != row_[:-1])])
    for a, b in zip(starts, [*starts[1:], len(src_)], strict=True):
        later = []
        for k_src, k_row in sorted(set(zip(kept_src[a:b], kept_row[a:b], strict=True))):
            where = "" if k_src == src_[a] else f" of {collectors[k_src].chunk.report.where}"
            later.append(f"row {k_row}{where}")
        items = sorted(set(item[a:b]))
        shown = ", ".join(f"'{i}'" for i in items[:5]) + (" …" if len(items) > 5 else "")
        collectors[src_[a]].warn_cells(
            [row_[a]],
            "respondent",
            [""],
            [
                f"The same respondent answered {shown} again on {' and '.join(later)}; only the "
                f"later answer counts, so {b - a} rating(s) of this row were left out."
            ],
        )


def _str_column(distinct: np.ndarray, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``Series(distinct[codes]).astype(str)``, converting each distinct value once."""
    return pd.Series(distinct, dtype=object).astype(str).array.take(codes)


def _datetimes(
    codes: np.ndarray, distinct: np.ndarray, dateless: np.ndarray
) -> pd.api.extensions.ExtensionArray:
    """``pd.to_datetime(pd.Series(distinct[codes], dtype=object), errors="coerce")``'s values,
    converting each distinct date once instead of 100k Timestamp objects.

    pandas picks the result's resolution (s, us, ...) from the objects it converts: every one,
    or, when its cache applies, the first of each distinct value. The same choice is made here,
    so the column keeps the unit it always had. ``dateless`` marks the NaN that stands for a
    sheet without dates: there pandas met a new float object on every row.
    """
    n = len(codes)
    present = pd.unique(codes)  # in order of first appearance
    objects = distinct[present]
    converted = pd.to_datetime(pd.Series(objects, dtype=object), errors="coerce", cache=False)
    # pandas.core.tools.datetimes.should_cache: a sample of the first values, mostly repeats.
    head = codes[: n // 10 if n <= 5000 else 500]
    sample = {object() if dateless[c] else distinct[c] for c in head.tolist()}
    if n > 50 and len(sample) <= len(head) * 0.7:
        firsts = pd.unique(objects)
        if len(firsts) < n:
            unit = pd.to_datetime(pd.Series(firsts, dtype=object), errors="coerce", cache=False)
            converted = converted.astype(unit.dtype)
    position = np.zeros(len(distinct), dtype=np.intp)
    position[present] = np.arange(len(present))
    return converted.array.take(position[codes])


def _feedback_table(
    chunks: list[_Chunk], initiatives: pd.DataFrame, settings: Settings
) -> tuple[
    pd.DataFrame, pd.DataFrame, dict[str, str], dict[str, str], list[_Collector], list[Problem]
]:
    """Every sheet's ratings as one table: initiatives resolved, respondents pseudonymised and
    counted once, a person's repeated answer replaced by the later one, groups and sides.

    The ratings (~100k rows) stay plain arrays of codes throughout: each sheet's text columns
    point into its tables of distinct values, which are joined and grouped by value here (a few
    hundred initiatives, groups and dates), so every step works on the distinct values and
    expands them once by the codes. Comments (a few thousand rows at most) go through pandas.
    """
    rateds: list[_Rated] = []
    comments, collectors = [], []
    for i, chunk in enumerate(chunks):
        rated, comm, col = _feedback_chunk(chunk, settings)
        rated.cols["_src"] = np.full(len(rated.cols["_row"]), i, dtype=np.int64)
        comm["_src"] = i
        rateds.append(rated)
        comments.append(comm)
        collectors.append(col)
    comm = pd.concat(comments, ignore_index=True) if comments else pd.DataFrame()
    extra: list[Problem] = []
    if not sum(len(r.cols["_row"]) for r in rateds):
        cols = list(FEEDBACK_COLUMNS)
        return (
            pd.DataFrame(columns=cols),
            pd.DataFrame(columns=list(COMMENT_COLUMNS)),
            {},
            {},
            collectors,
            extra,
        )
    long = {c: np.concatenate([r.cols[c] for r in rateds]) for c in rateds[0].cols}
    tables: dict[str, np.ndarray] = {}
    for c in _CODED:  # the sheets' codes, made to point into the sheets' tables joined
        offsets = np.cumsum([0, *[len(r.tables[c]) for r in rateds[:-1]]])
        long[c] = np.concatenate([r.cols[c] + o for r, o in zip(rateds, offsets, strict=True)])
        tables[c] = np.concatenate([r.tables[c] for r in rateds])
    dateless = np.concatenate([np.full(len(r.tables["date"]), r.dateless) for r in rateds])
    n = len(long["_row"])
    comm_column = (
        (lambda c: comm[c].to_numpy(dtype=object))
        if not comm.empty
        else (lambda c: np.empty(0, dtype=object))
    )
    # Initiative references -> ids.
    lookup: dict[str, str] = {}
    for ident, name in zip(initiatives["id"], initiatives["name"], strict=False):
        lookup.setdefault(schema.fold_key(name), ident)
    for ident in initiatives["id"]:
        lookup[schema.fold_key(ident)] = ident
    names = {
        schema.fold_key(n): f"{i} {n}"
        for i, n in zip(initiatives["id"], initiatives["name"], strict=False)
    }
    # References to initiatives the table does not hold (or when there is no table) still
    # name one initiative however they are spelt: the most used spelling stands for the rest.
    ref_of, refs, comm_refs = _by_value(tables["initiative"], comm_column("initiative"))
    ref_codes = ref_of[long["initiative"]]  # none missing: such rows were set aside
    spelling: dict[str, str] = {}
    for k in _by_count(np.concatenate([ref_codes, comm_refs]), len(refs)):
        # most used first; ties go to the spelling seen first
        spelling.setdefault(schema.fold_key(refs[k]), refs[k])
    canonical = np.empty(len(refs), dtype=object)
    unknown_ref = np.zeros(len(refs), dtype=bool)
    for k, ref in enumerate(refs):
        key = schema.fold_key(ref)
        if key in lookup:
            canonical[k] = lookup[key]
        else:
            canonical[k], unknown_ref[k] = spelling.get(key, ref), True
    item_of, items = pd.factorize(canonical)
    item_codes = item_of[ref_codes]
    items = np.asarray(items, dtype=object)
    unknown = unknown_ref[ref_codes]
    if len(initiatives) and unknown.any():
        where = np.flatnonzero(unknown)
        found = (
            pd.DataFrame(
                {"src": long["_src"][where], "item": item_codes[where], "row": long["_row"][where]}
            )
            .groupby(["src", "item"])["row"]
            .agg(["min", "nunique"])
        )
        for (src, code), first, count in sorted(
            zip(found.index, found["min"], found["nunique"], strict=True),
            key=lambda g: (g[0][0], items[g[0][1]]),
        ):
            ref = items[code]
            collectors[src].warn_cells(
                [first],
                "initiative",
                [ref],
                [
                    f"Initiative '{ref}' is not in the initiatives table "
                    f"({count} row(s) refer "
                    f"to it); the ratings are kept under that name.{_suggest(ref, names)}"
                ],
            )
    # Respondents: a stable pseudonym; names are never kept.
    person_of, people_named, comm_people = _by_value(
        tables["respondent"], comm_column("respondent")
    )
    person_codes = person_of[long["respondent"]]
    srcs, resps = long["_src"], long["_resp"]
    if not comm.empty:
        srcs = np.concatenate([srcs, comm["_src"].to_numpy(dtype=np.int64)])
        resps = np.concatenate([resps, comm["_resp"].to_numpy(dtype=np.int64)])
    all_keys = _respondent_keys(
        np.concatenate([person_codes, comm_people]), people_named, srcs, resps
    )
    key, n_keys = all_keys[:n], n
    # De-duplicate a named respondent's repeated answer: the latest one counts.
    named = np.flatnonzero(person_codes >= 0)
    dim_of, dims, _ = _by_value(tables["dimension"])
    dim_codes = dim_of[long["dimension"]]
    if len(named):
        # Dates ranked as sort_values ranks them; missing ones (-1) first.
        date_rank = pd.Categorical(tables["date"], ordered=True).codes[long["date"]]
        order = named[np.lexsort((long["_row"][named], long["_src"][named], date_rank[named]))]
        answer = (key[order] * len(items) + item_codes[order]) * max(len(dims), 1) + dim_codes[
            order
        ]
        answer_codes, _ = pd.factorize(answer)
        repeated = np.bincount(answer_codes)[answer_codes] > 1
        if repeated.any():
            # Among the answers given more than once, all but the last (in date order) go.
            at, again = order[repeated], answer_codes[repeated]
            dup = pd.Index(again).duplicated(keep="last")
            last = dict(zip(again[~dup].tolist(), at[~dup].tolist(), strict=True))
            replaced_by = np.array([last[a] for a in again[dup].tolist()], dtype=np.intp)
            _warn_repeated_answers(
                at[dup],
                replaced_by,
                items[item_codes[at[dup]]],
                long["_src"],
                long["_row"],
                collectors,
            )
            kept = np.ones(n, dtype=bool)
            kept[at[dup]] = False
            long = {c: a[kept] for c, a in long.items()}
            key, item_codes, dim_codes = key[kept], item_codes[kept], dim_codes[kept]
            n = len(key)
    codes, people = pd.factorize(key)
    labels = np.array([f"R{c + 1:05d}" for c in range(len(people))], dtype=object)
    # Groups: one spelling per folded name; sides from a column's majority, else the name.
    group_table = tables["group"].copy()
    group_table[pd.isna(group_table)] = "(no group)"
    raw_of, raw_groups, _ = _by_value(group_table)
    raw_codes = raw_of[long["group"]]
    spelling = {}
    for k in _by_count(raw_codes, len(raw_groups)):
        spelling.setdefault(schema.fold_key(raw_groups[k]), raw_groups[k])
    seen = pd.unique(raw_codes)  # in order of first appearance
    # Canonical names in order of first appearance, as the rows' raw names are.
    canonical_of, group_names = pd.factorize(
        np.array([spelling[schema.fold_key(g)] for g in raw_groups[seen]], dtype=object)
    )
    group_of = np.zeros(len(raw_groups), dtype=np.intp)
    group_of[seen] = canonical_of
    group_codes = group_of[raw_codes]
    group_names = np.asarray(group_names, dtype=object)
    declared: dict[str, str] = {}
    side_of, side_names, _ = _by_value(tables["side"])
    side_codes = side_of[long["side"]]
    side_given = side_codes >= 0
    if side_given.any():
        pair_codes, pairs = pd.factorize(
            group_codes[side_given].astype(np.int64) * len(side_names) + side_codes[side_given]
        )
        counts = np.bincount(pair_codes)
        best: dict[int, tuple[int, int]] = {}
        for k, pair in enumerate(pairs):  # first seen first, so ties go to the side seen first
            g, s = divmod(int(pair), len(side_names))
            if g not in best or counts[k] > best[g][0]:
                best[g] = (int(counts[k]), s)
        declared = {group_names[g]: side_names[s] for g, (_, s) in best.items()}
    sides: dict[str, str] = {}
    sources: dict[str, str] = {}
    for g in group_names:
        if g in declared:
            sides[g], sources[g] = declared[g], "from the file"
        else:
            sides[g], sources[g] = (
                infer_side(g, settings.tech_words, settings.business_words),
                "inferred from the name",
            )
        if g in settings.sides and settings.sides[g] in ("tech", "business", "unknown"):
            sides[g], sources[g] = settings.sides[g], "set by you"
    unknown_groups = [g for g, s in sides.items() if s == "unknown"]
    if unknown_groups:
        extra.append(
            Problem(
                "warning",
                f"The side (tech or business) of {len(unknown_groups)} group(s) could not "
                f"be inferred: {', '.join(unknown_groups[:8])}. Their ratings count for their "
                "group "
                "but for neither side; assign them on the Data page or add a Side column.",
                table="feedback",
                column="Group",
            )
        )
    rating, scale_min, scale_max = long["rating"], long["scale_min"], long["scale_max"]
    with np.errstate(divide="ignore", invalid="ignore"):
        score = 100 * (rating - scale_min) / (scale_max - scale_min)
    feedback = pd.DataFrame(
        {
            "respondent": _str_column(labels, codes),
            "group": _str_column(group_names, group_codes),
            "side": _str_column(
                np.array([sides[g] for g in group_names], dtype=object), group_codes
            ),
            "initiative_id": _str_column(items, item_codes),
            "dimension": _str_column(dims, dim_codes),
            "rating": rating,
            "scale_min": scale_min,
            "scale_max": scale_max,
            "score": score,
            "date": _datetimes(long["date"], tables["date"], dateless),
        }
    )
    if comm.empty:
        comments_out = pd.DataFrame(columns=list(COMMENT_COLUMNS))
    else:
        # Each comment's initiative, pseudonym, group and side, looked up per distinct value.
        at_item = np.append(canonical, np.nan)[comm_refs]  # -1 (no initiative): NaN
        person = pd.Index(people).get_indexer(all_keys[n_keys:])
        group_codes, raw_groups = pd.factorize(
            comm["group"].astype(object).where(comm["group"].notna(), "(no group)").to_numpy()
        )
        comm_groups = np.array(
            [spelling.get(schema.fold_key(g), g) for g in raw_groups], dtype=object
        )
        comments_out = pd.DataFrame(
            {
                "respondent": pd.array(np.append(labels, "R-")[person], dtype="str"),
                "group": pd.array(comm_groups[group_codes], dtype="str"),
                "side": pd.array(
                    np.array([sides.get(g, "unknown") for g in comm_groups], dtype=object)[
                        group_codes
                    ],
                    dtype="str",
                ),
                "initiative_id": (
                    pd.array(at_item, dtype="str")
                    if (comm_refs >= 0).any()
                    else _resolve_refs(comm["initiative"], lookup, spelling)[0].array
                ),  # general comments only (no initiative): the all-NaN column pandas made
                "comment": comm["comment"].reset_index(drop=True),  # keeps its dtype
                "date": pd.to_datetime(comm["date"], errors="coerce").reset_index(drop=True),
            }
        )
    return feedback, comments_out, sides, sources, collectors, extra


def _indicator_table(chunks: list[_Chunk]) -> tuple[pd.DataFrame, list[_Collector]]:
    table = schema.INDICATORS
    frames, collectors = [], []
    for chunk in chunks:
        col = _Collector(chunk, "indicators")
        frame = chunk.frame
        parsed = _parse_fields(chunk, table, col, skip=("value",))
        rows = frame["_row"]
        if "period" not in parsed.columns:
            col.reject_unmapped(rows, table.field("period").label)
            collectors.append(col)
            continue
        missing = parsed["period"].isna()
        if missing.any():
            col.reject(
                rows[missing],
                "This row has no readable period (month, quarter or date); it was set aside.",
                "period",
                frame.loc[missing, "period"],
            )
        scope = (
            parsed["scope"] if "scope" in parsed.columns else pd.Series(np.nan, index=frame.index)
        )
        scope = scope.where(scope.notna(), "All")
        if chunk.report.form == "long":
            values, probs = coerce(frame["value"], parser_for(Kind.NUMBER))
            bad = probs.notna()
            col.warn_cells(
                rows[bad],
                "value",
                frame.loc[bad, "value"],
                [f"Value: {p}; the row was left out of the charts." for p in probs[bad]],
            )
            metric = parsed["metric"].map(_metric_name)
            long = pd.DataFrame(
                {
                    "period": parsed["period"],
                    "scope": scope,
                    "metric": metric,
                    "value": values,
                    "_row": rows,
                }
            )
            no_metric = long["metric"].isna() & ~missing
            if no_metric.any():
                col.reject(
                    rows[no_metric],
                    "This row does not name its metric; it was set aside.",
                    "metric",
                )
            long = long[~missing & ~no_metric]
        else:
            pieces = []
            for c in [c for c in frame.columns if c.startswith("__extra__")]:
                header = c[len("__extra__") :]
                chunk.header_of[c] = header
                values, probs = coerce(frame[c], parser_for(Kind.NUMBER))
                bad = probs.notna()
                col.warn_cells(
                    rows[bad],
                    c,
                    frame.loc[bad, c],
                    [f"{header}: {p}; the value was left empty." for p in probs[bad]],
                )
                pieces.append(
                    pd.DataFrame(
                        {
                            "period": parsed["period"],
                            "scope": scope,
                            "metric": _metric_name(header),
                            "value": values,
                            "_row": rows,
                        }
                    )[~missing]
                )
            long = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame()
        if not long.empty:
            long = long[pd.notna(long["value"])]
            frames.append(long)
        collectors.append(col)
    if not frames:
        return empty_table("indicators"), collectors
    out = pd.concat(frames, ignore_index=True)
    out["period"] = pd.to_datetime(out["period"])
    out["value"] = out["value"].astype(float)
    out = out.groupby(["period", "scope", "metric"], as_index=False, sort=True)["value"].last()
    return out[["period", "scope", "metric", "value"]], collectors


def _metric_name(text: object) -> object:
    if _blank(text):
        return np.nan
    norm = schema.normalise_header(text)
    for name, synonyms in schema.INDICATOR_METRICS.items():
        if norm in {schema.normalise_header(s) for s in synonyms} or norm == name.replace("_", " "):
            return name
    return clean_text(text)


def _check_references(
    initiatives: pd.DataFrame,
    objectives: pd.DataFrame,
    init_cols: list[_Collector],
    init_chunks: list[_Chunk],
) -> pd.DataFrame:
    """Canonicalise objective and dependency IDs; warn (and keep the row) for unknown ones."""
    if initiatives.empty:
        return initiatives
    obj_ids = {schema.fold_key(i): i for i in objectives["id"]}
    init_ids = {schema.fold_key(i): i for i in initiatives["id"]}
    rows_by_id = {}
    for chunk, col in zip(init_chunks, init_cols, strict=False):
        if "id" in chunk.frame.columns:
            for ident, row in zip(chunk.frame["id"], chunk.frame["_row"], strict=False):
                if not _blank(ident):
                    rows_by_id.setdefault(schema.fold_key(clean_text(ident)), (col, int(row)))

    def fix(ids: tuple, known: dict[str, str], field_name: str, owner: str) -> tuple:
        out = []
        for ref in ids if isinstance(ids, tuple) else ():
            k = schema.fold_key(ref)
            if field_name == "depends_on" and k == schema.fold_key(owner):
                col, row = rows_by_id.get(schema.fold_key(owner), (None, None))
                if col:
                    col.warn_cells(
                        [row],
                        field_name,
                        [ref],
                        [f"'{ref}' depends on itself; that dependency was ignored."],
                    )
                continue
            if k in known:
                out.append(known[k])
            else:
                out.append(ref)
                if known or field_name == "depends_on":
                    col, row = rows_by_id.get(schema.fold_key(owner), (None, None))
                    what = "objectives" if field_name == "objective_ids" else "initiatives"
                    if col and (field_name == "depends_on" or not objectives.empty):
                        col.warn_cells(
                            [row],
                            field_name,
                            [ref],
                            [
                                f"'{ref}' is not in the {what} table; the reference is kept but "
                                "leads nowhere. Check the ID for a typo."
                            ],
                        )
        return tuple(out)

    initiatives = initiatives.copy()
    initiatives["objective_ids"] = [
        fix(v, obj_ids, "objective_ids", o)
        for v, o in zip(initiatives["objective_ids"], initiatives["id"], strict=False)
    ]
    initiatives["depends_on"] = [
        fix(v, init_ids, "depends_on", o)
        for v, o in zip(initiatives["depends_on"], initiatives["id"], strict=False)
    ]
    return initiatives


def _stakeholder_sides(stakeholders: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    if stakeholders.empty:
        return stakeholders
    st = stakeholders.copy()
    inferred = st["group"].map(
        lambda g: (
            infer_side(str(g), settings.tech_words, settings.business_words)
            if isinstance(g, str)
            else "unknown"
        )
    )
    st["side"] = st["side"].where(st["side"].notna(), inferred)
    st["cadence"] = st["cadence"].where(st["cadence"].notna(), schema.DEFAULT_CADENCE)
    return st


def _rejected_frame(chunks: list[_Chunk], collectors: list[_Collector], table: str) -> pd.DataFrame:
    """Rows set aside, with the original cells, so the user can fix and re-upload them.

    A respondent column is blanked: names are only ever used to count people once.
    """
    parts = []
    for chunk, col in zip(chunks, collectors, strict=False):
        if not col.rejected:
            continue
        raw = chunk.raw[chunk.raw["_row"].isin(col.rejected.keys())].copy()
        if table == "feedback" and "respondent" in chunk.header_of:
            raw[chunk.header_of["respondent"]] = "(hidden)"
        raw.insert(0, "Reason", raw["_row"].map(col.rejected))
        raw.insert(0, "Sheet", chunk.report.sheet)
        raw.insert(0, "File", chunk.report.file)
        raw = raw.rename(columns={"_row": "Row"})
        raw = raw[
            [
                "File",
                "Sheet",
                "Row",
                "Reason",
                *[c for c in raw.columns if c not in ("File", "Sheet", "Row", "Reason")],
            ]
        ]
        parts.append(
            raw.map(
                lambda v: clean_text(v) if not _blank(v) and not isinstance(v, (int, float)) else v
            )
        )
    if not parts:
        return pd.DataFrame(columns=["File", "Sheet", "Row", "Reason"])
    return pd.concat(parts, ignore_index=True)


# --- the whole import --------------------------------------------------------------------------


def read_sources(
    sources: Sequence[SourceFile], limits: Limits = DEFAULT_LIMITS, progress: Progress | None = None
) -> tuple[list[RawSheet], list[Problem]]:
    """Parse files to raw sheets; unreadable files become one error each, never an exception."""
    sheets: list[RawSheet] = []
    problems: list[Problem] = []
    for i, src in enumerate(sources):
        if progress:
            progress(0.5 * i / max(len(sources), 1), f"Reading {src.name}")
        try:
            sheets.extend(read_file(src.data, src.name, limits))
        except UnreadableFile as exc:
            problems.append(Problem("error", str(exc), src.name))
        except MemoryError:
            problems.append(
                Problem(
                    "error",
                    "The file is too large to read in the memory "
                    "available. Split it into smaller files.",
                    src.name,
                )
            )
        except Exception:  # noqa: BLE001 - a reader bug must not become a traceback
            # The details go to the server log for whoever maintains it; the user gets words.
            log.exception("reading %s failed", src.name)
            problems.append(
                Problem(
                    "error",
                    "The file could not be read. Open it in your spreadsheet program, save it "
                    "as .xlsx or .csv, and upload again.",
                    src.name,
                )
            )
    return sheets, problems


def build(
    sheets: Sequence[RawSheet],
    settings: Settings | None = None,
    read_problems: Sequence[Problem] = (),
    name: str = "Uploaded data",
    fingerprint: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Raw sheets -> dataset and report. Pure and deterministic, so it is cheap to re-run after
    the user corrects a mapping (the raw sheets are cached by the caller)."""
    settings = settings or Settings()
    problems: list[Problem] = list(read_problems)
    notes: list[Note] = []
    reports: list[SheetReport] = []
    chunks: dict[str, list[_Chunk]] = {t.name: [] for t in schema.TABLES}
    for i, sheet in enumerate(sheets):
        if progress:
            progress(
                0.5 + 0.3 * i / max(len(sheets), 1), f"Recognising {sheet.sheet or sheet.file}"
            )
        try:
            report, chunk, probs, sheet_notes = _read_sheet(sheet, settings)
        except Exception:  # noqa: BLE001 - report, never crash
            log.exception("interpreting %s › %s failed", sheet.file, sheet.sheet)
            problems.append(
                Problem(
                    "error",
                    "This sheet could not be interpreted; it was skipped. Check that it holds "
                    "one table with a header row, or choose its table on the Data page.",
                    sheet.file,
                    sheet.sheet,
                )
            )
            continue
        reports.append(report)
        problems.extend(probs)
        notes.extend(sheet_notes)
        if chunk is not None:
            chunks[report.kind].append(chunk)
    if progress:
        progress(0.85, "Checking values")
    collectors: dict[str, list[_Collector]] = {}
    tables: dict[str, pd.DataFrame] = {}
    for name in ("objectives", "initiatives", "stakeholders", "glossary"):
        tables[name], collectors[name] = _simple_table(chunks[name], name)
    tables["initiatives"] = _check_references(
        tables["initiatives"],
        tables["objectives"],
        collectors["initiatives"],
        chunks["initiatives"],
    )
    tables["stakeholders"] = _stakeholder_sides(tables["stakeholders"], settings)
    feedback, comments, sides, _, collectors["feedback"], extra = _feedback_table(
        chunks["feedback"], tables["initiatives"], settings
    )
    problems.extend(extra)
    tables["indicators"], collectors["indicators"] = _indicator_table(chunks["indicators"])
    # The other tables are checked sheet by sheet in _simple_table, with each value's location.
    tables["indicators"], vproblems = validation.check("indicators", tables["indicators"])
    problems.extend(vproblems)
    if chunks["feedback"] and tables["initiatives"].empty:
        problems.append(
            Problem(
                "warning",
                "No initiatives table was found, so initiatives are "
                "known only by the names the feedback uses. Add an Initiatives "
                "sheet for names, teams, objectives and WHYs.",
                table="initiatives",
            )
        )
    # Reports per table.
    table_reports: dict[str, TableReport] = {}
    rejected: dict[str, pd.DataFrame] = {}
    for name, cs in chunks.items():
        cols = collectors.get(name, [])
        for col in cols:
            problems.extend(col.problems)
            col.chunk.report.rows_rejected = len(col.rejected)
        if not cs:
            continue
        rows_read = sum(c.report.rows_read for c in cs)
        n_rejected = sum(len(c.rejected) for c in cols)
        accepted = len(feedback) if name == "feedback" else len(tables[name])
        # Per sheet, rows (the unit the user sees); the table total counts ratings for feedback
        # and values for indicators, which a sheet cannot attribute once rows are merged.
        for c, col in zip(cs, cols, strict=False):
            c.report.rows_accepted = c.report.rows_read - len(col.rejected)
        table_reports[name] = TableReport(
            name,
            [(c.report.file, c.report.sheet) for c in cs],
            rows_read,
            accepted,
            n_rejected,
            dict(cs[0].report.mapping),
        )
        rejected[name] = _rejected_frame(cs, cols, name)
    present = set(pd.unique(feedback["dimension"]))  # once: 500k ratings, a handful of values
    dims = [d.name for d in schema.DIMENSIONS if d.name in present]
    dims += sorted(present - set(dims))
    dataset = Dataset(
        initiatives=tables["initiatives"],
        objectives=tables["objectives"],
        feedback=feedback,
        comments=comments,
        indicators=tables["indicators"],
        stakeholders=tables["stakeholders"],
        glossary=tables["glossary"],
        group_sides=sides,
        dimensions={
            d: schema.DIMENSION_BY_NAME[d].label if d in schema.DIMENSION_BY_NAME else d
            for d in dims
        },
        name=name,
        fingerprint=fingerprint
        or hashlib.sha256(
            (settings.to_json() + repr([(s.file, s.sheet, len(s.rows)) for s in sheets])).encode()
        ).hexdigest()[:16],
    )
    problems.sort(key=lambda p: (p.severity != "error", p.file, p.sheet, p.row or 0))
    if not table_reports and not any(p.severity == "error" and not p.row for p in problems):
        problems.append(
            Problem(
                "error",
                "No usable table was found. The workbench looks for "
                "headers such as 'Initiative ID', 'Name', 'Objective(s)' (see "
                "the template on the Data page).",
            )
        )
    if progress:
        progress(1.0, "Done")
    return ImportResult(dataset, reports, table_reports, problems, notes, rejected)


def import_files(
    sources: Sequence[SourceFile],
    settings: Settings | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    name: str | None = None,
) -> ImportResult:
    """Files -> dataset and report, in one call (the CLI and tests use this)."""
    sheets, problems = read_sources(sources, limits, progress)
    settings = settings or Settings()
    digest = hashlib.sha256(("".join(s.sha for s in sources) + settings.to_json()).encode())
    return build(
        sheets,
        settings,
        problems,
        name=name or ", ".join(s.name for s in sources) or "Uploaded data",
        fingerprint=digest.hexdigest()[:16],
        progress=progress,
    )


def import_paths(
    paths: Sequence[str | Path], settings: Settings | None = None, limits: Limits = DEFAULT_LIMITS
) -> ImportResult:
    return import_files([SourceFile.from_path(p) for p in paths], settings, limits)
