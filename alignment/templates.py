"""The blank template workbook (and its CSV twin) that people fill in and upload.

Everything here is read from ``alignment.schema``: sheet names, headers, comments, dropdowns and
the two example rows all come from the tables and fields declared there, so a field added to the
schema appears in the template without touching this module. The example rows are meant to import
cleanly as they are, so a user who uploads the untouched template sees the workbench work.

Run ``python -m alignment.templates`` to regenerate ``sample_data/alignment_template.xlsx``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from alignment import schema
from alignment.exports import neutralise
from alignment.schema import Field, Kind, Table, template_fields

INSTRUCTIONS_SHEET = "Instructions"
LAST_TEMPLATE_ROW = 1000  # dropdowns cover rows 2..LAST_TEMPLATE_ROW
EXAMPLE_ROWS = (2, 3)
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "sample_data" / "alignment_template.xlsx"


_REQUIRED_TABLE = schema.INITIATIVES  # the one sheet a user must fill in

# Dropdown values per kind. Every list is a suggestion: the importer also understands other
# words (e.g. "Agree" for a rating, "L/M/H" for a level), so the validation only warns.
_RATING_VALUES = tuple(str(i) for i in range(schema.DEFAULT_SCALE[0], schema.DEFAULT_SCALE[1] + 1))
_DROPDOWNS: dict[Kind, tuple[tuple[str, ...], str]] = {
    Kind.STATUS: (schema.STATUSES, "Pick a status, or type your team's own word."),
    Kind.LEVEL: (schema.LEVELS, f"Pick a level, or type 1 to {len(schema.LEVELS)} or L/M/H."),
    Kind.SIDE: (schema.SIDES, "tech or business; leave empty to infer it from the group."),
    Kind.CADENCE: (tuple(schema.CADENCES), "Pick a cadence, or type a number of days."),
    Kind.RATING: (
        _RATING_VALUES,
        f"A whole number from {_RATING_VALUES[0]} to "
        + f"{_RATING_VALUES[-1]}, or a word such as Agree.",
    ),
}
_MAX_LIST_FORMULA = 255  # Excel rejects longer inline list formulas

_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")  # optional column: light blue
_REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")  # required column: light orange
_HEADER_FONT = Font(bold=True)
_EXAMPLE_FONT = Font(italic=True, color="808080")
_TITLE_FONT = Font(bold=True, size=14)
_HEADING_FONT = Font(bold=True, size=12)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")

_MIN_WIDTH, _MAX_WIDTH = 12, 45
_COMMENT_WIDTH_PX = 320
_COMMENT_CHARS_PER_LINE = 48
_COMMENT_LINE_PX = 16
_SYNONYMS_SHOWN = 5

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_FOLDING_ARTEFACT = re.compile(r"(?:^|\s)[0-9a-z](?:\s|$)")  # a lone letter or digit


# --- what goes in a template -------------------------------------------------------------------


def _tables(tables: Sequence[str] | None) -> tuple[Table, ...]:
    if tables is None:
        return schema.TABLES
    if isinstance(tables, str):
        tables = (tables,)
    unknown = [t for t in tables if t not in schema.TABLE_BY_NAME]
    if unknown:
        known = ", ".join(schema.TABLE_BY_NAME)
        raise ValueError(f"unknown table(s) {', '.join(map(repr, unknown))}; known: {known}")
    return tuple(schema.TABLE_BY_NAME[t] for t in dict.fromkeys(tables))


def example_value(field: Field, text: str) -> object:
    """An example as it is written to the workbook: numbers as numbers, ISO dates as dates.

    Blank examples become ``None`` (an empty cell); everything else stays text.
    """
    if not text:
        return None
    if field.kind in (Kind.NUMBER, Kind.RATING) and _PLAIN_NUMBER.match(text):
        number = float(text)
        return int(number) if number.is_integer() else number
    if field.kind in (Kind.DATE, Kind.PERIOD) and _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    return text


def header_comment_text(table: Table, field: Field) -> str:
    """The note shown when hovering over a column header."""
    need = "Required: a row without it is set aside." if field.required else "Optional."
    # Synonyms are stored folded ("1 1 cadence", "objective s"); show only the readable ones.
    seen = {schema.normalise_header(field.label)}
    others = []
    for synonym in field.synonyms:
        key = schema.normalise_header(synonym)
        if key not in seen and not _FOLDING_ARTEFACT.search(synonym):
            seen.add(key)
            others.append(synonym)
    lines = [field.help, "", need]
    if field.name == table.key:
        lines.append("Each value must be unique in this sheet.")
    if others:
        lines.append("Also recognised: " + ", ".join(others[:_SYNONYMS_SHOWN]) + ".")
    return "\n".join(lines)


def _comment(text: str) -> Comment:
    lines = sum(max(1, -(-len(part) // _COMMENT_CHARS_PER_LINE)) for part in text.split("\n"))
    height = (lines + 2) * _COMMENT_LINE_PX
    return Comment(text, "Alignment Workbench", height=height, width=_COMMENT_WIDTH_PX)


def _column_width(field: Field) -> float:
    examples = [len(e) for e in field.examples]
    wanted = max(len(field.label) + 4, len(field.help) // 3, *(n + 2 for n in examples))
    return float(min(_MAX_WIDTH, max(_MIN_WIDTH, wanted)))


def _dropdown(field: Field) -> DataValidation | None:
    if field.choices:
        values, prompt = field.choices, f"Pick one of {', '.join(field.choices)}."
    elif field.kind in _DROPDOWNS:
        values, prompt = _DROPDOWNS[field.kind]
    else:
        return None
    formula = '"' + ",".join(values) + '"'
    if len(formula) > _MAX_LIST_FORMULA:  # pragma: no cover - guards future schema changes
        raise ValueError(f"dropdown for {field.name!r} is too long for Excel: {formula}")
    return DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showDropDown=False,  # Excel's flag is inverted: False shows the in-cell arrow
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle=f"Unusual {field.label.lower()}"[:32],
        error=(
            f"Not one of the suggested values. Choose Yes to keep it if it means one of: "
            f"{', '.join(values)}."
        )[:225],
        showInputMessage=True,
        promptTitle=field.label[:32],
        prompt=prompt[:255],
    )


def _safe_text(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CWE-1236): the
    one exporter path, ``exports.neutralise``."""
    return neutralise(value)


# --- the workbook ------------------------------------------------------------------------------


def _write_table_sheet(ws: Worksheet, table: Table) -> None:
    fields = template_fields(table)
    for col, field in enumerate(fields, start=1):
        letter = get_column_letter(col)
        cell = ws.cell(row=1, column=col, value=field.label)
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if field.required else _HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        cell.comment = _comment(header_comment_text(table, field))
        ws.column_dimensions[letter].width = _column_width(field)

        for row, text in zip(EXAMPLE_ROWS, field.examples, strict=True):
            value = example_value(field, text)
            if value is None:
                continue
            target = ws.cell(row=row, column=col, value=value)
            if isinstance(value, str):
                target.data_type = "s"  # never a formula, whatever the text starts with
            if isinstance(value, dt.date):
                target.number_format = "yyyy-mm-dd"
            target.font = _EXAMPLE_FONT
            target.alignment = _WRAP_TOP

        dv = _dropdown(field)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{LAST_TEMPLATE_ROW}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"


def _instruction_lines(tables: Sequence[Table]) -> list[tuple[str, str]]:
    """(style, text) pairs for the Instructions sheet; style is title, heading, text or swatch."""
    names = ", ".join(t.label for t in tables)
    init = schema.INITIATIVES
    objective_ids = init.field("objective_ids").label
    several_ids = init.field("objective_ids").examples[1]
    dims = ", ".join(d.label for d in schema.DIMENSIONS)
    lo, hi = schema.DEFAULT_SCALE
    respondent = schema.FEEDBACK.field("respondent").label
    first, last = EXAMPLE_ROWS[0], EXAMPLE_ROWS[-1]
    lines: list[tuple[str, str]] = [
        ("title", "Alignment Workbench: data template"),
        (
            "text",
            (
                "This workbook collects the spreadsheets a tech leader already keeps (the "
                "roadmap, the strategy, a stakeholder survey, a few monthly numbers) in a shape "
                "the Alignment Workbench reads without any fiddling. Fill in the sheets you have, "
                "save the file and upload it to the workbench."
            ),
        ),
        (
            "text",
            (
                f"It has one sheet per table: {names}. Every sheet is optional except "
                f"{_REQUIRED_TABLE.label}: leave out or delete the sheets you do not need."
            ),
        ),
        ("heading", "The sheets"),
    ]
    for table in tables:
        required = ", ".join(f.label for f in template_fields(table) if f.required)
        text = f"{table.label}: {table.help}"
        if table is schema.FEEDBACK:
            text += (
                f" This template uses the wide form: one column per rating ({dims}), "
                f"each {lo} to {hi}."
            )
        if table is schema.INDICATORS:
            metrics = ", ".join(m.replace("_", " ") for m in schema.INDICATOR_METRICS)
            text += f" This template uses the long form; metrics the workbench watches: {metrics}."
        if required:
            text += f" Required columns: {required}."
        lines.append(("text", text))
    lines += [
        ("heading", "How to fill it in"),
        (
            "text",
            (
                "One row per item: one initiative, one objective, one answer, one number. Keep the "
                "header row (row 1): the workbench finds each column by its header, so you may "
                "reorder the columns or delete the optional ones you do not use."
            ),
        ),
        (
            "text",
            (
                "Hover over a column header to read what goes in it and which other column names "
                "the workbench also recognises."
            ),
        ),
        (
            "swatch_required",
            ("Headers in this colour are required: a row without them is set aside and reported."),
        ),
        (
            "swatch_optional",
            ("Headers in this colour are optional: leave the cell empty if you do not know."),
        ),
        (
            "text",
            (
                f"IDs link the tables: {init.label} refer to objectives by their ID in "
                f"'{objective_ids}'; feedback and dependencies refer to initiatives by their ID. "
                f"Several IDs go in one cell separated by commas, e.g. {several_ids}."
            ),
        ),
        (
            "text",
            (
                f"Ratings are whole numbers from {lo} to {hi}, or words such as Agree, "
                f"Strongly agree or High. To use another scale, say so in the header, e.g. "
                f"'{schema.DIMENSIONS[0].label} (1-7)'."
            ),
        ),
        (
            "text",
            (
                "Dates can be real dates (2027-09-30, 30/09/2027) or quarters such as Q3 2027; "
                "periods can be months such as 2026-03."
            ),
        ),
        (
            "text",
            (
                "Dropdowns suggest the usual values. Other words the workbench understands are "
                "fine too: Excel asks you to confirm, choose Yes to keep them."
            ),
        ),
        (
            "text",
            (
                f"Rows {first} and {last} of each sheet, in grey italics, are examples that fit "
                f"together across the sheets. Overwrite or delete them before you upload your own "
                f"data."
            ),
        ),
        ("heading", "Privacy"),
        (
            "text",
            (
                f"The '{respondent}' column is optional. Respondent names are only used to count "
                f"each person once and are never shown. Results for groups too small to stay "
                f"anonymous are hidden, and so are their comments."
            ),
        ),
    ]
    return lines


def _write_instructions(ws: Worksheet, tables: Sequence[Table]) -> None:
    ws.column_dimensions["A"].width = 110
    ws.sheet_view.showGridLines = False
    for row, (style, text) in enumerate(_instruction_lines(tables), start=1):
        cell = ws.cell(row=row, column=1, value=text)
        cell.data_type = "s"
        cell.alignment = _WRAP_TOP
        if style == "title":
            cell.font = _TITLE_FONT
        elif style == "heading":
            cell.font = _HEADING_FONT
        elif style.startswith("swatch"):
            cell.fill = _REQUIRED_FILL if style == "swatch_required" else _HEADER_FILL
            cell.font = _HEADER_FONT
        # Wrapped text does not grow the row in every spreadsheet app: size rows ourselves.
        ws.row_dimensions[row].height = 15 * max(1, -(-len(text) // 115)) + 4


def build_workbook(tables: Sequence[str] | None = None) -> Workbook:
    """The template as an openpyxl ``Workbook`` (see ``build_template`` for the bytes)."""
    chosen = _tables(tables)
    wb = Workbook()
    ws = wb.active
    ws.title = INSTRUCTIONS_SHEET
    _write_instructions(ws, chosen)
    for table in chosen:
        _write_table_sheet(wb.create_sheet(table.label), table)
    wb.properties.title = "Alignment Workbench data template"
    wb.properties.creator = "Alignment Workbench"
    return wb


def build_template(tables: Sequence[str] | None = None) -> bytes:
    """The blank template workbook as xlsx bytes; ``tables`` are table names (default: all)."""
    buf = io.BytesIO()
    build_workbook(tables).save(buf)
    return buf.getvalue()


def write_template(path: str | Path = DEFAULT_PATH) -> None:
    """Write the full template to ``path``, creating its folder if needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(build_template())


# --- CSV -------------------------------------------------------------------------------------


def csv_template(table: Table) -> str:
    """One table's template as CSV text: the header labels and the two example rows."""
    fields = template_fields(table)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f.label for f in fields])
    for i in range(len(EXAMPLE_ROWS)):
        writer.writerow([_safe_text(f.examples[i]) for f in fields])
    return out.getvalue()


def build_csv_templates(tables: Sequence[str] | None = None) -> bytes:
    """A zip of one CSV per table, named ``<table>.csv``, in UTF-8 with a BOM (so Excel reads
    accents right): the header labels and the two example rows."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for table in _tables(tables):
            # A fixed timestamp keeps the zip byte-for-byte reproducible.
            info = zipfile.ZipInfo(f"{table.name}.csv", date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, csv_template(table).encode("utf-8-sig"))
    return buf.getvalue()


if __name__ == "__main__":
    write_template(DEFAULT_PATH)
    print(f"wrote {DEFAULT_PATH}")
