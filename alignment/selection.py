"""Which initiatives, groups and dimensions a view shows, and in what order.

Filters on groups and sides only choose what is displayed: scores and masks are always computed
on all groups, because a total computed over a filtered subset, compared with the unfiltered
total, would give away the groups left out (a differencing attack on small groups).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

SORTS = {
    "gap": "Largest clear gap first",
    "score": "Lowest alignment first",
    "agreement": "Least agreement first",
    "name": "Name",
}


@dataclass(frozen=True)
class Filters:
    teams: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    sides: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()  # empty = every dimension in the feedback
    sort: str = "gap"
    extra: dict = field(default_factory=dict, compare=False)


def initiatives_matching(
    initiatives: pd.DataFrame, feedback_ids: list[str], filters: Filters
) -> list[str]:
    """Ids of initiatives passing the team, objective and status filters.

    Initiatives known only from feedback (no initiatives table row) pass when no such filter is
    set, since nothing is known about their team or objective.
    """
    table = initiatives
    if filters.teams:
        table = table[table["team"].isin(filters.teams)]
    if filters.objectives:
        wanted = set(filters.objectives)
        table = table[table["objective_ids"].map(lambda ids: bool(wanted & set(ids or ())))]
    if filters.statuses:
        table = table[table["status"].isin(filters.statuses)]
    ids = list(table["id"])
    if not (filters.teams or filters.objectives or filters.statuses):
        known = set(ids)
        ids += [i for i in feedback_ids if i not in known]
    return ids


def order_initiatives(
    summary: pd.DataFrame, ids: list[str], names: dict[str, str], sort: str
) -> list[str]:
    """Initiative ids in display order. "gap" puts clear differences first, then by size."""
    frame = summary.set_index("initiative_id").reindex(ids)
    frame["name"] = [names.get(i, i) for i in frame.index]
    if sort == "score":
        frame = frame.sort_values(["score", "name"], na_position="last")
    elif sort == "agreement":
        frame = frame.sort_values(["rwg", "name"], na_position="last")
    elif sort == "name":
        frame = frame.sort_values("name", key=lambda s: s.str.casefold())
    else:
        frame["clear_rank"] = frame["clear"].fillna(False).astype(int)
        frame["abs_gap"] = frame["gap"].abs()
        frame = frame.sort_values(
            ["clear_rank", "abs_gap", "name"], ascending=[False, False, True], na_position="last"
        )
    return list(frame.index)


def page_of(items: list[str], page: int, size: int) -> list[str]:
    start = max(page - 1, 0) * size
    return items[start : start + size]
