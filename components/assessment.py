"""The self-assessment's browser side: the question bank, the leader's key, the draft, the form.

A leader is known by a private key carried in the page's address (``?key=…``): a reload, a
bookmark or a return next month finds the same draft and history, with no account. The draft
lives in the session (so a page switch loses nothing) and is written to the store after every
answer (so a reload or a restart loses nothing either).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import streamlit as st

from alignment import assessment, joincodes
from alignment import config as settings
from alignment.assessment import Bank, BankError
from alignment.assessment.store import AssessmentStore
from alignment.store import StoreError
from components import analysis, storage
from components.state import Keys

QUERY_KEY = "key"
DONT_KNOW = 0  # the radio's value for "Don't know" (stored as None)
_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

# --- the question bank -------------------------------------------------------------------------


def bank_path() -> Path:
    """The bundled bank, or the organisation's own file (the ``assessment_file`` setting)."""
    return Path(str(settings.get("assessment_file") or "") or assessment.BANK_PATH)


def bank_or_stop() -> Bank:
    """The checked bank; a broken file is explained point by point and the page stops."""
    path = bank_path()
    try:
        return analysis.assessment_bank(str(path), path.stat().st_mtime)
    except FileNotFoundError:
        problems = [f"the file {path} does not exist"]
    except BankError as exc:
        problems = list(exc.problems)
    st.error(
        f"The question bank ({path.name}) cannot be used. Fix these and reload the page:",
        icon=":material/error:",
    )
    for p in problems:
        st.markdown(f"- {_plain(p)}")
    st.stop()
    raise AssertionError("unreachable")


def _plain(text: str) -> str:
    """Problem text comes from the organisation's file: show it as typed."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", text)


# --- the store ---------------------------------------------------------------------------------


def store() -> AssessmentStore | None:
    """The assessment's store, or None (with a warning) when the database is unavailable."""
    try:
        return AssessmentStore(storage.get())
    except StoreError as exc:
        st.warning(
            f"Your answers are kept for this browser session only: the database is "
            f"unavailable ({exc}).",
            icon=":material/database_off:",
        )
        return None


def safely(action: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a store write; on failure say so and keep going with the session's copy. A refusal
    in words (``ValueError``: a bad round size, a batch too large) is said the same way."""
    try:
        return action(*args, **kwargs)
    except StoreError as exc:
        st.toast(f"Not saved: {exc}", icon=":material/warning:")
        return None
    except ValueError as exc:
        st.toast(str(exc), icon=":material/warning:")
        return None


# --- the leader's key --------------------------------------------------------------------------


def leader_key() -> str:
    """The private key in the address, kept in the session and put back in the address.

    Pages reached through the sidebar lose their query string; the session's copy restores it,
    so the address the leader bookmarks always carries the key.
    """
    asked = st.query_params.get(QUERY_KEY)
    if asked and _KEY_PATTERN.match(asked):
        key = asked
    else:
        key = st.session_state.get(Keys.ASSESS_KEY) or joincodes.new_token()
    if st.session_state.get(Keys.ASSESS_KEY) != key:
        st.session_state[Keys.ASSESS_KEY] = key
    if st.query_params.get(QUERY_KEY) != key:
        st.query_params[QUERY_KEY] = key
    return key


# --- the draft ---------------------------------------------------------------------------------


def draft(bank: Bank, key: str, db: AssessmentStore | None) -> dict[str, Any]:
    """The answers in progress for this key: from the session, else from the store, else new."""
    current = st.session_state.get(Keys.ASSESS_DRAFT)
    if current is not None and current.get("key") == key:
        return current
    saved = safely(db.load_draft, key) if db is not None else None
    nonce = (current or {}).get("nonce", 0) + 1
    if saved is not None:
        new = {
            "key": key,
            "answers": assessment.clean_answers(bank, saved.answers),
            "step": saved.step if 1 <= saved.step <= len(bank.steps) else 1,
            "completed_id": saved.completed_id,
            "nonce": nonce,
        }
    else:
        new = {"key": key, "answers": {}, "step": 1, "completed_id": None, "nonce": nonce}
    st.session_state[Keys.ASSESS_DRAFT] = new
    st.session_state[Keys.ASSESS_STEP] = new["step"]
    return new


def reset_draft() -> None:
    """Forget the session's copy (after the leader deletes their data)."""
    st.session_state.pop(Keys.ASSESS_DRAFT, None)
    st.session_state.pop(Keys.ASSESS_STEP, None)


def _widget(draft_: dict[str, Any], statement_id: str) -> str:
    return f"{Keys.ASSESS_ANSWER_PREFIX}{draft_['nonce']}::{statement_id}"


def _save(draft_: dict[str, Any], db: AssessmentStore | None) -> None:
    if db is not None:
        safely(
            db.save_draft, draft_["key"], draft_["answers"], draft_["step"], draft_["completed_id"]
        )


def _on_answer(draft_: dict[str, Any], statement_id: str, db: AssessmentStore | None) -> None:
    value = st.session_state.get(_widget(draft_, statement_id))
    if value is None:
        return
    draft_["answers"][statement_id] = None if value == DONT_KNOW else int(value)
    draft_["completed_id"] = None  # the answers no longer match the last saved assessment
    _save(draft_, db)


def _go(draft_: dict[str, Any], step: int, db: AssessmentStore | None) -> None:
    draft_["step"] = step
    st.session_state[Keys.ASSESS_STEP] = step
    _save(draft_, db)


def _on_step_pick(draft_: dict[str, Any], db: AssessmentStore | None) -> None:
    step = st.session_state.get(Keys.ASSESS_STEP)
    if step is not None:
        draft_["step"] = int(step)
        _save(draft_, db)


def options(bank: Bank) -> list[int]:
    return [*bank.scale.points, DONT_KNOW]


def option_label(bank: Bank, value: int) -> str:
    return bank.scale.dont_know if value == DONT_KNOW else bank.scale.labels[value]


def questionnaire(bank: Bank, draft_: dict[str, Any], db: AssessmentStore | None) -> None:
    """One step at a time: its statements, then the way to the next step.

    Every answer is saved as it is given; the step picker shows a tick on finished steps.
    """
    answers = draft_["answers"]

    def step_label(number: int) -> str:
        step = bank.step(number)
        done = all(s.id in answers for s in step.statements)
        return f"{'✓ ' if done else ''}{step.label}"

    if Keys.ASSESS_STEP not in st.session_state:
        st.session_state[Keys.ASSESS_STEP] = draft_["step"]
    number = (
        st.segmented_control(
            "Step",
            [s.number for s in bank.steps],
            format_func=step_label,
            key=Keys.ASSESS_STEP,
            on_change=_on_step_pick,
            args=(draft_, db),
            required=True,
            label_visibility="collapsed",
        )
        or draft_["step"]
    )
    step = bank.step(int(number))
    st.subheader(f"Step {step.number}: {step.title}")
    st.caption(step.practice)
    labels = {v: option_label(bank, v) for v in options(bank)}
    for i, s in enumerate(step.statements, start=1):
        current = answers.get(s.id, "missing")
        index = (
            None
            if current == "missing"
            else options(bank).index(DONT_KNOW if current is None else current)
        )
        st.radio(
            f"{step.number}.{i} {s.self_text}",
            options(bank),
            index=index,
            format_func=labels.__getitem__,
            horizontal=True,
            key=_widget(draft_, s.id),
            on_change=_on_answer,
            args=(draft_, s.id, db),
        )
    left, _, right = st.columns([1, 2, 1])
    if step.number > 1:
        left.button(
            "Previous step",
            icon=":material/arrow_back:",
            width="stretch",
            on_click=_go,
            args=(draft_, step.number - 1, db),
            key="aw-assess-prev",
        )
    if step.number < len(bank.steps):
        right.button(
            "Next step",
            icon=":material/arrow_forward:",
            type="primary",
            width="stretch",
            on_click=_go,
            args=(draft_, step.number + 1, db),
            key="aw-assess-next",
        )
