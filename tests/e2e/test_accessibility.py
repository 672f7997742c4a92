"""WCAG 2.2 AA, measured: axe-core in Chromium on every page, on the demo and after an upload.

Every page in ``components.page_registry.PAGES`` is audited, so a page added there is audited
too. Pages reached by a code (a workshop's join and presentation views, a team round) are opened
with a real workshop and round, so the audit sees what a participant sees. The test fails on any
serious or critical violation of the WCAG 2.0/2.1/2.2 A and AA rules, and names the rule, the
element and axe's message. Tabs and expanders are opened so what they hide is audited too.

Phone pages (joining a workshop and voting, a team round) are also audited at 390 px wide, and
every control on them must offer a 44 × 44 px touch target.

One app, one browser: the whole file takes about a minute (see the report in the docstring of
``test_every_page_after_an_upload`` for why the upload pass uses the menu, not addresses).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from alignment import workshop
from alignment.assessment.store import AssessmentStore
from alignment.store import Store
from components.page_registry import PAGES, PageSpec
from tests.e2e.server import running_app, wait_idle

pytestmark = pytest.mark.e2e
MESSY = Path(__file__).resolve().parents[1] / "fixtures" / "messy"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}
TOUCH_PX = 44
AXE = Axe()


@dataclass(frozen=True)
class Live:
    url: str
    join_code: str
    workshop_id: int
    round_code: str

    def address(self, spec: PageSpec) -> str:
        """The page's address, with the code a page reached by link needs."""
        query = {
            "join": f"?code={self.join_code}",
            "present": f"?workshop={self.workshop_id}",
            "team": f"?round={self.round_code}",
        }.get(spec.url_path, "")
        return f"{self.url}/{spec.url_path}{query}"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    db = tmp_path_factory.mktemp("a11y") / "workbench.sqlite"
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
    team = AssessmentStore(store).open_round("a11y-leader-key", "Platform team, Q3")
    store.dispose()
    with running_app(env={"ALIGNMENT_DB_PATH": str(db)}) as url:
        yield Live(url, ws.code, ws.id, team.code)


def _settle(page) -> None:
    """Idle, and every chart in sight drawn (Vega paints after the script run ends; a chart in
    a hidden tab is drawn when its tab is shown)."""
    wait_idle(page)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                 .filter(c => c.getClientRects().length && c.getBoundingClientRect().width)
                 .every(c => c.querySelector('svg, canvas'))""",
        timeout=30_000,
    )
    page.wait_for_timeout(300)


def _violations(page, where: str) -> list[str]:
    """Serious and critical WCAG A/AA violations on what the page shows now, in words."""
    options = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
    found = AXE.run(page, options=options).response["violations"]
    out = []
    for v in found:
        if v["impact"] not in BLOCKING:
            continue
        for node in v["nodes"][:3]:
            messages = [c["message"] for key in ("any", "all", "none") for c in node.get(key, [])]
            out.append(
                f"{where}: {v['id']} ({v['impact']}) on {node['html'][:160]!r}: "
                f"{'; '.join(messages)[:240]}"
            )
    return out


def _audit_all_states(page, where: str) -> list[str]:
    """The page as shown, then with every expander open and every tab shown in turn."""
    found = _violations(page, where)
    summaries = page.locator('[data-testid="stExpander"] details:not([open]) > summary')
    closed = [s for s in summaries.element_handles() if s.is_visible()]
    for summary in closed:
        summary.click()
    if closed:
        page.wait_for_timeout(300)
        found += _violations(page, f"{where} (expanders open)")
    tabs = page.get_by_role("tab")
    for i in range(1, tabs.count()):
        tab = tabs.nth(i)
        if not tab.is_visible():
            continue
        name = tab.inner_text().strip()
        tab.click()
        _settle(page)
        found += _violations(page, f"{where} (tab {name!r})")
    return found


def _visible(spec: PageSpec) -> bool:
    return spec.visibility == "visible"


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.url_path or "overview")
def test_every_page_on_the_demo(browser, live: Live, spec: PageSpec) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(live.address(spec))
        _settle(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert _audit_all_states(page, spec.title) == []
    finally:
        context.close()


def test_every_page_after_an_upload(browser, live: Live) -> None:
    """The messy files uploaded, then every page in the menu, in the same session (an address
    typed in the bar would start a new session on the demo). Pages reached by a code show a
    workshop or a round, not the upload; the demo pass covers them."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{live.url}/data")
        wait_idle(page)
        files = sorted(str(p) for p in MESSY.iterdir())
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(files)
        page.get_by_text("You are looking at your files").wait_for(timeout=60_000)
        _settle(page)
        menu = page.locator(".st-key-aw-menu a")
        hrefs = [menu.nth(i).get_attribute("href") for i in range(menu.count())]
        assert len(hrefs) == sum(_visible(p) for p in PAGES)
        found: list[str] = []
        for href in hrefs:
            page.locator(f'.st-key-aw-menu a[href="{href}"]').click()
            _settle(page)
            assert page.locator('[data-testid="stException"]').count() == 0, href
            found += _audit_all_states(page, f"{href} (upload)")
        assert found == []
    finally:
        context.close()


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
        _settle(page)
        found = _violations(page, "join (code form)")
        small = _small_targets(page)
        page.goto(f"{live.url}/join?code={live.join_code}")
        _settle(page)
        page.locator('[data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name=re.compile("Platform Engineering")).click()
        page.get_by_text("0 of 4 answered").wait_for(timeout=30_000)
        _settle(page)
        found += _violations(page, "join (voting)")
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
        _settle(page)
        found = _violations(page, "team (code form)")
        small = _small_targets(page)
        page.goto(f"{live.url}/team?round={live.round_code}")
        _settle(page)
        page.get_by_role("button", name="Send my answers").wait_for()
        page.get_by_role("radio").first.wait_for()
        _settle(page)
        found += _violations(page, "team (statements)")
        small += _small_targets(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert found == []
        assert small == []
    finally:
        context.close()
