"""Alignment Workbench: entry point. Navigation, the shared sidebar, and data loading.

Run with ``streamlit run app.py``. The app opens on the last saved workspace, else on the bundled
demo workbook; the Data page replaces it with the user's own files.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from components import auth, loader, state
from components.text import escape

st.set_page_config(
    page_title="Alignment Workbench", page_icon=":material/join_inner:", layout="wide"
)

JOIN = st.Page(
    "app_pages/join.py",
    title="Join a workshop",
    icon=":material/how_to_vote:",
    url_path="join",
    visibility="hidden",
)
TEAM = st.Page(
    "app_pages/team_round.py",
    title="Team round",
    icon=":material/groups:",
    url_path="team",
    visibility="hidden",
)
PAGES = {
    "": [
        st.Page(
            "app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True
        ),
    ],
    "Analyse": [
        st.Page(
            "app_pages/alignment.py",
            title="Alignment",
            icon=":material/grid_on:",
            url_path="alignment",
        ),
        st.Page(
            "app_pages/briefs.py", title="Briefs", icon=":material/translate:", url_path="briefs"
        ),
    ],
    "Keep aligned": [
        st.Page(
            "app_pages/indicators.py",
            title="Indicators",
            icon=":material/monitoring:",
            url_path="indicators",
        ),
        st.Page(
            "app_pages/dependencies.py",
            title="Dependencies",
            icon=":material/account_tree:",
            url_path="dependencies",
        ),
        st.Page(
            "app_pages/stakeholders.py",
            title="Stakeholders & rituals",
            icon=":material/event_repeat:",
            url_path="stakeholders",
        ),
    ],
    "Your practice": [
        st.Page(
            "app_pages/assessment.py",
            title="Self-assessment",
            icon=":material/checklist:",
            url_path="assessment",
        ),
        TEAM,
    ],
    "Workshops & history": [
        st.Page(
            "app_pages/workspaces.py",
            title="Workspaces",
            icon=":material/inventory_2:",
            url_path="workspaces",
        ),
        st.Page(
            "app_pages/workshop.py",
            title="Workshop",
            icon=":material/co_present:",
            url_path="workshop",
        ),
        JOIN,
        st.Page(
            "app_pages/present.py",
            title="Presentation",
            icon=":material/present_to_all:",
            url_path="present",
            visibility="hidden",
        ),
    ],
    "Your data": [
        st.Page("app_pages/data.py", title="Data", icon=":material/upload_file:", url_path="data"),
        st.Page(
            "app_pages/method.py", title="Method", icon=":material/functions:", url_path="method"
        ),
        st.Page(
            "app_pages/settings.py",
            title="Settings",
            icon=":material/settings:",
            url_path="settings",
        ),
    ],
}

# Participants — of a workshop (the join link or QR code: /join, or ?code=…) or of a team round
# (/team?round=…) — get their page and nothing else: no navigation, no sidebar, no data, and no
# password, since their code is their key. Everyone else passes the password gate first.
_path = urlsplit(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1]
_other_pages = {p.url_path for section in PAGES.values() for p in section} - {"", "join"}


def _participant(target: st.Page) -> None:
    """Run only ``target``. It cannot be the default page (that one lives at "/", so a request
    for its own path would be "not found"); the default only forwards to it, keeping the code."""

    def _forward() -> None:
        st.switch_page(target, query_params=st.query_params.to_dict())

    st.navigation(
        [st.Page(_forward, title=target.title, url_path="start", default=True), target],
        position="hidden",
    ).run()
    st.stop()


if _path == "join" or ("code" in st.query_params and _path not in _other_pages):
    _participant(JOIN)
if _path == "team":
    _participant(TEAM)

# Resolve the page first, so a deep link survives the login; show the menu only once in.
locked = auth.locked()
page = st.navigation(PAGES, position="hidden" if locked or _path == "present" else "sidebar")
if locked:
    auth.require_password()
if _path == "present":  # the projector view: the chart only
    page.run()
    st.stop()

result = loader.load(show_progress=True)
with st.sidebar:
    st.markdown("### Alignment Workbench")
    dataset = result.dataset
    opened = state.get(state.Keys.OPEN_SNAPSHOT)
    source = (
        "Demo workbook"
        if state.is_demo()
        else f"Workspace {escape(opened[1])}"
        if opened
        else "Your files"
    )
    st.caption(
        f"**{source}** · {len(dataset.initiatives)} initiatives · "
        f"{dataset.feedback['respondent'].nunique() if dataset.has_feedback else 0} "
        "respondents"
    )
    auth.logout_button()

page.run()
