"""From the spreadsheets people really keep to a clean ``Dataset`` and an honest report.

The importer works sheet by sheet: find the header row (title rows, merged cells and blank rows
above it are common), decide which table the sheet holds and in which layout (a registry of
layouts, one class per way a tool writes its export: ``layouts``), map each header to a canonical
field by synonym then fuzzy match, parse every value, and reshape feedback (wide, long, survey
export) to one rating per respondent x initiative x dimension. Nothing the user gave is lost: a
row that cannot be used is set aside with the reason, a value that cannot be read is reported
with its cell, and the user can correct any choice and re-run.

The package follows the import's seams: ``model`` (inputs and the result), ``headers``,
``recognise``, ``sheet``, ``tables``, ``feedback``, ``pipeline``; ``alignment.readers`` turns
each file format into raw sheets.
"""

from __future__ import annotations

from alignment.ingest.headers import find_header, match_header
from alignment.ingest.model import (
    IGNORE,
    ImportChoices,
    ImportResult,
    Progress,
    SheetReport,
    SourceFile,
    TableReport,
    sheet_key,
)
from alignment.ingest.pipeline import build, import_files, import_paths, read_sources
from alignment.ingest.sides import infer_side

__all__ = [
    "IGNORE",
    "ImportChoices",
    "ImportResult",
    "Progress",
    "SheetReport",
    "SourceFile",
    "TableReport",
    "build",
    "find_header",
    "import_files",
    "import_paths",
    "infer_side",
    "match_header",
    "read_sources",
    "sheet_key",
]
