"""Join: the participant's page, made for a phone.

Reached by the workshop's link or QR code (``/join?code=…``) or by typing the code. The session
holds a random token (also kept in the link as ``p`` so a reloaded phone stays the same
participant); no name is asked for. A participant sees only this workshop and only their own
answers until the facilitator reveals the room's results. Every tap is saved at once.
"""

from __future__ import annotations

import math
import time

import streamlit as st

from alignment import joincodes, schema, workshop
from alignment.store import StoreError
from alignment.workshop import Workshop, WorkshopError
from components import state, storage, workshop_view
from components.state import Keys
from components.text import escape

st.set_page_config(
    page_title="Join a workshop", page_icon=":material/how_to_vote:", layout="centered"
)
# How often a phone asks whether the facilitator closed, reopened or revealed: a primary-key
# read in a small fragment, so a room of 80 costs little, and every phone shows the reveal
# within 5 s of the click (tests/e2e/test_workshop_room.py).
STATUS_SECONDS = 3
_RELOAD = "aw_join_reload"  # set by an answer callback that found voting closed
workshop_view.hide_sidebar()

store = storage.require()


def _check(text: str) -> tuple[Workshop | None, str]:
    """The workshop a typed or linked code opens, within the session's and server's limits."""
    code = joincodes.normalise(text)
    if code is None:  # checked without the database, so not counted as a try
        hint = " Codes never contain 0, 1, O, I or L." if joincodes.looks_mistyped(text) else ""
        return None, (
            f"A workshop code has {joincodes.CODE_LENGTH} letters and digits, like "
            f"{joincodes.EXAMPLE}.{hint}"
        )
    wait = state.get(Keys.JOIN_NEXT_TRY, 0.0) - time.monotonic()
    if wait > 0:
        return None, (
            f"Too many wrong codes from this browser: wait {math.ceil(wait)} seconds "
            "before the next try."
        )
    if joincodes.server_busy(store.join_failures(), code):  # only old 8-symbol codes wait
        return None, (
            "Too many wrong codes were tried on this server in the last few minutes, "
            "so codes are not checked for a while. Try again in a few minutes."
        )
    found = workshop.by_code(store, code)
    if found is None:
        if joincodes.is_legacy(code):
            store.note_join_failure()
        failures = state.get(Keys.JOIN_FAILURES, 0) + 1
        state.put(Keys.JOIN_FAILURES, failures)
        state.put(Keys.JOIN_NEXT_TRY, time.monotonic() + joincodes.wait_seconds(failures))
        return None, "No workshop has this code. Check it with the facilitator."
    state.put(Keys.JOINED_CODE, code)
    return found, ""


def _entry(problem: str) -> None:
    st.title("Join a workshop")
    st.caption(
        "Type the code on the facilitator's screen. Your answers are anonymous: no name "
        "is asked for or kept."
    )
    if problem:
        st.error(problem, icon=":material/error:")
    with st.form("join-form", border=False):
        typed = st.text_input("Workshop code", placeholder=joincodes.EXAMPLE, max_chars=24)
        if st.form_submit_button("Join", type="primary", width="stretch"):
            ws, why = _check(typed)
            if ws is not None:
                st.query_params["code"] = ws.code
                st.rerun()
            st.error(why, icon=":material/error:")
    st.stop()


def _find_workshop() -> Workshop:
    raw = st.query_params.get("code")
    if not raw:
        _entry("")
    code = joincodes.normalise(raw)
    if code is not None and code == state.get(Keys.JOINED_CODE):
        ws = workshop.by_code(store, code)
        if ws is not None:
            return ws
    ws, problem = _check(raw)
    if ws is None:
        del st.query_params["code"]  # a bad link is counted once, not on every rerun
        _entry(problem)
    return ws


def _token(ws: Workshop) -> str:
    """This phone's token for the workshop: the session's, else the link's if it is a known
    participant (a reloaded page), else a fresh one."""
    tokens = dict(state.get(Keys.PARTICIPANT_TOKENS) or {})
    token = tokens.get(ws.code)
    if token is None:
        linked = st.query_params.get("p")
        known = linked and len(linked) <= 64 and workshop.participant(store, ws.id, linked)
        token = linked if known else joincodes.new_token()
        tokens[ws.code] = token
        state.put(Keys.PARTICIPANT_TOKENS, tokens)
    if st.query_params.get("p") != token:
        st.query_params["p"] = token
    return token


def _save(ws: Workshop, token: str, item_id: str, dimension: str, key: str) -> None:
    """Write one answer the moment it is tapped; on refusal, put the old answer back."""
    try:
        workshop.answer(store, ws.id, token, item_id, dimension, st.session_state.get(key))
    except (WorkshopError, StoreError) as exc:
        state.put(Keys.JOIN_MESSAGE, str(exc))
        if isinstance(exc, workshop.VotingClosed):
            state.put(_RELOAD, True)  # the whole page must show "closed", not just this part
        old = workshop.own_answers(store, ws.id, token).get((item_id, dimension))
        if old is not None:
            st.session_state[key] = int(old)
        else:
            st.session_state[key] = 0 if ws.mode == workshop.DOTS else None


def _message() -> None:
    """A refusal from an answer callback, shown once."""
    message = state.get(Keys.JOIN_MESSAGE)
    if message:
        st.error(message, icon=":material/error:")
        state.put(Keys.JOIN_MESSAGE, None)


@st.fragment(run_every=STATUS_SECONDS)
def _watch(ws: Workshop) -> None:
    """Reload the page when the facilitator closes, reopens or reveals (a primary-key read)."""
    now = workshop.status(store, ws.id)
    if now is not None and now != (ws.status, ws.revealed):
        st.rerun(scope="app")


@st.fragment
def _answers(ws: Workshop, token: str) -> None:
    """The questions. A tap reruns only this fragment (the ``on_change`` callback saves the
    answer first), not the code check, the group picker and the results above it: a room of
    phones tapping at once is that many reruns, so each must be small."""
    if state.get(_RELOAD):
        state.put(_RELOAD, None)
        st.rerun(scope="app")
    _message()
    mine = workshop.own_answers(store, ws.id, token)
    if ws.mode == workshop.DOTS:
        used = int(sum(mine.values()))
        st.progress(
            min(used / ws.dots, 1.0), text=f"You have placed {used} of your {ws.dots} dots."
        )
        st.caption(
            "Give your dots to the initiatives that matter most; several dots on one "
            "initiative are fine. Tap − or + to move them."
        )
        for item_id, name in ws.items:
            key = f"join-dots::{ws.code}::{item_id}"
            if key not in st.session_state:
                st.session_state[key] = int(mine.get((item_id, workshop.DOTS_DIMENSION), 0))
            st.number_input(
                escape(name),
                min_value=0,
                max_value=ws.dots,
                step=1,
                key=key,
                disabled=not ws.is_open,
                on_change=_save,
                args=(ws, token, item_id, workshop.DOTS_DIMENSION, key),
            )
    else:
        total = len(ws.items) * len(ws.dimensions)
        st.progress(
            len(mine) / total,
            text=f"{len(mine)} of {total} answered. Saved as you tap; "
            "change any answer until voting closes.",
        )
        st.caption("1 = strongly disagree · 3 = neither · 5 = strongly agree")
        for item_id, name in ws.items:
            with st.container(border=True):
                st.markdown(f"**{escape(name)}**")
                for dim in ws.dimensions:
                    key = f"join-rate::{ws.code}::{item_id}::{dim}"
                    if key not in st.session_state and (item_id, dim) in mine:
                        st.session_state[key] = int(mine[(item_id, dim)])
                    st.segmented_control(
                        schema.DIMENSION_BY_NAME[dim].question,
                        [1, 2, 3, 4, 5],
                        key=key,
                        disabled=not ws.is_open,
                        on_change=_save,
                        args=(ws, token, item_id, dim, key),
                        width="stretch",
                    )


ws = _find_workshop()
token = _token(ws)
_watch(ws)

st.title(escape(ws.title))
if not ws.is_open:
    st.warning(
        "Voting is closed for this workshop: answers can no longer be changed. Thank you "
        "for taking part.",
        icon=":material/lock:",
    )
_message()
state.put(_RELOAD, None)  # this run redraws the whole page already

if ws.revealed:
    st.subheader("The room's results")
    pulse = workshop.pulse(store, ws.id)
    workshop_view.show_results(
        ws,
        workshop_view.current_answers(ws, pulse.version if pulse else ""),
        key="join-results",
        compact=True,
    )

me = workshop.participant(store, ws.id, token)
groups = [g for g, _ in ws.groups]
side_words = {"tech": "tech side", "business": "business side", "unknown": "no side"}
choice = st.selectbox(
    "Your group",
    groups,
    index=groups.index(me.group) if me and me.group in groups else None,
    placeholder="Pick your group",
    disabled=not ws.is_open,
    key=f"join-group-{ws.code}",
    format_func=lambda g: f"{g} ({side_words.get(ws.side_of(g) or '', '')})",
)
if choice is not None and (me is None or choice != me.group) and ws.is_open:
    try:
        me = workshop.join(store, ws.id, token, choice)
    except (WorkshopError, StoreError) as exc:
        st.error(str(exc), icon=":material/error:")
if me is None:
    st.info(
        "Pick your group to start. It sets your side (tech or business) in the results; "
        "your name is never asked for.",
        icon=":material/group:",
    )
    st.stop()

_answers(ws, token)
if not ws.revealed:
    st.caption(
        "You see only your own answers. The room's results appear here when the "
        "facilitator reveals them."
    )
