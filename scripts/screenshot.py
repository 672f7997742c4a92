"""Screenshots of app pages in headless Chromium, for looking at what we built.

    python scripts/screenshot.py [--upload FILE] [--out DIR] PAGE [PAGE ...]

PAGE is a sidebar link text such as "Overview" or "Data", optionally followed by texts to click
on that page: "Alignment>Perception gap"; use --height to capture long pages
(Streamlit scrolls inside its own container, so a tall viewport is the whole page). With
--upload the file is uploaded on the Data page first, so the other pages show it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.server import CHROMIUM_ARGS, chromium_path, running_app, wait_idle  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--upload", action="append", help="a file to upload (repeatable)")
    parser.add_argument("--out", default="tests/artifacts")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1000)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with running_app() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        if args.upload:
            page.goto(f"{url}/data")
            wait_idle(page)
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(args.upload)
            page.wait_for_timeout(2000)
            wait_idle(page)
        if not args.upload:
            page.goto(url)
            wait_idle(page)
        for spec in args.pages:
            # "Alignment>Perception gap": open the page, then click a tab or button by its text.
            name, *clicks = spec.split(">")
            # Navigate through the sidebar so the session (and any upload) is kept.
            page.locator(".st-key-aw-menu a").filter(has_text=name).first.click()
            wait_idle(page)
            for text in clicks:
                page.get_by_text(text, exact=True).first.click()
                wait_idle(page)
            page.wait_for_timeout(1500)
            slug = "-".join(p.lower().replace(" ", "-") for p in [name, *clicks])
            target = out / f"{slug}{'-upload' if args.upload else ''}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
