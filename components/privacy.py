"""The anonymity thresholds in force, from secrets or environment, and the notice that says so."""

from __future__ import annotations

import streamlit as st

from alignment.privacy import Privacy, from_config
from components import config


def current() -> Privacy:
    """Read once per session run; cheap, and a changed secrets file takes effect on reload."""
    return from_config(config.secrets())


def notice(privacy: Privacy) -> None:
    """One line under a chart or table: what is hidden and why."""
    st.caption(
        f":material/visibility_off: Cells with fewer than {privacy.k_min} respondents are "
        "hidden to protect anonymity; where a total sits beside its parts, one more part "
        "is hidden so the small one cannot be worked out by subtraction."
    )
