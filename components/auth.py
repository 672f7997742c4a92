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

import threading
import time

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

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


# --- uploads from sessions that have not passed the gate -------------------------------------
#
# Streamlit's upload endpoint (PUT /_stcore/upload_file/<session>/<file>) accepts a file for any
# live session, whether or not its script ever showed an uploader: a visitor without the password
# could park 8 × 90 MB in the server's memory, kept until the session ended. The app cannot stop
# the request (a proxy must cap its size and rate: docs/self-hosting.md), but it can refuse to
# *keep* the file. ``guard_uploads`` wraps the process's uploaded-file manager once: while a
# password is configured, a file for a session that has not logged in is refused (HTTP 403), and
# anything such a session already holds is released on each of its runs.

_ADMITTED: set[str] = set()  # ids of sessions that gave the password
_GUARD = {"protected": False, "refused": 0}
_GUARD_LOCK = threading.Lock()


def _session_id() -> str | None:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def _refuse_upload() -> None:
    with _GUARD_LOCK:
        _GUARD["refused"] += 1
    try:
        from starlette.exceptions import HTTPException
    except ImportError:  # pragma: no cover - Streamlit's server is Starlette since 1.5x
        raise PermissionError("uploads need the password") from None
    raise HTTPException(status_code=403, detail="Log in before uploading.")


def install_upload_guard(manager: object) -> None:
    """Wrap ``manager.add_file`` (once) so that it keeps files of admitted sessions only."""
    if getattr(manager, "_aw_upload_guard", False):
        return
    original = manager.add_file  # type: ignore[attr-defined]

    def add_file(session_id: str, file: object) -> None:
        with _GUARD_LOCK:
            allowed = not _GUARD["protected"] or session_id in _ADMITTED
        if not allowed:
            _refuse_upload()
        original(session_id=session_id, file=file)

    manager.add_file = add_file  # type: ignore[attr-defined]
    manager._aw_upload_guard = True  # type: ignore[attr-defined]


def guard_uploads() -> None:
    """Called at the top of every run: install the guard, note whether a password is set, and
    release whatever a session that has not logged in holds."""
    ctx = get_script_run_ctx()
    manager = getattr(ctx, "uploaded_file_mgr", None)
    if manager is None:
        return
    install_upload_guard(manager)
    protected = password_configured()
    with _GUARD_LOCK:
        _GUARD["protected"] = protected
    if (
        protected
        and not st.session_state.get(AUTH_KEY)
        and hasattr(manager, "remove_session_files")
    ):
        manager.remove_session_files(ctx.session_id)


def _admit() -> None:
    session = _session_id()
    if session is not None:
        with _GUARD_LOCK:
            _ADMITTED.add(session)


def _forget() -> None:
    session = _session_id()
    with _GUARD_LOCK:
        _ADMITTED.discard(session)


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
        _admit()
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
        _forget()
        st.rerun()
