"""A chart in a frame: the chart, a one-line reading guide, and downloads of it and its table.

Downloads are built only when asked for (a popover), since rendering PNG/SVG costs more than a
page rerun should.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from alignment.charts import render
from alignment.exports import to_csv_bytes, to_xlsx_bytes
from components.downloads import XLSX_MIME


def show(chart: alt.TopLevelMixin, table: pd.DataFrame | None, stem: str, *, key: str,
         caption: str = "", on_select: str = "ignore", height: str | int = "content") -> Any:
    """Draw the chart and offer PNG, SVG, CSV and XLSX; returns the selection event if any."""
    if height == "content":
        spec_height = getattr(chart, "height", None)
        height = spec_height + 160 if isinstance(spec_height, int) else "content"
    event = st.altair_chart(chart, key=key, on_select=on_select, width="stretch", height=height)
    left, right = st.columns([4, 1], vertical_alignment="top")
    if caption:
        left.caption(caption)
    with right.popover("Download", icon=":material/download:", width="content"):
        if st.button("Prepare chart files", key=f"{key}-prepare", width="stretch"):
            st.session_state[f"{key}-files"] = True
        if st.session_state.get(f"{key}-files"):
            st.download_button("PNG image", render.to_png(chart), f"{stem}.png", "image/png",
                               key=f"{key}-png", on_click="ignore", width="stretch")
            st.download_button("SVG image", render.to_svg(chart).encode(), f"{stem}.svg",
                               "image/svg+xml", key=f"{key}-svg", on_click="ignore",
                               width="stretch")
        if table is not None:
            st.download_button("Table (.xlsx)", to_xlsx_bytes({stem[:31]: table}),
                               f"{stem}.xlsx", XLSX_MIME, key=f"{key}-xlsx", on_click="ignore",
                               width="stretch")
            st.download_button("Table (.csv)", to_csv_bytes(table), f"{stem}.csv", "text/csv",
                               key=f"{key}-csv", on_click="ignore", width="stretch")
    return event
