"""Excel workbooks (.xlsx, .xlsm): how big each sheet will become, read from its XML before any
reader builds it, and the formulas saved without a result."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from alignment.problems import Note
from alignment.readers.archive import (
    _part_head,
    _read_part,
    _unsafe,
    check_archive,
    check_ratios,
    check_xml_prologs,
)
from alignment.readers.base import Limits, _check_size


def _letters_index(letters: bytes) -> int:
    """Excel column letters -> 1-based index (A -> 1)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


_CELL_FAST = b'<c r="'


_VALUED = rb'"[^>]*(?<!/)>'  # the rest of a cell's start tag, when it is not self-closing


# A cell tag outside the plain layout (no 'r' first, lower case, '$', leading zeros, row 0, more
# than three letters or seven digits), or a namespace-prefixed one, sends the sheet down the
# exact path.
_FAST_ANOMALY = re.compile(rb'<c(?=[\s>])(?! r="[A-Z]{1,3}[1-9][0-9]{0,6}")')


_PREFIXED_CELL = re.compile(rb":c[\s>]")


_COL23 = re.compile(_CELL_FAST + rb"([A-Z]{2,3})[0-9]+" + _VALUED)


_COL1_FROM = [re.compile(_CELL_FAST + b"[" + bytes([c]) + b"-Z][0-9]") for c in range(65, 91)]


_TOKEN = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")


_ROW_ATTR = re.compile(rb"""(?:^|\s)(?:[\w.-]+:)?r\s*=\s*["']\s*([0-9]+)""")


_CELL_ATTR = re.compile(rb"""(?:^|\s)(?:[\w.-]+:)?r\s*=\s*["']\s*\$?([A-Za-z]+)\$?([0-9]+)""")


@dataclass
class _Extent:
    rows: int = 0  # the last used row, 1-based
    cols: int = 0  # the last used column, 1-based
    more: bool = False  # the scan stopped early: the sheet is at least this big


def _over(ext: _Extent, limits: Limits) -> bool:
    return ext.cols > limits.max_columns or ext.rows * ext.cols > limits.max_cells


def _xlsx_extent_exact(chunks: Iterable[bytes], limits: Limits) -> _Extent:
    """Every row and cell tag, positioned as calamine does (a cell or row without ``r`` follows
    the previous one); self-closing cells hold no value and do not count."""
    ext = _Extent()
    row, col = 0, 0
    for chunk in chunks:
        for m in _TOKEN.finditer(chunk):
            closing, tag, attrs = m.groups()
            if closing:
                continue
            if tag == b"row":
                r = _ROW_ATTR.search(attrs)
                row = int(r.group(1)) if r else row + 1
                col = 0
                continue
            ref = _CELL_ATTR.search(attrs)
            if ref:
                col, cell_row = _letters_index(ref.group(1)), int(ref.group(2))
            else:
                col, cell_row = col + 1, row
            if attrs.endswith(b"/"):
                continue
            ext.rows, ext.cols = max(ext.rows, cell_row), max(ext.cols, col)
            if _over(ext, limits):
                ext.more = True
                return ext
    return ext


# A cell tag that is not a plain single-letter cell on a row of at most N digits (N filled in
# per limits): the only cells the quick pass looks at one by one.
_NOT_NARROW = rb'<c(?=[\s>])(?! r="[A-Z][1-9][0-9]{0,%d}")'


_PLAIN_CELL = re.compile(_CELL_FAST + rb'([A-Z]{1,3})([1-9][0-9]{0,6})"([^>]*)>')


_QUICK_CELLS = 20_000  # cells the quick pass may look at one by one before it gives way


def _quick_extent(part: Callable[[], Iterable[bytes]], limits: Limits) -> _Extent | None:
    """A bound on the sheet's size in one pass over its XML, or None when a closer look is due.

    Most sheets keep to columns A-Z in the plain layout, and rows few enough (up to N digits)
    that 26 columns of them stay within the limits: one search that matches every other cell
    tag proves that, so only the few cells beyond (a total row, column AA, the last rows of a
    long sheet) are read one by one. The bound returned (26 columns, 10^N - 1 rows, or more)
    may exceed the sheet; it is returned only when even it keeps within the limits, so a
    refusal always comes from the exact reading.
    """
    if limits.max_columns < 26:
        return None
    digits = len(str(limits.max_cells // 26)) - 1
    if digits < 1:
        return None
    flagged = re.compile(_NOT_NARROW % (digits - 1))
    rows, cols, looked = 10**digits - 1, 26, 0
    for chunk in part():
        if _PREFIXED_CELL.search(chunk):
            return None
        for m in flagged.finditer(chunk):
            looked += 1
            cell = _PLAIN_CELL.match(chunk, m.start())
            if looked > _QUICK_CELLS or cell is None:
                return None  # many cells beyond the plain layout, or an odd one: look closer
            if cell.group(3).endswith(b"/"):
                continue  # self-closing: no value, calamine does not count it
            rows = max(rows, int(cell.group(2)))
            cols = max(cols, _letters_index(cell.group(1)))
    ext = _Extent(rows=rows, cols=cols)
    return None if _over(ext, limits) else ext


def _xlsx_extent(part: Callable[[], Iterable[bytes]], limits: Limits) -> _Extent:
    """The last row and column holding a value, from the cell tags of one sheet part.

    Quickest path: ``_quick_extent``, one search for a sheet that plainly fits. Fast path,
    for the layout every spreadsheet program writes (``<c r="B7" ...>``, no namespace
    prefix): searches that match only cells beyond a threshold, so a normal sheet costs about
    as much as inflating it once more. Anything else takes the exact, slower tag-by-tag path.
    """
    quick = _quick_extent(part, limits)
    if quick is not None:
        return quick
    cols = 0
    for chunk in part():
        if _FAST_ANOMALY.search(chunk) or _PREFIXED_CELL.search(chunk):
            return _xlsx_extent_exact(part(), limits)
        cols = max(cols, _max_column(chunk))
    if not cols:
        return _Extent()
    # Rows: the last row that keeps the sheet within every limit, then any value beyond it.
    # The search matches rows from the limit's leading digit up (rare in a sheet within the
    # limits); within the limits the exact last row does not matter (1 stands for "some row").
    allowed = limits.max_cells // cols
    digits = str(allowed)
    beyond = re.compile(
        _CELL_FAST
        + rb"[A-Z]{1,3}([%s-9][0-9]{%d}|[1-9][0-9]{%d,})"
        % (digits[0].encode(), len(digits) - 1, len(digits))
        + _VALUED
    )
    rows = 1
    for chunk in part():
        for r in beyond.findall(chunk):
            rows = max(rows, int(r))
    return _Extent(rows=rows, cols=cols)


def _max_column(chunk: bytes) -> int:
    """The last column holding a value in this chunk (cells in the fast layout only).

    Columns past Z are rare, so the searches for them match little. Single letters, with or
    without a value (26 columns at most either way), by a search that only looks further on for
    a later letter than the last one found: one pass over the chunk, not one per guess."""
    letters = set(_COL23.findall(chunk))
    if letters:
        return max(_letters_index(x) for x in letters)
    last, pos = 0, 0  # the last column found (1-based); where it was
    while last < 26:
        m = _COL1_FROM[last].search(chunk, pos)
        if not m:
            break
        last, pos = chunk[m.start() + len(_CELL_FAST)] - 64, m.start()
    return last


_SST_COUNT = re.compile(rb"""<(?:[\w.-]+:)?sst\b[^>]*?\buniqueCount\s*=\s*["']\s*(\d+)""")


def _check_shared_strings(zf: zipfile.ZipFile, limits: Limits) -> None:
    """calamine reserves room for the declared number of shared strings before reading them.

    Every XML part is looked at, not only 'xl/sharedStrings.xml': the relationships, not the
    name, say which part holds the strings."""
    for info in zf.infolist():
        if info.is_dir() or not info.filename.lower().endswith(".xml"):
            continue
        m = _SST_COUNT.search(_part_head(zf, info.filename, 4096))
        # Each string takes at least '<si/>' (5 bytes) in the part, so more is a lie.
        if m and int(m.group(1)) > info.file_size // 5 + 1000:
            raise _unsafe(f"declares {int(m.group(1)):,} texts in a part that holds far fewer")


def _xlsx_sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Part path -> sheet name, read from the workbook's own index (parsed with defusedxml)."""
    from defusedxml import ElementTree as SafeET

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        wb = SafeET.fromstring(b"".join(_read_part(zf, "xl/workbook.xml")))
        rels = SafeET.fromstring(b"".join(_read_part(zf, "xl/_rels/workbook.xml.rels")))
    except Exception:  # noqa: BLE001 - damage just leaves parts named by their path
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = {}
    for sheet in wb.iter(f"{ns_main}sheet"):
        target = targets.get(sheet.get(f"{ns_rel}id"), "")
        target = target.lstrip("/")
        if not target.startswith("xl/"):
            target = "xl/" + target
        parts[target] = sheet.get("name", "")
    return parts


_FORMULA_NO_VALUE = re.compile(
    rb'<c r="([A-Z]+\d+)"[^>]*?(?<!/)>\s*<f(?:\s[^>]*?)?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?'
    rb"\s*</c>"
)


_HAS_FORMULA = re.compile(rb"<f")  # a compiled search skips ahead faster than bytes' "in"


# What every _FORMULA_NO_VALUE match holds after its formula: the end of the formula (a closing
# tag, or a self-closing one), then no value, then the end of the cell. Each starts with a
# literal, which the regex engine skips to; a sheet whose formulas all have saved results
# (what Excel writes) is ruled out by two quick scans instead of a full cell-by-cell one.
_FORMULA_END_NO_VALUE = (
    re.compile(rb"</f>\s*(?:</c>|<v\s*/>|<v>\s*</v>)"),
    re.compile(rb"/>\s*(?:</c>|<v\s*/>|<v>\s*</v>)"),
)


def _formulas_without_value(chunk: bytes) -> list[bytes]:
    """The cells of this chunk whose formula carries no saved result."""
    if not _HAS_FORMULA.search(chunk):
        return []
    if not any(p.search(chunk) for p in _FORMULA_END_NO_VALUE):
        return []
    return _FORMULA_NO_VALUE.findall(chunk)


_NOT_SHEETS = ("sharedstrings.xml", "styles.xml", ".rels", "[content_types].xml")


def _xlsx_precheck(data: bytes, file: str, limits: Limits) -> tuple[zipfile.ZipFile, list[Note]]:
    """Refuse what calamine must not see, and note formulas that carry no saved result.

    Every XML part that could be a sheet is scanned, not only those the workbook's index names:
    the index may be damaged, and calamine follows the relationships, not the folder names.
    """
    zf = check_archive(data, limits)
    check_ratios(zf, limits)  # from the archive's directory: before any part is inflated
    check_xml_prologs(zf)
    _check_shared_strings(zf, limits)
    names = _xlsx_sheet_parts(zf)
    formulas: dict[str, list[str]] = {}
    for info in zf.infolist():
        lower = info.filename.lower()
        if not lower.endswith(".xml") or lower.endswith(_NOT_SHEETS) or info.file_size < 20:
            continue
        sheet = names.get(info.filename, "")
        where = f"Sheet '{sheet}'" if sheet else f"Part '{info.filename}' of the workbook"
        if info.file_size <= 64 * 1024 * 1024:
            chunks = list(_read_part(zf, info.filename))
            ext = _xlsx_extent(lambda c=chunks: c, limits)
        else:  # inflated again for each pass rather than held in memory
            ext = _xlsx_extent(lambda n=info.filename: _read_part(zf, n), limits)
            chunks = []
        _check_size(file, sheet, ext.rows, ext.cols, limits, where=where, more=ext.more)
        cells = [c.decode() for chunk in chunks for c in _formulas_without_value(chunk)]
        if cells:
            formulas[sheet or info.filename] = cells
    notes: list[Note] = []
    for name, cells in formulas.items():
        shown = ", ".join(cells[:5]) + (" …" if len(cells) > 5 else "")
        notes.append(
            Note(
                f"{len(cells)} formula cell(s) have no saved result ({shown}), so they read as "
                "empty. "
                "The file was saved by a tool that never calculated it: open it in Excel or "
                "LibreOffice, let it recalculate, save, and upload again.",
                file,
                name,
            )
        )
    return zf, notes
