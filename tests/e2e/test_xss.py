"""In a real Chromium: text from a user's file that looks like HTML or script never runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.server import wait_idle

pytestmark = pytest.mark.e2e

HOSTILE = {
    "name": "<script>window.__xss='script'</script>Ledger",
    "why": "<img src=x onerror=\"window.__xss='img'\">Because",
    "group": "<b onmouseover=\"window.__xss='b'\">Sales</b>",
    "comment": "<svg onload=\"window.__xss='svg'\"></svg> [click](javascript:window.__xss='md')",
}


def _files(tmp: Path) -> list[str]:
    init = tmp / "initiatives.csv"
    init.write_text(
        "Initiative ID,Name,Why,Team\n"
        f'P-1,"{HOSTILE["name"]}","{HOSTILE["why"].replace(chr(34), chr(34) * 2)}",'
        "<i>Payments</i>\n",
        encoding="utf-8",
    )
    rows = ["Respondent,Group,Initiative,Priority,Business value,Comment"]
    group = HOSTILE["group"].replace('"', '""')
    comment = HOSTILE["comment"].replace('"', '""')
    for i in range(8):
        g = f'"{group}"' if i % 2 else "Engineering"
        rows.append(f'r{i},{g},P-1,{1 + i % 5},{2 + i % 4},"{comment}"')
    feedback = tmp / "feedback.csv"
    feedback.write_text("\n".join(rows), encoding="utf-8")
    return [str(init), str(feedback)]


def test_hostile_text_is_shown_not_run(page, app_url: str, tmp_path: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(app_url)
    wait_idle(page)
    page.locator(".st-key-aw-menu a").filter(has_text="Data").first.click()
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(_files(tmp_path))
    page.get_by_text("You are looking at your files").wait_for(timeout=60_000)
    wait_idle(page)
    links = page.locator(".st-key-aw-menu a")
    hrefs = [h for h in (links.nth(i).get_attribute("href") for i in range(links.count())) if h]
    assert len(hrefs) >= 5
    for title in hrefs:
        page.locator(f'.st-key-aw-menu a[href="{title}"]').first.click()
        wait_idle(page)
        # Hover the charts so tooltips render the hostile names too.
        # Handles, not locators by position: a page that redraws itself (the workshop's live
        # views) may have fewer charts a moment later, and a locator would wait for the gone one.
        for chart in page.locator('[data-testid="stVegaLiteChart"]').element_handles()[:3]:
            try:
                box = chart.bounding_box()
            except PlaywrightError:  # redrawn in between: the next page run hovers again
                box = None
            if box:
                page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)
        page.wait_for_timeout(300)
        assert page.evaluate("window.__xss") is None, title
        assert page.locator('[data-testid="stException"]').count() == 0, title
    assert dialogs == []
    assert not page.js_errors
    # The text is there, as text.
    page.locator(".st-key-aw-menu a").filter(has_text="Data").first.click()
    wait_idle(page)
    assert page.locator("script:has-text('__xss')").count() == 0
