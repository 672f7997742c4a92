"""Alignment Workbench: entry point. Navigation, the shared sidebar, and data loading.

Run with ``streamlit run app.py``. The app opens on the last saved workspace, else on the bundled
demo workbook; the Data page replaces it with the user's own files.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from components import auth, loader, navigation, page_registry, state, theme, warmup
from components.text import escape

st.set_page_config(
    page_title="Alignment Workbench", page_icon=":material/join_inner:", layout="wide"
)
theme.apply()  # the contrast and target-size rules the theme cannot express (WCAG 2.2 AA)

PAGES = page_registry.st_pages()
JOIN = PAGES["app_pages/join.py"]
TEAM = PAGES["app_pages/team_round.py"]
NAVIGATION = page_registry.sections(PAGES)

# Participants — of a workshop (the join link or QR code: /join, or ?code=…) or of a team round
# (/team?round=…) — get their page and nothing else: no navigation, no sidebar, no data, and no
# password, since their code is their key. Everyone else passes the password gate first.
_path = urlsplit(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1]
_other_pages = {p.url_path for p in PAGES.values()} - {"", "join"}


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


auth.guard_uploads()  # first: a session that has not given the password keeps no upload

if _path == "join" or ("code" in st.query_params and _path not in _other_pages):
    _participant(JOIN)
if _path == "team":
    _participant(TEAM)

# Resolve the page first, so a deep link survives the login; show the menu only once in.
# Streamlit's own menu is hidden: its sectioned markup is not a valid list (see
# components/navigation.py), so the sidebar draws its own below.
locked = auth.locked()
page = st.navigation(NAVIGATION, position="hidden")
if locked:
    auth.require_password()
if _path == "present":  # the projector view: the chart only
    page.run()
    st.stop()

with st.sidebar:
    st.markdown("### Alignment Workbench")
    source_line = st.empty()  # filled once the data is loaded; the menu is usable before
    navigation.menu(PAGES)
    auth.logout_button()

result = loader.load(show_progress=True)
dataset = result.dataset
opened = state.get(state.Keys.OPEN_SNAPSHOT)
source = (
    "Demo workbook"
    if state.is_demo()
    else f"Workspace {escape(opened[1])}"
    if opened
    else "Your files"
)
source_line.caption(
    f"**{source}** · {len(dataset.initiatives)} initiatives · "
    f"{dataset.feedback['respondent'].nunique() if dataset.has_feedback else 0} "
    "respondents"
)

page.run()
warmup.start()  # the chart pages' imports, after the first page is drawn
