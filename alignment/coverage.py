"""Strategic coverage: does the portfolio spend where the strategy says it should?

An initiative serving several objectives splits its effort equally between them (there is no
better information in a roadmap sheet, and splitting keeps the shares summing to the total).
Cancelled initiatives do not count. Work serving no known objective is "orphan work": it is
reported as its own share, so weight shares and effort shares are compared on the same total.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from alignment.dataset import Dataset

ORPHAN = "(no objective)"


@dataclass(frozen=True)
class Coverage:
    links: pd.DataFrame  # objective_id, objective, initiative_id, initiative, effort_part
    shares: pd.DataFrame  # objective_id, objective, weight, weight_share, effort, effort_share,
    #                       initiatives (count), initiative_ids
    orphans: pd.DataFrame  # initiatives serving no known objective
    uncovered: pd.DataFrame  # objectives no initiative serves
    missing_effort: list[str]  # initiative ids without an effort figure
    without_why: pd.DataFrame  # initiatives with no WHY


def _active(initiatives: pd.DataFrame) -> pd.DataFrame:
    return initiatives[initiatives["status"].astype(object) != "Cancelled"]


def has_why(initiatives: pd.DataFrame) -> pd.Series:
    """A WHY counts when it holds at least a few words, not a placeholder such as 'TBD'."""
    why = initiatives["why"].astype(object).where(initiatives["why"].notna(), "")
    text = why.astype(str).str.strip()
    placeholder = text.str.lower().isin(
        {"tbd", "tbc", "todo", "to do", "n/a", "na", "-", "?", "see above", "same", "..."}
    )
    return (text.str.split().str.len() >= 3) & ~placeholder


def coverage(dataset: Dataset) -> Coverage:
    initiatives = _active(dataset.initiatives)
    objectives = dataset.objectives
    known = set(objectives["id"])
    rows = []
    for ident, name, objs, effort in zip(
        initiatives["id"],
        initiatives["name"],
        initiatives["objective_ids"],
        initiatives["effort"],
        strict=False,
    ):
        served = [o for o in (objs if isinstance(objs, tuple) else ()) if o in known]
        effort = float(effort) if effort == effort and effort is not None else np.nan
        if not served:
            rows.append((ORPHAN, ORPHAN, ident, name, effort))
        for o in served:
            rows.append((o, None, ident, name, effort / len(served)))
    links = pd.DataFrame(
        rows, columns=["objective_id", "objective", "initiative_id", "initiative", "effort_part"]
    )
    names = dict(zip(objectives["id"], objectives["name"], strict=False))
    named = links["objective_id"].map(names).astype(object)
    links["objective"] = named.where(named.notna(), links["objective"].astype(object))
    total_effort = links["effort_part"].sum(min_count=1)
    weights = pd.to_numeric(objectives["weight"], errors="coerce")
    if weights.notna().any() and weights.fillna(0).sum() > 0:
        weight = weights.fillna(0.0)
    else:
        weight = pd.Series(1.0, index=objectives.index)
    per = links.groupby("objective_id").agg(
        effort=("effort_part", "sum"),
        initiatives=("initiative_id", "nunique"),
        initiative_ids=("initiative_id", lambda s: ", ".join(sorted(s))),
    )
    shares = pd.DataFrame(
        {
            "objective_id": objectives["id"],
            "objective": objectives["name"],
            "weight": weight.to_numpy(),
        }
    )
    shares["weight_share"] = (
        100 * shares["weight"] / shares["weight"].sum() if len(shares) else pd.Series(dtype=float)
    )
    if ORPHAN in per.index:
        shares = pd.concat(
            [
                shares,
                pd.DataFrame(
                    {
                        "objective_id": [ORPHAN],
                        "objective": [ORPHAN],
                        "weight": [0.0],
                        "weight_share": [0.0],
                    }
                ),
            ],
            ignore_index=True,
        )
    shares = shares.join(per, on="objective_id")
    shares["initiatives"] = shares["initiatives"].fillna(0).astype(int)
    shares["initiative_ids"] = shares["initiative_ids"].fillna("")
    shares["effort"] = shares["effort"].fillna(0.0)
    shares["effort_share"] = (
        100 * shares["effort"] / total_effort
        if total_effort and total_effort == total_effort
        else np.nan
    )
    orphan_ids = set(links.loc[links["objective_id"] == ORPHAN, "initiative_id"])
    orphans = initiatives[initiatives["id"].isin(orphan_ids)]
    served = set(links["objective_id"])
    uncovered = objectives[~objectives["id"].isin(served)]
    missing = [
        i
        for i, e in zip(initiatives["id"], initiatives["effort"], strict=False)
        if not (e == e and e is not None)
    ]
    without_why = initiatives[~has_why(initiatives)]
    return Coverage(links, shares, orphans, uncovered, missing, without_why)
