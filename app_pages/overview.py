"""Overview: the headline figures and the three initiatives that most need a conversation."""

from __future__ import annotations

import streamlit as st

from alignment import narrative, scoring
from alignment.constants import AGREEMENT_TEXT
from components import analysis, privacy, state
from components.page import setup
from components.text import escape

result = setup(
    "Alignment Workbench",
    intro="Where do the technical teams and the business "
    "agree, and where do they not? The figures below come from your feedback; every "
    "one says how many people it rests on.",
)
dataset = result.dataset
priv = privacy.current()

if state.is_demo():
    st.info(
        "You are looking at the demo workbook of Haulwise, a fictional freight-software "
        "company. Load your own spreadsheets on the Data page.",
        icon=":material/science:",
    )
    st.page_link("app_pages/data.py", label="Load your data", icon=":material/upload_file:")

if not dataset.has_feedback:
    st.warning(
        "There is no stakeholder feedback in the data yet, so there is nothing to compare "
        "between the two sides. Add a feedback sheet (a survey export works) on the Data "
        "page.",
        icon=":material/info:",
    )
    cols = st.columns(3)
    cols[0].metric("Initiatives", len(dataset.initiatives))
    cols[1].metric("Objectives", len(dataset.objectives))
    cols[2].metric("Stakeholders", len(dataset.stakeholders))
    st.stop()

views = analysis.current_views(dataset, priv)
fb = scoring.prepare(dataset.feedback)
head = narrative.headline(dataset, views, fb, priv)


def _score(side: str) -> tuple[str, str]:
    score, n = head.side_scores[side]
    if score is None:
        return "hidden", f"fewer than {priv.k_min} respondents"
    return f"{score:.0f} / 100", f"n = {n} respondents"


cols = st.columns(4)
for col, side, label in ((cols[0], "tech", "Tech side"), (cols[1], "business", "Business side")):
    value, n = _score(side)
    col.metric(
        f"{label}: mean rating",
        value,
        help=f"The mean of every rating given by the {side} side, each put on 0–100 ({n}). "
        "It is not a share of people who agree: 59 / 100 means a mildly positive average, "
        "not 59% aligned. How much a group agrees (r_wg) is counted separately, under "
        "“Where a group disagrees”.",
    )
    col.caption(n)
if head.gap is None:
    cols[2].metric("Gap between sides", "—")
    cols[2].caption("needs both sides")
else:
    interval = (
        f"95% interval {head.gap_low:+.0f} to {head.gap_high:+.0f}"
        if head.gap_low is not None
        else "no interval"
    )
    cols[2].metric(
        "Gap between sides",
        f"{head.gap:+.0f} points",
        help="Tech minus business, on the 0–100 scale; the interval uses one value per respondent.",
    )
    cols[2].caption(
        interval
        + (
            ""
            if head.gap_low is None or head.gap_low > 0 or head.gap_high < 0
            else " · no clear difference"
        )
    )
cols[3].metric(
    "Initiatives with a WHY",
    "—" if head.why_share is None else f"{head.why_share:.0f}%",
    help="A WHY counts when it has at least three words and is not 'TBD'.",
)
cols[3].caption(f"of {head.n_initiatives} initiatives")

cols = st.columns(4)
cols[0].metric("Orphan work", head.orphans, help="Initiatives that serve no objective.")
cols[1].metric("Uncovered objectives", head.uncovered, help="Objectives no initiative serves.")
cols[2].metric(
    "Where a group disagrees",
    head.disagree,
    help=f"Initiatives with at least one group whose agreement r_wg is below {AGREEMENT_TEXT}.",
)
cols[3].metric(
    "Split rooms", head.polarised, help="Initiatives where a side or group is polarised: two camps."
)
st.caption(
    f"{head.respondents} respondents in all. {priv.describe()} A side's score counts only "
    "the initiatives where that side is shown on the Alignment page."
)
privacy.uncounted_note(dataset, priv)

st.subheader("Most in need of a conversation")
names = dataset.initiative_names()
top = narrative.most_misaligned(views, names, dataset.dimensions)
split = narrative.split_rooms(views, names, dataset.dimensions, {t[0] for t in top})
if not top:
    st.success(
        "No initiative shows a clear gap, a split room or a disagreeing group.",
        icon=":material/check_circle:",
    )
for ident, name, reason in top:
    with st.container(border=True):
        st.markdown(f"**{escape(ident)} · {escape(name)}**")
        st.markdown(escape(reason))
if split:
    st.markdown(
        "**Also: split rooms.** Two camps average out to a calm-looking score, so these "
        "are easy to miss."
    )
    for ident, name, reason in split:
        with st.container(border=True):
            st.markdown(f":material/call_split: **{escape(ident)} · {escape(name)}**")
            st.markdown(escape(reason))

st.subheader("Go deeper")
links = st.columns(3)
links[0].page_link(
    "app_pages/alignment.py", label="Heatmaps by group and side", icon=":material/grid_on:"
)
links[1].page_link(
    "app_pages/alignment.py",
    label="Perception gaps with intervals",
    icon=":material/compare_arrows:",
)
links[2].page_link(
    "app_pages/data.py", label="Check or replace the data", icon=":material/upload_file:"
)
privacy.notice(priv)
