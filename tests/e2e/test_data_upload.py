"""In a real Chromium: the app opens on the demo, and a messy upload shows its report."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.server import wait_idle

pytestmark = pytest.mark.e2e
MESSY = Path(__file__).resolve().parents[1] / "fixtures" / "messy"


def _no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not page.js_errors


def test_opens_on_the_demo(page, app_url: str) -> None:
    page.goto(app_url)
    wait_idle(page)
    assert page.get_by_text("You are looking at the demo workbook").is_visible()
    _no_exception(page)


def test_upload_through_the_widget_shows_the_report(page, app_url: str) -> None:
    page.goto(f"{app_url}/data")
    wait_idle(page)
    files = sorted(str(p) for p in MESSY.iterdir())
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(files)
    page.get_by_text("You are looking at your files").wait_for(timeout=60_000)
    wait_idle(page)
    _no_exception(page)
    assert page.get_by_text("error(s) and").first.is_visible()
    sheet = page.locator('[data-testid="stExpander"]').filter(has_text="Roadmap 2027 — Initiatives")
    assert sheet.count() == 1
    # The problems table names the duplicate ID row.
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    assert page.get_by_text("Rows set aside", exact=True).is_visible()
    page.get_by_role("button", name="Back to the demo").click()
    page.get_by_text("You are looking at the demo workbook").wait_for(timeout=60_000)
    _no_exception(page)


EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"


def test_real_exports_are_read_and_say_what_they_were_read_as(page, app_url: str) -> None:
    """A Jira roadmap and a Qualtrics survey, as the tools export them, with no manual step:
    each sheet's line says what it was read as, and no respondent's e-mail, name or IP address
    reaches the page."""
    import sys

    sys.path.insert(0, str(EXPORTS))
    import truth

    page.goto(f"{app_url}/data")
    wait_idle(page)
    files = [str(EXPORTS / "jira/roadmap.csv"), str(EXPORTS / "qualtrics/numeric_values.csv")]
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(files)
    page.get_by_text("You are looking at your files").wait_for(timeout=60_000)
    wait_idle(page)
    _no_exception(page)
    # Open the closed ones only: a click on an open expander would fold its text away.
    closed = page.locator('[data-testid="stExpander"] details:not([open]) > summary')
    for expander in closed.element_handles():  # handles: the locator shrinks as they open
        expander.click()
    wait_idle(page)
    text = page.locator("body").inner_text()
    assert "Read as a Jira export: 12 epics" in text
    assert "Read as a Qualtrics export: 3 header rows, 24 statements about 12 initiatives" in text
    leaked = [
        v for r in truth.RESPONDENTS for v in (r.email, r.ip, f"{r.first} {r.last}") if v in text
    ]
    assert leaked == []
    page.goto(f"{app_url}/alignment")
    wait_idle(page)
    page.locator(".vega-embed svg, .vega-embed canvas").first.wait_for(timeout=60_000)
    _no_exception(page)
