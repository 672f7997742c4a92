"""Every ``st.session_state`` key in one place, with typed accessors.

Pages never type a key as a string: they call these functions, so a renamed key is one edit
and a page can always ask "is the data loaded?" the same way.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from alignment.ingest import ImportResult, Settings, SourceFile


class Keys:
    SOURCES = "aw_sources"  # tuple[SourceFile, ...] of the user's upload; absent = the demo
    SETTINGS = "aw_settings"  # Settings (mapping corrections, scales, sides)
    RESULT = "aw_result"  # ImportResult of SOURCES + SETTINGS
    RESULT_KEY = "aw_result_key"  # what RESULT was computed from
    UPLOAD_SIGNATURE = "aw_upload_signature"  # digests of the files last loaded from the widget
    UPLOADER_NONCE = "aw_uploader_nonce"  # bumped to clear the file uploader
    LOAD_SECONDS = "aw_load_seconds"  # how long the last import took, shown on the Data page


def get(key: str, default: Any = None) -> Any:
    return st.session_state.get(key, default)


def put(key: str, value: Any) -> None:
    st.session_state[key] = value


def sources() -> tuple[SourceFile, ...] | None:
    """The user's files, or None while the app shows the demo."""
    return st.session_state.get(Keys.SOURCES)


def settings() -> Settings:
    if Keys.SETTINGS not in st.session_state:
        st.session_state[Keys.SETTINGS] = Settings()
    return st.session_state[Keys.SETTINGS]


def set_settings(value: Settings) -> None:
    st.session_state[Keys.SETTINGS] = value


def result() -> ImportResult | None:
    return st.session_state.get(Keys.RESULT)


def is_demo() -> bool:
    return st.session_state.get(Keys.SOURCES) is None
