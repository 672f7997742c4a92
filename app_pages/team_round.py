"""Team round: answer the 7-step statements about your leader and your team, anonymously.

Reached through a link (``/team?round=CODE``) or by typing the code; made for a phone. The page
loads no data and shows nothing but the questions: a participant sees their own answers and
nothing of anyone else's.
"""

from __future__ import annotations

import math
import time

import streamlit as st

from alignment import joincodes
from alignment.assessment import Bank
from alignment.assessment.store import AssessmentStore, RoundClosed, RoundRefused, TeamRound
from alignment.joincodes import pretty
from alignment.store import StoreError
from components import assessment as ui
from components import privacy as privacy_ui
from components import storage
from components.state import Keys

ROUND_PARAM, TOKEN_PARAM = "round", "p"

st.title("Team round")
bank = ui.bank_or_stop()
privacy = privacy_ui.current()
try:
    store = storage.get()
    db = AssessmentStore(store)
except StoreError as exc:
    st.error(f"Team rounds are unavailable: {exc}", icon=":material/database_off:")
    st.stop()


def _check(text: str | None) -> tuple[TeamRound | None, str]:
    """The round a typed or linked code opens, within this session's limit on wrong codes.

    A link's code is checked exactly like a typed one, so a script cannot try codes through
    ``?round=`` faster than through the box. Only old 8-symbol codes wait for the server-wide
    brake: current codes are too many to guess (see ``alignment.joincodes``)."""
    code = joincodes.normalise(text)
    if code is None:  # checked without the database, so not counted as a try
        hint = " Codes never use 0, 1, I, L or O." if joincodes.looks_mistyped(text) else ""
        return None, (
            f"A round code has {joincodes.CODE_LENGTH} letters and digits, like "
            f"{joincodes.EXAMPLE}.{hint}"
        )
    wait = st.session_state.get(Keys.TEAM_NEXT_TRY, 0.0) - time.monotonic()
    if wait > 0:
        return None, f"Too many wrong codes: wait {math.ceil(wait)} seconds and try again."
    if joincodes.server_busy(store.join_failures("team"), code):
        return None, (
            "Too many wrong codes were tried on this server just now. Try again in a few minutes."
        )
    found = db.round(code)
    if found is None:
        if joincodes.is_legacy(code):
            store.note_join_failure("team")
        failures = st.session_state.get(Keys.TEAM_FAILURES, 0) + 1
        st.session_state[Keys.TEAM_FAILURES] = failures
        st.session_state[Keys.TEAM_NEXT_TRY] = time.monotonic() + joincodes.wait_seconds(failures)
        return None, "No round has this code. Check it with your leader."
    st.session_state[Keys.TEAM_FAILURES] = 0
    st.session_state[Keys.TEAM_CODE] = found.code
    return found, ""


def _ask_for_code() -> None:
    """A code box, throttled like a link's code."""
    with st.form("aw-team-join"):
        typed = st.text_input(
            "Round code",
            max_chars=24,
            placeholder=joincodes.EXAMPLE,
            help="The code your leader shared.",
        )
        go = st.form_submit_button("Open the round", type="primary", width="stretch")
    if not go:
        return
    found, problem = _check(typed)
    if found is None:
        st.error(problem, icon=":material/error:")
        return
    st.query_params[ROUND_PARAM] = found.code
    st.rerun()


def _token(code: str) -> str:
    """This browser's anonymous token for the round, kept in the address to come back to."""
    tokens = st.session_state.setdefault(Keys.TEAM_TOKEN, {})
    asked = st.query_params.get(TOKEN_PARAM)
    if asked and 16 <= len(asked) <= 64 and asked.replace("-", "").replace("_", "").isalnum():
        tokens[code] = asked
    token = tokens.setdefault(code, joincodes.new_token())
    if st.query_params.get(TOKEN_PARAM) != token:
        st.query_params[TOKEN_PARAM] = token
    return token


def _form(
    bank: Bank, code: str, token: str, mine: dict[str, int | None] | None, by_invite: bool
) -> None:
    options = ui.options(bank)
    labels = {v: ui.option_label(bank, v) for v in options}
    with st.form("aw-team-answers", border=False):
        invite = None
        if by_invite and mine is None:
            linked = st.query_params.get("invite", "")
            invite = st.text_input(
                "Your invitation code",
                value=pretty(linked) if joincodes.normalise(linked) else "",
                max_chars=24,
                placeholder=joincodes.EXAMPLE,
                help="Each code lets one person in, once.",
            )
        for step in bank.steps:
            st.subheader(f"{step.number}. {step.title}")
            statements = list(step.statements)
            if step.team_scale is not None:
                statements += list(step.team_scale.statements)
            for i, s in enumerate(statements, start=1):
                if step.team_scale is not None and i == len(step.statements) + 1:
                    st.markdown(f"**{step.team_scale.name}**: about the team as a whole")
                current = (mine or {}).get(s.id, "missing")
                index = (
                    None
                    if current == "missing"
                    else options.index(ui.DONT_KNOW if current is None else current)
                )
                st.radio(
                    f"{step.number}.{i} {s.team}",
                    options,
                    index=index,
                    format_func=labels.__getitem__,
                    key=f"{Keys.TEAM_ANSWER_PREFIX}{code}::{s.id}",
                )
        sent = st.form_submit_button(
            "Send my answers", type="primary", width="stretch", icon=":material/send:"
        )
    if sent:
        given = {}
        for s in bank.team_statements():
            value = st.session_state.get(f"{Keys.TEAM_ANSWER_PREFIX}{code}::{s.id}")
            if value is not None:
                given[s.id] = None if value == ui.DONT_KNOW else int(value)
        if not given:
            st.warning("Answer at least one statement before sending.", icon=":material/info:")
            return
        try:
            db.submit(code, token, given, invite=invite)
        except RoundClosed as exc:
            st.error(str(exc), icon=":material/lock:")
            return
        except RoundRefused as exc:
            st.error(str(exc), icon=":material/error:")
            return
        except StoreError as exc:
            st.error(f"Your answers were not saved: {exc}", icon=":material/error:")
            return
        st.session_state[f"aw-team-sent-{code}"] = len(given)
        st.rerun()


def _find_round() -> TeamRound | None:
    """The round of the link: re-read without counting once this session has opened it."""
    raw = st.query_params.get(ROUND_PARAM)
    if not raw:
        return None
    code = joincodes.normalise(raw)
    if code is not None and code == st.session_state.get(Keys.TEAM_CODE):
        return db.round(code)
    found, problem = _check(raw)
    if found is None:
        del st.query_params[ROUND_PARAM]  # a bad link is counted once, not on every rerun
        st.session_state[Keys.TEAM_LINK_PROBLEM] = problem
    return found


found = _find_round()
if found is None:
    st.markdown(
        "Your leader asked for your view of how they keep the technical teams and the "
        "business aligned. Enter the code they shared to answer."
    )
    problem = st.session_state.pop(Keys.TEAM_LINK_PROBLEM, None)
    if problem:
        st.error(f"This link did not open a round. {problem}", icon=":material/error:")
    _ask_for_code()
    st.stop()

if not found.is_open:
    st.info(
        "This round is closed: it no longer takes answers. Thank you for taking part.",
        icon=":material/lock:",
    )
    st.stop()

token = _token(found.code)
mine = db.my_answers(found.code, token)
sent = st.session_state.pop(f"aw-team-sent-{found.code}", None)
if sent:
    st.success(
        f"Thank you: {sent} answers saved. You can change them until the round closes; "
        "keep this page's address to come back.",
        icon=":material/check_circle:",
    )
st.markdown(
    "Rate each statement about **your leader and your team** as things are today. "
    'There are no right answers; "Don\'t know" is fine.'
)
st.caption(
    f":material/visibility_off: Anonymous: your answers are stored under a random "
    f"code in this page's address, never your name. Your leader sees only averages of at "
    f"least {privacy.k_min} people, and only after closing the round. Keep this address "
    "to yourself: it lets you change your answers."
)
if found.invite_only:
    st.caption(
        f":material/confirmation_number: By invitation: your leader issued "
        f"{found.invites_issued} invitations, each for one person."
    )
if mine:
    st.caption(f"You answered {len(mine)} statements earlier; they are filled in below.")
_form(bank, found.code, token, mine, found.invite_only)
