"""The Streamlit secrets as a plain dict, for the core's configuration readers.

Thresholds, the password hash and the database URL are all read by pure functions in
``alignment`` from (secrets, environment); this is the one place that turns ``st.secrets``
into the mapping they take.
"""

from __future__ import annotations

import streamlit as st


def secrets() -> dict:
    """Empty when there is no secrets file, which is the normal laptop case."""
    try:
        return dict(st.secrets)
    except Exception:  # noqa: BLE001 - a missing or unreadable secrets file means "none"
        return {}
