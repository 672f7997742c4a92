"""Hypothesis: every analysis runs, without raising, on whatever an import can produce.

The importer's own fuzzing (test_fuzz_import.py) shows it never raises; this goes one step on:
random but importable tables (odd IDs, missing values, one-person groups, a single side, no
dates, cycles in dependencies, strange metrics) through scoring, the overview's sentences,
coverage, the report, briefs, indicators, dependencies and the stakeholder tracker.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignment import briefs, coverage, dependencies, indicators, narrative, scoring, stakeholders
from alignment.excel_report import report_tables
from alignment.ingest import SourceFile, import_files
from alignment.privacy import Privacy

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)
IDS = st.sampled_from(["P-1", "P-2", "p-2 ", "P-3", "X", "", "=1+1"])
GROUPS = st.sampled_from(["Sales", "Engineering", "Data", "Legal", "", "Mystery", "<b>x</b>"])
RATINGS = st.one_of(st.integers(-1, 8), st.sampled_from(["Agree", "n/a", "", "3,5", "High"]))


def _csv(rows: list[list[object]]) -> bytes:
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    return frame.to_csv(index=False).encode("utf-8")  # test input, not an export


@st.composite
def workbooks(draw) -> list[SourceFile]:
    initiatives = [
        [
            "Initiative ID",
            "Name",
            "Team",
            "Objective(s)",
            "Depends on",
            "Why",
            "Status",
            "Effort",
            "Target",
        ]
    ]
    for _ in range(draw(st.integers(0, 5))):
        initiatives.append(
            [
                draw(IDS),
                draw(TEXT),
                draw(st.sampled_from(["A", "B", ""])),
                draw(st.sampled_from(["G1", "G1, G2", "", "G9"])),
                draw(st.sampled_from(["", "P-1", "P-2", "P-1; P-3"])),
                draw(TEXT),
                draw(st.sampled_from(["At risk", "Done", "weird", ""])),
                draw(st.sampled_from(["3", "XL", "-2", "", "many"])),
                draw(st.sampled_from(["Q3 2027", "2020-01-01", "", "soon"])),
            ]
        )
    feedback = [
        ["Respondent", "Group", "Initiative", "Priority", "Business value", "Comment", "Date"]
    ]
    for _ in range(draw(st.integers(0, 30))):
        feedback.append(
            [
                draw(st.sampled_from(["a", "b", "c", "d", ""])),
                draw(GROUPS),
                draw(IDS),
                draw(RATINGS),
                draw(RATINGS),
                draw(TEXT),
                draw(st.sampled_from(["2026-09-01", "2026-10-15", "", "bad"])),
            ]
        )
    objectives = [
        ["Objective ID", "Objective", "Weight"],
        ["G1", "Grow", "60"],
        ["G2", "Save", draw(st.sampled_from(["40", "-5", "", "x"]))],
    ]
    indicator_rows = [["Period", "Scope", "Metric", "Value"]]
    for m in range(draw(st.integers(0, 8))):
        indicator_rows.append(
            [
                f"2026-{1 + m % 12:02d}",
                draw(st.sampled_from(["A", "B", ""])),
                draw(st.sampled_from(["escalations", "risk", "odd metric"])),
                draw(st.sampled_from(["1", "0", "7", "", "-3", "1e9"])),
            ]
        )
    people = [
        ["Name", "Influence", "Interest", "Last 1:1", "Cadence"],
        [
            "Ann",
            draw(st.sampled_from(["High", "", "9"])),
            "Low",
            draw(st.sampled_from(["2024-02-29", "", "never"])),
            draw(st.sampled_from(["monthly", "weekly", "", "45"])),
        ],
    ]
    return [
        SourceFile("initiatives.csv", _csv(initiatives)),
        SourceFile("objectives.csv", _csv(objectives)),
        SourceFile("feedback.csv", _csv(feedback)),
        SourceFile("indicators.csv", _csv(indicator_rows)),
        SourceFile("stakeholders.csv", _csv(people)),
    ]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(workbooks(), st.integers(1, 4))
def test_every_analysis_runs_on_anything_importable(files, k_min) -> None:
    result = import_files(files)
    ds = result.dataset
    privacy = Privacy(k_min, k_min)
    fb = scoring.prepare(ds.feedback)
    views = scoring.views(fb, privacy)
    for freq in ("M", "Q"):
        scoring.trend(fb, privacy, freq)
    narrative.headline(ds, views, fb, privacy)
    narrative.most_misaligned(views, ds.initiative_names(), ds.dimensions)
    coverage.coverage(ds)
    tables = report_tables(ds, privacy)
    assert (tables["Alignment by group"]["n"].dropna() >= k_min).all()
    data = briefs.prepare(ds, privacy)
    briefs.portfolio(data)
    for ident in list(ds.initiatives["id"])[:2]:
        briefs.initiative_briefs(data, ident)
    detection = indicators.detect(ds.indicators)
    indicators.risk_index(detection, views.summary, ds.initiatives)
    graph = dependencies.build(ds.initiatives)
    today = pd.Timestamp("2026-11-25")
    dependencies.cycles(graph)
    dependencies.blocked(graph, today)
    dependencies.critical_path(graph)
    dependencies.to_dot(graph)
    stakeholders.tracker(ds.stakeholders, dt.date(2026, 11, 25))
    stakeholders.grid(ds.stakeholders)
