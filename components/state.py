"""Every ``st.session_state`` key in one place, with typed accessors.

Pages never type a key as a string: they call these functions, so a renamed key is one edit
and a page can always ask "is the data loaded?" the same way.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from alignment.ingest import ImportChoices, ImportResult, SourceFile


class Keys:
    SOURCES = "aw_sources"  # tuple[SourceFile, ...] of the user's upload; absent = the demo
    SETTINGS = "aw_settings"  # ImportChoices (mapping corrections, scales, sides)
    RESULT = "aw_result"  # ImportResult of SOURCES + SETTINGS
    RESULT_KEY = "aw_result_key"  # what RESULT was computed from
    UPLOAD_SIGNATURE = "aw_upload_signature"  # digests of the files last loaded from the widget
    UPLOADER_NONCE = "aw_uploader_nonce"  # bumped to clear the file uploader
    LOAD_SECONDS = "aw_load_seconds"  # how long the last import took, shown on the Data page
    # Briefs (app_pages/briefs.py, components/briefs.py):
    BRIEF_EDITS = "aw_brief_edits"  # {fingerprint|tone: {brief key: the user's edited Markdown}}
    BRIEF_INITIATIVE = "aw_brief_initiative"  # the initiative picked on the Briefs page
    BRIEF_TONE = "aw_brief_tone"  # "concise" or "detailed"
    # The Keep-aligned pages: indicators, dependencies, stakeholders & rituals
    # (app_pages/indicators.py, dependencies.py, stakeholders.py, components/as_of.py):
    THRESHOLDS = "aw_thresholds"  # metric -> {"direction", "value"}: the user's threshold changes
    DETECTION = "aw_detection"  # indicators.Rules: rising periods, baseline window, z
    RISK_WEIGHTS = "aw_risk_weights"  # indicators.Weights of the misalignment risk index
    AS_OF = "aw_as_of"  # datetime.date that "overdue" and "late" are measured against
    RITUALS = "aw_rituals"  # list[stakeholders.Ritual]: the checklist with its last-held dates
    # bumped so the editors of these pages start again from the saved state:
    KEEP_ALIGNED_EDITOR_VERSION = "aw_keep_aligned_editor_version"
    KEEP_ALIGNED_WIDGET = "aw_keep_aligned::"  # + a name: widget keys of these three pages
    # Prioritisation (app_pages/prioritise.py):
    PRIORITISE_WIDGET = "aw_prioritise::"  # + a name: the model and capacity widgets
    # Workspaces and workshops (components/loader.py, app_pages/workspaces.py, workshop, join):
    STARTED = "aw_started"  # the session has looked for the last workspace to reopen
    OPEN_SNAPSHOT = "aw_open_snapshot"  # (id, name, content key) of the workspace opened
    WORKSHOP_ID = "aw_workshop_id"  # the workshop the facilitator manages
    PARTICIPANT_TOKENS = "aw_participant_tokens"  # workshop code -> this phone's random token
    JOIN_FAILURES = "aw_join_failures"  # wrong codes typed in this session
    JOIN_NEXT_TRY = "aw_join_next_try"  # monotonic time before which no code is checked
    JOINED_CODE = "aw_joined_code"  # the workshop code this session has proven it knows
    JOIN_MESSAGE = "aw_join_message"  # a refusal to show after an answer callback
    # Self-assessment (components/assessment.py, app_pages/assessment.py, app_pages/team_round.py):
    ASSESS_KEY = "aw_assess_key"  # the leader's private key, also in the address (?key=)
    ASSESS_DRAFT = "aw_assess_draft"  # dict: key, answers, step, completed_id, widget nonce
    ASSESS_STEP = "aw_assess_step"  # the step picker's value
    ASSESS_ANSWER_PREFIX = "aw_assess_q::"  # + nonce + statement id: one radio per statement
    ASSESS_FILES = "aw_assess_files"  # prepared report files: (content key, pdf bytes)
    ASSESS_TAB = "aw_assess_tab"  # the open tab of the self-assessment page
    TEAM_TOKEN = "aw_team_token"  # round code -> this browser's anonymous participant token
    TEAM_ANSWER_PREFIX = "aw_team_q::"  # + round code + statement id
    TEAM_FAILURES = "aw_team_failures"  # wrong round codes typed in this session
    TEAM_NEXT_TRY = "aw_team_next_try"  # monotonic time before which no code is checked


def get(key: str, default: Any = None) -> Any:
    return st.session_state.get(key, default)


def put(key: str, value: Any) -> None:
    st.session_state[key] = value


def sources() -> tuple[SourceFile, ...] | None:
    """The user's files, or None while the app shows the demo."""
    return st.session_state.get(Keys.SOURCES)


def settings() -> ImportChoices:
    if Keys.SETTINGS not in st.session_state:
        st.session_state[Keys.SETTINGS] = ImportChoices()
    return st.session_state[Keys.SETTINGS]


def set_settings(value: ImportChoices) -> None:
    st.session_state[Keys.SETTINGS] = value


def result() -> ImportResult | None:
    return st.session_state.get(Keys.RESULT)


def is_demo() -> bool:
    return st.session_state.get(Keys.SOURCES) is None
