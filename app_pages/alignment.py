"""Alignment: where the two sides agree and where they do not — four views and a drill-down.

Strategic coverage needs only initiatives and objectives, so the page shows it even before any
feedback is loaded. A cell's detail opens in a side panel over the page, from a click on the
heatmap or from the keyboard (the select boxes and button beside it), not far below the chart.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from alignment import schema, scoring, selection
from alignment.charts import heatmaps
from alignment.constants import AGREEMENT_TEXT
from alignment.scoring import MASK_SMALL
from components import analysis, chart, filters, privacy
from components.page import setup
from components.text import escape

result = setup(
    "Alignment",
    intro="How each initiative is seen, by group and by side. Colour is the mean rating on "
    "0–100 (every rating in the cell put on one scale), not a share of people who agree; "
    "agreement (r_wg) is marked separately. Hover a cell for its n; click it, or pick it "
    "beside the chart, to open its detail.",
)
dataset = result.dataset
priv = privacy.current()


COVERAGE_COLUMNS = {"id": "ID", "name": "Name", "team": "Team", "effort": "Effort"}
COVERAGE_COLUMNS |= {"status": "Status", "weight": "Weight"}


def _coverage() -> None:
    """Are we spending where the strategy says? Needs initiatives and objectives only."""
    if dataset.objectives.empty or dataset.initiatives.empty:
        st.info(
            "Coverage needs an objectives table (the strategy, with weights) and an "
            "initiatives table. Add them on the Data page.",
            icon=":material/info:",
        )
        return
    cov = analysis.strategic_coverage(dataset.fingerprint, dataset)
    st.markdown(
        "**Are we spending where the strategy says?** Each objective's weight (hollow bar) "
        "beside the share of effort its initiatives take (filled bar); an initiative serving "
        "several objectives splits its effort equally."
    )
    bars, matrix = analysis.coverage_specs(dataset.fingerprint, dataset)
    chart.show(bars, cov.shares, "weight-vs-effort", key="cov-bars")
    chart.show(
        matrix,
        cov.links,
        "objective-coverage",
        key="cov-matrix",
        caption="Objectives × initiatives: a square means the initiative serves the "
        "objective; a larger square means more effort. An empty row is an objective "
        "nothing serves.",
    )
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Orphan work** ({len(cov.orphans)}): initiatives serving no objective")
        if cov.orphans.empty:
            st.caption("None: every initiative serves an objective.")
        else:
            st.dataframe(
                cov.orphans[["id", "name", "team", "effort", "status"]].rename(
                    columns=COVERAGE_COLUMNS
                ),
                hide_index=True,
                width="stretch",
                placeholder="–",
            )
    with right:
        st.markdown(f"**Uncovered objectives** ({len(cov.uncovered)}): no initiative serves them")
        if cov.uncovered.empty:
            st.caption("None: every objective has at least one initiative.")
        else:
            st.dataframe(
                cov.uncovered[["id", "name", "weight"]].rename(columns=COVERAGE_COLUMNS),
                hide_index=True,
                width="stretch",
                placeholder="–",
            )
    if cov.missing_effort:
        st.caption(
            f"{len(cov.missing_effort)} initiative(s) have no effort figure and "
            f"count as zero effort: {escape(', '.join(cov.missing_effort))}."
        )


if not dataset.has_feedback:
    st.info(
        "No feedback is loaded yet, so the heatmaps, gaps and trend have nothing to show. "
        "Strategic coverage needs only initiatives and objectives, so it is below; add a "
        "feedback sheet (a survey export works) on the Data page for the rest.",
        icon=":material/info:",
    )
    st.page_link("app_pages/data.py", label="Go to the Data page", icon=":material/upload_file:")
    st.subheader("Strategic coverage")
    _coverage()
    st.stop()

chosen = filters.show(dataset, key="align")
views = analysis.current_views(dataset, priv, chosen.dimensions)
names = dataset.initiative_names()
dim_labels = dataset.dimensions

rated = list(views.summary["initiative_id"])
ids = [
    i for i in selection.initiatives_matching(dataset.initiatives, rated, chosen) if i in set(rated)
]
order = selection.order_initiatives(views.summary, ids, names, chosen.sort)
if not order:
    st.info(
        "No initiative with feedback matches these filters. Clear a filter above to see more.",
        icon=":material/filter_alt_off:",
    )
    st.stop()

top = st.columns([2, 1, 1], vertical_alignment="bottom")
size = top[1].selectbox("Initiatives per page", [20, 40, 80, 200], index=1, key="align-size")
pages = max(1, -(-len(order) // size))
page = top[2].number_input(
    f"Page (of {pages})", min_value=1, max_value=pages, value=1, key="align-page"
)
shown = selection.page_of(order, int(page), size)
top[0].caption(
    f"Showing {len(shown)} of {len(order)} initiatives with feedback, "
    f"{selection.SORTS[chosen.sort].lower()}. "
    f"Anonymity threshold: {priv.k_min} respondents per cell."
)


def _initiative_details(initiative_id: str) -> None:
    row = dataset.initiatives[dataset.initiatives["id"] == initiative_id]
    if row.empty:
        st.caption(
            "This initiative is known only from the feedback (no row in the initiatives table)."
        )
        return
    r = row.iloc[0]
    objectives = dict(zip(dataset.objectives["id"], dataset.objectives["name"], strict=False))
    served = [f"{o} {objectives.get(o, '(unknown objective)')}" for o in r["objective_ids"]]
    facts = {
        "Team": r["team"],
        "Owner": r["owner"],
        "Status": r["status"],
        "Target": r["target_label"],
        "Objectives": ", ".join(served) or "none (orphan work)",
        "Depends on": ", ".join(r["depends_on"]) or "nothing",
        "KPI": r["kpi"],
    }
    lines = [f"- **{k}:** {escape(v) if pd.notna(v) else '—'}" for k, v in facts.items()]
    why = r["why"]
    lines.insert(
        0,
        f"- **Why:** {escape(why)}"
        if isinstance(why, str) and why.strip()
        else "- **Why:** :orange[no WHY written]",
    )
    st.markdown("\n".join(lines))


OPEN_CELL = "align-open-cell"
TABLE_COLUMNS = [
    "initiative_id",
    "initiative",
    "column",
    "n",
    "score",
    "rwg",
    "polarised",
    "low_agreement",
    "hidden",
]
GAP_COLUMNS = [
    "initiative_id",
    "initiative",
    "dimension",
    "tech_mean",
    "business_mean",
    "gap",
    "gap_low",
    "gap_high",
    "clear",
    "n_tech",
    "n_business",
    "hidden",
]


def _with_reasons(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The on-page table: the download's columns plus why each hidden row is hidden."""
    return frame.sort_values(["row", "col"])[[*columns, "mask_reason"]]


@st.dialog("Cell detail", width="medium", position="right")
def _cell_dialog(cells: pd.DataFrame, column: str, initiative_id: str, value: str) -> None:
    """How people rated one cell: a side panel over the page, where the eye already is."""
    shown_value = schema.SIDE_LABELS.get(value, value) if column == "side" else value
    fb = scoring.prepare(dataset.feedback, chosen.dimensions or None)
    detail = scoring.drilldown(fb, dataset.comments, cells, initiative_id, column, value, priv)
    st.markdown(f"#### {escape(names.get(initiative_id, initiative_id))} · {escape(shown_value)}")
    if not detail.allowed:
        st.info(detail.message, icon=":material/visibility_off:")
    else:
        st.markdown(
            f"**{detail.n} respondents.** Each bar counts the people who gave that "
            "rating; two humps mean the room is split."
        )
        if detail.dimensions_left_out:
            left = detail.dimensions_left_out
            words = ("question is", "it") if left == 1 else ("questions are", "them")
            st.caption(
                f"{left} {words[0]} left out here: fewer than {priv.k_min} people in "
                f"this cell answered {words[1]}."
            )
        chart.show(
            heatmaps.distribution(detail.distribution, dim_labels),
            detail.distribution,
            "distribution",
            key="drill-dist",
            table_values={"dimension": dict(dim_labels)},
        )
        st.divider()
        st.markdown("**Comments**")
        if detail.comments:
            for text in detail.comments:
                st.markdown(f"> {escape(text)}")
        else:
            st.caption(detail.comments_message)
    st.divider()
    _initiative_details(initiative_id)


def _remember_click(key: str, labels: dict[str, str]) -> None:
    """on_select callback: runs only when the clicked cell changes, so the panel opens once per
    click and not again on every later rerun."""
    state = st.session_state.get(key)
    picked = (getattr(getattr(state, "selection", None), "cell", None) or []) if state else []
    if not picked and isinstance(state, dict):
        picked = state.get("selection", {}).get("cell") or []
    if picked:
        cell = picked[0]
        value = cell.get("column")
        st.session_state[OPEN_CELL] = (cell.get("initiative_id"), labels.get(value, value))


def _cell_picker(column: str, columns: list[str], labels: dict[str, str]) -> None:
    """The keyboard's way into the drill-down: pick an initiative and a column, press Open.
    ``labels`` turns a shown column name back into its code (the side labels)."""
    pick = st.columns([3, 2, 1], vertical_alignment="bottom")
    initiative_id = pick[0].selectbox(
        "Open the detail of a cell: initiative",
        shown,
        format_func=lambda i: f"{i} {names.get(i, '')}".strip(),
        key=f"pick-{column}-initiative",
    )
    value = pick[1].selectbox(
        "Group of the cell" if column == "group" else "Side of the cell",
        columns,
        key=f"pick-{column}-column",
    )
    if pick[2].button("Open detail", icon=":material/open_in_new:", key=f"pick-{column}-open"):
        st.session_state[OPEN_CELL] = (initiative_id, labels.get(value, value))


def _cells_view() -> None:
    by = (
        st.segmented_control("Columns", ["Groups", "Sides"], default="Groups", key="align-by")
        or "Groups"
    )
    column = "group" if by == "Groups" else "side"
    cells = views.group if column == "group" else views.side
    visible = cells
    if chosen.sides:
        visible = visible[visible["side"].isin(chosen.sides)]
    if column == "group" and chosen.groups:
        visible = visible[visible["group"].isin(chosen.groups)]
    if column == "group":
        columns = list(visible.sort_values(["side", "group"]).drop_duplicates("group")["group"])
    else:
        columns = [s for s in scoring.SIDES_SHOWN if s in set(visible["side"])]
    frame = heatmaps.alignment_frame(visible, column, names, priv.k_min, shown)
    labels: dict[str, str] = {}
    if column == "side":
        labels = {schema.SIDE_LABELS[c]: c for c in columns}
        frame["column"] = frame["column"].map(schema.SIDE_LABELS)
        columns = [schema.SIDE_LABELS[c] for c in columns]
    frame = heatmaps.mark_side_break(heatmaps.ordered(frame, shown, columns))
    title = heatmaps.GROUP_COLUMN_TITLE if column == "group" else "Side"
    if column == "group" and not frame["side_break"].any():
        title = "Group"
    _cell_picker(column, columns, labels)
    table = frame.sort_values(["row", "col"])[TABLE_COLUMNS].rename(columns={"column": column})
    chart.show(
        heatmaps.template(
            "alignment",
            title,
            len(columns) <= 16,
            priv.k_min,
            180 if column == "side" else None,
        ),
        table,
        f"alignment-by-{column}",
        key=f"heat-{column}",
        on_select=lambda: _remember_click(f"heat-{column}", labels),
        data=frame,
        k_min=priv.k_min,
        table_view=_with_reasons(frame, TABLE_COLUMNS).rename(columns={"column": column}),
        caption=f"▼ the group disagrees (r_wg < {AGREEMENT_TEXT}) · ◆ split room: two camps "
        "(polarised) · grey: hidden (fewer than "
        f"{priv.k_min} respondents, or hiding it keeps a smaller group from being worked out "
        "by subtraction) · white: no answers.",
    )
    opened = st.session_state.pop(OPEN_CELL, None)
    if opened:
        _cell_dialog(cells, column, *opened)
    privacy.notice(priv)
    privacy.uncounted_note(dataset, priv)


def _gap_view() -> None:
    gaps = views.gaps
    if gaps.empty:
        st.info(
            "A gap needs ratings from both sides. Assign groups to tech and business on the "
            "Data page.",
            icon=":material/info:",
        )
    else:
        gap_order = (
            selection.order_initiatives(views.summary, shown, names, "gap")
            if chosen.sort == "gap"
            else shown
        )
        frame = heatmaps.gap_frame(gaps, names, dim_labels, priv.k_min, gap_order)
        dims = [dim_labels[d] for d in dim_labels if d in set(frame["dimension"])]
        frame = heatmaps.ordered(frame, gap_order, dims, "dimension_label")
        chart.show(
            heatmaps.template("gap", k_min=priv.k_min),
            frame.sort_values(["row", "col"])[GAP_COLUMNS],
            "perception-gap",
            key="heat-gap",
            data=frame,
            k_min=priv.k_min,
            table_view=_with_reasons(frame, GAP_COLUMNS),
            table_values={"dimension": dict(dim_labels)},
            caption="Orange: tech rates it higher; blue: business rates it higher (points on the "
            "0–100 scale; these two colours mean tech and business everywhere). Faded cells "
            "with ● have a 95% interval that contains 0: no clear difference, so do not argue "
            "over them. Grey: hidden; white: no answers.",
        )
        privacy.notice(priv)


def _trend_view() -> None:
    if dataset.feedback["date"].notna().sum() == 0:
        st.info(
            "The trend needs dated feedback (a Date or Timestamp column).", icon=":material/info:"
        )
    else:
        freq = (
            st.segmented_control("Period", ["Month", "Quarter"], default="Month", key="trend-freq")
            or "Month"
        )
        cells = analysis.trend(
            dataset.fingerprint,
            tuple(sorted(chosen.dimensions)),
            priv.k_min,
            priv.k_comments,
            freq,
            dataset,
        )
        frame = heatmaps.alignment_frame(cells, "period", names, priv.k_min, shown)
        frame = heatmaps.ordered(frame, shown, sorted(set(frame["column"])))
        chart.show(
            heatmaps.template("trend", k_min=priv.k_min),
            frame.sort_values(["row", "col"])[
                ["initiative_id", "initiative", "column", "n", "score", "hidden"]
            ].rename(columns={"column": "period"}),
            "alignment-trend",
            key="heat-trend",
            data=frame,
            k_min=priv.k_min,
            table_view=_with_reasons(
                frame, ["initiative_id", "initiative", "column", "n", "score", "hidden"]
            ).rename(columns={"column": "period"}),
            caption=f"Mean rating (0–100) per {freq.lower()}. Grey cells rest on fewer than "
            f"{priv.k_min} respondents (or would reveal one that does); white: no answers.",
        )
        hidden_small = int((cells["mask_reason"] == MASK_SMALL).sum())
        if hidden_small:
            st.caption(f"{hidden_small} period cells are hidden for anonymity.")


# Only the tab shown is computed and drawn; another is drawn when picked. Each holds a heatmap
# of up to 200 initiatives, and computing and drawing all four made the first click on
# Alignment wait for the three that nobody was looking at yet.
VIEWS = {
    "Initiatives × groups": _cells_view,
    "Perception gap": _gap_view,
    "Strategic coverage": _coverage,
    "Trend": _trend_view,
}
for tab, view in zip(
    st.tabs(list(VIEWS), key="align-tab", on_change="rerun"), VIEWS.values(), strict=True
):
    with tab:
        if tab.open:
            view()
