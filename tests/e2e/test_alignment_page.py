"""In a real Chromium: the heatmap is drawn, and a click on a cell, or the keyboard alone, opens
its drill-down in a panel on screen (not 900 px below the chart)."""

from __future__ import annotations

import pytest

from tests.e2e.server import wait_idle

pytestmark = pytest.mark.e2e


def _dialog_in_view(page) -> None:
    dialog = page.get_by_role("dialog")
    dialog.wait_for(timeout=30_000)
    opened = dialog.get_by_text("respondents.").or_(dialog.get_by_text("This cell is hidden"))
    opened.first.wait_for(timeout=30_000)
    box = dialog.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    # Where the eye is: the panel's top sits inside the visible window, no scrolling needed.
    assert 0 <= box["y"] < viewport["height"] / 2
    assert box["x"] + box["width"] <= viewport["width"] + 1


def test_heatmap_is_drawn_and_a_click_opens_the_drilldown(page, app_url: str) -> None:
    page.goto(f"{app_url}/alignment")
    wait_idle(page)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for(timeout=60_000)
    page.locator(
        '[data-testid="stVegaLiteChart"] svg.marks, [data-testid="stVegaLiteChart"] canvas'
    ).first.wait_for(timeout=30_000)
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
    wait_idle(page)
    _dialog_in_view(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not page.js_errors
    page.screenshot(path="tests/artifacts/e2e-drilldown.png", full_page=True)
    # Closing the panel and rerunning the page (another widget) does not open it again.
    page.keyboard.press("Escape")
    page.get_by_role("dialog").wait_for(state="detached", timeout=10_000)
    page.get_by_text("Show as a table").first.click()
    wait_idle(page)
    assert page.get_by_role("dialog").count() == 0


def test_the_keyboard_alone_opens_a_cell(page, app_url: str) -> None:
    page.goto(f"{app_url}/alignment")
    wait_idle(page)
    button = page.get_by_role("button", name="Open detail")
    button.wait_for(timeout=60_000)
    # Tab from the cell picker's second select box to the button, then Enter.
    page.get_by_label("Group of the cell", exact=True).focus()
    page.keyboard.press("Tab")
    assert button.evaluate("b => b === document.activeElement")
    page.keyboard.press("Enter")
    wait_idle(page)
    _dialog_in_view(page)
    assert not page.js_errors


def test_legends_and_column_labels_stay_inside_the_chart_on_a_laptop(browser, app_url) -> None:
    """At 1280 px, side-by-side legends ran past the chart's right edge and were cut mid-word
    ("Group disagrees (r_w"). Every text of the heatmap, legends and column labels included,
    ends inside the chart's own box, on the group heatmap and the gap heatmap."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{app_url}/alignment")
    wait_idle(page)
    drawn = '[data-testid="stVegaLiteChart"] svg.marks'
    for tab in (None, "Perception gap"):
        if tab:
            page.get_by_role("tab", name=tab).click()
            wait_idle(page)
        page.locator(drawn).first.wait_for(timeout=60_000)
        page.wait_for_timeout(300)
        outside = page.evaluate(
            """(sel) => {
                const svg = document.querySelector(sel);
                const host = svg.closest('[data-testid="stVegaLiteChart"]').getBoundingClientRect();
                return [...svg.querySelectorAll('text')]
                    .filter(t => t.textContent.trim())
                    .map(t => [t.textContent, t.getBoundingClientRect()])
                    .filter(([, r]) => r.width
                        && (r.right > host.right + 1 || r.left < host.left - 1))
                    .map(([s]) => s);
            }""",
            drawn,
        )
        assert outside == [], f"{tab or 'groups'}: text past the chart's edge: {outside[:5]}"
    context.close()
