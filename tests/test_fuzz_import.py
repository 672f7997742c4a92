"""Property-based fuzzing of every import path: whatever the bytes, ``import_files`` answers.

It never raises, never lets internal text (exception names, parser offsets, tracebacks) reach a
message, and every error it reports is an ordinary ``Problem``. Example counts are kept small so
the whole module runs in well under a minute, and ``derandomize`` keeps CI reproducible; set
``FUZZ_EXAMPLES`` (e.g. 2000) to explore further with fresh random inputs.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import zipfile

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from alignment import schema
from alignment.ingest import ImportResult, SourceFile, import_files
from tests.fixtures import make_hostile
from tests.test_hostile import CORPUS, assert_plain, run_isolated
from tests.test_hostile import check as check_isolated

# FUZZ_EXAMPLES=2000 explores further, with fresh random inputs each run.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=EXAMPLES or 100,
    deadline=None,
    derandomize=not EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
EXTENSIONS = [".xlsx", ".xlsm", ".xls", ".csv", ".tsv", ".ods", ".txt"]


def check(result: ImportResult) -> None:
    assert isinstance(result, ImportResult)
    assert_plain([p.message for p in result.problems] + [n.message for n in result.notes])
    assert all(p.severity in ("error", "warning") for p in result.problems)
    if not result.tables:
        assert result.errors, "nothing was read, yet no error says why"


def run(name: str, data: bytes) -> ImportResult:
    result = import_files([SourceFile(name, data)])
    check(result)
    return result


# --- arbitrary bytes ----------------------------------------------------------------------------

# Prefixes that send random bytes down each reader's path instead of stopping at "binary".
PREFIXES = [
    b"",
    b"PK\x03\x04",  # zip: xlsx, ods
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE: xls
    b"\xef\xbb\xbf",  # UTF-8 BOM
    b"\xff\xfe",  # UTF-16 BOM
    b"Initiative ID,Name\n",
]


@FUZZ
@given(
    prefix=st.sampled_from(PREFIXES),
    body=st.binary(max_size=4096),
    ext=st.sampled_from(EXTENSIONS),
)
def test_arbitrary_bytes_never_raise(prefix, body, ext):
    run("upload" + ext, prefix + body)


def _cell(value):
    """What openpyxl can store: XML 1.0 cannot hold most control characters at all."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return float(value)
    return value


def _xlsx(rows, sheet: str = "Sheet1") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append([_cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _valid_files() -> dict[str, bytes]:
    names = ("valid.xls", "nul_bytes.csv", "utf16.csv")
    files = {n: (CORPUS / n).read_bytes() for n in names}
    rows = [["Initiative ID", "Name", "Objective(s)"], ["I-1", "One", "G1"], ["I-2", "Two", "G2"]]
    files["valid.xlsx"] = _xlsx(rows)
    buf = io.BytesIO()
    pd.DataFrame(rows[1:], columns=rows[0]).to_excel(buf, engine="odf", index=False)
    files["valid.ods"] = buf.getvalue()
    return files


VALID = _valid_files()


@FUZZ
@given(
    name=st.sampled_from(sorted(VALID)),
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_damaged_real_files_never_raise(name, edits, cut):
    """Real workbooks with bytes overwritten or cut short: deeper into zip, OLE and XML parsing."""
    data = bytearray(VALID[name])
    for where, value in edits:
        data[min(int(where * len(data)), len(data) - 1)] = value
    if cut is not None:
        data = data[: int(cut * len(data))]
    run(name, bytes(data))


# --- arbitrary text -----------------------------------------------------------------------------

cell_text = st.text(
    st.characters(blacklist_categories=("Cs",)),  # any code point a str can encode
    max_size=30,
)


@FUZZ
@given(
    rows=st.lists(st.lists(cell_text, max_size=8), max_size=25),
    sep=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    ext=st.sampled_from([".csv", ".tsv", ".txt"]),
)
def test_arbitrary_text_csv_never_raises(rows, sep, encoding, ext):
    text = "\n".join(sep.join(row) for row in rows)
    run("upload" + ext, text.encode(encoding, errors="replace"))


# --- arbitrary cell values under plausible headers ---------------------------------------------

numbers = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -0.0, 1e308, -1e308, 5e-324, 2**53 + 1, math.nan, math.inf]),
)
dates = st.one_of(
    st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(9999, 12, 31)),
)
words = st.sampled_from(
    ["Strongly agree", "High", "n.a.", "4,5", "1 - Not at all", "Q3 2027", "30/09/2027",
     "Total", "=SUM(A1:A3)", "-", "@cmd", "G1, G3", "P-02; P-07", "", " "]
)  # fmt: skip
values = st.one_of(st.none(), cell_text, numbers, dates, st.booleans(), words)


@st.composite
def tables(draw):
    table = draw(st.sampled_from(schema.TABLES))
    labels = [f.label for f in table.fields]
    headers = draw(st.lists(st.sampled_from(labels), min_size=2, max_size=len(labels), unique=True))
    rows = draw(
        st.lists(
            st.lists(values, min_size=len(headers), max_size=len(headers) + 2),
            max_size=15,
        )
    )
    return table.label, [headers, *rows]


@FUZZ
@given(table=tables())
def test_xlsx_with_arbitrary_values_never_raises(table):
    sheet, rows = table
    run("fuzz.xlsx", _xlsx(rows, sheet))


@FUZZ
@given(table=tables(), sep=st.sampled_from([",", ";"]))
def test_csv_with_arbitrary_values_never_raises(table, sep):
    _, rows = table
    text = "\n".join(
        sep.join('"' + str("" if v is None else v).replace('"', '""') + '"' for v in row)
        for row in rows
    )
    run("fuzz.csv", text.encode("utf-8"))


@settings(FUZZ, max_examples=EXAMPLES or 40)
@given(tables=st.lists(tables(), min_size=2, max_size=4))
def test_a_workbook_of_several_arbitrary_sheets_never_raises(tables):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for i, (label, rows) in enumerate(tables):
        ws = wb.create_sheet(f"{label} {i}")
        for row in rows:
            ws.append([_cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    run("several.xlsx", buf.getvalue())


# --- crafted sheet XML: the size pre-checks against calamine ------------------------------------

ref_letters = st.text(alphabet="ABCXZabxz$", min_size=1, max_size=4)
ref_digits = st.one_of(
    st.integers(0, 2_000_000).map(str),
    st.sampled_from(["0", "00012", "1048576", "4294967296", "99999999999"]),
)
value_xml = st.sampled_from(
    ["<v>1</v>", "<v>nan</v>", "<v>1e309</v>", "<v></v>", "<is><t>x</t></is>", "<v>0</v>", ""]
)


@st.composite
def sheet_xml(draw) -> str:
    prefix = draw(st.sampled_from(["", "", "x:"]))
    rows = []
    for _ in range(draw(st.integers(1, 5))):
        r = draw(st.one_of(st.none(), ref_digits))
        cells = []
        for _ in range(draw(st.integers(0, 5))):
            ref = draw(st.one_of(st.none(), st.tuples(ref_letters, ref_digits).map("".join)))
            attrs = (f' r="{ref}"' if ref else "") + draw(
                st.sampled_from(["", ' t="s"', ' t="inlineStr"', ' t="b"', ' t="e"', ' s="1"'])
            )
            if draw(st.booleans()):
                cells.append(f"<{prefix}c{attrs}/>")
            else:
                cells.append(f"<{prefix}c{attrs}>{draw(value_xml)}</{prefix}c>")
        row_attr = f' r="{r}"' if r is not None else ""
        rows.append(f"<{prefix}row{row_attr}>{''.join(cells)}</{prefix}row>")
    dimension = draw(st.one_of(st.none(), st.tuples(ref_letters, ref_digits).map("".join)))
    xml = make_hostile.sheet_xml("".join(rows), dimension=dimension and f"A1:{dimension}")
    if prefix:
        xml = (
            xml.replace("<worksheet xmlns=", "<x:worksheet xmlns:x=")
            .replace("<sheetData>", "<x:sheetData>")
            .replace("</sheetData></worksheet>", "</x:sheetData></x:worksheet>")
        )
    return xml


@settings(FUZZ, max_examples=EXAMPLES or 40)
@given(
    sheet=sheet_xml(),
    unique=st.sampled_from(["1", "2", "1000", "4000000000"]),
)
def test_crafted_cell_positions_never_crash_the_reader(sheet, unique):
    """Cell references anywhere (row 0, 4 billion, lower case, '$', no 'r' at all, prefixed
    tags): calamine must never see a sheet that would make it abort. Each example runs in a
    forked child, so an abort fails the test instead of ending the run."""
    strings = make_hostile.shared_strings_xml(["Initiative ID", "Name"]).replace(
        'uniqueCount="2"', f'uniqueCount="{unique}"'
    )
    check_isolated(run_isolated("crafted.xlsx", make_hostile.xlsx(sheet, strings)))


@st.composite
def ods_body(draw) -> str:
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        rep = draw(st.sampled_from(["", "2", "1000", "600000", "1048576"]))
        cells = []
        for _ in range(draw(st.integers(0, 4))):
            crep = draw(st.sampled_from(["", "3", "1024", "3000", "16384"]))
            attrs = f' table:number-columns-repeated="{crep}"' if crep else ""
            kind = draw(st.sampled_from(["empty", "float", "string", "text-only"]))
            if kind == "empty":
                cells.append(f"<table:table-cell{attrs}/>")
            elif kind == "float":
                cells.append(
                    f'<table:table-cell{attrs} office:value-type="float" office:value="1"/>'
                )
            elif kind == "string":
                cells.append(
                    make_hostile.ods_cell("Initiative ID").replace(
                        "<table:table-cell", f"<table:table-cell{attrs}", 1
                    )
                )
            else:
                cells.append(f"<table:table-cell{attrs}><text:p>x</text:p></table:table-cell>")
        attrs = f' table:number-rows-repeated="{rep}"' if rep else ""
        rows.append(f"<table:table-row{attrs}>{''.join(cells)}</table:table-row>")
    body = "".join(rows)
    if draw(st.booleans()):  # damaged: cut somewhere
        body = body[: draw(st.integers(0, len(body)))]
    return body


@settings(FUZZ, max_examples=EXAMPLES or 40)
@given(body=ods_body())
def test_crafted_opendocument_repeats_never_crash_or_hang_the_reader(body):
    """Row and cell repeat counts that calamine multiplies out, and tables cut short (on which
    calamine loops forever), each in a forked child with a time limit."""
    check_isolated(run_isolated("crafted.ods", make_hostile.ods(body)))


def test_the_fuzz_helpers_make_readable_files():
    result = run("valid.xlsx", VALID["valid.xlsx"])
    assert result.tables["initiatives"].rows_accepted == 2
    assert zipfile.is_zipfile(io.BytesIO(VALID["valid.xlsx"]))
