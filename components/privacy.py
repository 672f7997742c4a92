"""The anonymity thresholds in force, from secrets or environment, and the notice that says so."""

from __future__ import annotations

import streamlit as st

from alignment.dataset import Dataset
from alignment.privacy import Privacy, from_config
from components import analysis, config
from components.text import escape


def current() -> Privacy:
    """Read once per session run; cheap, and a changed secrets file takes effect on reload."""
    return from_config(config.secrets())


def notice(privacy: Privacy) -> None:
    """One line under a chart or table: what is hidden and why."""
    st.caption(
        f":material/visibility_off: Cells with fewer than {privacy.k_min} respondents are "
        "hidden to protect anonymity; where a total sits beside its parts, one more part "
        "is hidden so the small one cannot be worked out by subtraction. Answers from "
        f"fewer than {privacy.k_min} people of a group count for no side, so no change you "
        "make here can single them out."
    )


def uncounted_note(dataset: Dataset, privacy: Privacy) -> None:
    """Say, in plain words, which groups' answers count for no side, and why."""
    if not dataset.has_feedback:
        return
    left = analysis.uncounted(dataset.fingerprint, privacy.k_min, privacy.k_comments, dataset)
    if not left.any:
        return
    groups = left.groups
    some = (
        f"{len(groups)} groups" if len(groups) != 1 else "1 group"
    ) + f" ({escape(', '.join(groups[:8]))}{', …' if len(groups) > 8 else ''})"
    st.caption(
        f":material/group_remove: {some} had fewer than {privacy.k_min} people answering "
        "some initiatives or questions. Those answers are not counted in a side, whichever "
        "side the group is on: otherwise moving the group to the other side would show what "
        f"its people said. They count in an initiative's overall score only where at least "
        f"{privacy.k_min} such people answered the same question."
    )
