"""Survey tools' exports, as the tools really write them, read with no manual step.

Every fixture under tests/fixtures/exports/ writes the same answers (``truth.py``) the way one
tool writes its export (docs/formats.md gives the evidence for each). So each export must give
exactly the ratings, respondents and scores that the same answers typed into the workbench's own
template give, and a hand computation from the answers themselves.
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignment import scoring
from alignment.cli import main as cli_main
from alignment.ingest import ImportChoices, ImportResult, SourceFile, import_files
from alignment.ingest.layouts import readings
from alignment.privacy import Privacy
from alignment.readers import read_file

EXPORTS = Path(__file__).resolve().parent / "fixtures" / "exports"
sys.path.insert(0, str(EXPORTS))
import truth  # noqa: E402 - the fixtures' single source, beside them

SURVEYS = {
    "qualtrics/numeric_values.csv": ("qualtrics", 3),
    "qualtrics/choice_text.csv": ("qualtrics", 3),
    "qualtrics/legacy_two_rows.csv": ("qualtrics", 2),
    "qualtrics/numeric_values.xlsx": ("qualtrics", 3),
    "surveymonkey/all_responses.csv": ("surveymonkey", 2),
    "surveymonkey/all_responses.xlsx": ("surveymonkey", 2),
    "msforms/responses.xlsx": ("msforms", 1),
    "limesurvey/full_text_comma.csv": ("limesurvey", 1),
    "limesurvey/codes_and_text.csv": ("limesurvey", 1),
    "googleforms/responses.csv": ("googleforms", 1),
    "googleforms/responses.xlsx": ("googleforms", 1),
}
LABELS = {
    "qualtrics": "a Qualtrics export",
    "surveymonkey": "a SurveyMonkey export",
    "msforms": "a Microsoft Forms export",
    "limesurvey": "a LimeSurvey export",
    "googleforms": "a Google Forms export",
}


def _xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def roadmap() -> SourceFile:
    """The truth's initiatives, typed into the template's Initiatives sheet."""
    return SourceFile("roadmap.xlsx", _xlsx({"Initiatives": truth.template_rows()[0]}))


def typed_in() -> ImportResult:
    """The truth's answers typed into the workbench's own template."""
    initiatives, feedback = truth.template_rows()
    data = _xlsx({"Initiatives": initiatives, "Feedback": feedback})
    return import_files([SourceFile("typed.xlsx", data)])


def export(path: str, choices: ImportChoices | None = None) -> ImportResult:
    return import_files([roadmap(), SourceFile.from_path(EXPORTS / path)], choices)


def _sheet(result: ImportResult, path: str):
    return next(s for s in result.sheets if s.file == Path(path).name)


def _side_scores(result: ImportResult) -> pd.DataFrame:
    cells = scoring.by_side(scoring.prepare(result.dataset.feedback), Privacy())
    return (
        cells[["initiative_id", "side", "n", "score"]]
        .sort_values(["initiative_id", "side"])
        .reset_index(drop=True)
    )


def _by_hand() -> pd.DataFrame:
    """Scores by initiative and side straight from the answers: the method's formula, where a
    team's answers to a question of an initiative count for its side only when at least k_min
    of the team gave them."""
    side_of = {r.ident: r.side for r in truth.RESPONDENTS}
    team_of = {r.ident: r.team for r in truth.RESPONDENTS}
    rows = [
        (key, side_of[who], team_of[who], dim, who, 100 * (x - 1) / 4)
        for (who, key, dim), x in truth.ANSWERS.ratings.items()
    ]
    frame = pd.DataFrame(rows, columns=["initiative_id", "side", "team", "dim", "who", "score"])
    people = frame.groupby(["initiative_id", "team", "dim"])["who"].transform("nunique")
    frame = frame[people >= Privacy().k_min]
    out = frame.groupby(["initiative_id", "side"]).agg(
        n=("who", "nunique"), score=("score", "mean")
    )
    return out.reset_index().sort_values(["initiative_id", "side"]).reset_index(drop=True)


def _personal_data() -> list[str]:
    out = []
    for r in truth.RESPONDENTS:
        out += [r.email, r.ip, f"{r.first} {r.last}"]
    return out


def _everything_shown(result: ImportResult) -> str:
    """Every text the import puts in front of a user or into a file."""
    parts = [json.dumps(result.to_dict(), default=str)]
    parts += [str(n) for n in result.notes] + [str(p) for p in result.problems]
    ds = result.dataset
    for frame in (ds.feedback, ds.comments, ds.initiatives, *result.rejected.values()):
        parts.append(frame.astype(str).to_csv())
    parts += [s.read_as for s in result.sheets]
    parts += [" ".join(s.headers) for s in result.sheets]
    return "\n".join(parts)


# --- each tool's export ------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SURVEYS))
def test_each_survey_export_is_recognised_and_accounts_for_every_rating(path: str) -> None:
    layout, header_rows = SURVEYS[path]
    result = export(path)
    sheet = _sheet(result, path)
    assert (sheet.kind, sheet.layout, sheet.header_rows) == ("feedback", layout, header_rows)
    fb = result.dataset.feedback
    assert len(fb) == truth.n_ratings()  # none lost, none invented
    assert fb["respondent"].nunique() == len(truth.RESPONDENTS)
    assert set(fb["initiative_id"]) == {i.key for i in truth.INITIATIVES}
    assert set(fb["dimension"]) == {"why_clarity", "business_value"}
    assert set(fb["group"]) == {team for team, _ in truth.TEAMS}
    assert not [p for p in result.problems if "could not be inferred" in p.message]
    # One plain line says what it was read as.
    assert sheet.read_as.startswith(f"read as {LABELS[layout]}: ")
    assert "24 statements about 12 initiatives, 30 responses" in sheet.read_as
    assert "survey-tool columns set aside" in sheet.read_as
    assert sheet.unused_columns == []


@pytest.mark.parametrize("path", sorted(SURVEYS))
def test_each_export_scores_as_the_same_answers_typed_into_the_template(path: str) -> None:
    got = _side_scores(export(path))
    want = _side_scores(typed_in())
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    # The ratings themselves, not only their means.
    fb = export(path).dataset.feedback
    ratings = fb.groupby(["initiative_id", "dimension"])["rating"].agg(["size", "sum"])
    typed = typed_in().dataset.feedback
    typed_ratings = typed.groupby(["initiative_id", "dimension"])["rating"].agg(["size", "sum"])
    pd.testing.assert_frame_equal(ratings, typed_ratings, check_dtype=False)


def test_scores_by_side_equal_a_hand_computation_for_a_tracker_plus_a_survey() -> None:
    """The roadmap from a Jira export, the survey from Qualtrics: the heatmap's side scores are
    the method's formula applied to the answers by hand."""
    result = import_files(
        [
            SourceFile.from_path(EXPORTS / "jira/roadmap.csv"),
            SourceFile.from_path(EXPORTS / "qualtrics/choice_text.csv"),
        ]
    )
    assert set(result.tables) == {"initiatives", "feedback"}
    got = _side_scores(result)
    want = _by_hand()
    assert list(got["initiative_id"]) == list(want["initiative_id"])
    assert list(got["side"]) == list(want["side"])
    assert list(got["n"]) == list(want["n"])
    np.testing.assert_allclose(got["score"], want["score"])


@pytest.mark.parametrize("path", sorted(SURVEYS))
def test_survey_tool_metadata_and_people_never_appear(path: str) -> None:
    shown = _everything_shown(export(path))
    leaked = [value for value in _personal_data() if value in shown]
    assert leaked == []


@pytest.mark.parametrize("path", sorted(SURVEYS))
def test_validate_json_gives_the_right_table_and_every_rating(
    path: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    road = tmp_path / "roadmap.xlsx"
    road.write_bytes(roadmap().data)
    assert cli_main(["validate", "--json", str(road), str(EXPORTS / path)]) == 0
    out = capsys.readouterr().out
    report = json.loads(out)
    assert report["tables"]["feedback"]["rows_accepted"] == truth.n_ratings()
    sheet = next(s for s in report["sheets"] if s["file"] == Path(path).name)
    assert (sheet["table"], sheet["layout"]) == ("feedback", SURVEYS[path][0])
    assert sheet["read_as"].startswith("read as ")
    assert not [v for v in _personal_data() if v in out]


def test_qualtrics_preview_responses_are_skipped_with_a_note() -> None:
    result = export("qualtrics/numeric_values.csv")
    assert any("test or preview responses" in n.message for n in result.notes)
    assert len(result.dataset.feedback) == truth.n_ratings()  # the preview's 24 ratings: out


def test_qualtrics_display_order_columns_are_never_ratings() -> None:
    result = export("qualtrics/numeric_values.csv")
    sheet = _sheet(result, "numeric_values.csv")
    assert sheet.statements == 24
    assert all("Display Order" not in c for c in sheet.extra_columns)


def test_limesurvey_code_headings_are_read_and_named_by_a_mapping() -> None:
    """Code headings (WHY[SQ001]) do not say which initiative: the ratings are kept, each code
    is reported, and a mapping file's statements name them."""
    path = "limesurvey/codes_semicolon.csv"
    plain = export(path)
    assert len(plain.dataset.feedback) == truth.n_ratings()
    unnamed = [p for p in plain.warnings if "'SQ0" in p.message]
    assert len(unnamed) == 12
    assert all("names no initiative" in p.message for p in unnamed)
    expected = json.loads((EXPORTS / "expected_surveys2.json").read_text())[path]
    names = {i.name: i.key for i in truth.INITIATIVES}
    aliases = {code: names[name] for code, name in expected["subquestion_codes"].items()}
    named = export(path, ImportChoices(aliases=aliases))
    assert not [p for p in named.warnings if "'SQ0" in p.message]
    assert set(named.dataset.feedback["initiative_id"]) == set(names.values())
    assert len(named.dataset.feedback) == truth.n_ratings()


def test_a_statement_is_matched_by_id_name_case_punctuation_or_a_small_typo() -> None:
    header = ["Response ID", "Date submitted", "Last page", "Start language", "Which team?"]
    statements = [
        "How clear is the WHY? [road-101]",
        "How clear is the WHY? [BILLING MIGRATION!]",
        "How clear is the WHY? [Custmer data platform]",
        "How clear is the WHY? [Partner API]",
        "How clear is the WHY? [Billing migration and Support chatbot]",
    ]
    rows = [header + statements]
    for i in range(4):
        rows.append([str(i), "2026-05-04", "2", "en", "Sales", 4, 5, 3, 2, 1])
    csv = "\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode()
    result = import_files([roadmap(), SourceFile("lime.csv", csv)])
    fb = result.dataset.feedback
    by_item = fb.groupby("initiative_id")["rating"].size().to_dict()
    # By id and by name: two statements claim it, and each person's answer counts once.
    assert by_item["ROAD-101"] == 4
    assert by_item["ROAD-102"] == 4  # a typo
    messages = [p.message for p in result.warnings]
    assert any("'Partner API'" in m and "names no initiative" in m for m in messages)
    assert any("names several initiatives (ROAD-101, ROAD-109)" in m for m in messages)
    assert any("Two statements" in m and "'ROAD-101'" in m for m in messages)


def test_a_team_question_is_the_group_and_zone_timestamps_are_dates() -> None:
    result = export("googleforms/responses.csv")
    sheet = _sheet(result, "responses.csv")
    assert sheet.mapping["group"] == "Which team are you part of?"
    assert sheet.mapping["date"] == "Timestamp"
    assert result.dataset.feedback["date"].notna().all()
    assert not [p for p in result.problems if p.column == "Timestamp"]


def test_questions_that_rate_no_initiative_are_set_aside_not_invented() -> None:
    """Google's 'Overall, how aligned…' scale names no initiative: it is set aside, with its
    reason, rather than turned into an initiative of its own."""
    result = export("googleforms/responses.csv")
    sheet = _sheet(result, "responses.csv")
    overall = [c for c in sheet.set_aside if c.startswith("Overall")]
    assert overall
    assert "Overall" not in " ".join(result.dataset.feedback["initiative_id"].unique())


# --- recognised by structure -------------------------------------------------------------------


def test_a_hand_made_survey_beside_a_project_list_is_feedback() -> None:
    """Timestamp, a team question, the project's id, then questions in the author's words: no
    header names a known field, but the columns say it is ratings of the projects."""
    result = import_files([SourceFile.from_path(EXPORTS / "handmade/pulse_survey.xlsx")])
    survey = next(s for s in result.sheets if s.sheet == "Survey")
    assert (survey.kind, survey.layout) == ("feedback", "structure")
    assert survey.read_as.startswith("read as feedback from what its columns hold")
    fb = result.dataset.feedback
    assert len(fb) == truth.n_ratings()
    assert set(fb["dimension"]) == {"why_clarity", "business_value"}
    # No respondent column: rows sharing a timestamp and team are one person.
    assert fb["respondent"].nunique() == len(truth.RESPONDENTS)
    assert any("counted as one person: 30 respondents" in n.message for n in result.notes)
    pd.testing.assert_frame_equal(_side_scores(result), _side_scores(typed_in()), check_dtype=False)


def test_without_a_respondent_column_the_report_says_each_row_counts_once() -> None:
    rows = [["Project", "How clear is the purpose? (1-5)"]] + [["P-1", 4], ["P-1", 5], ["P-2", 3]]
    data = _xlsx({"Projects": [["Project ID", "Name"], ["P-1", "One"], ["P-2", "Two"]]})
    survey = _xlsx({"Pulse": rows})
    result = import_files([SourceFile("p.xlsx", data), SourceFile("s.xlsx", survey)])
    assert len(result.dataset.feedback) == 3
    note = next(n.message for n in result.notes if "no respondent column" in n.message)
    assert "each row is counted as one respondent" in note
    assert "intervals" in note


# --- never a false all-clear -------------------------------------------------------------------


def test_a_sheet_whose_columns_mostly_go_unused_is_named_in_a_warning() -> None:
    rows = [
        ["Initiative ID", "Name", "Colour", "Shape", "Mood", "Weather"],
        ["P-1", "One", "red", "round", "calm", "sun"],
        ["P-2", "Two", "blue", "square", "busy", "rain"],
    ]
    result = import_files([SourceFile("odd.xlsx", _xlsx({"Things": rows}))])
    assert not result.all_clear
    warning = next(p for p in result.warnings if "most of its columns were not used" in p.message)
    for header in ("Colour", "Shape", "Mood", "Weather"):
        assert f"'{header}'" in warning.message


def test_all_clear_only_when_every_column_was_used_or_set_aside() -> None:
    assert export("qualtrics/numeric_values.csv").all_clear is False  # an empty response
    clean = export("msforms/responses.xlsx")
    assert clean.problems == [] and clean.all_clear
    rows = [["Initiative ID", "Name", "Notes to self"], ["P-1", "One", "x"]]
    partly = import_files([SourceFile("p.xlsx", _xlsx({"Initiatives": rows}))])
    assert partly.problems == [] and not partly.all_clear


# --- each misreading seen before, now read right -----------------------------------------------


def test_a_microsoft_forms_export_is_never_read_as_initiatives() -> None:
    """ID and Name columns made it an initiatives table, with respondents' names shown as
    initiative names under a caption that promised names are never shown."""
    result = import_files([SourceFile.from_path(EXPORTS / "msforms/responses.xlsx")])
    assert "initiatives" not in result.tables
    assert result.sheets[0].kind == "feedback"
    shown = _everything_shown(result)
    assert not [v for v in _personal_data() if v in shown]


def test_a_jira_or_asana_export_is_never_read_as_feedback() -> None:
    for path in ("jira/roadmap.csv", "asana/roadmap.csv"):
        result = import_files([SourceFile.from_path(EXPORTS / path)])
        assert set(result.tables) == {"initiatives"}, path


def test_the_best_reading_explains_the_most_of_the_sheet() -> None:
    sheet = read_file((EXPORTS / "msforms/responses.xlsx").read_bytes(), "responses.xlsx")[0]
    found = readings(sheet)
    assert found[0].layout == "msforms"
    assert found[0].explained > max(r.explained for r in found[1:])


# --- the template's example rows -----------------------------------------------------------------


def test_template_examples_left_in_an_untouched_sheet_are_skipped_with_a_note() -> None:
    from alignment import templates

    wb = openpyxl.load_workbook(io.BytesIO(templates.build_template()))
    ws = wb["Initiatives"]
    ws.delete_rows(2, 2)
    ws.append(["X-1", "Our real initiative"])
    buf = io.BytesIO()
    wb.save(buf)
    result = import_files([SourceFile("filled.xlsx", buf.getvalue())])
    assert set(result.tables) == {"initiatives"}
    assert list(result.dataset.initiatives["id"]) == ["X-1"]
    skipped = [n.sheet for n in result.notes if "only the template's example rows" in n.message]
    assert sorted(skipped) == ["Feedback", "Glossary", "Indicators", "Objectives", "Stakeholders"]
    untouched = import_files([SourceFile("t.xlsx", templates.build_template())])
    assert any("template's example rows" in n.message for n in untouched.notes)


# --- choices that can be overridden and repeated -----------------------------------------------


def test_a_mapping_file_round_trips_and_patterns_match_next_months_file() -> None:
    from alignment.ingest import mapping

    choices = ImportChoices(
        overrides={"survey-*.csv::": {"kind": "feedback", "columns": {"group": "Dept"}}},
        scales={"priority": (0.0, 10.0)},
        sides={"Wizards": "tech"},
        aliases={"SQ001": "ROAD-101"},
    )
    again = mapping.from_yaml(mapping.to_yaml(choices))
    assert again.to_json() == choices.to_json()
    assert again.override_for("survey-2026-06.csv", "") == {
        "kind": "feedback",
        "columns": {"group": "Dept"},
    }
    assert again.override_for("roadmap.csv", "") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sheets: [{file: a.csv, table: nonsense}]", "table 'nonsense' is not one of"),
        ("sheets: [{file: a.csv, layout: typeform}]", "layout 'typeform' is not one of"),
        ("scales: {priority: [5, 1]}", "needs [lowest, highest]"),
        ("sides: {Sales: purple}", "must be tech, business or unknown"),
        ("colours: {}", "Unknown key"),
        ("sheets: [", "not valid YAML"),
    ],
)
def test_a_wrong_mapping_file_says_what_to_fix(text: str, message: str) -> None:
    from alignment.ingest import mapping

    with pytest.raises(mapping.MappingError, match=message.replace("[", "\\[")):
        mapping.from_yaml(text)


def test_as_and_mapping_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jira = str(EXPORTS / "jira/roadmap.csv")
    lime = str(EXPORTS / "limesurvey/codes_semicolon.csv")
    saved = tmp_path / "mapping.yaml"
    code = cli_main(
        ["validate", "--json", jira, "--as", "roadmap.csv=feedback", "--save-mapping", str(saved)]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["sheets"][0]["table"] == "feedback"
    assert "table: feedback" in saved.read_text()
    names = {i.name: i.key for i in truth.INITIATIVES}
    expected = json.loads((EXPORTS / "expected_surveys2.json").read_text())
    codes = expected["limesurvey/codes_semicolon.csv"]["subquestion_codes"]
    lines = "\n".join(f"  {c}: {names[n]}" for c, n in codes.items())
    mapping_file = tmp_path / "monthly.yaml"
    mapping_file.write_text(f"statements:\n{lines}\n")
    assert cli_main(["validate", "--json", jira, lime, "--mapping", str(mapping_file)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert not [p for p in report["problems"] if "'SQ0" in p["message"]]
    with pytest.raises(SystemExit) as exit_:
        cli_main(["validate", jira, "--as", "roadmap.csv=nonsense"])
    assert exit_.value.code == 2
    assert "is not a table" in capsys.readouterr().err


# --- any mix of layout features: never a crash, never an invented rating -------------------------

QUESTION = "How clear is the WHY of each initiative to you?"


def _styled(style: str, items: list[str], answers: list[list[object]], teams: list[str]):
    """A small survey export in one tool's style: (file name, bytes)."""
    n = len(answers)
    if style == "qualtrics":
        meta = ["StartDate", "EndDate", "Status", "IPAddress", "ResponseId", "RecipientEmail"]
        tags = meta + [f"Q1_{k + 1}" for k in range(len(items))] + ["Department"]
        labels = ["Start Date", "End Date", "Response Type", "IP Address", "Response ID", "Email"]
        labels += [f"{QUESTION} - {item}" for item in items] + ["Department"]
        ids = ['{"ImportId":"x"}'] * len(tags)
        rows = [tags, labels, ids]
        for i in range(n):
            rows.append(
                ["2026-05-04 09:00:00", "2026-05-04 09:05:00", "0", "203.0.113.9", f"R_{i}", ""]
                + answers[i]
                + [teams[i]]
            )
    elif style == "surveymonkey":
        top = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address"]
        top += ["Which team are you part of?", QUESTION] + [""] * (len(items) - 1)
        second = [""] * 5 + ["Response", *items]
        rows = [top, second]
        for i in range(n):
            rows.append([str(1000 + i), "77", "", "", "203.0.113.9", teams[i], *answers[i]])
    elif style == "limesurvey":
        head = ["Response ID", "Date submitted", "Last page", "Start language", "Which group?"]
        rows = [head + [f"{QUESTION} [{item}]" for item in items]]
        for i in range(n):
            rows.append([str(i + 1), "2026-05-04 09:06:31", "2", "en", teams[i], *answers[i]])
    elif style == "googleforms":
        rows = [["Timestamp", "Which team are you part of?"] + [f"{QUESTION} [{t}]" for t in items]]
        for i in range(n):
            rows.append([f"2026/05/04 9:{i:02d}:31 AM GMT+1", teams[i], *answers[i]])
    else:  # msforms
        head = ["ID", "Start time", "Completion time", "Email", "Name", "Which team are you in?"]
        rows = [head + [f"{item}: the WHY is clear to me" for item in items]]
        for i in range(n):
            rows.append([i + 1, "", "", "anonymous", "", teams[i], *answers[i]])
    if style == "msforms":
        return "form.xlsx", _xlsx({"Sheet1": rows})
    text = "\r\n".join(
        ",".join(f'"{str(c).replace(chr(34), chr(34) * 2)}"' for c in r) for r in rows
    )
    return f"{style}.csv", ("\ufeff" + text).encode("utf-8")


# FUZZ_EXAMPLES=2000 explores further, with fresh random inputs (as test_fuzz_import does).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0"))


ANSWER = st.one_of(
    st.integers(1, 5),
    st.sampled_from(["", "N/A", "1 - Not at all", "5 - Completely", "3", "Agree"]),
)


@settings(
    max_examples=EXAMPLES or 60,
    deadline=None,
    derandomize=not EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    style=st.sampled_from(["qualtrics", "surveymonkey", "limesurvey", "googleforms", "msforms"]),
    picked=st.lists(st.sampled_from(truth.INITIATIVES), min_size=1, max_size=4, unique=True),
    data=st.data(),
)
def test_mixed_layout_features_never_crash_and_never_invent_ratings(style, picked, data) -> None:
    n = data.draw(st.integers(1, 6))
    answers = [[data.draw(ANSWER) for _ in picked] for _ in range(n)]
    teams = [data.draw(st.sampled_from([t for t, _ in truth.TEAMS])) for _ in range(n)]
    name, raw = _styled(style, [i.name for i in picked], answers, teams)
    result = import_files([roadmap(), SourceFile(name, raw)])
    fb = result.dataset.feedback
    given_cells = sum(1 for row in answers for a in row if str(a) not in ("", "N/A"))
    assert len(fb) <= given_cells
    assert set(fb["initiative_id"]) <= {i.key for i in picked}
    if len(fb):
        assert fb["rating"].between(1, 5).all()
    sheet = next(s for s in result.sheets if s.file == name)
    assert sheet.kind == "feedback", sheet.read_as
    assert len(fb) == given_cells


def test_questions_not_about_a_known_dimension_are_one_dimension_named_from_the_question() -> None:
    """The same question asked about each initiative ("How excited are you about the billing
    migration?", "… about Partner API v2?") is one dimension, named from its wording without
    the initiative; a question that names no initiative is set aside."""
    rows = [
        [
            "ID",
            "Start time",
            "Completion time",
            "Email",
            "Name",
            "Which team are you part of?",
            "How excited are you about the billing migration?",
            "How excited are you about Partner API v2?",
            "Billing migration: I am excited",
            "Partner API v2: I am excited",
            "Overall, how are we doing?",
        ]
    ]
    rows += [[i + 1, "", "", "anonymous", "", "Sales", 4, 5, 3, 2, 4] for i in range(4)]
    result = import_files([roadmap(), SourceFile("form.xlsx", _xlsx({"Sheet1": rows}))])
    fb = result.dataset.feedback
    assert set(fb["dimension"]) == {"How excited are you about …?", "I am excited"}
    assert set(fb["initiative_id"]) == {"ROAD-101", "ROAD-107"}
    assert len(fb) == 16
    assert "Overall, how are we doing?" in result.sheets[1].set_aside
    # "anonymous" in every Email cell is nobody in particular: each response is one person.
    assert fb["respondent"].nunique() == 4


def test_labelled_end_points_mixed_with_bare_numbers() -> None:
    header = ["Timestamp", "Which team are you part of?"]
    header += [f"{QUESTION} [{name}]" for name in ("Billing migration", "Support chatbot")]
    rows = [
        header,
        ["2026/05/04 9:06:31 AM GMT+1", "Sales", "1 - Not at all", "5 - Completely"],
        ["2026/05/04 9:07:31 AM AST", "Finance", "3", "4"],
        ["2026/05/04 9:08:31 AM GMT+1", "Marketing", "N/A", 2],
    ]
    csv = "\r\n".join(",".join(f'"{c}"' for c in r) for r in rows).encode()
    result = import_files([roadmap(), SourceFile("responses.csv", csv)])
    fb = result.dataset.feedback.sort_values(["initiative_id", "rating"])
    assert list(fb["rating"]) == [1.0, 3.0, 2.0, 4.0, 5.0]
    assert result.problems == []


@pytest.mark.parametrize("path", ["googleforms/responses.csv", "googleforms/responses.xlsx"])
def test_a_survey_alone_keeps_a_question_about_no_initiative_out_of_the_ratings(path: str) -> None:
    # Without a roadmap, Google Forms' linear scale "Overall, how aligned …? (1 = not at all,
    # 5 = fully)" became an initiative named after the question, rated on a dimension named
    # after the question, beside the grids' real dimensions. Its grids name their initiatives,
    # so a column that names none is not about one: it is set aside, as with a roadmap.
    result = import_files([SourceFile.from_path(EXPORTS / path)])
    fb = result.dataset.feedback
    assert set(result.dataset.dimensions) == {"why_clarity", "business_value"}
    assert not fb["initiative_id"].astype(str).str.startswith("Overall").any()
    assert fb["initiative_id"].nunique() == len(truth.INITIATIVES)
    sheet = _sheet(result, path)
    assert any(h.startswith("Overall, how aligned") for h in sheet.set_aside)
    assert f"about {len(truth.INITIATIVES)} initiatives" in sheet.read_as
