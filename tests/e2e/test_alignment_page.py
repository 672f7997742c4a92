"""In a real Chromium: the heatmap is drawn, and a click on a cell opens its drill-down."""

from __future__ import annotations

import pytest

from tests.e2e.server import wait_idle

pytestmark = pytest.mark.e2e


def test_heatmap_is_drawn_and_a_click_opens_the_drilldown(page, app_url: str) -> None:
    page.goto(f"{app_url}/alignment")
    wait_idle(page)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for(timeout=60_000)
    page.locator(
        '[data-testid="stVegaLiteChart"] svg.marks, [data-testid="stVegaLiteChart"] canvas'
    ).first.wait_for(timeout=30_000)
    assert page.get_by_text("Click a cell to see how people rated it.").is_visible()
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = chart.bounding_box()
    assert box is not None
    assert box["height"] > 400  # 30 initiatives at a fixed row height
    # Find a drawn cell by hovering down the middle of the chart until Vega shows a tooltip
    # (empty grid positions have no mark), then click it.
    x = box["x"] + box["width"] * 0.45
    target = None
    for dy in range(0, int(min(box["height"], 600)), 8):
        page.mouse.move(x, box["y"] + dy)
        page.wait_for_timeout(60)
        tip = page.locator("#vg-tooltip-element")
        if tip.count() and tip.is_visible() and "Initiative" in tip.inner_text():
            target = box["y"] + dy
            break
    assert target is not None, "no heatmap cell found under the pointer"
    page.mouse.click(x, target)
    opened = page.get_by_text("respondents.").or_(page.get_by_text("This cell is hidden"))
    opened.first.wait_for(timeout=30_000)
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not page.js_errors
    page.screenshot(path="tests/artifacts/e2e-drilldown.png", full_page=True)
