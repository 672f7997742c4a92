"""Workshops in the store: joining, answering, closing, integrity under concurrency, results.

Tests taking ``db_url`` run on SQLite and on PostgreSQL (skipped only without a server).
"""

from __future__ import annotations

import datetime as dt
import io
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

from alignment import joincodes, workshop
from alignment.exports import to_xlsx_bytes
from alignment.ingest import SourceFile, import_files
from alignment.store import Store
from alignment.workshop import VotingClosed, WorkshopError

ROOT = Path(__file__).resolve().parent.parent
GROUPS = [
    ("Platform Engineering", "tech"),
    ("Data & Analytics", "tech"),
    ("Sales", "business"),
    ("Finance", "business"),
]
ITEMS = [(f"P-{i:02d}", f"Initiative {i}") for i in range(1, 11)]
DIMS = ["why_clarity", "priority"]


def _store(db_url: str) -> Store:
    return Store(db_url, parts=(workshop.SCHEMA,))


def _rating(s: Store, **kw) -> workshop.Workshop:
    args = {
        "title": "Quarterly review",
        "mode": workshop.RATING,
        "items": ITEMS,
        "dimensions": DIMS,
        "groups": GROUPS,
        "k_min": 3,
    } | kw
    return workshop.create(s, **args)


def test_create_and_find_by_code(db_url: str) -> None:
    s = _store(db_url)
    ws = _rating(s)
    assert joincodes.normalise(ws.code) == ws.code
    assert workshop.by_code(s, ws.code) == ws
    assert workshop.by_code(s, ws.code.lower()) is None, "codes are matched exactly"
    assert workshop.get(s, ws.id) == ws
    assert ws.is_open and not ws.revealed
    assert ws.side_of("Sales") == "business"
    other = _rating(s, title="Another")
    assert other.code != ws.code
    assert [w.id for w in workshop.all_workshops(s)] == [other.id, ws.id]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "  "}, "title"),
        ({"items": []}, "at least one initiative"),
        ({"dimensions": ["nonsense"]}, "at least one dimension"),
        ({"groups": []}, "at least one group"),
        ({"groups": [("Sales", "sideways")]}, "side must be"),
        ({"k_min": 0}, "below 1"),
        ({"mode": workshop.DOTS, "dots": 0}, "between 1 and"),
    ],
)
def test_bad_set_ups_are_refused_in_words(tmp_path: Path, change: dict, message: str) -> None:
    s = _store(f"sqlite:///{tmp_path / 'w.sqlite'}")
    with pytest.raises(WorkshopError, match=message):
        _rating(s, **change)


def test_answers_are_upserted_and_private(db_url: str) -> None:
    s = _store(db_url)
    ws = _rating(s)
    me, you = joincodes.new_token(), joincodes.new_token()
    with pytest.raises(WorkshopError, match="Pick your group first"):
        workshop.answer(s, ws.id, me, "P-01", "priority", 4)
    workshop.join(s, ws.id, me, "Sales")
    workshop.join(s, ws.id, you, "Platform Engineering")
    workshop.answer(s, ws.id, me, "P-01", "priority", 4)
    workshop.answer(s, ws.id, me, "P-01", "priority", 2)  # changed my mind
    workshop.answer(s, ws.id, you, "P-01", "priority", 5)
    assert workshop.own_answers(s, ws.id, me) == {("P-01", "priority"): 2.0}
    assert workshop.own_answers(s, ws.id, you) == {("P-01", "priority"): 5.0}
    workshop.answer(s, ws.id, me, "P-01", "priority", None)  # cleared
    assert workshop.own_answers(s, ws.id, me) == {}
    frame = workshop.answers_frame(s, ws.id)
    assert len(frame) == 1 and frame.loc[0, "group"] == "Platform Engineering"
    assert joincodes.new_token() not in frame.to_string()
    # Moving to another group keeps one participant.
    workshop.join(s, ws.id, you, "Data & Analytics")
    assert workshop.participant(s, ws.id, you).group == "Data & Analytics"
    assert workshop.pulse(s, ws.id).participants == 2


def test_answers_outside_the_workshop_or_scale_are_refused(db_url: str) -> None:
    s = _store(db_url)
    ws = _rating(s)
    me = joincodes.new_token()
    with pytest.raises(WorkshopError, match="one of the groups"):
        workshop.join(s, ws.id, me, "Nobody's group")
    workshop.join(s, ws.id, me, "Sales")
    for item, dim, value in [
        ("P-99", "priority", 3),
        ("P-01", "communication", 3),
        ("P-01", "priority", 6),
        ("P-01", "priority", 0),
        ("P-01", "priority", 2.5),
    ]:
        with pytest.raises(WorkshopError):
            workshop.answer(s, ws.id, me, item, dim, value)
    assert workshop.own_answers(s, ws.id, me) == {}


def test_closed_workshops_refuse_answers_until_reopened(db_url: str) -> None:
    s = _store(db_url)
    ws = _rating(s)
    me = joincodes.new_token()
    workshop.join(s, ws.id, me, "Finance")
    workshop.answer(s, ws.id, me, "P-02", "why_clarity", 3)
    workshop.set_state(s, ws.id, status=workshop.CLOSED)
    with pytest.raises(VotingClosed, match="Voting is closed"):
        workshop.answer(s, ws.id, me, "P-02", "why_clarity", 5)
    with pytest.raises(VotingClosed):
        workshop.join(s, ws.id, joincodes.new_token(), "Sales")
    assert workshop.own_answers(s, ws.id, me) == {("P-02", "why_clarity"): 3.0}
    workshop.set_state(s, ws.id, status=workshop.OPEN)
    workshop.answer(s, ws.id, me, "P-02", "why_clarity", 5)
    workshop.set_state(s, ws.id, revealed=True)
    assert workshop.get(s, ws.id).revealed and not workshop.get(s, ws.id).is_open


def test_dot_budget_is_enforced_per_participant(db_url: str) -> None:
    s = _store(db_url)
    ws = workshop.create(
        s, title="Dots", mode=workshop.DOTS, items=ITEMS[:4], groups=GROUPS, dots=5, k_min=2
    )
    me = joincodes.new_token()
    workshop.join(s, ws.id, me, "Sales")
    workshop.answer(s, ws.id, me, "P-01", workshop.DOTS_DIMENSION, 3)
    workshop.answer(s, ws.id, me, "P-02", workshop.DOTS_DIMENSION, 2)
    with pytest.raises(WorkshopError, match="5 dots in all; 0 are left"):
        workshop.answer(s, ws.id, me, "P-03", workshop.DOTS_DIMENSION, 1)
    workshop.answer(s, ws.id, me, "P-01", workshop.DOTS_DIMENSION, 1)  # takes two back
    workshop.answer(s, ws.id, me, "P-03", workshop.DOTS_DIMENSION, 2)
    workshop.answer(s, ws.id, me, "P-02", workshop.DOTS_DIMENSION, 0)  # zero removes the row
    assert workshop.own_answers(s, ws.id, me) == {("P-01", "dots"): 1.0, ("P-03", "dots"): 2.0}
    with pytest.raises(WorkshopError):
        workshop.answer(s, ws.id, me, "P-01", "priority", 1)


def test_answers_given_together_are_written_together(db_url: str) -> None:
    s = _store(db_url)
    ws = _rating(s)
    me = joincodes.new_token()
    workshop.join(s, ws.id, me, "Sales")
    with pytest.raises(WorkshopError):
        workshop.answer_many(s, ws.id, me, {("P-01", "priority"): 4, ("P-02", "priority"): 9})
    assert workshop.own_answers(s, ws.id, me) == {}, "one bad answer stops the whole batch"


def test_fifty_concurrent_participants_end_with_exactly_1000_answers(db_url: str) -> None:
    """50 threads × 20 answers each (one transaction per answer), then every answer again."""
    s = _store(db_url)
    ws = _rating(s)
    tokens = [joincodes.new_token() for _ in range(50)]
    plan = [(item, dim) for item, _ in ITEMS for dim in DIMS]
    assert len(plan) == 20
    start = threading.Barrier(50)
    errors: list[BaseException] = []

    def participant(n: int, token: str, offset: int) -> None:
        try:
            start.wait(30)
            if offset == 0:
                workshop.join(s, ws.id, token, GROUPS[n % len(GROUPS)][0])
            for k, (item, dim) in enumerate(plan):
                workshop.answer(s, ws.id, token, item, dim, 1 + (n + k + offset) % 5)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    timings = []
    for offset in (0, 1):  # the second round re-submits every answer with a new value
        began = time.perf_counter()
        threads = [
            threading.Thread(target=participant, args=(n, t, offset)) for n, t in enumerate(tokens)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        timings.append(time.perf_counter() - began)
        assert not errors, errors[:3]
        pulse = workshop.pulse(s, ws.id)
        assert (pulse.participants, pulse.answering, pulse.answers) == (50, 50, 1000)
    frame = workshop.answers_frame(s, ws.id)
    assert len(frame) == 1000
    assert not frame.duplicated(["participant", "item_id", "dimension"]).any()
    for n, token in enumerate(tokens):
        expected = {(item, dim): float(1 + (n + k + 1) % 5) for k, (item, dim) in enumerate(plan)}
        assert workshop.own_answers(s, ws.id, token) == expected, (
            "the re-submitted values replaced the first ones"
        )
    print(
        f"\n[{s.backend}] 1000 answers from 50 threads: {timings[0]:.2f} s; "
        f"1000 re-submissions: {timings[1]:.2f} s"
    )


ANSWER_KILLER = textwrap.dedent("""
    import os, signal, sys
    import sqlalchemy as sa
    from alignment import workshop
    from alignment.store import Store

    store = Store(sys.argv[1], parts=(workshop.SCHEMA,))
    wid, token = int(sys.argv[2]), sys.argv[3]

    @sa.event.listens_for(store.engine, "after_cursor_execute")
    def kill(conn, cursor, statement, *rest):
        if statement.lstrip().upper().startswith("INSERT INTO WORKSHOP_ANSWERS"):
            os.kill(os.getpid(), signal.SIGKILL)  # the rows are written, the commit is not

    workshop.answer_many(store, wid, token, {("P-01", "priority"): 5, ("P-02", "priority"): 5,
                                             ("P-03", "priority"): 5})
    print("not killed")
""")


def test_a_killed_process_leaves_no_half_vote(db_url: str) -> None:
    s = _store(db_url)
    ws = _rating(s)
    me = joincodes.new_token()
    workshop.join(s, ws.id, me, "Sales")
    workshop.answer(s, ws.id, me, "P-01", "priority", 1)
    proc = subprocess.run(
        [sys.executable, "-c", ANSWER_KILLER, db_url, str(ws.id), me],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert workshop.own_answers(s, ws.id, me) == {("P-01", "priority"): 1.0}


def test_pulse_is_one_statement_and_changes_with_every_answer(db_url: str) -> None:
    s = _store(db_url)
    ws = _rating(s)
    statements: list[str] = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731
    sa.event.listen(s.engine, "before_cursor_execute", listener)
    first = workshop.pulse(s, ws.id)
    sa.event.remove(s.engine, "before_cursor_execute", listener)
    queries = [
        q for q in statements if not q.strip().upper().startswith(("BEGIN", "ROLLBACK", "COMMIT"))
    ]
    assert len(queries) == 1, queries
    assert (first.participants, first.answers) == (0, 0)
    me = joincodes.new_token()
    workshop.join(s, ws.id, me, "Sales")
    second = workshop.pulse(s, ws.id)
    workshop.answer(s, ws.id, me, "P-01", "priority", 3)
    third = workshop.pulse(s, ws.id)
    workshop.answer(s, ws.id, me, "P-01", "priority", 4)
    fourth = workshop.pulse(s, ws.id)
    workshop.set_state(s, ws.id, revealed=True)
    fifth = workshop.pulse(s, ws.id)
    versions = [p.version for p in (first, second, third, fourth, fifth)]
    assert len(set(versions)) == 5
    assert (fourth.participants, fourth.answering, fourth.answers) == (1, 1, 1)
    assert fifth.revealed
    assert workshop.pulse(s, 12345) is None


def test_deleting_a_workshop_deletes_its_answers(db_url: str) -> None:
    s = _store(db_url)
    ws, keep = _rating(s), _rating(s, title="Keep")
    for w in (ws, keep):
        t = joincodes.new_token()
        workshop.join(s, w.id, t, "Sales")
        workshop.answer(s, w.id, t, "P-01", "priority", 3)
    assert workshop.delete(s, ws.id)
    assert workshop.get(s, ws.id) is None
    with s.read() as conn:
        for table in (workshop.answers, workshop.participants):
            ids = conn.execute(sa.select(table.c.workshop_id)).scalars().all()
            assert ids == [keep.id]


# --- results -----------------------------------------------------------------------------------


def _room(s: Store, ws: workshop.Workshop, people: dict[str, int]) -> None:
    """``people``: group -> how many participants; each rates every item and dimension."""
    n = 0
    for group, count in people.items():
        for _ in range(count):
            n += 1
            t = joincodes.new_token()
            workshop.join(s, ws.id, t, group)
            workshop.answer_many(
                s,
                ws.id,
                t,
                {
                    (i, d): 1 + (n + k) % 5
                    for k, (i, d) in enumerate((i, d) for i, _ in ws.items for d in ws.dimensions)
                },
            )


def test_room_heatmap_respects_the_workshops_k_min(tmp_path: Path) -> None:
    s = _store(f"sqlite:///{tmp_path / 'r.sqlite'}")
    ws = _rating(s, items=ITEMS[:3], k_min=4)
    _room(s, ws, {"Platform Engineering": 3, "Data & Analytics": 2, "Sales": 2})
    cells = workshop.room_cells(ws, workshop.answers_frame(s, ws.id))
    everyone = cells[cells["column"] == "Everyone"]
    assert (everyone["n"] == 7).all() and everyone["score"].notna().all()
    business = cells[cells["column"] == "Business"]
    assert business["masked"].all() and business["score"].isna().all()
    # Every group is under k_min: their answers count for the room as a whole, never for a
    # side (moving a small group across would give it away), so both sides are hidden.
    tech = cells[cells["column"] == "Tech"]
    assert tech["masked"].all() and tech["score"].isna().all()
    few = _rating(s, items=ITEMS[:2], k_min=10)
    _room(s, few, {"Sales": 4})
    assert workshop.room_cells(few, workshop.answers_frame(s, few.id))["score"].isna().all()


def test_results_load_into_the_analysis_as_feedback(tmp_path: Path) -> None:
    s = _store(f"sqlite:///{tmp_path / 'x.sqlite'}")
    ws = _rating(s, items=ITEMS[:4], k_min=3)
    _room(
        s,
        ws,
        {"Platform Engineering": 3, "Data & Analytics": 1, "Sales": 2, "Finance": 2},
    )
    answers = workshop.answers_frame(s, ws.id)
    wide = workshop.results_wide(ws, answers)
    assert list(wide.columns) == [
        "Respondent",
        "Group",
        "Side",
        "Initiative",
        "Clarity of the why",
        "Priority",
        "Date",
    ]
    assert len(wide) == 7 * 4
    assert set(wide["Group"]) == {"Platform Engineering", "Other business"}, (
        "groups under k_min leave the app merged into their side, and a merged bucket "
        "still under k_min (one tech person) is left out"
    )
    assert wide["Respondent"].str.fullmatch(rf"WS{ws.id}-P\d{{3}}").all()
    data = workshop.results_xlsx(ws, answers)
    result = import_files([SourceFile(workshop.results_filename(ws), data)])
    assert not result.errors, result.errors
    fb = result.dataset.feedback
    kept = answers[answers["group"] != "Data & Analytics"]
    assert len(fb) == len(kept)
    assert fb["respondent"].nunique() == 7
    assert set(fb["dimension"]) == set(DIMS)
    assert dict(fb.groupby("side")["respondent"].nunique()) == {"tech": 3, "business": 4}
    assert fb["rating"].mean() == pytest.approx(kept["value"].mean())


def test_results_export_is_formula_safe(tmp_path: Path) -> None:
    s = _store(f"sqlite:///{tmp_path / 'f.sqlite'}")
    hostile = [('=HYPERLINK("http://x")', "tech"), ("+Sales", "business"), ("@Ops", "business")]
    ws = _rating(s, items=[("-P1", "=1+1")], groups=hostile, k_min=1)
    _room(s, ws, {g: 1 for g, _ in hostile})
    book = openpyxl.load_workbook(
        io.BytesIO(workshop.results_xlsx(ws, workshop.answers_frame(s, ws.id)))
    )
    values = [c.value for row in book["Feedback"].iter_rows() for c in row]
    texts = [v for v in values if isinstance(v, str)]
    assert not [v for v in texts if v.startswith(("=", "+", "-", "@"))], texts
    assert '\'=HYPERLINK("http://x")' in texts and "'-P1" in texts
    assert any(isinstance(v, int) for v in values), "ratings stay numbers"


def test_dot_tally_is_hidden_until_enough_people_voted(tmp_path: Path) -> None:
    s = _store(f"sqlite:///{tmp_path / 'd.sqlite'}")
    ws = workshop.create(
        s, title="Dots", mode=workshop.DOTS, items=ITEMS[:3], groups=GROUPS, dots=3, k_min=3
    )

    def vote(group: str, item: str, dots: int) -> None:
        t = joincodes.new_token()
        workshop.join(s, ws.id, t, group)
        workshop.answer(s, ws.id, t, item, workshop.DOTS_DIMENSION, dots)

    vote("Sales", "P-01", 3)
    vote("Platform Engineering", "P-02", 2)
    tally = workshop.dot_tally(ws, workshop.answers_frame(s, ws.id))
    assert tally["masked"].all() and tally["dots"].isna().all()
    vote("Finance", "P-01", 1)
    tally = workshop.dot_tally(ws, workshop.answers_frame(s, ws.id)).set_index("initiative_id")
    assert tally.loc["P-01", "dots"] == 4 and tally.loc["P-02", "dots"] == 2
    assert tally["dots_tech"].isna().all(), "the split waits until both sides reach k_min"
    for group in ("Data & Analytics", "Platform Engineering", "Finance"):
        vote(group, "P-03", 1)
    tally = workshop.dot_tally(ws, workshop.answers_frame(s, ws.id)).set_index("initiative_id")
    assert tally.loc["P-01", "dots_business"] == 4 and tally.loc["P-03", "dots_tech"] == 2
    sheet = pd.read_excel(
        io.BytesIO(workshop.results_xlsx(ws, workshop.answers_frame(s, ws.id))),
        sheet_name="Dot votes",
        engine="openpyxl",
    )
    assert list(sheet["Dots"]) == [4, 2, 3]
    assert list(sheet["Dots from business"]) == [4, 0, 1]


def test_exports_module_is_the_only_writer() -> None:
    """Results go through alignment.exports (to_xlsx_bytes), never pandas' to_excel."""
    source = (ROOT / "alignment" / "workshop.py").read_text()
    assert "to_excel" not in source and "to_csv(" not in source
    assert to_xlsx_bytes.__module__ == "alignment.exports"


# --- the room's timer (stored on the workshop, so any mode has it) -----------------------------


def _shift_deadline(s: Store, ws: workshop.Workshop, seconds: float) -> None:
    """Move a running deadline as if ``seconds`` had passed (no test sleeps for a minute)."""
    with s.write() as conn:
        row = conn.execute(
            sa.select(workshop.workshops.c.deadline).where(workshop.workshops.c.id == ws.id)
        ).scalar_one()
        conn.execute(
            workshop.workshops.update()
            .where(workshop.workshops.c.id == ws.id)
            .values(deadline=store_time(row) - dt.timedelta(seconds=seconds))
        )


def store_time(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def test_timer_start_pause_add_and_stop_come_from_the_stored_deadline(db_url: str) -> None:
    s = _store(db_url)
    ws = _rating(s)
    assert ws.timer.state() == workshop.TIMER_OFF and ws.timer.left() is None
    with pytest.raises(WorkshopError, match="duration"):
        workshop.start_timer(s, ws.id)
    ws = workshop.set_timer(s, ws.id, 300)
    assert ws.timer.state() == workshop.TIMER_READY and ws.timer.left() == 300
    before = workshop.now()
    ws = workshop.start_timer(s, ws.id)
    assert ws.timer.state() == workshop.TIMER_RUNNING
    assert 299 <= ws.timer.left() <= 300
    assert before + dt.timedelta(seconds=299) <= ws.timer.deadline
    # Every view reads the same stored deadline: the phone's and the projector's are equal.
    assert workshop.status(s, ws.id)[2] == workshop.pulse(s, ws.id).timer == ws.timer
    _shift_deadline(s, ws, 100)
    ws = workshop.pause_timer(s, ws.id)
    assert ws.timer.state() == workshop.TIMER_PAUSED and 199 <= ws.timer.left() <= 200
    ws = workshop.add_time(s, ws.id)
    assert 259 <= ws.timer.left() <= 260, "+1 minute while paused"
    ws = workshop.start_timer(s, ws.id)
    assert 258 <= ws.timer.left() <= 260, "resumes where it was paused"
    ws = workshop.add_time(s, ws.id)
    assert 318 <= ws.timer.left() <= 320, "+1 minute while running"
    ws = workshop.stop_timer(s, ws.id)
    assert ws.timer.state() == workshop.TIMER_READY and ws.timer.left() == 300
    assert ws.is_open, "stopping the timer does not close voting"
    with pytest.raises(WorkshopError, match="1 second to 4 hours"):
        workshop.set_timer(s, ws.id, 5 * 3600)
    assert workshop.clock(65) == "1:05" and workshop.clock(0.2) == "0:01"
    assert workshop.clock(3725) == "1:02:05"


def test_at_zero_voting_closes_by_itself_when_asked(db_url: str) -> None:
    s = _store(db_url)
    ws = _rating(s, timer_seconds=60, auto_close=True)
    me = joincodes.new_token()
    workshop.join(s, ws.id, me, "Sales")
    ws = workshop.start_timer(s, ws.id)
    workshop.answer(s, ws.id, me, "P-01", "priority", 3)
    _shift_deadline(s, ws, 61)
    # No view has looked since zero: the answer itself checks the stored deadline.
    with pytest.raises(VotingClosed):
        workshop.answer(s, ws.id, me, "P-01", "priority", 5)
    with pytest.raises(VotingClosed):
        workshop.join(s, ws.id, joincodes.new_token(), "Sales")
    assert workshop.own_answers(s, ws.id, me) == {("P-01", "priority"): 3.0}
    assert not workshop.get(s, ws.id).is_open
    assert workshop.pulse(s, ws.id).status == workshop.CLOSED
    assert workshop.get(s, ws.id).status == workshop.CLOSED, "the close is recorded"
    ws = workshop.add_time(s, ws.id)
    assert ws.is_open and 59 <= ws.timer.left() <= 60, "one more minute reopens voting"
    workshop.answer(s, ws.id, me, "P-01", "priority", 5)
    # Without auto-close the timer only informs: answers still count after zero.
    keep = _rating(s, title="No auto-close", timer_seconds=60)
    workshop.join(s, keep.id, me, "Sales")
    keep = workshop.start_timer(s, keep.id)
    _shift_deadline(s, keep, 61)
    assert workshop.get(s, keep.id).timer.state() == workshop.TIMER_ENDED
    workshop.answer(s, keep.id, me, "P-01", "priority", 2)
    assert workshop.get(s, keep.id).is_open


def test_the_timer_is_the_sessions_not_a_question_types(tmp_path: Path) -> None:
    s = _store(f"sqlite:///{tmp_path / 't.sqlite'}")
    dots = workshop.create(
        s,
        title="Dots",
        mode=workshop.DOTS,
        items=ITEMS[:3],
        groups=GROUPS,
        dots=3,
        timer_seconds=90,
        auto_close=True,
    )
    dots = workshop.start_timer(s, dots.id)
    assert dots.timer.state() == workshop.TIMER_RUNNING and dots.timer.auto_close


# --- reveal: results exist only for a room that can no longer change them ----------------------


def test_reveal_closes_voting_and_voting_cannot_reopen_after_it(db_url: str) -> None:
    """Attack (#18.3): with live results, a late vote shows as a change in a figure
    (business n=3, 50 -> n=4, 37.5: the late vote was a 1). Revealed figures must not move."""
    s = _store(db_url)
    ws = _rating(s, items=ITEMS[:2])
    _room(s, ws, {"Sales": 3, "Platform Engineering": 3})
    late = joincodes.new_token()
    workshop.join(s, ws.id, late, "Finance")
    workshop.set_state(s, ws.id, revealed=True)
    ws = workshop.get(s, ws.id)
    assert ws.revealed and not ws.is_open and ws.revealed_at is not None
    shown = workshop.room_cells(ws, workshop.answers_frame(s, ws.id))
    with pytest.raises(VotingClosed):
        workshop.answer(s, ws.id, late, "P-01", "priority", 1)
    workshop.set_state(s, ws.id, revealed=False)
    with pytest.raises(WorkshopError, match="cannot reopen"):
        workshop.set_state(s, ws.id, status=workshop.OPEN)
    workshop.set_timer(s, ws.id, 60, auto_close=True)
    with pytest.raises(WorkshopError, match="Voting is closed"):
        workshop.start_timer(s, ws.id)
    workshop.set_state(s, ws.id, revealed=True)
    again = workshop.room_cells(ws, workshop.answers_frame(s, ws.id))
    pd.testing.assert_frame_equal(shown, again)


def test_closing_and_reopening_before_any_reveal_stays_possible(db_url: str) -> None:
    s = _store(db_url)
    ws = _rating(s)
    workshop.set_state(s, ws.id, status=workshop.CLOSED)
    workshop.set_state(s, ws.id, status=workshop.OPEN)
    assert workshop.get(s, ws.id).is_open


# --- who can join: a cap and one-time invitations ----------------------------------------------


def test_a_capped_room_refuses_one_more_phone(db_url: str) -> None:
    """Attack (#18.8): tokens are free, so two made-up phones voting 5 beside one real member
    unmask the real rating. A cap the facilitator sets bounds the room."""
    s = _store(db_url)
    ws = _rating(s, cap=3, k_min=1, groups=[("Sales", "business"), ("Finance", "business")])
    people = [joincodes.new_token() for _ in range(3)]
    for t in people:
        workshop.join(s, ws.id, t, "Sales")
    with pytest.raises(workshop.RoomFull, match="full: the facilitator set it for 3 people"):
        workshop.join(s, ws.id, joincodes.new_token(), "Sales")
    workshop.join(s, ws.id, people[0], "Finance")  # a member moving group is not a newcomer
    assert workshop.pulse(s, ws.id).participants == 3
    ws = workshop.set_room(s, ws.id, cap=4)
    workshop.join(s, ws.id, joincodes.new_token(), "Sales")


def test_the_cap_holds_when_phones_join_at_once(db_url: str) -> None:
    s = _store(db_url)
    ws = _rating(s, cap=5, k_min=1, groups=[("Sales", "business")])
    results: list[str] = []

    def one() -> None:
        try:
            workshop.join(s, ws.id, joincodes.new_token(), "Sales")
            results.append("in")
        except workshop.RoomFull:
            results.append("full")

    threads = [threading.Thread(target=one) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("in") == 5 and results.count("full") == 7
    assert workshop.pulse(s, ws.id).participants == 5


def test_invitation_codes_admit_one_person_each(db_url: str) -> None:
    s = _store(db_url)
    ws = _rating(s, invite_only=True)
    with pytest.raises(workshop.InvitationNeeded, match="by invitation"):
        workshop.join(s, ws.id, joincodes.new_token(), "Sales")
    codes = workshop.issue_invites(s, ws.id, 4)
    assert len(set(codes)) == 4 and all(joincodes.normalise(c) == c for c in codes)
    assert workshop.invite_counts(s, ws.id) == (4, 0)
    me = joincodes.new_token()
    workshop.join(s, ws.id, me, "Sales", invite=joincodes.pretty(codes[0]).lower())
    workshop.join(s, ws.id, me, "Finance")  # already in: no second invitation needed
    with pytest.raises(workshop.InvitationNeeded, match="used already"):
        workshop.join(s, ws.id, joincodes.new_token(), "Sales", invite=codes[0])
    made_up = joincodes.new_code()
    with pytest.raises(workshop.InvitationNeeded, match="not valid"):
        workshop.join(s, ws.id, joincodes.new_token(), "Sales", invite=made_up)
    other = _rating(s, title="Other", invite_only=True)
    with pytest.raises(workshop.InvitationNeeded):
        workshop.join(s, other.id, joincodes.new_token(), "Sales", invite=codes[1])
    assert workshop.invite_counts(s, ws.id) == (4, 1)
    assert [used for _, used in workshop.invite_list(s, ws.id)] == [True, False, False, False]
    with pytest.raises(WorkshopError, match="between 1 and"):
        workshop.issue_invites(s, ws.id, 0)


# --- exports and tallies that cannot be differenced --------------------------------------------


def _distinct_room(s: Store, ws: workshop.Workshop, group: str, n: int) -> list[str]:
    """``n`` people in join order, person k rating P-01 and P-02 as a unique pair."""
    tokens = []
    for k in range(n):
        t = joincodes.new_token()
        workshop.join(s, ws.id, t, group)
        workshop.answer_many(
            s, ws.id, t, {("P-01", "priority"): 1 + k % 5, ("P-02", "priority"): 1 + k // 5}
        )
        tokens.append(t)
    return tokens


def test_export_codes_do_not_follow_join_order(tmp_path: Path) -> None:
    """Attack (#18.4): one row per person numbered in join order, which the facilitator
    can watch: P001 is whoever joined first."""
    s = _store(f"sqlite:///{tmp_path / 'o.sqlite'}")
    ws = _rating(s, items=ITEMS[:2], dimensions=["priority"])
    n = 12
    _distinct_room(s, ws, "Sales", n)
    wide = workshop.results_wide(ws, workshop.answers_frame(s, ws.id))
    wide = wide.pivot_table(index="Respondent", columns="Initiative", values="Priority")
    joined = [(1 + k % 5, 1 + k // 5) for k in range(n)]
    exported = [(int(a), int(b)) for a, b in wide[["P-01", "P-02"]].itertuples(index=False)]
    assert sorted(exported) == sorted(joined)
    assert exported != joined, "respondent numbers must not be the join order"
    again = workshop.results_wide(ws, workshop.answers_frame(s, ws.id))
    (
        pd.testing.assert_frame_equal(
            again, workshop.results_wide(ws, workshop.answers_frame(s, ws.id))
        ),
        "the same download twice is the same file",
    )


def test_merged_buckets_reach_k_min_or_are_dropped(tmp_path: Path) -> None:
    """Attack (#18.4): a one-person group merged into "Other tech" is still one person."""
    s = _store(f"sqlite:///{tmp_path / 'm.sqlite'}")
    ws = _rating(s, items=ITEMS[:2], k_min=3)
    _room(s, ws, {"Platform Engineering": 3, "Data & Analytics": 1, "Sales": 2, "Finance": 1})
    answers = workshop.answers_frame(s, ws.id)
    wide = workshop.results_wide(ws, answers)
    sizes = wide.groupby("Group")["Respondent"].nunique()
    assert (sizes >= ws.k_min).all(), sizes
    assert set(wide["Group"]) == {"Platform Engineering", "Other business"}
    assert workshop.left_out(ws, answers) == 1


def test_dot_split_never_gives_away_unassigned_voters(tmp_path: Path) -> None:
    """Attack (#18.5): a voter of no side is the total minus tech minus business."""
    s = _store(f"sqlite:///{tmp_path / 'u.sqlite'}")
    groups = [*GROUPS, ("Guests", "unknown")]
    ws = workshop.create(
        s, title="Dots", mode=workshop.DOTS, items=ITEMS[:2], groups=groups, dots=5, k_min=3
    )
    for group in ["Sales"] * 3 + ["Platform Engineering"] * 3 + ["Guests"]:
        t = joincodes.new_token()
        workshop.join(s, ws.id, t, group)
        workshop.answer(s, ws.id, t, "P-01", workshop.DOTS_DIMENSION, 5 if group == "Guests" else 1)
    tally = workshop.dot_tally(ws, workshop.answers_frame(s, ws.id)).set_index("initiative_id")
    row = tally.loc["P-01"]
    assert row["dots"] == 11
    assert pd.isna(row["dots_tech"]) and pd.isna(row["dots_business"]), (
        "11 − 3 − 3 would be the guest's 5 dots"
    )
    for _ in range(2):
        t = joincodes.new_token()
        workshop.join(s, ws.id, t, "Guests")
        workshop.answer(s, ws.id, t, "P-01", workshop.DOTS_DIMENSION, 1)
    tally = workshop.dot_tally(ws, workshop.answers_frame(s, ws.id)).set_index("initiative_id")
    assert tally.loc["P-01", "dots_tech"] == 3, "three unassigned voters: the split is safe"


def test_item_details_are_kept_for_the_phones(tmp_path: Path) -> None:
    s = _store(f"sqlite:///{tmp_path / 'i.sqlite'}")
    ws = _rating(
        s,
        items=[("P-01", "Bus", "Move messaging to Kafka.", "Updates go missing."), ("P-02", "X")],
    )
    assert ws.detail("P-01") == ("Move messaging to Kafka.", "Updates go missing.")
    assert ws.detail("P-02") == ("", "")
    assert ws.questions_per_person == 2 * len(DIMS)


def test_a_database_of_the_first_workshop_version_upgrades(db_url: str) -> None:
    """Workshops made before the timer keep working; one already revealed cannot reopen."""
    from alignment.store import SchemaPart

    old = Store(db_url, parts=(SchemaPart("workshop", workshop.SCHEMA.migrations[:1]),))
    now_ = workshop.now()
    with old.write() as conn:
        for code, revealed in (("ABCDEFGH", True), ("ABCDEFGJ", False)):
            conn.execute(
                sa.text(
                    "INSERT INTO workshops (code, title, mode, config_json, k_min, status, "
                    "revealed, created_at, changed_at) VALUES (:c, 'Old', 'rating', :cfg, 3, "
                    "'closed', :r, :t, :t)"
                ),
                {
                    "c": code,
                    "cfg": '{"items": [["P-01", "One"]], "dimensions": ["priority"], '
                    '"groups": [["Sales", "business"]], "dots": 0}',
                    "r": revealed,
                    "t": now_,
                },
            )
    old.dispose()
    s = _store(db_url)
    seen, unseen = workshop.by_code(s, "ABCDEFGH"), workshop.by_code(s, "ABCDEFGJ")
    assert seen.timer == workshop.Timer() and seen.cap is None and not seen.invite_only
    assert not seen.can_reopen and unseen.can_reopen
    workshop.set_state(s, unseen.id, status=workshop.OPEN)
    assert workshop.get(s, unseen.id).is_open


def test_a_small_room_is_not_split_into_groups_all_under_k_min(tmp_path: Path) -> None:
    s = _store(f"sqlite:///{tmp_path / 'g.sqlite'}")
    ten = [(f"Team {i}", "tech" if i % 2 else "business") for i in range(10)]
    with pytest.raises(WorkshopError, match="A room of 12 in 10 groups.*at most 4"):
        _rating(s, groups=ten, cap=12)
    assert _rating(s, groups=ten[:4], cap=12).cap == 12
    assert _rating(s, groups=[("Tech", "tech"), ("Business", "business")], cap=6)
