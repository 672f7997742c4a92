"""The workshop's charts: the room's heatmap (live, and large for a projector) and the dot tally.

Both take masked frames (``alignment.workshop.room_cells`` / ``dot_tally``): a hidden cell
arrives without a figure and is drawn grey with the word "hidden". The heatmap uses the same
colours as the Alignment page (``alignment.charts.palette``: one ramp for the mean rating,
orange for tech and blue for business), so a room that saw one reads the other.
``large=True`` sizes every text for the back of a room.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from alignment.charts import palette
from alignment.charts.heatmaps import initiative_label

SIDE_COLOURS = palette.SIDE_COLOURS


def room_frame(
    cells: pd.DataFrame, names: Mapping[str, str], k_min: int, label_width: int = 40
) -> pd.DataFrame:
    """The tidy table behind the room heatmap, with the words its tooltip and cells show;
    ``label_width`` shortens initiative labels (a phone needs about 24 characters)."""
    frame = cells.copy()
    frame["initiative"] = frame["initiative_id"].map(lambda i: names.get(i, i))
    frame["label"] = initiative_label(frame["initiative_id"], names, width=label_width)
    frame["hidden"] = frame["masked"].astype(bool)
    frame["score_text"] = [
        "hidden" if h else f"{s:.0f}"
        for h, s in zip(frame["hidden"], frame["score"].fillna(0), strict=True)
    ]
    score = frame["score"].fillna(50)
    frame["text_colour"] = [
        "grey" if h else "white" if palette.score_text_colour(v) == "#ffffff" else "dark"
        for h, v in zip(frame["hidden"], score, strict=True)
    ]
    frame["n_text"] = [
        f"fewer than {k_min}" if h else str(int(n))
        for h, n in zip(frame["hidden"], frame["n"].fillna(0), strict=True)
    ]
    # The chart's data travels to the browser whole: whole numbers only, hidden cells without
    # a score or n, and no other statistic, so nothing finer than the cell's text can be read.
    frame["score"] = frame["score"].where(~frame["hidden"]).round(0)
    frame["n"] = frame["n"].where(~frame["hidden"])
    keep = ["initiative_id", "initiative", "label", "column", "hidden", "score", "n"]
    return frame[[*keep, "score_text", "text_colour", "n_text"]]


def room_heatmap(
    frame: pd.DataFrame,
    order: Sequence[str],
    columns: Sequence[str],
    *,
    large: bool = False,
    compact: bool = False,
    k_min: int = 3,
) -> alt.LayerChart:
    """Initiatives × (Tech, Business, Everyone); colour = mean rating 0–100, number in the
    cell, n in the tooltip. ``order`` lists the initiative labels top to bottom. ``large`` is
    for a projector; ``compact`` for a phone (short labels, legend below). The legend explains
    grey (hidden, fewer than ``k_min``) beside white (no answers), as on the Alignment page."""
    label_size, cell_text, row = (
        (22, 24, 56) if large else (11, 12, 30) if compact else (12, 13, 30)
    )
    label_limit = 620 if large else 150 if compact else 320
    base = alt.Chart(frame).encode(
        y=alt.Y(
            "label:N",
            sort=list(order),
            title=None,
            axis=alt.Axis(
                labelLimit=label_limit,
                labelFontSize=label_size,
                labelOverlap=False,
                labelFlush=False,
                ticks=False,
                domain=False,
            ),
        ),
        x=alt.X(
            "column:N",
            sort=list(columns),
            title=None,
            axis=alt.Axis(
                orient="top",
                labelAngle=0,
                labelFontSize=label_size,
                labelFontWeight="bold",
                ticks=False,
                domain=False,
            ),
        ),
    )
    tooltip = [
        alt.Tooltip("initiative:N", title="Initiative"),
        alt.Tooltip("column:N", title="Who"),
        alt.Tooltip("score_text:N", title="Mean rating (0–100)"),
        alt.Tooltip("n_text:N", title="People (n)"),
    ]
    rect = (
        base.transform_filter("!datum.hidden")
        .mark_rect(stroke="white", strokeWidth=2)
        .encode(
            color=alt.Color(
                "score:Q",
                title=["Mean rating", "0 low · 100 high"],
                scale=palette.score_scale(),
                legend=alt.Legend(
                    values=list(palette.SCORE_TICKS),
                    labelOverlap="greedy",
                    orient="bottom" if compact else "right",
                    direction="horizontal" if compact else "vertical",
                    gradientLength=200 if compact else max(60, min(200, row * len(order) - 20)),
                    labelFontSize=label_size - 4,
                    titleFontSize=label_size - 4,
                ),
            ),
            tooltip=tooltip,
        )
    )
    hidden = (
        base.transform_filter("datum.hidden")
        .transform_calculate(cell_status=json.dumps(palette.hidden_words(k_min)))
        .mark_rect(stroke="white", strokeWidth=2)
        .encode(
            fill=palette.cell_status_fill(
                k_min,
                orient="bottom" if compact else "right",
                labelFontSize=label_size - 4,
                titleFontSize=label_size - 4,
                labelLimit=620 if large else 260 if compact else 320,
            ),
            tooltip=tooltip,
        )
    )
    text = base.mark_text(fontSize=cell_text, fontWeight="bold" if large else "normal").encode(
        text="score_text:N",
        # Two fixed colours chosen per cell (white on the darkest cells): a field with
        # ``scale=None`` would clash with the rect layer's colour scale when layers merge.
        color=alt.when("datum.text_colour == 'white'")
        .then(alt.value("white"))
        .when("datum.text_colour == 'grey'")
        .then(alt.value(palette.HIDDEN_TEXT))
        .otherwise(alt.value(palette.TEXT_DARK)),
        tooltip=tooltip,
    )
    # A step per row, not a total height: Streamlit fits a fixed height around the axes too,
    # which squeezes a short chart's rows to slivers.
    return alt.layer(rect, hidden, text).properties(height=alt.Step(row), width="container")


def dot_bars(tally: pd.DataFrame, *, large: bool = False) -> alt.Chart:
    """Dots per initiative, most first; split by side when both sides are large enough."""
    label_size = 22 if large else 12
    data = tally[~tally["masked"]].copy()
    data["label"] = initiative_label(
        data["initiative_id"],
        dict(zip(data["initiative_id"], data["initiative"], strict=True)),
        width=40,
    )
    order = list(data.sort_values("dots", ascending=False, kind="stable")["label"])
    split = data["dots_tech"].notna().any()
    if split:
        long = data.melt(
            id_vars=["label", "initiative", "dots"],
            value_vars=["dots_tech", "dots_business"],
            var_name="side",
            value_name="side_dots",
        )
        long["side"] = long["side"].map({"dots_tech": "Tech", "dots_business": "Business"})
        chart = (
            alt.Chart(long)
            .mark_bar()
            .encode(
                x=alt.X(
                    "side_dots:Q",
                    title="Dots",
                    stack=True,
                    axis=alt.Axis(tickMinStep=1, format="d"),
                ),
                color=alt.Color(
                    "side:N",
                    title=None,
                    scale=alt.Scale(domain=list(SIDE_COLOURS), range=list(SIDE_COLOURS.values())),
                    legend=alt.Legend(orient="top", labelFontSize=label_size),
                ),
                tooltip=[
                    alt.Tooltip("initiative:N", title="Initiative"),
                    alt.Tooltip("side:N", title="Side"),
                    alt.Tooltip("side_dots:Q", title="Dots from this side"),
                    alt.Tooltip("dots:Q", title="Dots in all"),
                ],
            )
        )
    else:
        chart = (
            alt.Chart(data)
            .mark_bar(color=palette.NEUTRAL)
            .encode(
                x=alt.X("dots:Q", title="Dots", axis=alt.Axis(tickMinStep=1, format="d")),
                tooltip=[
                    alt.Tooltip("initiative:N", title="Initiative"),
                    alt.Tooltip("dots:Q", title="Dots"),
                    alt.Tooltip("people:Q", title="People who gave dots"),
                ],
            )
        )
    row = 48 if large else 26
    return (
        chart.encode(
            y=alt.Y(
                "label:N",
                sort=order,
                title=None,
                axis=alt.Axis(
                    labelLimit=620 if large else 320,
                    labelFontSize=label_size,
                    labelOverlap=False,
                    labelFlush=False,
                ),
            ),
        )
        .properties(height=alt.Step(row), width="container")
        .configure_axisX(labelFontSize=label_size - 2, titleFontSize=label_size - 2)
    )
