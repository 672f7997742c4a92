"""Loading data into the session: the last saved workspace (else the demo) at start, the user's
files after an upload, a workspace when one is opened.

Raw sheets are cached by file digest (``st.cache_resource``: they are large, read-only grids,
and a copy per rerun would cost more than the parse), so correcting a column mapping re-runs
only the fast interpretation step. The finished ``ImportResult`` lives in the session.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import sqlalchemy as sa
import streamlit as st

from alignment.ingest import ImportResult, SourceFile, build, read_sources
from alignment.problems import Problem
from alignment.readers import Limits, RawSheet, upload_limit_bytes
from alignment.store import Snapshot, StoreError
from components import state, storage
from components.state import Keys

ROOT = Path(__file__).resolve().parent.parent
DEMO_PATH = ROOT / "sample_data" / "demo_workbook.xlsx"
DEMO_NAME = "Demo workbook"


def upload_limit_mb() -> int:
    """The per-file upload limit the server enforces, also used by the importer's own check."""
    return int(st.get_option("server.maxUploadSize"))


def limits() -> Limits:
    return Limits(max_file_bytes=upload_limit_bytes(upload_limit_mb()))


@st.cache_resource(show_spinner=False)
def demo_source() -> SourceFile:
    return SourceFile(DEMO_PATH.name, DEMO_PATH.read_bytes())


@st.cache_resource(show_spinner=False, max_entries=6, ttl=3600)
def _raw_sheets(
    sha: str, _source: SourceFile, _limits: Limits
) -> tuple[list[RawSheet], list[Problem]]:
    """Parse one file; keyed by its digest only (the underscored arguments are not hashed).
    Unreadable files come back as one problem each, never as an exception."""
    return read_sources([_source], _limits)


def current_sources() -> tuple[SourceFile, ...]:
    return state.sources() or (demo_source(),)


def content_key() -> tuple[tuple[str, ...], str]:
    """What the current data is made of: file digests and settings (a saved workspace's too)."""
    return tuple(s.sha for s in current_sources()), state.settings().to_json()


def load(show_progress: bool = False) -> ImportResult:
    """The import of the current sources with the current settings, recomputed only on change."""
    if Keys.STARTED not in st.session_state:
        _reopen_last_workspace()
    sources = current_sources()
    settings = state.settings()
    key = (tuple(s.sha for s in sources), settings.to_json())
    if state.get(Keys.RESULT_KEY) == key and state.result() is not None:
        return state.result()
    bar = st.progress(0.0, text="Reading your files…") if show_progress else None

    def progress(fraction: float, message: str) -> None:
        if bar is not None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    started = time.perf_counter()
    sheets: list[RawSheet] = []
    problems: list[Problem] = []
    lim = limits()
    for i, src in enumerate(sources):
        progress(0.4 * i / len(sources), f"Reading {src.name}…")
        s, p = _raw_sheets(src.sha, src, lim)
        sheets.extend(s)
        problems.extend(p)
    name = DEMO_NAME if state.is_demo() else ", ".join(s.name for s in sources)
    fingerprint = hashlib.sha256(repr(key).encode()).hexdigest()[:16]
    result = build(
        sheets,
        settings,
        problems,
        name=name,
        fingerprint=fingerprint,
        progress=lambda f, m: progress(0.4 + 0.6 * f, m),
    )
    state.put(Keys.LOAD_SECONDS, time.perf_counter() - started)
    if bar is not None:
        bar.empty()
    state.put(Keys.RESULT, result)
    state.put(Keys.RESULT_KEY, key)
    return result


def use_uploads(files: list) -> bool:
    """Switch the session to newly uploaded files; True when something changed."""
    signature = tuple((f.name, f.size, getattr(f, "file_id", "")) for f in files)
    if not files or signature == state.get(Keys.UPLOAD_SIGNATURE):
        return False
    state.put(Keys.SOURCES, tuple(SourceFile(f.name, f.getvalue()) for f in files))
    state.put(Keys.UPLOAD_SIGNATURE, signature)
    state.set_settings(type(state.settings())())
    st.session_state.pop(Keys.OPEN_SNAPSHOT, None)
    return True


def use_demo() -> None:
    for key in (Keys.SOURCES, Keys.UPLOAD_SIGNATURE, Keys.SETTINGS, Keys.OPEN_SNAPSHOT):
        st.session_state.pop(key, None)
    state.put(Keys.UPLOADER_NONCE, state.get(Keys.UPLOADER_NONCE, 0) + 1)


def use_snapshot(snapshot: Snapshot) -> None:
    """Switch the session to a saved workspace: its files and settings, re-imported."""
    state.put(Keys.SOURCES, snapshot.sources)
    state.set_settings(snapshot.settings)
    st.session_state.pop(Keys.UPLOAD_SIGNATURE, None)
    state.put(Keys.UPLOADER_NONCE, state.get(Keys.UPLOADER_NONCE, 0) + 1)
    state.put(Keys.OPEN_SNAPSHOT, (snapshot.info.id, snapshot.info.name, content_key()))


def add_source(source: SourceFile) -> bool:
    """Add a file (a workshop's results) to the current data, replacing an earlier file of the
    same name (the same workshop's results before the last votes); False when already there."""
    current = current_sources()
    if any(s.sha == source.sha for s in current):
        return False
    state.put(Keys.SOURCES, (*(s for s in current if s.name != source.name), source))
    return True


def _reopen_last_workspace() -> None:
    """At a session's start, open the workspace used last; the demo when there is none or the
    store cannot be read (the app must start whatever state the database is in)."""
    state.put(Keys.STARTED, True)
    if state.sources() is not None:
        return
    try:
        store = storage.get()
        snapshot_id = store.last_snapshot_id()
        snapshot = store.snapshot(snapshot_id) if snapshot_id is not None else None
    except (StoreError, sa.exc.SQLAlchemyError):
        return
    if snapshot is not None and snapshot.sources:
        use_snapshot(snapshot)
