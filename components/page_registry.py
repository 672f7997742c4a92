"""Every page of the workbench, declared once: its file, title, icon, address and menu section.

``app.py`` builds the navigation from ``PAGES``; the self-assessment names the page behind each
action with ``title``; ``tests/test_conventions.py`` checks that every file in ``app_pages/`` is
here and every entry here is a file. A new page is one line in ``PAGES``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import streamlit as st


@dataclass(frozen=True)
class PageSpec:
    """One page. ``url_path`` "" is the default page's address ("/")."""

    file: str  # relative to app.py: "app_pages/<name>.py"
    title: str
    icon: str
    url_path: str
    section: str  # the heading it sits under in the sidebar; "" for none
    visibility: Literal["visible", "hidden"] = "visible"  # hidden: reached by link only
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("app_pages/overview.py", "Overview", ":material/dashboard:", "", "", default=True),
    PageSpec("app_pages/alignment.py", "Alignment", ":material/grid_on:", "alignment", "Analyse"),
    PageSpec("app_pages/briefs.py", "Briefs", ":material/translate:", "briefs", "Analyse"),
    PageSpec(
        "app_pages/prioritise.py",
        "Prioritisation",
        ":material/low_priority:",
        "prioritise",
        "Analyse",
    ),
    PageSpec(
        "app_pages/indicators.py",
        "Indicators",
        ":material/monitoring:",
        "indicators",
        "Keep aligned",
    ),
    PageSpec(
        "app_pages/dependencies.py",
        "Dependencies",
        ":material/account_tree:",
        "dependencies",
        "Keep aligned",
    ),
    PageSpec(
        "app_pages/stakeholders.py",
        "Stakeholders & rituals",
        ":material/event_repeat:",
        "stakeholders",
        "Keep aligned",
    ),
    PageSpec(
        "app_pages/assessment.py",
        "Self-assessment",
        ":material/checklist:",
        "assessment",
        "Your practice",
    ),
    PageSpec(
        "app_pages/team_round.py",
        "Team round",
        ":material/groups:",
        "team",
        "Your practice",
        visibility="hidden",
    ),
    PageSpec(
        "app_pages/workspaces.py",
        "Workspaces",
        ":material/inventory_2:",
        "workspaces",
        "Workshops & history",
    ),
    PageSpec(
        "app_pages/workshop.py",
        "Workshop",
        ":material/co_present:",
        "workshop",
        "Workshops & history",
    ),
    PageSpec(
        "app_pages/join.py",
        "Join a workshop",
        ":material/how_to_vote:",
        "join",
        "Workshops & history",
        visibility="hidden",
    ),
    PageSpec(
        "app_pages/present.py",
        "Presentation",
        ":material/present_to_all:",
        "present",
        "Workshops & history",
        visibility="hidden",
    ),
    PageSpec("app_pages/data.py", "Data", ":material/upload_file:", "data", "Your data"),
    PageSpec("app_pages/method.py", "Method", ":material/functions:", "method", "Your data"),
    PageSpec("app_pages/settings.py", "Settings", ":material/settings:", "settings", "Your data"),
)
BY_FILE: dict[str, PageSpec] = {p.file: p for p in PAGES}
BY_URL: dict[str, PageSpec] = {p.url_path: p for p in PAGES}


def titles() -> dict[str, str]:
    """Page file -> title, for text that names a page (the assessment's actions and report)."""
    return {p.file: p.title for p in PAGES}


def st_pages() -> dict[str, st.Page]:
    """Page file -> ``st.Page``, built from ``PAGES`` in their order; ``app.py`` calls it once."""
    return {
        p.file: st.Page(
            p.file,
            title=p.title,
            icon=p.icon,
            url_path=p.url_path or None,
            default=p.default,
            visibility=p.visibility,
        )
        for p in PAGES
    }


def sections(pages: dict[str, st.Page]) -> dict[str, list[st.Page]]:
    """The pages grouped by menu section, sections in the order they first appear."""
    out: dict[str, list[st.Page]] = {}
    for p in PAGES:
        out.setdefault(p.section, []).append(pages[p.file])
    return out
