"""Overview: what is loaded, at a glance, and where to go next."""

from __future__ import annotations

import streamlit as st

from components import state
from components.page import setup

result = setup("Alignment Workbench", intro="Where do the technical teams and the business agree, "
               "and where do they not? Start here before a roadmap review.")
dataset = result.dataset

if state.is_demo():
    st.info("You are looking at the demo workbook. Load your own spreadsheets on the Data page.",
            icon=":material/science:")

cols = st.columns(5)
cols[0].metric("Initiatives", len(dataset.initiatives))
cols[1].metric("Objectives", len(dataset.objectives))
cols[2].metric("Respondents", dataset.feedback["respondent"].nunique() if dataset.has_feedback
               else 0)
cols[3].metric("Ratings", f"{len(dataset.feedback):,}")
cols[4].metric("Stakeholders", len(dataset.stakeholders))

st.page_link("pages/data.py", label="Check or replace the data", icon=":material/upload_file:")
