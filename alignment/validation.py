"""Value rules on the parsed tables, checked with pandera so every failure is gathered at once.

Parsing (``alignment.values``) decides whether a cell can be read; these rules decide whether a
readable value makes sense (a negative weight, an effort below zero). A failing value is dropped
with a warning naming the row, never the whole row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from alignment import schema
from alignment.problems import Problem

_NON_NEGATIVE = {
    ("objectives", "weight"): "a weight cannot be negative",
    ("initiatives", "effort"): "an effort cannot be negative",
}


def _schema_for(table: str) -> pa.DataFrameSchema | None:
    columns = {}
    for (t, column), message in _NON_NEGATIVE.items():
        if t == table:
            columns[column] = pa.Column(
                object,
                nullable=True,
                coerce=False,
                checks=pa.Check(
                    lambda s: pd.to_numeric(s, errors="coerce").fillna(0) >= 0,
                    element_wise=False,
                    error=message,
                ),
            )
    if not columns:
        return None
    return pa.DataFrameSchema(columns, strict=False)


def failures(table: str, frame: pd.DataFrame) -> list[tuple[object, str, str]]:
    """(index label, column, message) of every value that breaks the table's rules.

    The caller knows where each row came from (file, sheet, Excel row, the user's header), so
    it reports and clears the values; this module only knows the rules.
    """
    rules = _schema_for(table)
    if rules is None or frame.empty:
        return []
    if all(
        (pd.to_numeric(frame[column], errors="coerce").fillna(0) >= 0).all()
        for (t, column) in _NON_NEGATIVE
        if t == table and column in frame.columns
    ):
        # pandera would report only the column's type and presence, which name no row: the
        # usual case (no negative value) skips building its failure report.
        return []
    try:
        rules.validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    found = []
    for _, case in cases.iterrows():
        column, index = case["column"], case["index"]
        if index is None or (isinstance(index, float) and np.isnan(index)):
            continue
        found.append((index, column, _NON_NEGATIVE.get((table, column), str(case["check"]))))
    return found


def check(table: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Apply the table's value rules; failing values become missing, each with a warning.

    For a frame that has lost track of its rows; the importer uses ``failures`` per sheet
    instead, so its warnings name the file, sheet, row and header.
    """
    found = failures(table, frame)
    if not found:
        return frame, []
    problems: list[Problem] = []
    frame = frame.copy()
    label_of = {f.name: f.label for f in schema.TABLE_BY_NAME[table].fields}
    key = schema.TABLE_BY_NAME[table].key
    for index, column, message in found:
        ident = frame.at[index, key] if key else ""
        problems.append(
            Problem(
                "warning",
                f"{label_of.get(column, column)} of '{ident}': {message}; the value was left "
                "empty.",
                column=label_of.get(column, column),
                value=str(frame.at[index, column]),
                table=table,
            )
        )
        frame.at[index, column] = np.nan
    return frame, problems
