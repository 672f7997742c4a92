"""The filter bar of the analysis pages: returns the user's choice as a ``Filters``."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from alignment.dataset import Dataset
from alignment.schema import SIDE_LABELS
from alignment.selection import SORTS, Filters


def _options(values: pd.Series) -> list[str]:
    # Distinct values first: a column of the feedback has a row per rating (100k and more).
    return sorted({str(v) for v in values.dropna().unique()}, key=str.casefold)


def show(dataset: Dataset, *, key: str, groups: bool = True) -> Filters:
    """Team, objective, status, side, group, dimension and sort, in one compact bar."""
    init = dataset.initiatives
    objective_names = dict(zip(dataset.objectives["id"], dataset.objectives["name"], strict=False))
    with st.container(border=True):
        row1 = st.columns(4)
        teams = row1[0].multiselect(
            "Team", _options(init["team"]), key=f"{key}-team", placeholder="All teams"
        )
        objectives = row1[1].multiselect(
            "Objective",
            list(objective_names),
            key=f"{key}-objective",
            format_func=lambda o: f"{o} {objective_names.get(o, '')}".strip(),
            placeholder="All objectives",
        )
        statuses = row1[2].multiselect(
            "Status", _options(init["status"]), key=f"{key}-status", placeholder="All statuses"
        )
        sort = row1[3].selectbox(
            "Sort initiatives by", list(SORTS), format_func=SORTS.get, key=f"{key}-sort"
        )
        row2 = st.columns(3)
        sides = row2[0].multiselect(
            "Side",
            ["tech", "business"],
            format_func=SIDE_LABELS.get,
            key=f"{key}-side",
            placeholder="Both sides",
        )
        group_choice: list[str] = []
        if groups:
            group_choice = row2[1].multiselect(
                "Group",
                _options(dataset.feedback["group"]),
                key=f"{key}-group",
                placeholder="All groups",
            )
        dims = row2[2].multiselect(
            "Dimension",
            list(dataset.dimensions),
            format_func=lambda d: dataset.dimensions.get(d, d),
            key=f"{key}-dimension",
            placeholder="All dimensions",
            help="Alignment scores average the chosen dimensions.",
        )
    return Filters(
        tuple(teams),
        tuple(objectives),
        tuple(statuses),
        tuple(sides),
        tuple(group_choice),
        tuple(dims),
        sort,
    )
