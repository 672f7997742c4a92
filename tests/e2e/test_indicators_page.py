"""In a real Chromium: the Indicators page names the demo's rising team in its warning table."""

from __future__ import annotations

import pytest

from tests.e2e.server import wait_idle

pytestmark = pytest.mark.e2e


def test_warning_table_shows_the_rising_team(page, app_url: str) -> None:
    page.goto(f"{app_url}/indicators")
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_role("heading", name="Early warnings").is_visible()
    # The most pressing warnings are written out above the table ...
    first = page.locator('[data-testid="stMarkdownContainer"] li').first
    assert first.inner_text().startswith("Payments: escalations rose")
    # ... and the table itself (drawn on a canvas) lists Payments first: read its first row
    # from the grid's accessible table, which mirrors the canvas.
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    first_row = grid.locator("table tr").nth(1)
    first_row.wait_for(state="attached")
    texts = [
        (t or "").strip()
        for t in first_row.locator("td").evaluate_all("cells => cells.map(c => c.textContent)")
    ]
    assert texts[:3] == ["High", "Payments", "escalations"]
    assert "rose" in texts[3]
    # The small multiples are drawn.
    page.locator(".vega-embed canvas, .vega-embed svg").first.wait_for(timeout=30_000)
    assert not page.js_errors
