"""Quarterly prioritisation: WSJF, RICE or value ÷ effort, each side's ranking, and honest ranks.

A tool that prints one WSJF number per item hides three things a leader needs: that engineering
and the business would order the roadmap differently, by how much, and how sure any rank is.
This module computes all three from the same data, with the same anonymity rule as the heatmaps:

- **scores**: WSJF = (business value + time criticality + risk reduction) ÷ job size, the
  components on SAFe's Fibonacci scale 1, 2, 3, 5, 8, 13, 20; RICE = reach × impact ×
  confidence ÷ effort; value ÷ effort. A missing component is named, never taken as zero;
- **each side's ranking**: from the side's respondents' mean estimates (ratings of any scale are
  put on the 1–20 scale linearly, ``1 + 19 × score / 100``); a side's job size falls back on the
  table's. A side under ``k_min`` respondents has no ranking, and an initiative's side mean
  resting on fewer than ``k_min`` respondents is not used;
- **the combined ranking**: the initiatives table's own component columns; a component the table
  lacks for an initiative comes from all respondents' means;
- **uncertainty**: one bootstrap over respondents (resampled within each side, fixed seed) gives
  each rank its 95 % range and Kendall's τ-b between the two sides its 95 % interval;
- **ranks**: rank 1 is the highest score; ties share the lowest rank they span ("min").

Everything is numpy-vectorised: 300 initiatives × 200 respondents rank with intervals in well
under a second (``bench/bench_pipeline.py``). scipy is imported by the function that needs it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from alignment import schema
from alignment.dataset import Dataset
from alignment.privacy import Privacy

MODELS: dict[str, str] = {"wsjf": "WSJF", "rice": "RICE", "value-effort": "Value ÷ effort"}
SIDES: tuple[str, str] = ("tech", "business")
REPLICATES = 1000  # bootstrap replicates: enough for stable 2.5 % and 97.5 % percentiles
SEED = 20261  # fixed, so the same data always gives the same intervals
LEVEL = 0.95
WSJF_COMPONENTS: tuple[str, ...] = (
    "business_value",
    "time_criticality",
    "risk_reduction",
    "job_size",
)
COMPONENT_LABELS: dict[str, str] = {
    "business_value": "business value",
    "time_criticality": "time criticality",
    "risk_reduction": "risk reduction",
    "job_size": "job size",
    "reach": "reach",
    "impact": "impact",
    "confidence": "confidence",
    "effort": "effort",
}
# The table's fields each model reads (business value also comes from respondents).
TABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "wsjf": WSJF_COMPONENTS,
    "rice": ("reach", "impact", "confidence", "effort"),
    "value-effort": ("business_value", "effort"),
}
FORMULAS: dict[str, str] = {
    "wsjf": "WSJF = (business value + time criticality + risk reduction) ÷ job size",
    "rice": "RICE = reach × impact × confidence ÷ effort",
    "value-effort": "Value ÷ effort = business value ÷ effort",
}
SIDE_NOTES: dict[str, str] = {
    "wsjf": "A side's WSJF uses its respondents' mean business value, time criticality, risk "
    "reduction and job size; where the side gave no job size, the table's.",
    "rice": "A side's RICE uses its respondents' mean business value as the impact, with the "
    "table's reach, confidence and effort.",
    "value-effort": "A side's value ÷ effort uses its respondents' mean business value and the "
    "table's effort.",
}
_FIB_MAX = float(schema.FIBONACCI[-1])
_FIB_MIN = float(schema.FIBONACCI[0])


class PrioritisationError(ValueError):
    """Input that cannot be prioritised, with a message for the user."""


@dataclass(frozen=True)
class Prioritisation:
    """One model's rankings. ``table`` has one row per initiative of the initiatives table.

    ``table`` columns: initiative_id, initiative, score, rank, rank_low, rank_high, clear,
    overlaps, rank_tech, rank_tech_low, rank_tech_high, score_tech, rank_business,
    rank_business_low, rank_business_high, score_business, effort, fits_capacity, fits_tech,
    fits_business, missing. Ranks are floats with NaN for "no rank" (masked or missing).
    """

    model: str
    table: pd.DataFrame
    components: pd.DataFrame  # initiative_id, component, side ("all" | tech | business), value, n
    tau: float | None
    tau_low: float | None
    tau_high: float | None
    n: dict[str, int | None]  # respondents per side ("tech", "business", "all"); None: masked
    k_min: int
    capacity: float | None
    differences: pd.DataFrame  # the initiatives the sides rank furthest apart, with why
    ranges_from_respondents: bool  # False: the combined scores are the table's, fixed
    replicates: int
    seed: int
    notes: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return MODELS[self.model]

    def side_ranked(self, side: str) -> bool:
        """Whether the side has a ranking (enough respondents, and estimates to rank)."""
        return self.n.get(side) is not None and bool(self.table[f"rank_{side}"].notna().any())


# --- ranks -------------------------------------------------------------------------------------


def min_ranks(scores: np.ndarray) -> np.ndarray:
    """Rank 1 for the highest score, ties sharing the lowest rank they span, along the last
    axis; NaN scores get NaN ranks and do not count. Vectorised over leading axes."""
    x = np.asarray(scores, dtype=float)
    flat = x.reshape(-1, x.shape[-1])
    keyed = np.where(np.isnan(flat), -np.inf, flat)
    order = np.argsort(-keyed, axis=1, kind="stable")
    ordered = np.take_along_axis(keyed, order, axis=1)
    m = flat.shape[1]
    pos = np.broadcast_to(np.arange(m), flat.shape)
    new_value = np.ones_like(ordered, dtype=bool)
    new_value[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    start = np.maximum.accumulate(np.where(new_value, pos, 0), axis=1) + 1.0
    ranks = np.empty_like(start)
    np.put_along_axis(ranks, order, start, axis=1)
    ranks[np.isnan(flat)] = np.nan
    return ranks.reshape(x.shape)


def _inversions(y: np.ndarray) -> np.ndarray:
    """Pairs i < j with y_i > y_j in each row of ``y`` (integers ≥ 0): a bottom-up merge sort
    run on every row at once, counting at each level, for each element of a right block, the
    elements of its left block above it (one global ``searchsorted`` on block-offset keys)."""
    b, n = y.shape
    width = 1 << max(0, (n - 1).bit_length())
    top = int(y.max(initial=0)) + 1
    seq = np.full((b, width), top, dtype=np.int64)  # padding at the end adds no inversion
    seq[:, :n] = y
    total = np.zeros(b, dtype=np.int64)
    w = 1
    while w < width:
        blocks = seq.reshape(b, width // (2 * w), 2, w)
        count = b * (width // (2 * w))
        offset = (np.arange(count, dtype=np.int64) * (top + 1)).reshape(b, -1, 1)
        at = np.searchsorted(
            (blocks[:, :, 0, :] + offset).ravel(),
            (blocks[:, :, 1, :] + offset).ravel(),
            side="right",
        ).reshape(b, -1, w)
        start = (np.arange(count, dtype=np.int64) * w).reshape(b, -1, 1)
        total += (w - (at - start)).reshape(b, -1).sum(axis=1)
        seq = np.sort(blocks.reshape(b, -1, 2 * w), axis=2).reshape(b, width)
        w *= 2
    return total


def _tied_pairs(keys: np.ndarray) -> np.ndarray:
    """Pairs sharing a key, per row."""
    s = np.sort(keys, axis=1)
    pos = np.broadcast_to(np.arange(s.shape[1]), s.shape)
    new = np.ones_like(s, dtype=bool)
    new[:, 1:] = s[:, 1:] != s[:, :-1]
    start = np.maximum.accumulate(np.where(new, pos, 0), axis=1)
    return (pos - start).sum(axis=1).astype(float)


def kendall_tau_b(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Kendall's τ-b between the rows of ``x`` and ``y`` (replicates × items), vectorised.

    Knight's O(n log n) method on every row at once: sort by (x, y), count the inversions of
    y, and correct for ties, τ-b = (n0 − n1 − n2 + n3 − 2·discordant) / √((n0 − n1)(n0 − n2)).
    An item missing (NaN) from either row is left out of that row. The point estimate the page
    shows comes from ``scipy.stats.kendalltau``; the tests check this one against it."""
    x = np.atleast_2d(np.asarray(x, dtype=float))
    y = np.atleast_2d(np.asarray(y, dtype=float))
    n = x.shape[1]
    valid = ~np.isnan(x) & ~np.isnan(y)
    # Missing items rank 0 on both sides: tied with each other, below everything else, so
    # they add m(m-1)/2 to every tie count and m(n-m) concordant pairs, taken out below.
    rx = np.where(valid, min_ranks(np.where(valid, x, np.nan)), 0).astype(np.int64)
    ry = np.where(valid, min_ranks(np.where(valid, y, np.nan)), 0).astype(np.int64)
    m = (~valid).sum(axis=1).astype(float)
    key = rx * (n + 2) + ry
    order = np.argsort(key, axis=1, kind="stable")
    discordant = _inversions(np.take_along_axis(ry, order, axis=1))
    among_missing = m * (m - 1) / 2
    n1 = _tied_pairs(rx) - among_missing
    n2 = _tied_pairs(ry) - among_missing
    n3 = _tied_pairs(key) - among_missing
    k = n - m
    n0 = k * (k - 1) / 2
    s = n0 - n1 - n2 + n3 - 2 * discordant
    den = np.sqrt(np.clip((n0 - n1) * (n0 - n2), 0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, s / np.where(den > 0, den, 1), np.nan)


def bias_corrected_interval(
    boot: np.ndarray, point: float, level: float = LEVEL
) -> tuple[float | None, float | None]:
    """The bias-corrected percentile interval (Efron's BC) of a bootstrap distribution.

    Resampling respondents adds noise to both rankings, which pulls every replicate's τ towards
    0: the plain percentile interval would sit below the estimate. BC shifts the percentiles by
    z0 = Φ⁻¹(share of replicates below the estimate)."""
    from statistics import NormalDist

    if len(boot) == 0:
        return None, None
    normal = NormalDist()
    below = (np.sum(boot < point) + 0.5 * np.sum(boot == point)) / len(boot)
    below = min(max(below, 0.5 / len(boot)), 1 - 0.5 / len(boot))
    z0 = normal.inv_cdf(below)
    z = normal.inv_cdf((1 + level) / 2)
    low_q, high_q = normal.cdf(2 * z0 - z), normal.cdf(2 * z0 + z)
    low, high = np.quantile(boot, [low_q, high_q])
    return float(min(low, point)), float(max(high, point))


def scipy_tau(x: Sequence[float], y: Sequence[float]) -> float | None:
    """τ-b of two score lists over the items both rank, from scipy; None for fewer than 2."""
    from scipy.stats import kendalltau  # scipy loads with the first ranking, not at import

    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = ~(np.isnan(a) | np.isnan(b))
    if keep.sum() < 2:
        return None
    tau = kendalltau(a[keep], b[keep]).statistic
    return None if np.isnan(tau) else float(tau)


def rank_range(ranks: np.ndarray, point: np.ndarray, level: float = LEVEL) -> np.ndarray:
    """The central ``level`` range of each item's bootstrap ranks (replicates × items), widened
    to hold the point rank; NaN where the item has no point rank."""
    tail = (1 - level) / 2
    ordered = np.sort(ranks, axis=0)  # NaN last
    count = (~np.isnan(ranks)).sum(axis=0)
    last = np.maximum(count - 1, 0)
    lo_at = np.floor(tail * last).astype(int)[None]  # numpy's "lower" percentile
    hi_at = np.ceil((1 - tail) * last).astype(int)[None]  # … and its "higher"
    low = np.take_along_axis(ordered, lo_at, axis=0)[0]
    high = np.take_along_axis(ordered, hi_at, axis=0)[0]
    low[count == 0] = np.nan
    high[count == 0] = np.nan
    low = np.fmin(low, point)
    high = np.fmax(high, point)
    low[np.isnan(point)] = np.nan
    high[np.isnan(point)] = np.nan
    return np.vstack([low, high])


# --- inputs ------------------------------------------------------------------------------------


def _level_on_fibonacci(values: pd.Series) -> np.ndarray:
    """The table's business value (Very low … Very high, read as 1..5) on the 1–20 scale."""
    numbers = _levels(values)
    return _FIB_MIN + (_FIB_MAX - _FIB_MIN) * (numbers - 1) / 4


def _levels(values: pd.Series) -> np.ndarray:
    words = {w.casefold(): k + 1 for k, w in enumerate(schema.LEVELS)}
    out = np.full(len(values), np.nan)
    for k, v in enumerate(values):
        if isinstance(v, str):
            out[k] = words.get(v.casefold(), np.nan)
        elif v is not None and not pd.isna(v):
            out[k] = float(v)
    return out


def _numbers(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)


def table_components(initiatives: pd.DataFrame) -> pd.DataFrame:
    """The table's component values per initiative, on the scales the formulas use: business
    value on 1–20, confidence as a share (80 % → 0.8; a value above 1 is read as a percentage)."""
    out = pd.DataFrame(index=initiatives["id"].astype(str).to_numpy())
    for name in (*WSJF_COMPONENTS, "reach", "impact", "confidence", "effort"):
        if name not in initiatives.columns:
            out[name] = np.nan
        elif name == "business_value":
            out[name] = _level_on_fibonacci(initiatives[name])
        else:
            out[name] = _numbers(initiatives[name])
    conf = out["confidence"]
    out["confidence"] = conf.where(conf <= 1, conf / 100)
    return out


def _ratings(dataset: Dataset) -> pd.DataFrame:
    """The ratings that carry a WSJF component: business value from the feedback, the rest from
    the estimates."""
    fb = dataset.feedback
    parts = [fb[fb["dimension"] == "business_value"], dataset.estimates]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=["respondent", "side", "initiative_id", "dimension", "score"])
    ratings = pd.concat(parts, ignore_index=True)
    return ratings[ratings["score"].notna() & ratings["dimension"].isin(WSJF_COMPONENTS)]


@dataclass
class _Matrix:
    """Each respondent's mean estimate per (initiative, component), on the 1–20 scale, as a
    respondents × cells array of values (0 where not rated) and of 0/1 "rated" counts: a
    bootstrap's means are then two matrix products."""

    sums: np.ndarray
    counts: np.ndarray
    sides: np.ndarray  # each respondent's side


def _matrix(ratings: pd.DataFrame, ids: Sequence[str]) -> _Matrix:
    n_cells = len(ids) * len(WSJF_COMPONENTS)
    # Codes straight from the (Arrow) columns: converting 240k strings to Python costs more
    # than the whole bootstrap.
    r, people = pd.factorize(ratings["respondent"])
    # -1 where a rating names no listed initiative or component (a Categorical built from
    # such values says the same, but pandas deprecates it and will raise).
    i = pd.Index(ids).unique().get_indexer(ratings["initiative_id"]).astype(np.int64)
    c = pd.Index(list(WSJF_COMPONENTS)).get_indexer(ratings["dimension"]).astype(np.int64)
    keep = (i >= 0) & (c >= 0)
    flat = r[keep].astype(np.int64) * n_cells + i[keep] * len(WSJF_COMPONENTS) + c[keep]
    value = _FIB_MIN + (_FIB_MAX - _FIB_MIN) * ratings["score"].to_numpy(dtype=float)[keep] / 100
    size = len(people) * n_cells
    total = np.bincount(flat, weights=value, minlength=size).reshape(len(people), n_cells)
    count = np.bincount(flat, minlength=size).reshape(len(people), n_cells)
    rated = count > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(rated, total / np.maximum(count, 1), 0.0)
    side_of = pd.Series(ratings["side"].to_numpy(dtype=object)).groupby(r).first()
    sides = side_of.reindex(range(len(people))).fillna("unknown").to_numpy(dtype=object)
    anyone = rated.any(axis=1)
    return _Matrix(means[anyone], rated[anyone].astype(float), sides[anyone])


def _weights(sides: np.ndarray, replicates: int, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap weights (replicates × respondents): each side resampled within itself, so
    every replicate has as many tech and business respondents as the data."""
    w = np.zeros((replicates, len(sides)))
    for side in pd.unique(sides):
        cols = np.flatnonzero(sides == side)
        w[:, cols] = rng.multinomial(len(cols), np.full(len(cols), 1 / len(cols)), replicates)
    return w


def _means(
    m: _Matrix, select: np.ndarray, weights: np.ndarray, k_min: int, n_i: int
) -> tuple[np.ndarray, np.ndarray]:
    """Point and bootstrap means of the selected respondents, (1 + replicates) × items × comps,
    and the respondents behind each point mean; a mean resting on fewer than k_min is NaN."""
    sums, counts = m.sums[select], m.counts[select]
    n = counts.sum(axis=0)
    w = np.vstack([np.ones((1, int(select.sum()))), weights[:, select]])
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (w @ sums) / (w @ counts)
    means[:, n < k_min] = np.nan
    return means.reshape(len(w), n_i, -1), n.reshape(n_i, -1)


def _scores(model: str, comps: np.ndarray, table: pd.DataFrame, side: bool) -> np.ndarray:
    """Scores (replicates × items) from component means (replicates × items × 4) and the table.

    For a side, only the respondents' estimates count, except the job size, which falls back on
    the table's; for the combined ranking, ``comps`` already holds the table's values where it
    has them."""
    bv, tc, rr, js = (comps[..., k] for k in range(4))
    effort = table["effort"].to_numpy()
    if model == "wsjf":
        size = np.where(np.isnan(js), table["job_size"].to_numpy(), js) if side else js
        with np.errstate(invalid="ignore", divide="ignore"):
            score = (bv + tc + rr) / size
    elif model == "rice":
        reach, conf = table["reach"].to_numpy(), table["confidence"].to_numpy()
        impact = bv if side else table["impact"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            score = reach * impact * conf / effort
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            score = bv / effort
    score = np.broadcast_to(score, comps.shape[:-1])  # table-only scores: the same each time
    return np.where(np.isfinite(score), score, np.nan)


def _missing(model: str, table: pd.DataFrame, comps: np.ndarray) -> list[str]:
    """Per initiative, the components its combined score lacks ('time criticality, job size')."""
    needs = {
        "wsjf": [(c, comps[:, k]) for k, c in enumerate(WSJF_COMPONENTS)],
        "rice": [(c, table[c].to_numpy()) for c in TABLE_FIELDS["rice"]],
        "value-effort": [("business_value", comps[:, 0]), ("effort", table["effort"].to_numpy())],
    }[model]
    out = []
    for k in range(len(table)):
        gone = [COMPONENT_LABELS[c] for c, v in needs if np.isnan(v[k])]
        if model in ("wsjf",) and not gone and comps[k, 3] == 0:
            gone = ["job size (zero)"]
        if model in ("rice", "value-effort") and not gone and table["effort"].iloc[k] == 0:
            gone = ["effort (zero)"]
        out.append(", ".join(gone))
    return out


def _fits(order_key: np.ndarray, effort: np.ndarray, capacity: float | None) -> np.ndarray:
    """True for the initiatives that fit the budget in rank order (cumulative effort), False
    below the line, NaN for the unranked and those without an effort (which use none)."""
    out = np.full(len(effort), np.nan)
    if capacity is None:
        return out
    placed = ~np.isnan(order_key) & ~np.isnan(effort)
    idx = np.flatnonzero(placed)
    idx = idx[np.argsort(order_key[idx], kind="stable")]
    used = np.cumsum(effort[idx])
    out[idx] = (used <= capacity).astype(float)
    return out


# --- the whole computation ---------------------------------------------------------------------


def prioritise(
    dataset: Dataset,
    model: str = "wsjf",
    privacy: Privacy | None = None,
    capacity: float | None = None,
    replicates: int = REPLICATES,
    seed: int = SEED,
) -> Prioritisation:
    """Rank the initiatives table by ``model``, as a whole and as each side sees it."""
    if model not in MODELS:
        raise PrioritisationError(f"Unknown model '{model}'; choose one of: {', '.join(MODELS)}.")
    if capacity is not None and not (np.isfinite(capacity) and capacity >= 0):
        raise PrioritisationError("The capacity must be a number of effort units, 0 or more.")
    privacy = privacy or Privacy()
    k_min = privacy.k_min
    init = dataset.initiatives
    if init.empty:
        raise PrioritisationError(
            "There is no initiatives table to rank. Add one with an ID and a name per "
            "initiative, and the model's columns."
        )
    ids = init["id"].astype(str).tolist()
    names = init["name"].astype(str).tolist()
    table = table_components(init)
    n_i = len(ids)

    ratings = _ratings(dataset)
    m = _matrix(ratings, ids)
    rng = np.random.default_rng(seed)
    weights = _weights(m.sides, replicates, rng)

    # Each side, and everyone, from the same replicates.
    side_comps: dict[str, np.ndarray] = {}
    side_n: dict[str, np.ndarray] = {}
    n: dict[str, int | None] = {}
    groups = {**{s: m.sides == s for s in SIDES}, "all": np.ones(len(m.sides), dtype=bool)}
    raw: dict[str, int] = {}
    for key, select in groups.items():
        count = raw[key] = int(select.sum())
        n[key] = count if count >= k_min else None
        if count >= k_min:
            side_comps[key], side_n[key] = _means(m, select, weights, k_min, n_i)
        else:
            side_comps[key] = np.full((replicates + 1, n_i, 4), np.nan)
            side_n[key] = np.zeros((n_i, 4))

    # The combined components: the table's where it has them, else everyone's means.
    table_values = table[list(WSJF_COMPONENTS)].to_numpy()
    combined = np.where(np.isnan(table_values)[None], side_comps["all"], table_values[None])
    if model == "wsjf":
        used = np.isnan(table_values) & ~np.isnan(side_comps["all"][0])
    else:  # only business value may come from respondents
        used = np.zeros_like(table_values, dtype=bool)
        used[:, 0] = np.isnan(table_values[:, 0]) & ~np.isnan(side_comps["all"][0, :, 0])
    from_respondents = bool(used.any())

    scores = _scores(model, combined, table, side=False)
    ranks = min_ranks(scores)
    low_high = rank_range(ranks[1:], ranks[0])
    effort = table["effort"].to_numpy()
    if model == "wsjf" and np.isnan(effort).all():
        effort = table["job_size"].to_numpy()
    out = pd.DataFrame(
        {
            "initiative_id": ids,
            "initiative": names,
            "score": scores[0],
            "rank": ranks[0],
            "rank_low": low_high[0],
            "rank_high": low_high[1],
        }
    )
    side_scores: dict[str, np.ndarray] = {}
    for side in SIDES:
        if n[side] is None:
            side_scores[side] = np.full((replicates + 1, n_i), np.nan)
        else:
            side_scores[side] = _scores(model, side_comps[side], table, side=True)
        s_ranks = min_ranks(side_scores[side])
        s_range = rank_range(s_ranks[1:], s_ranks[0])
        out[f"rank_{side}"] = s_ranks[0]
        out[f"rank_{side}_low"] = s_range[0]
        out[f"rank_{side}_high"] = s_range[1]
        out[f"score_{side}"] = side_scores[side][0]
    out["effort"] = effort
    out["fits_capacity"] = _fits(out["rank"].to_numpy(), effort, capacity)
    for side in SIDES:
        out[f"fits_{side}"] = _fits(out[f"rank_{side}"].to_numpy(), effort, capacity)
    out["missing"] = _missing(model, table, combined[0])
    out["clear"], out["overlaps"] = _clarity(out, "rank")
    if not from_respondents:  # the table's numbers carry no spread: clarity is not assessed
        out["clear"], out["overlaps"] = None, ""

    tau = tau_low = tau_high = None
    if n["tech"] is not None and n["business"] is not None:
        tau = scipy_tau(side_scores["tech"][0], side_scores["business"][0])
        if tau is not None:
            boot = kendall_tau_b(side_scores["tech"][1:], side_scores["business"][1:])
            tau_low, tau_high = bias_corrected_interval(boot[~np.isnan(boot)], tau)

    components = _component_frame(ids, side_comps, side_n, table, combined[0], used)
    notes = _notes(model, out, raw, k_min, from_respondents, capacity)
    return Prioritisation(
        model=model,
        table=out,
        components=components,
        tau=tau,
        tau_low=tau_low,
        tau_high=tau_high,
        n=n,
        k_min=k_min,
        capacity=capacity,
        differences=differences(out, components, model),
        ranges_from_respondents=from_respondents,
        replicates=replicates,
        seed=seed,
        notes=tuple(notes),
    )


def _clarity(out: pd.DataFrame, col: str) -> tuple[list[bool | None], list[str]]:
    """Whether each ranked initiative's range overlaps no other's, and the IDs it overlaps."""
    low, high = out[f"{col}_low"].to_numpy(), out[f"{col}_high"].to_numpy()
    ranked = ~np.isnan(out[col].to_numpy())
    overlap = (low[:, None] <= high[None, :]) & (low[None, :] <= high[:, None])
    overlap &= ranked[:, None] & ranked[None, :]
    np.fill_diagonal(overlap, False)
    ids = out["initiative_id"].to_numpy()
    clear = [bool(not overlap[k].any()) if ranked[k] else None for k in range(len(out))]
    others = [", ".join(ids[overlap[k]]) for k in range(len(out))]
    return clear, others


def _component_frame(
    ids: Sequence[str],
    comps: dict[str, np.ndarray],
    counts: dict[str, np.ndarray],
    table: pd.DataFrame,
    combined: np.ndarray,
    used: np.ndarray,
) -> pd.DataFrame:
    rows = []
    for k, initiative in enumerate(ids):
        for c, name in enumerate(WSJF_COMPONENTS):
            for side in (*SIDES, "all"):
                value = comps[side][0, k, c]
                if not np.isnan(value):
                    rows.append((initiative, name, side, float(value), int(counts[side][k, c])))
            source = "respondents" if used[k, c] else "table"
            if not np.isnan(combined[k, c]):
                rows.append((initiative, name, "combined", float(combined[k, c]), source))
    return pd.DataFrame(rows, columns=["initiative_id", "component", "side", "value", "n"])


def _ordinal(k: float) -> str:
    k = int(k)
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _num(v: float) -> str:
    return f"{v:.0f}" if abs(v - round(v)) < 0.05 else f"{v:.1f}"


def differences(
    out: pd.DataFrame, components: pd.DataFrame, model: str, top: int = 5
) -> pd.DataFrame:
    """The initiatives the two sides rank furthest apart, each with the component behind it:
    the one whose side means differ most in the direction of the shift (a larger job size
    lowers WSJF, so it counts the other way)."""
    cols = [
        "initiative_id",
        "initiative",
        "rank_tech",
        "rank_business",
        "shift",
        "higher",
        "component",
        "tech_value",
        "business_value",
        "clear",
        "sentence",
    ]
    both = out.dropna(subset=["rank_tech", "rank_business"])
    if both.empty:
        return pd.DataFrame(columns=cols)
    shift = both["rank_tech"] - both["rank_business"]  # > 0: the business ranks it higher
    both = both.assign(shift=shift, size=shift.abs())
    both = both[both["size"] > 0].sort_values(["size", "initiative_id"], ascending=[False, True])
    means = components[components["side"].isin(SIDES)].pivot_table(
        index=["initiative_id", "component"], columns="side", values="value"
    )
    usable = ("business_value",) if model != "wsjf" else WSJF_COMPONENTS
    rows = []
    for r in both.head(top).itertuples():
        higher = "business" if r.shift > 0 else "tech"
        lower = "tech" if higher == "business" else "business"
        best, best_gap, values = None, 0.0, (np.nan, np.nan)
        for comp in usable:
            key = (r.initiative_id, comp)
            if key not in means.index or not {"tech", "business"} <= set(means.columns):
                continue
            t, b = means.loc[key, "tech"], means.loc[key, "business"]
            if np.isnan(t) or np.isnan(b):
                continue
            gap = (b - t) if higher == "business" else (t - b)
            if comp == "job_size":
                gap = -gap
            if gap > best_gap:
                best, best_gap, values = comp, gap, (t, b)
        clear = bool(
            r.rank_tech_low > r.rank_business_high or r.rank_business_low > r.rank_tech_high
        )
        text = (
            f"{higher.capitalize() if higher == 'tech' else 'The business'} ranks it higher: "
            f"business puts it {_ordinal(r.rank_business)}, tech {_ordinal(r.rank_tech)}"
        )
        if best is not None:
            verb = "sizes the job" if best == "job_size" else f"rates {COMPONENT_LABELS[best]}"
            first, second = (values[1], values[0]) if higher == "business" else values
            text += f"; {higher} {verb} {_num(first)}, {lower} {_num(second)}"
        text += "." if clear else " (the rank ranges overlap: not a clear difference)."
        rows.append(
            (
                r.initiative_id,
                r.initiative,
                r.rank_tech,
                r.rank_business,
                int(abs(r.shift)),
                higher,
                best or "",
                values[0],
                values[1],
                clear,
                text,
            )
        )
    return pd.DataFrame(rows, columns=cols)


def _notes(
    model: str,
    out: pd.DataFrame,
    raw: dict[str, int],
    k_min: int,
    from_respondents: bool,
    capacity: float | None,
) -> list[str]:
    notes = []
    for side in SIDES:
        if raw[side] == 0:
            notes.append(f"No {side} respondent gave estimates, so there is no {side} ranking.")
        elif raw[side] < k_min:
            notes.append(
                f"The {side} side has fewer than {k_min} respondents with estimates, so it has "
                "no ranking (anonymity threshold)."
            )
        elif not out[f"rank_{side}"].notna().any():
            notes.append(
                f"No initiative was estimated by {k_min} or more {side} respondents, so there "
                f"is no {side} ranking (anonymity threshold)."
            )
    missing = out[out["missing"] != ""]
    if len(missing):
        notes.append(
            f"{len(missing)} initiative(s) have no {MODELS[model]} score because a component "
            "is missing: "
            + "; ".join(f"{r.initiative_id} ({r.missing})" for r in missing.head(8).itertuples())
            + ("; …" if len(missing) > 8 else "")
            + "."
        )
    if not from_respondents:
        notes.append(
            "The combined scores come from the initiatives table alone, so they carry no "
            "sampling spread: each rank's range is the rank itself. Each side's ranges come "
            "from its respondents."
        )
    if capacity is not None and out["effort"].isna().any():
        notes.append(
            "Initiatives without an effort cannot be placed against the capacity; they are "
            "left out of the line."
        )
    return notes


# --- words and tables for pages, exports and briefs ---------------------------------------------


def rank_text(rank: float, low: float, high: float) -> str:
    """'4th (range 2–6)', or '4th' when the range is the rank itself; '' without a rank."""
    if np.isnan(rank):
        return ""
    if low == high:
        return _ordinal(rank)
    return f"{_ordinal(rank)} (range {int(low)}–{int(high)})"


def brief_line(result: Prioritisation, initiative_id: str) -> str:
    """The line in an initiative's briefs: 'Ranked 4th of 30 by WSJF (range 2–6); the business
    ranks it higher because …', or '' when it has no rank."""
    rows = result.table[result.table["initiative_id"] == initiative_id]
    if rows.empty or np.isnan(rows["rank"].iloc[0]):
        return ""
    r = rows.iloc[0]
    ranked = int(result.table["rank"].notna().sum())
    text = (
        f"Ranked {rank_text(r['rank'], r['rank_low'], r['rank_high'])} of {ranked} by "
        f"{result.label}"
    )
    diff = result.differences[result.differences["initiative_id"] == initiative_id]
    if not diff.empty and diff["component"].iloc[0]:
        d = diff.iloc[0]
        who = "the business" if d["higher"] == "business" else "tech"
        label = COMPONENT_LABELS[d["component"]]
        hi_v, lo_v = (
            (d["business_value"], d["tech_value"])
            if d["higher"] == "business"
            else (d["tech_value"], d["business_value"])
        )
        if d["component"] == "job_size":
            why = f"it sees the job as smaller ({_num(hi_v)} against {_num(lo_v)})"
        else:
            why = f"it rates {label} {_num(hi_v)} against {_num(lo_v)} (1–20 scale)"
        mine, theirs = (
            (d["rank_business"], d["rank_tech"])
            if d["higher"] == "business"
            else (d["rank_tech"], d["rank_business"])
        )
        other = "tech's" if d["higher"] == "business" else "the business's"
        text += (
            f"; {who} ranks it higher ({_ordinal(mine)}, against {other} {_ordinal(theirs)}) "
            f"because {why}"
        )
    return text + "."


def ranking_sheet(result: Prioritisation) -> pd.DataFrame:
    """The export's ``Ranking`` sheet, in rank order: exactly the columns scripts rely on."""
    t = result.table.sort_values(["rank", "initiative_id"], na_position="last", kind="stable")
    fits = t["fits_capacity"].map(lambda v: None if pd.isna(v) else bool(v))
    return pd.DataFrame(
        {
            "initiative_id": t["initiative_id"],
            "initiative": t["initiative"],
            "score": t["score"].round(4),
            "rank": _ints(t["rank"]),
            "rank_low": _ints(t["rank_low"]),
            "rank_high": _ints(t["rank_high"]),
            "rank_tech": _ints(t["rank_tech"]),
            "rank_business": _ints(t["rank_business"]),
            "fits_capacity": fits if result.capacity is not None else None,
        }
    ).reset_index(drop=True)


def _ints(values: pd.Series) -> pd.Series:
    return values.map(lambda v: None if pd.isna(v) else int(v)).astype(object)


def sides_sheet(result: Prioritisation) -> pd.DataFrame:
    """The export's ``Sides`` sheet: τ-b with its interval and each side's n (empty if masked)."""

    def r(v: float | None) -> float | None:
        return None if v is None else round(v, 4)

    return pd.DataFrame(
        [
            {
                "tau": r(result.tau),
                "tau_low": r(result.tau_low),
                "tau_high": r(result.tau_high),
                "n_tech": result.n["tech"],
                "n_business": result.n["business"],
            }
        ]
    )


def worked_example(result: Prioritisation, dataset: Dataset) -> str:
    """The formula with the top-ranked initiative's own numbers, for the Method page."""
    ranked = result.table.dropna(subset=["rank"]).sort_values(["rank", "initiative_id"])
    if ranked.empty:
        return ""
    r = ranked.iloc[0]
    comb = result.components[
        (result.components["initiative_id"] == r["initiative_id"])
        & (result.components["side"] == "combined")
    ].set_index("component")["value"]
    table = table_components(dataset.initiatives).loc[str(r["initiative_id"])]
    name = f"{r['initiative_id']} {r['initiative']}"
    if result.model == "wsjf":
        bv, tc, rr, js = (comb.get(c, np.nan) for c in WSJF_COMPONENTS)
        body = f"({_num(bv)} + {_num(tc)} + {_num(rr)}) ÷ {_num(js)} = {r['score']:.2f}"
        what = "(business value + time criticality + risk reduction) ÷ job size"
    elif result.model == "rice":
        body = (
            f"{table['reach']:g} × {table['impact']:g} × {table['confidence']:.0%} ÷ "
            f"{table['effort']:g} = {r['score']:.2f}"
        )
        what = "reach × impact × confidence ÷ effort"
    else:
        body = (
            f"{_num(comb.get('business_value', np.nan))} ÷ {table['effort']:g} = {r['score']:.2f}"
        )
        what = "business value ÷ effort"
    return f"{name}, ranked first: {what} = {body}."


def order_for_chart(result: Prioritisation) -> pd.DataFrame:
    """Long frame for the slope chart: one row per initiative and side that ranks it."""
    rows = []
    t = result.table
    for side in SIDES:
        ranked = t.dropna(subset=[f"rank_{side}"])
        for r in ranked.itertuples():
            rows.append(
                {
                    "initiative_id": r.initiative_id,
                    "initiative": r.initiative,
                    "side": schema.SIDE_LABELS[side],
                    "rank": int(getattr(r, f"rank_{side}")),
                    "low": int(getattr(r, f"rank_{side}_low")),
                    "high": int(getattr(r, f"rank_{side}_high")),
                    "n": result.n[side],
                }
            )
    return pd.DataFrame(
        rows, columns=["initiative_id", "initiative", "side", "rank", "low", "high", "n"]
    )


def method_sheet(
    result: Prioritisation, dataset: Dataset, headers: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The export's ``Method`` sheet: how every figure of the other two sheets was made, naming
    their columns as ``headers`` shows them (field names for scripts by default)."""

    def h(column: str) -> str:
        return f"“{headers[column]}”" if headers and column in headers else column

    n = result.n
    sides = ", ".join(
        f"{side} {n[side]} respondents" if n[side] is not None else f"{side} hidden"
        for side in SIDES
    )
    rows = [
        ("Model", f"{result.label}: {FORMULAS[result.model]}"),
        ("Worked example", worked_example(result, dataset) or "No initiative could be scored."),
        (
            "Scales",
            "WSJF's components are relative estimates on the Fibonacci scale "
            + ", ".join(map(str, schema.FIBONACCI))
            + "; ratings on another scale are put on 1–20 linearly, and the roadmap's business "
            "value (Very low … Very high) reads as 1, 5.75, 10.5, 15.25, 20. RICE's confidence "
            "is a share (80 % = 0.8).",
        ),
        (
            "Combined ranking",
            "The initiatives table's own columns; a component the table lacks comes from all "
            "respondents' means. A missing component is named, never taken as zero.",
        ),
        ("Each side's ranking", SIDE_NOTES[result.model]),
        ("Respondents", f"{sides} ({h('n_tech')}, {h('n_business')} on the Sides sheet)."),
        (
            "Anonymity",
            f"A side with fewer than {result.k_min} respondents has no ranking, and a side's "
            f"mean resting on fewer than {result.k_min} people is not used (its cells are "
            "empty).",
        ),
        (
            "Ranks",
            "Rank 1 is the highest score; ties share the lowest rank they span. "
            f"{h('rank_low')} and {h('rank_high')} are the central {LEVEL:.0%} of the rank "
            f"over {result.replicates} "
            "bootstrap replicates (respondents resampled within each side, random start "
            f"{result.seed}, so the same data gives the same figures); "
            "ranges that overlap mean the data does not settle that ordering.",
        ),
        (
            "Kendall's τ-b",
            "Agreement of the two sides' rankings (1 the same order, 0 unrelated, −1 reversed), "
            f"from scipy; {h('tau_low')} and {h('tau_high')}: bias-corrected percentile "
            f"{LEVEL:.0%} interval "
            "from the same bootstrap.",
        ),
        (
            "Capacity",
            "No capacity given."
            if result.capacity is None
            else f"{result.capacity:g} effort units: initiatives are taken in rank order while "
            f"their total effort fits ({h('fits_capacity')}).",
        ),
    ]
    rows += [("Note", note) for note in result.notes]
    columns = ["Topic", "Detail"] if headers else ["topic", "detail"]
    return pd.DataFrame(rows, columns=columns)


def people_headers(result: Prioritisation) -> dict[str, str]:
    """The Ranking and Sides columns in words, for the file a person downloads from the page."""
    return {
        "initiative_id": "Initiative ID",
        "initiative": "Initiative",
        "score": f"{result.label} score",
        "rank": "Rank",
        "rank_low": f"Rank, best of its {LEVEL:.0%} range",
        "rank_high": f"Rank, worst of its {LEVEL:.0%} range",
        "rank_tech": "Rank as tech sees it",
        "rank_business": "Rank as the business sees it",
        "fits_capacity": "Fits the capacity",
        "tau": "Kendall's τ-b between the sides",
        "tau_low": f"τ-b, lower end of the {LEVEL:.0%} interval",
        "tau_high": f"τ-b, upper end of the {LEVEL:.0%} interval",
        "n_tech": "Tech respondents",
        "n_business": "Business respondents",
    }


def to_xlsx(result: Prioritisation, dataset: Dataset, *, for_people: bool = False) -> bytes:
    """The ranked roadmap as a formula-safe workbook: Ranking, Sides and Method.

    The command line writes the field names scripts rely on (``initiative_id``, ``rank_low``
    …); the page's download (``for_people``) names the same columns in words."""
    from alignment.exports import to_xlsx_bytes

    headers = people_headers(result) if for_people else None
    ranking, sides = ranking_sheet(result), sides_sheet(result)
    if headers:
        ranking, sides = ranking.rename(columns=headers), sides.rename(columns=headers)
    return to_xlsx_bytes(
        {"Ranking": ranking, "Sides": sides, "Method": method_sheet(result, dataset, headers)}
    )
