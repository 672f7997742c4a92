"""Delimited text (.csv, .tsv, .txt): the encoding and the delimiter found, records to a raw
grid."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import charset_normalizer
import numpy as np

from alignment.problems import Note, UnreadableFile
from alignment.readers.base import DEFAULT_LIMITS, GridRows, Limits, RawSheet, _check_size

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


class _TooWide(Exception):
    """A record has more fields than the limit allows: raised while it is being read."""

    def __init__(self, fields: int) -> None:
        super().__init__(fields)
        self.fields = fields


def _count_fields(text: str, delimiter: str, stop: int) -> int:
    """Fields of the record at the start of ``text``, by the csv module's rules (a quote opens a
    quoted field only as a field's first character; a doubled quote inside one is a quote),
    counting no further than ``stop`` + 1 and building no field on the way."""
    special = re.compile('["\r\n' + re.escape(delimiter) + "]")
    fields, start, pos = 1, 0, 0
    while True:
        m = special.search(text, pos)
        if m is None:
            return fields
        ch, at = m.group(), m.start()
        if ch == '"':
            if at != start:  # a quote inside an unquoted field is a plain character
                pos = at + 1
                continue
            pos = at + 1
            while True:  # to the quote that closes the field
                q = text.find('"', pos)
                if q < 0:
                    return fields  # never closed: the field runs to the end of the text
                if text.startswith('"', q + 1):
                    pos = q + 2
                    continue
                pos = q + 1
                break
            continue
        if ch in "\r\n":
            return fields
        fields += 1
        if fields > stop:
            return fields
        start = pos = at + 1


_LINE = re.compile(r"[^\r\n]*+(?:\r\n?|\n)|[^\r\n]++")  # possessive: no backtracking


class _GuardedLines:
    """The text's lines for ``csv.reader``, refusing a record with too many fields before the
    reader builds it.

    ``csv.reader`` holds a whole record in memory before it can be measured: a 99 MB file of
    commas on one line becomes a list of 33 million strings (about 3 GB) before any check
    could run. Here every line's delimiters are counted as the reader asks for it; a record
    whose lines hold more delimiters than the column limit is counted exactly (quoted
    delimiters do not split a field), without building it, and refused when it is too wide.
    """

    def __init__(self, text: str, delimiter: str, max_columns: int) -> None:
        self.text, self.delimiter, self.max_columns = text, delimiter, max_columns
        self.record: list[str] = []  # the lines of the record being read
        self.delimiters, self.checked = 0, 0

    def next_record(self) -> None:
        """The reader returned a record: the next line starts a new one."""
        self.record, self.delimiters, self.checked = [], 0, 0

    def __iter__(self) -> Iterator[str]:
        # Lines as csv.reader splits them (\n, \r\n or a lone \r), one at a time: an
        # io.StringIO would first copy the text at four bytes a character.
        for m in _LINE.finditer(self.text):
            line = m.group()
            self.record.append(line)
            self.delimiters += line.count(self.delimiter)
            # Counted exactly when the delimiters first pass the limit, then each time they
            # double: a record of quoted delimiters is counted a few times, not once a line.
            if self.delimiters >= self.max_columns and self.delimiters >= 2 * self.checked:
                self.checked = self.delimiters
                if len(self.record) == 1 and '"' not in line:
                    fields = self.delimiters + 1  # no quote: every delimiter splits, exactly
                else:
                    record = "".join(self.record)
                    fields = _count_fields(record, self.delimiter, self.max_columns)
                if fields > self.max_columns:
                    raise _TooWide(fields)
            yield line


def _read_records(
    text: str, delimiter: str, file: str, limits: Limits
) -> tuple[list[list[object]], list[int]]:
    """Every record with the line it starts on, by the csv module: any file, however ragged.

    The limits are applied while reading: a record too wide is refused before it is built,
    and the cells read so far (rows times the widest row, as a grid holds them) are checked
    at every record, so a refused file costs no more memory than the limits allow."""
    rows: list[list[object]] = []
    lines: list[int] = []
    csv.field_size_limit(_FIELD_LIMIT)
    guard = _GuardedLines(text, delimiter, limits.max_columns)
    reader = csv.reader(iter(guard), delimiter=delimiter)
    start, width = 1, 0
    try:
        for record in reader:
            guard.next_record()
            rows.append(record)
            lines.append(start)
            start = reader.line_num + 1
            if len(record) > width:
                width = len(record)
                _check_size(file, "", 1, width, limits)
            if len(rows) * width > limits.max_cells:
                _check_size(file, "", len(rows), width, limits, more=True)
    except _TooWide as exc:
        exact = exc.fields != limits.max_columns + 1
        where = "The file" if start == 1 else f"Line {start} of the file"
        _check_size(file, "", 1, exc.fields, limits, where=where, more=not exact)
        raise  # pragma: no cover - _check_size has refused it
    except csv.Error as exc:
        if "field limit" in str(exc):
            why = f"a single value there is longer than {_FIELD_LIMIT:,} characters"
        else:
            why = "a quote or a stray character there breaks the columns"
        raise UnreadableFile(
            f"The text file could not be split into columns near line {start}: {why}. "
            "Check for an unclosed quote."
        ) from None
    return rows, lines


_ARROW_BLOCK = 8 << 20  # pyarrow's unit of work; a record longer than this takes the csv module


def _read_columns(
    text: str, delimiter: str, file: str, limits: Limits
) -> tuple[GridRows, np.ndarray] | None:
    """A regular file (every record on one line, with as many fields as the header) by
    pyarrow's multi-threaded CSV reader, as the same strings the csv module would give.

    Returns the records and the same records as one grid of cells, or None when the file is
    not regular (ragged or blank lines, values spanning lines, a lone carriage return) and
    must be read record by record. About twenty times faster than the csv module on a long
    export, and the cells share one string object per distinct value, so a million rows of
    repeated names cost pointers, not a million copies.
    """
    end = text.find("\n")
    end = len(text) if end < 0 else end
    width = text.count(delimiter, 0, end) + 1  # no copy of the line: it may be 100 MB long
    if width > limits.max_columns:
        return None  # too wide, or quoted delimiters: the record-by-record reading counts
    if text.find('"', 0, end) >= 0:
        width = len(next(csv.reader([text[:end]], delimiter=delimiter), []))
    n_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if n_lines * width > limits.max_cells or text.count("\r") not in (0, text.count("\r\n")):
        return None  # read record by record, where the limits stop it exactly
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names, block_size=_ARROW_BLOCK),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows != n_lines:
        return None  # a value spans lines: the line numbers need the record-by-record reading
    import pyarrow.compute as pc

    if any((pc.max(pc.utf8_length(c)).as_py() or 0) > _FIELD_LIMIT for c in table.columns):
        return None  # a value over the limit: refused, with its line, record by record
    # Column-major: each column is filled, and later taken, as one contiguous run.
    grid = np.empty((table.num_rows, width), dtype=object, order="F")
    for j, column in enumerate(table.columns):
        encoded = column.combine_chunks().dictionary_encode()
        values = encoded.dictionary.to_numpy(zero_copy_only=False)
        grid[:, j] = values[encoded.indices.to_numpy(zero_copy_only=False)]
    return GridRows(grid), grid


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
    fast = _read_columns(text, delimiter, file, limits)
    lines: list[int] = []  # the text line each record starts on (record by record only)
    if fast is not None:
        rows, grid = fast
        _check_size(file, "", len(rows), grid.shape[1], limits)
        sheet = RawSheet(file, "", rows, grid=grid)
    else:
        rows, lines = _read_records(text, delimiter, file, limits)
        width = max((len(r) for r in rows), default=0)
        _check_size(file, "", len(rows), width, limits)
        sheet = RawSheet(file, "", rows)  # Excel's row numbers: one per record
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
