"""Alignment Workbench: entry point. Navigation, the shared sidebar, and data loading.

Run with ``streamlit run app.py``. The app opens on the last saved workspace, else on the bundled
demo workbook; the Data page replaces it with the user's own files.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from components import loader, state
from components.text import escape

st.set_page_config(page_title="Alignment Workbench", page_icon=":material/join_inner:",
                   layout="wide")

JOIN = st.Page("pages/join.py", title="Join a workshop", icon=":material/how_to_vote:",
               url_path="join", visibility="hidden")
PAGES = {
    "": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    ],
    "Analyse": [
        st.Page("pages/alignment.py", title="Alignment", icon=":material/grid_on:",
                url_path="alignment"),
        st.Page("pages/briefs.py", title="Briefs", icon=":material/translate:",
                url_path="briefs"),
    ],
    "Keep aligned": [
        st.Page("pages/indicators.py", title="Indicators", icon=":material/monitoring:",
                url_path="indicators"),
        st.Page("pages/dependencies.py", title="Dependencies", icon=":material/account_tree:",
                url_path="dependencies"),
        st.Page("pages/stakeholders.py", title="Stakeholders & rituals",
                icon=":material/event_repeat:", url_path="stakeholders"),
    ],
    "Your practice": [
        st.Page("pages/assessment.py", title="Self-assessment", icon=":material/checklist:",
                url_path="assessment"),
        st.Page("pages/team_round.py", title="Team round", icon=":material/groups:",
                url_path="team", visibility="hidden"),
    ],
    "Workshops & history": [
        st.Page("pages/workspaces.py", title="Workspaces", icon=":material/inventory_2:",
                url_path="workspaces"),
        st.Page("pages/workshop.py", title="Workshop", icon=":material/co_present:",
                url_path="workshop"),
        JOIN,
        st.Page("pages/present.py", title="Presentation", icon=":material/present_to_all:",
                url_path="present", visibility="hidden"),
    ],
    "Your data": [
        st.Page("pages/data.py", title="Data", icon=":material/upload_file:", url_path="data"),
        st.Page("pages/method.py", title="Method", icon=":material/functions:",
                url_path="method"),
    ],
}

# Workshop participants (the join link or QR code: /join, or ?code=…) get the join page and
# nothing else: no navigation, no sidebar, no data loaded. The projector view hides navigation.
_path = urlsplit(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1]
_other_pages = {p.url_path for section in PAGES.values() for p in section} - {"", "join"}
if _path == "join" or ("code" in st.query_params and _path not in _other_pages):
    # The join page cannot be the default page (that one lives at "/", so a request for /join
    # would be "not found"); the default only forwards to it, keeping the code.
    def _to_join() -> None:
        st.switch_page(JOIN, query_params=st.query_params.to_dict())

    st.navigation([st.Page(_to_join, title="Join a workshop", url_path="start", default=True),
                   JOIN], position="hidden").run()
    st.stop()
if _path == "present":
    st.navigation(PAGES, position="hidden").run()
    st.stop()

result = loader.load(show_progress=True)
with st.sidebar:
    st.markdown("### Alignment Workbench")
    dataset = result.dataset
    opened = state.get(state.Keys.OPEN_SNAPSHOT)
    source = ("Demo workbook" if state.is_demo() else
              f"Workspace {escape(opened[1])}" if opened else "Your files")
    st.caption(f"**{source}** · {len(dataset.initiatives)} initiatives · "
               f"{dataset.feedback['respondent'].nunique() if dataset.has_feedback else 0} "
               "respondents")

page = st.navigation(PAGES)
page.run()
