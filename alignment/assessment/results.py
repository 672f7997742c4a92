"""What the self-assessment page shows, as plain frames: built here so the page only lays out.

Each function takes the leader's ``Result``, the one to compare with, the team's masked view
and the evidence's step scores, and returns what one part of the page draws: the chart's tidy
frame, the step-by-step table, the readings that differ, the history table. Team figures arrive
masked (``scores.team_view``), so no table here can show what the masking hid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from alignment.assessment.bank import Bank
from alignment.assessment.scores import (
    Completed,
    Difference,
    Result,
    TeamView,
    evidence_differences,
    scores_frame,
    team_differences,
    trend_frame,
)
from alignment.charts import assessment as charts

WATCH = ("blind spot", "evidence lower")  # readings that suggest the practice is weaker
KEEP = ("hidden strength", "evidence higher")  # readings that suggest it is stronger


def chart_frame(
    bank: Bank,
    result: Result,
    previous: Result | None = None,
    team: TeamView | None = None,
    *,
    detailed: bool = True,
) -> pd.DataFrame:
    """Tidy ``step, label, title, series, score`` for the radar and the bars: now, last time, team.

    ``detailed`` adds the team's n per step (``n_text``) and, on the "now" rows, the change since
    last time, for the page's chart and its table; the PDF's small radar needs neither.
    """
    labels = {s.number: s.label for s in bank.steps}
    series = {charts.NOW: result.scores()}
    counts: dict[str, dict[int, int | None]] = {charts.NOW: {}}
    if previous is not None:
        series[charts.PREVIOUS] = previous.scores()
    if team is not None:
        series[charts.TEAM] = team.scores()
        counts[charts.TEAM] = {s.step: s.n for s in team.steps}
    if not detailed:
        return charts.series_frame(series, labels)
    frame = charts.series_frame(series, labels, {s.number: s.title for s in bank.steps}, counts)
    change = scores_frame(result, previous)
    frame = frame.merge(change[["step", "change"]], on="step", how="left")
    frame.loc[frame["series"] != charts.NOW, "change"] = None
    return frame


def steps_table(
    result: Result,
    previous: Result | None,
    team: TeamView | None,
    evidence: Mapping[int, float | None],
    k_min: int,
) -> pd.DataFrame:
    """One row per step: score, change, level, "Don't know", the team (when there is a closed
    round; hidden below ``k_min``) and what the data says. Column names are the page's labels."""
    change = scores_frame(result, previous).set_index("step")["change"]
    rows = []
    for s in result.steps:
        t = team.step(s.number) if team is not None else None
        ev = evidence.get(s.number)
        rows.append(
            {
                "Step": s.label,
                "Score": s.score,
                "Change": change.get(s.number),
                "Level": s.level.name if s.level else "Not scored",
                "Don't know": s.dont_know,
                "Team (n)": ""
                if t is None
                else (f"hidden (< {k_min})" if t.masked else f"{t.score:.0f} ({t.n})"),
                "Data says": "no data" if ev is None else f"{ev:.0f}",
            }
        )
    table = pd.DataFrame(rows)
    return table.drop(columns=["Team (n)"]) if team is None else table


def readings(
    result: Result, evidence: Mapping[int, float | None], team: TeamView | None = None
) -> tuple[list[Difference], list[Difference]]:
    """The steps where the readings differ: (to watch, to keep doing), each in step order.

    To watch: the data or the team sees less than the leader does; to keep: they see more.
    """
    found = evidence_differences(result, evidence)
    if team is not None:
        found += team_differences(result, team)
    watch = sorted((d for d in found if d.kind in WATCH), key=lambda d: d.step)
    keep = sorted((d for d in found if d.kind in KEEP), key=lambda d: d.step)
    return watch, keep


def history_table(bank: Bank, history: Sequence[Completed]) -> pd.DataFrame:
    """One row per saved assessment, latest first: when, the overall score, each step's score."""
    trend = trend_frame(bank, history)
    wide = trend.pivot_table(
        index=["id", "completed_at"], columns="label", values="score", aggfunc="first"
    ).reset_index()
    overall = {c.id: c.overall for c in history}
    wide.insert(2, "Overall", wide["id"].map(overall))
    wide = wide.sort_values("completed_at", ascending=False).drop(columns=["id"])
    return wide.rename(columns={"completed_at": "Completed"})
