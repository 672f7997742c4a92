"""The numbers: alignment scores, gaps with their uncertainty, agreement, polarisation, anonymity.

Every formula is the one the Method page explains (``alignment/method.py``):

- a rating x on a lo..hi scale is normalised to ``100 * (x - lo) / (hi - lo)`` (done at import);
- a cell's **score** is the mean of all normalised ratings in it (missing ratings left out);
- its **n** is the number of distinct respondents;
- **r_wg** = 1 - s² / σ²_EU, with s² the sample variance of the respondents' mean ratings and
  σ²_EU = (k² - 1) / 12 for a k-point scale (computed on the 0-100 scale, where both are
  multiplied by the same factor), clipped to [0, 1], undefined for n < 2;
- **polarised**: ≥ ``POLAR_SHARE`` of respondents' means ≤ ``POLAR_LOW`` and as many ≥
  ``POLAR_HIGH`` (0-100), or unclipped r_wg < 0; "agrees" is r_wg ≥ ``AGREEMENT_THRESHOLD``
  (the values are in ``alignment.constants``);
- a **gap** is tech mean - business mean per initiative and dimension, with a 95 % Welch
  two-sample t interval; "clear" when the interval excludes 0;
- a cell with fewer than ``k_min`` respondents is masked, and where a total is shown beside its
  parts, a single masked part takes the next-smallest part with it (complementary masking).

Masking one view at a time is not enough: two views (or one view before and after a change the
user can make, such as moving a group to the other side or picking dimensions) must never
differ by the answers of fewer than ``k_min`` people, or subtracting one from the other gives
those answers away. So before any figure is computed, ``countable`` decides which ratings may
count: the ratings of an initiative × group × dimension answered by fewer than ``k_min``
people never count for their group or side. They count only in a pool of all such small
answers of the initiative and dimension, which belongs to no side and no group, and only when
that pool itself holds ``k_min`` people; otherwise they do not count at all. Every figure then
rests on blocks of at least ``k_min`` people, and its n is the number of people behind it.

Masking happens here, in the core, so no page, export or command can forget it: every public
function returns frames in which masked cells carry no score, no n, no agreement.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special  # stdtrit is stats.t.ppf; scipy.stats costs ~4x the import

from alignment.constants import (
    AGREEMENT_THRESHOLD,
    POLAR_HIGH,
    POLAR_LOW,
    POLAR_SHARE,
    RANK_DISAGREE_CAP,
    RANK_DISAGREE_POINTS,
    RANK_SPLIT_POINTS,
    RANK_UNCLEAR_GAP_SHARE,
)
from alignment.privacy import Privacy

__all__ = ["AGREEMENT_THRESHOLD", "POLAR_HIGH", "POLAR_LOW", "POLAR_SHARE"]  # re-exported
MASK_SMALL = "small"  # fewer than k_min respondents
MASK_COMPLEMENT = "complement"  # hidden so that a small part cannot be found by subtraction
SIDES_SHOWN = ("tech", "business")
# The group and side of the ratings ``countable`` pools: never shown, never a side.
POOLED = "\x00pooled"
_COUNTED = "countable_k_min"  # attrs note: this frame is already countable at that k_min


def _sigma_eu(feedback: pd.DataFrame) -> pd.Series:
    """σ²_EU of each rating's own scale, expressed on the 0-100 scale."""
    points = feedback["scale_max"] - feedback["scale_min"] + 1
    step = 100.0 / (feedback["scale_max"] - feedback["scale_min"])
    return (points**2 - 1) / 12.0 * step**2


def prepare(feedback: pd.DataFrame, dimensions: Iterable[str] | None = None) -> pd.DataFrame:
    """The ratings that count: the chosen alignment dimensions, with a σ²_EU per rating."""
    fb = feedback
    if dimensions is not None:
        dims = list(dimensions)
        fb = fb[fb["dimension"].isin(dims)]
    fb = fb[fb["score"].notna()]
    # Categorical keys make every groupby below several times faster on 100k ratings.
    keys = {
        c: fb[c].astype("category")
        for c in ("respondent", "group", "side", "initiative_id", "dimension")
        if c in fb.columns and not isinstance(fb[c].dtype, pd.CategoricalDtype)
    }
    return fb.assign(sigma_eu=_sigma_eu(fb), **keys)


@dataclass(frozen=True)
class Uncounted:
    """What ``countable`` set aside, in numbers a page can say in plain words."""

    groups_pooled: tuple[str, ...] = ()  # groups with some ratings counted only in the pool
    groups_left_out: tuple[str, ...] = ()  # groups with some ratings not counted at all
    ratings_pooled: int = 0
    ratings_left_out: int = 0

    @property
    def any(self) -> bool:
        return bool(self.ratings_pooled or self.ratings_left_out)

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.groups_pooled) | set(self.groups_left_out)))


def _small_units(fb: pd.DataFrame, privacy: Privacy) -> np.ndarray:
    """Per rating: does its initiative × group × dimension rest on fewer than k_min people?"""
    keys = ["initiative_id", "group", "dimension"]
    people = fb[[*keys, "respondent"]].drop_duplicates()
    sizes = people.groupby(keys, observed=True, sort=False).size()
    index = pd.MultiIndex.from_frame(fb[keys])
    return sizes.reindex(index).fillna(0).to_numpy() < privacy.k_min


def countable(fb: pd.DataFrame, privacy: Privacy) -> pd.DataFrame:
    """The ratings that may count, so that no change a user can make moves a figure by the
    answers of fewer than ``k_min`` people.

    An initiative × group × dimension answered by fewer than ``k_min`` people is a small
    answer. Counting it for its group would let a dimension filter isolate it (the group's
    score with and without that dimension); counting it for its side would let a move of the
    group to the other side isolate it (the side before and after). So small answers are moved
    to one pool per initiative and dimension that belongs to no group and no side: it still
    counts for the initiative's overall figures when it holds ``k_min`` people, and is left out
    entirely otherwise. Nothing a user can change (sides, dimensions, filters) moves a rating in
    or out of the pool, because the pool is defined per dimension from the data alone.
    Idempotent: every pool left in holds ``k_min`` people, so a second pass changes nothing;
    the result carries a note of the threshold so that a second pass is skipped (pandas may
    drop the note on some operations: the pass then simply runs again).
    """
    if fb.empty or fb.attrs.get(_COUNTED) == privacy.k_min:
        return fb
    small = _small_units(fb, privacy)
    if not small.any():
        out = fb.copy(deep=False)
        out.attrs[_COUNTED] = privacy.k_min
        return out
    group = fb["group"].astype(object).to_numpy(copy=True)
    side = fb["side"].astype(object).to_numpy(copy=True)
    pooled = fb[small]
    keys = ["initiative_id", "dimension"]
    people = pooled[[*keys, "respondent"]].drop_duplicates()
    sizes = people.groupby(keys, observed=True, sort=False).size()
    pool_n = sizes.reindex(pd.MultiIndex.from_frame(pooled[keys])).fillna(0).to_numpy()
    keep = np.ones(len(fb), dtype=bool)
    keep[np.flatnonzero(small)[pool_n < privacy.k_min]] = False
    group[small] = POOLED
    side[small] = POOLED
    out = fb.assign(group=group, side=side)[keep]
    cats = {c: out[c].astype("category") for c in ("group", "side")}
    out = out.assign(**{c: v for c, v in cats.items() if _is_cat(fb[c])})
    out.attrs[_COUNTED] = privacy.k_min
    return out


def _is_cat(col: pd.Series) -> bool:
    return isinstance(col.dtype, pd.CategoricalDtype)


def uncounted(fb: pd.DataFrame, privacy: Privacy) -> Uncounted:
    """Which groups ``countable`` pooled or left out, for a page to explain."""
    if fb.empty:
        return Uncounted()
    small = _small_units(fb, privacy)
    if not small.any():
        return Uncounted()
    kept = countable(fb, privacy)
    pooled_idx = kept.index[kept["group"].astype(object) == POOLED]
    pooled = fb.loc[pooled_idx]
    left = fb[small & ~fb.index.isin(pooled_idx)]
    return Uncounted(
        tuple(sorted({str(g) for g in pooled["group"]})),
        tuple(sorted({str(g) for g in left["group"]})),
        len(pooled),
        len(left),
    )


def _key_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A key column as integer codes (-1 for missing) in the order a sorted groupby gives its
    groups, and the value of each code."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        cats = column.cat.categories
        values = cats.to_numpy(dtype=object) if len(cats) else np.array([], dtype=object)
        return column.cat.codes.to_numpy(dtype=np.int64), values
    codes, uniques = pd.factorize(column, sort=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _group_ids(fb: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, list[np.ndarray]]:
    """One integer id per row for its cell (-1 when a key is missing), numbered in the sorted
    order of the keys, and each cell's key values: the group-by as integer arithmetic, which
    on a million ratings is several times faster than pandas' general multi-key group-by."""
    combined = np.zeros(len(fb), dtype=np.int64)
    missing = np.zeros(len(fb), dtype=bool)
    radices: list[int] = []
    values: list[np.ndarray] = []
    for k in by:
        codes, vals = _key_codes(fb[k])
        missing |= codes < 0
        combined = combined * max(len(vals), 1) + np.maximum(codes, 0)
        radices.append(max(len(vals), 1))
        values.append(vals)
    # Hashing (a few hundred cells) rather than sorting a million keys; then numbered in order.
    first, present = pd.factorize(combined[~missing] if missing.any() else combined)
    order = np.argsort(present, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    present = present[order]
    ids = np.full(len(fb), -1, dtype=np.int64)
    ids[~missing] = rank[first]
    keys: list[np.ndarray] = []
    rest = present
    for radix, vals in zip(reversed(radices), reversed(values), strict=True):
        rest, code = np.divmod(rest, radix)
        keys.append(vals[code] if len(vals) else np.array([], dtype=object))
    return ids, keys[::-1]


def _mean_by(ids: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Each group's mean of its non-missing values (NaN for none), as groupby.mean gives it."""
    ok = ~np.isnan(values)
    if not ok.all():
        ids, values = ids[ok], values[ok]
    total = np.bincount(ids, weights=values, minlength=size)
    count = np.bincount(ids, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _moments(fb: pd.DataFrame, by: Sequence[str], value: str = "score") -> pd.DataFrame:
    """Each cell's mean, sample variance and count of ``value`` and its distinct respondents,
    indexed by ``by`` in sorted order: ``groupby(by, observed=True).agg(mean, var, size,
    nunique)`` on integer codes, several times faster on a million ratings."""
    ids, keys = _group_ids(fb, by)
    size = len(keys[0]) if keys else 0
    inside = ids >= 0
    cell, x = ids[inside], fb[value].to_numpy(dtype=float)[inside]
    mean = _mean_by(cell, x, size)
    ok = ~np.isnan(x)
    count = np.bincount(cell[ok], minlength=size)
    dev = np.bincount(cell[ok], weights=(x[ok] - mean[cell[ok]]) ** 2, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(count >= 2, dev / np.maximum(count - 1, 1), np.nan)
    # Categorical levels, as the group-by gave them, so reset_index and unstack behave alike.
    index = pd.MultiIndex.from_arrays([pd.CategoricalIndex(k) for k in keys], names=list(by))
    out = pd.DataFrame(
        {"mean": mean, "var": var, "size": np.bincount(cell, minlength=size)}, index=index
    )
    if "respondent" in fb.columns and "respondent" not in by:
        resp, _ = _key_codes(fb["respondent"])
        resp = resp[inside]
        known = resp >= 0
        width = int(resp.max()) + 1 if known.any() else 1
        pairs = pd.unique(cell[known] * width + resp[known])
        out["nunique"] = np.bincount(pairs // width, minlength=size)
    return out


def cell_stats(fb: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Unmasked statistics of every cell; internal: callers get ``masked_cells`` output.

    Computed on integer codes with ``np.bincount`` rather than pandas group-bys: the same
    figures, and on a million ratings the four views take a fraction of the time."""
    by = list(by)
    cols = [
        *by,
        "n",
        "n_ratings",
        "score",
        "rwg",
        "rwg_raw",
        "polarised",
        "share_low",
        "share_high",
    ]
    if fb.empty:
        return pd.DataFrame(columns=cols)
    ids, keys = _group_ids(fb, by)
    size = len(keys[0]) if keys else 0
    if size == 0:
        return pd.DataFrame(columns=cols)
    inside = ids >= 0
    score = fb["score"].to_numpy(dtype=float)
    sigma = (
        fb["sigma_eu"].to_numpy(dtype=float)
        if "sigma_eu" in fb.columns
        else _sigma_eu(fb).to_numpy(dtype=float)
    )
    cell_ids, score_in, sigma_in = ids[inside], score[inside], sigma[inside]
    n_ratings = np.bincount(cell_ids, minlength=size)
    mean_score = _mean_by(cell_ids, score_in, size)
    mean_sigma = _mean_by(cell_ids, sigma_in, size)
    # One mean per respondent in each cell, then the spread of those means.
    resp_codes, _ = _key_codes(fb["respondent"])
    resp_codes = resp_codes[inside]
    known = resp_codes >= 0
    pair = cell_ids[known] * (int(resp_codes.max()) + 1 if known.any() else 1) + resp_codes[known]
    pair_ids, pairs = pd.factorize(pair)
    m = _mean_by(pair_ids, score_in[known], len(pairs))
    owner = (pairs // (int(resp_codes.max()) + 1 if known.any() else 1)).astype(np.int64)
    n = np.bincount(owner, minlength=size)
    has_m = ~np.isnan(m)
    m_count = np.bincount(owner[has_m], minlength=size)
    m_mean = _mean_by(owner, m, size)
    dev = np.where(has_m, (m - m_mean[owner]) ** 2, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(
            m_count >= 2, np.bincount(owner, weights=dev, minlength=size) / (m_count - 1), np.nan
        )
        share_low = np.bincount(owner, weights=m <= POLAR_LOW, minlength=size) / n
        share_high = np.bincount(owner, weights=m >= POLAR_HIGH, minlength=size) / n
        rwg_raw = np.where(n >= 2, 1.0 - var / mean_sigma, np.nan)
    # Key columns as the group-bys gave them: categoricals back to plain objects (callers
    # compare, map and concatenate them freely), any other key as pandas infers it.
    cells = pd.DataFrame(
        {
            k: pd.Series(v, dtype=object)
            if isinstance(fb[k].dtype, pd.CategoricalDtype)
            else pd.Series(pd.Index(v))
            for k, v in zip(by, keys, strict=True)
        }
    )
    cells["n"] = n.astype(int)
    cells["n_ratings"] = n_ratings.astype(np.int64)
    cells["score"] = mean_score
    cells["rwg_raw"] = rwg_raw
    cells["rwg"] = pd.Series(rwg_raw).clip(0.0, 1.0)
    with np.errstate(invalid="ignore"):
        below = np.nan_to_num(rwg_raw, nan=0.0) < 0
    cells["polarised"] = (n >= 2) & (
        ((share_low >= POLAR_SHARE) & (share_high >= POLAR_SHARE)) | below
    )
    cells["share_low"] = share_low
    cells["share_high"] = share_high
    return cells[cols]


def _plain_keys(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Key columns back to plain objects: results are small, and callers compare, map and
    concatenate them freely (categoricals with different categories do not mix)."""
    for k in keys:
        if k in frame.columns and isinstance(frame[k].dtype, pd.CategoricalDtype):
            frame[k] = frame[k].astype(object)
    return frame


def complementary_mask(
    cells: pd.DataFrame,
    parent: Sequence[str],
    *,
    n_col: str = "n",
    masked_col: str = "masked",
    reason_col: str = "mask_reason",
    k_min: int = 0,
) -> pd.Series:
    """Cells to hide so that no masked part of a shown total can be recovered by subtraction.

    Within each total (the rows sharing ``parent``), when exactly one part is masked, or the
    masked parts together hold fewer than ``k_min`` people (the total minus the shown parts
    would give their pooled answers), the smallest unmasked part is masked too; repeated until
    stable, since one new mask can leave a lonely masked part in another total. Returns the new
    masked flags; reasons are updated in place.
    """
    masked = cells[masked_col].copy()
    if cells.empty:
        return masked
    keys = list(parent)
    sizes = cells[n_col].astype(float).fillna(0.0)
    while True:
        hidden_n = sizes.where(masked, 0.0)
        if keys:
            by = [cells[k] for k in keys]
            count = masked.groupby(by, observed=True, sort=False, dropna=False).transform("sum")
            pooled = hidden_n.groupby(by, observed=True, sort=False, dropna=False).transform("sum")
        else:
            count = pd.Series(masked.sum(), index=cells.index)
            pooled = pd.Series(hidden_n.sum(), index=cells.index)
        lonely = (count == 1) | ((count >= 1) & (pooled < k_min))
        if not lonely.any():
            return masked
        candidates = cells[lonely & ~masked]
        if candidates.empty:
            return masked
        order = candidates.sort_values([*keys, n_col], kind="stable")
        pick = (
            order.groupby(keys, observed=True, sort=False, dropna=False).head(1).index
            if keys
            else order.head(1).index
        )
        if len(pick) == 0:
            return masked
        masked.loc[pick] = True
        cells.loc[pick, reason_col] = MASK_COMPLEMENT


def _apply_mask(
    cells: pd.DataFrame,
    privacy: Privacy,
    hierarchies: Sequence[Sequence[str]] = (),
    also: pd.Series | None = None,
) -> pd.DataFrame:
    """Mask small cells (and ``also``: cells a coarser view hides), then complementary cells for
    each total the view shows beside them."""
    cells = cells.copy()
    cells["masked"] = cells["n"] < privacy.k_min
    cells["mask_reason"] = np.where(cells["masked"], MASK_SMALL, "")
    if also is not None:
        extra = also.reindex(cells.index).fillna(False).astype(bool) & ~cells["masked"]
        cells.loc[extra, "masked"] = True
        cells.loc[extra, "mask_reason"] = MASK_COMPLEMENT
    for _ in range(10):
        before = int(cells["masked"].sum())
        for parent in hierarchies:
            cells["masked"] = complementary_mask(cells, parent, k_min=privacy.k_min)
        if int(cells["masked"].sum()) == before:
            break
    return hide(cells)


def hide(cells: pd.DataFrame) -> pd.DataFrame:
    """Blank every figure of masked cells: nothing downstream can show what is not there."""
    cells = cells.copy()
    m = cells["masked"].to_numpy(dtype=bool)
    for col in (
        "score",
        "rwg",
        "rwg_raw",
        "share_low",
        "share_high",
        "mean",
        "var",
        "tech_mean",
        "business_mean",
        "gap",
        "gap_low",
        "gap_high",
    ):
        if col in cells.columns:
            cells[col] = cells[col].astype(float).where(~m)
    for col in ("n", "n_ratings", "n_tech", "n_business"):
        if col in cells.columns:
            cells[col] = cells[col].astype("Int64").where(~m)
    for col in ("polarised", "low_agreement", "clear"):
        if col in cells.columns:
            cells[col] = cells[col].astype("boolean").where(~m)
    if "rwg" in cells.columns:
        cells["low_agreement"] = (
            (cells["rwg"] < AGREEMENT_THRESHOLD).astype("boolean").where(cells["rwg"].notna())
        )
    return cells


# --- the views ---------------------------------------------------------------------------------


def _missing_as_hidden(
    cells: pd.DataFrame, raw: pd.DataFrame, keys: Sequence[str], extra: dict | None = None
) -> pd.DataFrame:
    """Cells the raw ratings have but ``countable`` emptied, as hidden rows: the page can say
    "hidden" where there was feedback, rather than leave the cell out as if no one answered."""
    keys = list(keys)
    have = raw[keys].drop_duplicates().astype(object)
    if have.empty:
        return cells
    known = set(map(tuple, cells[keys].astype(object).to_numpy())) if not cells.empty else set()
    lost = have[[tuple(r) not in known for r in have.to_numpy()]]
    if lost.empty:
        return cells
    rows = lost.assign(n=0, masked=True, mask_reason=MASK_SMALL, **(extra or {}))
    columns = list(dict.fromkeys([*cells.columns, *rows.columns]))
    rows = rows.reindex(columns=columns)
    out = pd.concat([cells, rows], ignore_index=True) if not cells.empty else rows
    out = out.sort_values(keys, kind="stable").reset_index(drop=True)
    return hide(out)


def by_group(fb: pd.DataFrame, privacy: Privacy) -> pd.DataFrame:
    """Initiative × group cells, masked; complementary within each side and each initiative."""
    return _by_group(fb, countable(fb, privacy), privacy)


def _by_group(raw: pd.DataFrame, fb: pd.DataFrame, privacy: Privacy) -> pd.DataFrame:
    cells = cell_stats(fb, ["initiative_id", "group"])
    side = fb.drop_duplicates("group").set_index("group")["side"]
    cells.insert(2, "side", cells["group"].map(side).astype(object))
    cells = _apply_mask(cells, privacy, [["initiative_id", "side"], ["initiative_id"]])
    cells = cells[cells["group"] != POOLED].reset_index(drop=True)
    sides = raw.drop_duplicates("group").set_index("group")["side"].astype(object)
    out = _missing_as_hidden(cells, raw, ["initiative_id", "group"])
    known = out["side"] if "side" in out.columns else pd.Series(np.nan, index=out.index)
    out["side"] = known.where(known.notna(), out["group"].map(sides)).astype(object)
    cols = ["initiative_id", "group", "side"]
    return out[[*cols, *(c for c in out.columns if c not in cols)]]


def by_side(fb: pd.DataFrame, privacy: Privacy) -> pd.DataFrame:
    """Initiative × side cells (tech, business; unassigned groups form their own part)."""
    return _by_side(fb, countable(fb, privacy), privacy)


def _by_side(raw: pd.DataFrame, fb: pd.DataFrame, privacy: Privacy) -> pd.DataFrame:
    cells = cell_stats(fb, ["initiative_id", "side"])
    cells = _apply_mask(cells, privacy, [["initiative_id"]])
    cells = cells[cells["side"].isin(SIDES_SHOWN)].reset_index(drop=True)
    shown_sides = raw[raw["side"].isin(SIDES_SHOWN)]
    return _missing_as_hidden(cells, shown_sides, ["initiative_id", "side"])


def overall(fb: pd.DataFrame, privacy: Privacy) -> pd.DataFrame:
    """One cell per initiative, all respondents whose answers may count (``countable``)."""
    return _overall(fb, countable(fb, privacy), privacy)


def _overall(raw: pd.DataFrame, fb: pd.DataFrame, privacy: Privacy) -> pd.DataFrame:
    cells = _apply_mask(cell_stats(fb, ["initiative_id"]), privacy)
    return _missing_as_hidden(cells, raw, ["initiative_id"])


def _period_codes(dates: pd.Series, freq: str) -> tuple[np.ndarray, np.ndarray]:
    """Each date's period as a code (-1 for none) into the sorted period labels."""
    periods = dates.dt.to_period("Q" if freq.upper().startswith("Q") else "M")
    # Labelled once per distinct period (a handful), not once per rating (a million).
    codes, uniques = pd.factorize(periods, sort=True)
    labels = pd.Index(uniques.astype(str)).str.replace(r"Q(\d)", r"-Q\1", regex=True)
    return codes, labels.str.replace("--", "-").to_numpy(dtype=object)


def period_label(dates: pd.Series, freq: str) -> pd.Series:
    """'2026-09' for months, '2026-Q3' for quarters."""
    codes, labels = _period_codes(dates, freq)
    out = np.where(codes >= 0, labels[np.maximum(codes, 0)] if len(labels) else None, np.nan)
    return pd.Series(out, index=dates.index, dtype=object)


def trend(fb: pd.DataFrame, privacy: Privacy, freq: str = "M") -> pd.DataFrame:
    """Initiative × period cells from dated ratings; complementary within each initiative.

    Months and quarters are two views of the same answers, so they are masked together: a
    month whose quarter the quarterly view hides is hidden, and within each quarter the hidden
    months are none or together hold ``k_min`` people. Otherwise a shown quarter minus its
    shown months, or a hidden quarter rebuilt from its months, would give a small month away.
    """
    fb = countable(fb, privacy)
    dated = fb[fb["date"].notna()]
    if dated.empty:
        empty = pd.DataFrame(columns=["initiative_id", "period", "n", "score", "rwg", "masked"])
        return empty.astype({"n": "Int64", "score": float, "rwg": float, "masked": bool})
    quarterly = freq.upper().startswith("Q")
    # The periods as a categorical (labels sort as time does): no million-string group-by.
    codes, labels = _period_codes(dated["date"], "Q" if quarterly else "M")
    period = pd.Categorical.from_codes(codes, categories=pd.Index(labels, dtype=object))
    cells = cell_stats(dated.assign(period=period), ["initiative_id", "period"])
    cells["period"] = pd.Series(pd.Index(cells["period"].to_numpy(dtype=object)))
    if quarterly:
        return _apply_mask(cells, privacy, [["initiative_id"]])
    quarters = trend(fb, privacy, "Q").set_index(["initiative_id", "period"])["masked"]
    cells["quarter"] = period_label(pd.to_datetime(cells["period"]), "Q")
    key = pd.MultiIndex.from_frame(cells[["initiative_id", "quarter"]])
    hidden_quarter = pd.Series(quarters.reindex(key).fillna(False).to_numpy(), cells.index)
    masked = _apply_mask(
        cells, privacy, [["initiative_id", "quarter"], ["initiative_id"]], also=hidden_quarter
    )
    return masked.drop(columns=["quarter"])


def gaps(fb: pd.DataFrame, privacy: Privacy) -> pd.DataFrame:
    """Initiative × dimension: tech mean, business mean, gap and its 95 % Welch interval.

    One value per respondent and dimension; a side under k_min masks the gap; within each
    initiative and side, a single masked dimension takes the next-smallest with it (the side's
    score over all dimensions could otherwise give it away).
    """
    cols = [
        "initiative_id",
        "dimension",
        "tech_mean",
        "business_mean",
        "gap",
        "gap_low",
        "gap_high",
        "clear",
        "n_tech",
        "n_business",
        "masked",
        "mask_reason",
    ]
    two = countable(fb, privacy)
    two = two[two["side"].isin(SIDES_SHOWN)]
    if two.empty:
        empty = pd.DataFrame({c: pd.Series(dtype=float) for c in cols})
        empty["masked"] = empty["masked"].astype(bool)
        return empty.astype({"initiative_id": object, "dimension": object, "mask_reason": object})
    per = _moments(two, ["initiative_id", "dimension", "side"])
    per = per[["mean", "var", "nunique", "size"]].set_axis(["mean", "var", "n", "k"], axis=1)
    wide = per.unstack("side")
    wide.columns = [f"{a}_{b}" for a, b in wide.columns]
    for side in SIDES_SHOWN:
        for stat in ("mean", "var", "n", "k"):
            if f"{stat}_{side}" not in wide.columns:
                wide[f"{stat}_{side}"] = np.nan
    wide = _plain_keys(wide.reset_index(), ["initiative_id", "dimension"])
    n_t = wide["n_tech"].fillna(0).astype(int)
    n_b = wide["n_business"].fillna(0).astype(int)
    out = pd.DataFrame(
        {
            "initiative_id": wide["initiative_id"],
            "dimension": wide["dimension"],
            "tech_mean": wide["mean_tech"],
            "business_mean": wide["mean_business"],
            "n_tech": n_t,
            "n_business": n_b,
        }
    )
    out["gap"] = out["tech_mean"] - out["business_mean"]
    low, high = welch_interval(
        wide["mean_tech"],
        wide["var_tech"],
        wide["k_tech"],
        wide["mean_business"],
        wide["var_business"],
        wide["k_business"],
    )
    out["gap_low"], out["gap_high"] = low, high
    out["clear"] = pd.Series((low > 0) | (high < 0), dtype="boolean").where(~np.isnan(low))
    # Masking, side by side: a dimension is masked for a side under k_min, then complementary
    # masking across dimensions within (initiative, side); the gap goes if either side goes.
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "initiative_id": out["initiative_id"],
                    "dimension": out["dimension"],
                    "side": s,
                    "n": out[f"n_{s}"],
                }
            )
            for s in SIDES_SHOWN
        ],
        ignore_index=True,
    )
    # A side that gave no rating on a dimension contributes nothing to its total: not a part.
    present = long[long["n"] > 0].copy()
    present["masked"] = present["n"] < privacy.k_min
    present["mask_reason"] = np.where(present["masked"], MASK_SMALL, "")
    present["masked"] = complementary_mask(present, ["initiative_id", "side"], k_min=privacy.k_min)
    long["masked"] = True
    long["mask_reason"] = MASK_SMALL
    long.loc[present.index, ["masked", "mask_reason"]] = present[["masked", "mask_reason"]]
    flags = long.pivot_table(
        index=["initiative_id", "dimension"], columns="side", values="masked", aggfunc="any"
    )
    reasons = (
        long[long["masked"]]
        .groupby(["initiative_id", "dimension"])["mask_reason"]
        .agg(lambda r: MASK_SMALL if MASK_SMALL in set(r) else MASK_COMPLEMENT)
    )
    key = pd.MultiIndex.from_frame(out[["initiative_id", "dimension"]])
    out["masked"] = flags.reindex(key).any(axis=1).to_numpy()
    out["mask_reason"] = reasons.reindex(key).fillna("").to_numpy()
    return hide(out)[cols]


def welch_interval(
    m1: pd.Series,
    v1: pd.Series,
    n1: pd.Series,
    m2: pd.Series,
    v2: pd.Series,
    n2: pd.Series,
    confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """Welch's two-sample t interval for m1 - m2, vectorised; NaN where a side has n < 2.

    Matches ``scipy.stats.ttest_ind(a, b, equal_var=False).confidence_interval()``; when both
    samples have no spread the interval collapses to the difference itself.
    """
    m1, v1, n1 = (np.asarray(x, dtype=float) for x in (m1, v1, n1))
    m2, v2, n2 = (np.asarray(x, dtype=float) for x in (m2, v2, n2))
    diff = m1 - m2
    a, b = v1 / n1, v2 / n2
    se = np.sqrt(a + b)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = (a + b) ** 2 / (a**2 / (n1 - 1) + b**2 / (n2 - 1))
        t = special.stdtrit(df, 0.5 + confidence / 2)
    half = np.where(se > 0, t * se, 0.0)
    valid = (n1 >= 2) & (n2 >= 2)
    return np.where(valid, diff - half, np.nan), np.where(valid, diff + half, np.nan)


# --- per initiative ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Views:
    """Every masked view of one feedback selection, computed once and shared by a page."""

    group: pd.DataFrame
    side: pd.DataFrame
    overall: pd.DataFrame
    gaps: pd.DataFrame
    summary: pd.DataFrame


def summary(
    fb: pd.DataFrame,
    privacy: Privacy,
    *,
    group: pd.DataFrame | None = None,
    side: pd.DataFrame | None = None,
    overall_cells: pd.DataFrame | None = None,
    gap_cells: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per initiative: overall and side scores, the overall gap with its interval,
    agreement, polarisation and the dimension with the largest clear gap.

    The overall gap uses one value per respondent (their mean over the dimensions), so a
    respondent's several ratings do not count as independent evidence.
    """
    raw, fb = fb, countable(fb, privacy)
    group = _by_group(raw, fb, privacy) if group is None else group
    side = _by_side(raw, fb, privacy) if side is None else side
    overall_cells = _overall(raw, fb, privacy) if overall_cells is None else overall_cells
    gap_cells = gaps(fb, privacy) if gap_cells is None else gap_cells
    out = overall_cells[["initiative_id", "n", "score", "rwg", "polarised", "masked"]].copy()
    for s in SIDES_SHOWN:
        part = side[side["side"] == s].set_index("initiative_id")
        out[f"score_{s}"] = out["initiative_id"].map(part["score"])
        out[f"n_{s}"] = out["initiative_id"].map(part["n"]).astype("Int64")
        out[f"rwg_{s}"] = out["initiative_id"].map(part["rwg"])
        out[f"polarised_{s}"] = out["initiative_id"].map(part["polarised"]).astype("boolean")
    # Overall gap from respondent means; shown only when both sides are shown.
    two = fb[fb["side"].isin(SIDES_SHOWN)]
    resp = _moments(two, ["initiative_id", "side", "respondent"])["mean"].rename("score")
    resp = resp.reset_index()
    agg = _moments(resp, ["initiative_id", "side"])[["mean", "var", "size"]].unstack("side")
    both = out["score_tech"].notna() & out["score_business"].notna()
    if not agg.empty and {("mean", "tech"), ("mean", "business")} <= set(agg.columns):
        agg = agg.reindex(out["initiative_id"])
        low, high = welch_interval(
            agg[("mean", "tech")],
            agg[("var", "tech")],
            agg[("size", "tech")],
            agg[("mean", "business")],
            agg[("var", "business")],
            agg[("size", "business")],
        )
        out["gap"] = (out["score_tech"] - out["score_business"]).where(both)
        out["gap_low"] = pd.Series(low, index=out.index).where(both)
        out["gap_high"] = pd.Series(high, index=out.index).where(both)
    else:
        out["gap"] = out["gap_low"] = out["gap_high"] = np.nan
    out["clear"] = pd.Series((out["gap_low"] > 0) | (out["gap_high"] < 0), dtype="boolean").where(
        out["gap_low"].notna()
    )
    shown = group.loc[~group["masked"].astype(bool)]
    out["groups_disagree"] = (
        out["initiative_id"]
        .map(shown[shown["rwg"] < AGREEMENT_THRESHOLD].groupby("initiative_id").size())
        .fillna(0)
        .astype(int)
    )
    polar = shown[shown["polarised"].fillna(False).astype(bool)]
    polar_groups = polar.groupby("initiative_id")["group"].agg(lambda g: ", ".join(sorted(g)))
    out["polarised_groups"] = out["initiative_id"].map(polar_groups).astype(object).fillna("")
    visible = gap_cells.loc[~gap_cells["masked"].astype(bool)].copy()
    visible["abs_gap"] = visible["gap"].abs()
    visible["clear_rank"] = visible["clear"].fillna(False).astype(int)
    top = (
        visible.sort_values(["clear_rank", "abs_gap"], ascending=False)
        .drop_duplicates("initiative_id")
        .set_index("initiative_id")
    )
    out["top_gap_dimension"] = out["initiative_id"].map(top["dimension"])
    out["top_gap"] = out["initiative_id"].map(top["gap"])
    out["top_gap_clear"] = out["initiative_id"].map(top["clear"]).astype("boolean")
    out["misalignment"] = misalignment(out)
    return out


def split_anywhere(summary: pd.DataFrame) -> pd.Series:
    """Per initiative: is the room split overall, on a side, or in any shown group?"""
    return summary[["polarised", "polarised_tech", "polarised_business"]].fillna(False).any(
        axis=1
    ) | (summary["polarised_groups"] != "")


def misalignment(rows: pd.DataFrame) -> pd.Series:
    """How much an initiative needs a conversation, for ranking only (shown with its reasons).

    The absolute overall gap counts in full when its interval excludes 0 and by
    ``RANK_UNCLEAR_GAP_SHARE`` otherwise; a polarised side or group adds ``RANK_SPLIT_POINTS``;
    groups that disagree add ``RANK_DISAGREE_POINTS`` each, up to ``RANK_DISAGREE_CAP``.
    """
    gap = rows["gap"].abs().fillna(0.0)
    clear = rows["clear"].fillna(False).astype(bool)
    score = np.where(clear, gap, gap * RANK_UNCLEAR_GAP_SHARE)
    split = np.where(split_anywhere(rows), RANK_SPLIT_POINTS, 0.0)
    disagree = np.minimum(rows["groups_disagree"] * RANK_DISAGREE_POINTS, RANK_DISAGREE_CAP)
    score = score + split + disagree
    return pd.Series(score, index=rows.index)


def views(fb: pd.DataFrame, privacy: Privacy) -> Views:
    """Every view from one ``countable`` pass, so they all rest on the same ratings."""
    counted = countable(fb, privacy)
    group = _by_group(fb, counted, privacy)
    side = _by_side(fb, counted, privacy)
    all_cells = _overall(fb, counted, privacy)
    gap_cells = gaps(counted, privacy)
    return Views(
        group,
        side,
        all_cells,
        gap_cells,
        summary(
            counted,
            privacy,
            group=group,
            side=side,
            overall_cells=all_cells,
            gap_cells=gap_cells,
        ),
    )


# --- drill-down --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drilldown:
    """What a click on a cell may reveal: nothing below k_min; comments only from k_comments."""

    allowed: bool
    message: str
    n: int | None = None
    distribution: pd.DataFrame | None = None  # dimension, rating, count (0-100 bins for mixed)
    comments: tuple[str, ...] = ()
    comments_message: str = ""
    dimensions_left_out: int = 0  # dimensions fewer than k_min people in the cell answered


def drilldown(
    fb: pd.DataFrame,
    comments: pd.DataFrame,
    cells: pd.DataFrame,
    initiative_id: str,
    column: str,
    value: str,
    privacy: Privacy,
) -> Drilldown:
    """Open one shown cell of a heatmap (``column`` is "group", "side" or "period").

    The decision rests on the masked view the user saw (``cells``), so a cell hidden there,
    including by complementary masking, stays hidden here.
    """
    row = cells[(cells["initiative_id"] == initiative_id) & (cells[column] == value)]
    if row.empty:
        return Drilldown(False, "There is no feedback for this cell.")
    if bool(row["masked"].iloc[0]):
        reason = row["mask_reason"].iloc[0]
        why = (
            f"fewer than {privacy.k_min} respondents"
            if reason == MASK_SMALL
            else "hiding it keeps a smaller group from being worked out by subtraction"
        )
        return Drilldown(False, f"This cell is hidden: {why}.")
    counted = countable(fb, privacy)
    sel = counted[
        (counted["initiative_id"] == initiative_id) & (_cell_column(counted, column) == value)
    ]
    # Every figure's n is the people behind it: a dimension answered by fewer than k_min of
    # the cell's people has no distribution of its own here (it could be read off alone).
    per_dim = sel.groupby("dimension", observed=True)["respondent"].nunique()
    thin = set(per_dim[per_dim < privacy.k_min].index)
    if thin:
        sel = sel[~sel["dimension"].isin(thin)]
    n = int(sel["respondent"].nunique())
    dist = _distribution(sel)
    if n < privacy.k_comments:
        return Drilldown(
            True,
            "",
            n,
            dist,
            (),
            f"Comments are shown only for cells with at "
            f"least {privacy.k_comments} respondents; this one has fewer.",
            len(thin),
        )
    csel = comments[
        (comments["initiative_id"] == initiative_id) & (_cell_column(comments, column) == value)
    ]
    csel = shareable_comments(csel, fb[fb["initiative_id"] == initiative_id], privacy)
    texts = tuple(sorted({str(c) for c in csel["comment"].dropna() if str(c).strip()}))
    return Drilldown(
        True,
        "",
        n,
        dist,
        texts,
        "" if texts else "No comments were left for this cell.",
        len(thin),
    )


def shareable_comments(comments: pd.DataFrame, fb: pd.DataFrame, privacy: Privacy) -> pd.DataFrame:
    """Only comments whose own group, for that initiative, has at least ``k_comments`` people.

    A side-level cell can pass the threshold while one of its groups does not; showing the
    side's comments beside the large group's would let the small group's remarks be picked out
    by subtraction, so a small group's comments are never shown, at any level.
    """
    if comments.empty:
        return comments
    sizes = fb.groupby(["initiative_id", "group"], observed=True)["respondent"].nunique()
    key = pd.MultiIndex.from_arrays(
        [comments["initiative_id"].astype(object), comments["group"].astype(object)]
    )
    ok = sizes.reindex(key).fillna(0).to_numpy() >= privacy.k_comments
    return comments[ok]


def _distribution(sel: pd.DataFrame) -> pd.DataFrame:
    """People per rating and dimension, with every point of the scale present (zeros included),
    so a split room shows as two humps with a valley between them."""
    counts = sel.groupby(["dimension", "rating"], observed=True).size().rename("count")
    rows = []
    for dim, part in sel.groupby("dimension", observed=True):
        lo, hi = float(part["scale_min"].min()), float(part["scale_max"].max())
        points = set(np.arange(lo, hi + 1, 1.0)) if hi - lo <= 20 else set()
        for rating in sorted(points | set(part["rating"])):
            rows.append((dim, rating, int(counts.get((dim, rating), 0))))
    return pd.DataFrame(rows, columns=["dimension", "rating", "count"])


def _cell_column(frame: pd.DataFrame, column: str) -> pd.Series:
    if column == "period" and "period" not in frame.columns:
        return (
            pd.Series(frame["date"].dt.to_period("M").astype(str), index=frame.index)
            if "date" in frame.columns
            else pd.Series("", index=frame.index)
        )
    return frame[column]
