"""Headline figures and one-sentence reasons, in plain words, from the masked numbers.

The overview, the briefs and the CLI say the same things the same way. Every sentence is built
only from figures that survived masking, and says how sure it is (clear difference or not, a
split room, n).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alignment import coverage as coverage_mod
from alignment.dataset import Dataset
from alignment.privacy import Privacy
from alignment.scoring import SIDES_SHOWN, Views, countable, split_anywhere, welch_interval
from alignment.values import is_missing


def _present(v: object) -> bool:
    return not is_missing(v)


def reason(row: Mapping[str, object], dim_labels: Mapping[str, str]) -> str:
    """Why an initiative needs a conversation, in one sentence."""
    parts: list[str] = []
    polar_where = [str(row.get("polarised_groups") or "")]
    for side in SIDES_SHOWN:
        if row.get(f"polarised_{side}") is True:
            polar_where.append(f"the {side} side")
    polar_where = [p for p in polar_where if p]
    if polar_where or row.get("polarised") is True:
        where = " and ".join(polar_where) if polar_where else "the respondents"
        verb = "is" if len(polar_where) == 1 and "," not in where else "are"
        parts.append(f"the room is split: {where} {verb} divided into two camps")
    gap, low, high = row.get("gap"), row.get("gap_low"), row.get("gap_high")
    tech, business = row.get("score_tech"), row.get("score_business")
    if _present(gap) and _present(tech) and _present(business):
        higher = "tech" if gap > 0 else "business"
        dim = row.get("top_gap_dimension")
        on = f", most on {dim_labels.get(dim, dim).lower()}" if isinstance(dim, str) else ""
        if _present(low) and (low > 0 or high < 0):
            parts.append(
                f"tech rates it {tech:.0f} and business {business:.0f}: a clear "
                f"{abs(gap):.0f}-point gap ({higher} higher, 95% interval "
                f"{low:+.0f} to {high:+.0f}){on}"
            )
        elif _present(low):
            parts.append(
                f"tech {tech:.0f} vs business {business:.0f}, but the interval "
                f"({low:+.0f} to {high:+.0f}) contains 0: no clear difference yet"
            )
        else:
            parts.append(
                f"tech {tech:.0f} vs business {business:.0f} (too few respondents on a "
                "side for an interval)"
            )
    elif not _present(tech) or not _present(business):
        parts.append("one side's view is hidden (too few respondents) or missing")
    k = int(row.get("groups_disagree") or 0)
    if k:
        parts.append(
            f"{k} group{'s' if k > 1 else ''} disagree{'' if k > 1 else 's'} among themselves"
        )
    if not parts:
        return "No sign of misalignment in the feedback."
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


@dataclass(frozen=True)
class Headline:
    side_scores: dict[str, tuple[float | None, int | None]]  # side -> (score, n respondents)
    gap: float | None
    gap_low: float | None
    gap_high: float | None
    why_share: float | None  # % of initiatives with a WHY
    n_initiatives: int
    orphans: int
    uncovered: int
    disagree: int  # initiatives where at least one group disagrees
    polarised: int  # initiatives with a split room somewhere
    respondents: int


def headline(dataset: Dataset, views: Views, fb: pd.DataFrame, privacy: Privacy) -> Headline:
    """The overview's figures. A side's score uses the ratings of the initiative × side cells
    shown elsewhere (``views.side``), never those of a hidden cell: a total over all initiatives
    beside the shown cells would otherwise bound the hidden one. A side under k_min is hidden."""
    sides: dict[str, tuple[float | None, int | None]] = {}
    everyone = int(fb["respondent"].nunique())
    fb = _in_shown_side_cells(countable(fb, privacy), views.side)
    per_resp = (
        fb[fb["side"].isin(SIDES_SHOWN)]
        .groupby(["side", "respondent"], observed=True)["score"]
        .mean()
    )
    stats: dict[str, tuple[float, float, int]] = {}
    for side in SIDES_SHOWN:
        sel = fb[fb["side"] == side]
        n = int(sel["respondent"].nunique())
        if n >= privacy.k_min:
            sides[side] = (float(sel["score"].mean()), n)
            resp = per_resp.loc[side] if side in per_resp.index.get_level_values(0) else None
            if resp is not None:
                stats[side] = (float(resp.mean()), float(resp.var()), len(resp))
        else:
            sides[side] = (None, None)
    gap = low = high = None
    if all(sides[s][0] is not None for s in SIDES_SHOWN):
        gap = sides["tech"][0] - sides["business"][0]
        if all(s in stats for s in SIDES_SHOWN):
            lo, hi = welch_interval(
                [stats["tech"][0]],
                [stats["tech"][1]],
                [stats["tech"][2]],
                [stats["business"][0]],
                [stats["business"][1]],
                [stats["business"][2]],
            )
            low, high = (float(lo[0]), float(hi[0])) if not np.isnan(lo[0]) else (None, None)
    cov = coverage_mod.coverage(dataset)
    n_init = len(dataset.initiatives)
    why = None if n_init == 0 else 100 * float(coverage_mod.has_why(dataset.initiatives).mean())
    summary = views.summary
    polar = split_anywhere(summary)
    return Headline(
        sides,
        gap,
        low,
        high,
        why,
        n_init,
        len(cov.orphans),
        len(cov.uncovered),
        int((summary["groups_disagree"] > 0).sum()),
        int(polar.sum()),
        everyone,
    )


def _in_shown_side_cells(fb: pd.DataFrame, side_cells: pd.DataFrame) -> pd.DataFrame:
    """The ratings behind the shown initiative × side cells only."""
    shown = side_cells.loc[~side_cells["masked"].astype(bool), ["initiative_id", "side"]]
    pairs = pd.MultiIndex.from_arrays(
        [fb["initiative_id"].astype(object), fb["side"].astype(object)]
    )
    return fb[pairs.isin(list(map(tuple, shown.astype(object).to_numpy())))]


def most_misaligned(
    views: Views, names: Mapping[str, str], dim_labels: Mapping[str, str], limit: int = 3
) -> list[tuple[str, str, str]]:
    """(initiative id, name, reason) of the initiatives that most need a conversation."""
    top = (
        views.summary[views.summary["misalignment"] > 0]
        .sort_values("misalignment", ascending=False)
        .head(limit)
    )
    return [
        (
            r["initiative_id"],
            names.get(r["initiative_id"], r["initiative_id"]),
            reason(r, dim_labels),
        )
        for r in top.to_dict("records")
    ]


def split_rooms(
    views: Views,
    names: Mapping[str, str],
    dim_labels: Mapping[str, str],
    exclude: set[str] = frozenset(),
    limit: int = 3,
) -> list[tuple[str, str, str]]:
    """Polarised initiatives not already listed: a split room deserves a mention of its own,
    even when its average gap is small (two camps average out to a calm-looking score)."""
    summary = views.summary
    rows = summary[split_anywhere(summary) & ~summary["initiative_id"].isin(exclude)]
    rows = rows.sort_values("misalignment", ascending=False).head(limit)
    return [
        (
            r["initiative_id"],
            names.get(r["initiative_id"], r["initiative_id"]),
            reason(r, dim_labels),
        )
        for r in rows.to_dict("records")
    ]
