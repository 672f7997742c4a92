"""Compare two workspaces: did alignment move, per initiative and side, and which gaps opened or
closed?

Both sides of the comparison are read through ``alignment.scoring``'s masked views, with the same
thresholds: a cell hidden in either snapshot is "not comparable" (its figure is not known to the
comparison either, so no change can leak a hidden score). So is a cell whose number of people
changed by 1 to ``k_min - 1`` between the snapshots: its two figures would differ by the
answers of those few people, and (before × n_before - after × n_after) / Δn gives their mean
away; neither figure is shown in the comparison then. Changes smaller than
``STEADY_POINTS`` (``constants.COMPARISON_CHANGE``) on the 0–100 scale are called steady: a
monthly review should not chase noise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alignment import scoring
from alignment.constants import COMPARISON_CHANGE
from alignment.dataset import Dataset
from alignment.privacy import Privacy

STEADY_POINTS = COMPARISON_CHANGE
IMPROVED, WORSENED, STEADY = "improved", "worsened", "steady"
NEW, GONE, HIDDEN = "new", "gone", "not comparable"
# Why a cell is not comparable, in words a page can show.
HIDDEN_READING = "Hidden in one of the snapshots (fewer respondents than the threshold)"
FEW_CHANGED_READING = (
    "Fewer people than the threshold joined or left between the snapshots: the change "
    "would show their answers"
)
STATUSES = (IMPROVED, WORSENED, STEADY, NEW, GONE, HIDDEN)
GAP_NEW, GAP_RESOLVED, GAP_OPEN, GAP_HIDDEN, GAP_GONE = (
    "new gap",
    "resolved",
    "still open",
    "not comparable",
    "no longer rated",
)
SIDE_LABELS = {"tech": "Tech", "business": "Business"}


@dataclass(frozen=True)
class Comparison:
    """The change between two snapshots, ready for a table, a chart and a summary line."""

    cells: pd.DataFrame  # one row per initiative × side
    gaps: pd.DataFrame  # one row per initiative × dimension with a clear gap in either snapshot
    counts: dict[str, int]

    @property
    def has_feedback(self) -> bool:
        return not self.cells.empty


def _names(before: Dataset, after: Dataset) -> dict[str, str]:
    return {**before.initiative_names(), **after.initiative_names()}


def _side_cells(
    dataset: Dataset, privacy: Privacy, dimensions: Iterable[str] | None
) -> pd.DataFrame:
    cols = ["initiative_id", "side", "score", "n", "masked"]
    if not dataset.has_feedback:
        return pd.DataFrame(columns=cols)
    fb = scoring.prepare(dataset.feedback, dimensions)
    return scoring.by_side(fb, privacy)[cols]


def compare(
    before: Dataset, after: Dataset, privacy: Privacy, dimensions: Iterable[str] | None = None
) -> Comparison:
    """Alignment change per initiative and side, and new or resolved clear gaps."""
    dims = list(dimensions) if dimensions is not None else None
    names = _names(before, after)
    a = _side_cells(before, privacy, dims)
    b = _side_cells(after, privacy, dims)
    cells = a.merge(
        b, on=["initiative_id", "side"], how="outer", suffixes=("_before", "_after"), indicator=True
    )
    in_a = cells["_merge"].isin(["both", "left_only"])
    in_b = cells["_merge"].isin(["both", "right_only"])
    masked = (in_a & cells["masked_before"].fillna(False).astype(bool)) | (
        in_b & cells["masked_after"].fillna(False).astype(bool)
    )
    few = in_a & in_b & ~masked & few_changed(cells["n_before"], cells["n_after"], privacy)
    hidden = masked | few
    change = cells["score_after"].astype(float) - cells["score_before"].astype(float)
    status = np.select(
        [hidden & in_a & in_b, ~in_a, ~in_b, change >= STEADY_POINTS, change <= -STEADY_POINTS],
        [HIDDEN, NEW, GONE, IMPROVED, WORSENED],
        default=STEADY,
    )
    out = pd.DataFrame(
        {
            "initiative_id": cells["initiative_id"],
            "initiative": cells["initiative_id"].map(lambda i: names.get(i, i)),
            "side": cells["side"],
            "side_label": cells["side"].map(SIDE_LABELS),
            "score_before": cells["score_before"].astype(float).where(~few),
            "score_after": cells["score_after"].astype(float).where(~few),
            "n_before": cells["n_before"].astype("Int64").where(~few),
            "n_after": cells["n_after"].astype("Int64").where(~few),
            "change": change.where(~hidden),
            "status": status,
        }
    )
    out["reading"] = [
        FEW_CHANGED_READING if f else _reading(s, c)
        for s, c, f in zip(out["status"], out["change"], few, strict=True)
    ]
    out = out.sort_values(["initiative_id", "side"], kind="stable").reset_index(drop=True)
    counts = {s: int((out["status"] == s).sum()) for s in STATUSES}
    return Comparison(out, _gap_changes(before, after, privacy, dims, names), counts)


def few_changed(n_before: pd.Series, n_after: pd.Series, privacy: Privacy) -> pd.Series:
    """Did the number of people behind a figure change by 1 to k_min - 1?"""
    diff = (n_after.astype("Float64") - n_before.astype("Float64")).abs()
    return ((diff >= 1) & (diff < privacy.k_min)).fillna(False).astype(bool)


def _reading(status: str, change: float) -> str:
    if status == HIDDEN:
        return HIDDEN_READING
    if status == NEW:
        return "Not rated in the earlier snapshot"
    if status == GONE:
        return "Not rated in the later snapshot"
    return f"{change:+.0f} points"


def _gap_cells(dataset: Dataset, privacy: Privacy, dims: list[str] | None) -> pd.DataFrame:
    cols = [
        "initiative_id",
        "dimension",
        "gap",
        "gap_low",
        "gap_high",
        "clear",
        "n_tech",
        "n_business",
        "masked",
    ]
    if not dataset.has_feedback:
        return pd.DataFrame(columns=cols)
    return scoring.gaps(scoring.prepare(dataset.feedback, dims), privacy)[cols]


def _gap_changes(
    before: Dataset, after: Dataset, privacy: Privacy, dims: list[str] | None, names: dict[str, str]
) -> pd.DataFrame:
    """Clear gaps (95 % interval excludes 0) that appeared, closed, or stayed open."""
    a = _gap_cells(before, privacy, dims)
    b = _gap_cells(after, privacy, dims)
    g = a.merge(
        b,
        on=["initiative_id", "dimension"],
        how="outer",
        suffixes=("_before", "_after"),
        indicator=True,
    )
    clear_a = g["clear_before"].fillna(False).astype(bool) & ~g["masked_before"].fillna(
        False
    ).astype(bool)
    clear_b = g["clear_after"].fillna(False).astype(bool) & ~g["masked_after"].fillna(False).astype(
        bool
    )
    in_a = g["_merge"].isin(["both", "left_only"])
    in_b = g["_merge"].isin(["both", "right_only"])
    # A side whose people changed by fewer than k_min: the gap before and after would give
    # their answers away, so for the comparison the gap is hidden in both snapshots.
    few = (
        in_a
        & in_b
        & (
            few_changed(g["n_tech_before"], g["n_tech_after"], privacy)
            | few_changed(g["n_business_before"], g["n_business_after"], privacy)
        )
    )
    masked_a = g["masked_before"].fillna(False).astype(bool)
    masked_b = g["masked_after"].fillna(False).astype(bool)
    status = np.select(
        [
            clear_a & clear_b,
            clear_b & in_a & masked_a,
            clear_b,
            clear_a & ~in_b,
            clear_a & masked_b,
            clear_a,
        ],
        [GAP_OPEN, GAP_HIDDEN, GAP_NEW, GAP_GONE, GAP_HIDDEN, GAP_RESOLVED],
        default="",
    )
    status = np.where(few & (status != ""), GAP_HIDDEN, status)
    out = pd.DataFrame(
        {
            "initiative_id": g["initiative_id"],
            "initiative": g["initiative_id"].map(lambda i: names.get(i, i)),
            "dimension": g["dimension"],
            "gap_before": g["gap_before"].astype(float).where(~(masked_a | few)),
            "gap_after": g["gap_after"].astype(float).where(~(masked_b | few)),
            "status": status,
        }
    )
    out = out[out["status"] != ""]
    order = {GAP_NEW: 0, GAP_RESOLVED: 1, GAP_OPEN: 2, GAP_GONE: 3, GAP_HIDDEN: 4}
    out = out.assign(_o=out["status"].map(order), _g=out["gap_after"].abs().fillna(0))
    out = out.sort_values(["_o", "_g"], ascending=[True, False], kind="stable")
    return out.drop(columns=["_o", "_g"]).reset_index(drop=True)


def chart_frame(cells: pd.DataFrame) -> pd.DataFrame:
    """The rows a slope/dumbbell chart can draw: every cell with at least one shown score."""
    shown = cells[cells["status"] != HIDDEN].copy()
    shown["label"] = (shown["initiative_id"] + " " + shown["initiative"].astype(str)).map(
        lambda s: s if len(s) <= 38 else s[:37].rstrip() + "…"
    )
    return shown.reset_index(drop=True)
