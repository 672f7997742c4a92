"""A fresh server's very first request to a deep link still goes through app.py.

Streamlit runs a file of a folder named pages/ directly on a fresh process's first request;
this app keeps its pages in app_pages/ so the navigation (and the password gate) always apply.
"""

from __future__ import annotations

import pytest

from alignment.access import ENV_HASH, hash_password
from tests.e2e.server import running_app, wait_idle

pytestmark = pytest.mark.e2e


def test_first_request_to_a_deep_link_gets_the_app(browser) -> None:
    with running_app() as url:
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.goto(f"{url}/data")
        wait_idle(page)
        nav = page.locator(".st-key-aw-menu")
        assert nav.get_by_text("Overview").count() == 1
        assert nav.get_by_text("app", exact=True).count() == 0  # no raw file list
        assert page.get_by_text("Alignment Workbench").first.is_visible()
        page.close()


def test_first_request_to_a_deep_link_is_gated_by_the_password(browser) -> None:
    with running_app(env={ENV_HASH: hash_password("a long private phrase")}) as url:
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.goto(f"{url}/alignment")
        wait_idle(page)
        assert page.get_by_label("Password", exact=True).is_visible()
        assert page.locator('[data-testid="stVegaLiteChart"]').count() == 0
        page.get_by_label("Password", exact=True).fill("a long private phrase")
        page.get_by_role("button", name="Open").click()
        wait_idle(page)
        page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=60_000)
        page.close()
