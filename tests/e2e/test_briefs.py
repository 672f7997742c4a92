"""In a real Chromium: open Briefs, pick an initiative, see both briefs, download one as PDF."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.e2e.server import wait_idle

pytestmark = pytest.mark.e2e


def test_pick_an_initiative_and_read_both_briefs(page, app_url: str, tmp_path) -> None:
    page.goto(f"{app_url}/briefs")
    wait_idle(page)
    assert page.get_by_role("heading", name="Business brief", exact=True).is_visible()
    assert page.get_by_role("heading", name="Engineering brief", exact=True).is_visible()

    picker = page.get_by_role("combobox", name="Initiative")
    picker.click()
    page.keyboard.type("P-14")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="P-14 ETA prediction model — business brief").wait_for(
        timeout=60_000
    )
    wait_idle(page)
    assert page.get_by_role(
        "heading", name="P-14 ETA prediction model — engineering brief"
    ).is_visible()
    assert page.get_by_text("This waits on").first.is_visible()
    assert page.locator('[data-testid="stException"]').count() == 0

    # The PDF is built when the button is clicked, and carries the brief's title.
    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("button", name="PDF").first.click()
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    assert target.name == "P-14-business.pdf"
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "P-14 ETA prediction model — business brief" in text
    assert "How stakeholders see it" in text
    assert not page.js_errors
