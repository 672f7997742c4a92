"""Reading bytes into raw grids of cells, safely.

Streamlit only checks file extensions, and spreadsheet readers trust what an archive says about
itself, so everything here looks at the content first: what the file really is, how big it will
become once unpacked, how many rows and columns it declares. A file that fails a check raises
``UnreadableFile`` with a message written for the person who uploaded it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

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


def sniff(data: bytes) -> str:
    """'xlsx', 'ods', 'xls' or 'text'; anything else raises with what the file really is."""
    if not data:
        raise UnreadableFile("The file is empty (0 bytes). Export it again from your spreadsheet.")
    head = data[:16]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data)
    if head.startswith(_OLE):
        if _ENCRYPTED in data[:1_000_000]:
            raise UnreadableFile(
                "The workbook is password-protected, so its contents are encrypted. Open it, "
                "remove the password (File › Info › Protect Workbook) and upload the copy."
            )
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


def _zip_kind(data: bytes) -> str:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFile(
            "The file looks like an Excel or OpenDocument workbook but is damaged or incomplete "
            f"({exc}). Open it in your spreadsheet program and save it again."
        ) from None
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        if "xl/workbook.bin" in names:
            return "xlsb"
        return "xlsx"
    if "content.xml" in names:
        try:
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError, ValueError):
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


def check_archive(data: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse archives that would unpack to far more than they weigh (a 'zip bomb').

    Neither calamine nor openpyxl bounds decompression, so the declared sizes are checked before
    any part is opened; entries whose compressed data disagrees with the declaration fail later
    in the zip library's own CRC and size checks.
    """
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFile(f"The workbook is damaged ({exc}). Save it again.") from None
    if len(infos) > limits.max_archive_entries:
        raise UnreadableFile(
            f"The workbook holds {len(infos):,} internal parts, far more than a "
            "spreadsheet needs; it was refused as unsafe."
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked_bytes:
        raise UnreadableFile(
            f"The workbook would unpack to {human_size(total)} "
            f"(the limit is {human_size(limits.max_unpacked_bytes)}). Split it into smaller "
            "files, or delete unused sheets, formatting and images."
        )
    for info in infos:
        if (
            info.file_size > 10 * 1024 * 1024
            and info.compress_size
            and info.file_size / info.compress_size > limits.max_compression_ratio
        ):
            raise UnreadableFile(
                f"Part '{info.filename}' of the workbook expands "
                f"{info.file_size / info.compress_size:,.0f}"
                " times its packed size, which spreadsheets never do; it was refused as unsafe."
            )


_DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_FORMULA_NO_VALUE = re.compile(
    rb'<c r="([A-Z]+\d+)"[^>]*?(?<!/)>\s*<f(?:\s[^>]*?)?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?'
    rb"\s*</c>"
)


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def col_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 27 -> AB)."""
    s = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s


def _xlsx_sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> part path, read from the workbook's own index (parsed with defusedxml)."""
    from defusedxml import ElementTree as SafeET

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        wb = SafeET.fromstring(zf.read("xl/workbook.xml"))
        rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # noqa: BLE001 - any XML trick or damage just skips the extra checks
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = {}
    for sheet in wb.iter(f"{ns_main}sheet"):
        target = targets.get(sheet.get(f"{ns_rel}id"), "")
        target = target.lstrip("/")
        if not target.startswith("xl/"):
            target = "xl/" + target
        parts[sheet.get("name", "")] = target
    return parts


def _xlsx_precheck(
    data: bytes, file: str, limits: Limits
) -> tuple[dict[str, list[str]], list[Note]]:
    """Declared sheet sizes and formula cells that carry no saved result, per sheet name.

    Refuses a sheet whose declared size is over the limits before calamine allocates it.
    Formulas without a cached value read as empty, so they are reported rather than lost silently.
    """
    notes: list[Note] = []
    formulas: dict[str, list[str]] = {}
    zf = zipfile.ZipFile(io.BytesIO(data))
    for name, part in _xlsx_sheet_parts(zf).items():
        try:
            with zf.open(part) as fh:
                head = fh.read(4096)
        except (KeyError, zipfile.BadZipFile, OSError, RuntimeError):
            continue
        m = _DIMENSION.search(head)
        if m and m.group(3):
            rows = int(m.group(4)) - int(m.group(2)) + 1
            cols = _col_index(m.group(3)) - _col_index(m.group(1)) + 1
            _check_size(file, name, rows, cols, limits)
        info = zf.getinfo(part)
        if info.file_size <= 64 * 1024 * 1024:
            xml = zf.read(part)
            if b"<f" in xml:
                cells = [c.decode() for c in _FORMULA_NO_VALUE.findall(xml)]
                if cells:
                    formulas[name] = cells
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
    return formulas, notes


def _check_size(file: str, sheet: str, rows: int, cols: int, limits: Limits) -> None:
    where = f"Sheet '{sheet}'" if sheet else "The file"
    if rows > limits.max_rows:
        raise UnreadableFile(
            f"{where} has {rows:,} rows; the workbench reads up to "
            f"{limits.max_rows:,} rows per sheet. Split it, or keep only the "
            "rows you need (for example the last 12 months)."
        )
    if cols > limits.max_columns:
        raise UnreadableFile(
            f"{where} has {cols:,} columns; the workbench reads up to "
            f"{limits.max_columns:,}. Remove unused columns or split the sheet."
        )
    if rows * cols > limits.max_cells:
        raise UnreadableFile(
            f"{where} has {rows * cols:,} cells; the workbench reads up to "
            f"{limits.max_cells:,} per sheet. Split it into smaller files."
        )


# --- readers -----------------------------------------------------------------------------------


def read_workbook(
    data: bytes,
    file: str,
    kind: str,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> list[RawSheet]:
    """Every visible sheet of an xlsx/xlsm/xls/ods workbook, via calamine."""
    notes: list[Note] = []
    if kind in ("xlsx", "xlsb", "ods"):
        check_archive(data, limits)
    if kind == "xlsx":
        _, notes = _xlsx_precheck(data, file, limits)
    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - calamine raises several types; all mean "unreadable"
        raise UnreadableFile(
            f"The workbook could not be opened ({_short(exc)}). It may be damaged "
            "or truncated: open it in your spreadsheet program and save it "
            "again."
        ) from None
    sheets: list[RawSheet] = []
    metas = wb.sheets_metadata
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
            sheet = wb.get_sheet_by_name(name)
            _check_size(file, name, sheet.height, sheet.width, limits)
            rows = sheet.to_python()
            merged = list(sheet.merged_cell_ranges or [])
            start = sheet.start or (0, 0)
        except UnreadableFile:
            raise
        except Exception as exc:  # noqa: BLE001
            notes.append(
                Note(f"This sheet could not be read ({_short(exc)}) and was skipped.", file, name)
            )
            continue
        sheets.append(
            RawSheet(file, name, rows, first_row=start[0] + 1, first_col=start[1], merged=merged)
        )
    if sheets:
        sheets[0].notes.extend(notes)
    elif notes:
        raise UnreadableFile(" ".join(n.message for n in notes))
    return sheets


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


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
    if encoding.lower().replace("-", "_") in ("utf_8", "ascii"):
        encoding = "cp1252"
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
    csv.field_size_limit(1_000_000)
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
        raise UnreadableFile(
            f"The text file could not be split into columns near line {start} "
            f"({exc}). Check for an unclosed quote."
        ) from None
    width = max((len(r) for r in rows), default=0)
    _check_size(file, "", len(rows), width, limits)
    sheet = RawSheet(file, "", rows, line_numbers=lines)
    name = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[delimiter]
    if delimiter != ",":
        sheet.notes.append(Note(f"Columns are separated by {name}s.", file))
    sheet.notes.extend(Note(m, file) for m in messages)
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
