"""The assessment's saved state: drafts, history, team rounds, across restarts and owners."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from alignment import joincodes
from alignment.assessment.store import (
    ASSESSMENT,
    AssessmentStore,
    RoundClosed,
    digest,
    latest_closed,
)
from alignment.store import Store, sqlite_url

KEY, OTHER = "leader-key-aaaaaaaaaaaa", "someone-else-bbbbbbbbbb"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "db.sqlite"


def _open(path: Path) -> tuple[Store, AssessmentStore]:
    store = Store(sqlite_url(path))
    return store, AssessmentStore(store)


def test_schema_part_is_recorded(path: Path) -> None:
    store, _ = _open(path)
    assert store.versions()["assessment"] == ASSESSMENT.latest == 2
    assert {
        "assessment_drafts",
        "assessment_results",
        "team_rounds",
        "team_answers",
        "team_invites",
    } <= set(sa.inspect(store.engine).get_table_names())


def test_a_draft_survives_a_restart(path: Path) -> None:
    store, db = _open(path)
    db.save_draft(KEY, {"a": 4, "b": None}, step=3)
    db.save_draft(KEY, {"a": 5, "b": None, "c": 1}, step=4)
    store.dispose()
    _, again = _open(path)
    draft = again.load_draft(KEY)
    assert draft.answers == {"a": 5, "b": None, "c": 1} and draft.step == 4
    assert draft.completed_id is None
    assert again.load_draft(OTHER) is None


def test_keys_and_tokens_are_stored_as_digests(path: Path) -> None:
    store, db = _open(path)
    db.save_draft(KEY, {"a": 1}, 1)
    rnd = db.open_round(KEY, "Round")
    db.submit(rnd.code, "participant-token-1234", {"a": 2})
    store.dispose()
    raw = path.read_bytes() + (
        path.with_name(path.name + "-wal").read_bytes()
        if path.with_name(path.name + "-wal").exists()
        else b""
    )
    assert KEY.encode() not in raw and b"participant-token-1234" not in raw
    assert digest(KEY).encode() in raw


def test_completing_saves_history_and_marks_the_draft(path: Path) -> None:
    _, db = _open(path)
    first = db.complete(
        KEY, {"a": 3}, {1: 50.0, 2: None}, 50.0, step=7, at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    )
    second = db.complete(
        KEY, {"a": 5}, {1: 100.0, 2: 25.0}, 62.5, step=7, at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    )
    history = db.history(KEY)
    assert [c.id for c in history] == [first.id, second.id]
    assert history[0].scores == {1: 50.0, 2: None} and history[1].overall == 62.5
    assert history[0].completed_at == dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    assert db.load_draft(KEY).completed_id == second.id
    assert db.history(OTHER) == []


def test_a_participant_has_one_answer_set_per_round(path: Path) -> None:
    _, db = _open(path)
    rnd = db.open_round(KEY, "  Data   team  ")
    assert rnd.title == "Data team" and len(rnd.code) == joincodes.CODE_LENGTH and rnd.is_open
    db.submit(rnd.code, "token-one-1234567890", {"a": 2})
    db.submit(rnd.code, "token-one-1234567890", {"a": 4, "b": None})  # changed their mind
    db.submit(rnd.code, "token-two-1234567890", {"a": 5})
    assert db.round(rnd.code).participants == 2
    assert db.my_answers(rnd.code, "token-one-1234567890") == {"a": 4, "b": None}
    assert db.my_answers(rnd.code, "token-new-1234567890") is None


def test_results_only_for_the_owner_of_a_closed_round(path: Path) -> None:
    _, db = _open(path)
    rnd = db.open_round(KEY, "Round")
    for i in range(3):
        db.submit(rnd.code, f"token-{i}-abcdefghijkl", {"a": i + 1})
    assert db.round_answers(KEY, rnd.code) is None  # open: no results yet
    assert not db.close_round(OTHER, rnd.code)  # only the owner can close it
    assert db.close_round(KEY, rnd.code)
    assert not db.close_round(KEY, rnd.code)  # closed for good
    assert sorted(a["a"] for a in db.round_answers(KEY, rnd.code)) == [1, 2, 3]
    assert db.round_answers(OTHER, rnd.code) is None
    with pytest.raises(RoundClosed, match="closed"):
        db.submit(rnd.code, "token-late-abcdefghij", {"a": 5})
    with pytest.raises(RoundClosed, match="does not exist"):
        db.submit("ZZZZZZZZ", "token-late-abcdefghij", {"a": 5})


def test_rounds_are_listed_newest_first_and_the_latest_closed_is_found(path: Path) -> None:
    _, db = _open(path)
    first = db.open_round(KEY, "First")
    second = db.open_round(KEY, "Second")
    db.open_round(OTHER, "Not mine")
    listed = db.rounds(KEY)
    assert [r.title for r in listed] == ["Second", "First"]
    assert latest_closed(listed) is None
    db.close_round(KEY, first.code)
    db.close_round(KEY, second.code)
    assert latest_closed(db.rounds(KEY)).code == second.code


def test_forgetting_deletes_everything_the_key_owns(path: Path) -> None:
    _, db = _open(path)
    db.save_draft(KEY, {"a": 1}, 1)
    db.complete(KEY, {"a": 1}, {1: 0.0}, 0.0, 1)
    rnd = db.open_round(KEY, "Round")
    db.submit(rnd.code, "token-x-abcdefghijkl", {"a": 1})
    db.save_draft(OTHER, {"a": 2}, 1)
    assert db.forget(KEY)
    assert db.load_draft(KEY) is None and db.history(KEY) == [] and db.rounds(KEY) == []
    assert db.round(rnd.code) is None
    assert db.load_draft(OTHER).answers == {"a": 2}


def test_a_round_and_its_answers_survive_a_restart(path: Path) -> None:
    store, db = _open(path)
    rnd = db.open_round(KEY, "Round")
    for i in range(3):
        db.submit(rnd.code, f"token-{i}-abcdefghijkl", {"a": i + 1})
    store.dispose()
    _, again = _open(path)
    assert again.round(rnd.code).participants == 3
    assert again.my_answers(rnd.code, "token-1-abcdefghijkl") == {"a": 2}
    assert again.close_round(KEY, rnd.code)
    assert len(again.round_answers(KEY, rnd.code)) == 3


def test_made_up_tokens_cannot_join_a_round_by_invitation(path: Path) -> None:
    """#18.8: tokens are free, so made-up phones beside one real member unmask their answers.
    A round by invitation admits only holders of a one-time code."""
    from alignment import joincodes
    from alignment.assessment.store import RoundRefused

    _, db = _open(path)
    rnd = db.open_round("leader-key", "Data team", invite_only=True)
    with pytest.raises(RoundRefused, match="by invitation"):
        db.submit(rnd.code, joincodes.new_token(), {"s1": 5})
    codes = db.issue_invites("leader-key", rnd.code, 2)
    assert db.round(rnd.code).invites_issued == 2
    me = joincodes.new_token()
    db.submit(rnd.code, me, {"s1": 4}, invite=codes[0])
    db.submit(rnd.code, me, {"s1": 3})  # already in: changing answers needs no new code
    with pytest.raises(RoundRefused):
        db.submit(rnd.code, joincodes.new_token(), {"s1": 5}, invite=codes[0])
    assert db.unused_invites("leader-key", rnd.code) == [codes[1]]
    with pytest.raises(ValueError, match="not yours"):
        db.issue_invites("someone-else", rnd.code, 3)


def test_a_capped_round_refuses_one_more_person(path: Path) -> None:
    from alignment import joincodes
    from alignment.assessment.store import RoundRefused

    _, db = _open(path)
    rnd = db.open_round("leader-key", "Small", cap=2)
    first = joincodes.new_token()
    db.submit(rnd.code, first, {"s1": 4})
    db.submit(rnd.code, joincodes.new_token(), {"s1": 4})
    with pytest.raises(RoundRefused, match="full"):
        db.submit(rnd.code, joincodes.new_token(), {"s1": 1})
    db.submit(rnd.code, first, {"s1": 2})
    assert db.round(rnd.code).participants == 2
