"""In a real Chromium: upload the demo workbook and time until the heatmap is drawn.

A figure for docs/performance.md, not a timed assertion: it is printed (run with
``-s``) and recorded as a test property; it only fails if the heatmap never appears.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.server import wait_idle

pytestmark = pytest.mark.e2e
DEMO = Path(__file__).resolve().parents[2] / "sample_data" / "demo_workbook.xlsx"


def test_time_from_upload_to_heatmap(page, app_url: str, record_property) -> None:
    page.goto(app_url)
    wait_idle(page)
    page.locator(".st-key-aw-menu a").filter(has_text="Data").first.click()
    wait_idle(page)
    start = time.perf_counter()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(DEMO))
    page.get_by_text("You are looking at your files").wait_for(timeout=120_000)
    imported = time.perf_counter() - start
    page.locator(".st-key-aw-menu a").filter(has_text="Alignment").first.click()
    # Drawn = Vega has painted the heatmap's marks.
    page.locator(
        '[data-testid="stVegaLiteChart"] svg.marks, [data-testid="stVegaLiteChart"] canvas'
    ).first.wait_for(timeout=120_000)
    drawn = time.perf_counter() - start
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    record_property("upload_to_report_seconds", round(imported, 2))
    record_property("upload_to_heatmap_seconds", round(drawn, 2))
    print(f"\nDemo upload: report shown after {imported:.2f} s, heatmap drawn after {drawn:.2f} s")
