"""Small builders for the messy files real people upload, made in code so each test shows its input.

Every helper returns bytes, exactly what an upload or ``SourceFile`` carries, so the tests go
through the same readers as the app and the command line.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence

import openpyxl
import pandas as pd

from alignment.ingest import ImportChoices, ImportResult, SourceFile, import_files

Rows = Sequence[Sequence[object]]


def xlsx_bytes(
    sheets: Mapping[str, Rows],
    merged: Mapping[str, Iterable[str]] | None = None,
    hidden: Iterable[str] = (),
    *,
    macro: bool = False,
) -> bytes:
    """A workbook with one sheet per entry, rows written from A1; ``None`` leaves a cell empty.

    ``merged`` maps a sheet name to ranges such as ``"B1:D1"``; openpyxl keeps the top-left
    value and empties the rest, as Excel does. Strings starting with '=' become formulas without
    a saved result (openpyxl never calculates); see ``with_cached_values``.
    """
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        for rng in (merged or {}).get(name, ()):
            ws.merge_cells(rng)
        if name in set(hidden):
            ws.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return _as_macro_workbook(buf.getvalue()) if macro else buf.getvalue()


_XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def _as_macro_workbook(data: bytes) -> bytes:
    """An .xlsm as Excel saves it: the same parts, the workbook declared macro-enabled."""
    return rewrite_part(
        data, "[Content_Types].xml", lambda xml: xml.replace(_XLSX_MAIN, _XLSM_MAIN)
    )


def rewrite_part(data: bytes, part: str, edit: Callable[[str], str]) -> bytes:
    """A copy of a zip-based workbook with one XML part rewritten by ``edit``."""
    src = zipfile.ZipFile(io.BytesIO(data))
    assert part in src.namelist(), part
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == part:
                body = edit(body.decode("utf-8")).encode("utf-8")
            dst.writestr(info, body)
    return out.getvalue()


def with_cached_values(data: bytes, cached: Mapping[str, Mapping[str, object]]) -> bytes:
    """Give formula cells the saved result Excel would have written: {sheet: {"C2": 3}}.

    openpyxl writes ``<c r="C2"><f>…</f><v></v></c>`` and never calculates; this fills the
    ``<v>`` in the sheet's XML inside the zip (numbers as numbers, text as ``t="str"``), as a
    spreadsheet program does on save, leaving every other part untouched.
    """
    names = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    for sheet, cells in cached.items():

        def fill(xml: str, cells: Mapping[str, object] = cells) -> str:
            for ref, value in cells.items():
                m = re.search(
                    rf'<c r="{ref}"[^>]*>(<f>.*?</f>)<v\s*/>|<c r="{ref}"[^>]*>(<f>.*?</f>)<v></v>',
                    xml,
                )
                assert m, f"no formula cell {ref}"
                formula = m.group(1) or m.group(2)
                kind = ' t="str"' if isinstance(value, str) else ""
                xml = (
                    xml[: m.start()]
                    + f'<c r="{ref}"{kind}>{formula}<v>{value}</v>'
                    + xml[m.end() :]
                )
            return xml

        data = rewrite_part(data, f"xl/worksheets/sheet{names.index(sheet) + 1}.xml", fill)
    return data


def csv_bytes(
    rows: Rows,
    delimiter: str = ",",
    encoding: str = "utf-8",
    *,
    bom: bool = False,
    lineterminator: str = "\r\n",
) -> bytes:
    """Rows as a delimited text file in the given encoding (``bom`` adds the UTF-8 BOM)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    data = buf.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def ods_bytes(sheets: Mapping[str, Rows]) -> bytes:
    """An OpenDocument spreadsheet (via pandas and odfpy), rows written from A1 as given."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="odf") as writer:
        for name, rows in sheets.items():
            width = max((len(r) for r in rows), default=0)
            grid = [[*r, *[None] * (width - len(r))] for r in rows]
            pd.DataFrame(grid).to_excel(writer, sheet_name=name, header=False, index=False)
    return buf.getvalue()


def run(files: Mapping[str, bytes], settings: ImportChoices | None = None) -> ImportResult:
    """Import named files the way the Data page does."""
    return import_files([SourceFile(n, d) for n, d in files.items()], settings)


def problems_at(result: ImportResult, row: int | None = None, **match: object) -> list:
    """Problems matching every given attribute (``severity="warning"``, ``column=…``)."""
    return [
        p
        for p in result.problems
        if (row is None or p.row == row) and all(getattr(p, k) == v for k, v in match.items())
    ]


def ratings(result: ImportResult) -> dict[tuple[str, str, str], float]:
    """(respondent pseudonym, initiative id, dimension) -> raw rating, for exact comparisons."""
    fb = result.dataset.feedback
    return {
        (r, i, d): float(v)
        for r, i, d, v in zip(
            fb["respondent"], fb["initiative_id"], fb["dimension"], fb["rating"], strict=True
        )
    }


def rating_set(result: ImportResult) -> list[tuple[str, str, float]]:
    """Sorted (initiative id, dimension, rating) triples: compares shapes without pseudonyms."""
    fb = result.dataset.feedback
    return sorted(
        zip(fb["initiative_id"], fb["dimension"], fb["rating"].astype(float), strict=True)
    )


# The smallest initiatives sheet the importer recognises, reused by feedback tests.
INITIATIVES_ROWS: list[list[object]] = [
    ["Initiative ID", "Name", "Team", "Objective(s)"],
    ["P-01", "Self-service onboarding", "Growth", "G1"],
    ["P-02", "Billing migration", "Payments", "G2"],
]
