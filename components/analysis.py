"""Every cached call into the core, in one place: computed once per data, choice and threshold.

Pages never define caches of their own; they call these functions, so what is cached, for how
long and keyed on what can be read here at a glance. The rules they follow:

- the dataset is passed with a leading underscore so Streamlit does not hash its frames (a 100k
  row frame would be hashed from a sample anyway); its fingerprint names the data instead;
- ``st.cache_data`` (a copy per caller) for results a page may touch; ``st.cache_resource`` (one
  shared object) only for read-only inputs that are costly to copy, such as the brief inputs;
- anything a user's choice changes (thresholds, a day, a team's answers) is part of the key.

The loader caches the reading of uploaded files itself (by their digest), and ``storage`` the
database connection: those are inputs, not analyses.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from alignment import compare, coverage, indicators, scoring
from alignment.dataset import Dataset
from alignment.ingest import import_files
from alignment.privacy import Privacy
from components import storage

if TYPE_CHECKING:  # the heavier modules are imported by the call that needs them (below)
    from alignment import assessment, briefs, prioritise
    from alignment import dependencies as dep
    from alignment import workshop as workshop_core
    from alignment.assessment import evidence


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
def uncounted(
    fingerprint: str, k_min: int, k_comments: int, _dataset: Dataset
) -> scoring.Uncounted:
    """Which groups' small answers count for no side (for the pages to say so)."""
    return scoring.uncounted(_feedback(_dataset, ()), Privacy(k_min, k_comments))


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
    from alignment.charts import heatmaps

    cov = coverage.coverage(_dataset)
    order = list(heatmaps.objective_label(cov.shares["objective_id"], cov.shares["objective"]))
    bars = heatmaps.weight_vs_effort(cov.shares).to_dict()
    matrix = heatmaps.coverage_matrix(cov.links, order, list(_dataset.initiatives["id"])).to_dict()
    return json.dumps(bars), json.dumps(matrix)


@st.cache_data(show_spinner=False, max_entries=16)
def detection(
    fingerprint: str, rules: indicators.Rules, overrides_json: str, _dataset: Dataset
) -> indicators.Detection:
    """Warnings and the risk index; ``overrides_json`` is the user's threshold changes as JSON."""
    limits = indicators.thresholds(_dataset.indicators, json.loads(overrides_json))
    return indicators.detect(_dataset.indicators, limits, rules)


@st.cache_data(show_spinner=False, max_entries=8)
def dependency_graph(fingerprint: str, _dataset: Dataset) -> dep.DependencyGraph:
    from alignment import dependencies as dep

    return dep.build(_dataset.initiatives)


@st.cache_data(show_spinner=False, max_entries=8)
def stakeholder_tracker(fingerprint: str, day: dt.date, _dataset: Dataset) -> pd.DataFrame:
    """Each stakeholder's last and next 1:1 as of ``day``."""
    from alignment import stakeholders

    return stakeholders.tracker(_dataset.stakeholders, day)


@st.cache_data(show_spinner="Reading both workspaces…", max_entries=8)
def workspace_comparison(
    db_url: str, before_id: int, after_id: int, saved: tuple[str, str], k_min: int, k_comments: int
) -> compare.Comparison | None:
    """Re-import both snapshots from their stored bytes and compare their masked views.
    Keyed by ids and save times (a snapshot's content never changes once saved)."""
    s = storage.get()
    a, b = s.snapshot(before_id), s.snapshot(after_id)
    if a is None or b is None:
        return None
    da = import_files(a.sources, a.settings, name=a.info.name).dataset
    db = import_files(b.sources, b.settings, name=b.info.name).dataset
    return compare.compare(da, db, Privacy(k_min, k_comments))


@st.cache_data(show_spinner=False, max_entries=16)
def assessment_evidence(
    fingerprint: str,
    k_min: int,
    k_comments: int,
    today: dt.date,
    team: assessment.TeamView | None,
    rituals: tuple,
    thresholds: str,
    rules: indicators.Rules,
    mapped: tuple,
    _dataset: Dataset,
) -> evidence.Evidence:
    """Every step's evidence, recomputed only when the data, a threshold or the team changes
    (an answer click reruns the page; the evidence does not depend on the answers)."""
    from alignment.assessment import evidence

    privacy_ = Privacy(k_min, k_comments)
    views = current_views(_dataset, privacy_) if _dataset.has_feedback else None
    found = None
    if not _dataset.indicators.empty:
        limits = indicators.thresholds(_dataset.indicators, json.loads(thresholds))
        found = indicators.detect(_dataset.indicators, limits, rules)
    return evidence.gather(
        _dataset,
        privacy_,
        today=today,
        team=team,
        views=views,
        detection=found,
        rituals=list(rituals) or None,
        mapped={t: set(fields) for t, fields in mapped},
    )


@st.cache_resource(show_spinner=False)
def assessment_bank(path: str, mtime: float) -> assessment.Bank:
    """Parsed once per file version: editing the file takes effect on the next run."""
    from alignment import assessment

    return assessment.load_bank(path)


@st.cache_resource(show_spinner="Preparing the briefs…", max_entries=8, ttl=3600)
def brief_inputs(
    fingerprint: str, k_min: int, k_comments: int, _dataset: Dataset
) -> briefs.BriefData:
    """Keyed by the dataset's fingerprint and the thresholds; shared read-only between sessions."""
    from alignment import briefs

    return briefs.prepare(_dataset, Privacy(k_min, k_comments))


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def workshop_answers(db_url: str, workshop_id: int, version: str) -> pd.DataFrame:
    """Every answer of a workshop as of ``version`` (the key: a new version means new answers)."""
    from alignment import workshop as workshop_core

    return workshop_core.answers_frame(storage.get(), workshop_id)


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600)
def workshop_wsjf(
    db_url: str,
    workshop_id: int,
    version: str,
    _ws: workshop_core.Workshop,
    _answers: pd.DataFrame,
) -> tuple[prioritise.Prioritisation, pd.DataFrame]:
    """A prioritisation session's rankings and its discussion order as of ``version``: the
    bootstrap runs once per change, for the facilitator, the projector and every phone."""
    from alignment import workshop as workshop_core

    result = workshop_core.wsjf_ranking(_ws, _answers)
    return result, workshop_core.disagreements(_ws, _answers, result)


@st.cache_data(show_spinner=False, max_entries=12)
def prioritisation(
    fingerprint: str, model: str, k_min: int, capacity: float | None, _dataset: Dataset
) -> prioritise.Prioritisation:
    """The rankings of one model and capacity: the bootstrap runs once per data and choice."""
    from alignment import prioritise

    return prioritise.prioritise(_dataset, model, Privacy(k_min), capacity=capacity)
