"""Every CSV and XLSX the workbench writes goes through here, so none can carry a live formula.

Spreadsheet programs execute text that starts with ``=``, ``+``, ``-``, ``@`` (and, in some, a
tab, carriage return or NUL) as a formula, and user text (comments, initiative names) ends up in
our exports. OWASP's advice is followed: such text cells get a leading apostrophe; real numbers
(negative ones included) stay numbers. pandas' ``to_excel`` would write "=..." strings as
formulas, so XLSX files are written cell by cell with openpyxl.

The order matters and lives in one function, ``neutralise``: control characters are stripped
*first* and the start checked *after*. Checked the other way round, ``"\x01=HYPERLINK(…)"``
passed the check (it starts with \x01) and then lost its \x01 on the way into the XML, ending
as a live formula in a workshop's results (issue 18, item 13). Word, PDF, Markdown and
calendar files take their text through ``strip_controls`` too.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from alignment import schema
from alignment.values import is_missing

if TYPE_CHECKING:  # openpyxl is loaded by the first download, not by every page
    from openpyxl import Workbook

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\x00", "\n")
# Control characters no XML file may hold (tab, line feed and carriage return may), and DEL.
_CONTROLS = dict.fromkeys([*range(9), 11, 12, *range(14, 32), 127])


def strip_controls(text: str) -> str:
    """Text without the control characters that XML refuses and spreadsheets hide."""
    return text.translate(_CONTROLS)


def neutralise(value: object) -> object:
    """A cell value that no spreadsheet will execute; numbers and dates pass through unchanged.

    Strips control characters, then looks at the start, skipping spaces (some programs trim
    them before deciding what a cell is)."""
    if isinstance(value, str):
        value = strip_controls(value)
        if value.lstrip(" ").startswith(DANGEROUS_PREFIXES):
            return "'" + value
        return value
    if isinstance(value, tuple | list | set | frozenset):
        return neutralise(", ".join(str(v) for v in value))
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and column names) are neutralised; numeric columns untouched."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(neutralise)
    return out


# The computed columns of the app's tables, named as a reader would name them. A table's own
# fields take their schema labels instead (see ``readable``), so a downloaded clean table reads
# back in as it is.
COLUMN_LABELS: dict[str, str] = {
    "initiative_id": "Initiative ID",
    "initiative": "Initiative",
    "initiative_ids": "Initiative IDs",
    "initiatives": "Initiatives",
    "objective_id": "Objective ID",
    "objective": "Objective",
    "dimension": "Question",
    "group": "Group",
    "side": "Side",
    "period": "Period",
    "n": "Respondents",
    "score": "Score (0–100)",
    "rwg": "Agreement (r_wg)",
    "polarised": "Split room (polarised)",
    "low_agreement": "Low agreement",
    "hidden": "Hidden (too few respondents)",
    "tech_mean": "Tech score (0–100)",
    "business_mean": "Business score (0–100)",
    "gap": "Gap (tech minus business)",
    "gap_low": "Gap, lower end of the 95 % interval",
    "gap_high": "Gap, upper end of the 95 % interval",
    "clear": "Clear difference",
    "n_tech": "Tech respondents",
    "n_business": "Business respondents",
    "weight": "Weight",
    "weight_share": "Share of the weight",
    "effort": "Effort",
    "effort_share": "Share of the effort",
    "effort_part": "Share of its effort",
    "step": "Step",
    "step_title": "Step title",
    "statement_id": "Statement ID",
    "statement": "Statement",
    "reverse_coded": "Reverse-worded",
    "answer": "Answer",
    "answer_label": "Answer in words",
    "counts_as": "Counts as",
    "target_label": "Target as written",
}


def _words(name: str) -> str:
    """A snake_case name as words ("last_seen" -> "Last seen"); any other name unchanged."""
    if "_" not in name or name != name.lower():
        return name
    return name.replace("_", " ").strip().capitalize()


def readable(frame: pd.DataFrame, table: str | None = None) -> pd.DataFrame:
    """The frame with headers a person reads: a schema table's labels (``table``), else the
    labels above, else the name in words; survey questions and indicator metrics by their
    names in words, not their keys.

    For the files people download from the app; the command line's machine-readable outputs
    keep the field names."""
    fields = {f.name: f.label for f in schema.TABLE_BY_NAME[table].fields} if table else {}
    dims = {d.name: d.label for d in schema.DIMENSIONS}
    out = frame.copy()
    metrics = {key: names[0] for key, names in schema.INDICATOR_METRICS.items()}
    for column, words in (("dimension", dims), ("metric", metrics)):
        values = out[column] if column in out.columns else None
        if values is not None and (values.dtype == object or pd.api.types.is_string_dtype(values)):
            out[column] = values.map(lambda v, words=words: words.get(v, v))
    out.columns = [
        fields.get(c) or COLUMN_LABELS.get(c) or dims.get(c) or _words(c)
        if isinstance(c, str)
        else c
        for c in out.columns
    ]
    return out


def blank_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns with their missing cells empty, for a table shown on a page (Streamlit's
    grid writes "None" in an empty text cell). Number and date columns are left as they are."""
    out = frame.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            lists = out[c].map(lambda v: isinstance(v, list | tuple)).any()
            empty: object = () if lists else ""  # a list column stays a list column
            out[c] = out[c].map(lambda v, empty=empty: empty if is_missing(v) else v)
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so Excel opens accents correctly; formula-safe."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def _cell_value(value: object) -> object:
    if is_missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return neutralise(value)


def write_sheet(
    wb: Workbook,
    title: str,
    frame: pd.DataFrame,
    color_scale: Sequence[str] = (),
    diverging: Sequence[str] = (),
    percent_like: Sequence[str] = (),
) -> None:
    """One formula-safe sheet with a bold frozen header, widths fitted to the content, and an
    Excel colour scale on the named columns so the file reads on its own."""
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title=_sheet_title(title))
    columns = [str(c) for c in frame.columns]
    ws.append([_cell_value(c) for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", start_color="E8EEF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in frame.itertuples(index=False, name=None):
        ws.append([_cell_value(v) for v in row])
    ws.freeze_panes = "A2"
    n = len(frame) + 1
    for j, c in enumerate(columns, start=1):
        letter = get_column_letter(j)
        sample = [len(str(v)) for v in frame.iloc[:200, j - 1]] if len(frame) else []
        ws.column_dimensions[letter].width = max(10, min(60, max([len(c), *sample]) + 2))
        if n > 1 and c in color_scale:
            ws.conditional_formatting.add(
                f"{letter}2:{letter}{n}",
                ColorScaleRule(
                    start_type="num",
                    start_value=0,
                    start_color="D7301F",
                    mid_type="num",
                    mid_value=50,
                    mid_color="FFFFBF",
                    end_type="num",
                    end_value=100,
                    end_color="1A9850",
                ),
            )
        if n > 1 and c in diverging:
            ws.conditional_formatting.add(
                f"{letter}2:{letter}{n}",
                ColorScaleRule(
                    start_type="num",
                    start_value=-50,
                    start_color="2166AC",
                    mid_type="num",
                    mid_value=0,
                    mid_color="F7F7F7",
                    end_type="num",
                    end_value=50,
                    end_color="B2182B",
                ),
            )
        if c in percent_like:
            for cell in ws[letter][1:]:
                cell.number_format = "0.0"
        for cell in ws[letter][1:]:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"


def _sheet_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    title = title.strip("'") or "Sheet"
    return title[:31]


def to_xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame], **formats: Mapping[str, Sequence[str]]
) -> bytes:
    """Several frames as one formula-safe workbook.

    ``formats`` maps a format name (``color_scale``, ``diverging``, ``percent_like``) to
    ``{sheet title: [columns]}``.
    """
    from openpyxl import Workbook  # loaded by the first download, not by every page

    wb = Workbook()
    wb.remove(wb.active)
    for title, frame in sheets.items():
        write_sheet(wb, title, frame, **{k: v.get(title, ()) for k, v in formats.items()})
    if not wb.sheetnames:
        wb.create_sheet("Empty")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
