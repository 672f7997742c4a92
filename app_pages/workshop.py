"""Workshop: the facilitator sets up a live vote, puts the code on screen, watches the room's
heatmap fill in, then closes, reveals and takes the results into the analysis."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from alignment import config as settings
from alignment import joincodes, schema, workshop
from alignment.ingest import SourceFile
from alignment.store import StoreError
from alignment.workshop import Workshop, WorkshopError
from components import loader, privacy, state, storage, workshop_view
from components.downloads import XLSX_MIME
from components.page import setup
from components.state import Keys
from components.text import escape

DEFAULT_GROUPS = [
    ("Engineering", "tech"),
    ("Data & Analytics", "tech"),
    ("Product", "business"),
    ("Sales", "business"),
    ("Operations", "business"),
]
DEFAULT_DIMENSIONS = ["why_clarity", "business_value", "priority"]
MODE_LABELS = {workshop.RATING: "Rate initiatives", workshop.DOTS: "Dot voting"}
SIDE_OPTIONS = ["tech", "business", "unknown"]

result = setup(
    "Workshop",
    intro="Let a room rate initiatives live from their phones: put the "
    "code or QR code on screen, watch the heatmap fill in, then reveal the results and "
    "take them into the analysis.",
)
store = storage.require()
dataset = result.dataset
floor = privacy.current().k_min


def _new_workshop_form(expanded: bool) -> None:
    with st.expander("New workshop", icon=":material/add_circle:", expanded=expanded):
        title = st.text_input(
            "Title",
            placeholder="Q3 roadmap review",
            key="ws-new-title",
            max_chars=workshop.TITLE_MAX,
        )
        mode = st.radio(
            "What the room does",
            list(MODE_LABELS),
            format_func=MODE_LABELS.get,
            horizontal=True,
            key="ws-new-mode",
        )
        names = dataset.initiative_names()
        ids = list(dataset.initiatives["id"]) or list(names)
        picked = st.multiselect(
            "Initiatives",
            ids,
            default=ids[: min(6, len(ids))],
            key="ws-new-items",
            format_func=lambda i: f"{i} {names.get(i, '')}".strip(),
            help=f"From the data loaded now; at most {workshop.MAX_ITEMS}. Five to ten keeps a "
            "phone session short.",
        )
        dims: list[str] = []
        dots = 0
        if mode == workshop.RATING:
            dims = st.multiselect(
                "Questions (dimensions)",
                [d.name for d in schema.DIMENSIONS],
                default=DEFAULT_DIMENSIONS,
                key="ws-new-dims",
                format_func=lambda d: schema.DIMENSION_BY_NAME[d].label,
                help="Each becomes one 1–5 question per initiative, worded as in the template.",
            )
            if picked and dims:
                st.caption(f"Each participant answers {len(picked) * len(dims)} questions.")
        else:
            dots = st.number_input(
                "Dots per participant",
                min_value=1,
                max_value=workshop.MAX_DOTS,
                value=3,
                key="ws-new-dots",
            )
        k_min = st.number_input(
            "Hide results resting on fewer than … people (k_min)",
            min_value=floor,
            max_value=50,
            value=floor,
            key="ws-new-kmin",
            help=f"This instance never goes below {floor}. Raise it for a sensitive topic.",
        )
        known = list(dataset.group_sides.items()) or DEFAULT_GROUPS
        st.caption(
            "Groups participants pick from; each belongs to a side. Add, rename or remove rows."
        )
        groups = st.data_editor(
            pd.DataFrame(known, columns=["Group", "Side"]),
            num_rows="dynamic",
            hide_index=True,
            key="ws-new-groups",
            width="stretch",
            column_config={
                "Side": st.column_config.SelectboxColumn(options=SIDE_OPTIONS, required=True)
            },
        )
        if st.button("Create workshop", type="primary", icon=":material/add:", key="ws-create"):
            rows = [
                (str(g), str(s))
                for g, s in groups[["Group", "Side"]].itertuples(index=False)
                if isinstance(g, str) and g.strip()
            ]
            try:
                ws = workshop.create(
                    store,
                    title=title,
                    mode=mode,
                    items=[(i, names.get(i, i)) for i in picked],
                    dimensions=dims,
                    groups=rows,
                    dots=int(dots),
                    k_min=int(k_min),
                )
            except (WorkshopError, StoreError) as exc:
                st.error(str(exc), icon=":material/error:")
            else:
                state.put(Keys.WORKSHOP_ID, ws.id)
                st.rerun()


def _pick(existing: list[Workshop]) -> Workshop:
    ids = [w.id for w in existing]
    wanted = state.get(Keys.WORKSHOP_ID)
    index = ids.index(wanted) if wanted in ids else 0
    by_id = {w.id: w for w in existing}
    chosen = st.selectbox(
        "Workshop",
        ids,
        index=index,
        key="ws-pick",
        format_func=lambda i: (
            f"{by_id[i].title} · {joincodes.pretty(by_id[i].code)} · "
            f"{'open' if by_id[i].is_open else 'closed'} · "
            f"{by_id[i].created_at:%d %b %Y}"
        ),
    )
    state.put(Keys.WORKSHOP_ID, chosen)
    return by_id[chosen]


def _controls(ws: Workshop) -> None:
    st.markdown("**Voting**")
    if ws.is_open:
        if st.button("Close voting", icon=":material/lock:", width="stretch", key="ws-close"):
            workshop.set_state(store, ws.id, status=workshop.CLOSED)
            st.rerun()
    elif st.button("Reopen voting", icon=":material/lock_open:", width="stretch", key="ws-reopen"):
        workshop.set_state(store, ws.id, status=workshop.OPEN)
        st.rerun()
    st.markdown("**Participants' phones**")
    if ws.revealed:
        if st.button(
            "Hide results", icon=":material/visibility_off:", width="stretch", key="ws-hide"
        ):
            workshop.set_state(store, ws.id, revealed=False)
            st.rerun()
    elif st.button(
        "Reveal results", icon=":material/visibility:", width="stretch", key="ws-reveal"
    ):
        workshop.set_state(store, ws.id, revealed=True)
        st.rerun()
    st.link_button(
        "Presentation mode",
        workshop_view.presentation_url(ws.id),
        icon=":material/present_to_all:",
        width="stretch",
        help="Opens the chart alone, in large type, for the projector.",
    )


def _join_panel(ws: Workshop) -> None:
    url = workshop_view.join_url(ws.code)
    left, right = st.columns([2, 3], vertical_alignment="center")
    left.image(
        workshop_view.qr_png(url),
        width="stretch",
        caption="Scan to join",
        alt=f"QR code: scan it to join at {url}",
    )
    # The code uses only letters and digits from joincodes.ALPHABET: safe as Markdown.
    right.markdown(f"### Code: {joincodes.pretty(ws.code)}")
    right.caption("Join link (the QR code opens it):")
    right.code(url, language=None, wrap_lines=True)
    if workshop_view.only_this_computer(url):
        right.warning(
            "This link names this computer (localhost): phones cannot reach it. Open "
            "the app through its network address, or set "
            f"{settings.env('public_url')} (see docs/settings.md).",
            icon=":material/wifi_off:",
        )


@st.fragment(run_every=workshop_view.LIVE_SECONDS)
def _live(ws: Workshop) -> None:
    """One aggregate query per tick; the answers are re-read only when they changed."""
    pulse = workshop.pulse(store, ws.id)
    if pulse is None:
        st.warning("This workshop was deleted.")
        return
    if (pulse.status, pulse.revealed) != (ws.status, ws.revealed):
        st.rerun(scope="app")
    cols = st.columns(3)
    cols[0].metric("Participants", pulse.participants)
    cols[1].metric("Answers", pulse.answers)
    per = len(ws.items) * len(ws.dimensions) if ws.mode == workshop.RATING else None
    cols[2].metric(
        "Voting",
        "open" if pulse.status == workshop.OPEN else "closed",
        help=f"{per} questions per participant" if per else None,
    )
    dimension = None
    if ws.mode == workshop.RATING and len(ws.dimensions) > 1:
        labels = ws.dimension_labels()
        dimension = (
            st.segmented_control(
                "Show",
                ["all", *ws.dimensions],
                default="all",
                key=f"ws-live-dim-{ws.id}",
                format_func=lambda d: "All questions" if d == "all" else labels[d],
            )
            or "all"
        )
        dimension = None if dimension == "all" else dimension
    frame = workshop_view.current_answers(ws, pulse.version)
    workshop_view.show_results(ws, frame, key=f"ws-live-chart-{ws.id}", dimension=dimension)


def _results(ws: Workshop) -> None:
    pulse = workshop.pulse(store, ws.id)
    frame = workshop_view.current_answers(ws, pulse.version if pulse else "")
    if frame.empty:
        st.caption("Results can be downloaded once people have answered.")
        return
    left, right = st.columns(2)
    left.download_button(
        "Download results (.xlsx)",
        workshop.results_xlsx(ws, frame),
        workshop.results_filename(ws),
        XLSX_MIME,
        icon=":material/download:",
        on_click="ignore",
        width="stretch",
        key="ws-download",
    )
    if ws.mode != workshop.RATING:
        right.caption(
            "Dot votes are a tally, not ratings, so they are not added to the "
            "heatmaps; the download holds the tally."
        )
        return
    if right.button(
        "Add results to the current data",
        icon=":material/add_chart:",
        width="stretch",
        key="ws-add",
        help="The ratings join the feedback of the data loaded now, so the "
        "heatmaps, briefs and assessment use them.",
    ):
        source = SourceFile(workshop.results_filename(ws), workshop.results_xlsx(ws, frame))
        if loader.add_source(source):
            st.session_state["ws-added"] = ws.id
            st.rerun()
        st.info("These results are already part of the current data.", icon=":material/check:")
    if st.session_state.get("ws-added") == ws.id:
        st.success(
            "The workshop's ratings are now part of the current data: open the "
            "Alignment page to see them with the rest.",
            icon=":material/check_circle:",
        )
    st.caption(
        "The file uses the feedback template's layout. Participants appear as WS…-P… "
        f"codes; groups with fewer than {ws.k_min} people are merged into 'Other tech' "
        "or 'Other business' so no row points at a person."
    )


def _delete(ws: Workshop) -> None:
    with st.expander("Delete this workshop", icon=":material/delete:"):
        st.caption(
            "Deletes the workshop with every participant's answers, for good. Download "
            "the results first if you need them."
        )
        sure = st.checkbox("Yes, delete it and its answers", key=f"ws-del-sure-{ws.id}")
        if st.button("Delete workshop", disabled=not sure, type="primary", key="ws-delete"):
            workshop.delete(store, ws.id)
            st.session_state.pop(Keys.WORKSHOP_ID, None)
            st.rerun()


existing = workshop.all_workshops(store)
_new_workshop_form(expanded=not existing)
if not existing:
    st.info(
        "No workshop yet. Create one above: pick the initiatives and questions, and the room "
        "joins with a code.",
        icon=":material/groups:",
    )
    st.stop()

ws = _pick(existing)
st.subheader(escape(ws.title))
st.caption(
    f"{MODE_LABELS[ws.mode]} · {len(ws.items)} initiatives"
    + (
        f" · {ws.dots} dots each"
        if ws.mode == workshop.DOTS
        else f" · {len(ws.dimensions)} questions each"
    )
    + f" · cells need {ws.k_min} people · created {ws.created_at:%d %b %Y %H:%M} UTC"
)
if not ws.is_open:
    st.warning(
        "Voting is closed: phones cannot change answers. Reopen to let them.",
        icon=":material/lock:",
    )
main, side = st.columns([3, 1])
with main:
    _join_panel(ws)
with side:
    _controls(ws)
st.divider()
st.markdown("#### Live results")
st.caption("Refreshes by itself every few seconds.")
_live(ws)
st.divider()
st.markdown("#### Results")
_results(ws)
_delete(ws)
