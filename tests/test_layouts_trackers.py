"""Tracker exports (Jira, monday.com, Asana) read as the roadmap, with no manual step.

Each fixture writes the same twelve initiatives (``truth.INITIATIVES``) the way the tool writes
its export, mixed with the child work items the tool exports alongside them; the importer must
find exactly the twelve, with their fields and dependencies, and never mistake a tracker export
for feedback (a Jira export has Priority, Comment and Team-like columns).
"""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from alignment.cli import EXIT_OK, main
from alignment.ingest import ImportResult, SourceFile, import_files
from alignment.values import parse_status
from tests.fixtures.exports import truth

EXPORTS = Path(__file__).resolve().parent / "fixtures" / "exports"
EXPECTED = json.loads((EXPORTS / "expected_trackers.json").read_text(encoding="utf-8"))
TRACKERS = ["jira/roadmap.csv", "monday/roadmap.xlsx", "asana/roadmap.csv"]
TOOL = {"jira/roadmap.csv": "jira", "monday/roadmap.xlsx": "monday", "asana/roadmap.csv": "asana"}


def _import(name: str, data: bytes | None = None) -> ImportResult:
    if data is None:
        return import_files([SourceFile.from_path(EXPORTS / name)])
    return import_files([SourceFile(Path(name).name, data)])


def _check_roadmap(result: ImportResult, fixture: str) -> None:
    """The twelve truth initiatives, under the tool's ids, with their fields and dependencies."""
    spec = EXPECTED[fixture]
    ids = {k: str(v) for k, v in spec["ids"].items()}  # truth key -> the tool's id, as text
    assert not [p for p in result.problems if p.severity == "error"], result.problems
    assert result.dataset.feedback.empty
    frame = result.dataset.initiatives.set_index("id")
    assert sorted(frame.index) == sorted(ids.values())
    assert len(truth.INITIATIVES) == spec["initiatives"] == len(frame) == 12
    for ini in truth.INITIATIVES:
        row = frame.loc[ids[ini.key]]
        assert row["name"] == ini.name
        assert row["owner"] == ini.owner
        assert row["team"] == ini.team
        assert row["status"] == parse_status(ini.status)[0]
        assert pd.Timestamp(row["target"]) == pd.Timestamp(ini.due)
        assert " ".join(str(row["description"]).split()) == " ".join(ini.description.split())
    deps = {(blocked, blocker) for blocked, d in frame["depends_on"].items() for blocker in d}
    assert deps == {(str(a), str(b)) for a, b in spec["dependencies"]}
    names = set(frame["name"])
    assert not names & set(spec["must_not_be_initiatives"])


@pytest.mark.parametrize("fixture", TRACKERS)
def test_each_tracker_export_is_read_as_the_roadmap(fixture: str) -> None:
    result = _import(fixture)
    _check_roadmap(result, fixture)
    read = [s for s in result.sheets if s.kind]
    assert [(s.kind, s.layout) for s in read] == [("initiatives", TOOL[fixture])]
    assert read[0].reason.startswith("read as ")
    assert read[0].rows_read == 12
    assert not read[0].unused_columns  # every column is used or set aside on purpose


def test_a_jira_export_is_never_read_as_feedback() -> None:
    from alignment.ingest.layouts import readings
    from alignment.readers import read_file

    data = (EXPORTS / "jira/roadmap.csv").read_bytes()
    sheet = read_file(data, "roadmap.csv")[0]
    found = readings(sheet)
    assert found[0].layout == "jira" and found[0].kind == "initiatives"
    assert all(r.score < found[0].score for r in found[1:])
    result = _import("jira/roadmap.csv")
    assert "feedback" not in result.tables
    reason = result.sheets[0].read_as
    assert reason.startswith("read as a Jira export: 12 epics; 4 ")
    assert "Jira columns set aside" in reason


def test_child_work_items_are_skipped_with_their_original_row_numbers() -> None:
    """Stories, sub-tasks and subitems are named in a note by the row the user sees."""
    jira = [n.message for n in _import("jira/roadmap.csv").notes]
    # Descriptions span lines (the children sit on text lines 18 to 21), but a problem names
    # the row Excel shows when it opens the file: one row per record, so rows 14 to 17.
    assert any("(14, 15) are stories" in m for m in jira), jira
    assert any("(16) are tasks" in m for m in jira), jira
    assert any("(17) are sub-tasks" in m for m in jira), jira
    monday = [n.message for n in _import("monday/roadmap.xlsx").notes]
    assert any("(5, 6, 7, 18, 19, 20, 21) are subitems" in m for m in monday), monday
    asana = [n.message for n in _import("asana/roadmap.csv").notes]
    assert any("are subtasks, not initiatives" in m for m in asana), asana


def test_monday_updates_sheets_are_not_read_as_a_table() -> None:
    result = _import("monday/roadmap.xlsx")
    kinds = {s.sheet: s.kind for s in result.sheets}
    assert kinds == {
        "roadmap 2026": "initiatives",
        "roadmap 2026-updates": None,
        "roadmap 2026-discussion": None,
    }


@pytest.mark.parametrize("fixture", TRACKERS)
def test_validate_reports_the_roadmap(fixture: str, capsys) -> None:
    code = main(["validate", str(EXPORTS / fixture), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == EXIT_OK
    assert list(report["tables"]) == ["initiatives"]
    assert report["tables"]["initiatives"]["rows_accepted"] == 12
    assert report["tables"]["initiatives"]["rows_rejected"] == 0
    assert not [p for p in report["problems"] if p["severity"] == "error"]


# --- the same exports, rearranged ------------------------------------------------------------


def _csv_rows(fixture: str) -> list[list[str]]:
    text = (EXPORTS / fixture).read_text(encoding="utf-8")
    return [list(r) for r in csv.reader(io.StringIO(text))]


def _csv_data(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _shuffled(rows: list[list[str]], seed: int, extra: str) -> list[list[str]]:
    """Columns in another order, plus a column no tool writes."""
    order = list(range(len(rows[0])))
    random.Random(seed).shuffle(order)
    out = [[r[j] if j < len(r) else "" for j in order] for r in rows]
    out[0].insert(3, extra)
    for n, r in enumerate(out[1:], 1):
        r.insert(3, f"x{n}")
    return out


@pytest.mark.parametrize("fixture", ["jira/roadmap.csv", "asana/roadmap.csv"])
@pytest.mark.parametrize("seed", [1, 2])
def test_shuffled_columns_and_unknown_ones_are_still_read(fixture: str, seed: int) -> None:
    rows = _shuffled(_csv_rows(fixture), seed, "Favourite colour")
    result = _import(fixture, _csv_data(rows))
    _check_roadmap(result, fixture)
    assert result.sheets[0].layout == TOOL[fixture]


def test_a_monday_board_with_columns_moved_and_added_is_still_read() -> None:
    book = openpyxl.load_workbook(EXPORTS / "monday/roadmap.xlsx")
    sheet = book["roadmap 2026"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    width = len(rows[2])
    order = [0, *random.Random(3).sample(range(1, width), width - 1)]
    for r in rows:
        subitem_block = r[0] == "Subitems" or (not r[0] and r[1])
        if not subitem_block:
            r[:width] = [r[j] for j in order]
            items = r[0] and sum(v is not None for v in r) > 1
            r.insert(4, "Budget mood" if r[0] == "Name" else ("calm" if items else None))
    book.remove(sheet)
    new = book.create_sheet("roadmap 2026", 0)
    for r in rows:
        new.append(r)
    buf = io.BytesIO()
    book.save(buf)
    result = _import("monday/roadmap.xlsx", buf.getvalue())
    _check_roadmap(result, "monday/roadmap.xlsx")


def test_jira_resaved_by_pandas_with_outward_links_only() -> None:
    """pandas renames repeats 'Labels.1'; an export may carry only one end of each link."""
    rows = _csv_rows("jira/roadmap.csv")
    seen: dict[str, int] = {}
    for j, name in enumerate(rows[0]):
        seen[name] = seen.get(name, -1) + 1
        if seen[name]:
            rows[0][j] = f"{name}.{seen[name]}"
    keep = [j for j, name in enumerate(rows[0]) if not name.startswith("Inward")]
    rows = [[r[j] for j in keep] for r in rows]
    result = _import("jira/roadmap.csv", _csv_data(rows))
    _check_roadmap(result, "jira/roadmap.csv")


def test_a_jira_export_without_epics_keeps_the_top_level_issues() -> None:
    rows = _csv_rows("jira/roadmap.csv")
    kind = rows[0].index("Issue Type")
    for r in rows[1:]:
        if r[kind] == "Epic":
            r[kind] = "Feature"
    result = _import("jira/roadmap.csv", _csv_data(rows))
    _check_roadmap(result, "jira/roadmap.csv")
    assert "12 top-level issues" in result.sheets[0].read_as


def test_asana_dependencies_written_as_task_names() -> None:
    rows = _csv_rows("asana/roadmap.csv")
    header = rows[0]
    tid, name = header.index("Task ID"), header.index("Name")
    by_id = {r[tid]: r[name] for r in rows[1:]}
    for col in ("Blocked By (Dependencies)", "Blocking (Dependencies)"):
        j = header.index(col)
        for r in rows[1:]:
            r[j] = ", ".join(by_id[i.strip()] for i in r[j].split(",") if i.strip())
    result = _import("asana/roadmap.csv", _csv_data(rows))
    _check_roadmap(result, "asana/roadmap.csv")


def test_a_jira_child_that_blocks_an_epic_holds_up_its_own_epic() -> None:
    """Epic ← story ← sub-task: a blocker below an epic is named by the epic it belongs to."""
    rows = _csv_rows("jira/roadmap.csv")
    header = rows[0]
    key_col, inward = header.index("Issue key"), header.index("Inward issue link (Blocks)")
    by_key = {r[key_col]: r for r in rows[1:]}
    by_key["ROAD-105"][inward] = "ROAD-113"  # a story of ROAD-101
    by_key["ROAD-103"][inward] = "ROAD-116"  # a sub-task of a task of ROAD-104
    result = _import("jira/roadmap.csv", _csv_data(rows))
    deps = result.dataset.initiatives.set_index("id")["depends_on"]
    assert deps["ROAD-105"] == ("ROAD-101",)
    assert deps["ROAD-103"] == ("ROAD-104",)
    assert not result.errors
