"""The prioritisation charts: the combined ranking with each rank's range and the capacity line,
and the slope chart of the two sides' rankings.

Ranks use a sequential scheme (darker = nearer the top); the sides keep the hues they have on
every other chart (tech orange, business blue), here meaning "the side that ranks it higher".
Every label carries its n, so a chart reads on paper without its tooltip.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from alignment.charts.heatmaps import short
from alignment.charts.palette import SIDE_COLOURS
from alignment.charts.render import FONT

# Sequential and hue-free: rank 1 darkest; the palest third of the scheme is left out so the
# last ranks stay visible on white. Grey, because blue means "business" on every chart
# (``palette``) and green means a mean rating.
RANK_SCALE = {"scheme": {"name": "greys", "extent": [0.35, 1.0]}, "reverse": True}
NO_SPREAD = "From the table (no spread)"
SAME = "#9e9e9e"  # neither side ranks it clearly higher
ROW = 22


def ranking_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The ranked initiatives in rank order, with the words the chart and its table show."""
    t = table.dropna(subset=["rank"]).sort_values(["rank", "initiative_id"], kind="stable")
    fits = t["fits_capacity"]
    return pd.DataFrame(
        {
            "label": [
                short(f"{i} {n}", 40)
                for i, n in zip(t["initiative_id"], t["initiative"], strict=True)
            ],
            "rank": t["rank"].astype(int),
            "low": t["rank_low"].astype(int),
            "high": t["rank_high"].astype(int),
            "score": t["score"].round(2),
            "order": [
                NO_SPREAD if c is None or pd.isna(c) else _clear_words(bool(c)) for c in t["clear"]
            ],
            "capacity": [
                "" if pd.isna(f) else ("Fits the quarter" if f else "Below the line") for f in fits
            ],
        }
    )


def _clear_words(clear: bool) -> str:
    return "Clearly placed" if clear else "Not clearly ordered"


def ranking(frame: pd.DataFrame, model: str, n_text: str) -> alt.LayerChart:
    """Each initiative's rank (dot) and its 95 % range (bar), top of the list first; a dashed
    line under the last initiative that fits the capacity."""
    order = frame["label"].tolist()
    height = max(120, ROW * len(frame))
    y = alt.Y(
        "label:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelLimit=260, labelFontSize=11, labelOverlap=False),
    )
    top = max(int(frame["high"].max()), 1) if len(frame) else 1
    x_scale = alt.Scale(domain=[0.5, top + 0.5], nice=False)
    step = max(1, -(-top // 15))
    ticks = list(range(1, top + 1, step))
    tooltip = [
        alt.Tooltip("label:N", title="Initiative"),
        alt.Tooltip("rank:Q", title="Rank"),
        alt.Tooltip("low:Q", title="Range from"),
        alt.Tooltip("high:Q", title="Range to"),
        alt.Tooltip("score:Q", title=model),
        alt.Tooltip("order:N", title="Ordering"),
        alt.Tooltip("capacity:N", title="Capacity"),
    ]
    shapes = (
        ("Clearly placed", "circle"),
        ("Not clearly ordered", "diamond"),
        (NO_SPREAD, "square"),
    )
    present = set(frame["order"])
    base = alt.Chart(frame).encode(y=y, tooltip=tooltip)
    bars = base.mark_rule(strokeWidth=5, opacity=0.45).encode(
        x=alt.X(
            "low:Q",
            scale=x_scale,
            title=f"Rank by {model} (1 = do first), 95 % range",
            axis=alt.Axis(values=ticks, format="d"),
        ),
        x2="high:Q",
        color=alt.Color("rank:Q", scale=alt.Scale(**RANK_SCALE), legend=None),
    )
    dots = base.mark_point(size=70, filled=True).encode(
        x=alt.X("rank:Q", scale=x_scale),
        color=alt.Color("rank:Q", scale=alt.Scale(**RANK_SCALE), legend=None),
        shape=alt.Shape(
            "order:N",
            scale=alt.Scale(
                domain=[d for d, _ in shapes if d in present],
                range=[s for d, s in shapes if d in present],
            ),
            legend=alt.Legend(orient="top", title=None, labelFontSize=11),
        ),
    )
    layers = [bars, dots]
    below = frame[frame["capacity"] == "Below the line"]
    if len(below) and (frame["capacity"] == "Fits the quarter").any():
        line = pd.DataFrame({"label": [below["label"].iloc[0]]})
        layers.append(
            alt.Chart(line)
            .mark_rule(color="#333333", strokeDash=[5, 3], strokeWidth=1.5)
            .encode(y=alt.Y("label:N", sort=order, bandPosition=0))
        )
    chart = alt.layer(*layers).properties(
        width=520,
        height=height,
        title=alt.Title(f"Ranking by {model}", subtitle=n_text, anchor="start", fontSize=14),
    )
    return chart.configure(font=FONT).configure_view(stroke=None)


CLEAR_TECH = "Tech ranks it clearly higher"
CLEAR_BUSINESS = "Business ranks it clearly higher"
NOT_CLEAR = "No clear difference"


def slope_frame(long: pd.DataFrame) -> pd.DataFrame:
    """One row per initiative and side, labelled with its rank, and which side ranks it clearly
    higher: only when the two 95 % rank ranges do not overlap; otherwise no clear difference."""
    if long.empty:
        return long.assign(label=[], higher=[])
    ranges = {(r.initiative_id, r.side): (r.low, r.high) for r in long.itertuples(index=False)}
    higher = {}
    for initiative in pd.unique(long["initiative_id"]):
        t, b = ranges.get((initiative, "Tech")), ranges.get((initiative, "Business"))
        if t is None or b is None:
            higher[initiative] = NOT_CLEAR
        elif b[1] < t[0]:
            higher[initiative] = CLEAR_BUSINESS
        elif t[1] < b[0]:
            higher[initiative] = CLEAR_TECH
        else:
            higher[initiative] = NOT_CLEAR
    names = [
        short(f"{i} {n}", 30)
        for i, n in zip(long["initiative_id"], long["initiative"], strict=True)
    ]
    return long.assign(
        label=[f"{r}. {name}" for r, name in zip(long["rank"], names, strict=True)],
        higher=long["initiative_id"].map(higher),
    )


def slope(frame: pd.DataFrame, model: str, n_text: str, label_size: int = 10) -> alt.LayerChart:
    """Tech's rank on the left, the business's on the right, a line per initiative; the line
    takes the hue of the side that ranks it clearly higher (ranges apart), grey otherwise."""
    top = max(2, int(frame["rank"].max())) if len(frame) else 10
    height = max(200, ROW * top)
    domain = [CLEAR_TECH, CLEAR_BUSINESS, NOT_CLEAR]
    colours = [SIDE_COLOURS["Tech"], SIDE_COLOURS["Business"], SAME]
    x = alt.X(
        "side:N",
        sort=["Tech", "Business"],
        title=None,
        axis=alt.Axis(
            labelAngle=0, labelFontSize=12, orient="top", domain=False, ticks=False, labelPadding=12
        ),
        scale=alt.Scale(paddingOuter=1.0),
    )
    y = alt.Y("rank:Q", scale=alt.Scale(reverse=True, domain=[1, top]), axis=None)
    colour = alt.Color(
        "higher:N",
        scale=alt.Scale(domain=domain, range=colours),
        legend=alt.Legend(orient="top", title=None, labelFontSize=11),
    )
    tooltip = [
        alt.Tooltip("label:N", title="Initiative"),
        alt.Tooltip("side:N", title="Side"),
        alt.Tooltip("rank:Q", title="Rank"),
        alt.Tooltip("low:Q", title="Range from"),
        alt.Tooltip("high:Q", title="Range to"),
        alt.Tooltip("n:Q", title="Respondents"),
    ]
    base = alt.Chart(frame).encode(x=x, y=y, color=colour, tooltip=tooltip)
    lines = base.mark_line(strokeWidth=1.8, opacity=0.85).encode(detail="initiative_id:N")
    dots = base.mark_point(filled=True, size=40)
    left = (
        alt.Chart(frame[frame["side"] == "Tech"])
        .mark_text(align="right", dx=-8, fontSize=label_size, color="#333333")
        .encode(x=x, y=y, text="label:N")
    )
    right = (
        alt.Chart(frame[frame["side"] == "Business"])
        .mark_text(align="left", dx=8, fontSize=label_size, color="#333333")
        .encode(x=x, y=y, text="label:N")
    )
    chart = alt.layer(lines, dots, left, right).properties(
        width=560,
        height=height,
        title=alt.Title(
            f"Each side's ranking by {model}", subtitle=n_text, anchor="start", fontSize=14
        ),
    )
    return chart.configure(font=FONT).configure_view(stroke=None)
