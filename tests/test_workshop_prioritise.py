"""A prioritisation session in the workshop: the room estimates WSJF's components on the
Fibonacci scale, each side's WSJF and rank come out as computed by hand, a side under k_min has
no ranking, and the results file lands in the feedback and estimates the Prioritisation page
reads.

Tests taking ``db_url`` run on SQLite and on PostgreSQL (skipped only without a server).
"""

from __future__ import annotations

import numpy as np
import pytest

from alignment import prioritise, workshop
from alignment.ingest import SourceFile, import_files
from alignment.store import Store
from alignment.workshop import WorkshopError

ITEMS = [("P-01", "Event bus"), ("P-02", "Observability"), ("P-03", "Cost right-sizing")]
GROUPS = [("Tech", "tech"), ("Business", "business")]
# (business value, time criticality, risk reduction, job size) per side and initiative.
TECH = {"P-01": (3, 3, 3, 3), "P-02": (8, 8, 8, 2), "P-03": (1, 1, 1, 13)}
BUSINESS = {"P-01": (13, 13, 13, 3), "P-02": (2, 2, 2, 8), "P-03": (5, 5, 5, 5)}


def _session(s: Store, people: list[tuple[str, dict]], k_min: int = 2) -> workshop.Workshop:
    ws = workshop.create(
        s, title="Quarter planning", mode=workshop.WSJF, items=ITEMS, groups=GROUPS, k_min=k_min
    )
    for k, (group, estimates) in enumerate(people):
        token = f"phone-{k}"
        workshop.join(s, ws.id, token, group)
        workshop.answer_many(
            s,
            ws.id,
            token,
            {
                (item, dim): value
                for item, values in estimates.items()
                for dim, value in zip(workshop.WSJF_DIMENSIONS, values, strict=True)
            },
        )
    return ws


def test_a_session_asks_the_four_components_on_the_fibonacci_scale(db_url: str) -> None:
    s = Store(db_url, parts=(workshop.SCHEMA,))
    ws = workshop.create(
        s,
        title="Quarter planning",
        mode=workshop.WSJF,
        items=ITEMS,
        dimensions=["why_clarity"],  # ignored: a WSJF needs its four components
        groups=GROUPS,
        k_min=2,
    )
    assert ws.dimensions == (
        "business_value",
        "time_criticality",
        "risk_reduction",
        "job_size",
    )
    assert ws.scale == (1, 20)
    assert ws.questions_per_person == 12
    workshop.join(s, ws.id, "a", "Tech")
    for value in workshop.WSJF_CHOICES:
        workshop.answer(s, ws.id, "a", "P-01", "job_size", value)
    for bad in (0, 4, 21, 2.5):
        with pytest.raises(WorkshopError, match="1, 2, 3, 5, 8, 13, 20"):
            workshop.answer(s, ws.id, "a", "P-01", "job_size", bad)
    assert workshop.own_answers(s, ws.id, "a") == {("P-01", "job_size"): 20.0}
    s.dispose()


def test_each_sides_wsjf_and_rank_are_the_hand_computed_ones(db_url: str) -> None:
    s = Store(db_url, parts=(workshop.SCHEMA,))
    ws = _session(
        s, [("Tech", TECH), ("Tech", TECH), ("Business", BUSINESS)] * 1 + [("Business", BUSINESS)]
    )
    frame = workshop.answers_frame(s, ws.id)
    result = workshop.wsjf_ranking(ws, frame, replicates=200)
    t = result.table.set_index("initiative_id")
    # Tech: P-01 9/3 = 3, P-02 24/2 = 12, P-03 3/13 ≈ 0.23 → P-02, P-01, P-03.
    assert t["score_tech"].to_dict() == pytest.approx({"P-01": 3.0, "P-02": 12.0, "P-03": 3 / 13})
    assert t["rank_tech"].to_dict() == {"P-01": 2.0, "P-02": 1.0, "P-03": 3.0}
    # Business: P-01 39/3 = 13, P-02 6/8 = 0.75, P-03 15/5 = 3 → P-01, P-03, P-02.
    assert t["score_business"].to_dict() == pytest.approx({"P-01": 13.0, "P-02": 0.75, "P-03": 3.0})
    assert t["rank_business"].to_dict() == {"P-01": 1.0, "P-02": 3.0, "P-03": 2.0}
    # The room: everyone's means, P-01 (8+8+8)/3 = 8, P-02 15/5 = 3, P-03 9/9 = 1.
    assert t["score"].to_dict() == pytest.approx({"P-01": 8.0, "P-02": 3.0, "P-03": 1.0})
    assert result.n == {"tech": 2, "business": 2, "all": 4}

    # The facilitator's order: the widest disagreement first, with its reason.
    talk = workshop.disagreements(ws, frame, result)
    assert talk["initiative_id"].tolist() == ["P-02", "P-01", "P-03"]
    assert talk["gap"].tolist() == [2.0, 1.0, 1.0]
    assert talk.loc[0, "sentence"].startswith("Tech ranks it higher: business puts it 3rd")
    assert "tech rates business value 8, business 2" in talk.loc[0, "sentence"]
    assert talk["rank"].tolist() == [2.0, 1.0, 3.0]
    s.dispose()


def test_a_side_under_k_min_has_no_ranking_and_hides_the_rooms(db_url: str) -> None:
    s = Store(db_url, parts=(workshop.SCHEMA,))
    ws = _session(s, [("Tech", TECH)] * 3 + [("Business", BUSINESS)], k_min=3)
    frame = workshop.answers_frame(s, ws.id)
    result = workshop.wsjf_ranking(ws, frame, replicates=200)
    assert result.n["business"] is None and result.n["tech"] == 3
    assert result.table["rank_business"].isna().all()
    assert result.table["score_business"].isna().all()
    talk = workshop.disagreements(ws, frame, result)
    assert talk["rank_business"].isna().all() and talk["gap"].isna().all()
    assert (talk["sentence"] == "").all()
    # The room's ranking beside tech's would give the one business phone away.
    assert talk["rank"].isna().all()
    assert talk["rank_tech"].tolist() == [1.0, 2.0, 3.0]  # P-02, P-01, P-03
    assert talk["initiative_id"].tolist() == ["P-02", "P-01", "P-03"]

    # Nobody of the business side at all: the room's ranking is tech's, nothing to hide.
    alone = _session(s, [("Tech", TECH)] * 3, k_min=3)
    frame = workshop.answers_frame(s, alone.id)
    talk = workshop.disagreements(alone, frame, workshop.wsjf_ranking(alone, frame, 50))
    assert talk["rank"].notna().all()
    s.dispose()


def test_the_results_file_feeds_each_sides_ranking_on_the_prioritisation_page(
    db_url: str,
) -> None:
    s = Store(db_url, parts=(workshop.SCHEMA,))
    ws = _session(
        s, [("Tech", TECH), ("Tech", TECH), ("Business", BUSINESS), ("Business", BUSINESS)]
    )
    workshop.set_state(s, ws.id, revealed=True)
    frame = workshop.answers_frame(s, ws.id)
    data = workshop.results_xlsx(ws, frame)
    dataset = import_files([SourceFile(workshop.results_filename(ws), data)]).dataset
    # Business value joins the feedback, the other three the estimates, on 1–20.
    assert set(dataset.feedback["dimension"]) == {"business_value"}
    assert set(dataset.estimates["dimension"]) == {"time_criticality", "risk_reduction", "job_size"}
    assert len(dataset.feedback) == 4 * 3 and len(dataset.estimates) == 4 * 3 * 3
    assert set(dataset.feedback["scale_max"]) == {20.0}
    p01 = dataset.feedback[
        (dataset.feedback["initiative_id"] == "P-01") & (dataset.feedback["side"] == "business")
    ]
    assert p01["rating"].tolist() == [13.0, 13.0]
    # The imported data ranks as the room did (the same computation, through the file).
    dataset.initiatives = workshop.wsjf_dataset(ws, frame).initiatives
    page = prioritise.prioritise(dataset, "wsjf", ws.privacy, replicates=50)
    room = workshop.wsjf_ranking(ws, frame, replicates=50)
    for col in ("score_tech", "score_business", "score"):
        assert np.allclose(page.table[col], room.table[col])
    s.dispose()
