"""Leading misalignment indicators: thresholds, three detection rules, early warnings, risk index.

Step 4 of the seven (leading indicators, in ``alignment/assessment/assessment.yaml``): do not wait
for a release to find out that a team drifted; watch escalations, risk and output-quality deltas
every month and act on the first signs. This module turns the long
indicators table (``period, scope, metric, value``; the importer already reshapes wide input) into

- one regular time series per metric × scope (a missing period stays a gap, never a zero);
- a threshold per metric with a direction ("higher is worse" or "lower is worse"), with a default
  taken from the data's own distribution that the user can change;
- three detection rules, each a small function tested on hand-made series:
  **over threshold**, **worsening N periods running** (default ``RISING_PERIODS``) and
  **unusual against the rolling baseline** (z-score over the previous ``BASELINE_PERIODS``
  periods, default |z| ≥ ``Z_MIN``; the numbers are in ``alignment.constants``);
- an early-warning table, one row per series whose latest period trips a rule, ranked by
  severity, with the reason in words;
- a misalignment risk index per initiative and per team that adds the alignment gap and low
  agreement from ``scoring``'s masked summary; masked figures stay unknown, never zero.

Everything here is plain pandas: no Streamlit, so the CLI, the pages and the tests share it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from alignment import constants, schema
from alignment.constants import (
    AGREEMENT_TEXT,
    AGREEMENT_THRESHOLD,
    BASELINE_PERIODS,
    DEFAULT_MADS,
    LEVEL_HIGH,
    LEVEL_MEDIUM,
    MAD_SCALE,
    MIN_BASELINE,
    RISING_PERIODS,
    RISK_GAP_FULL,
    RISK_WEIGHT_AGREEMENT,
    RISK_WEIGHT_GAP,
    RISK_WEIGHT_INDICATORS,
    SEVERITY_LONG_RUN,
    SEVERITY_OVER,
    SEVERITY_RISING,
    SEVERITY_STRONG_Z,
    SEVERITY_UNUSUAL,
    Z_MIN,
)

HIGHER_IS_WORSE = "higher_is_worse"
LOWER_IS_WORSE = "lower_is_worse"
DIRECTIONS = (HIGHER_IS_WORSE, LOWER_IS_WORSE)
DIRECTION_LABELS = {HIGHER_IS_WORSE: "Higher is worse", LOWER_IS_WORSE: "Lower is worse"}

# The three leading indicators the workbench knows by name; quality_delta is "this month's output
# quality minus last month's", so a negative delta is the bad news.
KNOWN_DIRECTIONS = {
    "escalations": HIGHER_IS_WORSE,
    "risk": HIGHER_IS_WORSE,
    "quality_delta": LOWER_IS_WORSE,
}
METRIC_LABELS = {"escalations": "escalations", "risk": "risk", "quality_delta": "quality delta"}
# Words in a metric's name that say which way is bad, for metrics the schema does not know.
# Checked in this order: a "risk score" is a risk before it is a score.
_WORSE_WHEN_HIGH = (
    "escalat",
    "incident",
    "defect",
    "bug",
    "risk",
    "churn",
    "attrition",
    "turnover",
    "complaint",
    "ticket",
    "outage",
    "downtime",
    "error",
    "fail",
    "latency",
    "lead time",
    "cycle time",
    "overdue",
    "late",
    "delay",
    "block",
    "cost",
    "backlog",
    "debt",
    "rollback",
    "sick",
    "absence",
)
_WORSE_WHEN_LOW = (
    "quality",
    "satisfaction",
    "nps",
    "csat",
    "uptime",
    "availability",
    "coverage",
    "retention",
    "engagement",
    "velocity",
    "throughput",
    "morale",
    "trust",
    "alignment",
    "adoption",
    "revenue",
    "margin",
    "conversion",
    "on time",
    "score",
    "delta",
)

# Robust default threshold: median ± DEFAULT_MADS scaled MADs of all the metric's values (every
# scope and period). The median and MAD are barely moved by the outliers they are meant to
# catch, unlike a mean and standard deviation; MAD_SCALE × MAD estimates σ for normal data, so
# "3 MADs" is the usual three-sigma line. (The numbers are in alignment.constants.)
SEVERITY_MAX = SEVERITY_OVER + SEVERITY_RISING + 1 + SEVERITY_UNUSUAL + 1
SHOWN_STEPS = 4  # values of a worsening run written out in a warning; longer runs start "…"

_FREQ_UNITS = {"M": "month", "Q": "quarter", "W": "week", "D": "day"}


# --- thresholds --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    """Where a metric turns from noise into a warning, and which side of it is bad.

    ``value`` is None when the metric has no usable values (nothing to derive a default from and
    no user value); the over-threshold rule then never fires for it.
    """

    metric: str
    value: float | None
    direction: str = HIGHER_IS_WORSE
    source: str = "data"  # "data": the robust default; "user": set on the page

    @property
    def higher_is_worse(self) -> bool:
        return self.direction == HIGHER_IS_WORSE

    def describe(self) -> str:
        if self.value is None:
            return "no threshold (no values to derive one from)"
        side = "above" if self.higher_is_worse else "below"
        how = "your value" if self.source == "user" else "median ± 3 MADs of the data"
        return f"warn {side} {fmt(self.value)} ({how})"


def metric_label(metric: str) -> str:
    """How a metric is named in sentences: the schema's metrics in words, others as given."""
    return METRIC_LABELS.get(metric, str(metric))


def default_direction(metric: str) -> str:
    """Which way is bad for a metric: these three are known, others guessed from words.

    The guess only sets the starting point; the page lets the user flip it. Unknown words
    default to "higher is worse" because most leading indicators count bad things.
    """
    if metric in KNOWN_DIRECTIONS:
        return KNOWN_DIRECTIONS[metric]
    name = str(metric).casefold().replace("_", " ")
    if any(w in name for w in _WORSE_WHEN_HIGH):
        return HIGHER_IS_WORSE
    if any(w in name for w in _WORSE_WHEN_LOW):
        return LOWER_IS_WORSE
    return HIGHER_IS_WORSE


def robust_threshold(
    values: Iterable[float], direction: str, mads: float = DEFAULT_MADS
) -> float | None:
    """median + mads × ``MAD_SCALE`` × MAD (or minus, when lower is worse), rounded to 2 significant
    figures so it reads as a number a person would have chosen.

    When more than half the values are equal the MAD is 0; the standard deviation stands in,
    and when that is 0 too (a perfectly flat metric) the threshold is the flat value itself, so
    any move in the bad direction crosses it.
    """
    arr = _clean(values)
    if arr.size == 0:
        return None
    med = float(np.median(arr))
    spread = robust_spread(arr)
    sign = 1.0 if direction == HIGHER_IS_WORSE else -1.0
    if spread == 0:
        return med
    # Two significant figures of the margin: 6.4 rather than 6.4478, without moving the line
    # by more than a few percent of the margin.
    margin = mads * spread
    decimals = max(0, 1 - math.floor(math.log10(margin)))
    return round(med + sign * margin, decimals)


def robust_spread(values: Iterable[float]) -> float:
    """``MAD_SCALE`` × the median absolute deviation (σ for normal data, robust to outliers); the
    standard deviation when more than half the values are equal (MAD 0); 0 for one value."""
    arr = _clean(values)
    if arr.size < 2:
        return 0.0
    spread = MAD_SCALE * float(np.median(np.abs(arr - np.median(arr))))
    return spread if spread > 0 else float(np.std(arr, ddof=1))


def _clean(values: Iterable[float]) -> np.ndarray:
    arr = np.asarray([v for v in values if v is not None and not _isnan(v)], dtype=float)
    return arr[np.isfinite(arr)]


def thresholds(
    indicators: pd.DataFrame, overrides: Mapping[str, Mapping[str, object]] | None = None
) -> dict[str, Threshold]:
    """One threshold per metric in the data: the robust default, then the user's overrides.

    ``overrides`` maps a metric to ``{"direction": ..., "value": ...}`` (either key optional; a
    value of None keeps the default). A changed direction without a value re-derives the default
    on the other side of the median, so flipping the direction never leaves a nonsense line.
    """
    overrides = overrides or {}
    out: dict[str, Threshold] = {}
    for metric in sorted(pd.unique(indicators["metric"].dropna()), key=_metric_order):
        values = indicators.loc[indicators["metric"] == metric, "value"].astype(float)
        wish = overrides.get(metric, {})
        direction = str(wish.get("direction") or default_direction(metric))
        if direction not in DIRECTIONS:
            direction = default_direction(metric)
        user_value = wish.get("value")
        if user_value is not None and not _isnan(user_value):
            out[metric] = Threshold(metric, float(user_value), direction, "user")
        else:
            out[metric] = Threshold(metric, robust_threshold(values, direction), direction)
    return out


def edit_overrides(
    overrides: Mapping[str, Mapping[str, object]],
    limits: Mapping[str, Threshold],
    edits: Iterable[tuple[str, str, float | None]],
) -> dict[str, dict]:
    """The user's overrides after editing the thresholds table.

    ``edits`` are ``(metric, direction, threshold)`` rows as the editor returns them. A changed
    direction replaces the metric's override with the direction alone (the default re-derives on
    the other side of the median: the old number would sit on the wrong side); a changed number
    is kept as the user's value; an untouched row keeps what it had.
    """
    out = {m: dict(v) for m, v in overrides.items()}
    for metric, direction, value in edits:
        old = limits.get(metric)
        if old is None:
            continue
        if direction != old.direction:
            out[metric] = {"direction": direction}
        elif (
            value is not None
            and not _isnan(value)
            and (old.value is None or abs(float(value) - old.value) > 1e-12)
        ):
            out[metric] = {**out.get(metric, {}), "value": float(value)}
    return out


# --- series ------------------------------------------------------------------------------------


def infer_frequency(periods: pd.Series) -> str:
    """ "M", "Q", "W" or "D": the step between the periods a table reports.

    Month starts whose distinct months are all quarter starts and at least three months apart
    are quarters; other month starts are months. Arbitrary dates go by the median gap between
    distinct dates (≥ 80 days: quarters, ≥ 25: months, ≥ 6: weeks, else days).
    """
    dates = pd.to_datetime(pd.Series(periods)).dropna().drop_duplicates().sort_values()
    if dates.empty:
        return "M"
    if (dates.dt.day == 1).all():
        months = dates.dt.year * 12 + dates.dt.month
        steps = months.diff().dropna()
        if (
            dates.dt.month.isin([1, 4, 7, 10]).all()
            and len(steps)
            and (steps >= 3).all()
            and (steps % 3 == 0).all()
        ):
            return "Q"
        return "M"
    if len(dates) < 2:
        return "D"
    gap = float(dates.diff().dropna().dt.days.median())
    if gap >= 80:
        return "Q"
    if gap >= 25:
        return "M"
    return "W" if gap >= 6 else "D"


def period_label(start: pd.Timestamp, freq: str) -> str:
    """A period as people say it: 'Aug 2026', 'Q3 2026', 'week of 3 Aug 2026', '3 Aug 2026'."""
    if freq == "Q":
        return f"Q{start.quarter} {start.year}"
    if freq == "M":
        return start.strftime("%b %Y")
    day = f"{start.day} {start.strftime('%b %Y')}"
    return f"week of {day}" if freq == "W" else day


def unit(freq: str, count: int = 2) -> str:
    word = _FREQ_UNITS.get(freq, "period")
    return word if count == 1 else f"{word}s"


def series(indicators: pd.DataFrame, freq: str | None = None) -> pd.DataFrame:
    """Every metric × scope on a regular grid from its first to its last period.

    Returns ``metric, scope, period, label, value``; a period the series skipped is a row with
    a missing value, so "N periods running" and "the previous 6 periods" count real time, not
    rows. Two readings in one period (e.g. two dates in a month) keep the last one.
    """
    cols = ["metric", "scope", "period", "label", "value"]
    data = indicators.dropna(subset=["period", "metric"])
    if data.empty:
        return pd.DataFrame(columns=cols)
    freq = freq or infer_frequency(data["period"])
    data = data.assign(
        _p=pd.to_datetime(data["period"]).dt.to_period(freq),
        scope=data["scope"].astype(object).where(data["scope"].notna(), "All").astype(str),
        value=pd.to_numeric(data["value"], errors="coerce"),
    ).sort_values("period", kind="stable")
    pieces = []
    for (metric, scope), g in data.groupby(["metric", "scope"], sort=False):
        values = g.groupby("_p")["value"].last()
        grid = pd.period_range(values.index.min(), values.index.max(), freq=freq)
        values = values.reindex(grid)
        starts = grid.to_timestamp(how="start")
        pieces.append(
            pd.DataFrame(
                {
                    "metric": metric,
                    "scope": scope,
                    "period": starts,
                    "label": [period_label(s, freq) for s in starts],
                    "value": values.to_numpy(float),
                }
            )
        )
    out = pd.concat(pieces, ignore_index=True)
    out["_order"] = out["metric"].map(_metric_order)
    out = out.sort_values(["_order", "scope", "period"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True)[cols]


# --- the three rules, on one series ------------------------------------------------------------


def over_threshold(
    values: Iterable[float], threshold: float | None, direction: str = HIGHER_IS_WORSE
) -> np.ndarray:
    """Rule 1: the value is past the threshold on the bad side (strictly); missing → False."""
    arr = np.asarray(list(values), dtype=float)
    if threshold is None or _isnan(threshold):
        return np.zeros(arr.size, dtype=bool)
    with np.errstate(invalid="ignore"):
        hit = arr > threshold if direction == HIGHER_IS_WORSE else arr < threshold
    return hit & ~np.isnan(arr)


def worsening_run(values: Iterable[float], direction: str = HIGHER_IS_WORSE) -> np.ndarray:
    """Rule 2's count: how many periods running the value got worse, ending at each period.

    "Worse" is a strict rise (or fall, when lower is worse) from the period just before; an
    equal value, a missing period or a move the good way ends the run. So 3 → 4 → 7 → 11 gives
    runs 0, 1, 2, 3: at 11 the metric has worsened 3 periods running.
    """
    arr = np.asarray(list(values), dtype=float)
    run = np.zeros(arr.size, dtype=int)
    for i in range(1, arr.size):
        prev, cur = arr[i - 1], arr[i]
        if np.isnan(prev) or np.isnan(cur):
            continue
        worse = cur > prev if direction == HIGHER_IS_WORSE else cur < prev
        run[i] = run[i - 1] + 1 if worse else 0
    return run


def rolling_z(
    values: Iterable[float],
    window: int = BASELINE_PERIODS,
    min_periods: int = MIN_BASELINE,
    flat_sd: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rule 3's score: z of each value against the ``window`` periods before it.

    Returns ``(z, baseline_mean, baseline_sd)``. The baseline is the mean and sample standard
    deviation of the values observed in the previous ``window`` periods (missing periods are
    skipped, so a gap shortens the baseline instead of reading as zero); with fewer than
    ``min_periods`` of them z is NaN. A flat baseline (sd 0) has no spread to measure a move
    against: ``flat_sd`` stands in when given and positive (``detect`` passes the metric's
    usual spread across all scopes, so 0, 0, 0 → 1 escalation is not a 4-sigma event);
    without it z is 0 when the value equals the baseline and ±inf when it departs from it.
    """
    arr = np.asarray(list(values), dtype=float)
    s = pd.Series(arr)
    prev = s.shift(1).rolling(window, min_periods=min_periods)
    mean = prev.mean().to_numpy(float)
    sd = prev.std(ddof=1).to_numpy(float)
    diff = arr - mean
    # Float noise in a "flat" baseline (e.g. 0.1 + 0.2) must not read as a real spread.
    sd = np.where(sd < 1e-9 * np.maximum(1.0, np.abs(mean)), 0.0, sd)
    flat = flat_sd if flat_sd is not None and flat_sd > 0 else None
    with np.errstate(divide="ignore", invalid="ignore"):
        if flat is None:
            fallback = np.where(np.abs(diff) < 1e-9, 0.0, np.sign(diff) * np.inf)
        else:
            fallback = diff / flat
        z = np.where(sd > 0, diff / sd, fallback)
    z = np.where(np.isnan(mean) | np.isnan(arr), np.nan, z)
    return z, mean, sd


@dataclass(frozen=True)
class Rules:
    """The detection settings the Indicators page exposes, with their defaults."""

    rising_periods: int = RISING_PERIODS
    baseline_periods: int = BASELINE_PERIODS
    z_min: float = Z_MIN
    min_baseline: int = MIN_BASELINE
    # A deviation the good way (escalations dropping sharply) is not a warning by default.
    improvements: bool = False

    def __post_init__(self) -> None:
        if self.rising_periods < 1 or self.baseline_periods < 2 or self.z_min <= 0:
            raise ValueError("rising_periods ≥ 1, baseline_periods ≥ 2 and z_min > 0 are needed")
        if not 2 <= self.min_baseline <= self.baseline_periods:
            object.__setattr__(
                self, "min_baseline", max(2, min(self.min_baseline, self.baseline_periods))
            )


# --- detection over the whole table ------------------------------------------------------------


@dataclass(frozen=True)
class Detection:
    """Every point with its flags (for the charts), and the warnings (for the table)."""

    points: pd.DataFrame
    warnings: pd.DataFrame
    thresholds: dict[str, Threshold]
    rules: Rules
    freq: str

    @property
    def scopes(self) -> list[str]:
        return sorted(pd.unique(self.points["scope"])) if not self.points.empty else []


POINT_COLUMNS = [
    "metric",
    "scope",
    "period",
    "label",
    "value",
    "threshold",
    "direction",
    "over",
    "run",
    "rising",
    "z",
    "baseline_mean",
    "baseline_sd",
    "unusual",
    "alert",
    "rules",
]
WARNING_COLUMNS = [
    "severity",
    "level",
    "scope",
    "metric",
    "metric_label",
    "period",
    "label",
    "value",
    "threshold",
    "rules",
    "reason",
]


def detect(
    indicators: pd.DataFrame,
    limits: Mapping[str, Threshold] | None = None,
    rules: Rules | None = None,
) -> Detection:
    """Run the three rules on every series; the warnings are the series whose latest observed
    period trips at least one rule (an alert that has since cleared is history, not a warning).
    """
    rules = rules or Rules()
    limits = dict(limits) if limits is not None else thresholds(indicators)
    data = indicators.dropna(subset=["period", "metric"])
    freq = infer_frequency(data["period"]) if not data.empty else "M"
    grid = series(indicators, freq)
    if grid.empty:
        return Detection(
            pd.DataFrame(columns=POINT_COLUMNS),
            pd.DataFrame(columns=WARNING_COLUMNS),
            limits,
            rules,
            freq,
        )
    spreads = {m: robust_spread(g["value"]) for m, g in grid.groupby("metric", sort=False)}
    parts = []
    for (metric, _scope), g in grid.groupby(["metric", "scope"], sort=False):
        limit = limits.get(metric) or Threshold(metric, None, default_direction(metric))
        v = g["value"].to_numpy(float)
        over = over_threshold(v, limit.value, limit.direction)
        run = worsening_run(v, limit.direction)
        z, mean, sd = rolling_z(
            v, rules.baseline_periods, rules.min_baseline, flat_sd=spreads.get(metric)
        )
        sign = 1.0 if limit.higher_is_worse else -1.0
        with np.errstate(invalid="ignore"):
            unusual = np.abs(z) >= rules.z_min
            if not rules.improvements:
                unusual &= sign * z > 0
        unusual &= ~np.isnan(z)
        rising = run >= rules.rising_periods
        parts.append(
            g.assign(
                threshold=limit.value,
                direction=limit.direction,
                over=over,
                run=run,
                rising=rising,
                z=z,
                baseline_mean=mean,
                baseline_sd=sd,
                unusual=unusual,
            )
        )
    points = pd.concat(parts, ignore_index=True)
    points["alert"] = points["over"] | points["rising"] | points["unusual"]
    points["rules"] = _rule_names(points)
    points = points[POINT_COLUMNS]
    return Detection(points, _warnings(points, rules, freq), limits, rules, freq)


def _rule_names(points: pd.DataFrame) -> pd.Series:
    words = (("over", "over threshold"), ("rising", "worsening"), ("unusual", "unusual"))
    flags = zip(*(points[c].to_numpy(bool) for c, _ in words), strict=True)
    return pd.Series(
        [", ".join(w for (_, w), on in zip(words, f, strict=True) if on) for f in flags],
        index=points.index,
        dtype=object,
    )


def _warnings(points: pd.DataFrame, rules: Rules, freq: str) -> pd.DataFrame:
    rows = []
    for (metric, scope), g in points.groupby(["metric", "scope"], sort=False):
        observed = g[g["value"].notna()]
        if observed.empty:
            continue
        last = observed.iloc[-1]
        if not last["alert"]:
            continue
        severity, sentences = 0, []
        if last["rising"]:
            run = int(last["run"])
            long_run = run >= rules.rising_periods + SEVERITY_LONG_RUN
            severity += SEVERITY_RISING + (1 if long_run else 0)
            pos = g.index.get_loc(last.name)
            values = g["value"].to_numpy(float)[pos - run : pos + 1]
            labels = g["label"].to_numpy()[pos - run : pos + 1]
            verb = "rose" if last["direction"] == HIGHER_IS_WORSE else "fell"
            steps = " → ".join(fmt(x) for x in values[1:][-SHOWN_STEPS:])
            if run > SHOWN_STEPS:  # a long creep: the start, then the latest steps
                steps = f"… {steps}"
            sentences.append(
                f"{metric_label(metric)} {verb} {run} {unit(freq, run)} running, {steps} "
                f"(from {fmt(values[0])} in {labels[0]})"
            )
        if last["over"]:
            severity += SEVERITY_OVER
            side = "above" if last["direction"] == HIGHER_IS_WORSE else "below"
            lead = "" if sentences else f"{metric_label(metric)} "
            sentences.append(
                f"{lead}{fmt(last['value'])} in {last['label']} is {side} the "
                f"threshold of {fmt(last['threshold'])}"
            )
        if last["unusual"]:
            z = float(last["z"])
            severity += SEVERITY_UNUSUAL + (1 if abs(z) >= SEVERITY_STRONG_Z else 0)
            lead = "" if sentences else f"{metric_label(metric)} "
            n_base = int(
                g["value"]
                .iloc[
                    max(0, g.index.get_loc(last.name) - rules.baseline_periods) : g.index.get_loc(
                        last.name
                    )
                ]
                .notna()
                .sum()
            )
            span = f"the previous {n_base} {unit(freq, n_base)}"
            if math.isinf(z):
                sentences.append(
                    f"{lead}{fmt(last['value'])} breaks a flat run at "
                    f"{fmt(last['baseline_mean'])} over {span}"
                )
            else:
                way = "above" if z > 0 else "below"
                sentences.append(
                    f"{lead}{fmt(last['value'])} is {abs(z):.1f} standard "
                    f"deviations {way} its usual level ({fmt(last['baseline_mean'])}"
                    f" on average over {span})"
                )
        rows.append(
            {
                "severity": severity,
                "scope": scope,
                "metric": metric,
                "metric_label": metric_label(metric),
                "period": last["period"],
                "label": last["label"],
                "value": float(last["value"]),
                "threshold": last["threshold"],
                "rules": last["rules"],
                "reason": f"{scope}: " + "; ".join(sentences) + ".",
                "_z": abs(float(last["z"])) if not _isnan(last["z"]) else 0.0,
            }
        )
    if not rows:
        return pd.DataFrame(columns=WARNING_COLUMNS)
    out = pd.DataFrame(rows)
    out["level"] = np.select(
        [out["severity"] >= LEVEL_HIGH, out["severity"] >= LEVEL_MEDIUM], ["High", "Medium"], "Low"
    )
    out = out.sort_values(
        ["severity", "_z", "scope", "metric"], ascending=[False, False, True, True], kind="stable"
    )
    return out[WARNING_COLUMNS].reset_index(drop=True)


# --- misalignment risk index ---------------------------------------------------------------------


@dataclass(frozen=True)
class Weights:
    """How much each part counts in the risk index; only their ratios matter."""

    indicators: float = RISK_WEIGHT_INDICATORS
    gap: float = RISK_WEIGHT_GAP
    agreement: float = RISK_WEIGHT_AGREEMENT

    @property
    def total(self) -> float:
        return self.indicators + self.gap + self.agreement


GAP_FULL = RISK_GAP_FULL  # an overall tech-business gap this large (of 100) counts in full


@dataclass(frozen=True)
class RiskIndex:
    initiatives: pd.DataFrame
    teams: pd.DataFrame
    weights: Weights
    notes: tuple[str, ...] = field(default=())


def gap_part(gap: pd.Series, clear: pd.Series) -> pd.Series:
    """|gap| / ``GAP_FULL`` points, capped at 1; halved when its 95 % interval contains 0 (as in
    ``scoring.misalignment``: a gap we are not sure of counts, but less). NaN stays NaN."""
    share = (gap.astype(float).abs() / GAP_FULL).clip(upper=1.0)
    sure = clear.astype("boolean").fillna(False).astype(bool)
    return share.where(sure, share / 2)


def agreement_part(rwg: pd.Series, polarised: pd.Series) -> pd.Series:
    """1 for a polarised room (two camps); otherwise how far r_wg falls short of the
    ``AGREEMENT_THRESHOLD`` that means "the group agrees", as a share of it:
    (threshold − r_wg) / threshold, clipped to [0, 1].
    Unknown (NaN) when r_wg is unknown and nothing is known to be polarised."""
    short = ((AGREEMENT_THRESHOLD - rwg.astype(float)) / AGREEMENT_THRESHOLD).clip(0.0, 1.0)
    polar = polarised.astype("boolean").fillna(False).astype(bool)
    return short.where(~polar, 1.0)


def risk_index(
    detection: Detection,
    summary: pd.DataFrame,
    initiatives: pd.DataFrame,
    weights: Weights | None = None,
    *,
    k_min: int | None = None,
) -> RiskIndex:
    """Combine indicator alerts with the alignment gap and low agreement, per initiative and team.

    Parts, each 0–1 then shown 0–100:

    - **indicators**: the highest severity among the open warnings on the initiative's own scope
      or its team's, divided by the highest severity possible;
    - **gap**: ``gap_part`` of the initiative's overall tech − business gap;
    - **agreement**: ``agreement_part`` of its overall r_wg and polarisation (overall, per side
      or per group).

    index = 100 × Σ (weight × part) / Σ weights, over the parts that are known. A part that is
    unknown (no indicator series, no feedback, or a figure hidden under k_min) adds nothing and
    is named; ``index_max`` is what the index would be if every unknown part were at its worst,
    so the true value lies between the two. Masked figures arrive as NaN from ``scoring`` and
    are never read as zeros. A team's alignment parts are the mean over its initiatives whose
    parts are known (only shown figures, so nothing hidden can be recovered from the mean).
    """
    weights = weights or Weights()
    total = weights.total
    notes: list[str] = []
    if total <= 0:
        notes.append("All weights are zero, so there is no index to compute.")
    by_key = _severity_by_scope(detection)
    known_scopes = {schema.fold_key(s) for s in detection.scopes}
    init = (
        initiatives[["id", "name", "team"]].copy()
        if not initiatives.empty
        else pd.DataFrame(columns=["id", "name", "team"])
    )
    init["team"] = init["team"].astype(object).where(init["team"].notna(), "")
    summ = summary.set_index("initiative_id") if not summary.empty else pd.DataFrame()
    rows = []
    for ident, name, team in zip(init["id"], init["name"], init["team"], strict=False):
        keys = [schema.fold_key(ident), schema.fold_key(name)]
        team_key = schema.fold_key(team) if team else ""
        own = max((by_key[k][0] for k in keys if k in by_key), default=0)
        from_team = by_key[team_key][0] if team_key in by_key else 0
        alerts = sorted({a for k in [*keys, team_key] if k in by_key for a in by_key[k][1]})
        has_series = any(k in known_scopes for k in keys) or team_key in known_scopes
        ind = max(own, from_team) / SEVERITY_MAX if has_series else np.nan
        s = summ.loc[ident] if ident in summ.index else None
        unknown = [] if has_series else ["indicators: no series for this initiative or its team"]
        n = pd.NA
        if s is None:
            gap_v = agr_v = np.nan
            unknown.append("alignment: no feedback on this initiative")
        else:
            n = s["n"]
            polar = _polar(s)
            gap_v = float(gap_part(pd.Series([s["gap"]]), pd.Series([s["clear"]]))[0])
            agr_v = float(
                agreement_part(pd.Series([s["rwg"]]), pd.Series([polar], dtype="boolean"))[0]
            )
            if bool(s.get("masked", False)):
                unknown.append(
                    f"alignment: hidden (fewer than {k_min or 'k_min'} respondents)"
                    if k_min
                    else "alignment: hidden (too few respondents)"
                )
                gap_v = agr_v = np.nan
            else:
                if _isnan(gap_v):
                    unknown.append("gap: a side has too few respondents to show")
                if _isnan(agr_v):
                    unknown.append("agreement: needs at least 2 respondents")
        rows.append(
            {
                "initiative_id": ident,
                "name": name,
                "team": team,
                "n": n,
                "indicator_part": ind,
                "gap_part": gap_v,
                "agreement_part": agr_v,
                "alerts": "; ".join(alerts),
                "unknown": "; ".join(unknown),
            }
        )
    per_init = pd.DataFrame(
        rows,
        columns=[
            "initiative_id",
            "name",
            "team",
            "n",
            "indicator_part",
            "gap_part",
            "agreement_part",
            "alerts",
            "unknown",
        ],
    )
    per_init["n"] = per_init["n"].astype("Int64")
    per_init = _score(per_init, weights)
    per_team = _teams(per_init, detection, by_key, init, weights)
    matched = {schema.fold_key(x) for x in [*init["id"], *init["name"], *init["team"]] if x}
    loose = [s for s in detection.scopes if schema.fold_key(s) not in matched]
    if loose and not init.empty:
        notes.append(
            "Indicator scopes that name no initiative or team in your initiatives "
            f"table are shown as teams of their own: {', '.join(loose)}."
        )
    return RiskIndex(per_init, per_team, weights, tuple(notes))


def _polar(row: pd.Series) -> object:
    """True if any shown cell of the initiative is polarised; NA if nothing is known."""
    flags = [row.get(c) for c in ("polarised", "polarised_tech", "polarised_business")]
    if str(row.get("polarised_groups") or ""):
        return True
    known = [bool(f) for f in flags if f is not None and f is not pd.NA and not _isnan(f)]
    if any(known):
        return True
    return False if known else pd.NA


def _severity_by_scope(detection: Detection) -> dict[str, tuple[int, list[str]]]:
    out: dict[str, tuple[int, list[str]]] = {}
    for scope, g in detection.warnings.groupby("scope"):
        key = schema.fold_key(scope)
        words = [
            f"{scope} {m} ({lvl})" for m, lvl in zip(g["metric_label"], g["level"], strict=False)
        ]
        prev = out.get(key, (0, []))
        out[key] = (max(prev[0], int(g["severity"].max())), prev[1] + words)
    return out


def _score(frame: pd.DataFrame, weights: Weights) -> pd.DataFrame:
    total = weights.total
    parts = {
        "indicator_part": weights.indicators,
        "gap_part": weights.gap,
        "agreement_part": weights.agreement,
    }
    known = sum(frame[c].fillna(0.0) * w for c, w in parts.items())
    unknown = sum(frame[c].isna().astype(float) * w for c, w in parts.items())
    if total > 0:
        frame["index"] = 100.0 * known / total
        frame["index_max"] = 100.0 * (known + unknown) / total
    else:
        frame["index"] = frame["index_max"] = np.nan
    for c in parts:
        frame[c] = 100.0 * frame[c]
    return frame.sort_values(["index", "index_max"], ascending=False, kind="stable").reset_index(
        drop=True
    )


def _teams(
    per_init: pd.DataFrame,
    detection: Detection,
    by_key: Mapping[str, tuple[int, list[str]]],
    init: pd.DataFrame,
    weights: Weights,
) -> pd.DataFrame:
    cols = [
        "team",
        "initiatives",
        "n_range",
        "alignment_known",
        "indicator_part",
        "gap_part",
        "agreement_part",
        "alerts",
        "unknown",
    ]
    init_keys = {schema.fold_key(x) for x in [*init["id"], *init["name"]] if x}
    teams = [t for t in pd.unique(init["team"]) if t]
    team_keys = {schema.fold_key(t) for t in teams}
    teams += [
        s
        for s in detection.scopes
        if schema.fold_key(s) not in init_keys and schema.fold_key(s) not in team_keys
    ]
    known_scopes = {schema.fold_key(s) for s in detection.scopes}
    rows = []
    for team in teams:
        key = schema.fold_key(team)
        members = (
            per_init[per_init["team"].map(schema.fold_key) == key] if len(per_init) else per_init
        )
        member_keys = [schema.fold_key(x) for x in [*members["initiative_id"], *members["name"]]]
        severities = [by_key[k][0] for k in [key, *member_keys] if k in by_key]
        alerts = sorted({a for k in [key, *member_keys] if k in by_key for a in by_key[k][1]})
        has_series = key in known_scopes or any(k in known_scopes for k in member_keys)
        ind = max(severities, default=0) / SEVERITY_MAX if has_series else np.nan
        gap_v = members["gap_part"].mean() / 100.0 if members["gap_part"].notna().any() else np.nan
        agr_v = (
            members["agreement_part"].mean() / 100.0
            if members["agreement_part"].notna().any()
            else np.nan
        )
        known_n = members["n"].dropna()
        n_range = (
            ""
            if known_n.empty
            else (
                f"{int(known_n.min())}"
                if known_n.min() == known_n.max()
                else f"{int(known_n.min())}–{int(known_n.max())}"
            )
        )
        k_align = int((members["gap_part"].notna() | members["agreement_part"].notna()).sum())
        unknown = []
        if not has_series:
            unknown.append("indicators: no series for this team")
        if members.empty:
            unknown.append("alignment: no initiatives of this team in the initiatives table")
        elif k_align < len(members):
            unknown.append(
                f"alignment: unknown for {len(members) - k_align} of {len(members)} initiatives"
            )
        rows.append(
            {
                "team": team,
                "initiatives": len(members),
                "n_range": n_range,
                "alignment_known": f"{k_align} of {len(members)}",
                "indicator_part": ind,
                "gap_part": gap_v,
                "agreement_part": agr_v,
                "alerts": "; ".join(alerts),
                "unknown": "; ".join(unknown),
            }
        )
    frame = pd.DataFrame(rows, columns=cols)
    return _score(frame, weights)


def contributions(frame: pd.DataFrame, weights: Weights, item: pd.Series) -> pd.DataFrame:
    """The risk index split into what each part adds (points out of 100), for a stacked chart.

    ``frame`` is ``RiskIndex.initiatives`` or ``.teams``; ``item`` names each row. The
    "unknown" part is ``index_max − index``: what unknown parts could add at their worst.
    """
    names = (
        "Indicator alerts",
        "Tech–business gap",
        "Low agreement or split room",
        "Unknown (could add up to)",
    )
    total = weights.total
    rows = []
    if total <= 0:
        return pd.DataFrame(columns=["item", "index", "part", "points", "detail"])
    for i, row in enumerate(frame.itertuples(index=False)):
        label = item.iloc[i]
        values = (
            (row.indicator_part, weights.indicators, row.alerts or "no open warnings"),
            (row.gap_part, weights.gap, "see the heatmaps for the gap"),
            (row.agreement_part, weights.agreement, "agreement within the room"),
        )
        for name, (part, w, detail) in zip(names, values, strict=False):
            if not _isnan(part):
                rows.append((label, row.index, name, float(part) * w / total, detail))
        rest = float(row.index_max) - float(row.index)
        if rest > 1e-9:
            rows.append((label, row.index, names[3], rest, row.unknown))
    return pd.DataFrame(rows, columns=["item", "index", "part", "points", "detail"])


# --- wording and small helpers ------------------------------------------------------------------


_C = {c.name: c.text for c in constants.CONSTANTS}
METHOD = f"""
**Series.** One line per metric and scope (team or initiative), on a regular calendar from its
first to its last period (months, quarters, weeks or days, from the data). A period with no
number is a gap, never a zero.

**Thresholds.** Each metric has a direction (*higher is worse*, e.g. escalations and risk, or
*lower is worse*, e.g. the quality delta) and a threshold. The default threshold is the median of
all the metric's values, plus (or minus) {_C["DEFAULT_MADS"]} × {_C["MAD_SCALE"]} × the median
absolute deviation: the robust version of "three standard deviations", which the outliers it
should catch barely move. You can replace it with your own number.

**Rules**, checked at every period; a series is on the warning list when its latest period
trips one:

1. *Over threshold*: the value is past the threshold on the bad side.
2. *Worsening N periods running* (default {_C["RISING_PERIODS"]}): the value got strictly worse
   than the period before N times in a row. An equal value or a missing period ends the run.
3. *Unusual*: z = (value − mean of the previous {_C["BASELINE_PERIODS"]} periods) / their standard
   deviation, with at least {_C["MIN_BASELINE"]} of those {_C["BASELINE_PERIODS"]} periods present;
   |z| ≥ {_C["Z_MIN"]} in the bad direction is unusual. After a perfectly flat stretch (standard
   deviation 0) the metric's usual spread across all scopes ({_C["MAD_SCALE"]} × MAD) stands in
   for the standard deviation; if that is 0 too, any move the bad way is unusual.

**Severity** adds points: over threshold {_C["SEVERITY_OVER"]}; worsening {_C["SEVERITY_RISING"]}
(+1 when it lasts {_C["SEVERITY_LONG_RUN"]} periods beyond N); unusual {_C["SEVERITY_UNUSUAL"]}
(+1 when |z| ≥ {_C["SEVERITY_STRONG_Z"]}). High ≥ {_C["LEVEL_HIGH"]}, medium ≥
{_C["LEVEL_MEDIUM"]}, else low.

**Misalignment risk index** (0–100) per initiative = 100 × (w₁ × indicators + w₂ × gap +
w₃ × agreement) / (w₁ + w₂ + w₃), each part from 0 to 1:
indicators = the highest severity open on the initiative or its team ÷ the highest possible;
gap = |tech − business| ÷ {_C["RISK_GAP_FULL"]} points, capped at 1, halved when its 95 % interval
contains 0; agreement = 1 when the room is polarised, else ({AGREEMENT_TEXT} − r_wg) ÷
{AGREEMENT_TEXT}, clipped to 0–1. A part that is unknown (no indicators, no feedback, or fewer
respondents than the anonymity threshold) adds nothing and is named; "up to" shows the index if
it were at its worst. A team's alignment parts are the mean over its initiatives whose figures
are shown.
"""


def fmt(value: object) -> str:
    """A number as a person writes it: 11, 4.5, -4.1, 0.05; blank for missing."""
    if value is None or _isnan(value):
        return ""
    x = float(value)
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if x.is_integer():
        return f"{int(x)}"
    if abs(x) >= 10:
        return f"{x:.1f}".rstrip("0").rstrip(".")
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _isnan(value: object) -> bool:
    try:
        return (
            value is pd.NA
            or value is pd.NaT
            or (isinstance(value, float | np.floating) and math.isnan(value))
        )
    except TypeError:
        return False


def _metric_order(metric: str) -> tuple[int, str]:
    known = list(KNOWN_DIRECTIONS)
    return (known.index(metric) if metric in known else len(known), str(metric))
