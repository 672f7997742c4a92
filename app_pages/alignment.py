"""Alignment: where the two sides agree and where they do not — four heatmaps and a drill-down."""

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
    needs=("feedback",),
    intro="How each initiative is seen, by group and by side. Colour is the alignment "
    "score (0–100, the mean of every normalised rating in the cell); hover a "
    "cell for its n and agreement, click it to open the detail.",
)
dataset = result.dataset
priv = privacy.current()
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


def _drilldown(cells: pd.DataFrame, column: str, event: object) -> None:
    chosen_cells = (
        (getattr(getattr(event, "selection", None), "cell", None) or [])
        if event is not None
        else []
    )
    if not chosen_cells:
        st.caption(":material/touch_app: Click a cell to see how people rated it.")
        return
    cell = chosen_cells[0]
    initiative_id, value = cell.get("initiative_id"), cell.get("column")
    fb = scoring.prepare(dataset.feedback, chosen.dimensions or None)
    detail = scoring.drilldown(fb, dataset.comments, cells, initiative_id, column, value, priv)
    with st.container(border=True):
        st.markdown(f"#### {escape(names.get(initiative_id, initiative_id))} · {escape(value)}")
        if not detail.allowed:
            st.info(detail.message, icon=":material/visibility_off:")
        else:
            st.markdown(
                f"**{detail.n} respondents.** Each bar counts the people who gave that "
                "rating; two humps mean the room is split."
            )
            chart.show(
                heatmaps.distribution(detail.distribution, dim_labels),
                detail.distribution,
                "distribution",
                key="drill-dist",
            )
            st.divider()
            st.markdown("**Comments**")
            if detail.comments:
                for text in detail.comments:
                    st.markdown(f"> {escape(text)}")
            else:
                st.caption(detail.comments_message)
        _initiative_details(initiative_id)


tab_cells, tab_gap, tab_cov, tab_trend = st.tabs(
    ["Initiatives × groups", "Perception gap", "Strategic coverage", "Trend"]
)

with tab_cells:
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
    if column == "side":
        frame["column"] = frame["column"].map(schema.SIDE_LABELS)
        columns = [schema.SIDE_LABELS[c] for c in columns]
    frame = heatmaps.ordered(frame, shown, columns)
    title = heatmaps.GROUP_COLUMN_TITLE if column == "group" else "Side"
    event = chart.show(
        heatmaps.template("alignment", title, len(columns) <= 16),
        frame[
            [
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
        ].rename(columns={"column": column}),
        f"alignment-by-{column}",
        key=f"heat-{column}",
        on_select="rerun",
        data=frame,
        caption=f"▼ the group disagrees (r_wg < {AGREEMENT_TEXT}) · ◆ split room: two camps "
        "(polarised) · "
        f"grey: hidden (fewer than {priv.k_min} respondents, or hiding it keeps a smaller "
        "group from being worked out by subtraction).",
    )
    if column == "side":
        event_cells = getattr(getattr(event, "selection", None), "cell", None) or []
        back = {v: k for k, v in schema.SIDE_LABELS.items()}
        for c in event_cells:
            c["column"] = back.get(c.get("column"), c.get("column"))
    _drilldown(cells, column, event)
    privacy.notice(priv)

with tab_gap:
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
            heatmaps.template("gap"),
            frame[
                [
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
            ],
            "perception-gap",
            key="heat-gap",
            data=frame,
            caption="Orange: tech rates it higher; blue: business rates it higher (points on the "
            "0–100 scale). Faded cells with ● have a 95% interval that contains 0: no "
            "clear difference, so do not argue over them. Sorted with clear "
            "differences first.",
        )
        privacy.notice(priv)

with tab_cov:
    cov = analysis.strategic_coverage(dataset.fingerprint, dataset)
    if dataset.objectives.empty:
        st.info(
            "Coverage needs an objectives table (the strategy, with weights). Add one on "
            "the Data page.",
            icon=":material/info:",
        )
    else:
        st.markdown(
            "**Are we spending where the strategy says?** Each objective's weight beside "
            "the share of effort its initiatives take (an initiative serving several "
            "objectives splits its effort equally)."
        )
        bars, matrix = analysis.coverage_specs(dataset.fingerprint, dataset)
        chart.show(bars, cov.shares, "weight-vs-effort", key="cov-bars")
        chart.show(
            matrix,
            cov.links,
            "objective-coverage",
            key="cov-matrix",
            caption="Objectives × initiatives: a filled cell means the initiative serves "
            "the objective; darker means more effort.",
        )
        left, right = st.columns(2)
        with left:
            st.markdown(f"**Orphan work** ({len(cov.orphans)}): initiatives serving no objective")
            if cov.orphans.empty:
                st.caption("None: every initiative serves an objective.")
            else:
                st.dataframe(
                    cov.orphans[["id", "name", "team", "effort", "status"]],
                    hide_index=True,
                    width="stretch",
                )
        with right:
            st.markdown(
                f"**Uncovered objectives** ({len(cov.uncovered)}): no initiative serves them"
            )
            if cov.uncovered.empty:
                st.caption("None: every objective has at least one initiative.")
            else:
                st.dataframe(
                    cov.uncovered[["id", "name", "weight"]], hide_index=True, width="stretch"
                )
        if cov.missing_effort:
            st.caption(
                f"{len(cov.missing_effort)} initiative(s) have no effort figure and "
                f"count as zero effort: {escape(', '.join(cov.missing_effort))}."
            )

with tab_trend:
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
            heatmaps.template("trend"),
            frame[["initiative_id", "initiative", "column", "n", "score", "hidden"]].rename(
                columns={"column": "period"}
            ),
            "alignment-trend",
            key="heat-trend",
            data=frame,
            caption=f"Alignment score per {freq.lower()}. Grey cells rest on fewer than "
            f"{priv.k_min} respondents (or would reveal one that does).",
        )
        hidden_small = int((cells["mask_reason"] == MASK_SMALL).sum())
        if hidden_small:
            st.caption(f"{hidden_small} period cells are hidden for anonymity.")
