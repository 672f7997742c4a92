"""Alignment Workbench: entry point. Navigation, the shared sidebar, and data loading.

Run with ``streamlit run app.py``. The app opens on the bundled demo workbook; the Data page
replaces it with the user's own files.
"""

from __future__ import annotations

import streamlit as st

from components import loader, state

st.set_page_config(page_title="Alignment Workbench", page_icon=":material/join_inner:",
                   layout="wide")

PAGES = {
    "": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    ],
    "Analyse": [
        st.Page("pages/alignment.py", title="Alignment", icon=":material/grid_on:",
                url_path="alignment"),
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
    "Your data": [
        st.Page("pages/data.py", title="Data", icon=":material/upload_file:", url_path="data"),
        st.Page("pages/method.py", title="Method", icon=":material/functions:",
                url_path="method"),
    ],
}

result = loader.load(show_progress=True)
with st.sidebar:
    st.markdown("### Alignment Workbench")
    dataset = result.dataset
    source = "Demo workbook" if state.is_demo() else "Your files"
    st.caption(f"**{source}** · {len(dataset.initiatives)} initiatives · "
               f"{dataset.feedback['respondent'].nunique() if dataset.has_feedback else 0} "
               "respondents")

page = st.navigation(PAGES)
page.run()
