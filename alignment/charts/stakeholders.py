"""The power–interest grid: stakeholders by influence and interest, coloured by their 1:1 status.

Quadrants are drawn as faint bands with their names in words (manage closely, keep satisfied,
keep informed, monitor); each person is a point with their (shortened) name beside it and the
full record in the tooltip. Colours are Okabe–Ito and the status also shows as the point's shape.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from alignment import schema
from alignment.charts.indicators import short
from alignment.charts.render import FONT
from alignment.stakeholders import (
    QUADRANTS,
    STATUS_NONE,
    STATUS_OK,
    STATUS_OVERDUE,
    STATUS_SOON,
)

STATUS_ORDER = (STATUS_OVERDUE, STATUS_SOON, STATUS_OK, STATUS_NONE)
# Overdue, soon, on track, none: magenta, pink, teal, grey (orange and blue mean tech and
# business on the alignment charts); the shapes carry the same meaning without colour.
STATUS_COLOURS = ("#8E0152", "#DE77AE", "#35978F", "#7F7F7F")
STATUS_SHAPES = ("triangle-up", "diamond", "circle", "square")
NAME_CHARS = 18
# (quadrant, x0, x1, y0, y1, label x, label y, align): interest on x, influence on y; the
# "high" half starts at 3.5 (High and Very high).
# The x axis runs on past "Very high" (to 6.3) so that names written to the right of the
# rightmost points are not cut.
X_END = 6.3
_BANDS = (
    (QUADRANTS[0], 3.5, X_END, 3.5, 5.5, X_END - 0.05, 5.42, "right"),
    (QUADRANTS[1], 0.5, 3.5, 3.5, 5.5, 0.55, 5.42, "left"),
    (QUADRANTS[2], 3.5, X_END, 0.5, 3.5, X_END - 0.05, 0.58, "right"),
    (QUADRANTS[3], 0.5, 3.5, 0.5, 3.5, 0.55, 0.58, "left"),
)
_BAND_FILLS = ("#F6E0EC", "#EFE8F2", "#E3F2EF", "#F2F2F2")


def power_interest(
    placed: pd.DataFrame,
    track: pd.DataFrame | None = None,
    *,
    width: int | str = "container",
    height: int = 520,
) -> alt.LayerChart:
    """The grid from ``stakeholders.grid(...)`` (x = interest, y = influence, jittered), joined
    with ``stakeholders.tracker(...)`` by name for the 1:1 status when given."""
    data = placed.copy()
    if track is not None and not track.empty:
        extra = track.set_index("name")[["status", "next_due", "days_overdue"]]
        data = data.join(extra, on="name")
    for col, default in (("status", STATUS_NONE), ("next_due", None), ("days_overdue", 0)):
        if col not in data.columns:
            data[col] = default
    data["status"] = data["status"].fillna(STATUS_NONE)
    data["short_name"] = data["name"].map(lambda s: short(s, NAME_CHARS))
    for col in ("role", "group"):
        data[col] = data[col].map(lambda v: "" if v is None or pd.isna(v) else str(v))
    for col in ("last_1on1", "next_due"):
        data[col] = data[col].map(lambda v: "" if v is None or pd.isna(v) else str(v)[:10])
    bands = pd.DataFrame([b[:5] for b in _BANDS], columns=["quadrant", "x0", "x1", "y0", "y1"])
    labels = pd.DataFrame(
        [(b[0], b[5], b[6], b[7]) for b in _BANDS], columns=["quadrant", "lx", "ly", "align"]
    )
    axis_levels = "['', " + ", ".join(f"'{lv}'" for lv in schema.LEVELS) + "][datum.value]"
    x_scale = alt.Scale(domain=[0.5, X_END], nice=False)
    y_scale = alt.Scale(domain=[0.5, 5.5], nice=False)
    x_axis = alt.Axis(values=[1, 2, 3, 4, 5], labelExpr=axis_levels, grid=False)
    y_axis = alt.Axis(values=[1, 2, 3, 4, 5], labelExpr=axis_levels, grid=False)
    rects = (
        alt.Chart(bands)
        .mark_rect(opacity=1)
        .encode(
            x=alt.X("x0:Q", scale=x_scale, axis=x_axis, title="Interest"),
            x2="x1:Q",
            y=alt.Y("y0:Q", scale=y_scale, axis=y_axis, title="Influence"),
            y2="y1:Q",
            color=alt.Color(
                "quadrant:N",
                scale=alt.Scale(domain=list(QUADRANTS), range=list(_BAND_FILLS)),
                legend=None,
            ),
        )
    )
    names = []
    for align in ("left", "right"):
        names.append(
            alt.Chart(labels[labels["align"] == align])
            .mark_text(
                align=align, baseline="middle", fontSize=14, fontWeight="bold", color="#444444"
            )
            .encode(
                x=alt.X("lx:Q", scale=x_scale), y=alt.Y("ly:Q", scale=y_scale), text="quadrant:N"
            )
        )
    tooltip = [
        alt.Tooltip("name:N", title="Name"),
        alt.Tooltip("role:N", title="Role"),
        alt.Tooltip("group:N", title="Group"),
        alt.Tooltip("influence:N", title="Influence"),
        alt.Tooltip("interest:N", title="Interest"),
        alt.Tooltip("quadrant:N", title="Quadrant"),
        alt.Tooltip("last_1on1:N", title="Last 1:1"),
        alt.Tooltip("next_due:N", title="Next 1:1 due"),
        alt.Tooltip("status:N", title="1:1 status"),
    ]
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=110, opacity=1, stroke="white", strokeWidth=0.8)
        .encode(
            x=alt.X("x:Q", scale=x_scale),
            y=alt.Y("y:Q", scale=y_scale),
            color=alt.Color(
                "status:N",
                title="1:1",
                scale=alt.Scale(domain=list(STATUS_ORDER), range=list(STATUS_COLOURS)),
                legend=alt.Legend(
                    orient="top",
                    labelLimit=200,
                    symbolSize=120,
                    symbolOpacity=1,
                    symbolStrokeWidth=0,
                    labelFontSize=12,
                    titleFontSize=12,
                ),
            ),
            shape=alt.Shape(
                "status:N",
                title="1:1",
                scale=alt.Scale(domain=list(STATUS_ORDER), range=list(STATUS_SHAPES)),
            ),
            tooltip=tooltip,
        )
    )
    text = (
        alt.Chart(data)
        .mark_text(align="left", dx=8, fontSize=12, color="#222222")
        .encode(
            x=alt.X("x:Q", scale=x_scale),
            y=alt.Y("y:Q", scale=y_scale),
            text="short_name:N",
            tooltip=tooltip,
        )
    )
    # Quadrant fills and 1:1 statuses are two different colour scales (and legends).
    return (
        alt.layer(rects, *names, points, text)
        .resolve_scale(color="independent", shape="independent")
        .properties(width=width, height=height)
        .configure(font=FONT)
        .configure_view(stroke=None)
    )
