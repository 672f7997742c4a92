"""WCAG 2.2 AA, measured: axe-core in Chromium on every page, on the demo and after an upload.

Every page in ``components.page_registry.PAGES`` is audited (a page added there is audited too),
in each of its states: as opened, with its expanders open and with each tab shown (see
``tests/e2e/walk.py``; the walk is shared with the text-hygiene test). Pages reached by a code
(a workshop's join and presentation views, a team round) are opened with a real workshop and
round. A test fails on any serious or critical violation of the WCAG 2.0/2.1/2.2 A and AA
rules, naming the rule, the element and axe's message.

Phone pages (joining a workshop and voting, a team round) are also audited at 390 px wide, and
every control on them must offer a 44 × 44 px touch target.
"""

from __future__ import annotations

import re

import pytest

from components.page_registry import PAGES, PageSpec
from tests.e2e.walk import Live, Visit, settle, violations

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
TOUCH_PX = 44


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.url_path or "overview")
def test_every_page_on_the_demo(demo_walk: dict[str, list[Visit]], spec: PageSpec) -> None:
    found = [v for visit in demo_walk[spec.file] for v in visit.violations]
    assert not found, "\n".join(found)


def test_every_page_after_an_upload(upload_walk: dict[str, list[Visit]]) -> None:
    assert len(upload_walk) == sum(p.visibility == "visible" for p in PAGES)
    found = [v for visits in upload_walk.values() for visit in visits for v in visit.violations]
    assert not found, "\n".join(found)


def _small_targets(page) -> list[str]:
    """Controls whose touch target is under 44 × 44 px. A radio button or checkbox's target is
    its whole label; a hidden element is no target."""
    return page.evaluate(
        """(min) => {
            const sel = 'button, a[href], input:not([type=hidden]), textarea, select, summary,'
                + ' [role=radio], [role=checkbox], [role=combobox], [role=tab], [role=switch]';
            const out = [];
            for (const el of document.querySelectorAll(sel)) {
                const choice = el.matches('input[type=radio], input[type=checkbox]');
                const target = (choice && el.closest('label')) || el;
                const r = target.getBoundingClientRect();
                const style = getComputedStyle(target);
                // Not a target: hidden, or a skip link clipped to 1 px until it has the focus.
                if (r.width <= 1 || r.height <= 1 || style.visibility === 'hidden') continue;
                if (el.closest('[aria-hidden=true]')) continue;
                if (r.width < min || r.height < min) {
                    const name = (target.innerText || el.getAttribute('aria-label')
                                  || el.tagName).trim().slice(0, 40);
                    out.push(`${name} ${Math.round(r.width)}x${Math.round(r.height)}`);
                }
            }
            return out;
        }""",
        TOUCH_PX,
    )


def _phone(browser):
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)


def test_joining_and_voting_on_a_phone(browser, live: Live) -> None:
    context = _phone(browser)
    page = context.new_page()
    try:
        page.goto(f"{live.url}/join")
        settle(page)
        found = violations(page, "join (code form)")
        small = _small_targets(page)
        page.goto(f"{live.url}/join?code={live.join_code}")
        settle(page)
        page.locator('[data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name=re.compile("Platform Engineering")).click()
        page.get_by_text(re.compile(r"^\d+ taps")).first.wait_for(timeout=30_000)
        settle(page)
        found += violations(page, "join (voting)")
        small += _small_targets(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert found == []
        assert small == []
    finally:
        context.close()


def test_a_team_round_on_a_phone(browser, live: Live) -> None:
    context = _phone(browser)
    page = context.new_page()
    try:
        page.goto(f"{live.url}/team")
        settle(page)
        found = violations(page, "team (code form)")
        small = _small_targets(page)
        page.goto(f"{live.url}/team?round={live.round_code}")
        settle(page)
        page.get_by_role("button", name="Send my answers").wait_for()
        page.get_by_role("radio").first.wait_for()
        settle(page)
        found += violations(page, "team (statements)")
        small += _small_targets(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert found == []
        assert small == []
    finally:
        context.close()
