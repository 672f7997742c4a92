"""The assessment's charts and its one-page report (Markdown and PDF)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pypdf
import pytest
import yaml

from alignment import assessment as a
from alignment import documents
from alignment.assessment import evidence, report
from alignment.charts import assessment as charts
from alignment.charts import render
from alignment.dataset import Dataset, table_columns
from alignment.privacy import Privacy

BANK = a.load_bank()
LABELS = {s.number: s.label for s in BANK.steps}
PRIVACY = Privacy(k_min=3)


def _answers(values: dict[int, int]) -> dict[str, int | None]:
    out = {}
    for step in BANK.steps:
        v = values.get(step.number, 4)
        for s in step.statements:
            out[s.id] = 6 - v if s.reverse else v
    return out


def _member(value: int, skip_step: int | None = None) -> dict[str, int | None]:
    out = {s.id: (6 - value if s.reverse else value) for s in BANK.team_statements()}
    if skip_step:
        for s in BANK.step(skip_step).statements:
            out.pop(s.id)
    return out


@pytest.fixture
def data() -> report.ReportData:
    answers = _answers({1: 5, 4: 2, 2: 3, 6: 2})
    result = a.score(BANK, answers)
    previous = a.score(BANK, _answers({}))
    # Step 3 rests on two people only: hidden.
    team = a.team_view(
        BANK, [_member(3), _member(3, skip_step=3), _member(3, skip_step=3), _member(3)], PRIVACY
    )
    initiatives = pd.DataFrame(
        [
            dict.fromkeys(table_columns("initiatives"))
            | {
                "id": "P-1",
                "why": "TBD",
                "status": "Planned",
                "objective_ids": (),
                "depends_on": (),
            }
        ]
    )
    ev = evidence.gather(
        Dataset(initiatives=initiatives), PRIVACY, team=team, today=dt.date(2026, 11, 25)
    )
    return report.ReportData(
        bank=BANK,
        result=result,
        when=dt.datetime(2026, 11, 25, tzinfo=dt.UTC),
        actions=a.next_actions(BANK, answers, result),
        previous=previous,
        previous_at=dt.datetime(2026, 8, 1, tzinfo=dt.UTC),
        evidence=ev,
        team=team,
        team_title="Data *team* <b>",
        data_name="roadmap.xlsx",
        page_titles={"app_pages/indicators.py": "Indicators"},
    )


# --- charts -------------------------------------------------------------------------------------


def _frame(**series: dict[int, float | None]) -> pd.DataFrame:
    return charts.series_frame(series, LABELS)


def test_radar_draws_seven_labelled_spokes_and_a_closed_line_per_series() -> None:
    spec = charts.radar(
        _frame(
            **{
                charts.NOW: dict.fromkeys(LABELS, 50.0),
                charts.PREVIOUS: dict.fromkeys(LABELS, 40.0),
            }
        )
    ).to_dict()
    text = json.dumps(spec)
    for label in LABELS.values():
        assert label in text
    data = pd.DataFrame(next(v for v in spec["datasets"].values() if v and "series" in v[0]))
    # Seven points plus the closing one per series, the closing one back at the first spoke.
    assert (data.groupby("series").size() == 8).all()
    now = data[data["series"] == charts.NOW].sort_values("order")
    assert now["x"].iloc[0] == pytest.approx(now["x"].iloc[-1])
    assert now["y"].iloc[0] == pytest.approx(50)  # the first step points straight up
    assert (
        charts.SERIES_COLOURS[charts.NOW] in text and charts.SERIES_COLOURS[charts.PREVIOUS] in text
    )


def test_a_missing_score_is_a_gap_not_a_zero() -> None:
    frame = charts.radar_frame(_frame(**{charts.TEAM: {1: 60.0, 2: None, 3: 70.0}}))
    row = frame[(frame["step"] == 2)]
    assert row["x"].isna().all() and row["y"].isna().all()
    assert (frame["score_text"] == "–").sum() == 5  # steps 2, 4-7 (the closing point is step 1)


def test_bars_show_the_change_in_words() -> None:
    frame = _frame(
        **{charts.NOW: dict.fromkeys(LABELS, 60.0), charts.PREVIOUS: dict.fromkeys(LABELS, 45.0)}
    )
    frame["change"] = None
    frame.loc[frame["series"] == charts.NOW, "change"] = 15.0
    text = json.dumps(charts.bars(frame).to_dict(), ensure_ascii=False)
    assert "▲ +15" in text and "Score (0 = not at all, 100 = fully embedded)" in text


def test_charts_render_to_png_without_a_browser() -> None:
    png = render.to_png(charts.radar(_frame(**{charts.NOW: {n: 10.0 * n for n in LABELS}})))
    assert png.startswith(b"\x89PNG")


def test_team_chart_says_why_a_step_is_hidden(data: report.ReportData) -> None:
    frame = a.team_frame(data.result, data.team)
    text = json.dumps(charts.team_dumbbell(frame, k_min=3).to_dict())
    assert "team: hidden, fewer than 3 answers" in text


def test_trend_has_a_panel_per_step() -> None:
    history = [
        a.Completed(
            i, dt.datetime(2026, i, 1, tzinfo=dt.UTC), {}, dict.fromkeys(LABELS, 10.0 * i), 10.0 * i
        )
        for i in (1, 2, 3)
    ]
    spec = charts.trend(a.trend_frame(BANK, history)).to_dict()
    assert spec["facet"]["field"] == "label" and spec["columns"] == 4


# --- report -------------------------------------------------------------------------------------


def test_markdown_report_has_scores_levels_differences_evidence_and_actions(
    data: report.ReportData,
) -> None:
    md = report.markdown(data)
    assert md.startswith("# Alignment practice: the 7-step self-assessment")
    assert "Completed 25 November 2026 · evidence from roadmap\\.xlsx" in md
    assert "| 1 Translator | 100 | +25 | Embedded |" in md
    assert "| 3 Communication | 75 | 0 | Managed |" in md and "hidden (< 3)" in md
    assert "█" in md  # the text chart
    assert "your team rates you 50 (n = 4). A blind spot" in md
    assert "Step 6 The WHY: you say 25, the data says 0" in md
    assert "## Next actions" in md and "*Workbench: Indicators.*" in md
    assert "Data \\*team\\* \\<b\\>" in md  # the leader's own title cannot become markup
    assert "Initiatives with a WHY: 0**" in md


def test_pdf_report_is_one_page_with_the_chart_and_the_text(data: report.ReportData) -> None:
    png = render.to_png(
        charts.radar(_frame(**{charts.NOW: data.result.scores()}), size=280, font_size=15)
    )
    pdf = report.pdf(data, png)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for words in (
        "the 7-step self-assessment",
        "Overall",
        "Where the readings differ",
        "Evidence from the data",
        "Next actions for the three weakest steps",
        "Maturity levels",
        "Embedded",
        "blind spot",
    ):
        assert words in text, words
    assert reader.pages[0].images  # the radar


def test_pdf_keeps_any_script_with_a_unicode_font(data: report.ReportData) -> None:
    if documents.unicode_font() is None:
        pytest.skip("no Unicode TTF on this machine (the fallback is tested below)")
    pdf = report.pdf(report.ReportData(**{**data.__dict__, "data_name": "Zürich→Łódź.xlsx"}))
    assert "Zürich→Łódź.xlsx" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_pdf_without_a_unicode_font_replaces_text_rather_than_losing_it(
    data: report.ReportData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents, "unicode_font", lambda: None)
    pdf = report.pdf(report.ReportData(**{**data.__dict__, "data_name": "données→2026.xlsx"}))
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "données->2026.xlsx" in text


def test_a_longer_edited_bank_is_cut_at_the_page_end_and_says_so(data: report.ReportData) -> None:
    raw = yaml.safe_load(a.BANK_PATH.read_text(encoding="utf-8"))
    for step in raw["steps"]:
        for action in step["actions"]:
            action["text"] = " ".join([action["text"]] * 6)
    bank = a.parse_bank(yaml.safe_dump(raw))
    answers = _answers({1: 5, 4: 2, 2: 3, 6: 2})
    long = report.ReportData(
        **{**data.__dict__, "bank": bank, "actions": a.next_actions(bank, answers)}
    )
    reader = pypdf.PdfReader(io.BytesIO(report.pdf(long)))
    assert len(reader.pages) == 1
    assert "the Markdown report has it all" in reader.pages[0].extract_text()
    assert (
        "the Markdown report has it all"
        not in pypdf.PdfReader(io.BytesIO(report.pdf(data))).pages[0].extract_text()
    )
