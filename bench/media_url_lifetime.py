"""How long a download URL (/media/…) answers without the password, after its page is left.

Streamlit serves a download button's file at /media/<id>.<ext> to anyone with the URL: no cookie,
no session, no password. The id is random, so the URL must leak first (browser history, a proxy
log, a shared screen), but then it works until Streamlit drops the file. This script logs in,
downloads the template workbook on the Data page, notes its URL, and then, from a client with no
cookies, polls the URL every few seconds:

- ``navigate``: the session goes on to another page (the tab stays open);
- ``close``: the tab is closed;
- ``busy`` and ``close-busy``: the same while another visitor's page runs every few seconds
  (any session's run is a clean-up: Streamlit drops an unreferenced file at the second clean-up
  after its page was left, and a closed tab's page only once its session has ended).

Run: ``python bench/media_url_lifetime.py [--ttl SECONDS] [--limit SECONDS]``; ``--ttl`` sets
``server.disconnectedSessionTTL`` (Streamlit's default is 120). Figures are in
docs/self-hosting.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alignment.access import ENV_HASH, hash_password  # noqa: E402
from alignment.config import env as env_name  # noqa: E402
from tests.e2e.server import CHROMIUM_ARGS, chromium_path, running_app, wait_idle  # noqa: E402

PASSWORD = "a long private phrase for the bench"
SCENARIOS = ("navigate", "close", "busy", "close-busy")


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _go(page, title: str) -> None:
    """Within the session (a new page load would be a new session, back at the password)."""
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_text(title, exact=True).first.click()
    wait_idle(page)


def _download_url(page) -> str:
    _go(page, "Data")
    button = page.locator('[data-testid="stDownloadButton"] button', has_text="Template workbook")
    button.first.wait_for(timeout=90_000)
    with page.expect_download(timeout=90_000) as info:
        button.first.click()
    return info.value.url


def measure(scenario: str, ttl: int | None, limit: float, poll: float) -> float | None:
    """Seconds from leaving the page until the URL stops answering (None: still at ``limit``)."""
    from playwright.sync_api import sync_playwright

    folder = tempfile.mkdtemp(prefix="aw-media-bench-")  # never the real data/ folder
    env = {ENV_HASH: hash_password(PASSWORD), env_name("db_path"): f"{folder}/bench.sqlite"}
    if ttl is not None:
        env["STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL"] = str(ttl)
    with running_app(env=env) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(base)
        wait_idle(page)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Open").click()
        wait_idle(page)
        page.locator('[data-testid="stSidebarNav"]').first.wait_for(timeout=60_000)
        url = _download_url(page)
        assert _status(url) == 200, "the URL answers while the button is shown"
        if scenario in ("navigate", "busy"):
            _go(page, "Settings")
        else:
            page.close()
        other = browser.new_page() if scenario in ("busy", "close-busy") else None
        left = time.monotonic()
        while time.monotonic() - left < limit:
            if _status(url) != 200:
                browser.close()
                return time.monotonic() - left
            if other is not None:
                other.goto(f"{base}/join")  # a participant's page: runs without the password
            time.sleep(poll)
        browser.close()
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ttl", type=int, default=None)
    parser.add_argument("--limit", type=float, default=600)
    parser.add_argument("--poll", type=float, default=5)
    parser.add_argument("--scenario", choices=(*SCENARIOS, "all"), default="all")
    args = parser.parse_args()
    for scenario in SCENARIOS if args.scenario == "all" else (args.scenario,):
        took = measure(scenario, args.ttl, args.limit, args.poll)
        ttl = args.ttl if args.ttl is not None else "default (120)"
        shown = f"{took:.0f} s" if took is not None else f"still answering after {args.limit:.0f} s"
        print(f"{scenario:9} disconnectedSessionTTL={ttl}: {shown}", flush=True)


if __name__ == "__main__":
    main()
