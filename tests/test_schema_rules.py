"""Table rules live with the fields in ``schema`` (issue 14): the importer reads them generically,
so a rule declared on another table works there too, and no table or field name is special-cased
in ``alignment.ingest`` for the tables of one row per thing."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from alignment import schema
from alignment.dataset import table_columns
from alignment.schema import Kind
from tests.helpers import problems_at, run, xlsx_bytes

ROOT = Path(__file__).resolve().parent.parent
GENERIC = [ROOT / "alignment/ingest" / n for n in ("tables.py", "recognise.py", "sheet.py")]
# Feedback and indicators come in several shapes (wide, long, survey) that the importer knows by
# their fields; the other tables are read from their declared rules alone.
SHAPED = {schema.FEEDBACK.name, schema.INDICATORS.name}
# Still named in the importer: a stakeholder's side is inferred from the group with the user's
# import choices, and a missing cadence becomes schema.DEFAULT_CADENCE (``_stakeholder_sides``).
STILL_NAMED = {"group", "side", "cadence"}


def _forbidden_names() -> set[str]:
    shaped = SHAPED | {f.name for t in schema.TABLES if t.name in SHAPED for f in t.fields}
    names = set()
    for t in schema.TABLES:
        if t.name in SHAPED:
            continue
        names |= {t.name, *(f.name for f in t.fields), *(f.keep_text_as or "" for f in t.fields)}
    return names - shaped - STILL_NAMED - {""}


@pytest.mark.parametrize("path", GENERIC, ids=lambda p: p.name)
def test_the_importer_names_no_table_or_field_it_has_a_rule_for(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for pattern in (
        r'name in \("initiatives", "objectives"\)',
        r'name == "glossary"',
        r'table\.name == "stakeholders"',
        r'"target_label"',
        r'field_name == "depends_on"',
        r"f\.name, dayfirst",  # the parser gets the field itself, not a name to look up
    ):
        assert not re.search(pattern, text), f"{path.name}: {pattern}"
    constants = {
        n.value
        for n in ast.walk(ast.parse(text))
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }
    named = sorted(constants & _forbidden_names())
    assert not named, f"{path.name} special-cases {named}: declare the rule in schema instead"


def test_the_declared_rules_are_the_ones_the_importer_used_to_hard_code() -> None:
    init, obj = schema.INITIATIVES, schema.OBJECTIVES
    assert init.field("name").fallback == obj.field("name").fallback == "id"
    assert init.field("target").keep_text_as == "target_label"
    assert init.field("objective_ids").references == "objectives"
    assert init.field("depends_on").references == "initiatives"
    assert set(schema.STAKEHOLDERS.signature) == {
        "influence",
        "interest",
        "last_1on1",
        "cadence",
        "role",
    }
    plain = schema.GLOSSARY.field("plain")
    assert plain.required and not plain.fallback
    assert schema.GLOSSARY.blank_message("plain") == (
        "This term has no business wording; it was set aside."
    )
    assert init.field("name").fallback_message("P-03") == (
        "No name given; the ID 'P-03' is used as its name."
    )
    assert init.field("depends_on").self_reference_message("P-02") == (
        "'P-02' depends on itself; that dependency was ignored."
    )
    assert table_columns("initiatives")[-1] == "target_label"


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.name)
def test_every_rule_points_at_something_that_exists(table: schema.Table) -> None:
    names = {f.name for f in table.fields}
    assert set(table.signature) <= names
    for f in table.fields:
        if f.fallback:
            assert f.fallback in names and f.fallback != f.name, f.name
        if f.keep_text_as:
            assert f.keep_text_as not in names, f.name
        if f.references:
            target = schema.TABLE_BY_NAME[f.references]
            assert target.key, f"{f.name} refers to a table without a key"
            assert f.kind is Kind.IDS, f"{f.name}: only a list of IDs can refer to rows"


# --- the rules drive the importer: declared on another table, they work there -----------------


def _declare(monkeypatch, table_name: str, field_name: str | None = None, **rule) -> None:
    """Change a table's (or one of its fields') rules for one test."""
    table = schema.TABLE_BY_NAME[table_name]
    if field_name:
        fields = tuple(
            dataclasses.replace(f, **rule) if f.name == field_name else f for f in table.fields
        )
        changed = dataclasses.replace(table, fields=fields)
    else:
        changed = dataclasses.replace(table, **rule)
    monkeypatch.setitem(schema.TABLE_BY_NAME, table_name, changed)
    monkeypatch.setattr(
        schema, "TABLES", tuple(changed if t.name == table_name else t for t in schema.TABLES)
    )


STAKEHOLDERS = [
    ["Name", "Role", "Group", "Influence"],
    ["Ana Silva", "CFO", "Finance", "High"],
    ["Tom Becker", None, "Sales", "Low"],
]


def _stakeholders(files: dict[str, bytes]):
    result = run(files)
    return result, result.dataset.stakeholders.set_index("name")


def test_a_declared_fallback_fills_a_blank_value_on_any_table(monkeypatch) -> None:
    _declare(monkeypatch, "stakeholders", "role", fallback="group")
    result, people = _stakeholders({"p.xlsx": xlsx_bytes({"Stakeholders": STAKEHOLDERS})})
    assert people.loc["Tom Becker", "role"] == "Sales"
    warning = _only(problems_at(result, 3, column="Role"))
    assert warning.message == "No role given; the group 'Sales' is used as its role."


def test_without_its_fallback_a_required_name_sets_the_row_aside(monkeypatch) -> None:
    rows = [["Objective ID", "Objective"], ["G1", "Grow"], ["G2", None]]
    files = {"o.xlsx": xlsx_bytes({"Objectives": rows})}
    assert list(run(files).dataset.objectives["name"]) == ["Grow", "G2"]
    _declare(monkeypatch, "objectives", "name", fallback=None)
    result = run(files)
    assert list(result.dataset.objectives["name"]) == ["Grow"]
    error = _only(result.errors)
    assert (error.row, error.column) == (3, "Objective")
    assert error.message == "This objective id has no objective; it was set aside."


def test_a_required_value_sets_the_row_aside_on_any_table(monkeypatch) -> None:
    _declare(monkeypatch, "stakeholders", "role", required=True)
    result, people = _stakeholders({"p.xlsx": xlsx_bytes({"Stakeholders": STAKEHOLDERS})})
    assert list(people.index) == ["Ana Silva"]
    error = _only(problems_at(result, 3, severity="error"))
    assert error.message == "This name has no role; it was set aside."


def test_kept_text_is_declared_not_named(monkeypatch) -> None:
    _declare(monkeypatch, "objectives", "weight", keep_text_as="weight_label")
    rows = [["Objective ID", "Objective", "Weight"], ["G1", "Grow", "40 %"], ["G2", "Cut", None]]
    objectives = run({"o.xlsx": xlsx_bytes({"Objectives": rows})}).dataset.objectives
    objectives = objectives.set_index("id")
    assert objectives.loc["G1", "weight"] == 40
    assert objectives.loc["G1", "weight_label"] == "40 %"
    assert objectives.loc["G2", "weight_label"] != objectives.loc["G2", "weight_label"]  # NaN


def test_references_follow_the_declared_table(monkeypatch) -> None:
    rows = [
        ["Initiative ID", "Name", "Objective(s)", "Depends on"],
        ["P-01", "Onboarding", "G9", "g1"],
        ["P-02", "Billing", "G1", "P-02"],
    ]
    objectives = [["Objective ID", "Objective"], ["G1", "Grow"]]
    files = {"w.xlsx": xlsx_bytes({"Initiatives": rows, "Objectives": objectives})}
    _declare(monkeypatch, "initiatives", "objective_ids", references=None)
    _declare(monkeypatch, "initiatives", "depends_on", references="objectives")
    result = run(files)
    init = result.dataset.initiatives.set_index("id")
    assert init.loc["P-01", "objective_ids"] == ("G9",)  # no longer checked: no warning
    assert init.loc["P-01", "depends_on"] == ("G1",)  # spelt as in the objectives table
    assert init.loc["P-02", "depends_on"] == ("P-02",)  # not its own table: not a self-reference
    warning = _only(result.warnings)
    assert (warning.row, warning.column, warning.value) == (3, "Depends on", "P-02")
    assert "not in the objectives table" in warning.message


def test_a_table_signature_decides_whether_a_sheet_can_be_that_table(monkeypatch) -> None:
    people = [["Name", "Group"], ["Ana Silva", "Finance"], ["Tom Becker", "Sales"]]
    files = {"p.xlsx": xlsx_bytes({"People": people})}
    assert run(files).sheets[0].kind is None  # a name and a group could be anyone's list
    _declare(monkeypatch, "stakeholders", signature=())
    result = run(files)
    assert result.sheets[0].kind == "stakeholders"
    assert list(result.dataset.stakeholders["name"]) == ["Ana Silva", "Tom Becker"]
    _declare(monkeypatch, "stakeholders", signature=("group",))
    assert run(files).sheets[0].kind == "stakeholders"


def _only(items: list):
    assert len(items) == 1, items
    return items[0]
