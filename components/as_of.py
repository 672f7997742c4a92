"""The "as of" date that overdue 1:1s, due rituals and late dependencies are measured against.

One date for the session, shared by the Dependencies and Stakeholders pages: the demo's story
is told from its own date (``alignment.demo.AS_OF``), a user's data from today. Changing it on
one page changes it on the other.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from alignment import demo
from components import state
from components.state import Keys


def current() -> dt.date:
    """The chosen date, or the default: the demo's date for the demo, today otherwise."""
    chosen = state.get(Keys.AS_OF)
    if chosen is not None:
        return chosen
    return demo.AS_OF.date() if state.is_demo() else dt.date.today()


def _store(widget: str) -> None:
    state.put(Keys.AS_OF, st.session_state[widget])


def show(page: str, container=st) -> dt.date:
    """A date input (keyed per page) that sets the session's date; returns it."""
    widget = f"{Keys.KEEP_ALIGNED_WIDGET}as-of-{page}"
    value = current()
    if st.session_state.get(widget) != value:
        st.session_state[widget] = value
    container.date_input(
        "As of",
        key=widget,
        on_change=_store,
        args=(widget,),
        format="YYYY-MM-DD",
        help="Overdue, due and late are counted from this day. The demo is "
        "told as of its own date; your data, as of today.",
    )
    return value
