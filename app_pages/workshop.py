"""Workshop: the facilitator sets up a live vote, puts the code on screen, watches the room's
heatmap fill in, then closes, reveals and takes the results into the analysis."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from alignment import config as settings
from alignment import exports, joincodes, schema, workshop
from alignment.ingest import SourceFile
from alignment.store import StoreError
from alignment.workshop import Workshop, WorkshopError
from components import loader, privacy, state, storage, workshop_view
from components.downloads import XLSX_MIME
from components.page import setup
from components.state import Keys
from components.text import escape

SIDE_GROUPS = [("Tech", "tech"), ("Business", "business")]
DEFAULT_DIMENSIONS = ["why_clarity", "priority"]
MODE_LABELS = {
    workshop.RATING: "Rate initiatives",
    workshop.WSJF: "Prioritise (WSJF)",
    workshop.DOTS: "Dot voting",
}
SIDE_OPTIONS = ["tech", "business", "unknown"]
GROUPS_BY_SIDE, GROUPS_LISTED = "sides", "listed"
SECONDS_PER_TAP = 6  # reading a statement and tapping: a conservative pace on a phone

result = setup(
    "Workshop",
    intro="Let a room rate initiatives live from their phones: put the "
    "code or QR code on screen, follow who has answered, then reveal the results and "
    "take them into the analysis.",
)
store = storage.require()
dataset = result.dataset
floor = privacy.current().k_min


def _taps(picked: int, questions: int, noun: str = "question") -> str:
    """How many taps the session asks of each phone, and about how long that takes."""
    taps = picked * questions
    minutes = max(1, round(taps * SECONDS_PER_TAP / 60))
    return (
        f"Each participant taps {taps} times ({picked} initiatives × {questions} "
        f"{noun}{'s' if questions != 1 else ''}), about {minutes} minute"
        f"{'s' if minutes != 1 else ''}."
    )


def _items(picked: list[str]) -> list[tuple[str, str, str, str]]:
    """The picked initiatives with the one-line description and why phones show."""
    table = dataset.initiatives.set_index("id") if not dataset.initiatives.empty else None
    names = dataset.initiative_names()
    out = []
    for ident in picked:
        description = why = ""
        if table is not None and ident in table.index:
            row = table.loc[ident]
            row = row.iloc[0] if getattr(row, "ndim", 1) > 1 else row
            description = row.get("description", "")
            why = row.get("why", "")
        out.append((ident, names.get(ident, ident), description, why))
    return out


def _group_rows(groups: pd.DataFrame) -> list[tuple[str, str]]:
    return [
        (str(g), str(s))
        for g, s in groups[["Group", "Side"]].itertuples(index=False)
        if isinstance(g, str) and g.strip()
    ]


def _new_workshop_form(expanded: bool) -> None:
    # A keyed expander keeps its open state across the reruns each edit causes.
    with st.expander(
        "New workshop",
        icon=":material/add_circle:",
        expanded=expanded,
        key="ws-new-open",
        on_change="rerun",
    ):
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
            "phone session short. Phones show each one's description and why.",
        )
        dims: list[str] = []
        dots = 0
        if mode == workshop.RATING:
            dims = st.multiselect(
                "Questions",
                [d.name for d in schema.DIMENSIONS],
                default=DEFAULT_DIMENSIONS,
                key="ws-new-dims",
                format_func=lambda d: schema.DIMENSION_BY_NAME[d].label,
                help="Each becomes one 1–5 question per initiative, worded as in the template. "
                "Two questions keep the session short.",
            )
            if picked and dims:
                st.caption(_taps(len(picked), len(dims)))
        elif mode == workshop.WSJF:
            st.caption(
                "Each participant estimates every initiative's business value, time "
                "criticality, risk reduction / opportunity enablement and job size, relative "
                "to the others, on the scale "
                + ", ".join(map(str, workshop.WSJF_CHOICES))
                + ". After the reveal you see each side's WSJF ranking, the initiatives the "
                "sides rank furthest apart first; added to the data, the estimates feed the "
                "Prioritisation page."
            )
            if picked:
                st.caption(_taps(len(picked), len(workshop.WSJF_DIMENSIONS), "estimate"))
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
        left, right = st.columns(2)
        minutes = left.number_input(
            "Timer (minutes, 0 for none)",
            min_value=0,
            max_value=workshop.MAX_TIMER_SECONDS // 60,
            value=0,
            key="ws-new-minutes",
            help="You start it when the room is ready; everyone sees the same countdown.",
        )
        auto_close = left.checkbox(
            "Close voting when the time is up", value=True, key="ws-new-autoclose"
        )
        cap = right.number_input(
            "Room size (0 for no limit)",
            min_value=0,
            max_value=workshop.MAX_CAP,
            value=0,
            key="ws-new-cap",
            help="Phones beyond this number are refused, so no one can add made-up "
            "participants. It also checks that the groups can reach k_min.",
        )
        invite_only = right.checkbox(
            "By invitation only",
            key="ws-new-invite",
            help="Each participant needs a one-time invitation code, which you issue after "
            "creating the workshop; every phone sees how many were issued.",
        )
        how = st.radio(
            "Groups participants pick from",
            [GROUPS_BY_SIDE, GROUPS_LISTED],
            format_func={
                GROUPS_BY_SIDE: "Tech and Business",
                GROUPS_LISTED: "A list I edit",
            }.get,
            horizontal=True,
            key="ws-new-groups-how",
            help="Two groups keep a small room above k_min, so the results can be shown.",
        )
        rows = SIDE_GROUPS
        if how == GROUPS_LISTED:
            known = list(dataset.group_sides.items())
            st.caption(
                "Each group belongs to a side. Add, rename or remove rows; a short list keeps "
                "each group big enough to be shown."
            )
            groups = st.data_editor(
                pd.DataFrame(known[:8] or SIDE_GROUPS, columns=["Group", "Side"]),
                num_rows="dynamic",
                hide_index=True,
                key="ws-new-groups",
                width="stretch",
                column_config={
                    "Side": st.column_config.SelectboxColumn(options=SIDE_OPTIONS, required=True)
                },
            )
            rows = _group_rows(groups)
        if cap and rows and int(cap) < int(k_min) * len(rows):
            st.warning(
                f"A room of {int(cap)} in {len(rows)} groups averages fewer than {int(k_min)} "
                "people per group, so most groups' results would stay hidden. Use fewer "
                "groups, or Tech and Business.",
                icon=":material/group_off:",
            )
        if st.button("Create workshop", type="primary", icon=":material/add:", key="ws-create"):
            try:
                ws = workshop.create(
                    store,
                    title=title,
                    mode=mode,
                    items=_items(picked),
                    dimensions=dims,
                    groups=rows,
                    dots=int(dots),
                    k_min=int(k_min),
                    timer_seconds=int(minutes) * 60,
                    auto_close=bool(auto_close),
                    cap=int(cap),
                    invite_only=bool(invite_only),
                )
            except (WorkshopError, StoreError) as exc:
                st.error(str(exc), icon=":material/error:")
            else:
                state.put(Keys.WORKSHOP_ID, ws.id)
                st.session_state["ws-created"] = ws.id
                st.rerun()


def _pick(existing: list[Workshop]) -> Workshop:
    ids = [w.id for w in existing]
    wanted = state.get(Keys.WORKSHOP_ID)
    index = ids.index(wanted) if wanted in ids else 0
    by_id = {w.id: w for w in existing}
    # The key carries every workshop's open/closed state: a keyed select box keeps its first
    # labels in the browser, and a closed workshop must read "voting closed" at once.
    states = "".join("o" if w.is_open else "c" for w in existing)
    chosen = st.selectbox(
        "Workshop",
        ids,
        index=index,
        key=f"ws-pick-{states}",
        format_func=lambda i: (
            f"{by_id[i].title} · {joincodes.pretty(by_id[i].code)} · "
            f"{'voting open' if by_id[i].is_open else 'voting closed'} · "
            f"{by_id[i].created_at:%d %b %Y}"
        ),
    )
    state.put(Keys.WORKSHOP_ID, chosen)
    return by_id[chosen]


def _act(action, *args, **kwargs) -> None:
    """Run a facilitator action; a refusal is said on the page, never raised."""
    try:
        action(store, *args, **kwargs)
    except (WorkshopError, StoreError) as exc:
        st.session_state["ws-message"] = str(exc)
    st.rerun()


def _controls(ws: Workshop) -> None:
    st.markdown("**Voting**")
    if ws.is_open:
        if st.button("Close voting", icon=":material/lock:", width="stretch", key="ws-close"):
            _act(workshop.set_state, ws.id, status=workshop.CLOSED)
    else:
        if st.button(
            "Reopen voting",
            icon=":material/lock_open:",
            width="stretch",
            key="ws-reopen",
            disabled=not ws.can_reopen,
            help=None
            if ws.can_reopen
            else "Results were revealed: a late answer would change a figure the room has "
            "seen by one person's vote, so voting stays closed.",
        ):
            _act(workshop.set_state, ws.id, status=workshop.OPEN)
    st.markdown("**Results**")
    if ws.revealed:
        if st.button(
            "Hide results", icon=":material/visibility_off:", width="stretch", key="ws-hide"
        ):
            _act(workshop.set_state, ws.id, revealed=False)
    elif st.button(
        "Close voting and reveal" if ws.is_open else "Reveal results",
        icon=":material/visibility:",
        width="stretch",
        key="ws-reveal",
        type="primary",
        help="Shows the results here, on the projector and on the phones. Voting closes and "
        "cannot reopen after this, so no shown figure ever moves by one late answer.",
    ):
        workshop_view.warm_phone_figure(ws)  # built once here, not by 80 phones at once
        _act(workshop.set_state, ws.id, revealed=True)
    st.link_button(
        "Presentation mode",
        workshop_view.presentation_url(ws.id),
        icon=":material/present_to_all:",
        width="stretch",
        help="Opens the room's view alone, in large type, for the projector: the code and "
        "progress until you reveal, then the results.",
    )


def _timer(ws: Workshop) -> None:
    st.markdown("**Timer**")
    timer = ws.timer
    current = timer.state()
    minutes = st.number_input(
        "Minutes (0 for none)",
        min_value=0,
        max_value=workshop.MAX_TIMER_SECONDS // 60,
        value=(timer.seconds or 0) // 60,
        key=f"ws-timer-minutes-{ws.id}",
    )
    auto = st.checkbox("Close voting at zero", value=timer.auto_close, key=f"ws-timer-auto-{ws.id}")
    if (int(minutes) * 60 or None, bool(auto)) != (timer.seconds, timer.auto_close):
        if st.button("Set timer", width="stretch", key="ws-timer-set"):
            _act(workshop.set_timer, ws.id, int(minutes) * 60, auto_close=bool(auto))
        return
    if current == workshop.TIMER_OFF:
        return
    cols = st.columns(2)
    if current in (workshop.TIMER_READY, workshop.TIMER_PAUSED):
        if cols[0].button(
            "Start" if current == workshop.TIMER_READY else "Resume",
            icon=":material/play_arrow:",
            width="stretch",
            key="ws-timer-start",
            disabled=not ws.is_open,
        ):
            _act(workshop.start_timer, ws.id)
    elif current == workshop.TIMER_RUNNING and cols[0].button(
        "Pause", icon=":material/pause:", width="stretch", key="ws-timer-pause"
    ):
        _act(workshop.pause_timer, ws.id)
    if cols[1].button(
        "+1 minute",
        icon=":material/more_time:",
        width="stretch",
        key="ws-timer-add",
        disabled=not ws.can_reopen and current == workshop.TIMER_ENDED,
    ):
        _act(workshop.add_time, ws.id)
    if current != workshop.TIMER_READY and st.button(
        "Stop timer", icon=":material/stop:", width="stretch", key="ws-timer-stop"
    ):
        _act(workshop.stop_timer, ws.id)


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


def _room(ws: Workshop) -> None:
    """Who may join: the cap and one-time invitations (issue #18: no made-up phones)."""
    with st.expander("Who can join", icon=":material/badge:", key=f"ws-room-{ws.id}"):
        cap = st.number_input(
            "Room size (0 for no limit)",
            min_value=0,
            max_value=workshop.MAX_CAP,
            value=ws.cap or 0,
            key=f"ws-room-cap-{ws.id}",
        )
        only = st.checkbox(
            "By invitation only", value=ws.invite_only, key=f"ws-room-invite-{ws.id}"
        )
        if (int(cap) or None, bool(only)) != (ws.cap, ws.invite_only) and st.button(
            "Save", key="ws-room-save"
        ):
            _act(workshop.set_room, ws.id, cap=int(cap), invite_only=bool(only))
        if not ws.invite_only:
            st.caption(
                "Anyone with the code can join. With invitations, each person needs a "
                "one-time code from you, and every phone shows how many you issued."
            )
            return
        issued = workshop.invite_list(store, ws.id)
        used = sum(1 for _, u in issued if u)
        st.caption(f"{len(issued)} invitations issued, {used} used. Every phone sees this.")
        count = st.number_input(
            "How many to issue",
            min_value=1,
            max_value=workshop.MAX_INVITES,
            value=max(1, (ws.cap or 10) - len(issued)) if not ws.cap or ws.cap > len(issued) else 1,
            key=f"ws-invite-count-{ws.id}",
        )
        if st.button("Issue invitations", icon=":material/confirmation_number:", key="ws-invite"):
            _act(workshop.issue_invites, ws.id, int(count))
        unused = [c for c, u in issued if not u]
        if unused:
            base = workshop_view.join_url(ws.code)
            sheet = pd.DataFrame(
                {
                    "Invitation code": [joincodes.pretty(c) for c in unused],
                    "Link": [f"{base}&invite={c}" for c in unused],
                }
            )
            st.download_button(
                f"Download the {len(unused)} unused invitations (.csv)",
                exports.to_csv_bytes(sheet),
                f"workshop-{ws.id}-invitations.csv",
                "text/csv",
                icon=":material/download:",
                on_click="ignore",
                key="ws-invite-download",
            )


@st.fragment(run_every=workshop_view.LIVE_SECONDS)
def _live(ws: Workshop) -> None:
    """One aggregate query per tick; the answers are read only after the reveal."""
    pulse = workshop.pulse(store, ws.id)
    if pulse is None:
        st.warning("This workshop was deleted.")
        return
    if (pulse.status, pulse.revealed, pulse.timer) != (ws.status, ws.revealed, ws.timer):
        st.rerun(scope="app")
    workshop_view.countdown(pulse.timer)
    workshop_view.progress(ws, pulse, workshop.invite_counts(store, ws.id))
    st.caption(f"{ws.questions_per_person} answers per participant.")
    if not pulse.revealed:
        st.info(workshop_view.RESULTS_HIDDEN, icon=":material/visibility_off:")
        return
    if ws.mode == workshop.WSJF:
        frame = workshop_view.current_answers(ws, pulse.answers_version)
        workshop_view.show_results(
            ws, frame, version=pulse.answers_version, key=f"ws-live-chart-{ws.id}"
        )
        return
    dimension = None
    cols = st.columns(2)
    with cols[0]:
        by = (
            st.segmented_control(
                "Columns",
                [workshop.BY_SIDE, workshop.BY_GROUP],
                default=workshop.BY_SIDE,
                key=f"ws-live-by-{ws.id}",
                format_func={workshop.BY_SIDE: "Sides", workshop.BY_GROUP: "Groups"}.get,
            )
            or workshop.BY_SIDE
        )
    if ws.mode == workshop.RATING and len(ws.dimensions) > 1:
        labels = ws.dimension_labels()
        with cols[1]:
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
    frame = workshop_view.current_answers(ws, pulse.answers_version)
    workshop_view.show_results(
        ws,
        frame,
        version=pulse.answers_version,
        key=f"ws-live-chart-{ws.id}",
        dimension=dimension,
        by=by,
    )


def _results(ws: Workshop) -> None:
    if ws.is_open:
        st.caption(
            "The results can be downloaded once voting is closed: two downloads taken while "
            "people answer would show who answered in between."
        )
        return
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
    if ws.mode == workshop.DOTS:
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
        help="The estimates join the data loaded now, so each side's ranking on the "
        "Prioritisation page includes them."
        if ws.mode == workshop.WSJF
        else "The ratings join the feedback of the data loaded now, so the "
        "heatmaps, briefs and assessment use them.",
    ):
        source = SourceFile(workshop.results_filename(ws), workshop.results_xlsx(ws, frame))
        if loader.add_source(source):
            st.session_state["ws-added"] = ws.id
            st.rerun()
        st.info("These results are already part of the current data.", icon=":material/check:")
    if st.session_state.get("ws-added") == ws.id:
        st.success(
            "The session's estimates are now part of the current data: each side's ranking "
            "on the Prioritisation page includes them."
            if ws.mode == workshop.WSJF
            else "The workshop's ratings are now part of the current data: open the "
            "Alignment page to see them with the rest.",
            icon=":material/check_circle:",
        )
        if ws.mode == workshop.WSJF:
            st.page_link(
                "app_pages/prioritise.py",
                label="Open the Prioritisation page",
                icon=":material/format_list_numbered:",
            )
    dropped = workshop.left_out(ws, frame)
    st.caption(
        "The file uses the feedback template's layout. Participants appear as WS…-P… "
        "codes in an order unrelated to when they joined; groups with fewer than "
        f"{ws.k_min} people are merged into 'Other tech' or 'Other business' so no row "
        "points at a person."
        + (
            f" {dropped} {'person' if dropped == 1 else 'people'} in a merged group still "
            f"under {ws.k_min} {'is' if dropped == 1 else 'are'} left out."
            if dropped
            else ""
        )
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
head, badge = st.columns([5, 1], vertical_alignment="center")
head.subheader(escape(ws.title))
with badge:
    workshop_view.state_badge(ws)
st.caption(
    f"{MODE_LABELS[ws.mode]} · {len(ws.items)} initiatives"
    + (
        f" · {ws.dots} dots each"
        if ws.mode == workshop.DOTS
        else f" · {len(ws.dimensions)} estimates each on {ws.scale[0]}–{ws.scale[1]}"
        if ws.mode == workshop.WSJF
        else f" · {len(ws.dimensions)} questions each"
    )
    + f" · {'rankings' if ws.mode == workshop.WSJF else 'cells'} need {ws.k_min} "
    + ("person" if ws.k_min == 1 else "people")
    + (f" · room of {ws.cap}" if ws.cap else "")
    + (" · by invitation" if ws.invite_only else "")
    + f" · created {ws.created_at:%d %b %Y %H:%M} UTC"
)
message = st.session_state.pop("ws-message", None)
if message:
    st.error(message, icon=":material/error:")
if not ws.is_open:
    st.warning(
        "Voting is closed: phones cannot change answers."
        + (" Reopen to let them." if ws.can_reopen else ""),
        icon=":material/lock:",
    )
# A revealed prioritisation session opens on its result: the initiatives the sides rank
# furthest apart, to discuss those first. The join code is of no use any more (voting is
# closed for good after a reveal), so it goes below.
discuss_first = ws.mode == workshop.WSJF and ws.revealed
if discuss_first:
    st.markdown("#### The room's ranking")
    _live(ws)
    st.divider()
main, side = st.columns([3, 1])
with main:
    _join_panel(ws)
    _room(ws)
with side:
    _controls(ws)
    _timer(ws)
if not discuss_first:
    st.divider()
    st.markdown("#### The room")
    st.caption("Refreshes by itself every few seconds.")
    _live(ws)
st.divider()
st.markdown("#### Results")
_results(ws)
_delete(ws)
