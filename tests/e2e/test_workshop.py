"""In a real Chromium: several phones vote at once, the facilitator's live view shows every vote.

The app runs with a database of its own; the workshop is created through the store (the
facilitator's form has its AppTest), then four phone-sized browser contexts join by link and tap
their ratings in step — each round of taps is sent from every phone before any is awaited, so the
server handles them concurrently.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from alignment import joincodes, workshop
from alignment.store import Store
from tests.e2e.server import running_app, wait_idle

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
GROUPS = [
    ("Platform Engineering", "tech"),
    ("Data & Analytics", "tech"),
    ("Sales", "business"),
    ("Finance", "business"),
]
ITEMS = [("P-01", "Freightline event bus on Kafka"), ("P-02", "Observability and SLOs")]
DIMS = ["why_clarity", "priority"]
PEOPLE = ["Platform Engineering", "Sales", "Data & Analytics", "Finance"]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("workshop-e2e") / "workbench.sqlite"


@pytest.fixture(scope="module")
def live_app(db: Path) -> Iterator[str]:
    with running_app(env={"ALIGNMENT_DB_PATH": str(db)}) as url:
        yield url


@pytest.fixture(scope="module")
def store(db: Path, live_app: str) -> Iterator[Store]:
    s = Store(f"sqlite:///{db}", parts=(workshop.SCHEMA,))
    yield s
    s.dispose()


def _no_navigation(page) -> None:
    """No sidebar, no page list and no button to open one: the phone sees its workshop only."""
    for testid in (
        "stSidebar",
        "stSidebarNav",
        "stExpandSidebarButton",
        "stSidebarCollapsedControl",
    ):
        found = page.locator(f'[data-testid="{testid}"]')
        assert found.count() == 0 or not found.first.is_visible(), testid


def _total(store: Store, workshop_id: int) -> float:
    return float(workshop.answers_frame(store, workshop_id)["value"].sum())


def _wait_until(condition, timeout_s: float = 30) -> None:
    """Poll the store: a click's effect lands on the server a moment after the click."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the change never reached the store")
        time.sleep(0.2)


def _metric(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _wait_metric(page, label: str, value: str, timeout_s: float = 30) -> None:
    for _ in range(int(timeout_s * 2)):
        if _metric(page, label) == value:
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"{label} stayed at {_metric(page, label)!r}, expected {value!r}")


def test_phones_vote_at_once_and_the_facilitator_sees_every_vote(
    browser, live_app: str, store: Store
) -> None:
    ws = workshop.create(
        store,
        title="Room vote",
        mode=workshop.RATING,
        items=ITEMS,
        dimensions=DIMS,
        groups=GROUPS,
        k_min=3,
    )
    contexts = [browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True) for _ in PEOPLE]
    phones = [c.new_page() for c in contexts]
    errors: list[str] = []
    for phone in phones:
        phone.on("pageerror", lambda exc: errors.append(str(exc)))
        phone.goto(f"{live_app}/join?code={ws.code}")
    for phone in phones:
        wait_idle(phone)
        assert phone.get_by_role("heading", name="Room vote").is_visible()
        _no_navigation(phone)
    for phone, group in zip(phones, PEOPLE, strict=True):
        phone.locator('[data-testid="stSelectbox"]').first.click()
        phone.get_by_role("option", name=re.compile(re.escape(group))).click()
    for phone in phones:
        wait_idle(phone)
        phone.get_by_text("0 of 4 answered").wait_for(timeout=30_000)

    facilitator_ctx = browser.new_context(viewport={"width": 1400, "height": 1400})
    facilitator = facilitator_ctx.new_page()
    facilitator.on("pageerror", lambda exc: errors.append(str(exc)))
    facilitator.goto(f"{live_app}/workshop")
    wait_idle(facilitator)
    assert joincodes.pretty(ws.code) in facilitator.locator("body").inner_text()
    _wait_metric(facilitator, "Participants", "4")

    questions = len(ITEMS) * len(DIMS)
    for q in range(questions):
        for n, phone in enumerate(phones):  # every phone taps before any is awaited
            group = phone.locator('[data-testid="stButtonGroup"]').nth(q)
            group.get_by_role("radio", name=str(1 + (n + q) % 5), exact=True).click(
                no_wait_after=True
            )
        for phone in phones:
            wait_idle(phone)
    for phone in phones:
        phone.get_by_text(f"{questions} of {questions} answered").wait_for(timeout=30_000)
    total = len(PEOPLE) * questions
    assert workshop.pulse(store, ws.id).answers == total

    _wait_metric(facilitator, "Answers", str(total))
    facilitator.locator(".vega-embed svg, .vega-embed canvas").first.wait_for(timeout=30_000)

    # A phone changes its mind (its first answer was 1): an update, not a new answer.
    before = _total(store, ws.id)
    first = phones[0].locator('[data-testid="stButtonGroup"]').nth(0)
    first.get_by_role("radio", name="5", exact=True).click()
    _wait_until(lambda: _total(store, ws.id) == before + 4)
    assert workshop.pulse(store, ws.id).answers == total
    _wait_metric(facilitator, "Answers", str(total))

    # Closing voting: a phone's next tap is refused with a clear message; a phone that has
    # polled since (every few seconds) already shows voting closed and its controls disabled.
    facilitator.get_by_role("button", name="Close voting").click()
    facilitator.get_by_role("button", name="Reopen voting").wait_for(timeout=30_000)
    assert workshop.status(store, ws.id)[0] == workshop.CLOSED
    before = _total(store, ws.id)
    second = phones[1].locator('[data-testid="stButtonGroup"]').nth(1)
    five = second.get_by_role("radio", name="5", exact=True)
    if five.is_enabled():
        with contextlib.suppress(PlaywrightTimeout):  # disabled by a poll meanwhile
            five.click(timeout=3_000)
    phones[1].get_by_text("Voting is closed for this workshop").first.wait_for(timeout=30_000)
    _wait_until(lambda: five.is_disabled())
    assert _total(store, ws.id) == before
    assert not errors, errors
    for c in (*contexts, facilitator_ctx):
        c.close()


def test_a_phone_cannot_wander_into_the_rest_of_the_app(
    browser, live_app: str, store: Store
) -> None:
    ws = workshop.create(
        store,
        title="Closed door",
        mode=workshop.RATING,
        items=ITEMS,
        dimensions=DIMS,
        groups=GROUPS,
        k_min=3,
    )
    context = browser.new_context(viewport=PHONE)
    phone = context.new_page()
    phone.goto(f"{live_app}/?code={ws.code}")
    wait_idle(phone)
    assert phone.get_by_role("heading", name="Closed door").is_visible()
    _no_navigation(phone)
    assert "Alignment Workbench" not in phone.locator("body").inner_text()
    assert "/join" in phone.url
    context.close()
