"""The tables of one row per thing: initiatives, objectives, stakeholders, glossary, and the
indicators (one value per period, scope and metric)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from alignment import schema
from alignment.dataset import (
    empty_table,
    table_columns,
)
from alignment.ingest.headers import _blank
from alignment.ingest.model import ImportChoices
from alignment.ingest.sheet import _Chunk, _Collector, _parse_columns
from alignment.ingest.sides import infer_side
from alignment.problems import Note
from alignment.schema import Kind
from alignment.values import (
    clean_text,
    coerce,
    parser_for,
)


def _parse_fields(
    chunk: _Chunk, table: schema.Table, col: _Collector, skip: Iterable[str] = ()
) -> pd.DataFrame:
    """Parse every mapped field of a chunk; unreadable values become missing with a warning."""
    distinct = _parse_columns(chunk, table, col, skip)
    if not distinct:
        return pd.DataFrame(index=chunk.index)
    return pd.DataFrame(
        {
            name: pd.Series(values[codes], index=chunk.index, dtype=object)
            for name, (codes, values) in distinct.items()
        },
        index=chunk.index,
    )


def _reject_missing_key(
    frame: pd.DataFrame, parsed: pd.DataFrame, table: schema.Table, col: _Collector
) -> pd.Series:
    """Rows without their identifying field are set aside; returns the keep mask.

    When no column is mapped to the key at all (the user unmapped it, or forced a table the
    headers do not fit), every row lacks it: all are set aside, not kept with empty IDs.
    """
    if not table.key:
        return pd.Series(True, index=parsed.index)
    label = table.field(table.key).label
    if table.key not in parsed.columns:
        col.reject_unmapped(frame.loc[parsed.index, "_row"], label)
        return pd.Series(False, index=parsed.index)
    missing = parsed[table.key].isna()
    if missing.any():
        col.reject(
            frame.loc[missing, "_row"],
            f"This row has no {label}, which identifies it; it "
            f"was set aside. Fill in the {label} and upload again.",
            table.key,
        )
    return ~missing


def _concat(parts: list[pd.DataFrame], name: str) -> pd.DataFrame:
    parts = [p for p in parts if not p.empty]
    if not parts:
        return empty_table(name)
    return pd.concat(parts, ignore_index=True)


def _dedupe_keys(parts: list[tuple[_Chunk, pd.DataFrame, _Collector]], table: schema.Table) -> None:
    """Later rows repeating an ID are rejected; the message names the first row."""
    first: dict[str, tuple[str, int]] = {}
    label = table.field(table.key).label if table.key else ""
    for chunk, parsed, col in parts:
        if parsed.empty or table.key not in parsed.columns:
            continue
        keys = parsed[table.key].map(schema.fold_key)
        rows = chunk.frame.loc[parsed.index, "_row"].to_numpy()
        where = chunk.report.where
        dup_rows: list[int] = []
        messages: list[str] = []
        values: list[object] = []
        for k, row, value in zip(keys, rows, parsed[table.key], strict=False):
            if k in first:
                src, first_row = first[k]
                place = f"row {first_row}" + ("" if src == where else f" of {src}")
                dup_rows.append(row)
                messages.append(
                    f"Duplicate {label} '{value}': already used on {place}; this "
                    "later row was set aside. Give it its own ID, or delete one of the two."
                )
                values.append(value)
            else:
                first[k] = (where, int(row))
        if dup_rows:  # one call per sheet: each call looks through the problems found so far
            col.reject(dup_rows, messages, table.key, values)


def _drop_rejected(parsed: pd.DataFrame, chunk: _Chunk, col: _Collector) -> pd.DataFrame:
    if not col.rejected:
        return parsed
    rows = chunk.frame.loc[parsed.index, "_row"]
    return parsed[~rows.isin(col.rejected.keys()).to_numpy()]


def _fill_from_fallback(
    parsed: pd.DataFrame, f: schema.Field, chunk: _Chunk, col: _Collector
) -> pd.DataFrame:
    """A field's blank values take its ``fallback`` field's, with a warning per cell; with no
    column for the field at all (unmapped by the user), every row takes it silently, so no page
    ever shows an empty label."""
    source = str(f.fallback)
    if f.name not in parsed.columns:
        parsed[f.name] = parsed[source] if source in parsed.columns else np.nan
        return parsed
    blank = parsed[f.name].isna()
    if blank.any():
        col.warn_cells(
            chunk.frame.loc[parsed.index[blank], "_row"],
            f.name,
            [""] * int(blank.sum()),
            [f.fallback_message(v) for v in parsed.loc[blank, source]],
        )
        parsed.loc[blank, f.name] = parsed.loc[blank, source]
    return parsed


def _reject_blank(
    parsed: pd.DataFrame, table: schema.Table, f: schema.Field, chunk: _Chunk, col: _Collector
) -> pd.DataFrame:
    """Rows without a required value are set aside; all of them when no column holds it."""
    if f.name not in parsed.columns:
        col.reject_unmapped(chunk.frame.loc[parsed.index, "_row"], f.label)
        return parsed.iloc[0:0]
    blank = parsed[f.name].isna()
    col.reject(chunk.frame.loc[parsed.index[blank], "_row"], table.blank_message(f.name), f.name)
    return parsed[~blank]


def _simple_table(chunks: list[_Chunk], name: str) -> tuple[pd.DataFrame, list[_Collector]]:
    table = schema.TABLE_BY_NAME[name]
    parts: list[tuple[_Chunk, pd.DataFrame, _Collector]] = []
    for chunk in chunks:
        col = _Collector(chunk, name)
        parsed = _parse_fields(chunk, table, col)
        keep = _reject_missing_key(chunk.frame, parsed, table, col)
        parsed = parsed[keep]
        for f in table.fields:
            if f.fallback:
                parsed = _fill_from_fallback(parsed, f, chunk, col)
            elif f.required and f.name != table.key:
                parsed = _reject_blank(parsed, table, f, chunk, col)
        from alignment import validation  # pandera: loaded by the first import that needs it

        for index, column, message in validation.failures(name, parsed):
            # Checked per sheet, where each value's file, sheet, row and header are known.
            col.warn_cells(
                [chunk.frame.at[index, "_row"]],
                column,
                [chunk.frame.at[index, column]],
                [
                    f"{table.field(column).label}: {message}; the value was left empty (the "
                    "rest of the row is kept)."
                ],
            )
            parsed.at[index, column] = np.nan
        for f in table.fields:
            if f.keep_text_as and f.name in chunk.frame.columns:
                parsed[f.keep_text_as] = chunk.frame.loc[parsed.index, f.name].map(
                    lambda v: np.nan if _blank(v) else clean_text(v)
                )
        parts.append((chunk, parsed, col))
    if table.key:
        _dedupe_keys(parts, table)
    frames = []
    for chunk, parsed, col in parts:
        frames.append(_drop_rejected(parsed, chunk, col))
    result = _concat(frames, name)
    columns = list(table_columns(name))
    for c in columns:
        if c not in result.columns:
            result[c] = (
                [() for _ in range(len(result))]
                if schema.TABLE_BY_NAME[name].fields
                and c in {f.name for f in table.fields if f.kind is Kind.IDS}
                else np.nan
            )
    return result[columns], [c for _, _, c in parts]


def _indicator_table(chunks: list[_Chunk]) -> tuple[pd.DataFrame, list[_Collector]]:
    table = schema.INDICATORS
    frames, collectors = [], []
    for chunk in chunks:
        col = _Collector(chunk, "indicators")
        frame = chunk.frame
        parsed = _parse_fields(chunk, table, col, skip=("value",))
        rows = frame["_row"]
        if "period" not in parsed.columns:
            col.reject_unmapped(rows, table.field("period").label)
            collectors.append(col)
            continue
        missing = parsed["period"].isna()
        if missing.any():
            col.reject(
                rows[missing],
                "This row has no readable period (month, quarter or date); it was set aside.",
                "period",
                frame.loc[missing, "period"],
            )
        scope = (
            parsed["scope"] if "scope" in parsed.columns else pd.Series(np.nan, index=frame.index)
        )
        scope = scope.where(scope.notna(), "All")
        if chunk.report.form == "long":
            values, probs = coerce(frame["value"], parser_for(Kind.NUMBER))
            bad = probs.notna()
            col.warn_cells(
                rows[bad],
                "value",
                frame.loc[bad, "value"],
                [f"Value: {p}; the row was left out of the charts." for p in probs[bad]],
            )
            metric = parsed["metric"].map(_metric_name)
            long = pd.DataFrame(
                {
                    "period": parsed["period"],
                    "scope": scope,
                    "metric": metric,
                    "value": values,
                    "_row": rows,
                }
            )
            no_metric = long["metric"].isna() & ~missing
            if no_metric.any():
                col.reject(
                    rows[no_metric],
                    "This row does not name its metric; it was set aside.",
                    "metric",
                )
            long = long[~missing & ~no_metric]
        else:
            pieces = []
            for c in [c for c in frame.columns if c.startswith("__extra__")]:
                header = c[len("__extra__") :]
                chunk.header_of[c] = header
                values, probs = coerce(frame[c], parser_for(Kind.NUMBER))
                bad = probs.notna()
                col.warn_cells(
                    rows[bad],
                    c,
                    frame.loc[bad, c],
                    [f"{header}: {p}; the value was left empty." for p in probs[bad]],
                )
                pieces.append(
                    pd.DataFrame(
                        {
                            "period": parsed["period"],
                            "scope": scope,
                            "metric": _metric_name(header),
                            "value": values,
                            "_row": rows,
                        }
                    )[~missing]
                )
            long = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame()
        if not long.empty:
            long = long[pd.notna(long["value"])]
            frames.append(long)
        collectors.append(col)
    if not frames:
        return empty_table("indicators"), collectors
    out = pd.concat(frames, ignore_index=True)
    out["period"] = pd.to_datetime(out["period"])
    out["value"] = out["value"].astype(float)
    out = out.groupby(["period", "scope", "metric"], as_index=False, sort=True)["value"].last()
    return out[["period", "scope", "metric", "value"]], collectors


def _metric_name(text: object) -> object:
    if _blank(text):
        return np.nan
    norm = schema.normalise_header(text)
    for name, synonyms in schema.INDICATOR_METRICS.items():
        if norm in {schema.normalise_header(s) for s in synonyms} or norm == name.replace("_", " "):
            return name
    return clean_text(text)


def _check_references(
    name: str,
    tables: dict[str, pd.DataFrame],
    collectors: list[_Collector],
    chunks: list[_Chunk],
) -> pd.DataFrame:
    """Canonicalise the IDs of every field that ``references`` a table (an initiative's
    objectives and dependencies); warn (and keep the row) for unknown ones."""
    table = schema.TABLE_BY_NAME[name]
    frame = tables[name]
    fields = [f for f in table.fields if f.references]
    if frame.empty or not fields or not table.key:
        return frame
    rows_by_id = {}
    for chunk, col in zip(chunks, collectors, strict=False):
        if table.key in chunk.frame.columns:
            for ident, row in zip(chunk.frame[table.key], chunk.frame["_row"], strict=False):
                if not _blank(ident):
                    rows_by_id.setdefault(schema.fold_key(clean_text(ident)), (col, int(row)))

    def fix(ids: tuple, known: dict[str, str], f: schema.Field, owner: str) -> tuple:
        out = []
        for ref in ids if isinstance(ids, tuple) else ():
            k = schema.fold_key(ref)
            if f.references == name and k == schema.fold_key(owner):
                col, row = rows_by_id.get(schema.fold_key(owner), (None, None))
                if col:
                    col.warn_cells([row], f.name, [ref], [f.self_reference_message(ref)])
                continue
            if k in known:
                out.append(known[k])
            else:
                out.append(ref)
                # An unknown ID is worth a warning only when its table was brought at all.
                col, row = rows_by_id.get(schema.fold_key(owner), (None, None))
                if known and col:
                    col.warn_cells([row], f.name, [ref], [f.unknown_reference_message(ref)])
        return tuple(out)

    frame = frame.copy()
    for f in fields:
        target = tables[str(f.references)]
        key = schema.TABLE_BY_NAME[str(f.references)].key
        known = {schema.fold_key(i): i for i in target[key]} if key else {}
        frame[f.name] = [
            fix(v, known, f, o) for v, o in zip(frame[f.name], frame[table.key], strict=False)
        ]
    return frame


def _stakeholder_sides(stakeholders: pd.DataFrame, settings: ImportChoices) -> pd.DataFrame:
    if stakeholders.empty:
        return stakeholders
    st = stakeholders.copy()
    inferred = st["group"].map(
        lambda g: (
            infer_side(str(g), settings.tech_words, settings.business_words)
            if isinstance(g, str)
            else "unknown"
        )
    )
    st["side"] = st["side"].where(st["side"].notna(), inferred)
    st["cadence"] = st["cadence"].where(st["cadence"].notna(), schema.DEFAULT_CADENCE)
    return st


def _rejected_frame(chunks: list[_Chunk], collectors: list[_Collector], table: str) -> pd.DataFrame:
    """Rows set aside, with the original cells, so the user can fix and re-upload them.

    A respondent column is blanked: names are only ever used to count people once.
    """
    parts = []
    for chunk, col in zip(chunks, collectors, strict=False):
        if not col.rejected:
            continue
        raw = chunk.raw[chunk.raw["_row"].isin(col.rejected.keys())].copy()
        if table == "feedback" and "respondent" in chunk.header_of:
            raw[chunk.header_of["respondent"]] = "(hidden)"
        raw.insert(0, "Reason", raw["_row"].map(col.rejected))
        raw.insert(0, "Sheet", chunk.report.sheet)
        raw.insert(0, "File", chunk.report.file)
        raw = raw.rename(columns={"_row": "Row"})
        raw = raw[
            [
                "File",
                "Sheet",
                "Row",
                "Reason",
                *[c for c in raw.columns if c not in ("File", "Sheet", "Row", "Reason")],
            ]
        ]
        parts.append(
            raw.map(
                lambda v: clean_text(v) if not _blank(v) and not isinstance(v, (int, float)) else v
            )
        )
    if not parts:
        return pd.DataFrame(columns=["File", "Sheet", "Row", "Reason"])
    return pd.concat(parts, ignore_index=True)


def _same_as_example(cell: object, example: str) -> bool:
    """Whether a cell still holds the template's example text (as the template writes it:
    numbers as numbers, ISO dates as dates)."""
    if not example:
        return _blank(cell)
    if _blank(cell):
        return False
    if isinstance(cell, (dt.datetime, dt.date)):
        return cell.isoformat()[:10] == example[:10]
    if isinstance(cell, (int, float, np.integer, np.floating)) and not isinstance(cell, bool):
        try:
            return float(cell) == float(example)
        except ValueError:
            return False
    return clean_text(cell) == clean_text(example)


def _example_rows(chunk: _Chunk) -> np.ndarray:
    """For each kept row of a sheet, whether it is one of the template's example rows, every
    mapped cell as the template wrote it."""
    table = schema.TABLE_BY_NAME[chunk.report.kind]
    fields = [f for f in table.fields if f.name in chunk.cols]
    n = len(chunk.cols["_row"])
    out = np.zeros(n, dtype=bool)
    if not fields or not any(e for f in fields for e in f.examples):
        return out
    for k in range(2):
        if not any(f.examples[k] for f in fields):
            continue
        same = np.ones(n, dtype=bool)
        for f in fields:
            cells = chunk.cols[f.name]
            same &= np.fromiter(
                (_same_as_example(c, f.examples[k]) for c in cells), dtype=bool, count=n
            )
            if not same.any():
                break
        out |= same
    return out


def set_aside_template_examples(
    chunks: dict[str, list[_Chunk]], notes: list[Note]
) -> dict[str, list[_Chunk]]:
    """Sheets that still hold only the template's example rows, left untouched while other
    sheets hold the user's own data, are skipped with a note: their examples (objectives G1
    and G2, a stakeholder called Ana) are not the user's data. An upload that is the untouched
    template as a whole keeps them, so the workbench can be seen at work, and says so."""
    untouched: list[_Chunk] = []
    touched = 0
    for cs in chunks.values():
        for c in cs:
            n = len(c.cols["_row"])
            if n and n <= 2 and _example_rows(c).all():
                untouched.append(c)
            elif n:
                touched += 1
    if not untouched:
        return chunks
    if not touched:
        notes.append(
            Note(
                "These are the template's example rows: they were read so you can see the "
                "workbench at work. Replace them with your own data."
            )
        )
        return chunks
    for c in untouched:
        notes.append(
            Note(
                f"Sheet '{c.report.sheet}' still holds only the template's example rows; they "
                "were skipped, not imported as your data.",
                c.report.file,
                c.report.sheet,
            )
        )
        c.report.kind = None
        c.report.reason = "only the template's example rows"
    dropped = {id(c) for c in untouched}
    return {name: [c for c in cs if id(c) not in dropped] for name, cs in chunks.items()}
