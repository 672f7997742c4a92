"""A chart in a frame: the chart, a one-line reading guide, its table one click away, and
downloads of both.

The table alternative is a toggle beside the downloads, reachable with the keyboard; it shows
the same masked rows the chart draws (``alignment.charts.tables.readable``), so a reader who
cannot see the colours, or wants the numbers, loses nothing and learns nothing hidden.
Downloads are callables, built only when their button is clicked: rendering a PNG or writing an
XLSX costs more than a page rerun should.
"""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from alignment.charts import heatmaps, render, tables
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
    k_min: int | None = None,
    table_values: dict[str, dict[Any, str]] | None = None,
    table_view: pd.DataFrame | None = None,
) -> Any:
    """Draw the chart, its table on request, and offer PNG, SVG, CSV and XLSX; returns the
    selection event if any.

    ``chart`` is an Altair chart, or a Vega-Lite spec as JSON: a heatmap template (from
    ``heatmaps.template``) with its rows in ``data``, or a whole cached spec. Either way a rerun
    builds no chart objects, which is what keeps filter changes fast. ``on_select`` may be a
    callable, run only when the selection changes. ``k_min`` words the reason a hidden row of
    the table is empty; ``table_values`` turns codes into words there. ``table_view`` is what
    the on-page table shows when it needs more than the download (why a row is hidden).

    Every chart gets a text description for screen readers (``alignment.charts.describe``).
    """
    if isinstance(chart, str):
        spec = accessible_spec(json.loads(chart))
        # A spec with a fixed step per column (the two sides) keeps its own width; stretching
        # it would spread two columns across the page.
        fixed = isinstance(spec.get("width"), dict)
        event = st.vega_lite_chart(
            data,
            spec,
            key=key,
            on_select=on_select,
            width="content" if fixed else "stretch",
            height="content",
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
    as_table = table_toggle(key, right) if table is not None else False
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
    if as_table and table is not None:
        show_table(table if table_view is None else table_view, k_min=k_min, values=table_values)
    return event


def table_toggle(key: str, where: Any = st) -> bool:
    """The one click to a chart's table (a toggle, so the keyboard reaches it too)."""
    return where.toggle("Show as a table", key=f"{key}-table")


def show_table(
    table: pd.DataFrame,
    *,
    k_min: int | None = None,
    values: dict[str, dict[Any, str]] | None = None,
) -> None:
    """A chart's rows as a table a reader can scan: labelled, masked like the chart."""
    st.dataframe(
        tables.readable(table, k_min, values),
        hide_index=True,
        width="stretch",
        placeholder="–",
    )


def altair_with_table(
    chart: alt.TopLevelMixin,
    table: pd.DataFrame,
    *,
    key: str,
    k_min: int | None = None,
    **kwargs: Any,
) -> None:
    """A chart drawn without the download frame (the workshop's live views, a brief's chart),
    still with its table one click away, and described for screen readers."""
    st.altair_chart(accessible_chart(chart), key=key, **kwargs)
    if table_toggle(key):
        show_table(table, k_min=k_min)
