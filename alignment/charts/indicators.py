"""Indicator charts: small multiples with threshold lines and alert points, and the risk index.

Colours come from the Okabe–Ito palette (safe for the common colour-vision deficiencies) and
alerts differ by shape as well as colour, so nothing rests on colour alone. Legends say what a
mark means in words; long scope names are cut in headers and given in full in tooltips.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from alignment.charts.render import FONT
from alignment.indicators import HIGHER_IS_WORSE, Threshold, fmt, metric_label

# Not orange or blue, which mean tech and business on every alignment chart (palette).
LINE = "#1A1A1A"  # near-black
THRESHOLD = "#4D4D4D"
ALERT_KINDS = ("Over threshold", "Worsening run", "Unusual vs. the last periods", "Several rules")
ALERT_COLOURS = ("#8E0152", "#35978F", "#CC79A7", "#000000")  # magenta, teal, pink, black
ALERT_SHAPES = ("square", "triangle-up", "diamond", "cross")
PART_NAMES = (
    "Indicator alerts",
    "Tech–business gap",
    "Low agreement or split room",
    "Unknown (could add up to)",
)
# Not orange or blue: those mean tech and business on every alignment chart, and the gap part
# here is the gap as a whole, not one side. Wine, pink and near-black differ in lightness too,
# so neighbouring parts stay apart in greyscale and for colour-blind readers.
PART_COLOURS = ("#882255", "#CC79A7", "#1A1A1A", "#E0E0E0")
SCOPE_CHARS = 26
NAME_CHARS = 34


def short(text: object, limit: int) -> str:
    """Cut a label for display; the full text travels in the tooltip."""
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def alert_kind(points: pd.DataFrame) -> pd.Series:
    """The legend word for each alert point: its one rule, or "Several rules"."""
    count = points[["over", "rising", "unusual"]].astype(bool).sum(axis=1)
    kind = pd.Series("", index=points.index, dtype=object)
    kind[points["over"].astype(bool)] = ALERT_KINDS[0]
    kind[points["rising"].astype(bool)] = ALERT_KINDS[1]
    kind[points["unusual"].astype(bool)] = ALERT_KINDS[2]
    kind[count > 1] = ALERT_KINDS[3]
    return kind


def small_multiples(
    points: pd.DataFrame,
    limit: Threshold,
    *,
    columns: int = 3,
    width: int = 180,
    height: int = 120,
    first: list[str] | None = None,
) -> alt.FacetChart:
    """One panel per scope for one metric: the series, its threshold and its alerts.

    ``points`` are ``indicators.detect(...).points`` for the metric. The y scale is shared
    across panels so that teams compare at a glance; a missing period breaks the line. Scopes
    in ``first`` (e.g. those with warnings) come first, the rest alphabetically. A facet chart
    does not shrink to its container: three columns of 180 px fit in about 650 px.
    """
    data = points.copy()
    data["scope_label"] = data["scope"].map(lambda s: short(s, SCOPE_CHARS))
    data["kind"] = alert_kind(data)
    data["value_text"] = data["value"].map(fmt)
    data["threshold_text"] = [fmt(t) for t in data["threshold"]]
    data["rules"] = data["rules"].where(data["rules"] != "", "none")
    name = metric_label(limit.metric)
    x = alt.X(
        "period:T",
        title=None,
        axis=alt.Axis(format="%b %y", labelAngle=0, tickCount=4, labelOverlap=True),
    )
    y = alt.Y("value:Q", title=name, scale=alt.Scale(zero=False, nice=True))
    tooltip = [
        alt.Tooltip("scope:N", title="Scope"),
        alt.Tooltip("label:N", title="Period"),
        alt.Tooltip("value_text:N", title=name.capitalize()),
        alt.Tooltip("threshold_text:N", title="Threshold"),
        alt.Tooltip("rules:N", title="Rules tripped"),
    ]
    base = alt.Chart(data)
    line = base.mark_line(color=LINE, strokeWidth=2, invalid="break-paths-show-domains").encode(
        x=x, y=y
    )
    dots = (
        base.mark_circle(color=LINE, size=22, opacity=0.8)
        .encode(x=x, y=y, tooltip=tooltip)
        .transform_filter("isValid(datum.value)")
    )
    layers = [line, dots]
    if limit.value is not None:
        rule = base.mark_rule(color=THRESHOLD, strokeDash=[5, 3], strokeWidth=1.3).encode(
            y=alt.Y("mean(threshold):Q")
        )
        # At the left end: alerts cluster at the recent (right) end of a series.
        label = base.mark_text(
            align="left", baseline="bottom", dx=2, dy=-2, fontSize=10, color=THRESHOLD
        ).encode(
            x=alt.X("min(period):T"),
            y=alt.Y("mean(threshold):Q"),
            text=alt.value(f"threshold {fmt(limit.value)}"),
        )
        layers += [rule, label]
    alerts = (
        base.transform_filter("datum.kind != ''")
        .mark_point(filled=True, size=90, opacity=1, stroke="white", strokeWidth=0.8)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "kind:N",
                title="Alert",
                scale=alt.Scale(domain=list(ALERT_KINDS), range=list(ALERT_COLOURS)),
                legend=alt.Legend(
                    orient="top",
                    labelLimit=260,
                    symbolSize=110,
                    symbolOpacity=1,
                    symbolStrokeWidth=0,
                    labelFontSize=12,
                    titleFontSize=12,
                ),
            ),
            shape=alt.Shape(
                "kind:N",
                title="Alert",
                scale=alt.Scale(domain=list(ALERT_KINDS), range=list(ALERT_SHAPES)),
            ),
            tooltip=tooltip,
        )
    )
    layers.append(alerts)
    direction = "higher is worse" if limit.direction == HIGHER_IS_WORSE else "lower is worse"
    n_scopes = max(data["scope"].nunique(), 1)
    leading = [short(s, SCOPE_CHARS) for s in (first or [])]
    labels = sorted(
        data["scope_label"].unique(),
        key=lambda s: (s not in leading, leading.index(s) if s in leading else 0, s.casefold()),
    )
    return (
        alt.layer(*layers)
        .properties(width=width, height=height)
        .facet(
            facet=alt.Facet(
                "scope_label:N",
                title=None,
                sort=labels,
                header=alt.Header(
                    labelFontSize=12, labelFontWeight="bold", labelLimit=width, labelAnchor="start"
                ),
            ),
            columns=min(columns, n_scopes),
        )
        .properties(
            title=alt.Title(f"{name.capitalize()} ({direction})", anchor="start", fontSize=14)
        )
        .configure(font=FONT)
        .configure_view(stroke="#DDDDDD")
    )


def risk_bars(parts: pd.DataFrame, *, label: str = "Initiative", top: int = 15) -> alt.Chart:
    """Stacked bars of the risk index: what each part adds, plus the unknown remainder.

    ``parts`` is ``indicators.contributions(...)``: one row per item and part with its points.
    The top ``top`` items by index are shown, highest first.
    """
    data = parts.copy()
    order = (
        data.groupby("item", sort=False)["index"]
        .first()
        .sort_values(ascending=False)
        .head(top)
        .index.tolist()
    )
    data = data[data["item"].isin(order)]
    data["item_label"] = data["item"].map(lambda s: short(s, NAME_CHARS))
    labels = [short(s, NAME_CHARS) for s in order]
    data["points_text"] = data["points"].map(lambda v: f"{v:.0f}")
    data["order"] = data["part"].map({p: i for i, p in enumerate(PART_NAMES)})
    return (
        alt.Chart(data)
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            y=alt.Y("item_label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X(
                "points:Q",
                stack="zero",
                title="Risk index (0–100)",
                scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(tickCount=10),
            ),
            color=alt.Color(
                "part:N",
                title=None,
                scale=alt.Scale(domain=list(PART_NAMES), range=list(PART_COLOURS)),
                legend=alt.Legend(
                    orient="top",
                    labelLimit=260,
                    columns=2,
                    symbolSize=140,
                    symbolOpacity=1,
                    labelFontSize=12,
                ),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("item:N", title=label),
                alt.Tooltip("part:N", title="Part"),
                alt.Tooltip("points_text:N", title="Points"),
                alt.Tooltip("detail:N", title="Why"),
            ],
        )
        .properties(width="container", height=max(22 * len(order), 80))
        .configure(font=FONT)
        .configure_view(stroke=None)
    )
