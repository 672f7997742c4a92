"""Join: the participant's page, made for a phone.

Reached by the workshop's link or QR code (``/join?code=…``, with ``&invite=…`` for an
invitation) or by typing the code. The session holds a random token (also kept in the link as
``p`` so a reloaded phone stays the same participant); no name is asked for. A participant sees
only this workshop and only their own answers until the facilitator reveals the room's results.

The page stays light for a room of 80: each initiative's card is a fragment, so a tap saves
and reruns that card only, and a small fragment polls the workshop's state every few seconds
(one primary-key read): it draws the countdown and, once revealed, the room's results itself,
and reloads the page only when voting closes or reopens.
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
workshop_view.hide_sidebar()
# Touch targets of at least 44 px (WCAG 2.5.5 / platform guidelines); a fixed stylesheet.
st.html("""<style>
  [data-testid="stButtonGroup"] button { min-height: 44px; min-width: 44px; }
  [data-testid="stSelectbox"] .react-aria-ComboBox [role="group"] { min-height: 44px; }
  [data-testid="stExpander"] summary { min-height: 44px; }
  [data-testid="stNumberInputStepUp"], [data-testid="stNumberInputStepDown"] {
    min-width: 44px; min-height: 44px; }
  [data-testid="stNumberInput"] input { min-height: 44px; }
  [data-testid="stBaseButton-primary"], [data-testid="stBaseButton-secondary"] {
    min-height: 44px; }
  .st-key-join-timer { position: sticky; top: 0; z-index: 5; background: #ffffff; }
  .st-key-join-timer:empty { display: none; }
</style>""")

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


def _saved(key: str) -> str:
    """Where the session keeps the value of widget ``key`` that is known to be stored."""
    return f"join-saved::{key}"


def _save(ws: Workshop, token: str, item_id: str, dimension: str, key: str) -> None:
    """Write one answer the moment it is tapped; on refusal, put the old answer back."""
    value = st.session_state.get(key)
    try:
        workshop.answer(store, ws.id, token, item_id, dimension, value)
    except (WorkshopError, StoreError) as exc:
        st.session_state[f"join-msg::{ws.code}::{item_id}"] = str(exc)
        old = workshop.own_answers(store, ws.id, token).get((item_id, dimension))
        if old is not None:
            value = int(old)
        else:
            value = 0 if ws.mode == workshop.DOTS else None
        st.session_state[key] = value
    st.session_state[_saved(key)] = value


def _catch_up(ws: Workshop, token: str, item_id: str, dimension: str, key: str) -> None:
    """Save the answer a phone shows if its tap's callback never ran.

    Streamlit sets a widget's new value before it runs the widget's ``on_change``, and skips
    the callback when the widget was not registered in the previous run (its metadata gone
    after a whole-page run raced the tap) or registered disabled; a tap then shows on the
    phone and is in the session but not in the database. Every run of the card compares the
    shown value with the last one stored from this session and saves the difference, so a
    lost callback costs a moment, not an answer. Idempotent: the stored value is the shown
    one, written once; a value changed on another device is not overwritten, as this
    session's shown value is then still the one it stored.
    """
    shown = st.session_state.get(key)
    if ws.is_open and key in st.session_state and shown != st.session_state.get(_saved(key)):
        _save(ws, token, item_id, dimension, key)


@st.fragment(run_every=workshop_view.PHONE_POLL_SECONDS)
def _watch(ws: Workshop) -> None:
    """The countdown and the room's results, and a reload when the facilitator closes or
    reopens voting; one primary-key read per poll. The countdown comes from the stored
    deadline each time.

    The reveal is drawn here rather than by a whole-page run: in a room of 80 every phone
    sees the reveal within one poll, and a whole-page run of each (its cards, its answers)
    was the work that made the last phones wait past 5 s; this run reads the status and
    sends a chart built once for the room.
    """
    now = workshop.status(store, ws.id)
    if now is None:
        return
    status, revealed, timer = now
    changed = status != ws.status or (status == workshop.OPEN and not ws.is_open)
    reload_key = f"join-reload::{ws.code}"
    if changed and (not revealed or st.session_state.pop(reload_key, False)):
        st.rerun(scope="app")
    with st.container(key="join-timer"):
        if status == workshop.OPEN:  # a closed room's clock ("Timer set 5:00") only confused
            workshop_view.countdown(timer, size="phone")
    if not revealed:
        st.caption(
            "You see only your own answers. The room's results appear here when the "
            "facilitator reveals them."
        )
        return
    st.subheader("The room's results")
    pulse = workshop.pulse(store, ws.id)
    version = pulse.answers_version if pulse else ""
    workshop_view.show_results(
        ws,
        workshop_view.current_answers(ws, version),
        version=version,
        key="join-results",
        compact=True,
    )
    if changed:
        # "Close voting and reveal": the results go out now, in this small run, and the page
        # relabels its cards closed on the next poll. Rerunning every phone's whole page at the
        # moment of the reveal made the room's 80 phones queue for about 5 s before any of them
        # showed the results. A tap in between is refused by the store and put back.
        st.session_state[reload_key] = True


@st.fragment
def _card(ws: Workshop, token: str, item_id: str, name: str) -> None:
    """One initiative: its description, its why on request, and a 1–5 row per question (in a
    prioritisation session, a 1–20 Fibonacci row per WSJF component). A tap saves the answer
    and reruns this card only."""
    keys = {dim: f"join-rate::{ws.code}::{item_id}::{dim}" for dim in ws.dimensions}
    for dim, key in keys.items():
        _catch_up(ws, token, item_id, dim, key)
    done = sum(1 for k in keys.values() if st.session_state.get(k) is not None)
    with st.container(border=True):
        mark = " :material/check_circle:" if done == len(keys) else ""
        st.markdown(f"**{escape(name)}**{mark}")
        description, why = ws.detail(item_id)
        if description:
            st.caption(escape(description))
        if why:
            with st.expander("Why it matters"):
                st.markdown(escape(why))
        problem = st.session_state.pop(f"join-msg::{ws.code}::{item_id}", None)
        if problem:
            st.error(problem, icon=":material/error:")
        wsjf = ws.mode == workshop.WSJF
        for dim, key in keys.items():
            known = schema.DIMENSION_BY_NAME[dim]
            st.segmented_control(
                f"**{known.label}**: {workshop.WSJF_QUESTIONS[dim]}" if wsjf else known.question,
                list(workshop.WSJF_CHOICES) if wsjf else [1, 2, 3, 4, 5],
                key=key,
                disabled=not ws.is_open,
                on_change=_save,
                args=(ws, token, item_id, dim, key),
                width="stretch",
            )


@st.fragment
def _dots(ws: Workshop, token: str) -> None:
    """Every initiative's dots in one fragment: the budget is shared, so a tap reruns the list
    (and its count) but not the page."""
    for item_id, _ in ws.items:
        _catch_up(ws, token, item_id, workshop.DOTS_DIMENSION, f"join-dots::{ws.code}::{item_id}")
    used = sum(int(st.session_state.get(f"join-dots::{ws.code}::{i}", 0) or 0) for i, _ in ws.items)
    st.progress(min(used / ws.dots, 1.0), text=f"You have placed {used} of your {ws.dots} dots.")
    for item_id, name in ws.items:
        key = f"join-dots::{ws.code}::{item_id}"
        problem = st.session_state.pop(f"join-msg::{ws.code}::{item_id}", None)
        if problem:
            st.error(problem, icon=":material/error:")
        description, _ = ws.detail(item_id)
        st.number_input(
            escape(name),
            min_value=0,
            max_value=ws.dots,
            step=1,
            key=key,
            disabled=not ws.is_open,
            on_change=_save,
            args=(ws, token, item_id, workshop.DOTS_DIMENSION, key),
            help=escape(description) if description else None,
        )


ws = _find_workshop()
token = _token(ws)

title, badge = st.columns([3, 1], vertical_alignment="center")
title.title(escape(ws.title))
with badge:
    workshop_view.state_badge(ws)
if not ws.is_open:
    st.warning(
        "Voting is closed for this workshop: answers can no longer be changed. Thank you "
        "for taking part.",
        icon=":material/lock:",
    )
message = state.get(Keys.JOIN_MESSAGE)
if message:
    st.error(message, icon=":material/error:")
    state.put(Keys.JOIN_MESSAGE, None)
_watch(ws)

me = workshop.participant(store, ws.id, token)
if ws.invite_only:
    issued, _ = workshop.invite_counts(store, ws.id)
    st.caption(
        f":material/confirmation_number: By invitation: the facilitator issued {issued} "
        "invitations, each for one person."
    )
invite = None
if me is None and ws.invite_only and ws.is_open:
    linked = st.query_params.get("invite", "")
    invite = st.text_input(
        "Your invitation code",
        value=joincodes.pretty(linked) if joincodes.normalise(linked) else "",
        placeholder=joincodes.EXAMPLE,
        max_chars=24,
        key=f"join-invite-{ws.code}",
    )
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
        me = workshop.join(store, ws.id, token, choice, invite=invite)
    except (WorkshopError, StoreError) as exc:
        st.error(str(exc), icon=":material/error:")
if me is None:
    st.info(
        "Pick your group to start. It sets your side (tech or business) in the results; "
        "your name is never asked for.",
        icon=":material/group:",
    )
    st.stop()

mine = workshop.own_answers(store, ws.id, token)
if ws.mode == workshop.DOTS:
    st.caption(
        "Give your dots to the initiatives that matter most; several dots on one "
        "initiative are fine. Tap − or + to move them. Saved as you tap."
    )
    for item_id, _ in ws.items:
        key = f"join-dots::{ws.code}::{item_id}"
        if key not in st.session_state:
            st.session_state[key] = int(mine.get((item_id, workshop.DOTS_DIMENSION), 0))
            st.session_state[_saved(key)] = st.session_state[key]
    _dots(ws, token)
else:
    total = ws.questions_per_person
    asked = "estimates" if ws.mode == workshop.WSJF else "questions"
    st.markdown(
        f"**{total} taps**: {len(ws.items)} initiatives × {len(ws.dimensions)} "
        f"{asked if len(ws.dimensions) != 1 else asked[:-1]}. Saved as you tap; a tick marks "
        "each initiative you have finished. Change any answer until voting closes."
    )
    if ws.mode == workshop.WSJF:
        st.caption(
            "Estimate each initiative against the others: 1 = the least, 20 = the most. "
            "For job size, a bigger job gets a bigger number."
        )
    else:
        st.caption("1 = strongly disagree · 3 = neither · 5 = strongly agree")
    for item_id, name in ws.items:
        for dim in ws.dimensions:
            key = f"join-rate::{ws.code}::{item_id}::{dim}"
            if key not in st.session_state and (item_id, dim) in mine:
                st.session_state[key] = int(mine[(item_id, dim)])
                st.session_state[_saved(key)] = st.session_state[key]
        _card(ws, token, item_id, name)
