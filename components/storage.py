"""The store for this Streamlit process: one per database URL, opened (and migrated) at first use.

``st.cache_resource`` shares one ``Store`` (a thread-safe connection pool) between every session;
the URL is read on each call, so a test that points the ``db_path`` setting at a temporary file
gets its own store. A database that cannot be opened never crashes a page: ``require`` explains
the problem and stops the page, and the loader falls back to the demo.
"""

from __future__ import annotations

import os

import streamlit as st

from alignment import config as settings
from alignment import workshop
from alignment.store import SchemaPart, Store, StoreError, database_url, describe_url
from components import config

# Every feature's schema part, migrated when the store opens. Add a feature's part here.
PARTS: tuple[SchemaPart, ...] = (workshop.SCHEMA,)


def url() -> str:
    return database_url(config.secrets(), os.environ)


@st.cache_resource(show_spinner=False)
def _open(db_url: str) -> Store:
    return Store(db_url, parts=PARTS)


def get() -> Store:
    """The store, or ``StoreError`` with a plain explanation."""
    try:
        return _open(url())
    except StoreError:
        raise
    except Exception as exc:  # noqa: BLE001 - a driver error must become words, not a trace
        raise StoreError(
            f"The database could not be opened ({type(exc).__name__}). Check "
            f"{settings.env('db_url')} / {settings.env('db_path')} (see docs/settings.md)."
        ) from exc


def require() -> Store:
    """The store for a page that cannot work without it; otherwise explain and stop."""
    try:
        return get()
    except StoreError as exc:
        st.error(
            f"Saved workspaces and workshops are unavailable: {exc}", icon=":material/database_off:"
        )
        st.stop()
        raise  # st.stop() raises; this line only satisfies type checkers


def where() -> str:
    """Where the data is kept, in words (no password)."""
    try:
        return describe_url(url())
    except Exception:  # noqa: BLE001 - a malformed URL is reported by get() instead
        return "an unreadable database URL"
