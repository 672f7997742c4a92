"""The Alignment and Method pages on the demo, as a user meets them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from alignment.coverage import ORPHAN
from alignment.ingest.model import SourceFile
from components.state import Keys
from tests.charts import chart_with, charts

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def alignment_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("app_pages/alignment.py").run()
    assert not at.exception
    return at


TABS = ("Initiatives × groups", "Perception gap", "Strategic coverage", "Trend")


def _tab(at: AppTest, name: str) -> AppTest:
    """Show one of the page's tabs: only the tab shown is computed and drawn."""
    at.session_state["align-tab"] = name
    at.run()
    assert not at.exception
    return at


@pytest.fixture
def gap_tab(alignment_page: AppTest) -> Iterator[AppTest]:
    """The shared page on its gap tab, put back on the first tab afterwards."""
    yield _tab(alignment_page, "Perception gap")
    _tab(alignment_page, TABS[0])


def test_all_four_heatmaps_render_on_the_demo(alignment_page: AppTest) -> None:
    found = []
    for name in TABS:
        shown = charts(_tab(alignment_page, name))
        assert shown, f"{name}: no chart"
        found.extend(shown)
    _tab(alignment_page, TABS[0])
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


def test_only_the_tab_shown_is_computed_and_drawn(alignment_page: AppTest) -> None:
    # The first click on Alignment waited for all four heatmaps when every tab was drawn.
    shown = [set().union(*(f.columns for f in frames)) for _, frames in charts(alignment_page)]
    assert any("flag" in c for c in shown)
    assert not any("certainty" in c for c in shown), "the gap tab is drawn before it is picked"
    assert not any("share" in c for c in shown), "the coverage tab is drawn before it is picked"


def test_the_demo_split_room_and_unclear_gap_are_marked(alignment_page: AppTest) -> None:
    cells = chart_with(alignment_page, "flag")
    split = cells[(cells["initiative_id"] == "P-27") & (cells["column"] == "Sales")].iloc[0]
    assert split["flag"] == "Split room (polarised)"


def test_the_demo_unclear_gap_is_marked(gap_tab: AppTest) -> None:
    gaps = chart_with(gap_tab, "certainty")
    unclear = gaps[gaps["initiative_id"] == "P-18"]
    assert (unclear["certainty"] == "No clear difference (interval contains 0)").any()
    clear = gaps[gaps["certainty"] == "Clear difference"]
    assert len(clear) > 0
    assert "95% interval" in " ".join(t["title"] for t in _tooltips(gap_tab))


def _tooltips(at: AppTest) -> list[dict]:
    out = []
    for spec, _ in charts(at):
        for layer in spec.get("layer", []):
            out.extend(layer.get("encoding", {}).get("tooltip", []))
    return out


def test_gap_sort_puts_clear_differences_first(gap_tab: AppTest) -> None:
    gaps = chart_with(gap_tab, "certainty")
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
    gaps = chart_with(_tab(at, "Perception gap"), "certainty")
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


def _page_with(files: dict[str, bytes]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state[Keys.STARTED] = True
    at.session_state[Keys.SOURCES] = tuple(SourceFile(n, b) for n, b in files.items())
    at.run()
    at.switch_page("app_pages/alignment.py").run()
    assert not at.exception
    return at


def test_strategic_coverage_works_without_feedback() -> None:
    """Initiatives and objectives alone are enough for coverage: the page says what is missing
    for the rest and draws the two coverage charts, instead of stopping on 'needs feedback'."""
    roadmap = ROOT / "tests/fixtures/messy/Haulwise roadmap FINAL v3.xlsx"
    at = _page_with({roadmap.name: roadmap.read_bytes()})
    text = " ".join(i.value for i in at.info)
    assert "No feedback is loaded yet" in text
    assert "This page needs" not in text
    columns = [set().union(*(f.columns for f in frames)) for _, frames in charts(at)]
    assert any({"measure", "share"} <= c for c in columns)  # weight vs effort
    links = chart_with(at, "effort_part")
    spec = next(s for s, frames in charts(at) if any("effort_part" in f for f in frames))
    # Every objective has a row on the axis (two of four were dropped before), and no label
    # may be hidden for overlap.
    assert set(links["objective_id"]) - {ORPHAN} <= {
        label.split(" ")[0] for label in spec["encoding"]["y"]["scale"]["domain"]
    }
    assert spec["encoding"]["y"]["axis"]["labelOverlap"] is False


def test_the_keyboard_opens_a_cell_detail_beside_the_chart(alignment_page: AppTest) -> None:
    """The select boxes and button above the heatmap open the same detail a click opens, in a
    dialog (a side panel), so no drill-down needs a mouse."""
    at = alignment_page
    at.selectbox(key="pick-group-initiative").set_value("P-27")
    at.selectbox(key="pick-group-column").set_value("Sales")
    at.button(key="pick-group-open").click().run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Shipper portal redesign · Sales" in text
    assert "respondents." in text


def test_a_hidden_cell_opens_without_figures(alignment_page: AppTest) -> None:
    at = alignment_page
    cells = chart_with(at, "flag")
    hidden = cells[cells["hidden"]].iloc[0]
    at.selectbox(key="pick-group-initiative").set_value(hidden["initiative_id"])
    at.selectbox(key="pick-group-column").set_value(hidden["column"])
    at.button(key="pick-group-open").click().run()
    assert any("This cell is hidden" in i.value for i in at.info)


def test_every_chart_has_its_table_one_click_away_with_the_same_masking(
    alignment_page: AppTest,
) -> None:
    at = alignment_page
    toggles = 0
    for name in TABS:
        toggles += sum(t.label == "Show as a table" for t in _tab(at, name).toggle)
    assert toggles >= 5  # groups, gap, both coverage charts, trend
    _tab(at, TABS[0])
    at.toggle(key="heat-group-table").set_value(True).run()
    table = at.dataframe[0].value
    assert "Mean rating (0–100)" in table.columns
    assert "initiative_id" not in table.columns  # words, not field names
    hidden = table[table["Shown or hidden"].str.startswith("Hidden")]
    assert len(hidden) > 0
    assert hidden["Mean rating (0–100)"].isna().all()
    assert hidden["Respondents (n)"].isna().all()
    assert (table.loc[~table.index.isin(hidden.index), "Respondents (n)"] >= 3).all()
    at.toggle(key="heat-group-table").set_value(False).run()


def test_the_group_heatmap_separates_business_from_tech(alignment_page: AppTest) -> None:
    cells = chart_with(alignment_page, "flag")
    breaks = cells[cells["side_break"]]
    assert set(breaks["side"]) == {"tech"}
    first_tech = cells.loc[cells["side"] == "tech", "col"].min()
    assert set(breaks["col"]) == {first_tech}
    spec = next(s for s, frames in charts(alignment_page) if any("flag" in f for f in frames))
    rules = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    assert rules and rules[0]["encoding"]["x"]["bandPosition"] == 0


def test_the_sides_view_keeps_two_narrow_columns() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("app_pages/alignment.py").run()
    at.button_group(key="align-by").set_value("Sides").run()
    spec = next(s for s, frames in charts(at) if any("flag" in f for f in frames))
    assert spec["width"] == {"step": 180}
    assert spec["layer"][0]["encoding"]["x"]["axis"]["labelAngle"] == 0


def test_a_side_cell_opens_from_the_picker() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("app_pages/alignment.py").run()
    at.button_group(key="align-by").set_value("Sides").run()
    at.selectbox(key="pick-side-initiative").set_value("P-02")
    at.selectbox(key="pick-side-column").set_value("Business")
    at.button(key="pick-side-open").click().run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Observability and SLOs · Business" in text
    assert "respondents." in text
