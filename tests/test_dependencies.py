"""The dependency map on small hand-made roadmaps: cycles, blocking, critical path, DOT."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from alignment import dependencies as dep

TODAY = pd.Timestamp("2026-11-25")


def roadmap(*rows: tuple) -> pd.DataFrame:
    """Rows of (id, depends_on, status, target, team[, name]) as the importer leaves them."""
    out = []
    for row in rows:
        ident, deps, status, target, team, *name = row
        out.append(
            {
                "id": ident,
                "name": name[0] if name else f"Initiative {ident}",
                "team": team,
                "status": status,
                "target": pd.Timestamp(target) if target else None,
                "target_label": target or "",
                "depends_on": tuple(deps),
                "objective_ids": (),
            }
        )
    return pd.DataFrame(out)


def test_edges_run_from_upstream_to_downstream_and_unknown_refs_are_kept() -> None:
    g = dep.build(
        roadmap(("A", [], "Planned", None, "T"), ("B", ["a", "Z-9"], "Planned", None, "T"))
    )
    assert list(g.graph.edges) == [("A", "B")]  # "a" matches A, ignoring case
    assert g.unknown_refs.to_dict("records") == [{"initiative_id": "B", "reference": "Z-9"}]


def test_references_by_name_are_resolved() -> None:
    g = dep.build(
        roadmap(("A", [], "Planned", None, "T", "Ledger"), ("B", ["ledger"], "Planned", None, "T"))
    )
    assert list(g.graph.edges) == [("A", "B")]


def test_cycles_are_found_and_written_the_same_way() -> None:
    g = dep.build(
        roadmap(
            ("A", ["C"], "Planned", None, "T"),
            ("B", ["A"], "Planned", None, "T"),
            ("C", ["B"], "Planned", None, "T"),
            ("D", ["D"], "Planned", None, "T"),
            ("E", ["A"], "Planned", None, "T"),
        )
    )
    found = dep.cycles(g)
    assert found == [["D"], ["A", "B", "C"]]
    assert dep.cycle_text(found[1]) == "A → B → C → A"


def test_no_cycles_in_a_tree() -> None:
    g = dep.build(roadmap(("A", [], "Planned", None, "T"), ("B", ["A"], "Planned", None, "T")))
    assert dep.cycles(g) == []


def test_blocked_directly_and_through_a_chain() -> None:
    g = dep.build(
        roadmap(
            ("A", [], "At risk", "2027-03-31", "Platform"),
            ("B", ["A"], "In progress", "2027-06-30", "Data"),
            ("C", ["B"], "Planned", "2027-09-30", "Apps"),
            ("D", ["A"], "Done", "2026-10-01", "Apps"),
        )
    )
    rows = dep.blocked(g, TODAY)
    assert rows[["initiative_id", "blocked_by", "hops", "via"]].values.tolist() == [
        ["B", "A", 1, ""],
        ["C", "A", 2, "B"],
    ]
    assert rows["reason"].iloc[0] == "A Initiative A is at risk"


def test_late_is_relative_to_today_and_ignores_done_work() -> None:
    g = dep.build(
        roadmap(
            ("A", [], "In progress", "2026-11-24", "T"),
            ("B", ["A"], "Planned", "2027-06-30", "T"),
            ("C", [], "Done", "2026-01-01", "T"),
            ("D", ["C"], "Planned", "2027-06-30", "T"),
            ("E", [], "In progress", "2026-11-25", "T"),
            ("F", ["E"], "Planned", "2027-06-30", "T"),
        )
    )
    trouble = dep.trouble(g, TODAY)
    assert trouble == {"A": "was due 2026-11-24 and is not done (1 day late)"}
    assert dep.blocked(g, TODAY)["initiative_id"].tolist() == ["B"]
    assert dep.blocked(g, pd.Timestamp("2026-11-20")).empty


def test_cancelled_dependency_blocks() -> None:
    g = dep.build(roadmap(("A", [], "Cancelled", None, "T"), ("B", ["A"], "Planned", None, "T")))
    assert dep.blocked(g, TODAY)["reason"].tolist() == ["A Initiative A is cancelled"]


def test_critical_path_is_the_longest_chain() -> None:
    g = dep.build(
        roadmap(
            ("A", [], "Planned", "2027-01-31", "T"),
            ("B", ["A"], "Planned", "2027-03-31", "T"),
            ("C", ["B"], "Planned", "2027-06-30", "T"),
            ("D", ["C"], "Planned", "2027-09-30", "T"),
            ("X", [], "Planned", "2028-12-31", "T"),  # due latest, but a chain of one
            ("Y", ["A"], "Planned", "2027-04-30", "T"),
        )
    )
    path = dep.critical_path(g)
    assert path.nodes == ["A", "B", "C", "D"]
    assert path.text == "A → B → C → D"
    assert path.span_days == (pd.Timestamp("2027-09-30") - pd.Timestamp("2027-01-31")).days
    assert path.table["step"].tolist() == [1, 2, 3, 4]


def test_critical_path_ties_go_to_the_later_finish() -> None:
    g = dep.build(
        roadmap(
            ("A", [], "Planned", "2027-01-31", "T"),
            ("B", ["A"], "Planned", "2027-03-31", "T"),
            ("C", [], "Planned", "2027-01-31", "T"),
            ("D", ["C"], "Planned", "2027-12-31", "T"),
        )
    )
    assert dep.critical_path(g).nodes == ["C", "D"]


def test_critical_path_leaves_out_cycles_and_cancelled_work() -> None:
    g = dep.build(
        roadmap(
            ("A", ["B"], "Planned", None, "T"),
            ("B", ["A"], "Planned", None, "T"),
            ("C", ["A"], "Planned", None, "T"),
            ("D", [], "Cancelled", None, "T"),
            ("E", ["D"], "Planned", None, "T"),
            ("F", ["E"], "Planned", None, "T"),
        )
    )
    path = dep.critical_path(g)
    assert path.excluded == ["A", "B"]
    assert path.nodes == ["E", "F"]


def test_empty_roadmap() -> None:
    g = dep.build(roadmap())
    assert dep.cycles(g) == [] and dep.critical_path(g).nodes == []
    assert dep.blocked(g, TODAY).empty and "digraph" in dep.to_dot(g)


def test_cross_team_edges_and_date_conflicts() -> None:
    g = dep.build(
        roadmap(
            ("A", [], "Planned", "2027-06-30", "Platform"),
            ("B", ["A"], "Planned", "2027-03-31", "Payments"),
            ("C", ["A"], "Planned", "2027-09-30", "platform "),
        )
    )
    assert dep.cross_team_edges(g)[["upstream", "downstream"]].values.tolist() == [["A", "B"]]
    conflicts = dep.date_conflicts(g)
    assert conflicts[["upstream", "downstream", "days"]].values.tolist() == [["A", "B", 91]]


def test_focus_keeps_upstream_and_downstream_only() -> None:
    g = dep.build(
        roadmap(
            ("A", [], "Planned", None, "T"),
            ("B", ["A"], "Planned", None, "T"),
            ("C", ["B"], "Planned", None, "T"),
            ("D", [], "Planned", None, "T"),
            ("E", ["D"], "Planned", None, "T"),
        )
    )
    assert set(dep.focus(g, "B").graph.nodes) == {"A", "B", "C"}
    assert set(dep.focus(g, "B", downstream=False).graph.nodes) == {"A", "B"}
    assert len(dep.focus(g, "nope")) == 0


def test_filter_by_team_keeps_cross_border_neighbours_as_context() -> None:
    rows = roadmap(
        ("A", [], "Planned", None, "Platform"),
        ("B", ["A"], "Planned", None, "Data"),
        ("C", ["B"], "Planned", None, "Apps"),
        ("D", ["C"], "Planned", None, "Apps"),
    )
    rows.loc[1, "objective_ids"] = ("G1",)
    g = dep.build(rows)
    sub = dep.filtered(g, teams=["data"])
    assert set(sub.graph.nodes) == {"A", "B", "C"}
    assert {n: d["context"] for n, d in sub.graph.nodes(data=True)} == {
        "A": True,
        "B": False,
        "C": True,
    }
    assert set(dep.filtered(g, teams=["Data"], neighbours=False).graph.nodes) == {"B"}
    assert set(dep.filtered(g, objectives=["g1"], neighbours=False).graph.nodes) == {"B"}


# --- DOT -----------------------------------------------------------------------------------------


def _strings(dot: str) -> list[str]:
    """Every double-quoted string of a DOT text, honouring backslash escapes; fails if a quote
    is left open (the text would not parse)."""
    out, i = [], 0
    while i < len(dot):
        if dot[i] == '"':
            j, buf = i + 1, []
            while True:
                assert j < len(dot), "unterminated string"
                if dot[j] == "\\":
                    buf.append(dot[j : j + 2])
                    j += 2
                    continue
                if dot[j] == '"':
                    break
                buf.append(dot[j])
                j += 1
            out.append("".join(buf))
            i = j + 1
        else:
            i += 1
    return out


def _outside_strings(dot: str) -> str:
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', dot)


def test_user_text_is_escaped_in_dot() -> None:
    nasty = 'Q"uote \\ back <b>bold</b> & {x} \n newline ]; evil -> n0 ["'
    g = dep.build(
        roadmap(
            ("A", [], "Planned", None, 'Team "X" <y>', nasty), ("B", ["A"], "Planned", None, "T")
        )
    )
    dot = dep.to_dot(g, today=TODAY)
    strings = _strings(dot)  # every string closes
    structure = _outside_strings(dot)
    assert "evil" not in structure and "<b>" not in dot
    assert structure.count("{") == structure.count("}")
    label = next(s for s in strings if s.startswith("A\\n"))
    assert '\\"' in label and "&lt;b&gt;" in label
    assert "\n" not in label
    tooltip = next(s for s in strings if s.startswith("A: "))
    assert "\\\\ back" in tooltip  # the user's backslash is doubled, not an escape
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; {x}" in tooltip


def test_legend_names_every_colour_in_words() -> None:
    status = dep.legend_dot("status")
    assert all(f'label="{s}"' in status for s in dep.STATUS_FILLS)
    assert "cross-team link" in status and "late or in trouble" in status
    score = dep.legend_dot("alignment", any_trouble=False)
    assert "hidden or no feedback" in score and "late or in trouble" not in score
    _strings(status)
    _strings(score)


def test_dot_escape() -> None:
    assert dep.dot_escape('a"b') == 'a\\"b'
    assert dep.dot_escape("a\\nb") == "a\\\\nb"
    assert dep.dot_escape("<R&D>") == "&lt;R&amp;D&gt;"
    assert dep.dot_escape("a\nb\tc") == "a b c"


def test_dot_clusters_teams_and_highlights_cross_team_edges() -> None:
    g = dep.build(
        roadmap(
            ("A", [], "At risk", None, "Platform"),
            ("B", ["A"], "Planned", None, "Data"),
            ("C", ["B"], "Planned", None, "Data"),
        )
    )
    dot = dep.to_dot(g, today=TODAY)
    assert "rankdir=LR" in dot
    assert dot.count("subgraph cluster_") == 2  # one per team
    cross = [line for line in dot.splitlines() if "->" in line and dep.CROSS_TEAM_COLOUR in line]
    same = [
        line
        for line in dot.splitlines()
        if "->" in line and "invis" not in line and dep.CROSS_TEAM_COLOUR not in line
    ]
    assert len(cross) == 1 and len(same) == 1
    assert dep.TROUBLE_BORDER in dot  # A is at risk
    # Coloured by rating (green fills), trouble is said in words too, not by the red border
    # alone, which red-green colour-blind readers lose against green.
    by_score = dep.to_dot(g, today=TODAY, colour_by="alignment", scores={})
    a_line = next(line for line in by_score.splitlines() if 'label="A\\n' in line)
    assert "late or in trouble" in a_line


def test_dot_colours_by_alignment_and_greys_hidden_scores() -> None:
    g = dep.build(roadmap(("A", [], "Planned", None, "T"), ("B", ["A"], "Planned", None, "T")))
    summary = pd.DataFrame(
        {
            "initiative_id": ["A", "B"],
            "score": [85.0, None],
            "n": pd.array([12, pd.NA], dtype="Int64"),
            "masked": [False, True],
        }
    )
    scores = dep.scores_from_summary(summary)
    assert scores == {"A": (85.0, 12), "B": (None, None)}
    dot = dep.to_dot(g, colour_by="alignment", scores=scores)
    a_line = next(line for line in dot.splitlines() if line.strip().startswith("n0 "))
    b_line = next(line for line in dot.splitlines() if line.strip().startswith("n1 "))
    assert "score 85 (n=12)" in a_line and dep.SCORE_RAMP[4] in a_line
    assert dep.HIDDEN_FILL in b_line and "hidden" in b_line and "n=" not in b_line


def test_dot_stays_readable_on_a_large_roadmap() -> None:
    teams = ["Platform", "Payments", "Data", "Mobile", "Apps"]
    rows = [
        (
            f"P-{i:03d}",
            [f"P-{i - 5:03d}"] if i >= 5 else [],
            "Planned",
            "2027-06-30",
            teams[i % 5],
            "A rather long initiative name that goes on and on " + str(i),
        )
        for i in range(120)
    ]
    g = dep.build(roadmap(*rows))
    dot = dep.to_dot(g, today=TODAY)
    labels = [s for s in _strings(dot) if re.match(r"P-\d{3}\\n", s)]
    assert len(labels) == 120
    assert all(len(s.split("\\n")[1]) <= dep.LABEL_CHARS for s in labels)
    assert dot.count("subgraph cluster_") == 5
    assert len(dep.critical_path(g).nodes) == 24


def test_team_overview_counts_links_between_teams() -> None:
    g = dep.build(
        roadmap(
            ("A", [], "At risk", None, "Platform"),
            ("B", ["A"], "Planned", None, "Data"),
            ("C", ["A"], "Planned", None, "Data"),
            ("D", ["C"], "Planned", None, "Data"),
            ("E", [], "Planned", None, 'R&D "Labs"'),
        )
    )
    dot = dep.team_dot(g, TODAY)
    edges = [line for line in dot.splitlines() if "->" in line]
    assert len(edges) == 1 and 'label="2"' in edges[0]  # Platform → Data, twice
    assert "Data\\n3 initiatives" in dot and "Platform\\n1 initiative\\n1 late or in trouble" in dot
    assert 'R&amp;D \\"Labs\\"' in dot
    _strings(dot)


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("Short", "Short"),
        ("Booking monolith decomposition and more", "Booking monolith…"),
        ("Abcdefghijklmnopqrstuvwxyzabcdefgh", "Abcdefghijklmnopqrstuvwxyza…"),
    ],
)
def test_truncate(text: str, cut: str) -> None:
    assert dep.truncate(text) == cut


def test_the_map_has_a_table_with_the_same_masking() -> None:
    g = dep.build(roadmap(("A", [], "Planned", None, "T"), ("B", ["A"], "Planned", None, "T")))
    table = dep.map_table(g, {"A": (85.0, 12), "B": (None, None)})
    a, b = table.set_index("initiative_id").loc["A"], table.set_index("initiative_id").loc["B"]
    assert a["needed by"] == "B" and b["depends on"] == "A"
    assert a["score"] == 85.0 and a["n"] == 12 and not a["hidden"]
    assert b["hidden"] and pd.isna(b["score"]) and pd.isna(b["n"])
    assert "score" not in dep.map_table(g).columns  # coloured by status: no ratings at all
