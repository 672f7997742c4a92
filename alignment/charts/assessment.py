"""Charts of the 7-step self-assessment: a radar, the same as bars, self beside team, the trend.

Every builder takes a tidy frame (one row per step and series) and draws what is in it, so a
masked team figure arrives as a missing value and is never drawn. Series have fixed colours from
the Okabe-Ito palette, which stays distinct for the common colour-vision deficiencies, and a
second cue (dashes, point shapes) so the chart reads in grey too.

The radar is drawn on ordinary x/y axes: each step sits on a spoke, its score is the distance
from the centre, and the polygon joins the spokes. Vega-Lite's polar marks (arc/theta) draw
wedges, not a closed line through seven points, so the radar does its own trigonometry.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from alignment.privacy import DEFAULT_K_MIN

NOW, PREVIOUS, TEAM, EVIDENCE = "You now", "Previous", "Your team", "The data says"
SERIES_ORDER = (NOW, PREVIOUS, TEAM, EVIDENCE)
# No orange or blue (tech and business on the alignment charts) and no green (a mean rating):
# near-black, grey, magenta and teal, told apart by dash and shape as well.
SERIES_COLOURS = {NOW: "#1A1A1A", PREVIOUS: "#7F7F7F", TEAM: "#C51B7D", EVIDENCE: "#35978F"}
SERIES_DASH = {NOW: [1, 0], PREVIOUS: [6, 4], TEAM: [1, 0], EVIDENCE: [2, 3]}
SERIES_SHAPE = {NOW: "circle", PREVIOUS: "circle", TEAM: "diamond", EVIDENCE: "square"}
GRID = "#D9D9D9"
TEXT = "#333333"
RINGS = (20, 40, 60, 80, 100)
LABEL_RADIUS = 112
EXTENT = 138  # half the vertical axis span: room for the labels above and below the 100 ring
SIDE_ROOM = 95  # extra horizontal span for labels written outwards from the side spokes


def _series_scale(present: Sequence[str]) -> dict[str, object]:
    order = [s for s in SERIES_ORDER if s in set(present)]
    order += [s for s in dict.fromkeys(present) if s not in order]
    return {
        "color": alt.Color(
            "series:N",
            title=None,
            sort=order,
            scale=alt.Scale(domain=order, range=[SERIES_COLOURS.get(s, TEXT) for s in order]),
            legend=alt.Legend(
                orient="bottom", direction="horizontal", labelFontSize=12, symbolStrokeWidth=3
            ),
        ),
        "strokeDash": alt.StrokeDash(
            "series:N",
            sort=order,
            legend=None,
            scale=alt.Scale(domain=order, range=[SERIES_DASH.get(s, [1, 0]) for s in order]),
        ),
        "shape": alt.Shape(
            "series:N",
            sort=order,
            legend=None,
            scale=alt.Scale(domain=order, range=[SERIES_SHAPE.get(s, "circle") for s in order]),
        ),
    }


def _angle(index: int | np.ndarray, count: int) -> np.ndarray:
    """Spoke angle, clockwise from twelve o'clock."""
    return 2 * math.pi * np.asarray(index, dtype=float) / count


def radar_frame(scores: pd.DataFrame) -> pd.DataFrame:
    """Add x/y for each (step, series) score, plus a closing point per series.

    ``scores`` has ``step``, ``label``, ``series`` and ``score`` (0-100, NaN when unknown).
    """
    steps = sorted(scores["step"].unique())
    pos = {s: i for i, s in enumerate(steps)}
    frame = scores.copy()
    frame["order"] = frame["step"].map(pos)
    theta = _angle(frame["order"].to_numpy(), len(steps))
    r = frame["score"].astype(float).to_numpy()
    frame["x"] = r * np.sin(theta)
    frame["y"] = r * np.cos(theta)
    first = frame[frame["order"] == 0].assign(order=len(steps))
    out = pd.concat([frame, first], ignore_index=True)
    out["score_text"] = out["score"].map(lambda v: "–" if pd.isna(v) else f"{v:.0f}")
    return out.sort_values(["series", "order"]).reset_index(drop=True)


def _grid(labels: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    count = len(labels)
    rings = []
    for r in RINGS:
        for i in range(count + 1):
            t = _angle(i % count, count)
            rings.append({"ring": r, "order": i, "x": r * math.sin(t), "y": r * math.cos(t)})
    spokes = []
    for i in range(count):
        t = _angle(i, count)
        spokes += [
            {"spoke": i, "order": 0, "x": 0.0, "y": 0.0},
            {"spoke": i, "order": 1, "x": 100 * math.sin(t), "y": 100 * math.cos(t)},
        ]
    text = []
    for i, label in enumerate(labels):
        t = float(_angle(i, count))
        sx, cx = math.sin(t), math.cos(t)
        align = "center" if abs(sx) < 0.2 else ("left" if sx > 0 else "right")
        baseline = "bottom" if cx > 0.5 else ("top" if cx < -0.5 else "middle")
        text.append(
            {
                "label": label,
                "x": LABEL_RADIUS * sx,
                "y": LABEL_RADIUS * cx,
                "align": align,
                "baseline": baseline,
            }
        )
    return pd.DataFrame(rings), pd.DataFrame(spokes), pd.DataFrame(text)


def _axis(field: str) -> alt.X | alt.Y:
    if field == "x":
        span = EXTENT + SIDE_ROOM
        return alt.X("x:Q", axis=None, scale=alt.Scale(domain=[-span, span], nice=False))
    return alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[-EXTENT, EXTENT], nice=False))


def radar(
    scores: pd.DataFrame, *, size: int = 420, font_size: int = 13, title: str = ""
) -> alt.LayerChart:
    """The seven steps on a radar: one closed line per series (now, previous, team...).

    A missing score leaves a gap in its series' line rather than pulling it to the centre.
    """
    labels = scores.drop_duplicates("step").sort_values("step")["label"].tolist()
    rings, spokes, text = _grid(labels)
    data = radar_frame(scores)
    ring = (
        alt.Chart(rings)
        .mark_line(color=GRID, strokeWidth=1)
        .encode(x=_axis("x"), y=_axis("y"), detail="ring:N", order="order:Q")
    )
    spoke = (
        alt.Chart(spokes)
        .mark_line(color=GRID, strokeWidth=1)
        .encode(x=_axis("x"), y=_axis("y"), detail="spoke:N", order="order:Q")
    )
    ticks = pd.DataFrame(
        {"x": [2.0] * len(RINGS), "y": [float(r) for r in RINGS], "t": [str(r) for r in RINGS]}
    )
    tick_text = (
        alt.Chart(ticks)
        .mark_text(align="left", dx=3, dy=-6, fontSize=10, color="#777777")
        .encode(x=_axis("x"), y=_axis("y"), text="t:N")
    )
    layers = [ring, spoke, tick_text]
    for align in ("left", "right", "center"):
        for baseline in ("top", "bottom", "middle"):
            part = text[(text["align"] == align) & (text["baseline"] == baseline)]
            if part.empty:
                continue
            layers.append(
                alt.Chart(part)
                .mark_text(
                    align=align,
                    baseline=baseline,
                    fontSize=font_size,
                    fontWeight="bold",
                    color=TEXT,
                )
                .encode(x=_axis("x"), y=_axis("y"), text="label:N")
            )
    enc = _series_scale(data["series"].tolist())
    tooltip = [
        alt.Tooltip("series:N", title="Who"),
        alt.Tooltip("title:N", title="Step"),
        alt.Tooltip("score_text:N", title="Score (0–100)"),
    ]
    if "n_text" in data.columns:
        tooltip.append(alt.Tooltip("n_text:N", title="n"))
    lines = (
        alt.Chart(data)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=_axis("x"),
            y=_axis("y"),
            order="order:Q",
            color=enc["color"],
            strokeDash=enc["strokeDash"],
            tooltip=tooltip,
        )
    )
    points = (
        alt.Chart(data[data["order"] < len(labels)])
        .mark_point(filled=True, size=70, opacity=1)
        .encode(x=_axis("x"), y=_axis("y"), color=enc["color"], shape=enc["shape"], tooltip=tooltip)
    )
    # The same units per pixel on both axes, so the heptagon is regular.
    width = round(size * (EXTENT + SIDE_ROOM) / EXTENT)
    chart = alt.layer(*layers, lines, points).properties(width=width, height=size)
    if title:
        chart = chart.properties(title=title)
    return chart.configure_view(stroke=None)


def bars(scores: pd.DataFrame, *, width: int = 520, title: str = "") -> alt.LayerChart:
    """The same scores as grouped horizontal bars, with the change since last time in words."""
    data = scores.copy()
    data["score_text"] = data["score"].map(lambda v: "" if pd.isna(v) else f"{v:.0f}")
    present = [s for s in SERIES_ORDER if s in set(data["series"])] + [
        s for s in dict.fromkeys(data["series"]) if s not in SERIES_ORDER
    ]
    enc = _series_scale(present)
    labels = data.drop_duplicates("step").sort_values("step")["label"].tolist()
    y = alt.Y(
        "label:N",
        sort=labels,
        title=None,
        axis=alt.Axis(labelLimit=220, labelFontSize=13, labelPadding=6, ticks=False, domain=False),
    )
    offset = alt.YOffset("series:N", sort=present, scale=alt.Scale(domain=present))
    tooltip = [
        alt.Tooltip("series:N", title="Who"),
        alt.Tooltip("title:N", title="Step"),
        alt.Tooltip("score_text:N", title="Score (0–100)"),
    ]
    if "n_text" in data.columns:
        tooltip.append(alt.Tooltip("n_text:N", title="n"))
    base = alt.Chart(data).encode(y=y, yOffset=offset)
    bar = base.mark_bar(height={"band": 0.9}).encode(
        x=alt.X(
            "score:Q",
            title="Score (0 = not at all, 100 = fully embedded)",
            scale=alt.Scale(domain=[0, 118]),
            axis=alt.Axis(values=list(RINGS) + [0], grid=True, gridColor="#EEEEEE"),
        ),
        color=enc["color"],
        tooltip=tooltip,
    )
    value = base.mark_text(align="left", dx=4, fontSize=11, color=TEXT).encode(
        x="score:Q", text="score_text:N"
    )
    layers = [bar, value]
    if "change" in data.columns and data["change"].notna().any():
        changed = data[(data["series"] == NOW) & data["change"].notna()].copy()
        changed["change_text"] = changed["change"].map(
            lambda v: f"▲ +{v:.0f}" if v >= 0.5 else (f"▼ {v:.0f}" if v <= -0.5 else "= 0")
        )
        changed["x_text"] = changed["score"].astype(float) + 12
        layers.append(
            alt.Chart(changed)
            .mark_text(align="left", fontSize=11, fontWeight="bold", color=SERIES_COLOURS[NOW])
            .encode(y=y, yOffset=offset, x="x_text:Q", text="change_text:N")
        )
    rows = len(labels) * max(1, len(present))
    chart = alt.layer(*layers).properties(width=width, height=max(220, 18 * rows + 20))
    if title:
        chart = chart.properties(title=title)
    return chart.configure_view(stroke=None)


def team_dumbbell(
    frame: pd.DataFrame, *, width: int = 520, k_min: int = DEFAULT_K_MIN
) -> alt.LayerChart:
    """Self beside team per step: a line joins the two; a hidden team score says why.

    ``frame`` is ``assessment.team_frame``: ``step, label, self, team, n, masked``.
    """
    data = frame.copy()
    data["n_text"] = data["n"].map(lambda v: "" if pd.isna(v) else f"n = {int(v)}")
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "label": data["label"],
                    "step": data["step"],
                    "series": NOW,
                    "score": data["self"],
                    "n_text": "",
                }
            ),
            pd.DataFrame(
                {
                    "label": data["label"],
                    "step": data["step"],
                    "series": TEAM,
                    "score": data["team"],
                    "n_text": data["n_text"],
                }
            ),
        ],
        ignore_index=True,
    )
    long["score_text"] = long["score"].map(lambda v: "–" if pd.isna(v) else f"{v:.0f}")
    labels = data.sort_values("step")["label"].tolist()
    y = alt.Y(
        "label:N",
        sort=labels,
        title=None,
        axis=alt.Axis(labelLimit=220, labelFontSize=13, ticks=False, domain=False),
    )
    x_scale = alt.Scale(domain=[0, 100])
    x_axis = alt.Axis(values=[0, 20, 40, 60, 80, 100], grid=True, gridColor="#EEEEEE")
    both = data.dropna(subset=["self", "team"])
    link = (
        alt.Chart(both)
        .mark_rule(color="#BBBBBB", strokeWidth=3)
        .encode(
            y=y, x=alt.X("self:Q", scale=x_scale, title="Score (0–100)", axis=x_axis), x2="team:Q"
        )
    )
    enc = _series_scale([NOW, TEAM])
    dots = (
        alt.Chart(long.dropna(subset=["score"]))
        .mark_point(filled=True, size=140, opacity=1)
        .encode(
            y=y,
            x=alt.X("score:Q", scale=x_scale, title="Score (0–100)", axis=x_axis),
            color=enc["color"],
            shape=enc["shape"],
            tooltip=[
                alt.Tooltip("series:N", title="Who"),
                alt.Tooltip("label:N", title="Step"),
                alt.Tooltip("score_text:N", title="Score"),
                alt.Tooltip("n_text:N", title="n"),
            ],
        )
    )
    hidden = data[data["masked"].astype(bool)].assign(
        note=f"team: hidden, fewer than {k_min} answers", xpos=102.0
    )
    layers = [link, dots]
    if not hidden.empty:
        layers.append(
            alt.Chart(hidden)
            .mark_text(align="right", fontSize=11, color="#666666", fontStyle="italic")
            .encode(y=y, x=alt.X("xpos:Q", scale=x_scale), text="note:N")
        )
    return (
        alt.layer(*layers)
        .properties(width=width, height=max(200, 34 * len(labels)))
        .configure_view(stroke=None)
    )


def trend(history: pd.DataFrame, *, columns: int = 4) -> alt.FacetChart:
    """Each step's score over the saved assessments: small multiples, one panel per step.

    ``history`` is ``assessment.trend_frame``: ``completed_at, step, label, score``.
    """
    data = history.copy()
    data["score_text"] = data["score"].map(lambda v: "–" if pd.isna(v) else f"{v:.0f}")
    labels = data.drop_duplicates("step").sort_values("step")["label"].tolist()
    base = alt.Chart(data).encode(
        x=alt.X(
            "completed_at:T",
            title=None,
            axis=alt.Axis(
                format="%b %Y",
                labelAngle=0,
                tickCount=3,
                labelFontSize=10,
                labelFlush=True,
                labelOverlap="greedy",
            ),
        ),
        y=alt.Y(
            "score:Q",
            title="Score",
            scale=alt.Scale(domain=[0, 100]),
            axis=alt.Axis(values=[0, 50, 100]),
        ),
        tooltip=[
            alt.Tooltip("label:N", title="Step"),
            alt.Tooltip("completed_at:T", title="Completed", format="%d %b %Y %H:%M"),
            alt.Tooltip("score_text:N", title="Score"),
        ],
    )
    line = base.mark_line(color=SERIES_COLOURS[NOW], strokeWidth=2)
    dots = base.mark_point(color=SERIES_COLOURS[NOW], filled=True, size=45, opacity=1)
    return (
        alt.layer(line, dots, data=data)
        .properties(width=170, height=110)
        .facet(
            facet=alt.Facet(
                "label:N",
                sort=labels,
                title=None,
                header=alt.Header(labelFontSize=12, labelFontWeight="bold", labelLimit=200),
            ),
            columns=columns,
        )
        .configure_view(stroke="#EEEEEE")
    )


def series_frame(
    result_scores: dict[str, dict[int, float | None]],
    labels: dict[int, str],
    titles: dict[int, str] | None = None,
    n: dict[str, dict[int, int | None]] | None = None,
) -> pd.DataFrame:
    """Tidy ``step, label, title, series, score[, n_text]`` from ``{series: {step: score}}``."""
    rows = []
    for series, scores in result_scores.items():
        for step, label in labels.items():
            value = scores.get(step)
            row = {
                "step": step,
                "label": label,
                "title": (titles or labels).get(step, label),
                "series": series,
                "score": np.nan if value is None else float(value),
            }
            if n is not None:
                count = (n.get(series) or {}).get(step)
                row["n_text"] = "" if count is None else str(count)
            rows.append(row)
    return pd.DataFrame(rows)
