"""The whole import: files to raw sheets, sheets to tables, tables to a Dataset and a report."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from alignment import schema
from alignment.dataset import (
    Dataset,
)
from alignment.ingest.feedback import _feedback_table
from alignment.ingest.layouts import Context
from alignment.ingest.layouts.base import cell
from alignment.ingest.model import (
    ImportChoices,
    ImportResult,
    Progress,
    SheetReport,
    SourceFile,
    TableReport,
)
from alignment.ingest.sheet import _choose_reading, _Chunk, _Collector, _read_sheet
from alignment.ingest.tables import (
    _check_references,
    _indicator_table,
    _rejected_frame,
    _simple_table,
    _stakeholder_sides,
    set_aside_template_examples,
)
from alignment.problems import Note, Problem, UnreadableFile
from alignment.readers import DEFAULT_LIMITS, Limits, RawSheet, read_file

log = logging.getLogger(__name__)


def read_sources(
    sources: Sequence[SourceFile], limits: Limits = DEFAULT_LIMITS, progress: Progress | None = None
) -> tuple[list[RawSheet], list[Problem]]:
    """Parse files to raw sheets; unreadable files become one error each, never an exception."""
    sheets: list[RawSheet] = []
    problems: list[Problem] = []
    for i, src in enumerate(sources):
        if progress:
            progress(0.5 * i / max(len(sources), 1), f"Reading {src.name}")
        try:
            sheets.extend(read_file(src.data, src.name, limits))
        except UnreadableFile as exc:
            problems.append(Problem("error", str(exc), src.name))
        except MemoryError:
            problems.append(
                Problem(
                    "error",
                    "The file is too large to read in the memory "
                    "available. Split it into smaller files.",
                    src.name,
                )
            )
        except Exception:  # noqa: BLE001 - a reader bug must not become a traceback
            # The details go to the server log for whoever maintains it; the user gets words.
            log.exception("reading %s failed", src.name)
            problems.append(
                Problem(
                    "error",
                    "The file could not be read. Open it in your spreadsheet program, save it "
                    "as .xlsx or .csv, and upload again.",
                    src.name,
                )
            )
    return sheets, problems


def _initiative_context(sheets: Sequence[RawSheet], settings: ImportChoices) -> Context:
    """The initiatives' ids and names, as the sheets read as initiatives hold them: a first look
    at every sheet, so a survey sheet can be recognised by the initiatives it asks about."""
    pairs: dict[str, tuple[str, str]] = {}
    first_look = Context()
    for sheet in sheets:
        try:
            reading, _ = _choose_reading(
                sheet, settings.override_for(sheet.file, sheet.sheet), first_look
            )
        except Exception:  # noqa: BLE001 - the real read below reports it
            continue
        if reading is None or reading.kind != "initiatives" or "id" not in reading.mapping:
            continue
        grid = reading.grid or sheet
        j_id = reading.mapping["id"]
        j_name = reading.mapping.get("name", j_id)
        for row in grid.rows[reading.header_index + 1 :]:
            ident, name = cell(row, j_id), cell(row, j_name)
            if ident:
                pairs.setdefault(schema.fold_key(ident), (ident, name or ident))
    # The header rows found in this first look serve the real read too.
    return Context(tuple(pairs.values()), memo=first_look.memo)


def build(
    sheets: Sequence[RawSheet],
    settings: ImportChoices | None = None,
    read_problems: Sequence[Problem] = (),
    name: str = "Uploaded data",
    fingerprint: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Raw sheets -> dataset and report. Pure and deterministic, so it is cheap to re-run after
    the user corrects a mapping (the raw sheets are cached by the caller)."""
    settings = settings or ImportChoices()
    problems: list[Problem] = list(read_problems)
    notes: list[Note] = []
    reports: list[SheetReport] = []
    chunks: dict[str, list[_Chunk]] = {t.name: [] for t in schema.TABLES}
    context = _initiative_context(sheets, settings)
    for i, sheet in enumerate(sheets):
        if progress:
            progress(
                0.5 + 0.3 * i / max(len(sheets), 1), f"Recognising {sheet.sheet or sheet.file}"
            )
        try:
            report, chunk, probs, sheet_notes = _read_sheet(sheet, settings, context)
        except Exception:  # noqa: BLE001 - report, never crash
            log.exception("interpreting %s › %s failed", sheet.file, sheet.sheet)
            problems.append(
                Problem(
                    "error",
                    "This sheet could not be interpreted; it was skipped. Check that it holds "
                    "one table with a header row, or choose its table on the Data page.",
                    sheet.file,
                    sheet.sheet,
                )
            )
            continue
        reports.append(report)
        problems.extend(probs)
        notes.extend(sheet_notes)
        if chunk is not None:
            chunks[report.kind].append(chunk)
    chunks = set_aside_template_examples(chunks, notes)
    if progress:
        progress(0.85, "Checking values")
    collectors: dict[str, list[_Collector]] = {}
    tables: dict[str, pd.DataFrame] = {}
    for name in ("objectives", "initiatives", "stakeholders", "glossary"):
        tables[name], collectors[name] = _simple_table(chunks[name], name)
    for name in ("objectives", "initiatives", "stakeholders", "glossary"):
        tables[name] = _check_references(name, tables, collectors[name], chunks[name])
    tables["stakeholders"] = _stakeholder_sides(tables["stakeholders"], settings)
    feedback, comments, sides, _, collectors["feedback"], extra = _feedback_table(
        chunks["feedback"], tables["initiatives"], settings
    )
    problems.extend(extra)
    tables["indicators"], collectors["indicators"] = _indicator_table(chunks["indicators"])
    # The other tables are checked sheet by sheet in _simple_table, with each value's location.
    from alignment import validation  # pandera: loaded by the first import that needs it

    tables["indicators"], vproblems = validation.check("indicators", tables["indicators"])
    problems.extend(vproblems)
    if chunks["feedback"] and tables["initiatives"].empty:
        problems.append(
            Problem(
                "warning",
                "No initiatives table was found, so initiatives are "
                "known only by the names the feedback uses. Add an Initiatives "
                "sheet for names, teams, objectives and WHYs.",
                table="initiatives",
            )
        )
    # Reports per table.
    table_reports: dict[str, TableReport] = {}
    rejected: dict[str, pd.DataFrame] = {}
    for name, cs in chunks.items():
        cols = collectors.get(name, [])
        for col in cols:
            problems.extend(col.problems)
            notes.extend(col.notes)
            col.chunk.report.rows_rejected = len(col.rejected)
        if not cs:
            continue
        rows_read = sum(c.report.rows_read for c in cs)
        n_rejected = sum(len(c.rejected) for c in cols)
        accepted = len(feedback) if name == "feedback" else len(tables[name])
        # Per sheet, rows (the unit the user sees); the table total counts ratings for feedback
        # and values for indicators, which a sheet cannot attribute once rows are merged.
        for c, col in zip(cs, cols, strict=False):
            c.report.rows_accepted = c.report.rows_read - len(col.rejected)
        table_reports[name] = TableReport(
            name,
            [(c.report.file, c.report.sheet) for c in cs],
            rows_read,
            accepted,
            n_rejected,
            dict(cs[0].report.mapping),
        )
        rejected[name] = _rejected_frame(cs, cols, name)
    # WSJF estimates (time criticality, job size …) are not opinions about alignment: they go to
    # their own table, so no alignment score, gap or brief ever averages a job size.
    is_estimate = feedback["dimension"].isin(schema.ESTIMATE_FIELDS).to_numpy()
    estimates = feedback[is_estimate].reset_index(drop=True)
    if is_estimate.any():
        feedback = feedback[~is_estimate].reset_index(drop=True)
    present = set(pd.unique(feedback["dimension"]))  # once: 500k ratings, a handful of values
    dims = [d.name for d in schema.DIMENSIONS if d.name in present]
    dims += sorted(present - set(dims))
    dataset = Dataset(
        initiatives=tables["initiatives"],
        objectives=tables["objectives"],
        feedback=feedback,
        estimates=estimates,
        comments=comments,
        indicators=tables["indicators"],
        stakeholders=tables["stakeholders"],
        glossary=tables["glossary"],
        group_sides=sides,
        dimensions={
            d: schema.DIMENSION_BY_NAME[d].label if d in schema.DIMENSION_BY_NAME else d
            for d in dims
        },
        name=name,
        fingerprint=fingerprint
        or hashlib.sha256(
            (settings.to_json() + repr([(s.file, s.sheet, len(s.rows)) for s in sheets])).encode()
        ).hexdigest()[:16],
    )
    for report in reports:
        report.read_as = report.describe()
    problems.sort(key=lambda p: (p.severity != "error", p.file, p.sheet, p.row or 0))
    if not table_reports and not any(p.severity == "error" and not p.row for p in problems):
        problems.append(
            Problem(
                "error",
                "No usable table was found. The workbench looks for "
                "headers such as 'Initiative ID', 'Name', 'Objective(s)' (see "
                "the template on the Data page).",
            )
        )
    if progress:
        progress(1.0, "Done")
    return ImportResult(dataset, reports, table_reports, problems, notes, rejected)


def import_files(
    sources: Sequence[SourceFile],
    settings: ImportChoices | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    name: str | None = None,
) -> ImportResult:
    """Files -> dataset and report, in one call (the CLI and tests use this)."""
    sheets, problems = read_sources(sources, limits, progress)
    settings = settings or ImportChoices()
    digest = hashlib.sha256(("".join(s.sha for s in sources) + settings.to_json()).encode())
    return build(
        sheets,
        settings,
        problems,
        name=name or ", ".join(s.name for s in sources) or "Uploaded data",
        fingerprint=digest.hexdigest()[:16],
        progress=progress,
    )


def import_paths(
    paths: Sequence[str | Path],
    settings: ImportChoices | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ImportResult:
    return import_files([SourceFile.from_path(p) for p in paths], settings, limits)
