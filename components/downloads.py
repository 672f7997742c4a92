"""Download buttons for tables: every file goes through the formula-safe writers, and is made
only when its button is clicked (a callable), so a page rerun never pays for it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from alignment.exports import readable, to_csv_bytes, to_xlsx_bytes

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def frame_downloads(
    frame: pd.DataFrame,
    stem: str,
    *,
    key: str,
    sheet: str = "Data",
    label: str = "Download",
    table: str | None = None,
) -> None:
    """Two buttons, XLSX and CSV, side by side. Headers are made readable (``readable``: a
    schema ``table``'s labels, or the app's column labels), never raw field names."""
    frame = readable(frame, table)
    left, right = st.columns(2)
    left.download_button(
        f"{label} (.xlsx)",
        lambda: to_xlsx_bytes({sheet: frame}),
        f"{stem}.xlsx",
        XLSX_MIME,
        key=f"{key}-xlsx",
        icon=":material/download:",
        on_click="ignore",
    )
    right.download_button(
        f"{label} (.csv)",
        lambda: to_csv_bytes(frame),
        f"{stem}.csv",
        "text/csv",
        key=f"{key}-csv",
        icon=":material/download:",
        on_click="ignore",
    )
