"""The dependency map: which initiative waits for which, and where that puts delivery at risk.

Step 2 of the seven (collaborative planning, in ``alignment/assessment/assessment.yaml``) asks
leaders to map the dependencies between projects with the business before work starts. From the
initiatives table's ``depends_on`` column this module builds a directed graph (an edge runs from
the initiative that must land first, *upstream*, to the one that waits for it, *downstream*) and
answers the questions a planning session asks:

- Are there **cycles** (A waits for B, which waits for A)? Listed, since nothing in one can finish.
- Which open initiatives are **blocked** by an upstream that is at risk, blocked, on hold,
  cancelled or **late** (target date passed, not done, relative to a given ``today``)?
- What is the **critical path**: the longest dependency chain, and do target dates along it make
  sense (a downstream initiative due before the work it waits for is a date conflict)?
- Which edges **cross teams** (where coordination usually breaks)?
- A **focus** view of one initiative's upstream and downstream, and filters by team or objective,
  so 100+ initiatives stay readable.

``to_dot`` writes Graphviz DOT for ``st.graphviz_chart``: one cluster per team, left-to-right,
coloured by status or by alignment score (hidden scores grey), cross-team edges highlighted,
user text escaped. No Streamlit here.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx
import pandas as pd

from alignment import schema
from alignment.charts import palette

MAX_CYCLES = 50  # listing more helps nobody; the count says how many were found
LABEL_CHARS = 28

# Fills light enough for black text, in the hues no other chart gives a meaning: orange and
# blue mean tech and business, green a mean rating (alignment.charts.palette). Work moving
# forward darkens through teal; trouble is pink to magenta; stopped work is grey.
STATUS_FILLS: dict[str, str] = {
    "Idea": "#F2F2F2",
    "Planned": "#E3F2EF",  # teal, very light
    "In progress": "#80CDC1",  # teal
    "At risk": "#F6C4DC",  # pink, light
    "Blocked": "#DE77AE",  # pink
    "On hold": "#D8CFE3",  # lavender grey
    "Done": "#35978F",  # teal, dark (black text 6:1)
    "Cancelled": "#D9D9D9",
}
OTHER_FILL = "#FFFFFF"
HIDDEN_FILL = palette.HIDDEN.upper()
CROSS_TEAM_COLOUR = "#882255"  # wine: distinct from every status fill
EDGE_COLOUR = "#7F7F7F"
TROUBLE_BORDER = "#C51B7D"  # magenta; the node also says "late or in trouble"
# Mean rating 0..100 in five bands of the one score ramp every chart uses
# (alignment.charts.palette): light yellow-green for low, dark green for high, read in order by
# colour-blind readers and greyscale printers alike.
SCORE_RAMP = tuple(palette.score_colour(20 * i + 10).upper() for i in range(5))
SCORE_TEXT = tuple(palette.score_text_colour(20 * i + 10).upper() for i in range(5))
CLOSED = frozenset({"Done", "Cancelled"})
TROUBLE = frozenset({*schema.AT_RISK_STATUSES, "Cancelled"})


# --- the graph -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DependencyGraph:
    """The graph and what did not fit in it (references to unknown initiatives)."""

    graph: nx.DiGraph
    unknown_refs: pd.DataFrame  # initiative_id, reference

    def __len__(self) -> int:
        return self.graph.number_of_nodes()

    @property
    def has_edges(self) -> bool:
        return self.graph.number_of_edges() > 0


def build(initiatives: pd.DataFrame) -> DependencyGraph:
    """One node per initiative (with its name, team, status, target and objectives) and one edge
    per dependency, upstream → downstream. References are matched to IDs first, then to names,
    ignoring case and spacing; those that match nothing are returned, not guessed.
    """
    g = nx.DiGraph()
    by_key: dict[str, str] = {}
    for row in initiatives.itertuples(index=False):
        ident = str(row.id)
        g.add_node(
            ident,
            name=_text(row.name) or ident,
            team=_text(getattr(row, "team", "")),
            status=_text(getattr(row, "status", "")),
            target=_date(getattr(row, "target", None)),
            target_label=_text(getattr(row, "target_label", "")),
            objectives=tuple(getattr(row, "objective_ids", ()) or ()),
        )
        by_key.setdefault(schema.fold_key(ident), ident)
    for row in initiatives.itertuples(index=False):
        name = _text(row.name)
        if name:
            by_key.setdefault(schema.fold_key(name), str(row.id))
    unknown = []
    for row in initiatives.itertuples(index=False):
        refs = getattr(row, "depends_on", ()) or ()
        if isinstance(refs, str):
            refs = (refs,)
        for ref in refs:
            up = by_key.get(schema.fold_key(ref))
            if up is None:
                unknown.append((str(row.id), str(ref)))
            else:
                g.add_edge(up, str(row.id))
    return DependencyGraph(g, pd.DataFrame(unknown, columns=["initiative_id", "reference"]))


# --- questions -----------------------------------------------------------------------------------


def cycles(dg: DependencyGraph, limit: int = MAX_CYCLES) -> list[list[str]]:
    """Every elementary cycle (up to ``limit``), each as its initiative IDs in order, starting
    from the smallest ID so the same loop is always written the same way. An initiative that
    depends on itself is a cycle of one."""
    found = []
    for cyc in itertools.islice(nx.simple_cycles(dg.graph), limit):
        i = cyc.index(min(cyc))
        found.append(cyc[i:] + cyc[:i])
    return sorted(found, key=lambda c: (len(c), c))


def cycle_text(cycle: list[str]) -> str:
    return " → ".join([*cycle, cycle[0]])


def is_late(status: str, target: pd.Timestamp | None, today: pd.Timestamp) -> bool:
    """Late: the target date has passed (strictly before ``today``) and it is not done or
    cancelled. No target date, not late."""
    return target is not None and target < today.normalize() and status not in CLOSED


def trouble(dg: DependencyGraph, today: pd.Timestamp) -> dict[str, str]:
    """Initiatives that put their dependants at risk, with the reason in words."""
    out: dict[str, str] = {}
    for node, data in dg.graph.nodes(data=True):
        status, target = data["status"], data["target"]
        if status in TROUBLE:
            out[node] = f"is {status.lower()}"
        elif is_late(status, target, today):
            days = (today.normalize() - target).days
            out[node] = (
                f"was due {target.date().isoformat()} and is not done "
                f"({days} day{'s' if days != 1 else ''} late)"
            )
    return out


def blocked(dg: DependencyGraph, today: pd.Timestamp) -> pd.DataFrame:
    """Open initiatives waiting on a troubled upstream (see ``trouble``), directly or through
    other initiatives. One row per (initiative, troubled upstream), nearest first; ``via`` names
    the chain when it is indirect. Closed initiatives are not "blocked": they no longer wait.
    """
    cols = [
        "initiative_id",
        "name",
        "team",
        "status",
        "blocked_by",
        "blocked_by_name",
        "blocked_by_team",
        "hops",
        "via",
        "reason",
    ]
    g = dg.graph
    bad = trouble(dg, today)
    rows = []
    for up, reason in bad.items():
        paths = nx.single_source_shortest_path(g, up)
        for down, path in paths.items():
            if down == up or g.nodes[down]["status"] in CLOSED:
                continue
            rows.append(
                {
                    "initiative_id": down,
                    "name": g.nodes[down]["name"],
                    "team": g.nodes[down]["team"],
                    "status": g.nodes[down]["status"],
                    "blocked_by": up,
                    "blocked_by_name": g.nodes[up]["name"],
                    "blocked_by_team": g.nodes[up]["team"],
                    "hops": len(path) - 1,
                    "via": " → ".join(path[1:-1]),
                    "reason": f"{up} {g.nodes[up]['name']} {reason}",
                }
            )
    frame = pd.DataFrame(rows, columns=cols)
    return frame.sort_values(["hops", "initiative_id", "blocked_by"], kind="stable").reset_index(
        drop=True
    )


def cross_team_edges(dg: DependencyGraph) -> pd.DataFrame:
    """Edges whose two ends belong to different (known) teams."""
    cols = ["upstream", "upstream_team", "downstream", "downstream_team"]
    g = dg.graph
    rows = [
        (u, g.nodes[u]["team"], v, g.nodes[v]["team"])
        for u, v in g.edges
        if g.nodes[u]["team"]
        and g.nodes[v]["team"]
        and schema.fold_key(g.nodes[u]["team"]) != schema.fold_key(g.nodes[v]["team"])
    ]
    return pd.DataFrame(sorted(rows), columns=cols)


def date_conflicts(dg: DependencyGraph) -> pd.DataFrame:
    """Edges where the downstream initiative is due strictly before the upstream it waits for:
    the plan cannot hold as written."""
    cols = ["upstream", "upstream_target", "downstream", "downstream_target", "days"]
    g = dg.graph
    rows = []
    for u, v in g.edges:
        tu, tv = g.nodes[u]["target"], g.nodes[v]["target"]
        if tu is not None and tv is not None and tv < tu and u != v:
            rows.append((u, tu, v, tv, (tu - tv).days))
    return pd.DataFrame(sorted(rows, key=lambda r: (-r[4], r[0], r[2])), columns=cols)


@dataclass(frozen=True)
class CriticalPath:
    """The longest dependency chain and its dates."""

    nodes: list[str]
    table: pd.DataFrame  # step, initiative_id, name, team, status, target, target_label
    span_days: int | None  # first to last target date on the chain
    excluded: list[str]  # initiatives left out because they sit on a cycle

    @property
    def text(self) -> str:
        return " → ".join(self.nodes)


def critical_path(dg: DependencyGraph) -> CriticalPath:
    """The chain of dependencies with the most links, upstream to downstream.

    Ties go to the chain whose last initiative is due latest (it sets the finish date), then to
    the one spanning more calendar time between its first and last target dates, then to the
    smallest IDs, so the answer never depends on dictionary order. Cancelled initiatives are
    left out (nobody waits for them to finish) and so are initiatives on a cycle, which have no
    order; they are named in ``excluded``.
    """
    g = dg.graph.copy()
    g.remove_nodes_from([n for n, d in dg.graph.nodes(data=True) if d["status"] == "Cancelled"])
    on_cycle = sorted(
        {n for comp in nx.strongly_connected_components(g) if len(comp) > 1 for n in comp}
        | set(nx.nodes_with_selfloops(g))
    )
    g.remove_nodes_from(on_cycle)
    best: dict[str, tuple] = {}
    for node in nx.topological_sort(g):
        target = g.nodes[node]["target"]
        own = (0, _ord(target), 0, _neg_ids([node]), [node], target)
        candidates = [own]
        for up in g.predecessors(node):
            links, _, _, _, path, start = best[up]
            first = start if start is not None else target
            span = (target - first).days if target is not None and first is not None else 0
            candidates.append(
                (links + 1, _ord(target), span, _neg_ids([*path, node]), [*path, node], first)
            )
        best[node] = max(candidates, key=lambda c: c[:4])
    if not best:
        return CriticalPath([], _path_table(dg, []), None, on_cycle)
    chain = max(best.values(), key=lambda c: c[:4])
    nodes = chain[4]
    targets = [dg.graph.nodes[n]["target"] for n in nodes if dg.graph.nodes[n]["target"]]
    span = (max(targets) - min(targets)).days if len(targets) >= 2 else None
    return CriticalPath(nodes, _path_table(dg, nodes), span, on_cycle)


def _ord(ts: pd.Timestamp | None) -> int:
    return ts.value if ts is not None else -(2**62)


def _neg_ids(ids: list[str]) -> tuple:
    """Prefer the smaller IDs in ``max``: compare negated code points."""
    return tuple(tuple(-ord(ch) for ch in i) for i in ids)


def _path_table(dg: DependencyGraph, nodes: list[str]) -> pd.DataFrame:
    g = dg.graph
    return pd.DataFrame(
        {
            "step": range(1, len(nodes) + 1),
            "initiative_id": nodes,
            "name": [g.nodes[n]["name"] for n in nodes],
            "team": [g.nodes[n]["team"] for n in nodes],
            "status": [g.nodes[n]["status"] for n in nodes],
            "target": [g.nodes[n]["target"] for n in nodes],
            "target_label": [g.nodes[n]["target_label"] for n in nodes],
        }
    )


# --- views ---------------------------------------------------------------------------------------


def focus(
    dg: DependencyGraph, node: str, *, upstream: bool = True, downstream: bool = True
) -> DependencyGraph:
    """One initiative with everything it waits for (upstream) and everything waiting for it
    (downstream), transitively; edges among those only."""
    if node not in dg.graph:
        return DependencyGraph(nx.DiGraph(), dg.unknown_refs.iloc[0:0])
    keep = {node}
    if upstream:
        keep |= nx.ancestors(dg.graph, node)
    if downstream:
        keep |= nx.descendants(dg.graph, node)
    return DependencyGraph(dg.graph.subgraph(keep).copy(), dg.unknown_refs)


def filtered(
    dg: DependencyGraph,
    *,
    teams: Iterable[str] = (),
    objectives: Iterable[str] = (),
    neighbours: bool = True,
) -> DependencyGraph:
    """The initiatives of the chosen teams that serve the chosen objectives (an empty choice
    means all). With ``neighbours``, their direct upstreams and downstreams elsewhere stay in,
    marked ``context`` so the drawing can fade them: a filter must not hide a dependency that
    crosses its border."""
    teams_k = {schema.fold_key(t) for t in teams}
    objs_k = {schema.fold_key(o) for o in objectives}
    g = dg.graph
    core = {
        n
        for n, d in g.nodes(data=True)
        if (not teams_k or schema.fold_key(d["team"]) in teams_k)
        and (not objs_k or any(schema.fold_key(o) in objs_k for o in d["objectives"]))
    }
    keep = set(core)
    if neighbours:
        for n in core:
            keep |= set(g.predecessors(n)) | set(g.successors(n))
    sub = g.subgraph(keep).copy()
    for n in sub.nodes:
        sub.nodes[n]["context"] = n not in core
    if neighbours:
        # Only edges that touch the chosen initiatives: context nodes are not linked to each
        # other, or the filter would grow back into the whole map.
        sub.remove_edges_from(
            [(u, v) for u, v in list(sub.edges) if u not in core and v not in core]
        )
    return DependencyGraph(sub, dg.unknown_refs)


# --- DOT -----------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def dot_escape(text: object) -> str:
    """User text made safe inside a double-quoted DOT string.

    Backslashes are doubled first (Graphviz reads \\n, \\l, \\N, \\G… as escapes), then double
    quotes escaped; &, < and > become character entities, which Graphviz decodes in labels, so
    "R&D <beta>" shows as typed and can never open an HTML-like label; line breaks and other
    control characters become spaces.
    """
    s = _CONTROL.sub(" ", str(text))
    s = s.replace("\\", "\\\\").replace('"', '\\"')
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int = LABEL_CHARS) -> str:
    """Cut at a word boundary when possible, marked with an ellipsis; full text goes in the
    tooltip."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


def score_colour(score: float) -> tuple[str, str]:
    """(fill, text colour) for an alignment score on 0..100, from a viridis ramp in 5 bands."""
    i = min(int(max(score, 0.0) // 20), len(SCORE_RAMP) - 1)
    return SCORE_RAMP[i], SCORE_TEXT[i]


SCORE_BANDS = ("0–19", "20–39", "40–59", "60–79", "80–100")


def to_dot(
    dg: DependencyGraph,
    *,
    colour_by: str = "status",
    scores: Mapping[str, tuple[float | None, int | None]] | None = None,
    today: pd.Timestamp | None = None,
    highlight: str | None = None,
) -> str:
    """Graphviz DOT of the graph, readable at 100+ initiatives.

    Left-to-right ranks (upstream on the left), one cluster per team, labels "ID" + truncated
    name (full name, team, status and target in the tooltip). ``colour_by`` is "status" or
    "alignment"; for "alignment", ``scores`` maps an initiative ID to ``(score, n)`` as shown
    on the heatmaps: a missing or hidden score (None) is grey and says so, and every shown score
    carries its n. Cross-team edges are thick and wine-coloured; an initiative that is late or
    in trouble (``trouble``) gets a thick red border. ``highlight`` outlines one initiative.
    The legend is a separate drawing (``legend_dot``).
    """
    g = dg.graph
    scores = scores or {}
    bad = trouble(dg, today) if today is not None else {}
    lines = [
        "digraph dependencies {",
        '  graph [rankdir=LR, newrank=true, nodesep=0.25, ranksep=0.6, fontname="Helvetica", '
        'fontsize=12, compound=true, tooltip=" "];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, '
        'margin="0.12,0.06", penwidth=1, color="#4D4D4D"];',
        f'  edge [color="{EDGE_COLOUR}", arrowsize=0.7, penwidth=1];',
    ]
    ids = {n: f"n{i}" for i, n in enumerate(sorted(g.nodes))}
    by_team: dict[str, list[str]] = {}
    for n in sorted(g.nodes):
        by_team.setdefault(g.nodes[n]["team"], []).append(n)
    for c, team in enumerate(sorted(by_team, key=lambda t: (t == "", t.casefold()))):
        indent = "  "
        if team:
            lines.append(f"  subgraph cluster_{c} {{")
            lines.append(
                f'    label="{dot_escape(truncate(team, 40))}"; labeljust=l; '
                'style="rounded"; color="#BBBBBB"; fontcolor="#333333";'
            )
            indent = "    "
        for n in by_team[team]:
            lines.append(
                indent + _node(n, g.nodes[n], ids[n], colour_by, scores, bad, highlight == n)
            )
        if team:
            lines.append("  }")
    for u, v in sorted(g.edges):
        cross = (
            g.nodes[u]["team"]
            and g.nodes[v]["team"]
            and schema.fold_key(g.nodes[u]["team"]) != schema.fold_key(g.nodes[v]["team"])
        )
        tip = dot_escape(f"{v} waits for {u}" + (" (across teams)" if cross else ""))
        attrs = (
            f'color="{CROSS_TEAM_COLOUR}", penwidth=2.4, tooltip="{tip}"'
            if cross
            else f'tooltip="{tip}"'
        )
        lines.append(f"  {ids[u]} -> {ids[v]} [{attrs}];")
    lines.append("}")
    return "\n".join(lines)


def _node(
    n: str,
    d: Mapping,
    node_id: str,
    colour_by: str,
    scores: Mapping[str, tuple[float | None, int | None]],
    bad: Mapping[str, str],
    highlighted: bool,
) -> str:
    label = f"{dot_escape(truncate(n, 14))}\\n{dot_escape(truncate(d['name']))}"
    target = d["target_label"] or (d["target"].date().isoformat() if d["target"] else "—")
    tip = [
        f"{n}: {d['name']}",
        f"Team: {d['team'] or '—'}",
        f"Status: {d['status'] or '—'}",
        f"Target: {target}",
    ]
    font = "#000000"
    if colour_by == "alignment":
        score, n_resp = scores.get(n, (None, None))
        if score is None or (isinstance(score, float) and math.isnan(score)):
            fill = HIDDEN_FILL
            label += "\\nalignment hidden or none"
            tip.append("Alignment: not shown (no feedback, or too few respondents)")
        else:
            fill, font = score_colour(float(score))
            label += f"\\nscore {float(score):.0f} (n={n_resp})"
            tip.append(f"Alignment score {float(score):.0f} of 100, n = {n_resp}")
    else:
        fill = STATUS_FILLS.get(d["status"], OTHER_FILL)
        if d["status"]:
            label += f"\\n{dot_escape(truncate(d['status'], 14))}"
    if n in bad and colour_by == "alignment":
        # On the green rating fills a red border is hard to see for red-green colour-blind
        # readers (ΔE under 15 in simulation), so the box says it in words as well.
        label += "\\nlate or in trouble"
    attrs = [f'label="{label}"', f'fillcolor="{fill}"', f'fontcolor="{font}"']
    if n in bad:
        attrs += [f'color="{TROUBLE_BORDER}"', "penwidth=2.6"]
        tip.append(f"Warning: {n} {bad[n]}")
    if highlighted:
        attrs += ["penwidth=3.5", 'color="#000000"', 'style="rounded,filled,bold"']
    if d.get("context"):
        attrs += ['style="rounded,filled,dashed"']
        tip.append("Shown for context: outside the current filter")
    attrs.append('tooltip="' + "\\n".join(dot_escape(t) for t in tip) + '"')
    return f"{node_id} [{', '.join(attrs)}];"


def team_dot(dg: DependencyGraph, today: pd.Timestamp | None = None) -> str:
    """The map folded to teams: one box per team (its initiatives, how many are in trouble)
    and one arrow per pair of teams with the number of dependencies between them.

    A 100-initiative map drawn whole is a hairball at page width; this overview stays legible
    at any size and says where to focus (a team filter or one initiative) for the detail.
    """
    g = dg.graph
    bad = trouble(dg, today) if today is not None else {}
    teams: dict[str, list[str]] = {}
    for n, d in g.nodes(data=True):
        teams.setdefault(d["team"] or "(no team)", []).append(n)
    ids = {t: f"t{i}" for i, t in enumerate(sorted(teams, key=str.casefold))}
    links: dict[tuple[str, str], int] = {}
    for u, v in g.edges:
        tu, tv = g.nodes[u]["team"] or "(no team)", g.nodes[v]["team"] or "(no team)"
        if schema.fold_key(tu) != schema.fold_key(tv):
            links[(tu, tv)] = links.get((tu, tv), 0) + 1
    lines = [
        "digraph teams {",
        '  graph [rankdir=LR, nodesep=0.4, ranksep=0.9, fontname="Helvetica", tooltip=" "];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=16, '
        'fillcolor="#EEF3F8", color="#4D4D4D", margin="0.25,0.12"];',
        f'  edge [color="{CROSS_TEAM_COLOUR}", fontname="Helvetica", fontsize=14, '
        f'fontcolor="{CROSS_TEAM_COLOUR}", arrowsize=0.8];',
    ]
    for team in sorted(teams, key=str.casefold):
        members = teams[team]
        n_bad = sum(1 for m in members if m in bad)
        label = f"{dot_escape(truncate(team, 30))}\\n{len(members)} initiative" + (
            "s" if len(members) != 1 else ""
        )
        attrs = []
        if n_bad:
            label += f"\\n{n_bad} late or in trouble"
            attrs = [f'color="{TROUBLE_BORDER}"', "penwidth=2.4"]
        attrs.append(
            f'tooltip="{dot_escape(team)}: ' + dot_escape(", ".join(sorted(members))) + '"'
        )
        lines.append(f'  {ids[team]} [label="{label}", {", ".join(attrs)}];')
    for (tu, tv), count in sorted(links.items()):
        width = min(1 + count / 2, 6)
        lines.append(
            f'  {ids[tu]} -> {ids[tv]} [label="{count}", penwidth={width:.1f}, '
            f'tooltip="{count} dependencies: {dot_escape(tv)} waits for '
            f'{dot_escape(tu)}"];'
        )
    lines.append("}")
    return "\n".join(lines)


def legend_dot(colour_by: str = "status", any_trouble: bool = True) -> str:
    """A small DOT drawing of the legend, one row, for beside the map.

    Kept out of the map itself: inside it, the legend's width would set the scale at which a
    wide page shrinks the whole drawing, and a long legend row would make every box tiny.
    """
    lines = [
        "digraph legend {",
        '  graph [rankdir=LR, nodesep=0.15, ranksep=0.15, margin=0, tooltip=" "];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, '
        'height=0.3, margin="0.08,0.04", penwidth=1, color="#4D4D4D"];',
    ]
    if colour_by == "alignment":
        items = [(f"score {band}", *score_colour(20 * i + 1)) for i, band in enumerate(SCORE_BANDS)]
        items.append(("hidden or no feedback", HIDDEN_FILL, "#000000"))
    else:
        items = [(s, f, "#000000") for s, f in STATUS_FILLS.items()]
    names = []
    for i, (text, fill, font) in enumerate(items):
        names.append(f"lg{i}")
        lines.append(f'  lg{i} [label="{text}", fillcolor="{fill}", fontcolor="{font}"];')
    lines.append(
        f'  lgx [label="cross-team link →", shape=plaintext, style="", '
        f'fontcolor="{CROSS_TEAM_COLOUR}"];'
    )
    names.append("lgx")
    if any_trouble:
        lines.append(
            f'  lgt [label="late or in trouble", color="{TROUBLE_BORDER}", '
            'penwidth=2.6, fillcolor="#FFFFFF"];'
        )
        names.append("lgt")
    lines.append("  " + " -> ".join(names) + " [style=invis];")
    lines.append("}")
    return "\n".join(lines)


# --- helpers -------------------------------------------------------------------------------------


def scores_from_summary(summary: pd.DataFrame) -> dict[str, tuple[float | None, int | None]]:
    """Initiative → (score, n) from ``scoring``'s masked summary; masked rows give (None, None),
    so a hidden score can never reach the drawing."""
    out: dict[str, tuple[float | None, int | None]] = {}
    for ident, score, n, masked in zip(
        summary["initiative_id"], summary["score"], summary["n"], summary["masked"], strict=False
    ):
        if bool(masked) or score is None or pd.isna(score):
            out[str(ident)] = (None, None)
        else:
            out[str(ident)] = (float(score), int(n))
    return out


def map_table(
    dg: DependencyGraph, scores: Mapping[str, tuple[float | None, int | None]] | None = None
) -> pd.DataFrame:
    """The map as a table, for readers who cannot use the drawing: each initiative, what it
    waits for, and (coloured by rating) its mean rating and n, hidden exactly as in the map."""
    rows = []
    for ident, d in sorted(dg.graph.nodes(data=True)):
        row: dict[str, object] = {
            "initiative_id": ident,
            "initiative": d.get("name", ident),
            "team": d.get("team") or None,
            "status": d.get("status") or None,
            "depends on": ", ".join(sorted(dg.graph.predecessors(ident))) or "nothing",
            "needed by": ", ".join(sorted(dg.graph.successors(ident))) or "nothing",
        }
        if scores is not None:
            score, n = scores.get(ident, (None, None))
            row |= {"score": score, "n": n, "hidden": score is None}
        rows.append(row)
    return pd.DataFrame(rows)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _date(value: object) -> pd.Timestamp | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(ts) else ts.normalize()
