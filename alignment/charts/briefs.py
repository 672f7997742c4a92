"""The chart a brief carries: one initiative's alignment by side, overall and per question.

Built from ``alignment.briefs.chart_frame``, which holds only unmasked cells, so a hidden side
or question has no bar. Tech is orange and business blue, as on every chart
(``alignment.charts.palette``; orange = tech rates higher on the gap heatmap). Each bar is
labelled with its mean rating and n, so the chart reads on paper without a tooltip.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from alignment.charts import palette
from alignment.charts.render import FONT

SIDE_COLOURS = palette.SIDE_COLOURS
BAR = 14


def alignment_by_side(frame: pd.DataFrame, title: str = "") -> alt.LayerChart | None:
    """Horizontal bars, one pair per question ("Overall" first); None if empty."""
    if frame.empty:
        return None
    data = frame.assign(
        label=[f"{s:.0f} · n={n}" for s, n in zip(frame["score"], frame["n"], strict=True)]
    )
    order = list(dict.fromkeys(data.sort_values("order", kind="stable")["dimension"]))
    sides = [s for s in SIDE_COLOURS if s in set(data["side"])]
    base = alt.Chart(data).encode(
        y=alt.Y(
            "dimension:N", sort=order, title=None, axis=alt.Axis(labelLimit=200, labelFontSize=12)
        ),
        yOffset=alt.YOffset("side:N", sort=sides),
        x=alt.X(
            "score:Q",
            scale=alt.Scale(domain=[0, 100]),
            title="Mean rating, 0 (negative) to 100 (positive)",
            axis=alt.Axis(values=[0, 25, 50, 75, 100]),
        ),
        color=alt.Color(
            "side:N",
            title=None,
            scale=alt.Scale(domain=sides, range=[SIDE_COLOURS[s] for s in sides]),
            legend=alt.Legend(orient="top", labelFontSize=12),
        ),
        tooltip=[
            alt.Tooltip("dimension:N", title="Question"),
            alt.Tooltip("side:N", title="Side"),
            alt.Tooltip("score:Q", title="Mean rating (0–100)", format=".0f"),
            alt.Tooltip("n:Q", title="Respondents"),
        ],
    )
    bars = base.mark_bar(height=BAR)
    labels = base.mark_text(align="left", dx=4, fontSize=11, color="#333333").encode(text="label:N")
    # A step per bar, not a total height: the page squeezed a fixed height until the bars and
    # their labels ran into each other (the files rendered it right, the browser did not).
    chart = (bars + labels).properties(width=420, height=alt.Step(BAR + 4))
    if title:
        chart = chart.properties(title=alt.Title(title, anchor="start", fontSize=14))
    return chart.configure(font=FONT).configure_view(stroke=None)
