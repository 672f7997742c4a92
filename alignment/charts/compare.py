"""The comparison of two workspaces as a dumbbell chart: where each initiative stood, and where it
stands now, per side.

A grey hollow circle is the earlier snapshot, a filled circle the later one, joined by a line
coloured by the verdict (improved, worsened, steady); an initiative rated only once shows a single
circle. Verdicts use black and magenta, not the orange and blue that mean tech and business
(``alignment.charts.palette``), and the legend says each verdict in words. Hidden cells never
reach the chart (``alignment.compare.chart_frame`` drops them).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from alignment.compare import GONE, IMPROVED, NEW, STEADY, WORSENED
from alignment.constants import COMPARISON_CHANGE

STATUS_COLOURS = {
    IMPROVED: "#1a1a1a",
    WORSENED: "#c51b7d",
    STEADY: "#8c8c8c",
    NEW: "#762a83",
    GONE: "#b3b3b3",
}
STATUS_LABELS = {
    IMPROVED: "Improved",
    WORSENED: "Worsened",
    STEADY: f"Steady (< {COMPARISON_CHANGE:g} points)",
    NEW: "New (not rated before)",
    GONE: "Gone (not rated now)",
}
ROW_HEIGHT = 20


def dumbbell(
    frame: pd.DataFrame,
    order: Sequence[str],
    *,
    before: str = "Before",
    after: str = "After",
    width: int = 300,
) -> alt.FacetChart:
    """Initiatives (rows, in ``order`` of their labels) × side (columns); x = alignment score.

    ``frame`` is ``alignment.compare.chart_frame`` output. ``before`` and ``after`` name the two
    snapshots in the tooltip.
    """
    data = frame.copy()
    data["verdict"] = data["status"].map(STATUS_LABELS)
    data["before_text"] = data["score_before"].map(lambda v: "–" if pd.isna(v) else f"{v:.0f}")
    data["after_text"] = data["score_after"].map(lambda v: "–" if pd.isna(v) else f"{v:.0f}")
    data["n_before_text"] = data["n_before"].map(lambda v: "–" if pd.isna(v) else str(int(v)))
    data["n_after_text"] = data["n_after"].map(lambda v: "–" if pd.isna(v) else str(int(v)))
    data["change_text"] = data["change"].map(lambda v: "–" if pd.isna(v) else f"{v:+.0f}")
    colour = alt.Color(
        "verdict:N",
        title="Verdict",
        scale=alt.Scale(
            domain=[STATUS_LABELS[s] for s in STATUS_LABELS],
            range=[STATUS_COLOURS[s] for s in STATUS_LABELS],
        ),
        legend=alt.Legend(orient="top", labelLimit=220, columns=3),
    )
    y = alt.Y(
        "label:N",
        sort=list(order),
        title=None,
        axis=alt.Axis(labelLimit=280, labelFontSize=11, labelOverlap=False, labelFlush=False),
    )
    tooltip = [
        alt.Tooltip("initiative:N", title="Initiative"),
        alt.Tooltip("side_label:N", title="Side"),
        alt.Tooltip("before_text:N", title=f"{before} (0–100)"),
        alt.Tooltip("n_before_text:N", title=f"{before}: respondents"),
        alt.Tooltip("after_text:N", title=f"{after} (0–100)"),
        alt.Tooltip("n_after_text:N", title=f"{after}: respondents"),
        alt.Tooltip("change_text:N", title="Change (points)"),
        alt.Tooltip("verdict:N", title="Verdict"),
    ]
    x_scale = alt.Scale(domain=[0, 100])
    base = alt.Chart().encode(y=y, tooltip=tooltip)
    rule = (
        base.transform_filter("isValid(datum.score_before) && isValid(datum.score_after)")
        .mark_rule(strokeWidth=2.5)
        .encode(
            x=alt.X("score_before:Q", scale=x_scale, title="Mean rating (0–100)"),
            x2="score_after:Q",
            color=colour,
        )
    )
    start = (
        base.transform_filter("isValid(datum.score_before)")
        .mark_point(size=60, filled=False, strokeWidth=1.5, color="#555")
        .encode(x=alt.X("score_before:Q", scale=x_scale))
    )
    end = (
        base.transform_filter("isValid(datum.score_after)")
        .mark_point(size=80, filled=True, opacity=1)
        .encode(x=alt.X("score_after:Q", scale=x_scale), color=colour)
    )
    return (
        alt.layer(rule, start, end, data=data)
        .properties(width=width, height=alt.Step(ROW_HEIGHT))
        .facet(
            column=alt.Column(
                "side_label:N",
                title=None,
                sort=["Tech", "Business"],
                header=alt.Header(labelFontSize=13, labelFontWeight="bold"),
            )
        )
    )
