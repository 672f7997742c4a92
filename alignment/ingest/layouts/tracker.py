"""What the tracker layouts (Jira, monday.com, Asana) share.

A tracker export is a roadmap with the tool's own furniture around it: child work items mixed
with the initiatives, one column per value of a multi-valued field, ids the spreadsheet turns
into floats, and dependencies written as names or as links seen from either end. Each tracker
layout rewrites its sheet into a plain grid (one header row, one row per work item, original row
numbers kept) so the shared importer reads it like any other initiatives table; the helpers here
are the steps every such rewrite needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from alignment.ingest.headers import match_header, unique_headers
from alignment.ingest.layouts.base import (
    SET_ASIDE_TRACKER,
    TOOL,
    Context,
    Layout,
    Reading,
    private_columns,
    texts,
)
from alignment.readers import RawSheet
from alignment.values import clean_text, is_blank

SCAN_ROWS = 30
_PANDAS_REPEAT = re.compile(r"^(?P<base>.*\S)\.(?P<n>\d+)$")
_GROUPED_DIGITS = re.compile(r"^\d{1,3}(?:[,.' \u00a0\u202f]\d{3})+$")


def key(text: str) -> str:
    """A header folded for an exact comparison that keeps brackets: Jira's link columns differ
    only inside them ('Inward issue link (Blocks)' versus '(Relates)')."""
    return " ".join(clean_text(text).lower().split())


class TrackerLayout(Layout):
    """A tracker's export read as the roadmap: its own header row, found by its signature among
    the first rows, above the work items."""

    tables = ("initiatives",)
    tool = True


def data_rows(sheet: RawSheet, h: int) -> list[int]:
    """The rows below the header that hold anything."""
    return [i for i in range(h + 1, len(sheet.rows)) if any(texts(sheet.rows[i]))]


def find_row(
    sheet: RawSheet,
    test: Callable[[list[str]], bool],
    context: Context | None = None,
    limit: int = SCAN_ROWS,
) -> int | None:
    """The first row (of the first ``limit``) whose folded cells pass ``test``. The folded rows
    are kept in ``context.memo``: the tracker layouts look at the same sheet in turn."""
    memo = context.memo if context is not None else {}
    memo_key = ("tracker_rows", id(sheet), limit)
    if memo_key not in memo or memo[memo_key][0] is not sheet:
        memo[memo_key] = (sheet, [[key(t) for t in texts(row)] for row in sheet.rows[:limit]])
    for i, folded in enumerate(memo[memo_key][1]):
        if test(folded):
            return i
    return None
    rows = [[key(t) for t in texts(row)] for row in sheet.rows[:limit]]
    _LAST = (sheet, limit, rows)
    return rows


def first_of(folded: Sequence[str], *names: str) -> int | None:
    """The first column whose folded header is one of ``names`` (in the order of ``names``)."""
    for name in names:
        if name in folded:
            return folded.index(name)
    return None


def column_groups(names: Sequence[str]) -> list[tuple[str, list[int]]]:
    """Columns grouped by header: Jira writes a field with several values as several columns of
    the same name (pandas renames them 'Labels.1', 'Labels.2'), which are one field."""
    groups: dict[str, list[int]] = {}
    order: list[str] = []
    for j, name in enumerate(names):
        if not name:
            order.append(f"\0{j}")
            groups[f"\0{j}"] = [j]
            continue
        m = _PANDAS_REPEAT.match(name)
        base = m.group("base") if m and m.group("base") in groups else name
        if base not in groups:
            groups[base] = []
            order.append(base)
        groups[base].append(j)
    return [("" if g.startswith("\0") else g, groups[g]) for g in order]


def join_cells(cells: Iterable[object], sep: str = ", ") -> object:
    """The non-blank cells of a repeated column as one cell; a single value is kept as it is."""
    values = [v for v in cells if not is_blank(v) and clean_text(v)]
    if len(values) <= 1:
        return values[0] if values else ""
    return sep.join(clean_text(v) for v in values)


def id_text(value: object) -> str:
    """An id as the user reads it: 4000000001.0 -> '4000000001', '4,000,000,001' -> the digits.
    Tracker ids are long numbers a spreadsheet would show as floats or with separators."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = clean_text(value)
    if _GROUPED_DIGITS.match(text):
        return re.sub(r"\D", "", text)
    return text


def regrid(
    sheet: RawSheet, header: int, rows: Sequence[int], columns: Sequence[tuple[str, list[int]]]
) -> RawSheet:
    """The sheet rewritten as one header row and the given rows, one column per group of
    ``columns`` (repeats joined), every row keeping its original row number for messages."""
    out: list[list[object]] = [[name for name, _ in columns]]
    for i in rows:
        row = sheet.rows[i]
        out.append(
            [
                join_cells(row[j] for j in cols if j < len(row))
                if len(cols) != 1
                else (row[cols[0]] if cols[0] < len(row) else "")
                for _, cols in columns
            ]
        )
    lines = [sheet.excel_row(header), *(sheet.excel_row(i) for i in rows)]
    return RawSheet(
        sheet.file,
        sheet.sheet,
        out,
        first_row=lines[0],
        first_col=sheet.first_col,
        line_numbers=lines,
    )


def split_refs(text: object, known: set[str]) -> list[str]:
    """The references in a cell of ids or names, split on commas and semicolons.

    A name may itself hold a comma ('Billing, phase 2'): adjacent parts are joined again when
    together they make a known name (``known`` holds folded ids and names).
    """
    if is_blank(text):
        return []
    parts = [p.strip() for p in re.split(r"[,;\n]", str(text))]
    parts = [p for p in parts if p]
    out: list[str] = []
    i = 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            joined = ", ".join(parts[i:j])
            if j == i + 1 or key(joined) in known:
                out.append(clean_text(joined))
                i = j
                break
    return out


def resolve(
    refs: Iterable[str], ids: dict[str, str], names: dict[str, list[str]], prefer: set[str]
) -> tuple[list[str], list[str]]:
    """References (ids or names) as ids, and the names that named several items.

    ``ids``: folded id -> id; ``names``: folded name -> the ids of the items so named;
    ``prefer``: ids to choose first when a name is ambiguous (the same group). An unknown
    reference is kept as written: the importer then says it leads nowhere.
    """
    out: list[str] = []
    ambiguous: list[str] = []
    for ref in refs:
        k = key(ref)
        if k in ids:
            out.append(ids[k])
        elif k in names:
            found = names[k]
            near = [i for i in found if i in prefer] or found
            if len(found) > 1:
                ambiguous.append(ref)
            out.append(near[0])
        else:
            out.append(ref)
    return list(dict.fromkeys(out)), ambiguous


def extra_fields(
    headers: Sequence[str], columns: Iterable[int], taken: set[str], label: Callable[[str], str]
) -> dict[str, int]:
    """Custom columns whose name is exactly a workbench field ('Business value', 'Risk'):
    trackers let teams add these, and they mean what they say. Only exact names count; a
    tracker's own columns are too many for a fuzzy guess to be safe."""
    out: dict[str, int] = {}
    for j in columns:
        for table, name, score in match_header(label(headers[j])):
            if table == "initiatives" and score >= 100 and name not in taken and name not in out:
                out[name] = j
                break
    return out


def plural(word: str, n: int) -> str:
    """'story' -> 'stories': for the plain-words reason line."""
    if n == 1:
        return word
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def words(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def tracker_reading(
    layout: str,
    label: str,
    grid: RawSheet,
    mapping: dict[str, int],
    skip_rows: dict[int, str],
    summary: str,
    private: Iterable[int] = (),
    notes: Sequence[str] = (),
    tool: str = "",
) -> Reading:
    """An initiatives reading of a rewritten grid (header in row 0): every column the
    workbench does not use is the tracker's own and set aside on purpose, e-mail columns are
    never shown, and the score is the tool's base plus the columns explained."""
    headers = unique_headers(texts(grid.rows[0]), grid.first_col)
    hidden = set(private) | private_columns(grid, headers, 1)
    mapping = {f: j for f, j in mapping.items() if j not in hidden or f == "owner"}
    if mapping.get("owner") in hidden:
        del mapping["owner"]
    used = set(mapping.values())
    set_aside = {
        j: SET_ASIDE_TRACKER
        for j, h in enumerate(headers)
        if j not in used and not h.startswith("Column ")
    }
    reading = Reading(
        layout,
        "initiatives",
        0.0,
        "",
        headers,
        0,
        mapping,
        set_aside=set_aside,
        private=hidden,
        skip_rows=dict(skip_rows),
        grid=grid,
        notes=list(notes),
    )
    reading.score = TOOL + reading.explained
    reading.reason = f"read as {label}"
    reading.detail = summary
    reading.tool_word = tool
    return reading
