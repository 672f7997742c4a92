"""What the facilitator's page, the presentation and the participants' phones share: the join
link and QR code, the live answers (fetched once per change), and the room's chart.

Answers are cached by the workshop's ``Pulse.version``: every open view asks the database one
cheap aggregate question per tick, and the full answers are read again only when that version
moves, once for all the views that show the same workshop.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import altair as alt
import pandas as pd
import segno
import streamlit as st

from alignment import config as settings
from alignment import prioritise, workshop
from alignment.charts import prioritise as prioritise_charts
from alignment.charts import workshop as charts
from alignment.charts.describe import accessible_chart, accessible_spec
from alignment.workshop import Workshop
from components import analysis, chart, config, storage
from components.text import escape

ENV_PUBLIC_URL = settings.env("public_url")
LIVE_SECONDS = 3
PHONE_POLL_SECONDS = 3  # phones see a reveal, a pause or a close within this (plus a tap)
TIMER_WORDS = {
    workshop.TIMER_READY: "Timer set",
    workshop.TIMER_RUNNING: "Time left",
    workshop.TIMER_PAUSED: "Paused",
    workshop.TIMER_ENDED: "Time is up",
}
_PAGE_PATHS = {"workshop", "present", "join", "workspaces"}


def hide_sidebar() -> None:
    """Hide the sidebar and its expand button on a page meant for phones or a projector.

    ``st.navigation(position="hidden")`` hides the navigation, but a new session's browser has
    already drawn the page list Streamlit discovers in ``app_pages/`` and keeps it in a collapsed
    sidebar; a fixed stylesheet (no user text) removes it from sight.
    """
    st.html(
        "<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'], "
        "[data-testid='stExpandSidebarButton'] { display: none !important; }</style>"
    )


def public_base() -> str:
    """The address phones use to reach the app: the ``public_url`` setting when set, else the
    address this browser used, without the page."""
    configured = str(settings.get("public_url", config.secrets()) or "")
    if configured:
        return configured.rstrip("/")
    seen = st.context.url or "http://localhost:8501"
    parts = urlsplit(seen)
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[-1] in _PAGE_PATHS:
        segments = segments[:-1]
    path = "/" + "/".join(segments) if segments else ""
    return f"{parts.scheme}://{parts.netloc}{path}"


def join_url(code: str) -> str:
    return f"{public_base()}/join?{urlencode({'code': code})}"


def presentation_url(workshop_id: int) -> str:
    return f"{public_base()}/present?{urlencode({'workshop': workshop_id})}"


def only_this_computer(url: str) -> bool:
    """Whether the link names this computer (localhost), which no phone can reach."""
    host = urlsplit(url).hostname or ""
    return host in {"localhost", "127.0.0.1", "::1"} or host.startswith("127.")


@st.cache_data(show_spinner=False, max_entries=32)
def qr_png(url: str) -> bytes:
    """A QR code of the join link, big enough to scan from the back of a room."""
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=12, border=2, dark="#111111")
    return buf.getvalue()


def current_answers(ws: Workshop, version: str) -> pd.DataFrame:
    return analysis.workshop_answers(storage.url(), ws.id, version)


@dataclass(frozen=True)
class RoomFigure:
    """What the room's result shows for one version of the answers: a message (no chart), or a
    Vega-Lite spec with its table and caption. Built once per version, not once per screen."""

    message: str = ""
    icon: str = ""
    spec: dict | None = None
    table: pd.DataFrame | None = None
    caption: str = ""


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def room_figure(
    fingerprint: str,
    version: str,
    large: bool,
    dimension: str | None,
    compact: bool,
    by: str,
    _ws: Workshop,
    _frame: pd.DataFrame,
) -> RoomFigure:
    """The room's figure, shared by every phone and screen showing the same workshop at the
    same version (``fingerprint`` names the workshop's settings, ``version`` its answers).

    A reveal makes every phone of a room of 80 redraw at once; the cells, the Altair chart and
    its validation (``to_dict``, under a lock Streamlit holds for every Altair chart) cost
    about half a second of one core each time, so 80 phones took tens of seconds. Built once
    here, each phone only sends the finished spec.
    """
    ws, frame = _ws, _frame
    if frame.empty:
        return RoomFigure(
            "No answers yet. They appear here as people vote.", ":material/hourglass:"
        )
    if ws.mode == workshop.DOTS:
        tally = workshop.dot_tally(ws, frame)
        if tally["masked"].all():
            return RoomFigure(
                f"The tally appears once {ws.k_min} people have placed their dots, so no "
                "one's vote can be picked out.",
                ":material/visibility_off:",
            )
        return RoomFigure(
            spec=_spec(charts.dot_bars(tally, large=large)),
            table=tally[["initiative", "dots", "dots_tech", "dots_business", "masked"]].rename(
                columns={"masked": "hidden"}
            ),
        )
    dims = [dimension] if dimension else None
    cells = workshop.room_cells(ws, frame, dims, by=by)
    if cells.empty:
        return RoomFigure("No ratings for this question yet.", ":material/hourglass:")
    shown = charts.room_frame(cells, ws.item_names(), ws.k_min, label_width=24 if compact else 40)
    order_ids = [i for i, _ in ws.items if i in set(shown["initiative_id"])]
    order = list(dict.fromkeys(shown.set_index("initiative_id").loc[order_ids, "label"]))
    present = list(dict.fromkeys(shown["column"]))
    if by == workshop.BY_GROUP:
        columns = [g for g, _ in ws.groups if g in present] + [workshop.EVERYONE]
    else:
        columns = [c for c in ("Tech", "Business", "Unassigned", workshop.EVERYONE) if c in present]
    if shown["hidden"].all():
        caption = f"Every cell is hidden until at least {ws.k_min} people have rated it."
    else:
        caption = (
            f"Grey cells are hidden: fewer than {ws.k_min} people, or hiding them keeps "
            "a smaller group from being worked out from the total."
        )
    return RoomFigure(
        spec=_spec(
            charts.room_heatmap(shown, order, columns, large=large, compact=compact, k_min=ws.k_min)
        ),
        table=shown[["initiative", "column", "n", "score", "hidden"]].rename(
            columns={"column": "who"}
        ),
        caption=caption,
    )


def _spec(figure: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec, data inline (a room's chart has a few dozen rows). Altair's
    default theme adds only a 300 px size for continuous axes, which Streamlit's own
    conversion leaves out; it is left out here too so both draw the same."""
    spec = accessible_spec(figure.to_dict())  # described for screen readers, like every chart
    view = spec.get("config", {}).get("view", {})
    for size in ("continuousWidth", "continuousHeight"):
        if view.get(size) == 300:
            view.pop(size)
    if "view" in spec.get("config", {}) and not view:
        spec["config"].pop("view")
    if spec.get("config") == {}:
        spec.pop("config")
    return spec


def figure_key(ws: Workshop) -> str:
    """The workshop settings the room's figure is made of (not its state: a close or a reveal
    does not change the figure)."""
    return repr((ws.id, ws.mode, ws.items, ws.dimensions, ws.groups, ws.k_min, ws.privacy))


def warm_phone_figure(ws: Workshop) -> None:
    """Build the phones' figure before the reveal is stored: 80 phones then draw a figure
    already made instead of waiting, all at once, for the first of them to build it."""
    pulse = workshop.pulse(storage.get(), ws.id)
    if pulse is None:
        return
    version = pulse.answers_version
    frame = current_answers(ws, version)
    room_figure(figure_key(ws), version, False, None, True, workshop.BY_SIDE, ws, frame)


def show_results(
    ws: Workshop,
    frame: pd.DataFrame,
    *,
    version: str,
    large: bool = False,
    key: str,
    dimension: str | None = None,
    compact: bool = False,
    by: str = workshop.BY_SIDE,
) -> None:
    """The room's result: the masked heatmap (ratings) or the dot tally, or words saying why
    nothing can be shown yet. ``version`` is the answers' (``Pulse.answers_version``): the
    figure is built once per version and workshop settings, for every screen."""
    if ws.mode == workshop.WSJF:
        wsjf_results(ws, frame, large=large, key=key, compact=compact)
        return
    figure = room_figure(figure_key(ws), version, large, dimension, compact, by, ws, frame)
    if figure.spec is None:
        st.info(figure.message, icon=figure.icon)
        return
    st.vega_lite_chart(figure.spec, key=key, width="stretch")
    if chart.table_toggle(key):
        chart.show_table(figure.table, k_min=ws.k_min)
    if figure.caption:
        st.caption(figure.caption)


DISCUSS_FIRST = 3  # the initiatives a prioritisation session's discussion opens on


def _ordinal(rank: float) -> str:
    if pd.isna(rank):
        return "–"
    k = int(rank)
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _side_n(result: prioritise.Prioritisation, side: str, k_min: int) -> str:
    n = result.n.get(side)
    return f"n={n}" if n is not None else f"hidden (fewer than {k_min} people)"


def wsjf_results(
    ws: Workshop, frame: pd.DataFrame, *, large: bool = False, key: str, compact: bool = False
) -> None:
    """A prioritisation session's result: the initiatives the two sides rank furthest apart
    first (to discuss those first), each side's ranking beside the other's, and the room's.

    Computed by ``alignment.prioritise`` with the workshop's k_min, so a side under it has no
    ranking; the room's own ranking is withheld while a side with answers is hidden."""
    version = str(int(pd.util.hash_pandas_object(frame, index=False).sum()))
    result, talk = analysis.workshop_wsjf(storage.url(), ws.id, version, ws, frame)
    names = ws.item_names()
    both = result.side_ranked("tech") and result.side_ranked("business")
    st.caption(
        f"WSJF = (business value + time criticality + risk reduction) ÷ job size, from each "
        f"side's mean estimates. Business {_side_n(result, 'business', ws.k_min)} · tech "
        f"{_side_n(result, 'tech', ws.k_min)} · everyone "
        f"{_side_n(result, 'all', ws.k_min)}."
    )
    if talk[["rank", "rank_business", "rank_tech"]].isna().all().all():
        st.info(
            f"No ranking yet: a ranking needs at least {ws.k_min} people who estimated the "
            "initiatives, so no one's estimates can be picked out.",
            icon=":material/visibility_off:",
        )
        return
    if not both:
        st.info(
            f"Only one side has a ranking: the other has fewer than {ws.k_min} people who "
            "estimated, so there is no disagreement to show"
            + (
                "."
                if talk["rank"].notna().any()
                else ", and the room's ranking stays hidden too (beside one side's, it would "
                "give the other side's few estimates away)."
            ),
            icon=":material/visibility_off:",
        )
    apart = talk[talk["gap"] > 0].head(DISCUSS_FIRST)
    if both and apart.empty:
        st.success(
            "Both sides rank every initiative in the same order.", icon=":material/handshake:"
        )
    elif both:
        st.markdown(("### " if large else "#### ") + "Discuss these first")
        cols = st.columns(len(apart)) if not compact else [st.container() for _ in apart.index]
        for col, row in zip(cols, apart.itertuples(), strict=True):
            with col.container(border=True):
                st.markdown(
                    f"**{escape(row.initiative_id)} {escape(names.get(row.initiative_id, ''))}**"
                )
                st.markdown(
                    f"Business **{_ordinal(row.rank_business)}** · tech "
                    f"**{_ordinal(row.rank_tech)}** · {int(row.gap)} places apart"
                )
                if row.sentence:
                    st.caption(escape(row.sentence))
    if both and not compact:
        long = prioritise.order_for_chart(result)
        slope = prioritise_charts.slope(
            prioritise_charts.slope_frame(long),
            result.label,
            f"Tech n={result.n['tech']}, business n={result.n['business']}",
            label_size=16 if large else 11,
        )
        # A session ranks a handful of initiatives: give each row room, and the projector
        # labels the back of the room can read (the page's chart is sized for 30 rows).
        rows = len(ws.items)
        slope = slope.properties(height=max(320, (56 if large else 40) * rows))
        # The table below is this chart's table alternative; the description is for readers.
        st.altair_chart(accessible_chart(slope), width="stretch", key=key)
    shown = pd.DataFrame(
        {
            "Initiative": [f"{i} {names.get(i, '')}".strip() for i in talk["initiative_id"]],
            "Room": [_ordinal(r) for r in talk["rank"]],
            "Business": [_ordinal(r) for r in talk["rank_business"]],
            "Tech": [_ordinal(r) for r in talk["rank_tech"]],
            "Places apart": ["–" if pd.isna(g) else str(int(g)) for g in talk["gap"]],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch", key=f"{key}-table")
    st.caption(
        "In the order to discuss: the widest disagreement first. – : no rank (too few "
        f"people, under {ws.k_min}, or a component nobody estimated)."
    )


def state_badge(ws: Workshop, *, closed_status: str | None = None) -> None:
    """ "Voting open" or "Voting closed", in the same words on every page that shows a workshop."""
    closed = (closed_status or ws.status) != workshop.OPEN or not ws.is_open
    if closed:
        st.badge("Voting closed", icon=":material/lock:", color="gray")
    else:
        st.badge("Voting open", icon=":material/how_to_vote:", color="green")


def _ticker() -> None:
    """One fixed script and stylesheet (no value in them) that run every countdown on the page.

    Every countdown is a container whose key carries its kind, the milliseconds left when the
    server drew it, and whether it runs. The server works the figure out from the STORED
    deadline; the page counts down on the monotonic timer and never reads the browser's wall
    clock. A poll that arrived late carries a figure that is already stale: within 3 s of the
    running countdown the earlier end is kept, so the clock never steps back; a real change
    (+1 minute, a resume) is larger and is taken as it is. The body never changes, so the
    browser runs it once per page.
    """
    st.html(
        """<script>
(() => {
  if (window.__awTicker) return;
  const ends = {}, seen = {};
  const pad = (v) => String(v).padStart(2, "0");
  const fmt = (ms) => {
    const t = Math.max(0, Math.ceil(ms / 1000));
    const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
    return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
  };
  const tick = () => {
    document.querySelectorAll('[class*="st-key-aw-cd-"]').forEach((box) => {
      const m = box.className.match(/st-key-aw-cd-([a-z]+)-(\\d+)-(run|hold)/);
      if (!m || m[3] !== "run") return;
      const kind = m[1], tag = m[0];
      if (!seen[tag]) {
        const fresh = performance.now() + Number(m[2]);
        const prev = ends[kind];
        ends[kind] = prev && Math.abs(fresh - prev) < 3000 ? Math.min(prev, fresh) : fresh;
        seen[tag] = true;
      }
      const ms = ends[kind] - performance.now();
      const out = box.querySelector("strong");
      if (out) out.textContent = fmt(ms);
      if (ms <= 30000) box.classList.add("aw-cd-urgent");
    });
  };
  window.__awTicker = setInterval(tick, 250);
  tick();
})();
</script>
<style>
  [class*="st-key-aw-cd-"] p { white-space: nowrap; margin: 0; }
  [class*="st-key-aw-cd-"] strong { font-variant-numeric: tabular-nums; }
  [class*="st-key-aw-cd-large"] p { font-size: 1.6rem; }
  [class*="st-key-aw-cd-large"] strong { font-size: 5.5rem; }
  [class*="st-key-aw-cd-normal"] strong { font-size: 2.4rem; }
  [class*="st-key-aw-cd-phone"] strong { font-size: 2rem; }
  .aw-cd-urgent strong, [class*="-ended"] strong { color: #a61b1b; }
</style>""",
        unsafe_allow_javascript=True,
    )


def countdown(timer: workshop.Timer, *, size: str = "normal") -> None:
    """The room's countdown, the same on every screen.

    The server works out the seconds left from the STORED deadline and its own clock and puts
    them in the container's key; a fixed script (``_ticker``, no value in it) counts
    down from there with the browser's monotonic timer, never its wall clock, so a phone whose
    clock is wrong still shows the room's time. Each poll of the view redraws it with a fresh
    figure, so the screens stay in step. ``size``: large (projector), normal, phone.
    """
    state = timer.state()
    if state == workshop.TIMER_OFF:
        return
    left = timer.left() or 0.0
    kind = size if size in ("large", "normal", "phone") else "normal"
    run = "run" if state == workshop.TIMER_RUNNING else "hold"
    _ticker()
    suffix = "-ended" if state == workshop.TIMER_ENDED else ""
    with st.container(key=f"aw-cd-{kind}-{int(left * 1000)}-{run}{suffix}"):
        st.markdown(f"{TIMER_WORDS[state]} **{escape(workshop.clock(left))}**")


def progress(ws: Workshop, pulse: workshop.Pulse, invites: tuple[int, int] | None = None) -> None:
    """What the room may see before the reveal: how many joined and answered, never a rating."""
    cols = st.columns(3)
    joined = f"{pulse.participants}" + (f" of {ws.cap}" if ws.cap else "")
    cols[0].metric("People", joined)
    cols[1].metric("Answered", pulse.answering, help="People who gave at least one answer.")
    cols[2].metric("Answers", pulse.answers)
    if invites is not None and ws.invite_only:
        issued, used = invites
        st.caption(f"By invitation: {issued} invitations issued, {used} used.")


RESULTS_HIDDEN = (
    "Results stay hidden until the facilitator reveals them, here, on the projector and on "
    "the phones: no one anchors on early votes, and no late vote can be read off a change."
)
