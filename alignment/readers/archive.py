"""What a file really is (by its first bytes, not its name), and the checks every zip-based
spreadsheet passes before a reader opens it: entry counts, sizes, ratios, XML prologs."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator

from alignment.problems import UnreadableFile
from alignment.readers.base import DEFAULT_LIMITS, Limits, human_size

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
