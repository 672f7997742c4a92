"""In a real Chromium: answer a step of the self-assessment, reload, the answers are still there;
the radar is drawn; a team member answers on a phone-sized screen."""

from __future__ import annotations

import re

import pytest

from tests.e2e.server import wait_idle

pytestmark = pytest.mark.e2e
CHOICES = ["Agree", "Strongly agree", "Disagree", "Don't know", "Agree"]


def _no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not page.js_errors


def _open(page, url: str) -> None:
    # The first visit of a fresh server goes through the entry page, so st.navigation has
    # registered the pages before a deep link is resolved (see the README's note on deep links).
    page.goto(url.split("/assessment")[0].split("/team")[0])
    wait_idle(page)
    page.goto(url)
    wait_idle(page)


def _progress(page, text: str):
    return page.get_by_test_id("stProgress").get_by_text(text)


def _radios(page):
    return page.locator('[data-testid="stRadio"]')


def _checked(page) -> list[str]:
    out = []
    for i in range(_radios(page).count()):
        checked = _radios(page).nth(i).locator("label").filter(has=page.locator("input:checked"))
        out.append(checked.inner_text().strip() if checked.count() else "")
    return out


def test_answers_survive_a_reload(page, app_url: str) -> None:
    _open(page, f"{app_url}/assessment")
    assert _progress(page, "0 of 35 statements answered").is_visible()
    _radios(page).nth(4).wait_for()
    assert _radios(page).count() == 5
    for i, choice in enumerate(CHOICES):
        _radios(page).nth(i).locator("label").filter(
            has_text=re.compile(rf"^{re.escape(choice)}$")
        ).click()
        wait_idle(page)
    _progress(page, '5 of 35 statements answered (1 "Don\'t know")').wait_for()
    assert "key=" in page.url
    _no_exception(page)

    page.reload()
    wait_idle(page)
    _progress(page, "5 of 35 statements answered").wait_for()
    _radios(page).nth(4).wait_for()
    assert _checked(page) == CHOICES
    # The radar of the answers so far.
    page.get_by_role("tab", name="Results").click()
    wait_idle(page)
    page.locator(".vega-embed canvas, .vega-embed svg").first.wait_for(timeout=30_000)
    _no_exception(page)


def test_the_team_page_fits_a_phone(browser, app_url: str) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    phone = context.new_page()
    errors: list[str] = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        _open(phone, f"{app_url}/team")
        phone.get_by_role("textbox", name="Round code").fill("ABCD-EFGH")
        phone.get_by_role("button", name="Open the round").click()
        wait_idle(phone)
        phone.get_by_text("No round has this code").wait_for()
        # Nothing overflows sideways on a phone.
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        assert not errors
    finally:
        context.close()
