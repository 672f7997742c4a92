"""Leading indicators: each rule on hand-made series, thresholds, warnings and the risk index."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from alignment import indicators as ind
from alignment.charts import indicators as charts
from alignment.indicators import HIGHER_IS_WORSE, LOWER_IS_WORSE, Rules, Threshold

NAN = float("nan")


def long_table(
    series: dict[tuple[str, str], list[float]], start: str = "2026-01", freq: str = "MS"
) -> pd.DataFrame:
    """The importer's long form from {(scope, metric): values}; NaN leaves the period out."""
    rows = []
    for (scope, metric), values in series.items():
        for period, value in zip(
            pd.date_range(start, periods=len(values), freq=freq), values, strict=True
        ):
            if not (isinstance(value, float) and math.isnan(value)):
                rows.append(
                    {"period": period, "scope": scope, "metric": metric, "value": float(value)}
                )
    return pd.DataFrame(rows, columns=["period", "scope", "metric", "value"])


# --- rule 1: over threshold ----------------------------------------------------------------------


def test_over_threshold_is_strict_and_follows_the_direction() -> None:
    values = [1, 5, 6, 7, NAN]
    assert ind.over_threshold(values, 6, HIGHER_IS_WORSE).tolist() == [
        False,
        False,
        False,
        True,
        False,
    ]
    assert ind.over_threshold([-1, -3, -2.5], -2.5, LOWER_IS_WORSE).tolist() == [False, True, False]
    assert not ind.over_threshold(values, None).any()


# --- rule 2: worsening N periods running ---------------------------------------------------------


def test_worsening_run_counts_strict_rises() -> None:
    assert ind.worsening_run([3, 4, 7, 11]).tolist() == [0, 1, 2, 3]


def test_a_flat_series_never_worsens() -> None:
    assert ind.worsening_run([5, 5, 5, 5, 5]).tolist() == [0, 0, 0, 0, 0]


def test_a_missing_period_or_a_pause_ends_the_run() -> None:
    assert ind.worsening_run([1, 2, NAN, 3, 4]).tolist() == [0, 1, 0, 0, 1]
    assert ind.worsening_run([1, 2, 2, 3]).tolist() == [0, 1, 0, 1]


def test_lower_is_worse_counts_falls() -> None:
    assert ind.worsening_run([0.5, -1, -2, -1.5], LOWER_IS_WORSE).tolist() == [0, 1, 2, 0]


def test_short_series_cannot_trip_the_rising_rule() -> None:
    det = ind.detect(long_table({("A", "escalations"): [1, 2, 3]}))
    assert not det.points["rising"].any()  # 2 rises, 3 are needed
    det = ind.detect(long_table({("A", "escalations"): [1, 2, 3, 4]}))
    assert det.points["rising"].tolist() == [False, False, False, True]


# --- rule 3: unusual against the rolling baseline ------------------------------------------------


def test_rolling_z_uses_the_previous_six_periods_only() -> None:
    values = [10, 12, 11, 13, 9, 11, 30]
    z, mean, sd = ind.rolling_z(values)
    base = np.array(values[:6], dtype=float)
    assert mean[6] == pytest.approx(base.mean())
    assert sd[6] == pytest.approx(base.std(ddof=1))
    assert z[6] == pytest.approx((30 - base.mean()) / base.std(ddof=1))
    # The first value has no baseline, the next two too few periods.
    assert np.isnan(z[:3]).all()
    assert not np.isnan(z[3])


def test_rolling_z_window_slides() -> None:
    values = [100, 1, 2, 1, 2, 1, 2, 1.5]
    z, mean, _ = ind.rolling_z(values, window=6)
    assert mean[7] == pytest.approx(np.mean([1, 2, 1, 2, 1, 2]))  # 100 has left the window
    assert abs(z[7]) < 1


def test_flat_baseline_without_a_stand_in_makes_any_change_unusual() -> None:
    z, _, sd = ind.rolling_z([4, 4, 4, 4, 4, 4, 4, 5])
    assert sd[7] == 0
    assert z[6] == 0.0  # the same value again: not unusual
    assert z[7] == math.inf


def test_flat_baseline_with_a_stand_in_spread() -> None:
    z, _, _ = ind.rolling_z([0, 0, 0, 0, 1], flat_sd=1.5)
    assert z[4] == pytest.approx(1 / 1.5)


def test_float_noise_is_not_a_spread() -> None:
    z, _, _ = ind.rolling_z([0.1 + 0.2, 0.3, 0.3, 0.3])
    assert z[3] == 0.0


def test_missing_periods_shorten_the_baseline() -> None:
    values = [5, NAN, NAN, NAN, NAN, 6, 7]
    z, mean, _ = ind.rolling_z(values, window=6, min_periods=3)
    assert np.isnan(z[5]) and np.isnan(z[6])  # only 1 and 2 values in the window
    z, mean, _ = ind.rolling_z(values, window=6, min_periods=2)
    assert mean[6] == pytest.approx(5.5)


def test_noisy_series_raises_no_unusual_alert() -> None:
    rng = np.random.default_rng(3)
    noise = list(np.round(rng.normal(10, 1, 24), 1))
    det = ind.detect(
        long_table({("Team", "escalations"): noise}),
        {"escalations": Threshold("escalations", 100.0)},
    )
    z = det.points["z"].dropna().abs()
    # Pure noise: a few |z| ≥ 2 happen by chance, but most periods are quiet.
    assert (z >= 2).mean() < 0.2
    assert not det.points["over"].any()


def test_an_improvement_is_not_a_warning_unless_asked() -> None:
    table = long_table({("A", "escalations"): [5, 6, 5, 6, 5, 6, 0]})
    lim = {"escalations": Threshold("escalations", 100.0)}
    assert ind.detect(table, lim).warnings.empty
    det = ind.detect(table, lim, Rules(improvements=True))
    assert det.warnings["rules"].tolist() == ["unusual"]


# --- thresholds ----------------------------------------------------------------------------------


def test_default_threshold_is_median_plus_three_mads() -> None:
    values = [1, 2, 2, 3, 3, 3, 4, 4, 5, 40]
    med = np.median(values)
    mad = np.median(np.abs(np.array(values) - med))
    expected = med + 3 * 1.4826 * mad
    assert ind.robust_threshold(values, HIGHER_IS_WORSE) == pytest.approx(expected, abs=0.05)
    assert ind.robust_threshold(values, LOWER_IS_WORSE) == pytest.approx(
        med - 3 * 1.4826 * mad, abs=0.05
    )


def test_threshold_of_a_flat_metric_is_its_value() -> None:
    assert ind.robust_threshold([2, 2, 2, 2], HIGHER_IS_WORSE) == 2
    assert ind.robust_threshold([], HIGHER_IS_WORSE) is None


def test_directions_of_known_and_other_metrics() -> None:
    assert ind.default_direction("escalations") == HIGHER_IS_WORSE
    assert ind.default_direction("quality_delta") == LOWER_IS_WORSE
    assert ind.default_direction("Customer satisfaction") == LOWER_IS_WORSE
    assert ind.default_direction("Risk score") == HIGHER_IS_WORSE
    assert ind.default_direction("Widgets") == HIGHER_IS_WORSE


def test_user_overrides_win_and_a_flipped_direction_rederives_the_default() -> None:
    table = long_table({("A", "nps"): [10, 12, 11, 13, 12, 11]})
    default = ind.thresholds(table)["nps"]
    assert default.direction == LOWER_IS_WORSE and default.value < 11
    mine = ind.thresholds(table, {"nps": {"value": 5.0}})["nps"]
    assert (mine.value, mine.source) == (5.0, "user")
    flipped = ind.thresholds(table, {"nps": {"direction": HIGHER_IS_WORSE}})["nps"]
    assert flipped.direction == HIGHER_IS_WORSE and flipped.value > 13


def test_editing_the_thresholds_table() -> None:
    limits = {
        "escalations": Threshold("escalations", 6.4),
        "nps": Threshold("nps", 8.0, LOWER_IS_WORSE, "user"),
    }
    untouched = [("escalations", HIGHER_IS_WORSE, 6.4), ("nps", LOWER_IS_WORSE, 8.0)]
    assert ind.edit_overrides({"nps": {"value": 8.0}}, limits, untouched) == {"nps": {"value": 8.0}}
    typed = [("escalations", HIGHER_IS_WORSE, 5.0), ("nps", LOWER_IS_WORSE, 8.0)]
    assert ind.edit_overrides({}, limits, typed) == {"escalations": {"value": 5.0}}
    flipped = [("escalations", HIGHER_IS_WORSE, 6.4), ("nps", HIGHER_IS_WORSE, 8.0)]
    assert ind.edit_overrides({"nps": {"value": 8.0}}, limits, flipped) == {
        "nps": {"direction": HIGHER_IS_WORSE}
    }
    cleared = [("escalations", HIGHER_IS_WORSE, None)]
    assert ind.edit_overrides({}, limits, cleared) == {}


# --- series --------------------------------------------------------------------------------------


def test_series_keeps_missing_periods_as_gaps() -> None:
    table = long_table({("A", "risk"): [1, NAN, 3]})
    grid = ind.series(table)
    assert grid["label"].tolist() == ["Jan 2026", "Feb 2026", "Mar 2026"]
    assert np.isnan(grid["value"].iloc[1])


@pytest.mark.parametrize(
    ("dates", "freq"),
    [
        (["2026-01-01", "2026-02-01", "2026-04-01"], "M"),
        (["2026-01-01", "2026-04-01", "2026-10-01"], "Q"),
        (["2026-01-05", "2026-01-12", "2026-01-19"], "W"),
        (["2026-01-31", "2026-02-28", "2026-03-31"], "M"),
        (["2026-03-31", "2026-06-30", "2026-09-30"], "Q"),
    ],
)
def test_frequency_is_inferred(dates: list[str], freq: str) -> None:
    assert ind.infer_frequency(pd.Series(pd.to_datetime(dates))) == freq


# --- warnings ------------------------------------------------------------------------------------


def test_the_warning_says_what_happened_in_words() -> None:
    table = long_table(
        {
            ("Payments", "escalations"): [2, 3, 2, 3, 2, 3, 3, 4, 7, 11],
            ("Platform", "escalations"): [2, 3, 2, 3, 2, 3, 2, 3, 2, 3],
        }
    )
    det = ind.detect(table)
    assert det.warnings["scope"].tolist() == ["Payments"]
    reason = det.warnings["reason"].iloc[0]
    assert reason.startswith(
        "Payments: escalations rose 3 months running, 4 → 7 → 11 (from 3 in Jul 2026)"
    )
    assert "above the threshold" in reason and "standard deviations above" in reason
    row = det.warnings.iloc[0]
    assert row["level"] == "High"
    assert row["severity"] == ind.SEVERITY_OVER + ind.SEVERITY_RISING + ind.SEVERITY_UNUSUAL + 1


def test_a_long_creep_is_summed_up_not_listed() -> None:
    table = long_table({("Data", "risk"): [1.6 + 0.1 * i for i in range(12)]})
    reason = ind.detect(table).warnings["reason"].iloc[0]
    assert reason.startswith(
        "Data: risk rose 11 months running, … 2.4 → 2.5 → 2.6 → 2.7 (from 1.6 in Jan 2026)"
    )


def test_quarterly_and_weekly_data_speak_in_their_own_periods() -> None:
    quarters = long_table(
        {("Ops", "escalations"): [2, 1, 2, 1, 3, 5, 8]}, start="2025-01", freq="QS"
    )
    reason = ind.detect(quarters).warnings["reason"].iloc[0]
    assert reason.startswith(
        "Ops: escalations rose 3 quarters running, 3 → 5 → 8 (from 1 in Q4 2025)"
    )
    weeks = long_table(
        {("Ops", "escalations"): [2, 1, 2, 1, 3, 5, 8]}, start="2026-01-05", freq="7D"
    )
    reason = ind.detect(weeks).warnings["reason"].iloc[0]
    assert "rose 3 weeks running" in reason and "(from 1 in week of 26 Jan 2026)" in reason


def test_warnings_are_ranked_by_severity_and_only_open_ones_count() -> None:
    table = long_table(
        {
            ("A", "escalations"): [1, 1, 2, 1, 1, 2, 1, 9],  # over + unusual
            ("B", "escalations"): [1, 1, 2, 1, 2, 3, 4, 5],  # rising (4 running)
            ("C", "escalations"): [1, 1, 2, 1, 1, 9, 1, 1],  # alert in the past only
        }
    )
    det = ind.detect(table, {"escalations": Threshold("escalations", 6.0)})
    assert det.warnings["scope"].tolist() == ["A", "B"]
    assert det.warnings["severity"].is_monotonic_decreasing
    assert det.points.query("scope == 'C'")["alert"].any()


def test_lower_is_worse_metrics_fall_into_warnings() -> None:
    table = long_table({("Payments", "quality_delta"): [0.2, -0.1, 0.3, 0.0, 0.1, -1, -2, -4]})
    det = ind.detect(table, {"quality_delta": Threshold("quality_delta", -2.5, LOWER_IS_WORSE)})
    reason = det.warnings["reason"].iloc[0]
    assert "quality delta fell 3 months running, -1 → -2 → -4" in reason
    assert "below the threshold of -2.5" in reason


def test_empty_and_single_value_tables() -> None:
    empty = pd.DataFrame(columns=["period", "scope", "metric", "value"])
    det = ind.detect(empty)
    assert det.points.empty and det.warnings.empty
    det = ind.detect(long_table({("A", "risk"): [3]}))
    assert det.warnings.empty
    assert det.thresholds["risk"].value == 3


# --- risk index ----------------------------------------------------------------------------------


def _initiatives() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["P-1", "P-2", "P-3"],
            "name": ["Ledger", "Portal", "Chatbot"],
            "team": ["Payments", "Apps", "Apps"],
        }
    )


def _summary(**overrides) -> pd.DataFrame:
    base = {
        "initiative_id": ["P-1", "P-2", "P-3"],
        "n": pd.array([20, 12, pd.NA], dtype="Int64"),
        "score": [50.0, 60.0, np.nan],
        "rwg": [0.9, 0.35, np.nan],
        "polarised": pd.array([False, False, pd.NA], dtype="boolean"),
        "polarised_tech": pd.array([False, False, pd.NA], dtype="boolean"),
        "polarised_business": pd.array([False, False, pd.NA], dtype="boolean"),
        "polarised_groups": ["", "", ""],
        "gap": [10.0, 40.0, np.nan],
        "clear": pd.array([True, False, pd.NA], dtype="boolean"),
        "masked": [False, False, True],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def test_risk_index_combines_the_parts_with_the_weights() -> None:
    det = ind.detect(long_table({("Payments", "escalations"): [2, 3, 2, 3, 2, 3, 4, 7, 11]}))
    weights = ind.Weights(indicators=2, gap=1, agreement=1)
    risk = ind.risk_index(det, _summary(), _initiatives(), weights, k_min=3)
    p1 = risk.initiatives.set_index("initiative_id").loc["P-1"]
    severity = det.warnings["severity"].iloc[0] / ind.SEVERITY_MAX
    assert p1["indicator_part"] == pytest.approx(100 * severity)
    assert p1["gap_part"] == pytest.approx(100 * 10 / 40)
    assert p1["agreement_part"] == 0
    assert p1["index"] == pytest.approx(100 * (2 * severity + 10 / 40) / 4)
    p2 = risk.initiatives.set_index("initiative_id").loc["P-2"]
    assert p2["gap_part"] == pytest.approx(100 * 1.0 / 2)  # unclear gap counts half
    assert p2["agreement_part"] == pytest.approx(100 * (0.70 - 0.35) / 0.70)


def test_masked_alignment_stays_unknown_and_is_named() -> None:
    det = ind.detect(long_table({("Apps", "escalations"): [1, 2, 1, 2]}))
    risk = ind.risk_index(det, _summary(), _initiatives(), k_min=3)
    p3 = risk.initiatives.set_index("initiative_id").loc["P-3"]
    assert pd.isna(p3["n"]) and pd.isna(p3["gap_part"]) and pd.isna(p3["agreement_part"])
    assert "hidden (fewer than 3 respondents)" in p3["unknown"]
    assert p3["index"] == 0  # nothing known is bad ...
    assert p3["index_max"] == pytest.approx(100 * (0.35 + 0.25) / 1.0)  # ... but it could be
    # A masked row with figures left in by mistake must not leak into the index.
    leaky = _summary(gap=[10.0, 40.0, 45.0], rwg=[0.9, 0.35, 0.1])
    p3 = (
        ind.risk_index(det, leaky, _initiatives(), k_min=3)
        .initiatives.set_index("initiative_id")
        .loc["P-3"]
    )
    assert p3["index"] == 0 and pd.isna(p3["gap_part"])


def test_team_index_uses_only_shown_initiatives_and_loose_scopes() -> None:
    det = ind.detect(
        long_table({("Apps", "escalations"): [1, 2, 1, 2], ("Legal", "escalations"): [1, 2, 1, 2]})
    )
    risk = ind.risk_index(det, _summary(), _initiatives(), k_min=3)
    teams = risk.teams.set_index("team")
    assert teams.loc["Apps", "alignment_known"] == "1 of 2"
    assert teams.loc["Apps", "gap_part"] == pytest.approx(100 * 0.5)  # P-2 only
    assert teams.loc["Apps", "n_range"] == "12"
    assert "Legal" in teams.index and "unknown" in teams.columns
    assert any("Legal" in n for n in risk.notes)
    assert "indicators: no series" in teams.loc["Payments", "unknown"]


def test_polarised_room_counts_in_full() -> None:
    summary = _summary(polarised_groups=["", "Sales", ""])
    det = ind.detect(long_table({("Apps", "escalations"): [1, 2, 1, 2]}))
    risk = ind.risk_index(det, summary, _initiatives(), k_min=3)
    assert risk.initiatives.set_index("initiative_id").loc["P-2", "agreement_part"] == 100


def test_contributions_add_up_to_the_index_range() -> None:
    det = ind.detect(long_table({("Payments", "escalations"): [2, 3, 2, 3, 2, 3, 4, 7, 11]}))
    risk = ind.risk_index(det, _summary(), _initiatives(), k_min=3)
    parts = ind.contributions(risk.initiatives, risk.weights, risk.initiatives["initiative_id"])
    sums = parts.groupby("item")["points"].sum()
    top = risk.initiatives.set_index("initiative_id")["index_max"]
    assert sums.to_dict() == pytest.approx(top[sums.index].to_dict())


def test_zero_weights_give_no_index() -> None:
    det = ind.detect(long_table({("Payments", "escalations"): [1, 2]}))
    risk = ind.risk_index(det, _summary(), _initiatives(), ind.Weights(0, 0, 0))
    assert risk.initiatives["index"].isna().all()
    assert risk.notes


# --- charts --------------------------------------------------------------------------------------


def test_small_multiples_have_a_threshold_line_and_alert_legend_in_words() -> None:
    table = long_table(
        {("A very long team name that will not fit", "escalations"): [1, 2, 1, 2, 1, 2, 3, 5, 9]}
    )
    det = ind.detect(table)
    spec = charts.small_multiples(det.points, det.thresholds["escalations"]).to_dict()
    text = str(spec)
    assert "threshold" in text and "strokeDash" in text
    assert "Over threshold" in text and "Several rules" in text
    values = next(iter(spec["datasets"].values()))
    assert {v["scope_label"] for v in values} == {"A very long team name tha…"}
    assert {v["scope"] for v in values} == {"A very long team name that will not fit"}


def test_risk_bars_show_the_unknown_part() -> None:
    det = ind.detect(long_table({("Apps", "escalations"): [1, 2, 1, 2]}))
    risk = ind.risk_index(det, _summary(), _initiatives(), k_min=3)
    parts = ind.contributions(risk.initiatives, risk.weights, risk.initiatives["name"])
    spec = charts.risk_bars(parts).to_dict()
    assert "Unknown (could add up to)" in str(spec)
