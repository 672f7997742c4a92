"""The chart colours keep their promises: one meaning per colour, readable by everyone.

Measured with a colour-vision simulator (Machado et al. 2009) and CIELAB distances, so a change
of palette that breaks legibility for a colour-blind reader, in greyscale, or against the
"hidden" grey and the "no answers" white fails here rather than in front of a room.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from alignment.charts import briefs as brief_charts
from alignment.charts import colour_vision as cv
from alignment.charts import compare, heatmaps, palette, render, workshop
from alignment.charts import prioritise as prioritise_charts

CVD = ("protanopia", "deuteranopia", "tritanopia")
SCORES = [palette.score_colour(s) for s in range(0, 101, 2)]
GAPS = [palette.gap_colour(g) for g in range(-60, 61, 2)]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted(float(cv.to_linear(cv.hex_to_rgb([c]))[0] @ cv.LUMA) for c in (a, b))
    return (lb + 0.05) / (la + 0.05)


def test_the_simulator_agrees_with_known_facts() -> None:
    # Red and green collapse for a deuteranope; blue and yellow stay apart; grey stays grey.
    assert cv.delta_e("#d62728", "#2ca02c") > 50
    assert cv.delta_e("#d62728", "#2ca02c", "deuteranopia") < 25
    assert cv.delta_e("#1f77b4", "#ffd700", "deuteranopia") > 50
    for vision in cv.VISIONS:
        assert cv.delta_e("#808080", "#808080", vision) == pytest.approx(0, abs=1.5)


@pytest.mark.parametrize("vision", cv.VISIONS)
def test_scores_read_in_order_for_every_reader(vision: str) -> None:
    lightness = cv.lightness(SCORES, vision)
    # Low ratings light, high ratings dark, steadily: the order survives any vision and paper.
    assert np.all(np.diff(lightness) < 0)
    assert lightness[0] - lightness[-1] > 50


@pytest.mark.parametrize("vision", ["normal", *CVD])
def test_hidden_and_no_answers_never_look_like_a_score(vision: str) -> None:
    for special in (palette.HIDDEN, palette.NO_ANSWERS):
        nearest = min(cv.delta_e(special, c, vision) for c in SCORES)
        assert nearest > 10, (special, vision, nearest)
    assert cv.delta_e(palette.HIDDEN, palette.NO_ANSWERS, vision) > 20


def test_in_greyscale_hidden_and_no_answers_stay_apart() -> None:
    # Greyscale cannot keep grey off a lightness ramp, so hidden cells also carry the word
    # "hidden"; but hidden and blank must still differ from each other at a glance.
    assert cv.delta_e(palette.HIDDEN, palette.NO_ANSWERS, "greyscale") > 20


@pytest.mark.parametrize("vision", cv.VISIONS)
def test_the_gap_diverges_for_every_reader(vision: str) -> None:
    lightness = cv.lightness(GAPS, vision)
    centre = len(GAPS) // 2
    # Light in the middle, darker towards both ends, so "no difference" reads as such.
    assert np.all(np.diff(lightness[: centre + 1]) > 0)
    assert np.all(np.diff(lightness[centre:]) < 0)
    assert lightness[centre] - max(lightness[0], lightness[-1]) > 40
    if vision != "greyscale":  # in greyscale the sign is in the cell's number (+12, −8)
        assert cv.delta_e(palette.BUSINESS, palette.TECH, vision) > 40
        assert cv.delta_e(palette.gap_colour(-30), palette.gap_colour(30), vision) > 25


def test_tech_and_business_hues_appear_nowhere_else() -> None:
    """Orange and blue mean tech and business (and which side rates higher), nothing else: no
    score colour, no verdict colour, no neutral mark is near either hue in normal vision."""
    side_hues = [cv.hue_angle(palette.TECH), cv.hue_angle(palette.BUSINESS)]
    others = [
        *palette.SCORE_RAMP,
        palette.NEUTRAL,
        *compare.STATUS_COLOURS.values(),
    ]
    for colour in others:
        if cv.chroma(colour) < 12:  # greys and black have no hue to confuse
            continue
        for hue in side_hues:
            distance = abs((cv.hue_angle(colour) - hue + 180) % 360 - 180)
            assert distance > 45, (colour, hue, distance)
    assert workshop.SIDE_COLOURS == brief_charts.SIDE_COLOURS == palette.SIDE_COLOURS
    assert prioritise_charts.SIDE_COLOURS == palette.SIDE_COLOURS
    # Ranks are shaded without a hue, so no rank reads as a side.
    assert prioritise_charts.RANK_SCALE["scheme"]["name"] == "greys"
    assert palette.SIDE_COLOURS == {"Tech": palette.TECH, "Business": palette.BUSINESS}
    assert (palette.GAP_RAMP[0], palette.GAP_RAMP[-1]) == (palette.BUSINESS, palette.TECH)


def test_no_chart_on_any_page_borrows_the_side_hues_or_the_score_green() -> None:
    """Every colour written in a chart module or the dependency map (indicators, assessment,
    stakeholders, workspaces, prioritisation…): none near orange or blue, so no tab gives them
    another meaning; and none of the categorical colours is a green that reads as a rating."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "alignment"
    files = [
        p
        for p in sorted((root / "charts").glob("*.py"))
        if p.name not in {"palette.py", "colour_vision.py"}
    ] + [root / "dependencies.py"]
    side_hues = [cv.hue_angle(palette.TECH), cv.hue_angle(palette.BUSINESS)]
    score_hues = [cv.hue_angle(c) for c in palette.SCORE_RAMP]
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        if "SCORE_RAMP" in text or "score_colour" in text:
            score_ok = True  # this module draws ratings with the one ramp itself
        else:
            score_ok = False
        for colour in re.findall(r"#[0-9a-fA-F]{6}\b", text):
            if cv.chroma(colour) < 12:
                continue
            hue = cv.hue_angle(colour)
            near_side = min(abs((hue - h + 180) % 360 - 180) for h in side_hues)
            near_score = min(abs((hue - h + 180) % 360 - 180) for h in score_hues)
            if near_side <= 45:
                found.append((path.name, colour, "tech/business hue"))
            elif near_score <= 15 and not score_ok:
                found.append((path.name, colour, "rating green"))
        assert '"blues"' not in text and '"oranges"' not in text, path.name
    assert found == []


def test_figures_in_cells_are_legible() -> None:
    for s in range(101):
        assert _contrast(palette.score_colour(s), palette.score_text_colour(s)) >= 4.5, s
    for g in range(-60, 61):
        assert _contrast(palette.gap_colour(g), palette.gap_text_colour(g)) >= 4.5, g
    assert _contrast(palette.HIDDEN, palette.HIDDEN_TEXT) >= 4.5


def test_every_score_chart_uses_the_one_score_ramp() -> None:
    """Every chart that colours by rating uses the same ramp; none falls back to a Vega scheme
    whose colours could mean something else elsewhere."""
    specs = [json.loads(heatmaps.template(kind)) for kind in ("alignment", "trend")]
    for spec in specs:
        text = json.dumps(spec)
        assert json.dumps(list(palette.SCORE_RAMP)) in text
        assert '"scheme"' not in text
    gap = json.loads(heatmaps.template("gap"))
    assert json.dumps(list(palette.GAP_RAMP)) in json.dumps(gap)
    assert '"scheme"' not in json.dumps(gap)


def test_a_rendered_heatmap_shows_the_palette_and_survives_simulation() -> None:
    """On the PNG a user downloads, the score colours are there, and after simulating each
    deficiency the darkest and lightest cells still differ strongly."""
    import io

    import pandas as pd
    from PIL import Image

    frame = pd.DataFrame(
        {
            "initiative_id": ["A", "A", "B", "B"],
            "initiative": ["Alpha", "Alpha", "Beta", "Beta"],
            "label": ["A Alpha", "A Alpha", "B Beta", "B Beta"],
            "column": ["One", "Two", "One", "Two"],
            "score": [5.0, 95.0, 50.0, None],
            "score_text": ["5", "95", "50", "–"],
            "n": [5, 5, 5, None],
            "n_text": ["5", "5", "5", "–"],
            "rwg": [0.9, 0.9, 0.9, None],
            "rwg_text": ["0.90", "0.90", "0.90", "–"],
            "polarised": [False, False, False, None],
            "low_agreement": [False, False, False, None],
            "agreement": ["", "", "", "Hidden"],
            "flag": ["", "", "", ""],
            "hidden": [False, False, False, True],
            "mask_reason": ["", "", "", "small"],
            "side_break": [False] * 4,
            "row": [0, 0, 1, 1],
            "col": [0, 1, 0, 1],
        }
    )
    spec = heatmaps.with_data(json.loads(heatmaps.template("alignment")), frame)
    spec["width"] = 300
    pixels = np.asarray(Image.open(io.BytesIO(render.to_png(spec, scale=1))).convert("RGB"))
    flat = pixels.reshape(-1, 3) / 255

    def present(colour: str) -> bool:
        target = cv.hex_to_rgb([colour])[0]
        return bool((np.abs(flat - target).max(axis=1) < 4 / 255).any())

    assert present(palette.score_colour(5))
    assert present(palette.score_colour(95))
    assert present(palette.HIDDEN)
    for vision in CVD + ("greyscale",):
        seen = cv.to_lab(
            cv.simulate(cv.hex_to_rgb([palette.score_colour(s) for s in (5, 95)]), vision)
        )
        assert np.linalg.norm(seen[0] - seen[1]) > 40


def test_the_risk_index_parts_do_not_borrow_the_side_colours() -> None:
    """'Tech–business gap' in blue read as 'business'; the parts avoid both side hues and stay
    apart from their neighbours in the stack for every reader."""
    from alignment.charts import indicators

    side_hues = [cv.hue_angle(palette.TECH), cv.hue_angle(palette.BUSINESS)]
    for colour in indicators.PART_COLOURS:
        if cv.chroma(colour) < 12:
            continue
        for hue in side_hues:
            assert abs((cv.hue_angle(colour) - hue + 180) % 360 - 180) > 45, colour
    parts = indicators.PART_COLOURS
    for vision in cv.VISIONS:
        for a, b in zip(parts, parts[1:], strict=False):
            assert cv.delta_e(a, b, vision) > 20, (a, b, vision)
