"""Briefs: each initiative explained to the business and to the engineers, and one page for the
roadmap review (step 1 of the seven: be the translator)."""

from __future__ import annotations

import streamlit as st

from alignment import briefs
from alignment.briefs import readability
from alignment.charts import briefs as brief_charts
from components import briefs as ui
from components import chart as ui_chart
from components import privacy as privacy_ui
from components import state
from components.page import setup
from components.state import Keys
from components.text import escape

result = setup(
    "Briefs",
    needs=("initiatives",),
    intro="Each initiative told twice: to the business in business terms, and to the "
    "team in terms of the outcome it serves. Read, edit, then download for the next "
    "roadmap review.",
)
dataset = result.dataset
privacy = privacy_ui.current()
data = ui.prepared(dataset, privacy)
ids = data.initiative_ids

# --- choose -------------------------------------------------------------------------------------
left, right = st.columns([3, 1], vertical_alignment="bottom")
names = {i: str(data.rows[i].get("name") or "") for i in ids}
remembered = state.get(Keys.BRIEF_INITIATIVE)
ident = left.selectbox(
    "Initiative",
    ids,
    index=ids.index(remembered) if remembered in ids else 0,
    format_func=lambda i: f"{i} · {names[i]}" if names[i] else i,
    key="brief-initiative",
)
state.put(Keys.BRIEF_INITIATIVE, ident)
tone = (
    right.segmented_control(
        "Tone",
        list(briefs.TONES),
        format_func=str.capitalize,
        default=state.get(Keys.BRIEF_TONE, "concise"),
        key="brief-tone",
        help="Concise: the highlights. Detailed: every question, every "
        "group and how the figures are made.",
    )
    or "concise"
)
state.put(Keys.BRIEF_TONE, tone)

business, engineering = briefs.initiative_briefs(data, ident, tone)
facts = briefs.facts(data, ident, tone)

# --- the translation at work --------------------------------------------------------------------
business_text = ui.current(business, dataset, tone)
before = readability.assess(briefs.source_text(facts), data.glossary)
after = briefs.figures(business_text, data.glossary)
ui.figures_row(before, after)
if facts.jargon:
    with st.expander(
        f"{len(facts.jargon)} technical term(s) found in this initiative's text, "
        "and how the business brief explains them",
        icon=":material/translate:",
    ):
        st.dataframe(
            [
                {
                    "Term": t.term,
                    "In plain words": t.plain,
                    "From": "your glossary" if t.source == "yours" else "built-in glossary",
                }
                for t in facts.jargon
            ],
            hide_index=True,
            width="stretch",
        )
        st.caption(
            "Add or change terms with a Glossary sheet in your upload; it overrides the "
            "built-in glossary."
        )
else:
    st.caption("No technical term from the glossary was found in this initiative's text.")

# --- the two briefs -----------------------------------------------------------------------------
col_b, col_e = st.columns(2, gap="large")
with col_b:
    st.subheader("Business brief", anchor=False)
    st.caption("For executives and non-technical colleagues.")
    business_text = ui.panel(business, dataset, tone)
    ui.downloads(data, business, business_text, key=f"dl-{business.stem}")
with col_e:
    st.subheader("Engineering brief", anchor=False)
    st.caption("For the team: the outcome and what the business finds unclear.")
    engineering_text = ui.panel(engineering, dataset, tone)
    ui.downloads(data, engineering, engineering_text, key=f"dl-{engineering.stem}")

chart = brief_charts.alignment_by_side(briefs.chart_frame(data, ident))
with st.expander(
    "The alignment chart in the Word and PDF files", icon=":material/bar_chart:", expanded=False
):
    if chart is None:
        st.caption(
            f"No chart for {escape(ident)}: no side has at least {privacy.k_min} "
            "respondents to show (or nobody rated it yet)."
        )
    else:
        ui_chart.altair_with_table(
            chart,
            briefs.chart_frame(data, ident).drop(columns=["order"], errors="ignore"),
            key=f"brief-chart-{ident}",
            width="content",
        )
privacy_ui.notice(privacy)
st.caption(
    f"Comments are quoted only from groups where at least {privacy.k_comments} people "
    "answered, and never with names."
)

# --- the portfolio ------------------------------------------------------------------------------
st.divider()
st.subheader("Portfolio brief", anchor=False)
st.caption(
    "One page to send before a monthly roadmap review or a quarterly prioritisation: "
    "where the sides agree and where they do not, work without a home, early warnings, "
    "and the asks."
)
portfolio = briefs.portfolio(data, tone)
portfolio_text = ui.panel(portfolio, dataset, tone, height=480)
ui.downloads(data, portfolio, portfolio_text, key="dl-portfolio")

# --- everything at once -------------------------------------------------------------------------
st.divider()
st.subheader("Every brief at once", anchor=False)
everything = briefs.all_briefs(data, tone)
texts = ui.edits(dataset, tone)
n_edited = sum(1 for b in everything if b.key in texts)
st.caption(
    f"The portfolio brief and both briefs of all {len(ids)} initiatives, "
    f"{'with your ' + str(n_edited) + ' edited brief(s)' if n_edited else 'as generated'}"
    ", one file each in a zip, named by initiative and reader (P-07-business, portfolio). "
    "Word and "
    "PDF files carry each initiative's chart; building them takes a little while."
)
fmt = st.radio(
    "Format",
    list(ui.FORMAT_LABELS),
    format_func=ui.FORMAT_LABELS.get,
    horizontal=True,
    key="brief-bundle-format",
)
ui.bundle_download(data, everything, texts, fmt, key=f"dl-all-{fmt}", name=f"briefs-{tone}")
