"""The alignment heatmaps: initiatives × groups or sides, perception gaps, coverage, trend.

Each builder takes the masked frames from ``alignment.scoring`` (or ``alignment.coverage``), so a
hidden cell reaches the chart only as "hidden" with no figure. Colours come from
``alignment.charts.palette``: one sequential ramp for the mean rating, the tech/business pair
for gaps, grey for hidden and white for no answers, explained side by side in every legend. The
figure is named for what it is, the mean rating on 0–100, and never as "% aligned"; agreement
(r_wg) stays in its own field and marks. Long initiative names are shortened on the axis and
given in full in the tooltip.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd

from alignment.charts import palette
from alignment.constants import AGREEMENT_TEXT, AGREEMENT_THRESHOLD
from alignment.coverage import ORPHAN
from alignment.scoring import MASK_SMALL
from alignment.values import is_missing

HIDDEN_COLOUR = palette.HIDDEN
SCORE_TITLE = ["Mean rating, 0–100", "0 = most negative, 100 = most positive"]
SCORE_TIP = "Mean rating (0–100)"
ROW_HEIGHT = 22
MARK_DISAGREE = f"Group disagrees (r_wg < {AGREEMENT_TEXT})"
MARK_POLARISED = "Split room (polarised)"
MARK_UNCLEAR = "No clear difference (interval contains 0)"


def short(text: str, width: int = 34) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def initiative_label(ids: pd.Series, names: Mapping[str, str], width: int = 34) -> pd.Series:
    """'P-07 Carrier quick-pay' shortened for the axis (ids keep labels unique)."""
    return ids.map(lambda i: short(f"{i} {names.get(i, '')}".strip(), width))


def _fmt(value: object, digits: int = 0) -> str:
    if is_missing(value):
        return "–"
    return f"{float(value):.{digits}f}"


def _mask_text(reason: str, k_min: int) -> str:
    if reason == MASK_SMALL:
        return f"Hidden: fewer than {k_min} respondents"
    return "Hidden: would let a smaller group be worked out by subtraction"


def _truthy(value: object) -> bool:
    return not is_missing(value) and bool(value)


def _agreement_words(rwg: object, polarised: object) -> str:
    if _truthy(polarised):
        return "Split room: two camps (polarised)"
    if is_missing(rwg):
        return "Agreement undefined (fewer than 2 respondents)"
    return "The group agrees" if float(rwg) >= AGREEMENT_THRESHOLD else "The group disagrees"


def alignment_frame(
    cells: pd.DataFrame, column: str, names: Mapping[str, str], k_min: int, order: Sequence[str]
) -> pd.DataFrame:
    """The tidy table behind the heatmap: one row per shown cell, tooltip text included."""
    frame = cells[cells["initiative_id"].isin(order)].copy()
    frame["initiative"] = frame["initiative_id"].map(lambda i: names.get(i, i))
    frame["label"] = initiative_label(frame["initiative_id"], names)
    frame["column"] = frame[column].astype(str)
    frame["score_text"] = frame["score"].map(_fmt)
    frame["n_text"] = frame["n"].map(_n)
    frame["rwg_text"] = frame["rwg"].map(lambda v: _fmt(v, 2))
    frame["agreement"] = [
        _mask_text(r, k_min) if m else _agreement_words(w, p)
        for m, r, w, p in zip(
            frame["masked"], frame["mask_reason"], frame["rwg"], frame["polarised"], strict=False
        )
    ]
    frame["flag"] = np.select(
        [
            frame["masked"].astype(bool),
            frame["polarised"].fillna(False).astype(bool),
            frame["low_agreement"].fillna(False).astype(bool),
        ],
        ["", MARK_POLARISED, MARK_DISAGREE],
        default="",
    )
    frame["hidden"] = frame["masked"].astype(bool)
    frame["side_break"] = False
    # Only what the chart draws or the tooltip says goes to the browser.
    return frame[
        [
            "initiative_id",
            "initiative",
            "label",
            "column",
            "score",
            "score_text",
            "n",
            "n_text",
            "rwg",
            "rwg_text",
            "polarised",
            "low_agreement",
            "agreement",
            "flag",
            "hidden",
            "mask_reason",
            "side_break",
            *(["side"] if "side" in frame.columns and column != "side" else []),
        ]
    ]


def mark_side_break(frame: pd.DataFrame) -> pd.DataFrame:
    """Flag the first column of each side after the first (business groups, then tech), so the
    heatmap draws a line there: the two sides must not read as one run of groups."""
    if "side" not in frame.columns or frame.empty:
        return frame
    sides = frame.drop_duplicates("col").sort_values("col")[["col", "side"]]
    changed = sides["side"].ne(sides["side"].shift()) & sides["col"].ne(sides["col"].min())
    frame = frame.copy()
    frame["side_break"] = frame["col"].isin(set(sides.loc[changed, "col"]))
    return frame


def ordered(
    frame: pd.DataFrame, order: Sequence[str], columns: Sequence[str], column: str = "column"
) -> pd.DataFrame:
    """Keep the rows and columns to show and number them: the charts sort by these numbers, so
    a chart template never has to change when the order or the page does."""
    row = {ident: i for i, ident in enumerate(order)}
    col = {name: j for j, name in enumerate(columns)}
    frame = frame[frame["initiative_id"].isin(row) & frame[column].isin(col)].copy()
    frame["row"] = frame["initiative_id"].map(row).astype(int)
    frame["col"] = frame[column].map(col).astype(int)
    return frame


def _axes(
    x_field: str, x_title: str | None, angle: int, label_limit: int = 170
) -> dict[str, alt.X | alt.Y]:
    return {
        "y": alt.Y(
            "label:N",
            sort=alt.EncodingSortField("row", op="min"),
            title=None,
            # labelFlush off: Streamlit's theme pushed the first row's label down by a few
            # pixels, so it sat between the first two rows.
            axis=alt.Axis(labelLimit=260, labelFontSize=11, labelOverlap=False, labelFlush=False),
        ),
        "x": alt.X(
            f"{x_field}:N",
            sort=alt.EncodingSortField("col", op="min"),
            title=x_title,
            axis=alt.Axis(
                labelAngle=angle,
                labelLimit=label_limit,
                orient="top",
                labelOverlap=False,
                labelFlush=False,
                titlePadding=10,
            ),
        ),
    }


def _base(frame: pd.DataFrame | None) -> alt.Chart:
    return alt.Chart(frame) if frame is not None else alt.Chart()


def _size(chart: alt.LayerChart, column_width: int | None = None) -> alt.LayerChart:
    """A fixed height per row, so labels never collide and get dropped; a few columns (the two
    sides) get a fixed width each instead of being stretched across the page."""
    width: alt.Step | str = alt.Step(column_width) if column_width else "container"
    return chart.properties(height=alt.Step(ROW_HEIGHT), width=width)


def _hidden_layer(base: alt.Chart, tooltip: list[alt.Tooltip], k_min: int) -> list[alt.Chart]:
    """Hidden cells: grey with the word "hidden", drawn by the layer whose legend explains grey
    beside white (no answers)."""
    hidden = base.transform_filter("datum.hidden").transform_calculate(
        cell_status=json.dumps(palette.hidden_words(k_min))
    )
    return [
        hidden.mark_rect(stroke="white", strokeWidth=1).encode(
            fill=palette.cell_status_fill(k_min), tooltip=tooltip
        ),
        hidden.mark_text(fontSize=10, color=palette.HIDDEN_TEXT).encode(
            text=alt.value("hidden"), tooltip=tooltip
        ),
    ]


def alignment_heatmap(
    frame: pd.DataFrame | None = None,
    column_title: str = "Group",
    *,
    show_numbers: bool = True,
    select: bool = True,
    k_min: int = 3,
    column_width: int | None = None,
) -> alt.LayerChart:
    """Initiatives × groups (or sides): colour = mean rating; marks for disagreement and
    polarisation; hidden cells grey with the reason in the tooltip; a line where business
    groups end and tech groups begin. Click selects a cell.

    Without ``frame`` it is a template: the page passes the data separately (see
    ``template``), so a filter change costs no chart building. ``column_width`` fixes the width
    of each column (the two sides), with level headers.
    """
    angle = 0 if column_width else -35
    base = _base(frame).encode(**_axes("column", column_title, angle, column_width or 170))
    tooltip = [
        alt.Tooltip("initiative:N", title="Initiative"),
        alt.Tooltip("column:N", title=column_title),
        alt.Tooltip("score_text:N", title=SCORE_TIP),
        alt.Tooltip("n_text:N", title="Respondents (n)"),
        alt.Tooltip("rwg_text:N", title="Agreement r_wg (0–1, separate from the rating)"),
        alt.Tooltip("agreement:N", title="Reading"),
    ]
    selection = alt.selection_point(
        name="cell", fields=["initiative_id", "column"], on="click", clear="dblclick"
    )
    rect = (
        base.transform_filter("!datum.hidden")
        .mark_rect(stroke="white", strokeWidth=1, invalid=None)
        .encode(
            color=alt.Color(
                "score:Q",
                title=SCORE_TITLE,
                scale=palette.score_scale(),
                legend=palette.gradient_legend(palette.SCORE_TICKS),
            ),
            tooltip=tooltip,
        )
    )
    if select:
        rect = rect.add_params(selection).encode(
            opacity=alt.condition(selection, alt.value(1.0), alt.value(0.55))
        )
    layers: list[alt.Chart] = [rect]
    if show_numbers:
        layers.append(
            base.transform_filter("!datum.hidden")
            .mark_text(fontSize=10)
            .encode(
                text=alt.Text("score_text:N"),
                color=alt.condition(
                    palette.score_text_test(), alt.value("white"), alt.value(palette.TEXT_DARK)
                ),
                tooltip=tooltip,
            )
        )
    layers.extend(_hidden_layer(base, tooltip, k_min))
    # The line between business and tech groups: no y, so it runs the full height.
    layers.append(
        _base(frame)
        .transform_filter("datum.side_break")
        .mark_rule(strokeWidth=3, color=palette.TEXT_DARK)
        .encode(x=alt.X("column:N", sort=alt.EncodingSortField("col", op="min"), bandPosition=0))
    )
    flags = (
        base.transform_filter("datum.flag != ''")
        .mark_point(filled=True, size=38, xOffset=-13 if show_numbers else 0, color="#111")
        .encode(
            shape=alt.Shape(
                "flag:N",
                title="Marks",
                scale=alt.Scale(
                    domain=[MARK_DISAGREE, MARK_POLARISED], range=["triangle-down", "diamond"]
                ),
                legend=alt.Legend(orient="top", labelLimit=260, direction="vertical"),
            ),
            tooltip=tooltip,
        )
    )
    layers.append(flags)
    return _size(alt.layer(*layers), column_width)


def gap_frame(
    gaps: pd.DataFrame,
    names: Mapping[str, str],
    dim_labels: Mapping[str, str],
    k_min: int,
    order: Sequence[str],
) -> pd.DataFrame:
    frame = gaps[gaps["initiative_id"].isin(order)].copy()
    frame["initiative"] = frame["initiative_id"].map(lambda i: names.get(i, i))
    frame["label"] = initiative_label(frame["initiative_id"], names)
    frame["dimension_label"] = frame["dimension"].map(lambda d: dim_labels.get(d, d))
    frame["hidden"] = frame["masked"].astype(bool)
    frame["gap_text"] = frame["gap"].map(lambda v: "–" if pd.isna(v) else f"{v:+.0f}")
    frame["interval"] = [
        "undefined (a side has fewer than 2 respondents)"
        if pd.isna(lo)
        else f"{lo:+.0f} to {hi:+.0f}"
        for lo, hi in zip(frame["gap_low"], frame["gap_high"], strict=False)
    ]
    frame["tech_text"] = [
        f"{_fmt(m)} (n={_n(n)})" for m, n in zip(frame["tech_mean"], frame["n_tech"], strict=False)
    ]
    frame["business_text"] = [
        f"{_fmt(m)} (n={_n(n)})"
        for m, n in zip(frame["business_mean"], frame["n_business"], strict=False)
    ]
    clear = frame["clear"].fillna(False).astype(bool)
    frame["certainty"] = np.where(
        frame["hidden"], "", np.where(clear, "Clear difference", MARK_UNCLEAR)
    )
    frame["reading"] = [
        _mask_text(r, k_min)
        if h
        else ("Tech rates it higher" if g > 0 else "Business rates it higher" if g < 0 else "Same")
        + ("" if c else "; the interval contains 0, so this may be noise")
        for h, r, g, c in zip(
            frame["hidden"], frame["mask_reason"], frame["gap"].fillna(0), clear, strict=False
        )
    ]
    return frame


def _n(v: object) -> str:
    return "–" if is_missing(v) else str(int(v))


def gap_heatmap(frame: pd.DataFrame | None = None, k_min: int = 3) -> alt.LayerChart:
    """Initiatives × dimensions, colour = tech − business on a diverging scale centred on 0, in
    the two hues that mean tech (orange) and business (blue) and nothing else.

    Gaps whose 95 % interval contains 0 are faded and marked ●: said in the legend as "no
    clear difference", so a room does not argue over noise.
    """
    base = _base(frame).encode(**_axes("dimension_label", None, -25))
    tooltip = [
        alt.Tooltip("initiative:N", title="Initiative"),
        alt.Tooltip("dimension_label:N", title="Dimension"),
        alt.Tooltip("gap_text:N", title="Gap, tech − business (points)"),
        alt.Tooltip("interval:N", title="95% interval"),
        alt.Tooltip("tech_text:N", title="Tech mean"),
        alt.Tooltip("business_text:N", title="Business mean"),
        alt.Tooltip("reading:N", title="Reading"),
    ]
    selection = alt.selection_point(
        name="gapcell", fields=["initiative_id", "dimension"], on="click", clear="dblclick"
    )
    shown = base.transform_filter("!datum.hidden")
    rect = (
        shown.mark_rect(stroke="white", strokeWidth=1, invalid=None)
        .encode(
            color=alt.Color(
                "gap:Q",
                title=[
                    "Gap, tech − business (points)",
                    "blue: business higher · orange: tech higher",
                ],
                scale=palette.gap_scale(),
                legend=palette.gradient_legend(palette.GAP_TICKS, titleLimit=340),
            ),
            opacity=alt.condition(
                "datum.certainty == 'Clear difference'", alt.value(1.0), alt.value(0.35)
            ),
            tooltip=tooltip,
        )
        .add_params(selection)
    )
    text = shown.mark_text(fontSize=10).encode(
        text=alt.Text("gap_text:N"),
        color=alt.condition(
            f"({palette.gap_text_test()}) && datum.certainty == 'Clear difference'",
            alt.value("white"),
            alt.value(palette.TEXT_DARK),
        ),
        tooltip=tooltip,
    )
    unclear = (
        base.transform_filter(f"datum.certainty == '{MARK_UNCLEAR}'")
        .mark_point(filled=True, size=38, xOffset=-16, color="#333")
        .encode(
            shape=alt.Shape(
                "certainty:N",
                title="Marks",
                scale=alt.Scale(domain=[MARK_UNCLEAR], range=["circle"]),
                legend=alt.Legend(orient="top", labelLimit=300, direction="vertical"),
            ),
            tooltip=tooltip,
        )
    )
    return _size(alt.layer(rect, text, unclear, *_hidden_layer(base, tooltip, k_min)))


def objective_label(ids: pd.Series, names: pd.Series) -> pd.Series:
    """'G1 Grow revenue', shortened; the orphan bucket keeps its own name once."""
    return pd.Series(
        [
            i if i == ORPHAN else short(f"{i} {n if isinstance(n, str) else ''}", 40)
            for i, n in zip(ids, names, strict=False)
        ],
        index=ids.index,
    )


def coverage_matrix(
    links: pd.DataFrame, objective_order: Sequence[str], initiative_order: Sequence[str]
) -> alt.Chart:
    """Objectives × initiatives: a square where the initiative serves the objective, larger for
    more effort (neutral charcoal: effort is neither a rating nor a side).

    Every objective gets a row at a fixed height, so no label is dropped and one that nothing
    serves shows as an empty row.
    """
    frame = links.copy()
    frame["objective_label"] = objective_label(frame["objective_id"], frame["objective"])
    frame["effort_text"] = frame["effort_part"].map(lambda v: "unknown" if pd.isna(v) else f"{v:g}")
    frame["effort_size"] = frame["effort_part"].fillna(0)
    return (
        alt.Chart(frame)
        .mark_square(color=palette.NEUTRAL, opacity=1)
        .encode(
            x=alt.X(
                "initiative_id:N",
                sort=list(initiative_order),
                title="Initiative",
                scale=alt.Scale(domain=list(initiative_order)),
                axis=alt.Axis(
                    labelAngle=-60, orient="top", labelOverlap=False, labelFlush=False, grid=True
                ),
            ),
            y=alt.Y(
                "objective_label:N",
                title=None,
                axis=alt.Axis(labelLimit=300, labelOverlap=False, labelFlush=False, grid=True),
                scale=alt.Scale(domain=list(objective_order)),
            ),
            size=alt.Size(
                "effort_size:Q",
                title="Effort counted towards the objective",
                scale=alt.Scale(range=[40, 300], zero=False),
                legend=alt.Legend(
                    orient="top",
                    labelOverlap="greedy",
                    symbolFillColor=palette.NEUTRAL,
                    titleLimit=320,
                ),
            ),
            tooltip=[
                alt.Tooltip("initiative:N", title="Initiative"),
                alt.Tooltip("objective:N", title="Objective"),
                alt.Tooltip("effort_text:N", title="Effort counted here"),
            ],
        )
        .properties(height=alt.Step(30), width="container")
    )


WEIGHT = "Weight in the strategy"
EFFORT = "Share of effort"


def weight_vs_effort(shares: pd.DataFrame) -> alt.Chart:
    """Each objective's weight share (hollow bar) beside the share of effort its initiatives
    take (filled bar): told apart by fill, not hue, so no colour takes a second meaning."""
    frame = shares.copy()
    frame["objective_label"] = objective_label(frame["objective_id"], frame["objective"])
    long = frame.melt(
        id_vars=["objective_label", "initiatives"],
        value_vars=["weight_share", "effort_share"],
        var_name="measure",
        value_name="share",
    )
    long["measure"] = long["measure"].map({"weight_share": WEIGHT, "effort_share": EFFORT})
    long["share_text"] = long["share"].map(lambda v: "–" if pd.isna(v) else f"{v:.0f}%")
    order = list(frame["objective_label"])
    measures = alt.Scale(domain=[WEIGHT, EFFORT])
    return (
        alt.Chart(long)
        .mark_bar(stroke=palette.NEUTRAL, strokeWidth=1.5)
        .encode(
            y=alt.Y(
                "objective_label:N",
                sort=order,
                title=None,
                axis=alt.Axis(labelLimit=300, labelOverlap=False, labelFlush=False),
            ),
            yOffset=alt.YOffset("measure:N", scale=measures),
            x=alt.X("share:Q", title="Share of the total (%)"),
            fill=alt.Fill(
                "measure:N",
                title=None,
                scale=alt.Scale(domain=[WEIGHT, EFFORT], range=["#ffffff", palette.NEUTRAL]),
                legend=alt.Legend(orient="top", symbolStrokeColor=palette.NEUTRAL),
            ),
            tooltip=[
                alt.Tooltip("objective_label:N", title="Objective"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("share_text:N", title="Share"),
                alt.Tooltip("initiatives:Q", title="Initiatives serving it"),
            ],
        )
        # A step per bar, not a total height: a fixed height was squeezed to a 25-pixel band.
        .properties(height=alt.Step(16), width="container")
    )


def trend_heatmap(frame: pd.DataFrame | None = None, k_min: int = 3) -> alt.LayerChart:
    """Initiatives × period (month or quarter), colour = mean rating."""
    base = _base(frame).encode(**_axes("column", None, -35))
    tooltip = [
        alt.Tooltip("initiative:N", title="Initiative"),
        alt.Tooltip("column:N", title="Period"),
        alt.Tooltip("score_text:N", title=SCORE_TIP),
        alt.Tooltip("n_text:N", title="Respondents (n)"),
        alt.Tooltip("agreement:N", title="Reading"),
    ]
    shown = base.transform_filter("!datum.hidden")
    rect = shown.mark_rect(stroke="white", invalid=None).encode(
        color=alt.Color(
            "score:Q",
            title=SCORE_TITLE,
            scale=palette.score_scale(),
            legend=palette.gradient_legend(palette.SCORE_TICKS),
        ),
        tooltip=tooltip,
    )
    text = shown.mark_text(fontSize=10).encode(
        text="score_text:N",
        color=alt.condition(
            palette.score_text_test(), alt.value("white"), alt.value(palette.TEXT_DARK)
        ),
        tooltip=tooltip,
    )
    return _size(alt.layer(rect, text, *_hidden_layer(base, tooltip, k_min)))


GROUP_COLUMN_TITLE = "Groups: business to the left of the line, tech to the right"
"""The Alignment page's group heatmap column title (its spec is built ahead by the warm-up)."""


LEGEND_LAYOUT = {"top": {"anchor": "start", "direction": "vertical", "margin": 6}}


@lru_cache(maxsize=32)
def template(
    kind: str,
    column_title: str = "Group",
    show_numbers: bool = True,
    k_min: int = 3,
    column_width: int | None = None,
) -> str:
    """The Vega-Lite spec of a heatmap without its data, as JSON (immutable, so safe to cache
    and share). Rows and columns are ordered by the data's ``row`` and ``col`` numbers;
    ``k_min`` is said in the legend of hidden cells."""
    if kind == "alignment":
        chart = alignment_heatmap(
            None,
            column_title,
            show_numbers=show_numbers,
            k_min=k_min,
            column_width=column_width,
        )
    elif kind == "gap":
        chart = gap_heatmap(None, k_min)
    elif kind == "trend":
        chart = trend_heatmap(None, k_min)
    else:
        raise ValueError(kind)
    spec = chart.to_dict()
    # The legends above the grid (the colour scale, what the marks mean, the cells without a
    # figure) one under the other: side by side they ran past the right edge of a laptop-wide
    # page and were cut off mid-word ("Group disagrees (r_w"). Vega's legend layout, which
    # Vega-Lite passes through but Altair's schema does not describe, so set on the spec.
    spec.setdefault("config", {}).setdefault("legend", {})["layout"] = LEGEND_LAYOUT
    # Room on the right for the last column's slanted label, which Vega's fit to the page's
    # width leaves a few pixels past the edge.
    spec["padding"] = {"left": 5, "top": 5, "bottom": 5, "right": 40}
    # Altair gives a data-less chart a placeholder dataset; drop it so the layers read the data
    # the page passes in.
    spec.pop("datasets", None)
    for layer in spec.get("layer", []):
        if layer.get("data") == {"name": "empty"}:
            del layer["data"]
    return json.dumps(spec)


def with_data(spec: dict, frame: pd.DataFrame) -> dict:
    """A template and its rows as one self-contained spec (for PNG/SVG files)."""
    return {
        **spec,
        "data": {"values": json.loads(frame.to_json(orient="records", date_format="iso"))},
    }


def distribution(dist: pd.DataFrame, dim_labels: Mapping[str, str]) -> alt.Chart:
    """How many people gave each rating, per dimension: two humps mean a split room."""
    frame = dist.copy()
    frame["dimension_label"] = frame["dimension"].map(lambda d: dim_labels.get(d, d))
    frame["rating_text"] = frame["rating"].map(lambda v: f"{v:g}")
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "rating_text:O",
                title="Rating",
                sort=sorted(frame["rating_text"].unique(), key=float),
            ),
            y=alt.Y("count:Q", title="People", axis=alt.Axis(tickMinStep=1)),
            color=alt.value(palette.NEUTRAL),
            facet=alt.Facet("dimension_label:N", title=None, columns=5),
            tooltip=[
                alt.Tooltip("dimension_label:N", title="Dimension"),
                alt.Tooltip("rating_text:N", title="Rating"),
                alt.Tooltip("count:Q", title="People"),
            ],
        )
        .properties(width=105, height=110)
    )
