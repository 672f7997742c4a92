"""Fixtures for the end-to-end tests: one live app per session, one Chromium browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from components.page_registry import PAGES
from tests.e2e.server import CHROMIUM_ARGS, chromium_path, running_app, wait_idle
from tests.e2e.walk import Live, Visit, settle, visit

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def app_url(live: Live) -> str:
    """The one app every test shares (with a temporary database, see ``live``)."""
    return live.url


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        pytest.fail(
            "No Chromium found: install Debian's chromium package or set CHROMIUM_PATH "
            "(the end-to-end tests do not skip silently)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()


# -- One walk through every page (tests/e2e/walk.py), shared by the accessibility and
# text-hygiene tests: on the demo, and after the messy files are uploaded.

MESSY = Path(__file__).resolve().parents[1] / "fixtures" / "messy"


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """An app with a database of its own holding an open workshop and a team round, so the
    pages reached by a code show what a participant sees."""
    from alignment import workshop
    from alignment.assessment.store import AssessmentStore
    from alignment.store import Store

    db = tmp_path_factory.mktemp("walk") / "workbench.sqlite"
    store = Store(f"sqlite:///{db}", parts=(workshop.SCHEMA,))
    ws = workshop.create(
        store,
        title="Quarterly alignment check",
        mode=workshop.RATING,
        items=[("P-01", "Freightline event bus on Kafka"), ("P-02", "Observability and SLOs")],
        dimensions=["why_clarity", "priority"],
        groups=[("Platform Engineering", "tech"), ("Sales", "business")],
        k_min=3,
    )
    team = AssessmentStore(store).open_round("walk-leader-key", "Platform team, Q3")
    store.dispose()
    with running_app(env={"ALIGNMENT_DB_PATH": str(db)}) as url:
        yield Live(url, ws.code, ws.id, team.code)


@pytest.fixture(scope="session")
def demo_walk(browser, live: Live) -> dict[str, list[Visit]]:
    """Every registered page on the demo, each opened by its address (one browser context, so
    the app's scripts load once): page file -> visits."""
    out: dict[str, list[Visit]] = {}
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        for spec in PAGES:
            page.goto(live.address(spec))
            settle(page)
            errors = page.locator('[data-testid="stException"]').all_inner_texts()
            assert errors == [], f"{spec.title}: the page shows an exception"
            out[spec.file] = visit(page, spec.title)
    finally:
        context.close()
    return out


@pytest.fixture(scope="session")
def upload_walk(browser, live: Live) -> dict[str, list[Visit]]:
    """The messy files uploaded, then every page in the menu in the same session (an address
    typed in the bar would start a new session, on the demo): menu link -> visits. Pages
    reached by a code show a workshop or a round, not the upload; the demo walk covers them."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{live.url}/data")
        wait_idle(page)
        files = sorted(str(p) for p in MESSY.iterdir())
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(files)
        page.get_by_text("You are looking at your files").wait_for(timeout=60_000)
        settle(page)
        menu = page.locator(".st-key-aw-menu a")
        hrefs = [menu.nth(i).get_attribute("href") for i in range(menu.count())]
        assert len(hrefs) == sum(p.visibility == "visible" for p in PAGES)
        out: dict[str, list[Visit]] = {}
        for href in hrefs:
            page.locator(f'.st-key-aw-menu a[href="{href}"]').click()
            settle(page)
            errors = page.locator('[data-testid="stException"]').all_inner_texts()
            assert errors == [], f"{href}: the page shows an exception"
            out[str(href)] = visit(page, f"{href} (upload)")
        return out
    finally:
        context.close()
