"""Formula injection: hostile text through every CSV and XLSX the workbench writes.

OWASP's advice: text starting with =, +, -, @, tab or carriage return gets a leading apostrophe
so no spreadsheet runs it; real numbers (negative ones included) stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from alignment import exports, scoring, workshop
from alignment.assessment import answers_frame, load_bank
from alignment.excel_report import report_xlsx
from alignment.ingest import SourceFile, import_files
from alignment.privacy import Privacy
from alignment.problems import problems_frame
from alignment.store import Store, sqlite_url

HOSTILE = [
    '=HYPERLINK("http://evil.example","x")',
    "+SUM(1,2)",
    "-2+3",
    "@cmd",
    "\tTAB=1",
    "\rCR=1",
    "=1+1",
]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _cells_xlsx(data: bytes) -> list[openpyxl.cell.Cell]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]


def assert_inert_xlsx(data: bytes) -> None:
    for cell in _cells_xlsx(data):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert not cell.value.startswith(DANGEROUS), (cell.coordinate, cell.value)


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def assert_inert_csv(data: bytes) -> None:
    """No text cell a spreadsheet would run; a plain number such as -1.5 is a number."""
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
        for value in row:
            assert _number(value) or not value.startswith(DANGEROUS), value


def test_neutralise_each_dangerous_start_and_nothing_else() -> None:
    for text in HOSTILE:
        assert exports.neutralise(text) == "'" + text
    for safe in ("Sales", "P-01", "3 - Mostly", "e=mc2", ""):
        assert exports.neutralise(safe) == safe
    assert exports.neutralise(-3.5) == -3.5
    assert exports.neutralise(("=A1", "b")) == "'=A1, b"


def test_real_numbers_and_dates_stay_themselves() -> None:
    frame = pd.DataFrame(
        {
            "text": HOSTILE,
            "number": [-1.5, -2, 0, 3, 4, 5, 6],
            "date": [dt.datetime(2026, 1, i + 1) for i in range(7)],
        }
    )
    data = exports.to_xlsx_bytes({"Sheet": frame})
    assert_inert_xlsx(data)
    cells = {c.coordinate: c for c in _cells_xlsx(data)}
    assert cells["B2"].value == -1.5
    assert cells["B2"].data_type == "n"
    assert isinstance(cells["C2"].value, dt.datetime)
    csv_bytes = exports.to_csv_bytes(frame)
    assert_inert_csv(csv_bytes)
    assert "-1.5" in csv_bytes.decode("utf-8-sig").splitlines()[1]


def test_hostile_column_names_and_control_characters() -> None:
    frame = pd.DataFrame({"=evil": ["a\x00b\x07c"], "ok": [1]})
    data = exports.to_xlsx_bytes({"Sheet": frame})
    assert_inert_xlsx(data)
    values = [c.value for c in _cells_xlsx(data)]
    assert "'=evil" in values
    assert "abc" in values


@pytest.fixture(scope="module")
def hostile_import(tmp_path_factory) -> tuple:
    folder = tmp_path_factory.mktemp("hostile")
    init = folder / "initiatives.csv"
    lines = ["Initiative ID,Name,Why,Team,KPI,Objective(s)"]
    for i, text in enumerate(HOSTILE):
        quoted = '"' + text.replace('"', '""') + '"'
        lines.append(f"P-{i},{quoted},{quoted},{quoted},{quoted},G-unknown")
    lines.append("P-0,Duplicate,,,,")  # a rejected row carrying text too
    init.write_text("\n".join(lines), encoding="utf-8")
    fb = folder / "feedback.csv"
    rows = ["Respondent,Group,Initiative,Priority,Comment"]
    for i in range(40):
        group = '"=HYPERLINK(""x"")"' if i % 2 else "Engineering"
        rows.append(f'r{i},{group},P-{i % len(HOSTILE)},{1 + i % 5},"@SUM(1) comment {i}"')
    fb.write_text("\n".join(rows), encoding="utf-8")
    result = import_files([SourceFile.from_path(init), SourceFile.from_path(fb)])
    return result, folder


def test_the_report_is_inert(hostile_import) -> None:
    result, _ = hostile_import
    assert_inert_xlsx(report_xlsx(result.dataset, Privacy(k_min=1, k_comments=1)))


def test_data_page_downloads_are_inert(hostile_import) -> None:
    """Clean tables, problems and set-aside rows: what the Data page offers."""
    result, _ = hostile_import
    frames = [
        result.dataset.initiatives,
        problems_frame(result.problems),
        *[f for f in result.rejected.values() if not f.empty],
    ]
    assert any(not f.empty for f in result.rejected.values())
    for frame in frames:
        assert_inert_xlsx(exports.to_xlsx_bytes({"Sheet": frame}))
        assert_inert_csv(exports.to_csv_bytes(frame))


def test_chart_tables_are_inert(hostile_import) -> None:
    result, _ = hostile_import
    views = scoring.views(scoring.prepare(result.dataset.feedback), Privacy(1, 1))
    for frame in (views.group, views.side, views.gaps, views.summary):
        assert_inert_xlsx(exports.to_xlsx_bytes({"Sheet": frame}))
        assert_inert_csv(exports.to_csv_bytes(frame))


def test_workshop_results_are_inert(tmp_path: Path) -> None:
    store = Store(sqlite_url(tmp_path / "ws.sqlite"), parts=(workshop.SCHEMA,))
    ws = workshop.create(
        store,
        title="=cmd|' /C calc'!A0",
        mode=workshop.RATING,
        items=[("P-1", "+1+1 initiative"), ("P-2", "@evil")],
        dimensions=["priority"],
        groups=[("=Sales", "business"), ("-Eng", "tech")],
        k_min=1,
    )
    for i in range(4):
        token = f"token-{i:02d}-abcdefghijklmnop"
        workshop.join(store, ws.id, token, "=Sales" if i % 2 else "-Eng")
        workshop.answer(store, ws.id, token, "P-1", "priority", 1 + i)
    data = workshop.results_xlsx(ws, workshop.answers_frame(store, ws.id))
    assert_inert_xlsx(data)
    store.dispose()


def test_assessment_answers_are_inert() -> None:
    bank = load_bank()
    answers = {q.id: 4 for step in bank.steps for q in step.statements}
    frame = answers_frame(bank, answers)
    text_column = next(
        c
        for c in frame.columns
        if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])
    )
    frame[text_column] = frame[text_column].astype(object)
    frame.loc[0, text_column] = "=cmd"
    assert_inert_csv(exports.to_csv_bytes(frame))


# --- control characters before a formula (issue 18, item 13) ---------------------------------
# Neutralising used to run before control characters were stripped: "\x01=HYPERLINK(…)" passed
# the check, lost its \x01 on the way into the XML and became a live formula. Every exporter now
# strips first and checks after, in one function; each is tried with each prefix here.

CONTROL_PREFIXES = ["\x01", "\x00", "\x07", "\x0b", "\x1f", "\x7f", "\x01\x02", " ", "\x01 "]
FORMULA = '=HYPERLINK("http://evil.example","click")'
CONTROLLED = [p + FORMULA for p in CONTROL_PREFIXES] + ["\x01+1+1", "\x1f-2+3", "\x01@cmd"]
CONTROL_CHARS = {chr(c) for c in [*range(9), 11, 12, *range(14, 32), 127]}


def assert_no_controls(text: str) -> None:
    assert not CONTROL_CHARS & set(text), repr(text)


def _inert_text(value: str) -> None:
    assert_no_controls(value)
    assert not value.lstrip(" ").startswith(DANGEROUS), repr(value)


@pytest.mark.parametrize("text", CONTROLLED, ids=repr)
def test_neutralise_strips_control_characters_before_it_looks(text: str) -> None:
    out = exports.neutralise(text)
    assert isinstance(out, str)
    _inert_text(out)
    assert out.lstrip("' ").startswith(("=", "+", "-", "@"))  # kept, as text


def test_generic_tables_with_control_prefixes_are_inert() -> None:
    frame = pd.DataFrame(
        {"text": CONTROLLED, **{p + "=col": [1] * len(CONTROLLED) for p in "\x01"}}
    )
    data = exports.to_xlsx_bytes({"Sheet": frame})
    assert_inert_xlsx(data)
    for cell in _cells_xlsx(data):
        if isinstance(cell.value, str):
            _inert_text(cell.value)
    text = exports.to_csv_bytes(frame).decode("utf-8-sig")
    assert_inert_csv(text.encode("utf-8-sig"))
    for row in csv.reader(io.StringIO(text, newline="")):
        for value in row:
            _inert_text(value)


@pytest.mark.parametrize("mode", [workshop.RATING, workshop.DOTS])
def test_workshop_results_with_a_control_character_group_are_inert(
    tmp_path: Path, mode: str
) -> None:
    """The attack as reported: a group name "\\x01=HYPERLINK(…)" in the results XLSX."""
    store = Store(sqlite_url(tmp_path / "ws.sqlite"), parts=(workshop.SCHEMA,))
    ws = workshop.create(
        store,
        title="\x01=cmd|' /C calc'!A0",
        mode=mode,
        items=[("P-1", "\x01+1+1 initiative"), ("P-2", "\x1f@evil")],
        dimensions=["priority"] if mode == workshop.RATING else None,
        groups=[("\x01" + FORMULA, "business"), ("\x7f-Eng", "tech")],
        k_min=1,
        **({"dots": 3} if mode == workshop.DOTS else {}),
    )
    groups = [g for g, _ in ws.groups]
    for i in range(4):
        token = f"token-{i:02d}-abcdefghijklmnop"
        workshop.join(store, ws.id, token, groups[i % 2])
        dim = "priority" if mode == workshop.RATING else workshop.DOTS_DIMENSION
        workshop.answer(store, ws.id, token, "P-1", dim, 1 + i % 3)
    data = workshop.results_xlsx(ws, workshop.answers_frame(store, ws.id))
    assert_inert_xlsx(data)
    for cell in _cells_xlsx(data):
        if isinstance(cell.value, str):
            _inert_text(cell.value)
    if mode == workshop.RATING:
        assert any(FORMULA in str(c.value) for c in _cells_xlsx(data))  # the name, as text
    store.dispose()


def test_the_report_with_control_prefixes_is_inert(hostile_import) -> None:
    result, _ = hostile_import
    dataset = result.dataset
    init = dataset.initiatives.copy()
    init["name"] = [CONTROLLED[i % len(CONTROLLED)] for i in range(len(init))]
    data = report_xlsx(
        type(dataset)(**{**dataset.__dict__, "initiatives": init}), Privacy(k_min=1, k_comments=1)
    )
    assert_inert_xlsx(data)
    for cell in _cells_xlsx(data):
        if isinstance(cell.value, str):
            _inert_text(cell.value)


@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_brief_documents_drop_control_characters(fmt: str) -> None:
    """Word refused a brief with a pasted control character (a traceback); none survives."""
    from alignment import documents

    markdown = "\n\n".join(f"# {t}\n\n- {t}\n\n{t} **{t}**" for t in CONTROLLED)
    data = {
        "md": lambda: documents.to_markdown(markdown),
        "docx": lambda: documents.to_docx(markdown, "\x01=title"),
        "pdf": lambda: documents.to_pdf(markdown, "\x01=title"),
    }[fmt]()
    if fmt == "md":
        assert_no_controls(data.decode("utf-8"))
    elif fmt == "docx":
        import docx

        doc = docx.Document(io.BytesIO(data))
        assert_no_controls("\n".join(p.text for p in doc.paragraphs))
        assert FORMULA in "\n".join(p.text for p in doc.paragraphs)
    else:
        from pypdf import PdfReader

        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        assert_no_controls(text)


def test_calendar_drops_control_characters() -> None:
    from alignment import stakeholders

    occurrences = pd.DataFrame(
        {
            "date": [dt.date(2026, 3, 2)],
            "ritual": ["\x01" + FORMULA],
            "why": ["\x0b@why"],
            "cadence": ["Monthly"],
        }
    )
    text = stakeholders.to_ics(occurrences, calendar_name="\x01cal").decode("utf-8")
    assert_no_controls(text.replace("\r", "").replace("\n", ""))


def test_assessment_answers_with_control_prefixes_are_inert() -> None:
    bank = load_bank()
    frame = answers_frame(bank, {q.id: 4 for step in bank.steps for q in step.statements})
    text_column = next(c for c in frame.columns if pd.api.types.is_string_dtype(frame[c]))
    frame[text_column] = frame[text_column].astype(object)
    frame.loc[0, text_column] = "\x01=cmd"
    text = exports.to_csv_bytes(frame).decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text, newline="")):
        for value in row:
            assert _number(value) or (
                not CONTROL_CHARS & set(value) and not value.startswith(DANGEROUS)
            ), value
