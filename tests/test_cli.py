"""``python -m alignment validate``: the Data page's report on the command line, and its JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from alignment.cli import EXIT_NOTHING_USABLE, EXIT_OK, EXIT_USAGE, main
from tests.helpers import INITIATIVES_ROWS, csv_bytes, xlsx_bytes

ROOT = Path(__file__).resolve().parent.parent
PROBLEM_KEYS = {"severity", "file", "sheet", "row", "column", "value", "message"}
TABLE_KEYS = {"source", "rows_read", "rows_accepted", "rows_rejected", "columns"}

FEEDBACK = [
    ["Feedback round, September"],
    ["Your name", "Group", "Initiative", "Priority", "Business value"],
    ["Ann Example", "Sales", "P-01", 4, 5],
    ["Bob Example", "Engineering", "billing migration", 9, "Agree"],
    ["Cy Example", "Sales", None, 3, 3],
]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "workshop.xlsx"
    path.write_bytes(xlsx_bytes({"Initiatives": INITIATIVES_ROWS, "Feedback": FEEDBACK}))
    return path


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    path = tmp_path / "initiatives.csv"
    path.write_bytes(csv_bytes(INITIATIVES_ROWS, ";"))
    return path


@pytest.fixture
def useless(tmp_path: Path) -> Path:
    path = tmp_path / "notes.csv"
    path.write_bytes(csv_bytes([["Meeting notes"], ["Nothing tabular here"]]))
    return path


def _validate_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["validate", *args, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_text_report_of_a_clean_file(capsys, clean):
    assert main(["validate", str(clean)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "initiatives.csv: Initiatives — recognised from 4 matching headers" in out
    assert "  Initiatives: 2 rows read, 2 rows accepted, 0 rejected" in out
    assert "id               ← Initiative ID" in out
    assert "objective_ids    ← Objective(s)" in out
    assert "NOTE: initiatives.csv: Columns are separated by semicolons." in out
    assert out.rstrip().endswith("No problems found.")


def test_text_report_lists_every_problem_where_it_is(capsys, workbook):
    assert main(["validate", str(workbook)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "workshop.xlsx › Feedback: Feedback (wide form)" in out
    assert "  Feedback: 3 rows read, 3 ratings accepted, 1 rejected" in out
    assert "Problems: 1 error(s), 1 warning(s)" in out
    assert (
        "  ERROR: workshop.xlsx, sheet 'Feedback', row 5, column 'Initiative': "
        "This row does not say which initiative it rates" in out
    )
    assert (
        "  WARNING: workshop.xlsx, sheet 'Feedback', row 4, column 'Priority': "
        "Priority: 9 is outside the 1–5 scale" in out
    )
    assert "(found '9')" in out
    assert "No problems found." not in out


def test_json_report_contract(capsys, workbook):
    code, report = _validate_json(capsys, str(workbook))
    assert code == EXIT_OK
    assert set(report["tables"]) == {"initiatives", "feedback"}
    for table in report["tables"].values():
        assert set(table) >= TABLE_KEYS
    init = report["tables"]["initiatives"]
    assert init["source"] == {"file": "workshop.xlsx", "sheet": "Initiatives"}
    assert (init["rows_read"], init["rows_accepted"], init["rows_rejected"]) == (2, 2, 0)
    assert init["columns"] == {
        "id": "Initiative ID",
        "name": "Name",
        "team": "Team",
        "objective_ids": "Objective(s)",
    }
    feedback = report["tables"]["feedback"]
    assert feedback["source"] == {"file": "workshop.xlsx", "sheet": "Feedback"}
    # Ratings in long form: Ann 2, Bob 1 (his 9 was dropped), Cy's row rejected.
    assert (feedback["rows_read"], feedback["rows_accepted"], feedback["rows_rejected"]) == (
        3,
        3,
        1,
    )
    assert feedback["columns"]["respondent"] == "Your name"
    problems = report["problems"]
    for problem in problems:
        assert set(problem) >= PROBLEM_KEYS
    assert [
        {k: p[k] for k in ("severity", "file", "sheet", "row", "column", "value")} for p in problems
    ] == [
        {
            "severity": "error",
            "file": "workshop.xlsx",
            "sheet": "Feedback",
            "row": 5,
            "column": "Initiative",
            "value": "",
        },
        {
            "severity": "warning",
            "file": "workshop.xlsx",
            "sheet": "Feedback",
            "row": 4,
            "column": "Priority",
            "value": "9",
        },
    ]
    assert all(isinstance(p["message"], str) and p["message"] for p in problems)


def test_respondent_names_are_not_printed(capsys, workbook):
    main(["validate", str(workbook)])
    main(["validate", str(workbook), "--json"])
    out = capsys.readouterr().out
    for name in ("Ann", "Bob", "Cy Example"):
        assert name not in out


def test_several_files_and_an_unreadable_one(capsys, tmp_path, clean):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not a workbook")
    code, report = _validate_json(capsys, str(clean), str(broken))
    assert code == EXIT_OK  # one usable table is enough
    assert report["tables"]["initiatives"]["source"] == {"file": "initiatives.csv", "sheet": ""}
    error = next(p for p in report["problems"] if p["file"] == "broken.xlsx")
    assert error["severity"] == "error" and error["row"] is None
    assert "damaged" in error["message"] or "incomplete" in error["message"]


def test_nothing_usable_exits_1_and_still_reports(capsys, useless):
    code, report = _validate_json(capsys, str(useless))
    assert code == EXIT_NOTHING_USABLE
    assert report["tables"] == {}
    assert [p["severity"] for p in report["problems"]] == ["error"]
    assert "No usable table was found" in report["problems"][0]["message"]
    assert main(["validate", str(useless)]) == EXIT_NOTHING_USABLE
    out = capsys.readouterr().out
    assert "Problems: 1 error(s), 0 warning(s)" in out
    assert "holds no table" in out


@pytest.mark.parametrize(
    "argv",
    [[], ["validate"], ["frobnicate", "x.csv"], ["validate", "--nope", "x.csv"]],
    ids=["no-command", "no-file", "unknown-command", "unknown-option"],
)
def test_usage_errors_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == EXIT_USAGE
    assert "usage:" in capsys.readouterr().err


def test_a_missing_file_is_a_usage_error(capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["validate", str(tmp_path / "nope.xlsx")])
    assert exc.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert "nope.xlsx: no such file" in err
    assert "Traceback" not in err


def _python_m(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "alignment", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_python_m_alignment_validate_json(workbook, useless):
    done = _python_m("validate", str(workbook), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["tables"]["feedback"]["rows_accepted"] == 3
    assert {p["severity"] for p in report["problems"]} == {"error", "warning"}
    assert done.stderr == ""
    nothing = _python_m("validate", str(useless), "--json")
    assert nothing.returncode == 1
    assert json.loads(nothing.stdout)["tables"] == {}
    usage = _python_m("validate")
    assert usage.returncode == 2
    assert "usage:" in usage.stderr and "Traceback" not in usage.stderr


def test_the_cli_loads_only_what_a_command_uses() -> None:
    """``import alignment.cli`` (so ``--help`` and ``hash-password``) loads no data or document
    library: the importer, pandas and the rest load with the first command that reads a file."""
    import subprocess
    import sys

    heavy = [
        "pandas",
        "scipy",
        "pandera",
        "sqlalchemy",
        "jinja2",
        "docx",
        "fpdf",
        "vl_convert",
        "networkx",
        "altair",
        "pydantic",
        "yaml",
        "rapidfuzz",
        "python_calamine",
    ]
    code = f"import sys, alignment.cli\nprint(' '.join(m for m in {heavy!r} if m in sys.modules))\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == []


def test_validate_loads_pandera_only_for_a_value_that_breaks_a_rule(workbook, tmp_path) -> None:
    """pandera (with pydantic and typeguard, about 0.3 s) is loaded to report a broken rule, not
    to find that every value is in bounds: ``validate`` on a clean file does not import it."""
    code = (
        "import sys, io, contextlib\nfrom alignment import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    cli.main(['validate', sys.argv[1], '--json'])\n"
        "print('pandera' in sys.modules)\n"
    )
    clean = subprocess.run(
        [sys.executable, "-c", code, str(workbook)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert clean.stdout.split()[-1] == "False"
    negative = tmp_path / "negative.xlsx"
    rows = [[*r, e] for r, e in zip(INITIATIVES_ROWS, ["Effort", -3, 5], strict=True)]
    negative.write_bytes(xlsx_bytes({"Initiatives": rows}))
    broken = subprocess.run(
        [sys.executable, "-c", code, str(negative)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert broken.stdout.split()[-1] == "True"
