"""The method, against hand-worked examples (as the Method page explains it)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from alignment import scoring
from alignment.privacy import Privacy

P3 = Privacy(k_min=3, k_comments=5)


def ratings(rows: list[tuple], scale: tuple[int, int] = (1, 5)) -> pd.DataFrame:
    """rows: (respondent, group, side, initiative, dimension, rating)."""
    frame = pd.DataFrame(
        rows, columns=["respondent", "group", "side", "initiative_id", "dimension", "rating"]
    )
    frame["scale_min"], frame["scale_max"] = float(scale[0]), float(scale[1])
    frame["score"] = 100 * (frame["rating"] - scale[0]) / (scale[1] - scale[0])
    frame["date"] = pd.Timestamp("2026-09-15")
    return scoring.prepare(frame)


def one_cell(
    values: list[float],
    dim: str = "value",
    group: str = "Sales",
    side: str = "business",
    start: int = 0,
) -> list[tuple]:
    return [(f"r{start + i}", group, side, "P-1", dim, v) for i, v in enumerate(values)]


def test_score_is_the_mean_of_every_rating_and_n_counts_people() -> None:
    # r1 gives two 5s (100, 100), r2 one 1 (0): the score is 66.7, not the mean of people (50).
    fb = ratings(
        [
            ("r1", "Sales", "business", "P-1", "a", 5),
            ("r1", "Sales", "business", "P-1", "b", 5),
            ("r2", "Sales", "business", "P-1", "a", 1),
        ]
    )
    cell = scoring.cell_stats(fb, ["initiative_id", "group"]).iloc[0]
    assert cell["score"] == pytest.approx(200 / 3)
    assert cell["n"] == 2
    assert cell["n_ratings"] == 3


def test_normalisation_uses_each_scale() -> None:
    fb = ratings([("r1", "G", "tech", "P-1", "a", 4)], scale=(1, 7))
    assert fb["score"].iloc[0] == pytest.approx(50.0)


def test_everyone_agreeing_has_rwg_one_and_is_not_polarised() -> None:
    cell = scoring.cell_stats(ratings(one_cell([4, 4, 4, 4])), ["initiative_id"]).iloc[0]
    assert cell["score"] == pytest.approx(75.0)
    assert cell["rwg"] == pytest.approx(1.0)
    assert not cell["polarised"]


def test_moderate_spread_is_low_agreement_but_not_split() -> None:
    # Normalised 50, 75, 100: s² = 625; σ²_EU for 5 points = 2 raw = 1250 on 0-100 -> 0.5.
    cell = scoring.cell_stats(ratings(one_cell([3, 4, 5])), ["initiative_id"]).iloc[0]
    assert cell["rwg"] == pytest.approx(0.5)
    assert cell["rwg"] < scoring.AGREEMENT_THRESHOLD
    assert not cell["polarised"]


def test_split_room_is_polarised_and_rwg_clips_to_zero() -> None:
    # 0, 0, 100, 100: s² = 3333.3 > 1250 -> unclipped r_wg = -1.67, clipped to 0.
    cell = scoring.cell_stats(ratings(one_cell([1, 1, 5, 5])), ["initiative_id"]).iloc[0]
    assert cell["rwg_raw"] == pytest.approx(1 - (10000 / 3) / 1250)
    assert cell["rwg"] == 0.0
    assert cell["polarised"]
    assert cell["share_low"] == 0.5
    assert cell["share_high"] == 0.5


def test_uniform_room_meets_the_published_definition() -> None:
    # Answers spread evenly over 1..5: 40% at or below 25 and 40% at or above 75, and the
    # sample variance (2.5 raw) exceeds the uniform null (2): flagged by both rules.
    cell = scoring.cell_stats(ratings(one_cell([1, 2, 3, 4, 5])), ["initiative_id"]).iloc[0]
    assert cell["rwg_raw"] == pytest.approx(1 - 2.5 / 2)
    assert cell["polarised"]


def test_polarised_by_variance_alone() -> None:
    # One camp at 1, one at 5, but only 20% low: the share rule fails, the variance rule holds.
    cell = scoring.cell_stats(ratings(one_cell([1, 5, 5, 5, 5])), ["initiative_id"]).iloc[0]
    assert cell["share_low"] == pytest.approx(0.2)
    assert cell["rwg_raw"] == pytest.approx(1 - 3.2 / 2)
    assert cell["polarised"]


def test_rwg_is_undefined_for_one_respondent() -> None:
    cell = scoring.cell_stats(ratings(one_cell([4])), ["initiative_id"]).iloc[0]
    assert math.isnan(cell["rwg"])
    assert not cell["polarised"]


def test_small_cells_are_masked_without_figures() -> None:
    fb = ratings(one_cell([4, 5]) + one_cell([2, 2, 3], group="Finance", start=10))
    cells = scoring.by_group(fb, P3)
    sales = cells[cells["group"] == "Sales"].iloc[0]
    assert sales["masked"]
    assert sales["mask_reason"] == scoring.MASK_SMALL
    assert pd.isna(sales["score"])
    assert pd.isna(sales["n"])
    assert pd.isna(sales["rwg"])


def test_a_small_group_counts_for_no_side_so_its_side_needs_no_complement() -> None:
    # Tech side of P-1: A has 2 people (hidden), B 4, C 6. A counts for no side (it could be
    # recovered as side - B - C, or by moving it to the other side), so the side total rests on
    # B and C alone and nothing else has to be hidden to protect A.
    rows = (
        one_cell([4, 4], group="A", side="tech")
        + one_cell([2, 3, 4, 5], group="B", side="tech", start=10)
        + one_cell([1, 2, 3, 4, 5, 5], group="C", side="tech", start=20)
    )
    fb = ratings(rows)
    cells = scoring.by_group(fb, P3).set_index("group")
    assert cells.loc["A", "mask_reason"] == scoring.MASK_SMALL
    assert pd.isna(cells.loc["A", "score"])
    assert not cells.loc["B", "masked"] and not cells.loc["C", "masked"]
    side = scoring.by_side(fb, P3).set_index("side").loc["tech"]
    assert side["n"] == 10
    b_and_c = fb[fb["group"].isin(["B", "C"])]["score"].mean()
    assert side["score"] == pytest.approx(b_and_c)


def test_a_side_of_one_small_group_is_hidden_and_counts_nowhere() -> None:
    # Business is one group of 2: hidden, and left out of the initiative's total too (a pool of
    # small answers under k_min counts nowhere), so total - tech cannot give it back.
    rows = one_cell([4, 4], side="business") + one_cell(
        [2, 3, 4, 5], group="Eng", side="tech", start=10
    )
    fb = ratings(rows)
    sides = scoring.by_side(fb, P3).set_index("side")
    assert sides.loc["business", "masked"]
    assert sides.loc["business", "mask_reason"] == scoring.MASK_SMALL
    assert not sides.loc["tech", "masked"]
    total = scoring.overall(fb, P3).iloc[0]
    assert total["n"] == 4
    assert total["score"] == pytest.approx(sides.loc["tech", "score"])


def test_gap_interval_matches_scipy_welch() -> None:
    tech = [5, 4, 4, 5, 3, 4]
    business = [2, 3, 1, 2, 4]
    rows = one_cell(tech, group="Eng", side="tech") + one_cell(
        business, group="Sales", side="business", start=100
    )
    gap = scoring.gaps(ratings(rows), P3).iloc[0]
    a = 100 * (np.array(tech) - 1) / 4
    b = 100 * (np.array(business) - 1) / 4
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert gap["gap"] == pytest.approx(a.mean() - b.mean())
    assert gap["gap_low"] == pytest.approx(ci.low)
    assert gap["gap_high"] == pytest.approx(ci.high)
    assert gap["clear"]
    assert gap["n_tech"] == 6
    assert gap["n_business"] == 5


def test_gap_whose_interval_contains_zero_is_not_clear() -> None:
    rows = one_cell([5, 1, 4, 2], group="Eng", side="tech") + one_cell(
        [3, 2, 4], group="Sales", side="business", start=100
    )
    gap = scoring.gaps(ratings(rows), P3).iloc[0]
    assert gap["gap_low"] < 0 < gap["gap_high"]
    assert not gap["clear"]


def test_gap_is_masked_when_a_side_is_small() -> None:
    rows = one_cell([5, 4, 5, 4], group="Eng", side="tech") + one_cell(
        [1, 2], group="Sales", side="business", start=100
    )
    gap = scoring.gaps(ratings(rows), P3).iloc[0]
    assert gap["masked"]
    assert pd.isna(gap["gap"])
    assert pd.isna(gap["tech_mean"])
    assert pd.isna(gap["gap_low"])


def test_gap_interval_is_undefined_below_two_respondents() -> None:
    rows = one_cell([5, 4], group="Eng", side="tech") + one_cell([1], side="business", start=9)
    gap = scoring.gaps(ratings(rows), Privacy(k_min=1, k_comments=1)).iloc[0]
    assert gap["gap"] == pytest.approx(87.5)
    assert pd.isna(gap["gap_low"])
    assert pd.isna(gap["clear"])


def test_zero_spread_on_both_sides_gives_a_point_interval() -> None:
    rows = one_cell([5, 5, 5], group="Eng", side="tech") + one_cell([2, 2, 2], start=10)
    gap = scoring.gaps(ratings(rows), P3).iloc[0]
    assert gap["gap_low"] == gap["gap_high"] == pytest.approx(75.0)
    assert gap["clear"]


def test_drilldown_respects_both_thresholds() -> None:
    rows = one_cell([4, 4, 4], group="Small") + one_cell([1, 2, 4, 5, 5, 3], start=10)
    fb = ratings(rows)
    comments = pd.DataFrame(
        {
            "respondent": ["r0", "r10"],
            "group": ["Small", "Sales"],
            "side": ["business"] * 2,
            "initiative_id": ["P-1"] * 2,
            "comment": ["small group remark", "big group remark"],
            "date": [pd.NaT] * 2,
        }
    )
    cells = scoring.by_group(fb, P3)
    small = scoring.drilldown(fb, comments, cells, "P-1", "group", "Small", P3)
    assert small.allowed
    assert small.n == 3
    assert small.comments == ()
    assert "at least 5" in small.comments_message
    big = scoring.drilldown(fb, comments, cells, "P-1", "group", "Sales", P3)
    assert big.comments == ("big group remark",)
    assert int(big.distribution["count"].sum()) == 6
    masked = scoring.drilldown(
        fb, comments, scoring.by_group(fb, Privacy(7, 7)), "P-1", "group", "Sales", Privacy(7, 7)
    )
    assert not masked.allowed
    assert masked.distribution is None


def test_trend_by_month_masks_small_periods() -> None:
    fb = ratings(one_cell([4, 4, 4, 5]) + one_cell([2], start=10))
    fb.loc[fb["respondent"] == "r10", "date"] = pd.Timestamp("2026-10-02")
    cells = scoring.trend(fb, P3).set_index("period")
    assert cells.loc["2026-10", "masked"]
    # The only other period would reveal it through the initiative's total: hidden too.
    assert cells.loc["2026-09", "masked"]
    quarterly = scoring.trend(fb, P3, "Q")
    assert list(quarterly["period"]) == ["2026-Q3", "2026-Q4"]


# --- property: nothing under k_min, nothing recoverable by subtraction -------------------------

group_sizes = st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=6)


@st.composite
def feedback_frames(draw) -> tuple[pd.DataFrame, int]:
    k_min = draw(st.integers(min_value=2, max_value=5))
    rows = []
    respondent = 0
    for initiative in range(draw(st.integers(1, 3))):
        for g, size in enumerate(draw(group_sizes)):
            side = draw(st.sampled_from(["tech", "business", "unknown"]))
            dims = draw(
                st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True)
            )
            for _ in range(size):
                respondent += 1
                month = draw(st.sampled_from(["2026-08-10", "2026-09-10", "2026-10-10"]))
                for d in dims:
                    rows.append(
                        (
                            f"r{respondent}",
                            f"{side}-g{g}",
                            side,
                            f"P-{initiative}",
                            d,
                            draw(st.integers(1, 5)),
                            month,
                        )
                    )
    frame = pd.DataFrame(
        rows,
        columns=["respondent", "group", "side", "initiative_id", "dimension", "rating", "date"],
    )
    frame["date"] = pd.to_datetime(frame["date"])
    frame["scale_min"], frame["scale_max"] = 1.0, 5.0
    frame["score"] = 100 * (frame["rating"] - 1) / 4
    return scoring.prepare(frame), k_min


def _no_lonely_masked_part(cells: pd.DataFrame, parent: list[str], totals: pd.DataFrame) -> None:
    """Under every total that is shown, the hidden parts are none or at least two."""
    counts = cells.groupby(parent, dropna=False)["masked"].sum()
    shown = totals[~totals["masked"]].set_index(parent).index
    lonely = counts[(counts == 1) & counts.index.isin(shown)]
    assert lonely.empty, cells


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feedback_frames())
def test_no_output_exposes_or_lets_you_subtract_a_small_cell(data) -> None:
    fb, k_min = data
    privacy = Privacy(k_min, k_min)
    group = scoring.by_group(fb, privacy)
    views = scoring.views(fb, privacy)
    trend = scoring.trend(fb, privacy)
    for cells in (group, views.side, views.overall, trend):
        shown = cells[~cells["masked"]]
        assert (shown["n"] >= k_min).all()
        hidden = cells[cells["masked"]]
        assert hidden["score"].isna().all()
        assert hidden["n"].isna().all()
    # True sizes, to check that every masked cell really is small.
    true_n = fb.groupby(["initiative_id", "group"])["respondent"].nunique()
    for row in group[group["masked"]].itertuples():
        assert true_n[(row.initiative_id, row.group)] < k_min
        assert row.mask_reason == scoring.MASK_SMALL
    # A hidden group adds nothing to its side: a shown side is exactly its shown groups, so
    # neither subtraction nor moving the group to the other side can single it out.
    counted = scoring.countable(fb, privacy)
    for row in views.side[~views.side["masked"]].itertuples():
        parts = group[
            (group["initiative_id"] == row.initiative_id)
            & (group["side"] == row.side)
            & ~group["masked"]
        ]
        assert row.n == parts["n"].sum()
    # Every block of answers that counts rests on k_min people: per group and dimension.
    blocks = counted.groupby(["initiative_id", "group", "dimension"], observed=True)[
        "respondent"
    ].nunique()
    assert (blocks >= k_min).all()
    _no_lonely_masked_part(trend, ["initiative_id"], views.overall)
    gaps = views.gaps
    shown_gaps = gaps[~gaps["masked"]]
    assert (shown_gaps["n_tech"] >= k_min).all()
    assert (shown_gaps["n_business"] >= k_min).all()


def test_a_small_groups_comments_never_roll_up_into_a_large_side() -> None:
    # Tech side: Eng has 6 people, Data 1. The side passes k_comments, but showing its comments
    # beside Eng's would single out Data's one remark; so it is never shown.
    rows = one_cell([4, 4, 5, 3, 4, 4], group="Eng", side="tech") + one_cell(
        [1], group="Data", side="tech", start=50
    )
    fb = ratings(rows)
    comments = pd.DataFrame(
        {
            "respondent": ["r0", "r50"],
            "group": ["Eng", "Data"],
            "side": ["tech", "tech"],
            "initiative_id": ["P-1", "P-1"],
            "comment": ["from eng", "from the lone data person"],
            "date": [pd.NaT] * 2,
        }
    )
    sides = scoring._apply_mask(
        scoring.cell_stats(fb, ["initiative_id", "side"]), P3, [["initiative_id"]]
    )
    tech = scoring.drilldown(fb, comments, sides, "P-1", "side", "tech", P3)
    assert tech.allowed
    assert tech.comments == ("from eng",)
