"""Dependencies: who waits for whom, where it loops, what is blocked, and the longest chain
(step 2 of the seven, collaborative planning)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from alignment import dependencies as dep
from components import analysis, as_of, chart, privacy
from components.downloads import frame_downloads
from components.page import DATA_PAGE, setup
from components.state import Keys
from components.text import escape

W = Keys.KEEP_ALIGNED_WIDGET
ALL = "— all initiatives —"
result = setup(
    "Dependencies",
    needs=("initiatives",),
    intro="The initiatives and what each waits for, upstream on the left. Map them "
    "with the business before the work starts: loops, blocked work and "
    "dependencies across teams are where plans slip.",
)
dataset = result.dataset
priv = privacy.current()


graph = analysis.dependency_graph(dataset.fingerprint, dataset)
if not graph.has_edges:
    st.info(
        "No initiative names another as a dependency, so there is no map to draw. Add a "
        "'Depends on' column to your initiatives table with the IDs each one waits for "
        "(several separated by commas), then upload it again.",
        icon=":material/info:",
    )
    st.page_link(DATA_PAGE, label="Go to the Data page", icon=":material/upload_file:")
    if not graph.unknown_refs.empty:
        st.caption(
            f"{len(graph.unknown_refs)} dependencies name IDs that are not in the "
            "initiatives table."
        )
    st.stop()

names = {n: d["name"] for n, d in graph.graph.nodes(data=True)}

# --- controls -----------------------------------------------------------------------------------

top = st.columns([1.5, 1.8, 1.8, 2.4, 1.5])
colour_by = top[0].selectbox(
    "Colour by",
    ["Status", "Alignment"],
    key=f"{W}dep-colour",
    help="Alignment: the score of all respondents, 0–100, with its n.",
)
teams = sorted({d["team"] for _, d in graph.graph.nodes(data=True) if d["team"]}, key=str.casefold)
chosen_teams = top[1].multiselect("Teams", teams, key=f"{W}dep-teams", placeholder="All teams")
objective_names = dict(zip(dataset.objectives["id"], dataset.objectives["name"], strict=False))
objectives = sorted({o for _, d in graph.graph.nodes(data=True) for o in d["objectives"]})
chosen_objectives = top[2].multiselect(
    "Objectives",
    objectives,
    key=f"{W}dep-objectives",
    placeholder="All objectives",
    format_func=lambda o: f"{o} {objective_names.get(o, '')}".strip(),
)
options = [ALL, *sorted(graph.graph.nodes)]
focus = top[3].selectbox(
    "Focus on one initiative",
    options,
    key=f"{W}dep-focus",
    format_func=lambda n: n if n == ALL else f"{n} {names[n]}",
    help="Shows what it waits for (upstream) and what waits for it "
    "(downstream), all the way along the chains.",
)

today = pd.Timestamp(as_of.show("dependencies", top[4]))

shown = graph
if focus != ALL:
    shown = dep.focus(graph, focus)
if chosen_teams or chosen_objectives:
    shown = dep.filtered(shown, teams=chosen_teams, objectives=chosen_objectives)

scores = None
if colour_by == "Alignment":
    if dataset.has_feedback:
        scores = dep.scores_from_summary(analysis.current_views(dataset, priv).summary)
    else:
        st.info(
            "No feedback is loaded, so there are no alignment scores: every initiative is grey.",
            icon=":material/info:",
        )

# --- the map ------------------------------------------------------------------------------------

LARGE = 40  # more boxes than this, drawn at page width, are too small to read
narrowed = focus != ALL or bool(chosen_teams) or bool(chosen_objectives)
if len(shown) == 0:
    st.info(
        "No initiative matches these filters. Clear a filter to see more.",
        icon=":material/filter_alt_off:",
    )
else:
    dot = dep.to_dot(
        shown,
        colour_by=colour_by.lower(),
        scores=scores,
        today=today,
        highlight=None if focus == ALL else focus,
    )
    cross = dep.cross_team_edges(shown)
    if len(shown) > LARGE and not narrowed:
        st.info(
            f"{len(shown)} initiatives are too many to read in one drawing, so here are the "
            "teams and the dependencies between them. Choose a team, an objective or one "
            "initiative above to see the initiatives themselves.",
            icon=":material/zoom_in:",
        )
        st.graphviz_chart(dep.team_dot(shown, today), width="stretch")
        st.caption(
            f"{len(shown)} initiatives, {shown.graph.number_of_edges()} dependencies, "
            f"{len(cross)} across teams: the number on an arrow counts them. A red "
            "border: the team has initiatives that are late or in trouble."
        )
        with st.expander(
            f"The whole map ({len(shown)} initiatives, small print)", icon=":material/account_tree:"
        ):
            st.graphviz_chart(dot, width="stretch")
    else:
        st.graphviz_chart(
            dep.legend_dot(colour_by.lower(), any_trouble=colour_by == "Status"), width="content"
        )
        st.graphviz_chart(dot, width="stretch")
        context = sum(1 for _, d in shown.graph.nodes(data=True) if d.get("context"))
        note = (
            f" ({context} dashed: outside the filter, shown because they link to it)"
            if context
            else ""
        )
        how = (
            "Colour: status; a red border marks an initiative that is at risk, blocked, on "
            "hold, cancelled or late."
            if colour_by == "Status"
            else f"Colour: mean rating of all respondents (0–100) with its n; grey: hidden "
            f"(fewer than {priv.k_min} respondents) or no feedback."
        )
        st.caption(
            f"{len(shown)} initiatives{note}, {shown.graph.number_of_edges()} "
            f"dependencies, {len(cross)} across teams (thick, wine-coloured). {how} "
            "Hover a box for the full name."
        )
    st.download_button(
        "Download the map (.dot, for Graphviz)",
        dot.encode(),
        "dependencies.dot",
        "text/vnd.graphviz",
        key=f"{W}dep-dot",
        icon=":material/download:",
        on_click="ignore",
    )
    if chart.table_toggle(f"{W}dep-map"):
        chart.show_table(dep.map_table(shown, scores), k_min=priv.k_min)
    if colour_by == "Alignment":
        privacy.notice(priv)

# --- what the map says --------------------------------------------------------------------------

st.subheader("Cycles")
loops = dep.cycles(graph)
if loops:
    st.error(
        f"{len(loops)} loop{'s' if len(loops) != 1 else ''} found: nothing on a loop can "
        "finish, because each initiative waits for the next. Break each one by agreeing "
        "which comes first.",
        icon=":material/sync_problem:",
    )
    for loop in loops:
        st.markdown(
            f"- {escape(dep.cycle_text(loop))}: "
            + escape(", ".join(f"{n} {names[n]}" for n in loop))
        )
    if len(loops) >= dep.MAX_CYCLES:
        st.caption(f"Only the first {dep.MAX_CYCLES} are listed.")
else:
    st.success(
        "No cycles: every chain of dependencies has a beginning.", icon=":material/check_circle:"
    )

st.subheader("Blocked initiatives")
blocked = dep.blocked(graph, today)
indirect = st.toggle("Include initiatives blocked further down a chain", key=f"{W}dep-indirect")
shown_blocked = blocked if indirect else blocked[blocked["hops"] == 1]
if shown_blocked.empty:
    st.success(
        f"Nothing open waits for an initiative that is at risk, blocked, on hold, "
        f"cancelled or late (as of {today.date().isoformat()}).",
        icon=":material/check_circle:",
    )
else:
    st.caption(
        f"Open initiatives waiting for one that is at risk, blocked, on hold, cancelled or "
        f"late (target date before {today.date().isoformat()} and not done)."
    )
    table = shown_blocked.rename(
        columns={
            "initiative_id": "ID",
            "name": "Initiative",
            "team": "Team",
            "status": "Status",
            "blocked_by": "Waits for",
            "blocked_by_team": "Its team",
            "hops": "Steps away",
            "via": "Through",
            "reason": "Why",
        }
    )[
        [
            "ID",
            "Initiative",
            "Waits for",
            "Why",
            "Team",
            "Status",
            "Its team",
            "Steps away",
            "Through",
        ]
    ]
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={"Why": st.column_config.TextColumn(width="large")},
    )
    frame_downloads(
        table, "blocked-initiatives", key=f"{W}dl-blocked", sheet="Blocked", label="Download"
    )

st.subheader("Critical path")
path = dep.critical_path(graph)
if len(path.nodes) < 2:
    st.caption("No chain of two or more initiatives outside a loop.")
else:
    span = (
        f", {path.span_days} days from the first target date to the last"
        if path.span_days is not None
        else ""
    )
    st.markdown(
        f"The longest dependency chain has **{len(path.nodes)} initiatives**{span}: "
        f"{escape(path.text)}. A slip anywhere on it moves the end."
    )
    table = path.table.assign(
        target=path.table["target"].map(
            lambda t: t.date().isoformat() if t is not None and not pd.isna(t) else ""
        )
    )
    table = table.rename(
        columns={
            "step": "Step",
            "initiative_id": "ID",
            "name": "Initiative",
            "team": "Team",
            "status": "Status",
            "target": "Target date",
            "target_label": "Target as written",
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    frame_downloads(
        table, "critical-path", key=f"{W}dl-path", sheet="Critical path", label="Download"
    )
if path.excluded:
    st.caption("Left out because they sit on a loop: " + escape(", ".join(path.excluded)) + ".")
conflicts = dep.date_conflicts(graph)
if not conflicts.empty:
    st.warning(
        f"{len(conflicts)} initiative(s) are due before the work they wait for; the plan "
        "cannot hold as written.",
        icon=":material/event_busy:",
    )
    st.dataframe(
        conflicts.assign(
            upstream=conflicts["upstream"].map(lambda n: f"{n} {names[n]}"),
            downstream=conflicts["downstream"].map(lambda n: f"{n} {names[n]}"),
            upstream_target=conflicts["upstream_target"].dt.date.astype(str),
            downstream_target=conflicts["downstream_target"].dt.date.astype(str),
        ).rename(
            columns={
                "upstream": "Waits for",
                "upstream_target": "Its target",
                "downstream": "Initiative",
                "downstream_target": "Target",
                "days": "Days too early",
            }
        )[["Initiative", "Target", "Waits for", "Its target", "Days too early"]],
        hide_index=True,
        width="stretch",
    )

st.subheader("Dependencies across teams")
cross_all = dep.cross_team_edges(graph)
if cross_all.empty:
    st.caption("Every dependency stays within one team.")
else:
    st.caption(
        f"{len(cross_all)} of {graph.graph.number_of_edges()} dependencies cross a team "
        "boundary: agree a contact and a date for each."
    )
    cross_all = cross_all.assign(
        upstream=cross_all["upstream"].map(lambda n: f"{n} {names[n]}"),
        downstream=cross_all["downstream"].map(lambda n: f"{n} {names[n]}"),
    )
    table = cross_all.rename(
        columns={
            "upstream": "Waits for",
            "upstream_team": "Its team",
            "downstream": "Initiative",
            "downstream_team": "Team",
        }
    )[["Initiative", "Team", "Waits for", "Its team"]]
    st.dataframe(table, hide_index=True, width="stretch")
    frame_downloads(
        table, "cross-team-dependencies", key=f"{W}dl-cross", sheet="Across teams", label="Download"
    )

if not graph.unknown_refs.empty:
    st.warning(
        f"{len(graph.unknown_refs)} dependencies name an initiative that is not in the "
        "table, so they are not drawn: "
        + escape(
            ", ".join(f"{r.initiative_id} → {r.reference}" for r in graph.unknown_refs.itertuples())
        )
        + ".",
        icon=":material/link_off:",
    )
