"""The Alignment and Method pages on the demo, as a user meets them."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.charts import chart_with, charts

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def alignment_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("app_pages/alignment.py").run()
    assert not at.exception
    return at


def test_all_four_heatmaps_render_on_the_demo(alignment_page: AppTest) -> None:
    found = charts(alignment_page)
    columns = [set().union(*(f.columns for f in frames)) for _, frames in found]
    assert any({"flag", "agreement", "score"} <= c for c in columns)  # initiatives × groups
    assert any({"gap", "interval", "certainty"} <= c for c in columns)  # perception gap
    assert any({"measure", "share"} <= c for c in columns)  # weight vs effort
    assert any({"objective_label", "effort_part"} <= c for c in columns)  # coverage matrix
    trend = [c for c in columns if {"column", "score"} <= c and "flag" in c]
    assert len(trend) >= 2  # the group heatmap and the trend share the frame shape


def test_hidden_cells_carry_no_figure(alignment_page: AppTest) -> None:
    cells = chart_with(alignment_page, "flag")
    hidden = cells[cells["hidden"]]
    assert len(hidden) > 0
    assert hidden["score"].isna().all()
    assert (hidden["score_text"] == "–").all()
    assert (cells.loc[~cells["hidden"], "n"] >= 3).all()


def test_the_demo_split_room_and_unclear_gap_are_marked(alignment_page: AppTest) -> None:
    cells = chart_with(alignment_page, "flag")
    split = cells[(cells["initiative_id"] == "P-27") & (cells["column"] == "Sales")].iloc[0]
    assert split["flag"] == "Split room (polarised)"
    gaps = chart_with(alignment_page, "certainty")
    unclear = gaps[gaps["initiative_id"] == "P-18"]
    assert (unclear["certainty"] == "No clear difference (interval contains 0)").any()
    clear = gaps[gaps["certainty"] == "Clear difference"]
    assert len(clear) > 0
    assert "95% interval" in " ".join(t["title"] for t in _tooltips(alignment_page))


def _tooltips(at: AppTest) -> list[dict]:
    out = []
    for spec, _ in charts(at):
        for layer in spec.get("layer", []):
            out.extend(layer.get("encoding", {}).get("tooltip", []))
    return out


def test_gap_sort_puts_clear_differences_first(alignment_page: AppTest) -> None:
    gaps = chart_with(alignment_page, "certainty")
    first = gaps[gaps["row"] == gaps["row"].min()]
    assert (first["certainty"] == "Clear difference").any()
    assert first["gap"].abs().max() >= 40


def test_a_team_filter_narrows_the_heatmaps() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("app_pages/alignment.py").run()
    at.multiselect(key="align-team").set_value(["Payments"]).run()
    assert not at.exception
    cells = chart_with(at, "flag")
    assert set(cells["initiative_id"]) == {"P-07", "P-08", "P-09", "P-10", "P-11", "P-12"}


def test_sides_toggle_and_dimension_filter() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("app_pages/alignment.py").run()
    at.button_group(key="align-by").set_value("Sides").run()
    cells = chart_with(at, "flag")
    assert set(cells["column"]) == {"Tech", "Business"}
    at.multiselect(key="align-dimension").set_value(["why_clarity"]).run()
    assert not at.exception
    gaps = chart_with(at, "certainty")
    assert set(gaps["dimension"]) == {"why_clarity"}


def test_method_page_shows_the_worked_example() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("app_pages/method.py").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "k_min = 3" in text
    assert "95% interval" in text
    assert "r_wg = 1 −" in text
