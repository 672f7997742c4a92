"""App tests with Streamlit's AppTest: each test is one user story on the real app."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from alignment.templates import build_template

ROOT = Path(__file__).resolve().parent.parent
MESSY = ROOT / "tests" / "fixtures" / "messy"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def _data_page(at: AppTest) -> AppTest:
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    return at


def test_app_opens_on_the_demo(app: AppTest) -> None:
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Tech side: mean rating"].endswith("/ 100")
    assert metrics["Orphan work"] == "3"
    assert metrics["Uncovered objectives"] == "1"
    assert any("demo workbook" in i.value for i in app.info)


def test_overview_names_the_most_misaligned_and_the_split_room(app: AppTest) -> None:
    text = " ".join(m.value for m in app.markdown)
    assert "P\\-02" in text
    assert "clear 48\\-point gap" in text
    assert "The room is split" in text


def test_data_page_reports_the_demo_without_problems(app: AppTest) -> None:
    at = _data_page(app)
    labels = {m.label: m.value for m in at.metric}
    assert labels["Initiatives (rows)"] == "30"
    assert int(labels["Feedback (ratings)"].replace(",", "")) > 5000
    assert any("without a problem" in s.value for s in at.success)
    assert not at.error


def test_uploading_the_template_round_trips_with_zero_problems(app: AppTest) -> None:
    at = _data_page(app)
    at.file_uploader[0].set_value(("template.xlsx", build_template(), XLSX)).run()
    assert not at.exception
    labels = {m.label: m.value for m in at.metric}
    assert labels["Initiatives (rows)"] == "2"
    assert any("without a problem" in s.value for s in at.success)
    assert any("your files" in i.value for i in at.info)


def test_uploading_messy_files_shows_the_report(app: AppTest) -> None:
    at = _data_page(app)
    files = [(p.name, p.read_bytes(), "application/octet-stream") for p in sorted(MESSY.iterdir())]
    at.file_uploader[0].set_value(files).run()
    assert not at.exception
    labels = {m.label for m in at.metric}
    assert {"Initiatives (rows)", "Objectives (rows)", "Feedback (ratings)"} <= labels
    assert any("error(s)" in w.value for w in at.warning)
    # The problems read as a to-do list: where, what was found, what to do.
    problems = at.table[0].value.reset_index()
    assert {"Error: row set aside", "Warning: row kept"} <= set(problems["Kind"])
    duplicate = problems[problems["What we found"].str.contains("Duplicate")].iloc[0]
    assert duplicate["Where"].startswith("Row 12 of sheet 'Roadmap 2027' in Haulwise roadmap")
    assert duplicate["What to do"] == "Give it its own ID, or delete one of the two."
    # Respondent e-mail addresses never reach the page.
    for frame in at.dataframe:
        assert (
            not frame.value.astype(str)
            .apply(lambda col: col.str.contains("@haulwise.example"))
            .any()
            .any()
        )


def _open_every_sheet(at: AppTest) -> None:
    """Open each sheet's expander: its editors are drawn only when it is open."""
    from components.import_report import sheet_expander_key
    from components.state import Keys

    for sheet in at.session_state[Keys.RESULT].sheets:
        at.session_state[sheet_expander_key(sheet)] = True
    at.run()
    assert not at.exception


def test_a_sheets_editors_are_drawn_only_when_it_is_opened(app: AppTest) -> None:
    # Dozens of folded-away select boxes took most of the report's first second in a browser.
    at = _data_page(app)
    at.file_uploader[0].set_value(("template.xlsx", build_template(), XLSX)).run()
    assert not [s for s in at.selectbox if s.label == "Owner"]
    _open_every_sheet(at)
    assert [s for s in at.selectbox if s.label == "Owner"]


def test_correcting_a_column_mapping_is_applied_at_once(app: AppTest) -> None:
    at = _data_page(app)
    at.file_uploader[0].set_value(("template.xlsx", build_template(), XLSX)).run()
    _open_every_sheet(at)
    owner = next(s for s in at.selectbox if s.label == "Owner" and s.value == "Owner")
    owner.set_value("— not used —").run()
    assert not at.exception
    from components.state import Keys

    result = at.session_state[Keys.RESULT]
    assert result.tables["initiatives"].columns.get("owner") is None
    assert result.dataset.initiatives["owner"].isna().all()


def test_back_to_the_demo(app: AppTest) -> None:
    at = _data_page(app)
    at.file_uploader[0].set_value(("template.xlsx", build_template(), XLSX)).run()
    next(b for b in at.button if b.label == "Back to the demo").click().run()
    assert not at.exception
    labels = {m.label: m.value for m in at.metric}
    assert labels["Initiatives (rows)"] == "30"


def test_an_unreadable_upload_is_explained_not_raised(app: AppTest) -> None:
    at = _data_page(app)
    at.file_uploader[0].set_value(("roadmap.xlsx", b"%PDF-1.7 not really", XLSX)).run()
    assert not at.exception
    assert any("No usable table" in e.value for e in at.error)
    problems = at.table[0].value.reset_index()
    assert problems["What we found"].str.contains("PDF").any()


def test_the_first_pages_do_not_load_what_only_a_click_needs() -> None:
    """Opening the app (Overview) and the Data page imports no document writer, chart exporter,
    graph or calendar library: those load with the page or button that uses them. Each one costs
    start-up time and, held in memory, slows every later garbage collection of a big upload."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        # The background warm-up loads Altair (and its jinja2) on purpose once the first
        # page is drawn (tests/test_warmup.py keeps it from loading the rest): not here.
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from components import warmup\n"
        "warmup._started.set()\n"
        f"at = AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=120)\n"
        "at.run()\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
        "at.switch_page('app_pages/data.py').run()\n"
        "assert not at.exception, at.exception\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    first, then = (set(line.split()) for line in out.stdout.strip().splitlines()[-2:])
    heavy = {"docx", "fpdf", "networkx", "icalendar", "vl_convert", "jinja2", "markdown_it"}
    assert then & heavy == set()
    # The spreadsheet writer (0.2 s) waits for a download or the Data page's templates.
    assert "openpyxl" not in first


def test_a_statement_that_names_no_initiative_is_assigned_on_the_data_page(app: AppTest) -> None:
    """LimeSurvey's code headings (WHY[SQ001]) name no initiative: the Data page asks which one
    each code means, the import re-runs, and the choice goes into the mapping file."""
    import io

    import openpyxl

    from components.state import Keys

    exports = ROOT / "tests" / "fixtures" / "exports"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Initiatives"
    ws.append(["Initiative ID", "Name"])
    ws.append(["ROAD-101", "Billing migration"])
    buf = io.BytesIO()
    wb.save(buf)
    at = _data_page(app)
    lime = (exports / "limesurvey" / "codes_semicolon.csv").read_bytes()
    at.file_uploader[0].set_value(
        [("roadmap.xlsx", buf.getvalue(), XLSX), ("lime.csv", lime, "text/csv")]
    ).run()
    assert not at.exception
    _open_every_sheet(at)
    box = next(s for s in at.selectbox if s.label == "'SQ001' is about")
    box.set_value("ROAD-101 Billing migration").run()
    assert not at.exception
    result = at.session_state[Keys.RESULT]
    assert "ROAD-101" in set(result.dataset.feedback["initiative_id"])
    assert at.session_state[Keys.SETTINGS].aliases == {"SQ001": "ROAD-101"}
    assert not [p for p in result.warnings if "'SQ001'" in p.message]
