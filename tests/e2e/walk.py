"""One walk through every page, shared by the accessibility and text-hygiene tests.

A page is seen in each of its states: as opened, with its expanders open, and with each of its
tabs shown. In each state the walk runs axe-core (WCAG 2.x A and AA rules), keeps the text a
person reads, and downloads every file the page offers (chart downloads are in popovers; PNGs
are skipped, as the SVG beside each carries the same words). Walking once and checking twice
keeps the end-to-end suite's time down.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

from components.page_registry import PageSpec
from tests.e2e.server import wait_idle

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
AXE = Axe()
# Buttons that make a file on request; the walk presses them so the file can be checked too.
PREPARE = ("Prepare the PDF",)


@dataclass(frozen=True)
class Live:
    """The running app, and the codes that open the pages reached by link."""

    url: str
    join_code: str
    workshop_id: int
    round_code: str

    def address(self, spec: PageSpec) -> str:
        query = {
            "join": f"?code={self.join_code}",
            "present": f"?workshop={self.workshop_id}",
            "team": f"?round={self.round_code}",
        }.get(spec.url_path, "")
        return f"{self.url}/{spec.url_path}{query}"


@dataclass
class Visit:
    """What one page showed in one state."""

    where: str
    violations: list[str] = field(default_factory=list)
    text: str = ""
    files: dict[str, bytes] = field(default_factory=dict)


def settle(page) -> None:
    """Idle, and every chart in sight drawn (Vega paints after the script run ends; a chart in
    a hidden tab is drawn when its tab is shown)."""
    wait_idle(page, settle_ms=500)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                 .filter(c => c.getClientRects().length && c.getBoundingClientRect().width)
                 .every(c => c.querySelector('svg, canvas'))""",
        timeout=30_000,
    )
    page.wait_for_timeout(150)


def violations(page, where: str) -> list[str]:
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


def text(page) -> str:
    """What a person reads on the page, one piece per line: every visible text (a table's
    cells included), without icon names (Material icons are ligatures: the word
    "visibility_off" draws an eye), the TeX source behind a formula, or code blocks (commands a
    server's owner types, shown as code on purpose)."""
    return page.evaluate(
        """() => {
            const skip = '[data-testid="stIconMaterial"], [data-testid="stCode"], '
                + '.katex-mathml, script, style, [translate="no"][role="img"], '
                // Graphviz writes each node's and cluster's id ("cluster_0", "n24") as an
                // SVG title; the ids are the dependency map's own syntax (see the report).
                + '[data-testid="stGraphVizChart"] title';
            const root = document.querySelector('[data-testid="stApp"]');
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            const out = [];
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                const el = n.parentElement;
                if (!el || el.closest(skip) || !n.textContent.trim()) continue;
                // An icon is a ligature in the icon font: the word "lock_open" draws a lock.
                if (getComputedStyle(el).fontFamily.includes('Material Symbols')) continue;
                out.push(n.textContent.trim());
            }
            return out.join('\\n');
        }"""
    )


_SAVED = "data-aw-saved"  # marks a button already pressed, so a later state skips it


def _save(page, button, files: dict[str, bytes]) -> None:
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    files[download.suggested_filename] = Path(download.path()).read_bytes()
    button.evaluate(f"b => b.setAttribute('{_SAVED}', '1')")


def downloads(page) -> dict[str, bytes]:
    """Every file the page offers in its current state, by file name."""
    files: dict[str, bytes] = {}
    for name in PREPARE:
        button = page.get_by_role("button", name=name)
        if button.count() and button.first.is_visible():
            button.first.click()
            settle(page)
    # By position, located afresh at each step: a page that redraws itself (a live view, a
    # rerun after a click) would detach a button held from before; a redrawn button has lost
    # its mark, so a few retries at the same position, then on.
    buttons = page.locator('[data-testid="stDownloadButton"] button')
    i = tries = 0
    while i < min(buttons.count(), 80):
        button = buttons.nth(i)
        try:
            if button.is_visible() and button.get_attribute(_SAVED) is None:
                _save(page, button, files)
        except PlaywrightError:
            tries += 1
            if tries <= 3:
                settle(page)
                continue
        i, tries = i + 1, 0
    openers = page.locator(f'[data-testid="stPopover"] button:not([{_SAVED}])')
    for opener in openers.element_handles():
        if not opener.is_visible():
            continue
        opener.evaluate(f"b => b.setAttribute('{_SAVED}', '1')")
        opener.click()
        body = page.locator('[data-testid="stPopoverBody"]').last
        body.wait_for()
        for button in body.locator('[data-testid="stDownloadButton"] button').element_handles():
            if "PNG" not in button.inner_text():
                _save(page, button, files)
        page.keyboard.press("Escape")
        body.wait_for(state="hidden")
    return files


def _state(page, where: str, *, audit: bool, files: bool) -> Visit:
    return Visit(
        where,
        violations(page, where) if audit else [],
        text(page),
        downloads(page) if files else {},
    )


def visit(page, where: str, *, audit: bool = True, files: bool = True) -> list[Visit]:
    """The page as shown, then with every expander open, then with each other tab shown."""
    seen = [_state(page, where, audit=audit, files=files)]
    opened = 0
    # Located afresh each time: a page that refreshes itself (the workshop's live views) may
    # redraw an expander between finding it and clicking it. Bounded, in case one never stays
    # open.
    for _ in range(40):
        summaries = page.locator('[data-testid="stExpander"] details:not([open]) > summary')
        target = next(
            (summaries.nth(i) for i in range(summaries.count()) if summaries.nth(i).is_visible()),
            None,
        )
        if target is None:
            break
        try:
            target.click(timeout=5_000)
            opened += 1
            wait_idle(page, settle_ms=300)  # a lazy expander's rerun, before the next click
        except PlaywrightError:
            page.wait_for_timeout(200)
    if opened:
        # An expander that draws its content only when open reruns the page to draw it.
        settle(page)
        seen.append(_state(page, f"{where} (expanders open)", audit=audit, files=files))
    tabs = page.get_by_role("tab")
    for i in range(1, tabs.count()):
        tab = tabs.nth(i)
        if not tab.is_visible():
            continue
        name = tab.inner_text().strip()
        tab.click()
        settle(page)
        seen.append(_state(page, f"{where} (tab {name!r})", audit=audit, files=files))
    return seen
