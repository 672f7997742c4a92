"""The Streamlit secrets as a plain dict, for ``alignment.config``.

Every setting (thresholds, the password hash, the database, the public URL …) is declared and
resolved by ``alignment.config`` from (secrets, environment); this is the one place that turns
``st.secrets`` into the mapping it takes.
"""

from __future__ import annotations

import streamlit as st


def secrets() -> dict:
    """Empty when there is no secrets file, which is the normal laptop case."""
    try:
        return dict(st.secrets)
    except Exception:  # noqa: BLE001 - a missing or unreadable secrets file means "none"
        return {}
