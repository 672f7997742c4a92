"""Comparing two snapshots: change per initiative and side, new or resolved gaps, the chart."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from alignment import compare
from alignment.charts.compare import dumbbell
from alignment.dataset import Dataset
from alignment.ingest import SourceFile, import_files
from alignment.privacy import Privacy

PRIVACY = Privacy(k_min=3)


def _dataset(ratings: dict[str, dict[str, list[tuple[int, int]]]]) -> Dataset:
    """``ratings``: initiative -> side -> one (why, priority) pair per respondent."""
    rows = []
    for item, sides in ratings.items():
        for side, people in sides.items():
            group = "Platform" if side == "tech" else "Sales"
            for n, (why, prio) in enumerate(people):
                rows.append(
                    {
                        "Respondent": f"{side}-{n}",
                        "Group": group,
                        "Side": side,
                        "Initiative": item,
                        "Clarity of the why": why,
                        "Priority": prio,
                    }
                )
    buf = io.StringIO()
    pd.DataFrame(rows).to_csv(buf, index=False)
    result = import_files([SourceFile("feedback.csv", buf.getvalue().encode())])
    assert not result.errors, result.errors
    return result.dataset


LOW = [(2, 2), (2, 1), (1, 2), (2, 2)]
HIGH = [(4, 4), (5, 4), (4, 5), (4, 4)]
MID = [(3, 3), (3, 4), (3, 3), (4, 3)]

BEFORE = _dataset(
    {
        "P1": {"tech": LOW, "business": HIGH},
        "P3": {"tech": MID, "business": MID},
        "P4": {"tech": MID, "business": MID},
        "P5": {"tech": LOW, "business": HIGH},
        "P6": {"tech": MID, "business": MID},
    }
)
AFTER = _dataset(
    {
        "P1": {"tech": HIGH, "business": LOW},
        "P2": {"tech": MID, "business": MID},
        "P4": {"tech": MID, "business": MID[:1]},
        "P5": {"tech": MID, "business": MID},
        "P6": {"tech": LOW, "business": HIGH},
    }
)


@pytest.fixture(scope="module")
def result() -> compare.Comparison:
    return compare.compare(BEFORE, AFTER, PRIVACY)


def _status(cmp: compare.Comparison, item: str, side: str) -> str:
    cells = cmp.cells.set_index(["initiative_id", "side"])
    return cells.loc[(item, side), "status"]


def test_change_per_initiative_and_side(result: compare.Comparison) -> None:
    assert _status(result, "P1", "tech") == compare.IMPROVED
    assert _status(result, "P1", "business") == compare.WORSENED
    assert _status(result, "P2", "tech") == compare.NEW
    assert _status(result, "P3", "business") == compare.GONE
    assert _status(result, "P6", "tech") == compare.WORSENED
    cells = result.cells.set_index(["initiative_id", "side"])
    assert cells.loc[("P1", "tech"), "change"] == pytest.approx(
        cells.loc[("P1", "tech"), "score_after"] - cells.loc[("P1", "tech"), "score_before"]
    )
    assert cells.loc[("P1", "tech"), "change"] > 40


def test_hidden_cells_are_not_comparable_and_show_no_figure(result: compare.Comparison) -> None:
    cells = result.cells.set_index(["initiative_id", "side"])
    business = cells.loc[("P4", "business")]
    assert business["status"] == compare.HIDDEN
    assert pd.isna(business["score_after"]) and pd.isna(business["change"])
    # The lone business answer counts for nothing (not even the initiative's total), so the
    # tech side, the same four people with the same answers, needs no hiding.
    tech = cells.loc[("P4", "tech")]
    assert tech["status"] == compare.STEADY
    assert "Hidden" in business["reading"]
    assert result.counts[compare.HIDDEN] == 1


def test_steady_when_the_change_is_small() -> None:
    same = compare.compare(BEFORE, BEFORE, PRIVACY)
    assert set(same.cells["status"]) == {compare.STEADY}
    assert (same.cells["change"] == 0).all()
    assert set(same.gaps["status"]) == {compare.GAP_OPEN}


def test_new_and_resolved_gaps(result: compare.Comparison) -> None:
    gaps = result.gaps
    by = {
        (i, d): s
        for i, d, s in gaps[["initiative_id", "dimension", "status"]].itertuples(index=False)
    }
    assert by[("P1", "why_clarity")] == compare.GAP_OPEN
    assert by[("P5", "why_clarity")] == compare.GAP_RESOLVED
    assert by[("P6", "priority")] == compare.GAP_NEW
    assert ("P3", "why_clarity") not in by, "rated alike by both sides: no gap to report"
    assert ("P2", "priority") not in by, "no clear gap in either snapshot: not listed"
    assert list(gaps["status"]) == sorted(
        gaps["status"],
        key=[
            compare.GAP_NEW,
            compare.GAP_RESOLVED,
            compare.GAP_OPEN,
            compare.GAP_GONE,
            compare.GAP_HIDDEN,
        ].index,
    )


def test_no_feedback_compares_to_nothing() -> None:
    empty = compare.compare(Dataset(), Dataset(), PRIVACY)
    assert not empty.has_feedback
    assert empty.gaps.empty


def test_dumbbell_chart_draws_only_shown_cells(result: compare.Comparison) -> None:
    frame = compare.chart_frame(result.cells)
    assert compare.HIDDEN not in set(frame["status"])
    order = list(dict.fromkeys(frame["label"]))
    spec = dumbbell(frame, order, before="August", after="September").to_dict()
    assert spec["facet"]["column"]["field"] == "side_label"
    layers = spec["spec"]["layer"]
    assert [layer["mark"]["type"] for layer in layers] == ["rule", "point", "point"]
    assert layers[0]["encoding"]["y"]["sort"] == order
    titles = [t["title"] for t in layers[0]["encoding"]["tooltip"]]
    assert "August (0–100)" in titles and "September: respondents" in titles
    data = pd.DataFrame(spec["datasets"][spec["data"]["name"]])
    assert data.loc[data["status"] == compare.NEW, "score_before"].isna().all()
