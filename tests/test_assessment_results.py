"""The self-assessment page's frames, built in the core: chart, steps table, readings, history."""

from __future__ import annotations

import datetime as dt

from alignment import assessment as a
from alignment.assessment import results
from alignment.charts import assessment as charts
from alignment.privacy import Privacy

BANK = a.load_bank()


def _answers(values: dict[int, int]) -> dict[str, int | None]:
    """Step n scores (values[n] - 1) / 4 * 100 (default 4 -> 75)."""
    return {
        s.id: (6 - values.get(step.number, 4) if s.reverse else values.get(step.number, 4))
        for step in BANK.steps
        for s in step.statements
    }


def _member(value: int) -> dict[str, int | None]:
    return {s.id: (6 - value if s.reverse else value) for s in BANK.team_statements()}


def test_chart_frame_has_each_series_and_the_change_on_now_rows_only() -> None:
    now = a.score(BANK, _answers({1: 5}))
    before = a.score(BANK, _answers({1: 3}))
    team = a.team_view(BANK, [_member(3)] * 3, Privacy(k_min=3))
    frame = results.chart_frame(BANK, now, before, team)
    assert set(frame["series"]) == {charts.NOW, charts.PREVIOUS, charts.TEAM}
    assert len(frame) == 3 * 7
    step1 = frame[frame["step"] == 1].set_index("series")
    assert step1.loc[charts.NOW, "change"] == 50
    assert step1[["change"]].drop(index=charts.NOW).isna().all().item()
    assert step1.loc[charts.TEAM, "n_text"] == "3" and step1.loc[charts.NOW, "n_text"] == ""
    small = results.chart_frame(BANK, now, detailed=False)
    assert list(small.columns) == ["step", "label", "title", "series", "score"]
    assert set(small["series"]) == {charts.NOW}


def test_steps_table_masks_a_small_team_and_drops_the_column_without_one() -> None:
    now = a.score(BANK, _answers({}))
    few = a.team_view(BANK, [_member(3)] * 2, Privacy(k_min=3))
    table = results.steps_table(now, None, few, {1: 40.0}, 3)
    assert list(table["Team (n)"]) == ["hidden (< 3)"] * 7
    assert table["Data says"].tolist()[:2] == ["40", "no data"]
    assert "Team (n)" not in results.steps_table(now, None, None, {}, 3).columns


def test_readings_split_what_to_watch_from_what_to_keep_in_step_order() -> None:
    now = a.score(BANK, _answers({1: 5, 2: 2, 3: 4}))  # 100, 25, 75, then 75
    team = a.team_view(BANK, [_member(3)] * 3, Privacy(k_min=3))  # 50 everywhere
    watch, keep = results.readings(now, {2: 80.0}, team)
    assert [(d.step, d.kind) for d in keep] == [(2, "evidence higher"), (2, "hidden strength")]
    assert [d.step for d in watch] == [1, 3, 4, 5, 6, 7]
    assert all(d.kind == "blind spot" for d in watch)


def test_history_table_is_latest_first_with_the_overall_score() -> None:
    saved = [
        a.Completed(
            i, dt.datetime(2026, 1, day, tzinfo=dt.UTC), {}, dict.fromkeys(range(1, 8), v), v
        )
        for i, day, v in ((1, 1, 40.0), (2, 10, 60.0))
    ]
    table = results.history_table(BANK, saved)
    assert list(table.columns[:2]) == ["Completed", "Overall"]
    assert table["Overall"].tolist() == [60.0, 40.0]
    assert len(table.columns) == 2 + 7
