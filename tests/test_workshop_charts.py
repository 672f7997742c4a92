"""The workshop and comparison charts compile and draw (vl-convert runs the real Vega-Lite)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from alignment import compare, workshop
from alignment.charts import render
from alignment.charts import workshop as charts
from alignment.charts.compare import dumbbell
from alignment.workshop import Workshop

ITEMS = (
    ("P-01", "Freightline event bus on Kafka"),
    ("P-02", "Observability and SLOs"),
    ("P-03", "A very long initiative name that would not fit on any axis at all"),
)


def _ws(mode: str, k_min: int = 3) -> Workshop:
    dims = ("why_clarity", "priority") if mode == workshop.RATING else (workshop.DOTS_DIMENSION,)
    return Workshop(
        1,
        "ABCDEFGH",
        "Room",
        mode,
        ITEMS,
        dims,
        (("Eng", "tech"), ("Sales", "business")),
        3,
        k_min,
        workshop.OPEN,
        False,
        dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )


def _answers(ws: Workshop, people: int) -> pd.DataFrame:
    rows = [
        {
            "participant": p + 1,
            "group": "Eng" if p % 2 else "Sales",
            "side": "tech" if p % 2 else "business",
            "item_id": item,
            "dimension": dim,
            "value": float(1 + (p + k) % (5 if ws.mode == workshop.RATING else 2)),
        }
        for p in range(people)
        for k, (item, _) in enumerate(ws.items)
        for dim in ws.dimensions
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize("people", [2, 8])
def test_room_heatmap_draws_shown_and_hidden_cells(large: bool, people: int) -> None:
    ws = _ws(workshop.RATING)
    frame = charts.room_frame(
        workshop.room_cells(ws, _answers(ws, people)), ws.item_names(), ws.k_min
    )
    assert frame["hidden"].all() == (people < ws.k_min)
    assert (frame.loc[frame["hidden"], "score_text"] == "hidden").all()
    order = list(dict.fromkeys(frame["label"]))
    chart = charts.room_heatmap(
        frame, order, ["Tech", "Business", "Everyone"], large=large, k_min=ws.k_min
    )
    assert render.to_png(chart)[:4] == b"\x89PNG"
    spec = chart.to_dict()
    text = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text")
    assert text["mark"]["fontSize"] == (24 if large else 13)
    # Grey "hidden" and white "no answers" are explained side by side, as on every heatmap.
    assert "No answers (blank cell)" in str(spec)
    assert f"Hidden: fewer than {ws.k_min} respondents" in str(spec)


@pytest.mark.parametrize("people", [2, 4, 8])
def test_dot_bars_draw_totals_and_split(people: int) -> None:
    ws = _ws(workshop.DOTS)
    tally = workshop.dot_tally(ws, _answers(ws, people))
    if tally["masked"].all():
        return  # the page says in words that the tally waits for k_min people
    chart = charts.dot_bars(tally, large=True)
    assert render.to_png(chart)[:4] == b"\x89PNG"


def test_dumbbell_draws() -> None:
    cells = pd.DataFrame(
        {
            "initiative_id": ["P-01", "P-01", "P-02"],
            "initiative": ["A", "A", "B"],
            "side": ["tech", "business", "tech"],
            "side_label": ["Tech", "Business", "Tech"],
            "score_before": [20.0, 70.0, None],
            "score_after": [60.0, 40.0, 55.0],
            "n_before": pd.array([4, 5, pd.NA], dtype="Int64"),
            "n_after": pd.array([4, 6, 3], dtype="Int64"),
            "change": [40.0, -30.0, None],
            "status": [compare.IMPROVED, compare.WORSENED, compare.NEW],
            "reading": ["", "", ""],
        }
    )
    frame = compare.chart_frame(cells)
    chart = dumbbell(frame, list(dict.fromkeys(frame["label"])))
    assert render.to_png(chart)[:4] == b"\x89PNG"
