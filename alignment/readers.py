"""Reading bytes into raw grids of cells, safely.

Streamlit only checks file extensions, and spreadsheet readers trust what an archive says about
itself, so everything here looks at the content first: what the file really is, how big it will
become once unpacked, how many rows and columns it declares. A file that fails a check raises
``UnreadableFile`` with a message written for the person who uploaded it.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import struct
import sys
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

import charset_normalizer
import python_calamine

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


# --- what is this file? -----------------------------------------------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"SQLite format 3", "an SQLite database"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"MZ", "a Windows program"),
    (b"{\\rtf", "an RTF document"),
)


_PASSWORD = (
    "The workbook is password-protected, so its contents are encrypted. Open it, "
    "remove the password (File › Info › Protect Workbook) and upload the copy."
)


def sniff(data: bytes) -> str:
    """'xlsx', 'ods', 'xls' or 'text'; anything else raises with what the file really is."""
    if not data:
        raise UnreadableFile("The file is empty (0 bytes). Export it again from your spreadsheet.")
    head = data[:16]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data)
    if head.startswith(_OLE):
        if _ENCRYPTED in data[:1_000_000]:
            raise UnreadableFile(_PASSWORD)
        return "xls"
    for sig, what in _SIGNATURES:
        if head.startswith(sig):
            raise UnreadableFile(
                f"This is {what}, not a spreadsheet. Upload an .xlsx, .ods or .csv file."
            )
    lowered = data[:2048].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        raise UnreadableFile(
            "This is a web page (HTML), not a spreadsheet. If you saved it from "
            "a browser, download the sheet as .xlsx or .csv instead."
        )
    return "text"


# Everything Python's zipfile raises on a damaged or crafted archive (NotImplementedError, a
# RuntimeError, for an unknown "version needed"; struct.error for a cut header; ...).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    OSError,
    ValueError,
    EOFError,
    RuntimeError,
    IndexError,
    struct.error,
    zlib.error,
)
_DAMAGED = (
    "The file looks like an Excel or OpenDocument workbook but is damaged or incomplete. "
    "Open it in your spreadsheet program and save it again."
)


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS:
        raise UnreadableFile(_DAMAGED) from None


def _zip_kind(data: bytes) -> str:
    zf = _open_zip(data)
    names = set(zf.namelist())
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        # calamine trusts the sizes written inside .xlsb records and has no pre-check here; the
        # upload widget does not offer .xlsb either, so refuse it rather than risk the server.
        raise UnreadableFile(
            "This is an Excel Binary Workbook (.xlsb), which the workbench does not read. Open "
            "it in Excel and save it as an Excel Workbook (.xlsx)."
        )
    if "content.xml" in names:
        try:
            with zf.open("mimetype") as fh:
                mimetype = fh.read(100)
        except _ZIP_ERRORS:
            mimetype = b""
        if b"spreadsheet" in mimetype or not mimetype:
            return "ods"
        raise UnreadableFile(
            "This is an OpenDocument text or presentation file, not a "
            "spreadsheet. Upload an .ods, .xlsx or .csv file."
        )
    if "word/document.xml" in names:
        raise UnreadableFile(
            "This is a Word document, not a spreadsheet. Copy the table into "
            "Excel, or upload the .xlsx or .csv it came from."
        )
    if "ppt/presentation.xml" in names:
        raise UnreadableFile("This is a PowerPoint file, not a spreadsheet.")
    raise UnreadableFile(
        "This is a zip archive, not a spreadsheet. Unzip it and upload the "
        ".xlsx, .ods or .csv files inside."
    )


def _unsafe(what: str) -> UnreadableFile:
    return UnreadableFile(
        f"The workbook {what}, which spreadsheet programs never write; it was refused as unsafe. "
        "If it is yours, open it in your spreadsheet program, save it again and upload the copy."
    )


def check_archive(data: bytes, limits: Limits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    """Refuse archives that are damaged or that say they unpack to far too much.

    Only the zip directory is read here. Entries that lie about their size are caught when they
    are read: every read below is in bounded chunks (``_read_part``), and calamine's zip library
    refuses an entry larger than it declares.
    """
    zf = _open_zip(data)
    infos = zf.infolist()
    if len(infos) > limits.max_archive_entries:
        raise _unsafe(f"holds {len(infos):,} internal parts")
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked_bytes:
        raise UnreadableFile(
            f"The workbook would unpack to {human_size(total)} "
            f"(the limit is {human_size(limits.max_unpacked_bytes)}), which is unsafe to open. "
            "Split it into smaller files, or delete unused sheets, formatting and images."
        )
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _unsafe(f"packs part '{info.filename}' with an unusual method")
        # Deflate never grows data by more than a few bytes per 16 KB block: a packed part much
        # bigger than its declared size means the declaration is a lie.
        if info.compress_size > info.file_size + info.file_size // 100 + 1024:
            raise _unsafe(f"declares part '{info.filename}' smaller than its packed data")
    return zf


def check_ratios(zf: zipfile.ZipFile, limits: Limits = DEFAULT_LIMITS) -> None:
    for info in zf.infolist():
        if (
            info.file_size > 10 * 1024 * 1024
            and info.compress_size
            and info.file_size / info.compress_size > limits.max_compression_ratio
        ):
            raise _unsafe(
                f"has a part ('{info.filename}') that expands "
                f"{info.file_size / info.compress_size:,.0f} times its packed size"
            )


def _read_part(zf: zipfile.ZipFile, name: str, chunk: int = 16 << 20) -> Iterator[bytes]:
    """An archive part in bounded chunks, split just before a '<' so no tag is cut in two.

    ``ZipExtFile.read()`` without a size inflates up to 2 GB in one call whatever the entry
    declares; sized reads stop at the declared size and then check the CRC.
    """
    carry = b""
    try:
        with zf.open(name) as fh:
            while True:
                block = fh.read(chunk)
                if not block:
                    break
                block = carry + block
                cut = block.rfind(b"<")
                if cut <= 0:
                    carry = block
                    continue
                carry = block[cut:]
                yield block[:cut]
    except _ZIP_ERRORS:
        raise UnreadableFile(_DAMAGED) from None
    if carry:
        yield carry


def _part_head(zf: zipfile.ZipFile, name: str, size: int = 64 * 1024) -> bytes:
    try:
        with zf.open(name) as fh:
            return fh.read(size)
    except _ZIP_ERRORS:
        raise UnreadableFile(_DAMAGED) from None


_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def check_xml_prologs(zf: zipfile.ZipFile) -> None:
    """Refuse any XML part that declares a DTD: the home of entity tricks (billion laughs, XXE).

    Spreadsheet programs never write one. calamine would not expand the entities either (it stops
    with an error), but the user deserves a plain answer, and openpyxl must never see them.
    A DTD can only come before the root element, so the head of each part is enough.
    """
    for info in zf.infolist():
        if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        head = _part_head(zf, info.filename)
        if head[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(head) > 3 and 0 in head[:4]):
            for enc in ("utf-16", "utf-16-le", "utf-16-be"):
                try:
                    text = head[: len(head) // 2 * 2].decode(enc)
                except UnicodeDecodeError:
                    continue
                if "<" in text[:8]:
                    head = text.encode("utf-8", "replace")
                    break
        if _DTD.search(head):
            raise UnreadableFile(
                "The workbook contains XML entity declarations (a 'DOCTYPE'), a known trick to "
                "make a reader expand text endlessly or read files from the server. Spreadsheet "
                "programs never write them, so it was refused as unsafe. If the file is yours, "
                "open it in your spreadsheet program, save it again and upload the copy."
            )


# --- how big will a sheet become? ---------------------------------------------------------------
#
# calamine builds every sheet as a dense rectangle from its first to its last cell, so two values
# in opposite corners (A1 and XFD1048576) ask for 17 billion cells, and the Rust allocator aborts
# the whole process: no exception, the server just dies. The XML cannot be trusted to say how big
# it is (<dimension> may lie), so the cell positions themselves are scanned before calamine runs.


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
    return (
        ext.rows > limits.max_rows
        or ext.cols > limits.max_columns
        or ext.rows * ext.cols > limits.max_cells
    )


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


def _xlsx_extent(part: Callable[[], Iterable[bytes]], limits: Limits) -> _Extent:
    """The last row and column holding a value, from the cell tags of one sheet part.

    Fast path, for the layout every spreadsheet program writes (``<c r="B7" ...>``, no namespace
    prefix): searches that match only cells beyond a threshold, so a normal sheet costs about
    as much as inflating it once more. Anything else takes the exact, slower tag-by-tag path.
    """
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
    allowed = min(limits.max_rows, limits.max_cells // cols)
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
    check_ratios(zf, limits)
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


# --- OpenDocument -------------------------------------------------------------------------------

_ODS_TOKEN = re.compile(
    rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])"
    rb"([^>]*)>"
)
_ROWS_REPEATED = re.compile(rb"""number-rows-repeated\s*=\s*["']\s*([0-9]+)""")
_COLS_REPEATED = re.compile(rb"""number-columns-repeated\s*=\s*["']\s*([0-9]+)""")
_TABLE_NAME = re.compile(rb"""(?:^|\s)(?:[\w.-]+:)?name\s*=\s*["']([^"']*)""")


def _check_well_formed(zf: zipfile.ZipFile, part: str) -> None:
    """calamine's OpenDocument reader loops forever when a table's end tag never comes (a file
    cut short, or one damaged tag): it waits for ``</table:table>`` and ignores the end of the
    data. Only a well-formed document is sure to close every table, so check that first, with
    expat (no handlers: C speed; DTDs were refused already)."""
    parser = expat.ParserCreate()
    try:
        for chunk in _read_part(zf, part):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise UnreadableFile(
            "The OpenDocument file is damaged: its contents are not valid XML (it may have "
            "been cut short). Open it in LibreOffice or Excel and save it again."
        ) from None


def _ods_precheck(data: bytes, file: str, limits: Limits) -> None:
    """OpenDocument repeats rows and cells by count (``number-rows-repeated="1000000"``), and
    calamine expands every repeat that holds a value: add them up before it does."""
    zf = check_archive(data, limits)
    check_xml_prologs(zf)
    if "content.xml" not in zf.namelist():
        return
    _check_well_formed(zf, "content.xml")
    name, ext = "", _Extent()
    row = col = row_rep = 0
    row_has_value = False

    def finish_row() -> None:
        if row_has_value:
            ext.rows = row + row_rep

    for chunk in _read_part(zf, "content.xml"):
        for m in _ODS_TOKEN.finditer(chunk):
            closing, tag, attrs = m.groups()
            if tag == b"table":
                if closing:
                    _check_size(file, name, ext.rows, ext.cols, limits)
                else:
                    found = _TABLE_NAME.search(attrs)
                    name = found.group(1).decode("utf-8", "replace") if found else ""
                    ext, row = _Extent(), 0
                continue
            if tag == b"table-row":
                if closing:
                    finish_row()
                    row += row_rep
                    continue
                rep = _ROWS_REPEATED.search(attrs)
                row_rep, col, row_has_value = (int(rep.group(1)) if rep else 1), 0, False
                if attrs.endswith(b"/"):
                    row += row_rep
                continue
            if closing:
                continue
            rep = _COLS_REPEATED.search(attrs)
            col += int(rep.group(1)) if rep else 1
            if b"value-type" in attrs or not attrs.endswith(b"/"):
                row_has_value = True
                ext.cols = max(ext.cols, col)
                ext.rows = max(ext.rows, row + row_rep)
                if _over(ext, limits):
                    _check_size(file, name, ext.rows, ext.cols, limits, more=True)
    _check_size(file, name, ext.rows, ext.cols, limits)
    check_ratios(zf, limits)


# --- legacy .xls (BIFF in an OLE compound file) -------------------------------------------------

_FREE = 0xFFFFFFFA  # sector numbers at or above this mark the end of a chain or a free sector
# BIFF cell records with the row at offset 0 and the column at offset 2.
_BIFF_CELLS = {
    0x0203,
    0x0204,
    0x00FD,
    0x027E,
    0x0205,
    0x0006,
    0x0206,
    0x0406,
    0x00D6,
    0x0002,
    0x0003,
    0x0004,
    0x0005,
}
_BIFF_MULRK = 0x00BD
_BIFF_BOF = {0x0809, 0x0009, 0x0209, 0x0409}
_BIFF_DIMENSIONS = {0x0200, 0x0000}
_BIFF_FILEPASS = 0x002F
_BIFF_BOUNDSHEET = 0x0085


def _cfb_workbook_stream(data: bytes) -> bytes:
    """The 'Workbook' (or 'Book') stream of an OLE compound file, read as the format says.

    A minimal reader (header, FAT, directory, mini stream) with every chain bounded, so a crafted
    file cannot loop or point outside the data.
    """

    def damaged() -> UnreadableFile:
        return UnreadableFile(
            "The legacy Excel (.xls) file is damaged. Open it in your spreadsheet program and "
            "save it as .xlsx."
        )

    if len(data) < 512:
        raise damaged()
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if shift not in (9, 12) or mini_shift != 6:
        raise damaged()
    size = 1 << shift
    n_fat, dir_start = struct.unpack_from("<II", data, 44)
    cutoff, minifat_start, _n_minifat, difat_start, n_difat = struct.unpack_from("<IIIII", data, 56)
    n_sectors = (len(data) - size) // size + 1

    def sector(i: int) -> bytes:
        if i >= n_sectors:
            raise damaged()
        return data[size + i * size : size + (i + 1) * size]

    difat = list(struct.unpack_from("<109I", data, 76))
    nxt, seen = difat_start, 0
    while nxt < _FREE and seen <= n_difat and seen < n_sectors:
        block = struct.unpack(f"<{size // 4}I", sector(nxt).ljust(size, b"\xff"))
        difat.extend(block[:-1])
        nxt, seen = block[-1], seen + 1
    fat: list[int] = []
    for s in [s for s in difat if s < _FREE][: max(n_fat, 0)]:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(s).ljust(size, b"\xff")))

    def chain(start: int, table: list[int], read: Callable[[int], bytes], limit: int) -> bytes:
        out, seen, i = [], set(), start
        while i < _FREE and len(seen) < limit:
            if i in seen or i >= len(table):
                raise damaged()
            seen.add(i)
            out.append(read(i))
            i = table[i]
        return b"".join(out)

    directory = chain(dir_start, fat, sector, n_sectors)
    entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries:
        raise damaged()
    root = entries[0]
    mini_stream = b""
    for entry in entries:
        name_len, kind = struct.unpack_from("<HB", entry, 64)
        name = entry[: max(name_len - 2, 0)].decode("utf-16-le", "replace").lower()
        if kind != 2 or name not in ("workbook", "book"):
            continue
        start, length = struct.unpack_from("<IQ", entry, 116)
        length &= 0xFFFFFFFF if size == 512 else 0xFFFFFFFFFFFFFFFF
        if length > len(data):
            raise damaged()
        if length >= cutoff:
            return chain(start, fat, sector, n_sectors)[:length]
        if not mini_stream:
            mini_stream = chain(struct.unpack_from("<I", root, 116)[0], fat, sector, n_sectors)
        minifat_raw = chain(minifat_start, fat, sector, n_sectors)
        minifat = list(struct.unpack(f"<{len(minifat_raw) // 4}I", minifat_raw))

        def mini(i: int, stream: bytes = mini_stream) -> bytes:
            return stream[i * 64 : (i + 1) * 64]

        return chain(start, minifat, mini, len(minifat))[:length]
    raise UnreadableFile(
        "This is an Office file without a workbook inside (perhaps a Word or PowerPoint 97-2003 "
        "file), not a spreadsheet. Upload an .xlsx, .ods or .csv file."
    )


def _xls_precheck(data: bytes, file: str, limits: Limits) -> None:
    """Walk the BIFF records: a password, or a sheet bigger than the limits, is refused here,
    before calamine allocates the rectangle its DIMENSIONS record or its cells describe."""
    stream = _cfb_workbook_stream(data)
    names: list[str] = []
    pos, substream, ext = 0, -1, _Extent()  # substream 0 holds the workbook's globals

    def check() -> None:
        if substream > 0:
            name = names[substream - 1] if substream <= len(names) else ""
            where = f"Sheet '{name}'" if name else f"Sheet {substream}"
            _check_size(file, name, ext.rows, ext.cols, limits, where=where)

    while pos + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + length]
        pos += 4 + length
        if kind == _BIFF_FILEPASS:
            raise UnreadableFile(_PASSWORD)
        if kind in _BIFF_BOF:
            check()
            substream, ext = substream + 1, _Extent()
        elif kind == _BIFF_BOUNDSHEET and len(body) >= 8:
            count, wide = body[6], body[7] & 1
            raw = body[8 : 8 + count * (2 if wide else 1)]
            names.append(raw.decode("utf-16-le" if wide else "latin-1", "replace"))
        elif kind in _BIFF_DIMENSIONS and len(body) >= 10:
            if len(body) >= 14:
                first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", body)
            else:
                first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", body)
            # The format allows 65,536 rows and 256 columns, first before last; anything else
            # is crafted (calamine sizes the sheet from last - first, which then wraps around).
            if not (first_row <= last_row <= 65536 and first_col <= last_col <= 256):
                raise _unsafe("declares a sheet larger than the .xls format allows")
        elif kind in _BIFF_CELLS and len(body) >= 4:
            r, c = struct.unpack_from("<HH", body)
            ext.rows, ext.cols = max(ext.rows, r + 1), max(ext.cols, c + 1)
        elif kind == _BIFF_MULRK and len(body) >= 6:
            r, _ = struct.unpack_from("<HH", body)
            (c,) = struct.unpack_from("<H", body, len(body) - 2)
            ext.rows, ext.cols = max(ext.rows, r + 1), max(ext.cols, c + 1)
    check()


# --- readers -----------------------------------------------------------------------------------


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


def _calamine_message(exc: BaseException) -> str:
    """calamine's errors in plain words; its own text names Rust types and byte offsets."""
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        return _PASSWORD
    if "declared" in text or "crc" in text or "checksum" in text or "zip" in text:
        return (
            "The workbook's internal parts do not match what it declares about them: it is "
            "damaged, or was altered to be unsafe, and was refused. Open it in your spreadsheet "
            "program and save it again."
        )
    return (
        "The workbook could not be opened: it is damaged, incomplete or not really a "
        "spreadsheet. Open it in your spreadsheet program and save it again as .xlsx."
    )


_STDERR_LOCK = threading.Lock()


@contextlib.contextmanager
def _native_stderr_captured() -> Iterator[None]:
    """Hold back what native code writes to stderr while calamine runs.

    A Rust panic on a damaged file prints "thread panicked at ..." (and a whole backtrace when
    RUST_BACKTRACE is set) straight to file descriptor 2, past Python: on the command line the
    user would see it under our plain message. The panic is reported as an unreadable file, so
    its text is dropped; anything else written meanwhile (another thread's log line) is passed
    on afterwards. The lock keeps two imports from swapping descriptor 2 at once.
    """
    with _STDERR_LOCK:
        try:
            sys.stderr.flush()
            saved = os.dup(2)
        except (OSError, ValueError, AttributeError):
            yield
            return
        with tempfile.TemporaryFile() as held:
            os.dup2(held.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
                os.close(saved)
                held.seek(0)
                text = held.read(1 << 20)
                if text and b"panicked at" not in text:
                    with contextlib.suppress(OSError):
                        os.write(2, text)


def _calamine_failed(exc: BaseException) -> BaseException:
    """calamine's own errors, and its Rust panics on damaged data, which pyo3 raises as
    ``PanicException``: a BaseException, so ``except Exception`` (here and in the importer)
    would let it through. Interrupts and exits still propagate."""
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
        raise exc
    return exc


def _clip_merges(
    merged: list[tuple[tuple[int, int], tuple[int, int]]],
    start: tuple[int, int],
    rows: int,
    cols: int,
) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Merged ranges clipped to the cells that exist, within a budget of cells.

    Real merged ranges never overlap, so together they cover at most the sheet's own cells;
    a file whose ranges cover more (hundreds of copies over the same block) would make the
    header search fill the same cells again and again.
    """
    if not merged or not rows or not cols:
        return []
    r_max, c_max = start[0] + rows - 1, start[1] + cols - 1
    budget = rows * cols
    kept: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for (r0, c0), (r1, c1) in dict.fromkeys(merged):
        r0, c0 = max(r0, start[0]), max(c0, start[1])
        r1, c1 = min(r1, r_max), min(c1, c_max)
        if r0 > r1 or c0 > c1:
            continue
        budget -= (r1 - r0 + 1) * (c1 - c0 + 1)
        if budget < 0:
            break
        kept.append(((r0, c0), (r1, c1)))
    return kept


def read_workbook(
    data: bytes,
    file: str,
    kind: str,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> list[RawSheet]:
    """Every visible sheet of an xlsx/xlsm/xls/ods workbook, via calamine, after the pre-checks
    that keep calamine from allocating what a crafted file asks for."""
    notes: list[Note] = []
    if kind == "xlsx":
        _, notes = _xlsx_precheck(data, file, limits)
    elif kind == "ods":
        _ods_precheck(data, file, limits)
    elif kind == "xls":
        _xls_precheck(data, file, limits)
    else:
        raise UnreadableFile("This kind of workbook is not supported. Save it as .xlsx.")
    try:
        with _native_stderr_captured():
            wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            metas = wb.sheets_metadata
    except BaseException as exc:  # noqa: BLE001 - see _calamine_failed
        raise UnreadableFile(_calamine_message(_calamine_failed(exc))) from None
    sheets: list[RawSheet] = []
    failed: list[str] = []
    for i, meta in enumerate(metas):
        name = meta.name
        if progress:
            progress(0.1 + 0.5 * i / max(len(metas), 1), f"Reading {file} › {name}")
        if str(meta.visible).lower().endswith("hidden") or "hidden" in str(meta.visible).lower():
            notes.append(
                Note(
                    "Hidden sheet skipped. Unhide it in your spreadsheet if it holds "
                    "data you want used.",
                    file,
                    name,
                )
            )
            continue
        if "worksheet" not in str(meta.typ).lower():
            continue
        try:
            with _native_stderr_captured():
                sheet = wb.get_sheet_by_name(name)
            _check_size(file, name, sheet.height, sheet.width, limits)
            rows = sheet.to_python()
            start = sheet.start or (0, 0)
            merged = _clip_merges(
                list(sheet.merged_cell_ranges or []), start, sheet.height, sheet.width
            )
        except UnreadableFile:
            raise
        except BaseException as exc:  # noqa: BLE001 - see _calamine_failed
            message = _calamine_message(_calamine_failed(exc))
            failed.append(message)
            notes.append(
                Note(f"This sheet could not be read and was skipped. {message}", file, name)
            )
            continue
        sheets.append(
            RawSheet(file, name, rows, first_row=start[0] + 1, first_col=start[1], merged=merged)
        )
    if sheets:
        sheets[0].notes.extend(notes)
    elif failed:
        raise UnreadableFile(failed[0])
    elif notes:
        raise UnreadableFile(" ".join(n.message for n in notes))
    return sheets


_LATIN_LIKE = frozenset(
    {
        "utf_8",
        "ascii",
        "cp1250",
        "cp1252",
        "cp1254",
        "cp1257",
        "cp775",
        "cp850",
        "cp437",
        "cp858",
        "mac_latin2",
        "mac_roman",
        "latin_1",
        "iso8859_1",
        "iso8859_2",
        "iso8859_3",
        "iso8859_4",
        "iso8859_9",
        "iso8859_10",
        "iso8859_13",
        "iso8859_14",
        "iso8859_15",
        "iso8859_16",
    }
)


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Bytes -> text, trying UTF-8 (with or without BOM) and UTF-16 first, then detection.

    Returns the text and plain-words notes about what was done (encoding guessed, NULs removed).
    """
    notes: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), notes
        except UnicodeDecodeError:
            pass
    nuls = data.count(b"\x00")
    if nuls:
        if nuls > len(data) // 4:
            text = _utf16_without_bom(data)
            if text is not None:
                notes.append("The file is UTF-16 text without a byte-order mark; it was read so.")
                return text, notes
            raise UnreadableFile(
                "This file is binary data, not a spreadsheet or a text (CSV) "
                "file. Upload an .xlsx, .ods or .csv file."
            )
        data = data.replace(b"\x00", b"")
        notes.append(
            f"The file contained {nuls:,} NUL byte(s) (invisible binary zeros); they were removed."
        )
    try:
        return data.decode("utf-8-sig"), notes
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    encoding = best.encoding if best is not None else "cp1252"
    if encoding.lower().replace("-", "_") in _LATIN_LIKE:
        # On short Western text the detector cannot tell cp1252 from its Central-European and
        # Baltic cousins and picks one at random ("Café" -> "Cafť"). A spreadsheet exported on
        # a Western Windows machine is cp1252 far more often, so it wins when it fits.
        try:
            data.decode("cp1252")
            encoding = "cp1252"
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        encoding = "cp1252"
        text = data.decode(encoding, errors="replace")
    notes.append(
        f"The file is not UTF-8; it was read as {encoding}. If accents look wrong, save "
        "it as 'CSV UTF-8' and upload again."
    )
    return text, notes


def _utf16_without_bom(data: bytes) -> str | None:
    """Text saved as UTF-16 without a byte-order mark: zero bytes in every other position."""
    sample = data[:20_000]
    half = max(len(sample) // 2, 1)
    for encoding, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if zeros.count(0) / half > 0.9:
            try:
                return data[: len(data) // 2 * 2].decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:20_000]
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\r\n") or ch == "\ufffd")
    return bad / len(sample) > 0.05


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab | that splits the first lines most consistently."""
    lines = [ln for ln in text[:65536].splitlines() if ln.strip()][:50]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t|").delimiter
    except csv.Error:
        pass
    best, best_score = ",", -1.0
    for delim in (",", ";", "\t", "|"):
        counts = [ln.count(delim) for ln in lines]
        common = max(set(counts), key=counts.count)
        if common == 0:
            continue
        score = counts.count(common) + common / 100
        if score > best_score:
            best, best_score = delim, score
    return best


_FIELD_LIMIT = 1_000_000


def read_text_table(data: bytes, file: str, limits: Limits = DEFAULT_LIMITS) -> RawSheet:
    """A CSV/TSV/TXT file as a grid of strings, with the line number of every record."""
    text, messages = decode_text(data)
    if _looks_binary(text):
        raise UnreadableFile(
            "This file is binary data, not a spreadsheet or a text (CSV) file. "
            "Upload an .xlsx, .ods or .csv file."
        )
    if not text.strip():
        raise UnreadableFile("The file has no content (only blank lines).")
    delimiter = sniff_delimiter(text)
    rows: list[list[object]] = []
    lines: list[int] = []
    csv.field_size_limit(_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for record in reader:
            rows.append(record)
            lines.append(start)
            start = reader.line_num + 1
            if len(rows) > limits.max_rows:
                _check_size(file, "", len(rows), 1, limits)
            if len(record) > limits.max_columns:
                _check_size(file, "", 1, len(record), limits)
    except csv.Error as exc:
        if "field limit" in str(exc):
            why = f"a single value there is longer than {_FIELD_LIMIT:,} characters"
        else:
            why = "a quote or a stray character there breaks the columns"
        raise UnreadableFile(
            f"The text file could not be split into columns near line {start}: {why}. "
            "Check for an unclosed quote."
        ) from None
    width = max((len(r) for r in rows), default=0)
    _check_size(file, "", len(rows), width, limits)
    sheet = RawSheet(file, "", rows, line_numbers=lines)
    name = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[delimiter]
    if delimiter != ",":
        sheet.notes.append(Note(f"Columns are separated by {name}s.", file))
    sheet.notes.extend(Note(m, file) for m in messages)
    if lines and text.count('"') % 2 and any("\n" in str(v) for v in rows[-1]):
        # Quotes come in pairs (a quote inside a value is doubled): an odd count means the
        # last value was opened and never closed, and swallowed the rest of the file.
        sheet.notes.append(
            Note(
                f'A quote (") opened on line {lines[-1]} is never closed, so everything from '
                "there to the end of the file was read as one value. Check the quotes on that "
                "line.",
                file,
                row=lines[-1],
            )
        )
    return sheet


def read_file(
    data: bytes, file: str, limits: Limits = DEFAULT_LIMITS, progress: Progress | None = None
) -> list[RawSheet]:
    """Any supported file -> raw sheets. Raises ``UnreadableFile`` with a user-facing message."""
    if len(data) > limits.max_file_bytes:
        raise UnreadableFile(
            f"The file is {human_size(len(data))}; the limit is "
            f"{human_size(limits.max_file_bytes)}. Split it, or remove unused "
            "sheets and columns."
        )
    kind = sniff(data)
    if kind == "text":
        return [read_text_table(data, file, limits)]
    return read_workbook(data, file, kind, limits, progress)
