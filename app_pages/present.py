"""Presentation: one workshop's live chart for the projector — large type, no sidebar.

Opened from the Workshop page (``/present?workshop=<id>``) in a tab of its own; ``app.py`` hides
the navigation for this path. While voting is open the join code and QR code stay on screen.
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
# Larger type for the back of the room; a fixed stylesheet, no user text in it.
st.html("""<style>
  [data-testid="stMetricValue"] { font-size: 3.2rem; }
  [data-testid="stMetricLabel"] p { font-size: 1.4rem; }
  h1 { font-size: 3.4rem !important; }
  [data-testid="stCaptionContainer"] p { font-size: 1.2rem; }
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


@st.fragment(run_every=workshop_view.LIVE_SECONDS)
def _room() -> None:
    pulse = workshop.pulse(store, ws.id)
    if pulse is None:
        st.info("This workshop was deleted.")
        return
    current = (
        workshop.get(store, ws.id)
        if (pulse.status, pulse.revealed) != (ws.status, ws.revealed)
        else ws
    )
    st.title(escape(current.title))
    if current.is_open:
        url = workshop_view.join_url(current.code)
        chart_col, join_col = st.columns([4, 1], vertical_alignment="top")
        with join_col:
            st.image(
                workshop_view.qr_png(url), width="stretch", alt=f"QR code: scan it to join at {url}"
            )
            # The code uses only letters and digits from joincodes.ALPHABET: safe as Markdown.
            st.markdown(f"# {joincodes.pretty(current.code)}")
            st.caption(f"or go to {workshop_view.public_base()}/join")
            st.metric("People", pulse.participants)
    else:
        chart_col = st.container()
        st.caption("Voting is closed.")
    with chart_col:
        frame = workshop_view.current_answers(current, pulse.version)
        workshop_view.show_results(current, frame, large=True, key="present-chart")


_room()
