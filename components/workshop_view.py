"""What the facilitator's page, the presentation and the participants' phones share: the join
link and QR code, the live answers (fetched once per change), and the room's chart.

Answers are cached by the workshop's ``Pulse.version``: every open view asks the database one
cheap aggregate question per tick, and the full answers are read again only when that version
moves, once for all the views that show the same workshop.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode, urlsplit

import pandas as pd
import segno
import streamlit as st

from alignment import config as settings
from alignment import workshop
from alignment.charts import workshop as charts
from alignment.charts.describe import accessible_chart
from alignment.workshop import Workshop
from components import analysis, config, storage

ENV_PUBLIC_URL = settings.env("public_url")
LIVE_SECONDS = 3
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


def show_results(
    ws: Workshop,
    frame: pd.DataFrame,
    *,
    large: bool = False,
    key: str,
    dimension: str | None = None,
    compact: bool = False,
) -> None:
    """The room's result: the masked heatmap (ratings) or the dot tally, or words saying why
    nothing can be shown yet."""
    if frame.empty:
        st.info("No answers yet. They appear here as people vote.", icon=":material/hourglass:")
        return
    names = ws.item_names()
    if ws.mode == workshop.DOTS:
        tally = workshop.dot_tally(ws, frame)
        if tally["masked"].all():
            st.info(
                f"The tally appears once {ws.k_min} people have placed their dots, so no "
                "one's vote can be picked out.",
                icon=":material/visibility_off:",
            )
            return
        st.altair_chart(
            accessible_chart(charts.dot_bars(tally, large=large)), width="stretch", key=key
        )
        return
    dims = [dimension] if dimension else None
    cells = workshop.room_cells(ws, frame, dims)
    if cells.empty:
        st.info("No ratings for this question yet.", icon=":material/hourglass:")
        return
    shown = charts.room_frame(cells, names, ws.k_min, label_width=24 if compact else 40)
    order_ids = [i for i, _ in ws.items if i in set(shown["initiative_id"])]
    order = list(dict.fromkeys(shown.set_index("initiative_id").loc[order_ids, "label"]))
    columns = [
        c
        for c in ("Tech", "Business", "Unassigned", workshop.EVERYONE)
        if c in set(shown["column"])
    ]
    st.altair_chart(
        accessible_chart(charts.room_heatmap(shown, order, columns, large=large, compact=compact)),
        width="stretch",
        key=key,
    )
    if shown["hidden"].all():
        st.caption(f"Every cell is hidden until at least {ws.k_min} people have rated it.")
    else:
        st.caption(
            f"Grey cells are hidden: fewer than {ws.k_min} people, or hiding them keeps "
            "a smaller group from being worked out from the total."
        )
