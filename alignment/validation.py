"""Value rules on the parsed tables, checked with pandera so every failure is gathered at once.

pandera (with pydantic and typeguard, about 0.3 s to import) is loaded only when a value breaks
a rule: the usual file, with every value in bounds, is cleared by one vectorised comparison per
rule, and the command line's ``validate`` does not pay for a library it does not use.

Parsing (``alignment.values``) decides whether a cell can be read; these rules decide whether a
readable value makes sense (a negative weight, an effort below zero). The rules are declared on
the fields in ``schema`` (``Field.minimum``) and read here generically. A failing value is dropped
with a warning naming the row, never the whole row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from alignment import schema
from alignment.problems import Problem

if TYPE_CHECKING:
    import pandera.pandas as pa


def _minimums(table: str) -> dict[str, schema.Field]:
    """The table's fields that declare a ``minimum`` in ``schema``: the rules this module checks."""
    return {f.name: f for f in schema.TABLE_BY_NAME[table].fields if f.minimum is not None}


def _below(frame: pd.DataFrame, field: schema.Field) -> pd.Series:
    values = pd.to_numeric(frame[field.name], errors="coerce")
    return values < field.minimum


def _schema_for(table: str) -> pa.DataFrameSchema | None:
    import pandera.pandas as pa

    columns = {
        name: pa.Column(
            object,
            nullable=True,
            coerce=False,
            checks=pa.Check(
                lambda s, f=f: pd.to_numeric(s, errors="coerce").fillna(f.minimum) >= f.minimum,
                element_wise=False,
                error=f.minimum_message,
            ),
        )
        for name, f in _minimums(table).items()
    }
    if not columns:
        return None
    return pa.DataFrameSchema(columns, strict=False)


def failures(table: str, frame: pd.DataFrame) -> list[tuple[object, str, str]]:
    """(index label, column, message) of every value that breaks the table's rules.

    The caller knows where each row came from (file, sheet, Excel row, the user's header), so
    it reports and clears the values; this module only knows the rules, read from ``schema``.
    """
    fields = _minimums(table)
    if not fields or frame.empty:
        return []
    if not any(_below(frame, f).any() for name, f in fields.items() if name in frame.columns):
        # pandera would report only the column's type and presence, which name no row: the
        # usual case (no value out of bounds) neither imports it nor builds its report.
        return []
    import pandera.errors

    rules = _schema_for(table)
    if rules is None:
        return []
    try:
        rules.validate(frame, lazy=True)
        return []
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    found = []
    for _, case in cases.iterrows():
        column, index = case["column"], case["index"]
        if index is None or (isinstance(index, float) and np.isnan(index)):
            continue
        message = fields[column].minimum_message if column in fields else str(case["check"])
        found.append((index, column, message))
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
