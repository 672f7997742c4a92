"""The password throttle: kept in the database, atomic, slowing but never locking the owner out.

Issue 18, items 9 and 10: Streamlit's ``clear_cache`` message emptied ``st.cache_resource``,
which held the only throttle (178 guesses in 43 s instead of 20); and the lock-out, keyed by an
address that is "unknown" locally and the proxy's behind one, let an attacker lock the owner out.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from alignment.access import ENV_HASH, hash_password
from alignment.store import Store
from alignment.throttle import LoginThrottle, Policy, seconds_in_words

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a long and private phrase"


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def test_the_pause_grows_per_client_and_server_wide_and_is_capped() -> None:
    p = Policy(client_free=5, global_free=30, global_step=10, base_seconds=1, max_pause=30)
    assert [p.pause(n, n) for n in range(5)] == [0.0] * 5
    assert [p.pause(n, n) for n in range(5, 9)] == [1.0, 2.0, 4.0, 8.0]
    assert p.pause(100, 100) == 30.0
    # a client that has not failed is slowed only by the server's count
    assert p.pause(0, 29) == 0.0
    assert p.pause(0, 30) == 1.0
    assert p.pause(0, 40) == 2.0
    assert p.pause(0, 10_000) == 30.0


def test_the_message_never_says_zero_seconds() -> None:
    assert seconds_in_words(0.2) == "1 second"
    assert seconds_in_words(1.0) == "1 second"
    assert seconds_in_words(1.01) == "2 seconds"
    assert seconds_in_words(600) == "10 minutes"


def test_attempts_are_counted_in_the_database_and_survive_a_new_process(db_url: str) -> None:
    clock = Clock()
    policy = Policy(client_free=2, global_free=100)
    first = LoginThrottle(Store(db_url), policy, clock)
    pauses = [first.begin("ip:a").pause for _ in range(4)]
    assert pauses == [0.0, 0.0, 1.0, 2.0]
    # Another store on the same database (a replica, or the same process after every cache was
    # cleared) sees the same failures.
    again = LoginThrottle(Store(db_url), policy, clock)
    assert again.begin("ip:a").pause == 4.0
    assert again.begin("ip:b").pause == 0.0  # another client is not slowed by ip:a
    clock.now += policy.window + dt.timedelta(seconds=1)
    assert again.begin("ip:a").pause == 0.0  # an old streak is forgotten


def test_a_right_password_does_not_count_as_a_failure(db_url: str) -> None:
    throttle = LoginThrottle(Store(db_url), Policy(client_free=1), Clock())
    for _ in range(3):
        throttle.succeeded(throttle.begin("ip:a"))
    assert throttle.recent_failures() == 0
    assert throttle.begin("ip:a").pause == 0.0


def test_parallel_attempts_each_see_the_others(db_url: str) -> None:
    """Twenty sessions at once must not all pass as first tries (count and record are atomic)."""
    throttle = LoginThrottle(Store(db_url), Policy(client_free=5, global_free=1000), Clock())
    barrier = threading.Barrier(20)
    seen: list[int] = []

    def go() -> None:
        barrier.wait()
        seen.append(throttle.begin("ip:unknown").client_failures)

    threads = [threading.Thread(target=go) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == list(range(20))
    assert throttle.recent_failures("ip:unknown") == 20


# --- as users meet it ------------------------------------------------------------------------


@pytest.fixture
def gate(monkeypatch, db_path) -> list[float]:
    """The app protected by a password on its own database; returns the pauses slept."""
    monkeypatch.setenv(ENV_HASH, hash_password(PASSWORD))
    slept: list[float] = []
    from components import auth

    monkeypatch.setattr(auth, "_sleep", slept.append, raising=False)
    return slept


def _session() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    return at


def _try(at: AppTest, password: str) -> str:
    at.text_input[0].input(password)
    at.button[0].click().run()
    return " ".join(e.value for e in at.error)


def test_clearing_the_cache_does_not_reset_the_throttle(gate: list[float]) -> None:
    """Each guess from a fresh session, with the server's caches cleared between them (what the
    ``clear_cache`` websocket message does): the sixth is slowed all the same."""
    messages = []
    for _ in range(7):
        st.cache_resource.clear()
        st.cache_data.clear()
        messages.append(_try(_session(), "a wrong guess"))
    assert all("not right" in m for m in messages)
    assert "slowed" not in messages[0]
    assert "slowed by 1 second" in messages[5]
    assert "slowed by 2 seconds" in messages[6]
    assert 2.0 in gate


def test_an_attackers_failures_never_lock_the_owner_out(gate: list[float]) -> None:
    """The attacker and the owner share the address ("ip:unknown" here, the proxy's behind one).
    After the attacker's failures the owner's first try is slowed, never refused."""
    for _ in range(12):  # a fresh session for each guess, as a script would
        _try(_session(), "a wrong guess")
    attacker = _session()
    for _ in range(3):
        _try(attacker, "a wrong guess")
    # A browser that has failed is refused for a while, with a wait that is never "0 seconds".
    assert "Try again in 2 seconds" in _try(attacker, "another guess")
    owner = _session()
    assert _try(owner, PASSWORD) == ""
    assert not owner.text_input  # in: the password form is gone
    assert owner.metric
    assert max(gate) <= 30.0  # the longest any check waited
