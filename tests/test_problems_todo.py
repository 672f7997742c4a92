"""The data-problems table reads as a to-do list: where, what was found, what to do."""

from __future__ import annotations

from alignment.problems import Problem, todo_frame


def test_each_problem_is_a_full_to_do_item_with_no_empty_cell() -> None:
    problems = [
        Problem(
            "warning",
            "'G9' is not in the objectives table; the reference is kept but leads nowhere. "
            "Check the ID for a typo.",
            file="roadmap.xlsx",
            sheet="Roadmap 2027",
            row=15,
            column="Strategic goal(s)",
            value="G9",
        ),
        Problem(
            "error",
            "This row has no Initiative ID, which identifies it; it was set aside. Fill in the "
            "Initiative ID and upload again.",
            file="pulse.csv",
            row=13,
            column="Proj #",
        ),
        Problem("error", "The file is empty.", file="blank.csv"),
        Problem("warning", "expected a rating; the rating was left empty.", row=4, value="maybe?"),
    ]
    todo = todo_frame(problems).to_dict("records")
    assert [t["Kind"] for t in todo] == [
        "Error: row set aside",
        "Error: not used",
        "Warning: row kept",
        "Warning: row kept",
    ]
    assert todo[0]["Where"] == "Row 13 of pulse.csv, column 'Proj #'"
    assert todo[0]["What to do"] == "Fill in the Initiative ID and upload again."
    assert todo[1]["Where"] == "File blank.csv"
    assert todo[1]["What to do"] == "Correct the file and upload it again."
    assert (
        todo[2]["Where"]
        == "Row 15 of sheet 'Roadmap 2027' in roadmap.xlsx, column 'Strategic goal(s)'"
    )
    assert todo[2]["What to do"] == "Check the ID for a typo."
    assert todo[3]["What we found"].endswith("The cell holds 'maybe?'.")
    for item in todo:
        for cell in item.values():
            assert cell and cell.strip() and "None" not in cell and "nan" not in cell.split()
            assert next(c for c in cell if c.isalpha()).isupper()
        for sentence in (item["What we found"], item["What to do"]):
            assert sentence.endswith(".")
