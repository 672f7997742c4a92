"""Fixtures for the end-to-end tests: one live app per session, one Chromium browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.server import CHROMIUM_ARGS, chromium_path, running_app

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    with running_app() as url:
        yield url


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
