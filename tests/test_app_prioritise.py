"""The Prioritisation page on the demo, as a leader meets it: both rankings, where they differ
and why, the ranges, the capacity line, another model, and a side under k_min."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from alignment.privacy import ENV_K_MIN
from tests.charts import charts

ROOT = Path(__file__).resolve().parent.parent
PAGE = "app_pages/prioritise.py"


@pytest.fixture(scope="module")
def page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [w.value for w in at.warning]
    return "\n".join(parts).replace("\\", "")


def test_both_rankings_and_where_they_differ(page: AppTest) -> None:
    metrics = {m.label: m.value for m in page.metric}
    assert metrics["Initiatives ranked"] == "30 of 30"
    assert metrics["Agreement of the two rankings (τ-b)"] == "0.76"
    text = _text(page)
    assert "tech n=70, business n=80" in text
    assert "P-26 Instant quote widget" in text and "P-29 Dock appointment scheduling" in text
    assert "business rates time criticality 13.2, tech 3.4" in text
    assert "ranked first" in text and "÷ job size" in text  # the worked example
    columns = [set().union(*(f.columns for f in frames)) for _, frames in charts(page)]
    assert any({"side", "rank", "low", "high", "higher", "n"} <= c for c in columns)  # slope
    assert any({"label", "rank", "low", "high", "order"} <= c for c in columns)  # ranking


def test_the_table_shows_ranges_and_orderings(page: AppTest) -> None:
    table = page.dataframe[0].value
    assert list(table.columns[:4]) == ["Rank (95% range)", "ID", "Initiative", "WSJF"]
    assert table["Rank (95% range)"].iloc[0].startswith("1st")
    assert table["Ordering"].str.startswith("Not clearly ordered against").any()
    assert not table.astype(str).apply(lambda c: c.str.contains("nan|None")).any().any()


def test_a_capacity_draws_the_line_under_each_ranking(page: AppTest) -> None:
    page.number_input(key="aw_prioritise::capacity").set_value(150).run()
    assert not page.exception
    metrics = {m.label: m.value for m in page.metric}
    assert metrics["Fits the quarter"] == "14 initiatives"
    text = _text(page)
    assert "of 150 effort units used" in text
    assert "Below the line:" in text
    table = page.dataframe[0].value
    assert set(table["This quarter"]) == {"Fits", "Below the line"}


def test_another_model_says_where_its_numbers_come_from(page: AppTest) -> None:
    page.selectbox(key="aw_prioritise::model").set_value("rice").run()
    assert not page.exception
    text = _text(page)
    assert "come from the initiatives table alone" in text
    assert "reach × impact × confidence ÷ effort" in text


def test_a_side_under_k_min_has_no_ranking_on_the_page(monkeypatch) -> None:
    """k_min 75: tech (70 people) is hidden; the business (80) is not, but no initiative was
    estimated by 75 of them, so neither side ranks, and WSJF (whose time criticality comes
    from the survey) cannot rank anything: the page says so instead of guessing."""
    monkeypatch.setenv(ENV_K_MIN, "75")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    text = _text(at)
    assert "No initiative can be ranked by WSJF" in text
    assert "risk reduction, time criticality" in text
    assert "you can rank by RICE or Value ÷ effort" in text
    at.selectbox(key="aw_prioritise::model").set_value("value-effort").run()
    assert not at.exception
    text = _text(at)
    assert "tech hidden (fewer than 75)" in text
    assert "tech side has fewer than 75 respondents" in text
    assert "No initiative was estimated by 75 or more business respondents" in text
    table = at.dataframe[0].value
    assert "Tech rank" not in table.columns and "Business rank" not in table.columns
    assert set(table["Ordering"]) == {"From the table's estimates (no spread)"}
    for _, frames in charts(at):
        for f in frames:
            assert "side" not in f.columns  # no slope chart at all
