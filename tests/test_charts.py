"""Chart builders: big portfolios, files for download, and nothing hidden leaks into a chart."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from alignment import scoring
from alignment.charts import heatmaps, palette, render, tables
from alignment.privacy import Privacy

GROUPS = [f"Group {g:02d}" for g in range(30)]


@pytest.fixture(scope="module")
def big_views() -> tuple[scoring.Views, dict[str, str]]:
    """300 initiatives × 30 groups, 4 respondents per cell on average, some cells small."""
    rng = np.random.default_rng(3)
    rows = []
    respondent = 0
    for i in range(300):
        for g, group in enumerate(GROUPS):
            for _ in range(int(rng.integers(1, 7))):
                respondent += 1
                rows.append(
                    (
                        f"r{respondent}",
                        group,
                        "tech" if g < 15 else "business",
                        f"P-{i:03d}",
                        "value",
                        int(rng.integers(1, 6)),
                    )
                )
    fb = pd.DataFrame(
        rows, columns=["respondent", "group", "side", "initiative_id", "dimension", "rating"]
    )
    fb["scale_min"], fb["scale_max"] = 1.0, 5.0
    fb["score"] = 100 * (fb["rating"] - 1) / 4
    fb["date"] = pd.Timestamp("2026-09-01")
    names = {
        f"P-{i:03d}": f"A rather long initiative name number {i} that needs cutting"
        for i in range(300)
    }
    return scoring.views(scoring.prepare(fb), Privacy()), names


def test_300_initiatives_by_30_groups_build_without_the_row_limit(big_views) -> None:
    views, names = big_views
    order = sorted(names)
    frame = heatmaps.ordered(
        heatmaps.alignment_frame(views.group, "group", names, 3, order), order, GROUPS
    )
    assert len(frame) == 9000
    chart = heatmaps.alignment_heatmap(frame, "Group", show_numbers=False)
    spec = chart.to_dict()
    assert spec["height"] == {"step": heatmaps.ROW_HEIGHT}
    assert frame["label"].str.len().max() <= 34  # long names cut on the axis...
    assert frame["initiative"].str.len().max() > 34  # ...and whole in the tooltip


def test_streamlit_draws_a_9000_cell_heatmap(big_views) -> None:
    views, names = big_views

    def page(cells, names, groups):  # runs as its own script: no annotations
        import json

        import streamlit as st

        from alignment.charts import heatmaps

        order = sorted(names)
        frame = heatmaps.ordered(
            heatmaps.alignment_frame(cells, "group", names, 3, order), order, groups
        )
        spec = json.loads(heatmaps.template("alignment", "Group", False))
        st.vega_lite_chart(frame, spec, on_select="rerun")

    at = AppTest.from_function(
        page, kwargs={"cells": views.group, "names": names, "groups": GROUPS}, default_timeout=60
    )
    at.run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 1


def test_png_and_svg_downloads_render_without_a_browser(big_views) -> None:
    views, names = big_views
    order = sorted(names)[:40]
    frame = heatmaps.ordered(
        heatmaps.alignment_frame(views.group, "group", names, 3, order), order, GROUPS
    )
    spec = heatmaps.with_data(json.loads(heatmaps.template("alignment", "Group", True)), frame)
    png = render.to_png(spec)
    assert png.startswith(b"\x89PNG")
    svg = render.to_svg(spec)
    assert svg.lstrip().startswith("<svg")
    assert "hidden" in svg  # masked cells are drawn as such, with no number


def test_masked_cells_reach_charts_without_figures(big_views) -> None:
    views, names = big_views
    frame = heatmaps.alignment_frame(views.group, "group", names, 3, sorted(names))
    hidden = frame[frame["hidden"]]
    assert len(hidden) > 100
    assert hidden["score"].isna().all()
    assert hidden["n"].isna().all()
    assert (hidden["n_text"] == "–").all()
    assert hidden["agreement"].str.startswith("Hidden").all()
    gaps = heatmaps.gap_frame(views.gaps, names, {"value": "Value"}, 3, sorted(names))
    assert gaps.loc[gaps["hidden"], "gap"].isna().all()


def test_legends_say_what_colour_and_marks_mean(big_views) -> None:
    views, names = big_views
    order = sorted(names)[:10]
    frame = heatmaps.ordered(
        heatmaps.alignment_frame(views.group, "group", names, 3, order), order, GROUPS
    )
    spec = heatmaps.alignment_heatmap(frame, "Group").to_dict()
    text = str(spec)
    # The figure is named for what it is: a mean rating, not "% aligned".
    assert "Mean rating, 0–100" in text
    assert "alignment score" not in text.lower()
    # Grey "hidden" and white "no answers" are explained side by side in the legend.
    assert "Hidden: fewer than 3 respondents" in text
    assert "No answers (blank cell)" in text
    assert "Group disagrees (r_wg < 0.70)" in text
    assert "Split room (polarised)" in text
    gaps = heatmaps.ordered(
        heatmaps.gap_frame(views.gaps, names, {"value": "Value"}, 3, order),
        order,
        ["Value"],
        "dimension_label",
    )
    gap_spec = str(heatmaps.gap_heatmap(gaps).to_dict())
    assert "No clear difference (interval contains 0)" in gap_spec
    assert "No answers (blank cell)" in gap_spec
    # One scheme per meaning (tests/test_palette.py checks the colours themselves).
    assert str(list(palette.SCORE_RAMP)) in text
    assert str(list(palette.GAP_RAMP)) in gap_spec
    assert "scheme" not in text and "scheme" not in gap_spec


def test_templates_carry_no_data_and_order_by_row_numbers() -> None:
    for kind in ("alignment", "gap", "trend"):
        spec = json.loads(heatmaps.template(kind))
        assert "data" not in spec
        assert "datasets" not in spec
        assert all("data" not in layer for layer in spec["layer"])
        y = spec["layer"][0]["encoding"]["y"]
        assert y["sort"] == {"field": "row", "op": "min"}


def test_legend_ticks_are_few_and_round_so_they_never_collide() -> None:
    """Vega's own ticks for −60..60 on a 200 px gradient ran into each other (−60−40)."""
    for kind, ticks in (
        ("alignment", palette.SCORE_TICKS),
        ("gap", palette.GAP_TICKS),
        ("trend", palette.SCORE_TICKS),
    ):
        spec = json.loads(heatmaps.template(kind))
        legends = [
            layer["encoding"]["color"]["legend"]
            for layer in spec["layer"]
            if "legend" in layer.get("encoding", {}).get("color", {})
        ]
        assert legends, kind
        for legend in legends:
            assert legend["values"] == list(ticks)
            # 200 px for 5 labels: 50 px each, wider than "100" or "−60" at the legend's size.
            assert legend["gradientLength"] / (len(ticks) - 1) >= 45
            assert legend["labelOverlap"] == "greedy"


def test_coverage_charts_keep_every_label_at_a_fixed_step() -> None:
    """The coverage grid showed 2 of 4 objectives and the weight-vs-effort bars were squeezed
    into 25 px: both now size by a step per row, and no axis drops labels for overlap."""
    objectives = [f"G{i}" for i in range(1, 7)]
    shares = pd.DataFrame(
        {
            "objective_id": objectives,
            "objective": [f"Objective number {i}" for i in range(1, 7)],
            "weight_share": [30.0, 25, 20, 15, 10, 0],
            "effort_share": [20.0, 40, 20, 0, 10, 10],
            "initiatives": [3, 5, 2, 0, 1, 1],
        }
    )
    bars = heatmaps.weight_vs_effort(shares).to_dict()
    assert bars["height"] == {"step": 16}
    assert bars["encoding"]["y"]["axis"]["labelOverlap"] is False
    links = pd.DataFrame(
        {
            "objective_id": ["G1", "G2", "G3"],
            "objective": ["Objective number 1", "Objective number 2", "Objective number 3"],
            "initiative_id": ["P-1", "P-2", "P-3"],
            "initiative": ["A", "B", "C"],
            "effort_part": [5.0, None, 2.5],
        }
    )
    order = list(heatmaps.objective_label(shares["objective_id"], shares["objective"]))
    grid = heatmaps.coverage_matrix(links, order, ["P-1", "P-2", "P-3", "P-4"]).to_dict()
    assert grid["height"] == {"step": 30}
    assert grid["encoding"]["y"]["scale"]["domain"] == order  # every objective has a row
    assert grid["encoding"]["y"]["axis"]["labelOverlap"] is False
    assert grid["encoding"]["x"]["scale"]["domain"] == ["P-1", "P-2", "P-3", "P-4"]
    # Drawn, every objective label is in the picture.
    svg = render.to_svg(grid)
    for label in order:
        assert label in svg


def test_the_table_alternative_says_why_a_row_is_hidden_and_shows_no_figure() -> None:
    table = pd.DataFrame(
        {
            "initiative_id": ["A", "B", "C"],
            "score": [55.5, 40.0, None],
            "n": [5, 4, None],
            "polarised": [True, False, None],
            "hidden": [False, True, True],
            "mask_reason": ["", "complement", "small"],
        }
    )
    # B is hidden by complementary masking but still carries figures here: the table must
    # blank them anyway, like the chart.
    shown = tables.readable(table, k_min=3)
    assert list(shown.columns) == [
        "Initiative ID",
        "Mean rating (0–100)",
        "Respondents (n)",
        "Split room (polarised)",
        "Shown or hidden",
    ]
    assert list(shown["Shown or hidden"]) == [
        "Shown",
        tables.SUBTRACTION_WORDS,
        "Hidden: fewer than 3 respondents",
    ]
    assert shown.loc[1:, ["Mean rating (0–100)", "Respondents (n)"]].isna().all().all()
    assert list(shown["Split room (polarised)"]) == ["yes", "", ""]


def test_heatmap_legends_stack_above_the_grid_so_none_is_cut_off() -> None:
    import json

    from alignment.charts import heatmaps

    for kind in ("alignment", "gap", "trend"):
        spec = json.loads(heatmaps.template(kind))
        layout = spec["config"]["legend"]["layout"]["top"]
        assert layout["direction"] == "vertical", kind
