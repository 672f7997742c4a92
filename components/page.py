"""What every page does first: load the data, and stop kindly when what it needs is missing."""

from __future__ import annotations

import streamlit as st

from alignment import schema
from alignment.ingest import ImportResult
from components import loader

DATA_PAGE = "app_pages/data.py"


def setup(title: str, *, needs: tuple[str, ...] = (), intro: str = "") -> ImportResult:
    """Title, intro and the current import; stops with a plain explanation if a table is missing."""
    st.title(title)
    if intro:
        st.caption(intro)
    result = loader.load()
    missing = [t for t in needs if result.dataset.table(t).empty]
    if missing:
        labels = " and ".join(schema.TABLE_BY_NAME[t].label.lower() for t in missing)
        st.info(
            f"This page needs {labels}, and the data loaded now has none. Upload a file with "
            f"{'that table' if len(missing) == 1 else 'those tables'} on the Data page, or go "
            "back to the demo there.",
            icon=":material/info:",
        )
        st.page_link(DATA_PAGE, label="Go to the Data page", icon=":material/upload_file:")
        st.stop()
    return result
