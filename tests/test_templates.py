"""The blank template: one sheet per schema table, annotated headers, dropdowns, examples."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from alignment import schema, templates, values
from alignment.schema import Kind


@pytest.fixture(scope="module")
def workbook() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(templates.build_template()))


@pytest.fixture(scope="module")
def csv_zip() -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(templates.build_csv_templates()))


def _columns(table: schema.Table) -> dict[str, str]:
    """Field name -> column letter in the template sheet."""
    return {f.name: get_column_letter(i) for i, f in enumerate(templates.template_fields(table), 1)}


def _validations(ws) -> dict[str, object]:
    """Column letter -> the data validation covering rows 2..LAST_TEMPLATE_ROW of it."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            assert rng.min_row == 2 and rng.max_row == templates.LAST_TEMPLATE_ROW
            assert rng.min_col == rng.max_col
            found[get_column_letter(rng.min_col)] = dv
    return found


def test_instructions_sheet_comes_first(workbook):
    assert workbook.sheetnames[0] == templates.INSTRUCTIONS_SHEET
    assert workbook.sheetnames[1:] == [t.label for t in schema.TABLES]


def test_instructions_mention_every_table_and_the_essentials(workbook):
    ws = workbook[templates.INSTRUCTIONS_SHEET]
    text = "\n".join(str(c.value) for c in ws["A"] if c.value)
    for table in schema.TABLES:
        assert f"{table.label}: {table.help}" in text
    assert f"optional except {schema.INITIATIVES.label}" in text
    assert "never shown" in text
    assert "Q3 2027" in text and "Agree" in text and "commas" in text
    assert ws.column_dimensions["A"].width >= 80
    assert ws["A2"].alignment.wrap_text


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.name)
def test_headers_are_the_labels_in_schema_order(workbook, table):
    ws = workbook[table.label]
    headers = [c.value for c in ws[1]]
    assert headers == [f.label for f in templates.template_fields(table)]
    assert ws.freeze_panes == "A2"
    for cell in ws[1]:
        assert cell.font.b


def test_feedback_is_wide_and_indicators_long():
    feedback = [f.name for f in templates.template_fields(schema.FEEDBACK)]
    assert "dimension" not in feedback and "score" not in feedback
    assert set(schema.FEEDBACK_RATING_FIELDS) <= set(feedback)
    indicators = [f.name for f in templates.template_fields(schema.INDICATORS)]
    assert indicators == [f.name for f in schema.INDICATORS.fields]


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.name)
def test_every_header_explains_itself(workbook, table):
    ws = workbook[table.label]
    for field, cell in zip(templates.template_fields(table), ws[1], strict=True):
        assert cell.comment is not None, field.name
        note = cell.comment.text
        assert field.help in note
        assert ("Required" in note) == field.required
        if len(field.synonyms) > 1:
            assert "Also recognised:" in note


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.name)
def test_required_headers_look_different(workbook, table):
    ws = workbook[table.label]
    fills: dict[bool, set[str]] = {True: set(), False: set()}
    for field, cell in zip(templates.template_fields(table), ws[1], strict=True):
        assert cell.fill.fill_type == "solid"
        fills[field.required].add(cell.fill.fgColor.rgb)
    assert len(fills[True]) <= 1 and len(fills[False]) <= 1
    assert not fills[True] & fills[False]


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.name)
def test_dropdowns_sit_on_the_right_columns(workbook, table):
    ws = workbook[table.label]
    found = _validations(ws)
    expected = {
        Kind.STATUS: schema.STATUSES,
        Kind.LEVEL: schema.LEVELS,
        Kind.SIDE: schema.SIDES,
        Kind.CADENCE: tuple(schema.CADENCES),
        Kind.RATING: tuple(str(i) for i in range(1, 6)),
    }
    columns = _columns(table)
    wanted = {
        columns[f.name]: f.choices or expected[f.kind]
        for f in templates.template_fields(table)
        if f.choices or f.kind in expected
    }
    assert set(found) == set(wanted)
    for letter, options in wanted.items():
        dv = found[letter]
        assert dv.type == "list"
        assert dv.formula1 == '"' + ",".join(options) + '"'
        assert len(dv.formula1) <= 255
        assert dv.allowBlank and dv.showErrorMessage and dv.error and dv.prompt
        # Words ("Agree", "L/M/H", "amber") are valid input, so Excel may only warn.
        assert dv.errorStyle in ("warning", "information")


def test_the_dropdowns_the_brief_promises(workbook):
    init = _validations(workbook[schema.INITIATIVES.label])
    cols = _columns(schema.INITIATIVES)
    assert "In progress" in init[cols["status"]].formula1
    assert "Very high" in init[cols["business_value"]].formula1
    assert "Very high" in init[cols["risk"]].formula1
    feedback = _validations(workbook[schema.FEEDBACK.label])
    cols = _columns(schema.FEEDBACK)
    for d in schema.DIMENSIONS:
        assert feedback[cols[d.name]].formula1 == '"1,2,3,4,5"'
    for d in schema.ESTIMATE_DIMENSIONS:  # WSJF estimates: the Fibonacci scale
        assert feedback[cols[d.name]].formula1 == '"1,2,3,5,8,13,20"'
    for name in ("time_criticality", "risk_reduction", "job_size"):
        assert init[_columns(schema.INITIATIVES)[name]].formula1 == '"1,2,3,5,8,13,20"'


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.name)
def test_example_rows_hold_the_schema_examples(workbook, table):
    ws = workbook[table.label]
    assert ws.max_row == 1 + len(templates.EXAMPLE_ROWS)
    for col, field in enumerate(templates.template_fields(table), start=1):
        for row, example in zip(templates.EXAMPLE_ROWS, field.examples, strict=True):
            cell = ws.cell(row=row, column=col)
            if not example:
                assert cell.value is None
                continue
            assert values.clean_text(cell.value) == example
            assert cell.font.i
            if field.kind in (Kind.NUMBER, Kind.RATING):
                assert isinstance(cell.value, (int, float)), (field.name, cell.value)
            elif isinstance(cell.value, dt.datetime):
                assert cell.is_date and field.kind in (Kind.DATE, Kind.PERIOD)
            else:
                assert isinstance(cell.value, str)


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.name)
def test_examples_parse_without_a_problem(workbook, table):
    ws = workbook[table.label]
    for col, field in enumerate(templates.template_fields(table), start=1):
        parse = values.parser_for(field.kind, field.name)
        for row in templates.EXAMPLE_ROWS:
            _, problem = parse(ws.cell(row=row, column=col).value)
            assert problem is None, (table.name, field.name, row, problem)


def test_examples_refer_to_each_other():
    """The untouched template must import cleanly: every reference points at an example row."""

    def ids(table, name):
        return {
            schema.fold_key(i) for e in table.field(name).examples for i in values.parse_ids(e)[0]
        }

    initiatives = ids(schema.INITIATIVES, "id")
    teams = ids(schema.INITIATIVES, "team")
    assert ids(schema.INITIATIVES, "objective_ids") <= ids(schema.OBJECTIVES, "id")
    assert ids(schema.INITIATIVES, "depends_on") <= initiatives
    assert ids(schema.FEEDBACK, "initiative") <= initiatives
    assert ids(schema.INDICATORS, "scope") <= initiatives | teams
    metrics = {schema.fold_key(m.replace("_", " ")) for m in schema.INDICATOR_METRICS}
    assert ids(schema.INDICATORS, "metric") <= metrics
    for table in schema.TABLES:
        if table.key:
            keys = [schema.fold_key(e) for e in table.field(table.key).examples]
            assert len(set(keys)) == len(keys), table.name


def test_column_widths_are_readable(workbook):
    for table in schema.TABLES:
        ws = workbook[table.label]
        for letter in _columns(table).values():
            assert 12 <= ws.column_dimensions[letter].width <= 45


def test_a_subset_of_tables():
    wb = openpyxl.load_workbook(io.BytesIO(templates.build_template(["feedback"])))
    assert wb.sheetnames == [templates.INSTRUCTIONS_SHEET, schema.FEEDBACK.label]
    with pytest.raises(ValueError, match="unknown table"):
        templates.build_template(["nope"])


def test_write_template(tmp_path):
    path = tmp_path / "out" / "template.xlsx"
    templates.write_template(path)
    assert openpyxl.load_workbook(path).sheetnames[1:] == [t.label for t in schema.TABLES]


def test_csv_zip_has_one_csv_per_table(csv_zip):
    assert sorted(csv_zip.namelist()) == sorted(f"{t.name}.csv" for t in schema.TABLES)


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.name)
def test_csv_reads_back_with_labels(csv_zip, table):
    raw = csv_zip.read(f"{table.name}.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    fields = templates.template_fields(table)
    assert list(df.columns) == [f.label for f in fields]
    assert len(df) == len(templates.EXAMPLE_ROWS)
    for i in range(len(df)):
        assert list(df.iloc[i]) == [f.examples[i] for f in fields]
