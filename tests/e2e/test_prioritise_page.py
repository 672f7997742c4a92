"""In a real Chromium, on the demo: the Prioritisation page names the two initiatives the
business finds urgent, draws its charts, takes a capacity and downloads the ranked roadmap."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.e2e.server import wait_idle

pytestmark = pytest.mark.e2e


def test_a_leader_ranks_the_demo_and_downloads_it(page, app_url: str) -> None:
    page.goto(f"{app_url}/prioritise")
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_role("heading", name="Where the sides differ most").is_visible()
    items = page.locator('[data-testid="stMarkdownContainer"] li').all_inner_texts()
    urgent = [t for t in items if "time criticality" in t]
    assert any(t.startswith("P-26 Instant quote widget") for t in urgent)
    assert any(t.startswith("P-29 Dock appointment scheduling") for t in urgent)
    assert page.get_by_text("tech n=70, business n=80").first.is_visible()
    page.locator(".vega-embed canvas, .vega-embed svg").first.wait_for(timeout=30_000)
    assert page.locator(".vega-embed").count() >= 2

    box = page.get_by_label("Capacity this quarter", exact=True)
    box.fill("150")
    box.press("Enter")
    wait_idle(page)
    page.get_by_text("What fits the quarter, by whose ranking").wait_for(timeout=30_000)
    assert page.get_by_text("of 150 effort units used").first.is_visible()

    with page.expect_download() as info:
        page.get_by_role("button", name="Download the ranked roadmap (.xlsx)").click()
    data = info.value.path().read_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Ranking", "Sides", "Method"]
    header = [c.value for c in wb["Ranking"][1]]
    assert header[-1] == "Fits the capacity"  # the page names columns in words (the CLI does not)
    fits = [row[-1] for row in wb["Ranking"].iter_rows(min_row=2, values_only=True)]
    assert fits.count(True) == 14 and False in fits
    assert not page.js_errors
