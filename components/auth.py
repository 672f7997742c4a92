"""The password gate of a self-hosted instance (see ``alignment.access``).

Called by app.py before any page runs, except the workshop and team-round participant pages,
which are reached by code. Without a configured hash the app stays open, as on a laptop, and
the Settings page says so.
"""

from __future__ import annotations

import time

import streamlit as st

from alignment.access import BadHash, Throttle, check_password, configured_hash
from components import config

AUTH_KEY = "aw_authenticated"


@st.cache_resource
def throttle() -> Throttle:
    """One throttle for the whole server: a guesser opening new sessions is still slowed."""
    return Throttle()


def password_configured() -> bool:
    return configured_hash(config.secrets()) is not None


def locked() -> bool:
    """A password is configured and this session has not given it."""
    return not st.session_state.get(AUTH_KEY) and configured_hash(config.secrets()) is not None


def _client_key() -> str:
    ip = getattr(st.context, "ip_address", None)
    return f"ip:{ip}" if ip else "ip:unknown"


def require_password() -> None:
    """Stop the run with a login form unless no password is set or this session logged in."""
    stored = configured_hash(config.secrets())
    if stored is None or st.session_state.get(AUTH_KEY):
        return
    st.title("Alignment Workbench")
    st.caption("This workbench is protected. Ask the person who runs it for the password.")
    key = _client_key()
    with st.form("login", border=True):
        password = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Open", type="primary")
    if submitted:
        wait = throttle().wait_seconds(key)
        if wait > 0:
            st.error(
                f"Too many wrong attempts. Try again in {wait:.0f} seconds.",
                icon=":material/lock_clock:",
            )
            st.stop()
        try:
            ok = check_password(password, stored)
        except BadHash as exc:
            st.error(str(exc), icon=":material/error:")
            st.stop()
        if ok:
            throttle().success(key)
            st.session_state[AUTH_KEY] = True
            st.rerun()
        delay = throttle().failure(key)
        time.sleep(1.0)  # every wrong guess costs the guesser a second
        st.error(
            "That password is not right."
            + (f" Wait {delay:.0f} seconds before the next try." if delay else ""),
            icon=":material/error:",
        )
    st.stop()


def logout_button() -> None:
    """In the sidebar, when a password protects the app."""
    if st.session_state.get(AUTH_KEY) and st.button(
        "Log out", icon=":material/logout:", key="aw-logout"
    ):
        st.session_state.clear()
        st.rerun()
