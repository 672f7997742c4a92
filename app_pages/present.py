"""Presentation: one workshop for the projector — large type, no sidebar.

Opened from the Workshop page (``/present?workshop=<id>``) in a tab of its own; ``app.py`` hides
the navigation for this path. Until the facilitator reveals the results it shows progress only
(people, answers, the time left) beside a join code and QR code big enough for the back of the
room; the chart appears only after the reveal, so the room does not anchor on early votes.
"""

from __future__ import annotations

import streamlit as st

from alignment import joincodes, workshop
from components import storage, workshop_view
from components.text import escape

st.set_page_config(
    page_title="Presentation",
    page_icon=":material/present_to_all:",
    layout="wide",
    initial_sidebar_state="collapsed",
)
workshop_view.hide_sidebar()
# Larger type for the back of the room; a fixed stylesheet, no user text in it. The join code
# never wraps: it is one word in a size that fits its column at 1440 px and on a 1024 px beamer.
st.html("""<style>
  [data-testid="stMetricValue"] { font-size: 3.2rem; }
  [data-testid="stMetricLabel"] p { font-size: 1.4rem; }
  h1 { font-size: 3.4rem !important; }
  [data-testid="stCaptionContainer"] p { font-size: 1.2rem; }
  .st-key-present-code p { font-size: clamp(2.6rem, 4.6vw, 5.6rem); font-weight: 800;
    white-space: nowrap; letter-spacing: .04em; line-height: 1.1; margin: 0;
    font-variant-numeric: tabular-nums; }
  .st-key-present-join [data-testid="stImage"] img { min-width: 260px; }
</style>""")

store = storage.require()
raw = st.query_params.get("workshop", "")
ws = workshop.get(store, int(raw)) if raw.isdigit() else None
if ws is None:
    st.title("Presentation")
    st.info(
        "Open the presentation from the Workshop page: it needs a workshop to show.",
        icon=":material/present_to_all:",
    )
    st.page_link("app_pages/workshop.py", label="Go to the Workshop page", icon=":material/groups:")
    st.stop()


def _join_panel(current: workshop.Workshop) -> None:
    url = workshop_view.join_url(current.code)
    with st.container(key="present-join"):
        st.image(
            workshop_view.qr_png(url), width="stretch", alt=f"QR code: scan it to join at {url}"
        )
        # The code uses only letters and digits from joincodes.ALPHABET: safe as Markdown.
        with st.container(key="present-code"):
            st.markdown(joincodes.pretty(current.code))
        st.caption(f"or go to {workshop_view.public_base()}/join")


@st.fragment(run_every=workshop_view.LIVE_SECONDS)
def _room() -> None:
    pulse = workshop.pulse(store, ws.id)
    if pulse is None:
        st.info("This workshop was deleted.")
        return
    current = (
        workshop.get(store, ws.id)
        if (pulse.status, pulse.revealed, pulse.timer) != (ws.status, ws.revealed, ws.timer)
        else ws
    )
    title, badge = st.columns([5, 1], vertical_alignment="center")
    title.title(escape(current.title))
    with badge:
        workshop_view.state_badge(current, closed_status=pulse.status)
    if not pulse.revealed:
        info, join = st.columns([3, 2], vertical_alignment="top", gap="large")
        with info:
            workshop_view.countdown(pulse.timer, size="large")
            workshop_view.progress(current, pulse, workshop.invite_counts(store, ws.id))
            st.caption(
                "Results appear here when the facilitator reveals them."
                if pulse.status == workshop.OPEN
                else "Voting is closed. Results appear here when the facilitator reveals them."
            )
        if pulse.status == workshop.OPEN:
            with join:
                _join_panel(current)
        return
    frame = workshop_view.current_answers(current, pulse.answers_version)
    workshop_view.show_results(
        current, frame, version=pulse.answers_version, large=True, key="present-chart"
    )


_room()
