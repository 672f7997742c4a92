"""A chart in a frame: the chart, a one-line reading guide, and downloads of it and its table.

Downloads are callables, built only when their button is clicked: rendering a PNG or writing an
XLSX costs more than a page rerun should.
"""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from alignment.charts import heatmaps, render
from alignment.charts.describe import accessible_chart, accessible_spec
from alignment.exports import readable, to_csv_bytes, to_xlsx_bytes
from components.downloads import XLSX_MIME


def show(
    chart: alt.TopLevelMixin | str,
    table: pd.DataFrame | None,
    stem: str,
    *,
    key: str,
    caption: str = "",
    on_select: str = "ignore",
    height: str | int = "content",
    data: pd.DataFrame | None = None,
) -> Any:
    """Draw the chart and offer PNG, SVG, CSV and XLSX; returns the selection event if any.

    ``chart`` is an Altair chart, or a Vega-Lite spec as JSON: a heatmap template (from
    ``heatmaps.template``) with its rows in ``data``, or a whole cached spec. Either way a rerun
    builds no chart objects, which is what keeps filter changes fast.

    Every chart gets a text description for screen readers (``alignment.charts.describe``).
    """
    if isinstance(chart, str):
        spec = accessible_spec(json.loads(chart))
        event = st.vega_lite_chart(
            data, spec, key=key, on_select=on_select, width="stretch", height="content"
        )
        file_spec: Any = heatmaps.with_data(spec, data) if data is not None else spec
    else:
        chart = accessible_chart(chart)
        if height == "content":
            spec_height = getattr(chart, "height", None)
            height = spec_height + 160 if isinstance(spec_height, int) else "content"
        event = st.altair_chart(chart, key=key, on_select=on_select, width="stretch", height=height)
        file_spec = chart
    left, right = st.columns([4, 1], vertical_alignment="top")
    if caption:
        left.caption(caption)
    with right.popover("Download", icon=":material/download:", width="content"):
        # Callables: each file is made only when its button is clicked, never on a rerun.
        st.download_button(
            "PNG image",
            lambda: render.to_png(file_spec),
            f"{stem}.png",
            "image/png",
            key=f"{key}-png",
            on_click="ignore",
            width="stretch",
        )
        st.download_button(
            "SVG image",
            lambda: render.to_svg(file_spec).encode(),
            f"{stem}.svg",
            "image/svg+xml",
            key=f"{key}-svg",
            on_click="ignore",
            width="stretch",
        )
        if table is not None:
            st.download_button(
                "Table (.xlsx)",
                lambda: to_xlsx_bytes({stem[:31]: readable(table)}),
                f"{stem}.xlsx",
                XLSX_MIME,
                key=f"{key}-xlsx",
                on_click="ignore",
                width="stretch",
            )
            st.download_button(
                "Table (.csv)",
                lambda: to_csv_bytes(readable(table)),
                f"{stem}.csv",
                "text/csv",
                key=f"{key}-csv",
                on_click="ignore",
                width="stretch",
            )
    return event
