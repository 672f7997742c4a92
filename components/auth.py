"""The password gate of a self-hosted instance (see ``alignment.access``).

Called by app.py before any page runs, except the workshop and team-round participant pages,
which are reached by code. Without a configured hash the app stays open, as on a laptop, and
the Settings page says so.

Wrong guesses are slowed by ``alignment.throttle.LoginThrottle``, whose memory is the database:
nothing kept in ``st.cache_resource`` (which any client can clear) decides how fast anyone may
guess. This session's own failures, in ``st.session_state``, only decide when *this* browser is
refused for a while; a browser that has not failed is never refused.
"""

from __future__ import annotations

import time

import streamlit as st

from alignment.access import BadHash, check_password, configured_hash
from alignment.store import StoreError
from alignment.throttle import LoginThrottle, Policy, seconds_in_words
from components import config, storage

AUTH_KEY = "aw_authenticated"
FAILURES_KEY = "aw_login_failures"
NEXT_TRY_KEY = "aw_login_next_try"
WRONG_GUESS_SECONDS = 1.0  # every wrong guess costs the guesser a second, on top of any pause
POLICY = Policy()
_sleep = time.sleep  # tests replace it, so that they need not wait


def password_configured() -> bool:
    return configured_hash(config.secrets()) is not None


def locked() -> bool:
    """A password is configured and this session has not given it."""
    return not st.session_state.get(AUTH_KEY) and configured_hash(config.secrets()) is not None


def _client_key() -> str:
    """The connection's address: None on localhost (and not a string under AppTest)."""
    ip = getattr(st.context, "ip_address", None)
    return f"ip:{ip}" if isinstance(ip, str) and ip else "ip:unknown"


def _throttle() -> LoginThrottle:
    """The throttle on the app's store; without a database the gate stays shut (fail closed)."""
    try:
        return LoginThrottle(storage.get(), POLICY)
    except StoreError as exc:
        st.error(
            f"The password cannot be checked because the database is unavailable: {exc}",
            icon=":material/database_off:",
        )
        st.stop()
        raise


def _attempt(password: str, stored: str) -> None:
    """Check one submitted password: refuse a session that has failed too often, slow every
    attempt by the recent failures of its address and of the server, record it first."""
    wait = st.session_state.get(NEXT_TRY_KEY, 0.0) - time.monotonic()
    if wait > 0:
        st.error(
            f"Too many wrong attempts from this browser. Try again in {seconds_in_words(wait)}.",
            icon=":material/lock_clock:",
        )
        return
    throttle = _throttle()
    attempt = throttle.begin(_client_key())
    if attempt.pause > 0:
        with st.spinner(
            "Wrong passwords were tried recently, so each check is slowed down: "
            f"about {seconds_in_words(attempt.pause)}…"
        ):
            _sleep(attempt.pause)
    try:
        ok = check_password(password, stored)
    except BadHash as exc:
        st.error(str(exc), icon=":material/error:")
        return
    if ok:
        throttle.succeeded(attempt)
        st.session_state.pop(FAILURES_KEY, None)
        st.session_state.pop(NEXT_TRY_KEY, None)
        st.session_state[AUTH_KEY] = True
        st.rerun()
    failures = st.session_state.get(FAILURES_KEY, 0) + 1
    st.session_state[FAILURES_KEY] = failures
    refused_for = POLICY.session_wait(failures)
    st.session_state[NEXT_TRY_KEY] = time.monotonic() + refused_for
    _sleep(WRONG_GUESS_SECONDS)
    slowed = (
        f" This check was slowed by {seconds_in_words(attempt.pause)} because wrong passwords "
        "were tried recently."
        if attempt.pause
        else ""
    )
    st.error(
        "That password is not right."
        + slowed
        + (
            f" This browser can try again in {seconds_in_words(refused_for)}."
            if refused_for
            else ""
        ),
        icon=":material/error:",
    )


def require_password() -> None:
    """Stop the run with a login form unless no password is set or this session logged in."""
    stored = configured_hash(config.secrets())
    if stored is None or st.session_state.get(AUTH_KEY):
        return
    st.title("Alignment Workbench")
    st.caption("This workbench is protected. Ask the person who runs it for the password.")
    with st.form("login", border=True):
        password = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Open", type="primary")
    if submitted:
        _attempt(password, stored)
    st.stop()


def logout_button() -> None:
    """In the sidebar, when a password protects the app."""
    if st.session_state.get(AUTH_KEY) and st.button(
        "Log out", icon=":material/logout:", key="aw-logout"
    ):
        st.session_state.clear()
        st.rerun()
