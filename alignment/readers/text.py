"""Delimited text (.csv, .tsv, .txt): the encoding and the delimiter found, records to a raw
grid."""

from __future__ import annotations

import csv
import io

import charset_normalizer

from alignment.problems import Note, UnreadableFile
from alignment.readers.base import DEFAULT_LIMITS, Limits, RawSheet, _check_size

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
    """A CSV/TSV/TXT file as a grid of strings.

    Rows are numbered as Excel numbers them when it opens the file: one row per record, even
    when a quoted value spans several lines, so "row 12" in a problem is row 12 on screen."""
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
    sheet = RawSheet(file, "", rows)
    name = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[delimiter]
    if delimiter != ",":
        sheet.notes.append(Note(f"Columns are separated by {name}s.", file))
    sheet.notes.extend(Note(m, file) for m in messages)
    if lines and text.count('"') % 2 and any("\n" in str(v) for v in rows[-1]):
        # Quotes come in pairs (a quote inside a value is doubled): an odd count means the
        # last value was opened and never closed, and swallowed the rest of the file.
        sheet.notes.append(
            Note(
                f'A quote (") opened on line {lines[-1]} of the text (row {len(rows)} in Excel) '
                "is never closed, so everything from there to the end of the file was read as "
                "one value. Check the quotes on that line.",
                file,
                row=len(rows),
            )
        )
    return sheet
