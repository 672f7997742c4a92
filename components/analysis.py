"""Cached analyses for the pages: computed once per data, dimension choice and thresholds.

The dataset is passed with a leading underscore so Streamlit does not hash its frames (a 100k
row frame would be hashed from a sample anyway); the fingerprint names the data instead.
"""

from __future__ import annotations

import streamlit as st

from alignment import coverage, scoring
from alignment.dataset import Dataset
from alignment.privacy import Privacy


def _feedback(dataset: Dataset, dimensions: tuple[str, ...]):
    return scoring.prepare(dataset.feedback, dimensions or None)


@st.cache_data(show_spinner=False, max_entries=24)
def views(
    fingerprint: str, dimensions: tuple[str, ...], k_min: int, k_comments: int, _dataset: Dataset
) -> scoring.Views:
    return scoring.views(_feedback(_dataset, dimensions), Privacy(k_min, k_comments))


@st.cache_data(show_spinner=False, max_entries=24)
def trend(
    fingerprint: str,
    dimensions: tuple[str, ...],
    k_min: int,
    k_comments: int,
    freq: str,
    _dataset: Dataset,
):
    return scoring.trend(_feedback(_dataset, dimensions), Privacy(k_min, k_comments), freq)


@st.cache_data(show_spinner=False, max_entries=8)
def strategic_coverage(fingerprint: str, _dataset: Dataset) -> coverage.Coverage:
    return coverage.coverage(_dataset)


def current_views(
    dataset: Dataset, privacy: Privacy, dimensions: tuple[str, ...] = ()
) -> scoring.Views:
    return views(
        dataset.fingerprint, tuple(sorted(dimensions)), privacy.k_min, privacy.k_comments, dataset
    )


@st.cache_data(show_spinner=False, max_entries=8)
def coverage_specs(fingerprint: str, _dataset: Dataset) -> tuple[str, str]:
    """The two coverage charts as JSON specs: they depend on the data only, not on filters."""
    import json

    from alignment.charts import heatmaps

    cov = coverage.coverage(_dataset)
    order = list(heatmaps.objective_label(cov.shares["objective_id"], cov.shares["objective"]))
    bars = heatmaps.weight_vs_effort(cov.shares).to_dict()
    matrix = heatmaps.coverage_matrix(cov.links, order, list(_dataset.initiatives["id"])).to_dict()
    return json.dumps(bars), json.dumps(matrix)
