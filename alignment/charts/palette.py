"""The colours of every alignment chart, each with one meaning, chosen once.

- **Scores** (a mean rating on 0–100) use one sequential ramp, light yellow-green (low) to dark
  green (high), everywhere: heatmaps, the room's heatmap, the dependency graph. Its lightness
  rises steadily, so it reads in order in greyscale and with any colour-vision deficiency.
- **Tech and business** own the two other hues: orange is tech (and "tech rates it higher" on
  the gap heatmap), blue is business (and "business rates it higher"). They appear nowhere else,
  so no orange means "low score" on one tab and "tech" on the next.
- **Hidden** (fewer than k_min respondents) is a mid grey with the word "hidden"; **no answers**
  is a white cell. Every heatmap legend shows the two side by side.
- Marks that encode no quantity (a plain bar, a filled coverage cell) are a neutral charcoal.

``tests/test_palette.py`` measures these promises with ``alignment.charts.colour_vision``.
"""

from __future__ import annotations

import altair as alt
import numpy as np

from alignment.charts.colour_vision import hex_to_rgb

# ColorBrewer YlGn (colour-blind safe, print safe): low → high.
SCORE_RAMP: tuple[str, ...] = ("#d9f0a3", "#addd8e", "#78c679", "#31a354", "#006837", "#004529")
SCORE_DOMAIN = (0, 100)
# Figures of 70 and more sit on dark green: white text there, black below (both ≥ 4.5:1).
SCORE_DARK_FROM = 70

TECH = "#b35806"  # ColorBrewer PuOr, orange end
BUSINESS = "#2166ac"  # ColorBrewer RdBu, blue end
GAP_CENTRE = "#f7f7f7"
# Business higher (negative gap) → no difference → tech higher (positive gap).
GAP_RAMP: tuple[str, ...] = (BUSINESS, "#92c5de", GAP_CENTRE, "#fdb863", TECH)
GAP_DOMAIN = (-60, 60)
# Gaps at or beyond these sit on a cell dark enough for white text (black elsewhere, ≥ 4.5:1).
GAP_WHITE_AT_OR_BELOW = -54
GAP_WHITE_AT_OR_ABOVE = 58
SIDE_COLOURS: dict[str, str] = {"Tech": TECH, "Business": BUSINESS}

HIDDEN = "#bdbdbd"
HIDDEN_TEXT = "#333333"
NO_ANSWERS = "#ffffff"
NO_ANSWERS_STROKE = "#9e9e9e"
NEUTRAL = "#4d4d4d"
TEXT_DARK = "#000000"

SCORE_TICKS = (0, 25, 50, 75, 100)
GAP_TICKS = (-60, -30, 0, 30, 60)


def ramp_at(ramp: tuple[str, ...], t: float) -> str:
    """The colour ``t`` (0..1) of the way along ``ramp``, interpolated in sRGB as Vega does
    with ``interpolate="rgb"``; used for the static charts (dependency graph) and the tests."""
    rgb = hex_to_rgb(ramp)
    x = min(max(t, 0.0), 1.0) * (len(ramp) - 1)
    i = min(int(x), len(ramp) - 2)
    c = rgb[i] * (1 - (x - i)) + rgb[i + 1] * (x - i)
    return "#" + "".join(f"{int(round(v * 255)):02x}" for v in np.clip(c, 0, 1))


def score_colour(score: float) -> str:
    lo, hi = SCORE_DOMAIN
    return ramp_at(SCORE_RAMP, (score - lo) / (hi - lo))


def score_text_colour(score: float) -> str:
    """White on the dark end of the ramp, black elsewhere (both at least 4.5:1)."""
    return "#ffffff" if score >= SCORE_DARK_FROM else TEXT_DARK


def gap_colour(gap: float) -> str:
    lo, hi = GAP_DOMAIN
    return ramp_at(GAP_RAMP, (gap - lo) / (hi - lo))


def gap_text_colour(gap: float) -> str:
    white = gap <= GAP_WHITE_AT_OR_BELOW or gap >= GAP_WHITE_AT_OR_ABOVE
    return "#ffffff" if white else TEXT_DARK


def score_text_test() -> str:
    """The Vega expression of ``score_text_colour`` being white, for a chart's text layer."""
    return f"datum.score >= {SCORE_DARK_FROM}"


def gap_text_test() -> str:
    """The Vega expression of ``gap_text_colour`` being white (gaps clamp at the domain)."""
    return f"datum.gap <= {GAP_WHITE_AT_OR_BELOW} || datum.gap >= {GAP_WHITE_AT_OR_ABOVE}"


# --- the same promises as Altair scales and legends -----------------------------------------

# Short enough that three legends sit side by side above a heatmap; the tooltip and the page
# caption add the other reason (it would reveal a smaller group by subtraction).
HIDDEN_WORDS = "Hidden: fewer than {k_min} respondents"
NO_ANSWERS_WORDS = "No answers (blank cell)"


def score_scale() -> alt.Scale:
    return alt.Scale(domain=list(SCORE_DOMAIN), range=list(SCORE_RAMP), interpolate="rgb")


def gap_scale() -> alt.Scale:
    return alt.Scale(domain=list(GAP_DOMAIN), range=list(GAP_RAMP), interpolate="rgb", clamp=True)


def gradient_legend(ticks: tuple[int, ...], **extra: object) -> alt.Legend:
    """Above the grid, horizontal, with a few round ticks: a right-hand gradient was cut off on
    short heatmaps, and Vega's own ticks (−60, −40, … on 200 px) ran into each other."""
    settings: dict[str, object] = {
        "orient": "top",
        "direction": "horizontal",
        "gradientLength": 200,
        "titleLimit": 300,
        "values": list(ticks),
        "labelOverlap": "greedy",
    }
    settings.update(extra)
    return alt.Legend(**settings)


def cell_status_fill(k_min: int, **legend: object) -> alt.Fill:
    """The legend entry pair every heatmap carries: grey "hidden" beside white "no answers".

    Drawn by the layer that paints hidden cells; the fixed domain lists "no answers" even when
    every cell has answers, so the legend always explains both."""
    hidden = HIDDEN_WORDS.format(k_min=k_min)
    settings: dict[str, object] = {
        "orient": "top",
        "title": "Cells without a figure",
        "titleLimit": 420,
        "labelLimit": 420,
        "symbolType": "square",
        "symbolStrokeColor": NO_ANSWERS_STROKE,
        "symbolStrokeWidth": 1,
        "symbolSize": 180,
        "direction": "vertical",
    }
    settings.update(legend)
    return alt.Fill(
        "cell_status:N",
        scale=alt.Scale(domain=[hidden, NO_ANSWERS_WORDS], range=[HIDDEN, NO_ANSWERS]),
        legend=alt.Legend(**settings),
    )


def hidden_words(k_min: int) -> str:
    return HIDDEN_WORDS.format(k_min=k_min)
