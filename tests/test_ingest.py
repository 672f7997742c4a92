"""The importer against the spreadsheets people really keep (issue 2, "What the importer must
handle"). Every messy input is built in code by ``tests.helpers`` so the test shows what it reads.
Hostile files (empty, wrong format, zip bombs, …) are tested with the readers, not here.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest

from alignment import schema, templates
from alignment.ingest import ImportChoices, match_header, sheet_key
from tests.helpers import (
    INITIATIVES_ROWS,
    csv_bytes,
    ods_bytes,
    problems_at,
    rating_set,
    run,
    with_cached_values,
    xlsx_bytes,
)

OBJECTIVES_ROWS = [
    ["Objective ID", "Objective", "Weight"],
    ["G1", "Grow SMB revenue", 40],
    ["G2", "Cut cost to serve", 35],
    ["G3", "Keep customers safe", 25],
]


def _notes(result) -> list[str]:
    return [n.message for n in result.notes]


def _only(items: list):
    assert len(items) == 1, items
    return items[0]


# --- formats -----------------------------------------------------------------------------------

PORTFOLIO = [
    ["Initiative ID", "Name", "Effort", "Target"],
    ["P-01", "Self-service onboarding", 2.5, "Q3 2027"],
    ["P-02", "Billing migration", 8, "2027-12-31"],
]


@pytest.mark.parametrize("macro", [False, True], ids=["xlsx", "xlsm"])
def test_xlsx_and_xlsm_are_read(macro):
    name = "roadmap.xlsm" if macro else "roadmap.xlsx"
    result = run({name: xlsx_bytes({"Initiatives": PORTFOLIO}, macro=macro)})
    assert result.problems == []
    init = result.dataset.initiatives
    assert list(init["id"]) == ["P-01", "P-02"]
    assert list(init["effort"]) == [2.5, 8.0]
    assert list(init["target"]) == [pd.Timestamp("2027-09-30"), pd.Timestamp("2027-12-31")]
    assert result.tables["initiatives"].to_dict()["source"] == {
        "file": name,
        "sheet": "Initiatives",
    }


def test_ods_is_read_like_xlsx():
    rows = [
        ["Portfolio 2027"],
        [],
        ["Proj #", "Project name", "Effort", "Target"],
        ["P-01", "Self-service onboarding", 2.5, dt.date(2027, 9, 30)],
        ["P-02", "Billing migration", "1,5", "Q4 2027"],
    ]
    result = run({"roadmap.ods": ods_bytes({"Projects": rows})})
    assert result.problems == []
    sheet = _only(result.sheets)
    assert (sheet.kind, sheet.header_row) == ("initiatives", 3)
    init = result.dataset.initiatives
    assert list(init["name"]) == ["Self-service onboarding", "Billing migration"]
    assert list(init["effort"]) == [2.5, 1.5]
    assert list(init["target"]) == [pd.Timestamp("2027-09-30"), pd.Timestamp("2027-12-31")]


ACCENTED = [
    ["Initiative ID", "Name", "Why", "Effort"],
    ["P-01", "Café checkout", "Zürich and Malmö customers pay in €", "2,5"],
    ["P-02", "Façade cleanup", "Naïve pricing costs 1.234,5 € a month", "1.234,5"],
]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", False), ("utf-8", True), ("utf-16", False)],
    ids=["utf8", "utf8-bom", "utf16"],
)
@pytest.mark.parametrize(
    ("delimiter", "ext"), [(",", "csv"), (";", "csv"), ("\t", "tsv"), ("\t", "txt")]
)
def test_text_files_any_encoding_and_delimiter(encoding, bom, delimiter, ext):
    data = csv_bytes(ACCENTED, delimiter, encoding, bom=bom)
    result = run({f"roadmap.{ext}": data})
    assert result.errors == [] and result.warnings == []
    init = result.dataset.initiatives
    assert list(init["name"]) == ["Café checkout", "Façade cleanup"]
    assert init["why"].iloc[0] == "Zürich and Malmö customers pay in €"
    assert list(init["effort"]) == [2.5, 1234.5]  # decimal commas, European thousands
    if delimiter == ";":
        assert "Columns are separated by semicolons." in _notes(result)
    if delimiter == "\t":
        assert "Columns are separated by tabs." in _notes(result)
    assert not any("not UTF-8" in n for n in _notes(result))


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_cp1252_text_files_keep_their_accents(delimiter):
    data = csv_bytes(ACCENTED, delimiter, "cp1252")
    result = run({"roadmap.csv": data})
    assert result.errors == [] and result.warnings == []
    assert any("not UTF-8" in n for n in _notes(result))
    init = result.dataset.initiatives
    assert list(init["name"]) == ["Café checkout", "Façade cleanup"]
    assert init["why"].iloc[0] == "Zürich and Malmö customers pay in €"
    assert list(init["effort"]) == [2.5, 1234.5]


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_a_short_western_european_file_keeps_its_accents(encoding):
    rows = [
        ["Initiative ID", "Name", "Why"],
        ["P-01", "Café rollout", "Ça marche"],
        ["P-02", "Über search", ""],
    ]
    result = run({"roadmap.csv": csv_bytes(rows, ";", encoding)})
    assert list(result.dataset.initiatives["name"]) == ["Café rollout", "Über search"]


def test_a_cyrillic_file_is_still_detected_as_such():
    rows = [["Initiative ID", "Name"], ["P-01", "Проект платежей для клиентов"]]
    result = run({"roadmap.csv": csv_bytes(rows, ",", "cp1251")})
    assert list(result.dataset.initiatives["name"]) == ["Проект платежей для клиентов"]


# --- layout: titles, blank rows, totals, formulas ----------------------------------------------


def test_title_rows_blank_rows_and_a_totals_row():
    rows = [
        ["Roadmap 2027 — portfolio view"],
        ["Prepared for the quarterly review"],
        [],
        ["Initiative ID", "Name", "Effort"],
        ["P-01", "Self-service onboarding", 3],
        [],
        [],
        ["P-02", "Billing migration", 5],
        ["P-03", "Search revamp", 8],
        [None, "Total", 16],
        ["Notes: effort in person-weeks"],
    ]
    result = run({"roadmap.xlsx": xlsx_bytes({"Initiatives": rows})})
    sheet = _only(result.sheets)
    assert sheet.header_row == 4
    assert sheet.rows_read == 3
    assert list(result.dataset.initiatives["id"]) == ["P-01", "P-02", "P-03"]
    assert list(result.dataset.initiatives["effort"]) == [3.0, 5.0, 8.0]
    skipped = {n.row: n.message for n in result.notes if n.row is not None}
    assert set(skipped) == {10, 11}
    assert "('Total') looks like a total or a note" in skipped[10]
    assert "('Notes: effort in person-weeks') looks like a total or a note" in skipped[11]
    assert "2 blank row(s) between the data were skipped." in _notes(result)
    assert result.problems == []


def test_formulas_use_their_saved_results_and_unsaved_ones_are_noted():
    rows = [
        ["Initiative ID", "Name", "Effort", "Weight"],
        ["P-01", "Self-service onboarding", 3, "=C2*2"],
        ["P-02", "Billing migration", "=C2+2", 1],
        ["P-03", "Search revamp", "=C2+C3", 1],
        ["Total", None, "=SUM(C2:C4)"],
    ]
    data = with_cached_values(
        xlsx_bytes({"Initiatives": rows}), {"Initiatives": {"C3": 5, "C5": 16}}
    )
    result = run({"roadmap.xlsx": data})
    init = result.dataset.initiatives.set_index("id")
    assert init.loc["P-02", "effort"] == 5.0  # the cached result
    assert np.isnan(init.loc["P-03", "effort"])  # never calculated: empty, and said so
    note = _only([n for n in result.notes if "formula" in n.message])
    assert note.sheet == "Initiatives"
    assert "2 formula cell(s) have no saved result (D2, C4)" in note.message
    assert "recalculate" in note.message
    assert any(n.row == 5 and "('Total')" in n.message for n in result.notes)


def test_a_formula_returning_text_is_read_as_text():
    rows = [["Initiative ID", "Name"], ["P-01", '=CONCAT("Self-service ","onboarding")']]
    data = with_cached_values(
        xlsx_bytes({"Initiatives": rows}), {"Initiatives": {"B2": "Self-service onboarding"}}
    )
    result = run({"roadmap.xlsx": data})
    assert list(result.dataset.initiatives["name"]) == ["Self-service onboarding"]
    assert not any("formula" in n for n in _notes(result))


def test_excel_dates_and_text_dates():
    rows = [
        ["Initiative ID", "Name", "Target"],
        ["P-01", "Onboarding", dt.datetime(2027, 9, 30)],
        ["P-02", "Billing", "Q3 2027"],
        ["P-03", "Search", "2027-09-30"],
        ["P-04", "Pricing", "30/09/2027"],
        ["P-05", "Reporting", "Sep 2027"],
        ["P-06", "Mobile", "someday"],
    ]
    result = run({"roadmap.xlsx": xlsx_bytes({"Initiatives": rows})})
    init = result.dataset.initiatives.set_index("id")
    for ident in ("P-01", "P-02", "P-03", "P-04", "P-05"):
        assert init.loc[ident, "target"] == pd.Timestamp("2027-09-30"), ident
    assert init.loc["P-02", "target_label"] == "Q3 2027"  # what the user wrote is kept to show
    assert init.loc["P-04", "target_label"] == "30/09/2027"
    assert pd.isna(init.loc["P-06", "target"])
    warning = _only(result.warnings)
    assert (warning.sheet, warning.row, warning.column, warning.value) == (
        "Initiatives",
        7,
        "Target",
        "someday",
    )
    assert "the rest of the row is kept" in warning.message
    assert init.loc["P-06", "name"] == "Mobile"


# --- merged headers, two-row headers, sheets without a table -----------------------------------


def test_vertically_merged_header_cells_and_a_merged_group_header():
    rows = [
        ["Portfolio 2027"],
        ["Initiative ID", "Name", "Assessment", None, None, "Planning"],
        [None, None, "Business value", "Effort", "Risk", "Target"],
        ["P-01", "Onboarding", "High", 5, "Low", "Q3 2027"],
        ["P-02", "Billing", "Medium", 8, "H", "Q4 2027"],
    ]
    merged = ["A1:F1", "A2:A3", "B2:B3", "C2:E2"]
    result = run({"m.xlsx": xlsx_bytes({"Initiatives": rows}, merged={"Initiatives": merged})})
    sheet = _only(result.sheets)
    assert sheet.header_row == 3
    assert sheet.mapping == {
        "id": "Initiative ID",
        "name": "Name",
        "business_value": "Business value",
        "effort": "Effort",
        "risk": "Risk",
        "target": "Target",
    }
    init = result.dataset.initiatives
    assert list(init["risk"]) == ["Low", "High"]
    assert list(init["target"]) == [pd.Timestamp("2027-09-30"), pd.Timestamp("2027-12-31")]
    assert result.problems == []


@pytest.mark.parametrize("vertical", [True, False], ids=["merged-down", "blank-below"])
def test_group_header_over_rating_sub_headers(vertical):
    """'Ratings' over the dimension columns must not hide the sub-headers beneath it."""
    feedback = [
        ["Respondent", "Group", "Initiative", "Ratings", None, "Comment"],
        [None, None, None, "Clarity of the why", "Business value", None],
        ["r1", "Sales", "P-01", 4, 5, "Clear"],
        ["r2", "Data", "P-02", 2, 3, None],
    ]
    merged = ["D1:E1"] + (["A1:A2", "B1:B2", "C1:C2", "F1:F2"] if vertical else [])
    data = xlsx_bytes(
        {"Initiatives": INITIATIVES_ROWS, "Feedback": feedback}, merged={"Feedback": merged}
    )
    result = run({"f.xlsx": data})
    sheet = result.sheets[1]
    assert (sheet.kind, sheet.form, sheet.header_row) == ("feedback", "wide", 2)
    assert sheet.mapping["why_clarity"] == "Clarity of the why"
    assert sheet.mapping["business_value"] == "Business value"
    assert sheet.mapping["initiative"] == "Initiative"
    assert sheet.mapping["comment"] == "Comment"
    assert rating_set(result) == [
        ("P-01", "business_value", 5.0),
        ("P-01", "why_clarity", 4.0),
        ("P-02", "business_value", 3.0),
        ("P-02", "why_clarity", 2.0),
    ]
    assert [p for p in result.problems if p.row] == []


def test_instructions_sheet_is_ignored_with_a_note():
    sheets = {
        "Read me": [
            ["How to fill in this workbook"],
            ["Write one initiative per row; IDs must be unique."],
            ["Ratings go from 1 (not at all) to 5 (completely)."],
        ],
        "Initiatives": INITIATIVES_ROWS,
    }
    result = run({"w.xlsx": xlsx_bytes(sheets)})
    readme = result.sheets[0]
    assert readme.kind is None
    note = _only([n for n in result.notes if n.sheet == "Read me"])
    assert "holds no table" in note.message and "ignored" in note.message
    assert result.problems == []
    assert list(result.tables) == ["initiatives"]


def test_hidden_sheets_are_skipped_and_said_so():
    data = xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Old": INITIATIVES_ROWS}, hidden=["Old"])
    result = run({"w.xlsx": data})
    assert [s.sheet for s in result.sheets] == ["Initiatives"]
    assert any(n.sheet == "Old" and "Hidden sheet skipped" in n.message for n in result.notes)


# --- header synonyms and fuzzy matches ---------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "table", "field"),
    [
        ("Project name", "initiatives", "name"),
        ("Proj #", "initiatives", "id"),
        ("Strategic goal(s)", "initiatives", "objective_ids"),
        ("Why it matters", "initiatives", "why"),
        ("Value (H/M/L)", "initiatives", "business_value"),
        ("Depends on", "initiatives", "depends_on"),
        ("Your team", "initiatives", "team"),
        ("Descripton", "initiatives", "description"),  # a typo: fuzzy match
        ("Busines value", "initiatives", "business_value"),
        ("Target quarter", "initiatives", "target"),
        ("Last 1:1", "stakeholders", "last_1on1"),
        ("Email address", "feedback", "respondent"),
        ("Business value (1-7)", "feedback", "business_value"),
    ],
)
def test_header_synonyms_and_typos(header, table, field):
    assert (table, field) in {(t, f) for t, f, _ in match_header(header)}


def test_a_sheet_with_everyday_headers_maps_every_column():
    rows = [
        [
            "Proj #",
            "Project name",
            "Descripton",
            "Strategic goal(s)",
            "Why it matters",
            "Value (H/M/L)",
            "Depends on",
            "Your team",
        ],
        ["P-01", "Onboarding", "Sign up alone", "G1, G3", "Sales time", "H", None, "Growth"],
        ["P-02", "Billing", "New invoices", "G2", "Annual plans", "m", "P-01", "Payments"],
    ]
    result = run({"w.xlsx": xlsx_bytes({"My roadmap": rows, "Goals": OBJECTIVES_ROWS})})
    sheet = result.sheets[0]
    assert sheet.kind == "initiatives"
    assert sheet.mapping == {
        "id": "Proj #",
        "name": "Project name",
        "description": "Descripton",
        "team": "Your team",
        "objective_ids": "Strategic goal(s)",
        "why": "Why it matters",
        "business_value": "Value (H/M/L)",
        "depends_on": "Depends on",
    }
    assert sheet.unused_columns == []
    init = result.dataset.initiatives.set_index("id")
    assert init.loc["P-01", "business_value"] == "High"
    assert init.loc["P-02", "business_value"] == "Medium"
    assert init.loc["P-02", "description"] == "New invoices"
    assert result.problems == []


# --- ratings -----------------------------------------------------------------------------------


def test_ratings_as_numbers_words_and_decimal_commas():
    feedback = [
        ["Respondent", "Group", "Initiative", "Clarity of the why", "Priority", "Confidence"],
        ["r1", "Sales", "P-01", "Strongly disagree", "Low", "1 - Not at all"],
        ["r2", "Sales", "P-01", "Disagree", "Medium", "2 - Slightly"],
        ["r3", "Sales", "P-01", "Neither agree nor disagree", "High", "3 - Somewhat"],
        ["r4", "Sales", "P-01", "Agree", "Very high", "4 - Mostly"],
        ["r5", "Sales", "P-01", "Strongly agree", 3, "5 - Completely"],
        ["r6", "Sales", "P-01", "3,5", 4.5, "2,5"],
    ]
    result = run({"f.xlsx": xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Feedback": feedback})})
    assert result.problems == []
    fb = result.dataset.feedback
    by = {d: list(fb.loc[fb["dimension"] == d, "rating"]) for d in pd.unique(fb["dimension"])}
    assert by["why_clarity"] == [1.0, 2.0, 3.0, 4.0, 5.0, 3.5]
    assert by["priority"] == [2.0, 3.0, 4.0, 5.0, 3.0, 4.5]
    assert by["confidence"] == [1.0, 2.0, 3.0, 4.0, 5.0, 2.5]
    assert list(fb.loc[fb["dimension"] == "why_clarity", "score"]) == [0, 25, 50, 75, 100, 62.5]


def test_out_of_range_and_unreadable_ratings_become_missing_with_a_warning():
    feedback = [
        ["Respondent", "Group", "Initiative", "Clarity of the why", "Business value", "Comment"],
        ["r1", "Sales", "P-01", 9, 4, "Keep going"],
        ["r2", "Sales", "P-02", "banana", "0", None],
        ["r3", "Sales", "P-02", 3, 5, None],
    ]
    data = xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Survey results": feedback})
    result = run({"f.xlsx": data})
    assert result.errors == []
    w9 = _only(problems_at(result, 2, column="Clarity of the why"))
    assert (w9.severity, w9.file, w9.sheet, w9.value) == (
        "warning",
        "f.xlsx",
        "Survey results",
        "9",
    )
    assert "outside the 1–5 scale" in w9.message and "rest of the row is kept" in w9.message
    banana = _only(problems_at(result, 3, column="Clarity of the why"))
    assert banana.value == "banana" and "expected a rating" in banana.message
    zero = _only(problems_at(result, 3, column="Business value"))
    assert zero.value == "0" and "outside the 1–5 scale" in zero.message
    assert len(result.warnings) == 3
    # The rest of each row is kept: the other rating, the comment.
    assert rating_set(result) == [
        ("P-01", "business_value", 4.0),
        ("P-02", "business_value", 5.0),
        ("P-02", "why_clarity", 3.0),
    ]
    assert list(result.dataset.comments["comment"]) == ["Keep going"]
    assert result.tables["feedback"].rows_accepted == 3
    assert result.tables["feedback"].rows_rejected == 0


def test_a_scale_declared_in_the_header_is_normalised_to_0_100():
    feedback = [
        ["Respondent", "Group", "Initiative", "Business value (1-7)", "Priority (0-10)"],
        ["r1", "Sales", "P-01", 1, 0],
        ["r2", "Sales", "P-01", 4, 5],
        ["r3", "Sales", "P-01", 7, 10],
        ["r4", "Sales", "P-01", "Agree", "Strongly agree"],  # words land on the declared scale
        ["r5", "Sales", "P-01", 8, 11],
    ]
    result = run({"f.xlsx": xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Feedback": feedback})})
    fb = result.dataset.feedback
    value = fb[fb["dimension"] == "business_value"]
    assert list(value["rating"]) == [1.0, 4.0, 7.0, 5.5]
    assert list(value["score"]) == [0.0, 50.0, 100.0, 75.0]
    assert set(value["scale_min"]) == {1.0} and set(value["scale_max"]) == {7.0}
    priority = fb[fb["dimension"] == "priority"]
    assert list(priority["rating"]) == [0.0, 5.0, 10.0, 10.0]
    assert list(priority["score"]) == [0.0, 50.0, 100.0, 100.0]
    eight = _only(problems_at(result, 6, column="Business value (1-7)"))
    assert "8 is outside the 1–7 scale" in eight.message
    assert "(1-7) (1-7)" not in eight.message
    assert (
        "11 is outside the 0–10 scale"
        in _only(problems_at(result, 6, column="Priority (0-10)")).message
    )


def test_a_word_and_the_same_number_keep_their_own_places_on_a_wider_scale():
    """'Agree' is 4 of 5, i.e. 5.5 on 1..7; a typed 4 stays 4 — even in the same column."""
    feedback = [
        ["Respondent", "Group", "Initiative", "Business value (1-7)"],
        ["r1", "Sales", "P-01", 4],
        ["r2", "Sales", "P-01", "Agree"],
        ["r3", "Sales", "P-01", "Strongly disagree"],
        ["r4", "Sales", "P-01", 1],
    ]
    result = run({"f.xlsx": xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Feedback": feedback})})
    assert list(result.dataset.feedback["rating"]) == [4.0, 5.5, 1.0, 1.0]


def test_a_scale_set_on_the_data_page_applies_where_the_header_says_none():
    feedback = [
        ["Respondent", "Group", "Initiative", "Priority", "Clarity of the why"],
        ["r1", "Sales", "P-01", 10, 5],
    ]
    data = xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Feedback": feedback})
    result = run({"f.xlsx": data}, ImportChoices(scales={"priority": (0, 10)}))
    fb = result.dataset.feedback.set_index("dimension")
    assert fb.loc["priority", "score"] == 100.0 and fb.loc["priority", "scale_max"] == 10.0
    assert fb.loc["why_clarity", "score"] == 100.0 and fb.loc["why_clarity", "scale_max"] == 5.0


# --- feedback shapes ---------------------------------------------------------------------------

# One set of answers, written three ways below: (respondent, group, initiative as written, why,
# value, comment). Initiatives are named by id and by name, in any case and spacing.
ANSWERS = [
    ("ann@example.com", "Sales", "P-01", 4, 5, "Clear value"),
    ("ann@example.com", "Sales", "billing MIGRATION", 2, "Agree", None),
    ("bob@example.com", "Engineering", "p-01", "Strongly agree", "3,5", None),
    ("bob@example.com", "Engineering", "  Billing   migration ", 1, "1 - Not at all", "Why?"),
    ("cy@example.com", "Finance", "Self-Service Onboarding", 3, 2, None),
]
NAME_OF = {
    "P-01": "Self-service onboarding",
    "billing MIGRATION": "Billing migration",
    "p-01": "Self-service onboarding",
    "  Billing   migration ": "Billing migration",
    "Self-Service Onboarding": "Self-service onboarding",
}
EXPECTED_RATINGS = [
    ("P-01", "business_value", 2.0),
    ("P-01", "business_value", 3.5),
    ("P-01", "business_value", 5.0),
    ("P-01", "why_clarity", 3.0),
    ("P-01", "why_clarity", 4.0),
    ("P-01", "why_clarity", 5.0),
    ("P-02", "business_value", 1.0),
    ("P-02", "business_value", 4.0),
    ("P-02", "why_clarity", 1.0),
    ("P-02", "why_clarity", 2.0),
]


def _wide() -> list[list]:
    rows = [
        ["Email", "Department", "Initiative", "Clarity of the why", "Business value", "Comment"]
    ]
    return rows + [list(a) for a in ANSWERS]


def _long() -> list[list]:
    rows = [["Respondent", "Team", "Project", "Question", "Answer", "Comment"]]
    for who, group, item, why, value, comment in ANSWERS:
        rows.append([who, group, item, "Clarity of the why", why, comment])
        rows.append([who, group, item, "Business value", value, comment])
    return rows


def _survey() -> list[list]:
    """Google Forms: one row per person, one column per 'Question [Initiative]'."""
    items = ["Self-service onboarding", "Billing migration"]
    why = "I understand why this initiative matters."
    value = "This initiative creates real value for the business."
    header = ["Timestamp", "Email address", "Your department"]
    header += [f"{why} [{i}]" for i in items] + [f"{value} [{i}]" for i in items]
    header += [f"Comments [{i}]" for i in items]
    people: dict[tuple[str, str], dict[str, tuple]] = {}
    for answer in ANSWERS:
        people.setdefault((answer[0], answer[1]), {})[NAME_OF[answer[2]]] = answer
    rows = [header]
    for (who, group), by_item in people.items():
        row = ["2026-09-14 10:00:00", who, group]
        for col in (3, 4, 5):
            row += [by_item[i][col] if i in by_item else None for i in items]
        rows.append(row)
    return rows


@pytest.mark.parametrize(("shape", "form"), [(_wide, "wide"), (_long, "long"), (_survey, "survey")])
def test_wide_long_and_survey_feedback_give_the_same_ratings(shape, form):
    data = xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Responses": shape()})
    result = run({"f.xlsx": data})
    sheet = result.sheets[1]
    assert (sheet.kind, sheet.form) == ("feedback", form)
    assert result.problems == []
    assert rating_set(result) == EXPECTED_RATINGS
    fb = result.dataset.feedback
    assert fb["respondent"].nunique() == 3  # ann, bob, cy: each counted once
    assert set(zip(fb["group"], fb["side"], strict=True)) == {
        ("Sales", "business"),
        ("Engineering", "tech"),
        ("Finance", "business"),
    }
    comments = result.dataset.comments
    assert sorted(zip(comments["initiative_id"], comments["comment"], strict=True)) == [
        ("P-01", "Clear value"),
        ("P-02", "Why?"),
    ]
    assert result.tables["feedback"].rows_accepted == len(EXPECTED_RATINGS)


def test_survey_questions_are_mapped_to_dimensions_by_their_words():
    rows = [
        [
            "Timestamp",
            "Department",
            "How confident are you it will ship? [P-01]",
            "Is the priority right? [P-01]",
            "Are you kept informed? [P-01]",
        ],
        ["2026-09-14", "Data", 4, 3, 2],
    ]
    result = run({"f.xlsx": xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Form": rows})})
    fb = result.dataset.feedback
    assert sorted(zip(fb["dimension"], fb["rating"], strict=True)) == [
        ("communication", 2.0),
        ("confidence", 4.0),
        ("priority", 3.0),
    ]


def test_feedback_without_an_initiatives_table_still_folds_case_and_spaces():
    result = run({"f.xlsx": xlsx_bytes({"Responses": _wide()})})
    fb = result.dataset.feedback
    # P-01 / p-01 and the two spellings of billing are one initiative each; the most used
    # spelling (two ratings and a comment) stands for the others.
    assert sorted(set(fb["initiative_id"])) == [
        "Billing migration",
        "P-01",
        "Self-Service Onboarding",
    ]
    assert len(fb) == 10
    assert sorted(result.dataset.comments["initiative_id"]) == ["Billing migration", "P-01"]
    warning = _only(result.warnings)
    assert "No initiatives table was found" in warning.message


def test_values_that_break_a_rule_are_dropped_with_their_cell_named():
    objectives = [["Objective ID", "Objective", "Weight %"], ["G1", "Grow", -5], ["G2", "Cut", 10]]
    initiatives = [["Initiative ID", "Name", "Effort"], ["P-01", "Onboarding", "-3"]]
    result = run({"w.xlsx": xlsx_bytes({"Objectives": objectives, "Roadmap": initiatives})})
    assert [(p.severity, p.file, p.sheet, p.row, p.column, p.value) for p in result.problems] == [
        ("warning", "w.xlsx", "Objectives", 2, "Weight %", "-5"),
        ("warning", "w.xlsx", "Roadmap", 2, "Effort", "-3"),
    ]
    assert "a weight cannot be negative" in result.problems[0].message
    assert list(result.dataset.objectives["weight"].isna()) == [True, False]
    assert result.dataset.initiatives["effort"].isna().all()
    assert list(result.dataset.objectives["id"]) == ["G1", "G2"]  # the rows are kept


# --- references and integrity ------------------------------------------------------------------


def test_multi_valued_objective_and_dependency_cells():
    rows = [
        ["Initiative ID", "Name", "Objective(s)", "Depends on"],
        ["P-01", "Onboarding", "G1, G3", None],
        ["P-02", "Billing", "g2;G1", "P-01"],
        ["P-07", "Search", "G1\nG2", "P-01; p-02"],
    ]
    result = run({"w.xlsx": xlsx_bytes({"Initiatives": rows, "Objectives": OBJECTIVES_ROWS})})
    init = result.dataset.initiatives.set_index("id")
    assert init.loc["P-01", "objective_ids"] == ("G1", "G3")
    assert init.loc["P-02", "objective_ids"] == ("G2", "G1")  # canonical spelling of the ID
    assert init.loc["P-07", "objective_ids"] == ("G1", "G2")
    assert init.loc["P-01", "depends_on"] == ()
    assert init.loc["P-07", "depends_on"] == ("P-01", "P-02")
    assert result.problems == []


def test_unknown_references_warn_and_keep_the_row():
    rows = [
        ["Initiative ID", "Name", "Objective(s)", "Depends on"],
        ["P-01", "Onboarding", "G1, G9", "P-99"],
        ["P-02", "Billing", "G2", "P-02"],
    ]
    result = run({"w.xlsx": xlsx_bytes({"Initiatives": rows, "Objectives": OBJECTIVES_ROWS})})
    init = result.dataset.initiatives.set_index("id")
    assert list(init.index) == ["P-01", "P-02"]
    assert init.loc["P-01", "objective_ids"] == ("G1", "G9")
    assert init.loc["P-01", "depends_on"] == ("P-99",)
    assert init.loc["P-02", "depends_on"] == ()
    g9 = _only(problems_at(result, 2, column="Objective(s)"))
    assert (g9.severity, g9.value, g9.sheet) == ("warning", "G9", "Initiatives")
    assert "not in the objectives table" in g9.message
    p99 = _only(problems_at(result, 2, column="Depends on"))
    assert p99.value == "P-99" and "not in the initiatives table" in p99.message
    itself = _only(problems_at(result, 3, column="Depends on"))
    assert "depends on itself" in itself.message
    assert result.errors == []


def test_feedback_on_an_unknown_initiative_is_kept_with_a_warning():
    feedback = [
        ["Respondent", "Group", "Initiative", "Priority"],
        ["r1", "Sales", "Biling migration", 4],
        ["r2", "Sales", "Biling migration", 2],
        ["r3", "Sales", "P-01", 5],
    ]
    result = run({"f.xlsx": xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Feedback": feedback})})
    warning = _only(result.warnings)
    assert (warning.row, warning.column, warning.value) == (2, "Initiative", "Biling migration")
    assert "2 row(s) refer to it" in warning.message
    assert "Did you mean 'P-02 Billing migration'?" in warning.message
    assert sorted(result.dataset.feedback["initiative_id"]) == [
        "Biling migration",
        "Biling migration",
        "P-01",
    ]


def test_a_duplicate_id_rejects_the_later_row_and_names_both():
    rows = [
        ["Initiative ID", "Name"],
        ["P-01", "Onboarding"],
        ["P-02", "Billing"],
        [" p-01 ", "Onboarding again"],
    ]
    result = run({"w.xlsx": xlsx_bytes({"Initiatives": rows})})
    assert list(result.dataset.initiatives["name"]) == ["Onboarding", "Billing"]
    error = _only(result.errors)
    assert (error.row, error.column, error.value) == (4, "Initiative ID", "p-01")
    assert "already used on row 2" in error.message
    assert result.tables["initiatives"].rows_rejected == 1
    assert result.tables["initiatives"].rows_accepted == 2


def test_a_duplicate_id_in_another_sheet_names_where_the_first_one_is():
    more = [["Initiative ID", "Name"], ["P-02", "Billing, again"]]
    data = xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "More initiatives": more})
    result = run({"w.xlsx": data})
    error = _only(result.errors)
    assert (error.sheet, error.row) == ("More initiatives", 2)
    assert "already used on row 3 of w.xlsx › Initiatives" in error.message


def test_rows_without_their_identifying_field_are_rejected():
    rows = [
        ["Initiative ID", "Name"],
        ["P-01", "Onboarding"],
        [None, "A nameless idea"],
        ["  ", "Another"],
        ["P-03", None],
    ]
    result = run({"w.xlsx": xlsx_bytes({"Initiatives": rows})})
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "Initiative ID"),
        (4, "Initiative ID"),
    ]
    assert all("has no Initiative ID" in e.message for e in result.errors)
    init = result.dataset.initiatives.set_index("id")
    assert init.loc["P-03", "name"] == "P-03"  # a missing name falls back to the ID, with a word
    assert "the ID 'P-03' is used as its name" in _only(result.warnings).message


def test_rejected_rows_keep_their_cells_reason_and_row_and_hide_respondents():
    feedback = [
        ["Survey export"],
        ["Your name", "Group", "Initiative", "Priority", "Comment"],
        ["Ann Example", "Sales", "P-01", 4, "fine"],
        ["Bob Example", "Sales", None, 2, "which one?"],
    ]
    rows = [["Initiative ID", "Name"], ["P-01", "Onboarding"], ["P-01", "Dup"]]
    data = xlsx_bytes({"Initiatives": rows, "Feedback": feedback})
    result = run({"w.xlsx": data})
    init = result.rejected["initiatives"]
    assert list(init.columns) == ["File", "Sheet", "Row", "Reason", "Initiative ID", "Name"]
    assert init.iloc[0].to_dict() == {
        "File": "w.xlsx",
        "Sheet": "Initiatives",
        "Row": 3,
        "Reason": init.iloc[0]["Reason"],
        "Initiative ID": "P-01",
        "Name": "Dup",
    }
    assert "Duplicate Initiative ID 'P-01'" in init.iloc[0]["Reason"]
    fb = result.rejected["feedback"]
    assert len(fb) == 1
    row = fb.iloc[0]
    assert (row["Sheet"], row["Row"], row["Comment"], row["Priority"]) == (
        "Feedback",
        4,
        "which one?",
        2,
    )
    assert row["Your name"] == "(hidden)"
    assert "does not say which initiative" in row["Reason"]
    assert "Bob Example" not in fb.to_csv()


# --- sides -------------------------------------------------------------------------------------


def _side_feedback(side_column: bool) -> list[list]:
    header = ["Respondent", "Group", "Initiative", "Priority"]
    rows = [
        ["r1", "Sales", "P-01", 4, "business"],
        ["r2", "Platform team", "P-01", 2, "tech"],
        ["r3", "Data & Analytics", "P-01", 3, "tech"],
        ["r4", "Wizards", "P-01", 5, "Business"],
        ["r5", "Finance IT", "P-01", 1, None],
    ]
    if side_column:
        return [[*header, "Side"], *rows]
    return [header, *[r[:4] for r in rows]]


def test_sides_are_inferred_from_group_names():
    data = xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Feedback": _side_feedback(False)})
    result = run({"f.xlsx": data})
    assert result.dataset.group_sides == {
        "Sales": "business",
        "Platform team": "tech",
        "Data & Analytics": "tech",
        "Wizards": "unknown",
        "Finance IT": "tech",  # a tech word wins a tie
    }
    warning = _only(result.warnings)
    assert "could not be inferred: Wizards" in warning.message
    fb = result.dataset.feedback.set_index("group")
    assert fb.loc["Wizards", "side"] == "unknown"


def test_a_side_column_wins_over_the_group_name():
    data = xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Feedback": _side_feedback(True)})
    result = run({"f.xlsx": data})
    assert result.sheets[1].mapping["side"] == "Side"
    assert result.dataset.group_sides == {
        "Sales": "business",
        "Platform team": "tech",
        "Data & Analytics": "tech",
        "Wizards": "business",
        "Finance IT": "tech",  # no side given on its row: inferred
    }
    assert result.warnings == []


def test_sides_can_be_overridden():
    data = xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Feedback": _side_feedback(False)})
    settings = ImportChoices(sides={"Wizards": "tech", "Sales": "tech", "Nobody": "business"})
    result = run({"f.xlsx": data}, settings)
    assert result.dataset.group_sides["Wizards"] == "tech"
    assert result.dataset.group_sides["Sales"] == "tech"
    assert "Nobody" not in result.dataset.group_sides
    fb = result.dataset.feedback.set_index("group")
    assert fb.loc["Sales", "side"] == "tech"
    assert result.warnings == []
    # The word lists behind the inference can be edited too.
    custom = ImportChoices(tech_words=("wizards",), business_words=("sales",))
    sides = run({"f.xlsx": data}, custom).dataset.group_sides
    assert sides["Wizards"] == "tech" and sides["Platform team"] == "unknown"


def test_dataset_with_sides_moves_groups_without_reimporting():
    data = xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Feedback": _side_feedback(False)})
    dataset = run({"f.xlsx": data}).dataset
    moved = dataset.with_sides({"Wizards": "business", "Ghosts": "tech"})
    assert moved.group_sides["Wizards"] == "business" and "Ghosts" not in moved.group_sides
    assert set(moved.feedback.loc[moved.feedback["group"] == "Wizards", "side"]) == {"business"}
    assert moved.fingerprint != dataset.fingerprint
    assert dataset.with_sides({"Sales": "business"}) is dataset


# --- the user corrects the importer ------------------------------------------------------------


def test_a_column_mapping_override_is_applied():
    rows = [
        ["Initiative ID", "Title", "Summary", "Team"],
        ["P-01", "Onboarding", "Sign up alone", "Growth"],
    ]
    data = xlsx_bytes({"Initiatives": rows})
    key = sheet_key("w.xlsx", "Initiatives")
    before = run({"w.xlsx": data})
    assert before.sheets[0].mapping["name"] == "Title"
    assert before.sheets[0].mapping["description"] == "Summary"
    settings = ImportChoices(
        overrides={key: {"columns": {"name": "Summary", "description": "Title", "team": ""}}}
    )
    after = run({"w.xlsx": data}, settings)
    assert after.sheets[0].mapping == {
        "id": "Initiative ID",
        "name": "Summary",
        "description": "Title",
    }
    assert after.sheets[0].unused_columns == ["Team"]
    init = after.dataset.initiatives
    assert (init["name"].iloc[0], init["description"].iloc[0]) == ("Sign up alone", "Onboarding")
    assert pd.isna(init["team"].iloc[0])
    assert after.tables["initiatives"].columns["name"] == "Summary"


def test_settings_survive_a_json_round_trip():
    settings = ImportChoices(
        overrides={sheet_key("a.xlsx", "S"): {"kind": "glossary", "columns": {"term": "Word"}}},
        scales={"priority": (0, 10)},
        sides={"Wizards": "tech"},
    )
    again = ImportChoices.from_json(settings.to_json())
    assert again == settings


def test_a_sheet_can_be_ignored_or_given_another_table():
    glossary = [["Acronym", "Meaning"], ["SLA", "the service promise to customers"]]
    data = xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Words": glossary})
    assert list(run({"w.xlsx": data}).tables) == ["initiatives", "glossary"]
    ignore = ImportChoices(overrides={sheet_key("w.xlsx", "Words"): {"kind": "ignore"}})
    result = run({"w.xlsx": data}, ignore)
    assert list(result.tables) == ["initiatives"]
    assert result.sheets[1].reason == "ignored at your request"
    as_objectives = ImportChoices(
        overrides={
            sheet_key("w.xlsx", "Words"): {
                "kind": "objectives",
                "columns": {"id": "Acronym", "name": "Meaning"},
            }
        }
    )
    result = run({"w.xlsx": data}, as_objectives)
    assert result.sheets[1].kind == "objectives" and result.sheets[1].reason == "chosen by you"
    assert list(result.dataset.objectives["id"]) == ["SLA"]


def test_a_table_chosen_for_a_sheet_without_known_headers_is_applied():
    rows = [["Colour", "Shape"], ["Kafka", "the pipe between services"]]
    data = xlsx_bytes({"Sheet1": rows})
    assert run({"w.xlsx": data}).tables == {}
    key = sheet_key("w.xlsx", "Sheet1")
    settings = ImportChoices(
        overrides={key: {"kind": "glossary", "columns": {"term": "Colour", "plain": "Shape"}}}
    )
    result = run({"w.xlsx": data}, settings)
    assert (result.sheets[0].kind, result.sheets[0].header_row) == ("glossary", 1)
    assert list(result.dataset.glossary["term"]) == ["Kafka"]


@pytest.mark.parametrize(
    ("kind", "unmapped", "label"),
    [
        ("initiatives", "id", "Initiative ID"),
        ("objectives", "id", "Objective ID"),
        ("stakeholders", "name", "Name"),
        ("glossary", "plain", "Business wording"),
        ("indicators", "period", "Period"),
        ("feedback", "initiative", "Initiative"),
    ],
)
def test_a_table_without_its_identifying_column_sets_every_row_aside(kind, unmapped, label):
    """Never rows with empty IDs, never a crash: one error, every row downloadable."""
    rows = [
        ["Initiative ID", "Name", "Term", "Business wording", "Period", "Initiative", "Metric"],
        ["P-01", "Onboarding", "SLA", "a promise", "2026-01", "P-01", "escalations"],
        ["P-02", "Billing", "SLO", "a target", "2026-02", "P-02", "escalations"],
    ]
    key = sheet_key("w.xlsx", "Data")
    settings = ImportChoices(overrides={key: {"kind": kind, "columns": {unmapped: ""}}})
    result = run({"w.xlsx": xlsx_bytes({"Data": rows})}, settings)
    error = _only(result.errors)
    assert error.row is None and error.sheet == "Data"
    assert (
        f"No column is recognised as the {label}, so all 2 row(s) were set aside" in error.message
    )
    assert result.tables[kind].rows_rejected == 2
    assert result.tables[kind].rows_accepted == 0
    assert list(result.rejected[kind]["Row"]) == [2, 3]


def test_initiatives_with_their_name_column_unmapped_are_named_by_id():
    key = sheet_key("w.xlsx", "Initiatives")
    settings = ImportChoices(overrides={key: {"columns": {"name": ""}}})
    result = run({"w.xlsx": xlsx_bytes({"Initiatives": INITIATIVES_ROWS})}, settings)
    assert list(result.dataset.initiatives["name"]) == ["P-01", "P-02"]


# --- anonymity and counting people -------------------------------------------------------------

NAMES = ("Ann Example", "bob@example.com", "Cy Example", "Dee Example")


def _named_feedback() -> dict[str, bytes]:
    feedback = [
        ["Your name", "Group", "Initiative", "Priority", "Business value", "Comment", "Date"],
        ["Ann Example", "Sales", "P-01", 4, 5, "Great", "2026-09-01"],
        ["bob@example.com", "Data", "P-02", 9, 3, "Slow", "2026-09-02"],
        ["Cy Example", "Sales", None, 2, 2, "Which?", "2026-09-03"],
        ["Dee Example"],
    ]
    return {"f.xlsx": xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Feedback": feedback})}


def test_respondent_names_never_leave_the_importer():
    result = run(_named_feedback())
    dataset = result.dataset
    text = " ".join(
        [
            dataset.feedback.to_csv(),
            dataset.comments.to_csv(),
            json.dumps(result.to_dict(), default=str),
            " ".join(str(p) for p in result.problems),
            " ".join(str(n) for n in result.notes),
            *(frame.to_csv() for frame in result.rejected.values()),
        ]
    )
    for name in NAMES:
        assert name not in text
        assert name.split()[0] not in text
    assert set(dataset.feedback["respondent"]) == {"R00001", "R00002"}
    assert set(dataset.comments["respondent"]) <= {"R00001", "R00002"}
    assert sorted(dataset.comments["comment"]) == ["Great", "Slow"]
    # The row with only a name is set aside as a stray note, without quoting it.
    note = _only([n for n in result.notes if n.row == 5])
    assert "a respondent's name, not shown" in note.message


def test_without_a_respondent_column_each_response_row_is_one_respondent():
    feedback = [
        ["Group", "Initiative", "Priority", "Business value"],
        ["Sales", "P-01", 4, 5],
        ["Sales", "P-01", 4, 5],
        ["Sales", "P-01", 2, None],
    ]
    result = run({"f.xlsx": xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Feedback": feedback})})
    fb = result.dataset.feedback
    assert len(fb) == 5
    assert fb["respondent"].nunique() == 3
    per_person = fb.groupby("respondent")["dimension"].apply(sorted).tolist()
    assert sorted(per_person) == [
        ["business_value", "priority"],
        ["business_value", "priority"],
        ["priority"],
    ]
    assert result.warnings == []


def test_without_a_respondent_column_long_rows_of_one_answer_are_one_respondent():
    """One answer spans a run of long rows; counting rows would let one person pass k_min."""
    wide = [row[1:] for row in _wide()]  # no respondent column
    long = [row[1:] for row in _long()]
    counts = {}
    for name, rows in (("wide", wide), ("long", long)):
        result = run({"f.xlsx": xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Responses": rows})})
        assert rating_set(result) == EXPECTED_RATINGS, name
        fb = result.dataset.feedback
        counts[name] = fb.groupby(["initiative_id", "group"])["respondent"].nunique().to_dict()
    assert (
        counts["long"]
        == counts["wide"]
        == {
            ("P-01", "Engineering"): 1,
            ("P-01", "Finance"): 1,
            ("P-01", "Sales"): 1,
            ("P-02", "Engineering"): 1,
            ("P-02", "Sales"): 1,
        }
    )


def test_a_long_sheet_starts_a_new_respondent_when_a_dimension_repeats():
    rows = [
        ["Group", "Initiative", "Dimension", "Score", "Comment"],
        ["Sales", "P-01", "Priority", 4, "Same words"],
        ["Sales", "P-01", "Business value", 5, "Same words"],
        ["Sales", "P-01", "Priority", 2, "Same words"],  # a second person, same group
        ["Sales", "P-01", "Business value", 1, "Same words"],
        ["Data", "P-01", "Priority", 3, None],
    ]
    result = run({"f.xlsx": xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Ratings": rows})})
    fb = result.dataset.feedback
    people = fb.groupby("respondent")["rating"].apply(sorted).tolist()
    assert sorted(people) == [[1.0, 2.0], [3.0], [4.0, 5.0]]
    # Both people wrote the same comment: two comments, each once, not one per dimension row.
    assert list(result.dataset.comments["comment"]) == ["Same words", "Same words"]
    assert result.dataset.comments["respondent"].nunique() == 2


def test_a_named_respondents_repeated_answer_keeps_the_latest_and_warns():
    feedback = [
        ["Respondent", "Group", "Initiative", "Priority", "Business value", "Date"],
        ["ann", "Sales", "P-01", 2, 3, "2026-09-20"],
        ["bob", "Sales", "P-01", 3, 3, "2026-09-01"],
        ["ANN ", "Sales", "P-01", 5, 5, "2026-09-05"],  # earlier date, lower in the sheet
        ["ann", "Sales", "P-02", 1, None, None],
    ]
    result = run({"f.xlsx": xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Feedback": feedback})})
    fb = result.dataset.feedback
    assert len(fb) == 5
    assert fb["respondent"].nunique() == 2
    ann_p01 = fb[(fb["initiative_id"] == "P-01") & (fb["date"] == pd.Timestamp("2026-09-20"))]
    assert sorted(ann_p01["rating"]) == [2.0, 3.0]
    assert 5.0 not in set(fb["rating"])
    warning = _only(result.warnings)  # one per superseded row, not one per rating
    assert (warning.row, warning.column, warning.value) == (4, "Respondent", "")
    assert "answered 'P-01' again on row 2" in warning.message
    assert "2 rating(s) of this row were left out" in warning.message


def test_a_survey_submitted_twice_gives_one_warning_naming_the_other_sheet():
    header = ["Email", "Group", "Initiative", "Priority", "Communication", "Date"]
    first = [header, ["ann@x.org", "Sales", "P-01", 2, 2, "2026-09-01"]]
    again = [
        header,
        ["ann@x.org", "Sales", "P-01", 4, 4, "2026-09-08"],
        ["ann@x.org", "Sales", "P-02", 4, 4, "2026-09-08"],
    ]
    data = xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Responses": first, "Responses 2": again})
    result = run({"f.xlsx": data})
    warning = _only(result.warnings)
    assert (warning.sheet, warning.row) == ("Responses", 2)
    assert "again on row 2 of f.xlsx › Responses 2" in warning.message
    assert sorted(result.dataset.feedback["rating"]) == [4.0, 4.0, 4.0, 4.0]
    assert result.dataset.feedback["respondent"].nunique() == 1


# --- row numbers -------------------------------------------------------------------------------


def test_row_numbers_are_excel_rows_in_xlsx():
    rows = [
        ["Quarterly roadmap"],
        [],
        ["Initiative ID", "Name", "Effort"],
        ["P-01", "Onboarding", "lots"],
        [],
        ["P-02", "Billing", 3],
        [None, "Orphan", 2],
    ]
    result = run({"w.xlsx": xlsx_bytes({"Initiatives": rows})})
    assert [(p.severity, p.row) for p in result.problems] == [("error", 7), ("warning", 4)]
    assert result.problems[1].column == "Effort" and result.problems[1].value == "lots"


def test_row_numbers_count_empty_rows_above_a_table_that_starts_mid_sheet():
    """calamine's grid starts at the first used cell (here C4): rows above it still count."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Initiatives"
    ws["C4"], ws["D4"], ws["E4"] = "Initiative\nID", "Name", "Effort"  # a wrapped header
    ws["C5"], ws["D5"], ws["E5"] = "P-01", "Onboarding", "lots"
    ws["C7"], ws["D7"], ws["E7"] = "P-02", "Billing", 3
    ws["D8"], ws["E8"] = "No ID", 2
    buf = io.BytesIO()
    wb.save(buf)
    result = run({"w.xlsx": buf.getvalue()})
    sheet = _only(result.sheets)
    assert (sheet.header_row, sheet.headers) == (4, ["Initiative ID", "Name", "Effort"])
    assert [(p.severity, p.row, p.column) for p in result.problems] == [
        ("error", 8, "Initiative ID"),
        ("warning", 5, "Effort"),
    ]
    assert list(result.rejected["initiatives"]["Row"]) == [8]


def test_row_numbers_in_csv_are_excels_even_after_multi_line_cells():
    """Excel opens a CSV with one row per record, however many lines a quoted value spans;
    a problem names the row the user sees there."""
    rows = [
        ["Exported from the portfolio tool"],
        ["Initiative ID", "Name", "Description", "Effort"],
        ["P-01", "Onboarding", "Line one\nline two\nline three", "2,5"],
        ["P-02", "Billing", "One line", "lots"],
        ["P-01", "Duplicate", "Again", "1"],
    ]
    result = run({"w.csv": csv_bytes(rows, ";")})
    assert result.sheets[0].header_row == 2
    assert result.dataset.initiatives["description"].iloc[0] == "Line one line two line three"
    warning = _only(result.warnings)
    assert (warning.row, warning.column, warning.value, warning.sheet) == (4, "Effort", "lots", "")
    error = _only(result.errors)
    assert error.row == 5 and "already used on row 3" in error.message


# --- the template round-trips ------------------------------------------------------------------


def test_the_blank_template_imports_with_zero_problems():
    result = run({"alignment_template.xlsx": templates.build_template()})
    assert result.problems == []
    assert set(result.tables) == {t.name for t in schema.TABLES}
    for name, table in result.tables.items():
        assert (table.rows_read, table.rows_rejected) == (2, 0), name
    instructions = result.sheets[0]
    assert instructions.sheet == templates.INSTRUCTIONS_SHEET and instructions.kind is None
    assert len(result.dataset.feedback) == 10  # 2 rows x 5 dimensions
    assert len(result.dataset.estimates) == 6  # 2 rows x 3 WSJF estimates, kept apart
    assert result.tables["feedback"].rows_accepted == 16


def test_a_filled_in_template_imports_with_zero_problems():
    wb = openpyxl.load_workbook(io.BytesIO(templates.build_template()))

    def fill(table: schema.Table, records: list[dict[str, object]]) -> None:
        ws = wb[table.label]
        fields = [f.name for f in templates.template_fields(table)]
        for record in records:
            ws.append([record.get(f) for f in fields])

    fill(
        schema.OBJECTIVES,
        [{"id": "G3", "name": "Keep customers safe", "weight": "35%"}],
    )
    fill(
        schema.INITIATIVES,
        [
            {
                "id": "P-03",
                "name": "Search revamp",
                "team": "Growth",
                "objective_ids": "G1; G3",
                "why": "Customers cannot find products.",
                "business_value": "H",
                "effort": "L",
                "risk": 2,
                "status": "WIP",
                "target": "Q4 2027",
                "depends_on": "P-01, P-02",
            },
            {"id": "P-04", "name": "Pricing page", "target": dt.datetime(2027, 6, 30)},
        ],
    )
    fill(
        schema.FEEDBACK,
        [
            {
                "respondent": "r-103",
                "group": "Platform",
                "initiative": "Search revamp",
                "why_clarity": "Agree",
                "business_value": "Strongly agree",
                "priority": 3,
                "confidence": "2,5",
                "communication": "4 - Mostly",
                "comment": "Needs a clearer why.",
                "date": "15/09/2026",
            },
            {
                "respondent": "r-104",
                "group": "Finance",
                "initiative": "p-04",
                "priority": 5,
                "date": dt.datetime(2026, 9, 16),
            },
        ],
    )
    fill(
        schema.INDICATORS,
        [{"period": "2026-03", "scope": "Growth", "metric": "# escalations", "value": 2}],
    )
    fill(
        schema.STAKEHOLDERS,
        [
            {
                "name": "Ana Silva",
                "role": "COO",
                "group": "Operations",
                "influence": "H",
                "interest": 5,
                "last_1on1": "2026-09-01",
                "cadence": "every 2 weeks",
            }
        ],
    )
    fill(schema.GLOSSARY, [{"term": "SLA", "plain": "the service level we promise"}])
    buf = io.BytesIO()
    wb.save(buf)
    result = run({"filled.xlsx": buf.getvalue()})
    assert result.problems == []
    assert result.tables["initiatives"].rows_accepted == 4
    init = result.dataset.initiatives.set_index("id")
    assert init.loc["P-03", "objective_ids"] == ("G1", "G3")
    assert init.loc["P-03", "depends_on"] == ("P-01", "P-02")
    assert (init.loc["P-03", "business_value"], init.loc["P-03", "effort"]) == ("High", 5.0)
    assert init.loc["P-03", "status"] == "In progress"
    assert init.loc["P-04", "target"] == pd.Timestamp("2027-06-30")
    fb = result.dataset.feedback
    mine = fb[fb["initiative_id"] == "P-03"].set_index("dimension")["rating"].to_dict()
    assert mine == {
        "why_clarity": 4.0,
        "business_value": 5.0,
        "priority": 3.0,
        "confidence": 2.5,
        "communication": 4.0,
    }
    assert list(fb.loc[fb["initiative_id"] == "P-04", "rating"]) == [5.0]
    assert result.dataset.group_sides["Platform"] == "tech"
    assert result.dataset.objectives.set_index("id").loc["G3", "weight"] == 35.0
    assert "escalations" in set(result.dataset.indicators["metric"])
    assert (
        result.dataset.stakeholders.set_index("name").loc["Ana Silva", "cadence"] == "fortnightly"
    )


# --- the report as a whole ---------------------------------------------------------------------


def test_several_files_at_once_and_an_unreadable_one():
    result = run(
        {
            "initiatives.csv": csv_bytes(INITIATIVES_ROWS),
            "objectives.xlsx": xlsx_bytes({"Sheet1": OBJECTIVES_ROWS}),
            "broken.xlsx": b"PK\x03\x04 not really a zip",
        }
    )
    assert set(result.tables) == {"initiatives", "objectives"}
    error = _only(result.errors)
    assert error.file == "broken.xlsx" and error.row is None
    assert result.usable
    assert result.tables["initiatives"].to_dict()["source"] == {
        "file": "initiatives.csv",
        "sheet": "",
    }


def test_nothing_usable_is_one_clear_error():
    result = run({"notes.csv": csv_bytes([["Hello"], ["just some text"]])})
    assert not result.usable
    assert "No usable table was found" in _only(result.errors).message


def test_to_dict_is_json_and_uses_the_contract_keys():
    result = run(_named_feedback())
    out = json.loads(json.dumps(result.to_dict(), default=str))
    assert set(out) >= {"tables", "problems"}
    for table in out["tables"].values():
        assert set(table) >= {"source", "rows_read", "rows_accepted", "rows_rejected", "columns"}
    for problem in out["problems"]:
        assert set(problem) >= {"severity", "file", "sheet", "row", "column", "value", "message"}
        assert problem["severity"] in ("error", "warning")
    assert out["tables"]["feedback"]["columns"]["respondent"] == "Your name"
    assert re.fullmatch(r"[0-9a-f]{16}", result.dataset.fingerprint)


def test_a_wide_indicator_export_is_recognised_by_its_metric_columns():
    # A European Excel export: month.year periods, semicolons, decimal commas and a source line.
    text = (
        "Month;Team;Escalations;Risk score;Quality delta\r\n"
        "01.2026;Payments;3;4,5;-0,45\r\n"
        "02.2026;Payments;7;4,8;-0,40\r\n"
        "Source: quality report\r\n"
    )
    result = run({"indicators.csv": text.encode("utf-8")})
    assert result.errors == []
    assert result.warnings == []
    sheet = result.sheets[0]
    assert sheet.kind == "indicators"
    assert sheet.form == "wide"
    ind = result.dataset.indicators
    assert set(ind["metric"]) == {"escalations", "risk", "quality_delta"}
    esc = ind[ind["metric"] == "escalations"].sort_values("period")
    assert list(esc["period"]) == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")]
    assert list(esc["value"]) == [3.0, 7.0]
    assert any(n.row == 4 and "not data" in n.message for n in result.notes)


def test_a_rejected_row_is_not_also_warned_about_as_kept():
    text = "Month;Team;Escalations\r\n2026-01;Payments;3\r\nnot a month;Payments;4\r\n"
    result = run({"indicators.csv": text.encode("utf-8")})
    at_row = [p for p in result.problems if p.row == 3]
    assert [p.severity for p in at_row] == ["error"]
    assert "no readable period" in at_row[0].message


def test_a_regular_csv_keeps_one_grid_and_gives_its_rows_as_lists_on_demand() -> None:
    """A regular CSV is read by columns into one grid; its rows are lists only when asked for,
    and behave like the list of lists the csv module would have given."""
    from alignment.readers import read_file
    from alignment.readers.base import GridRows

    data = b"Respondent,Initiative,Score\nr1,P-1,4\nr2,P-1,5\nr3,P-2,3\n"
    sheet = read_file(data, "ratings.csv")[0]
    assert isinstance(sheet.rows, GridRows)
    expected = [["Respondent", "Initiative", "Score"], ["r1", "P-1", "4"], ["r2", "P-1", "5"]]
    expected.append(["r3", "P-2", "3"])
    assert len(sheet.rows) == 4
    assert sheet.rows[1] == ["r1", "P-1", "4"]
    assert sheet.rows[-1] == ["r3", "P-2", "3"]
    assert sheet.rows[1:3] == expected[1:3]
    assert list(sheet.rows) == expected
    assert sheet.rows == expected
    sheet.rows[1][0] = "changed"  # a row is a fresh list: the grid is not changed through it
    assert sheet.rows[1][0] == "r1"
