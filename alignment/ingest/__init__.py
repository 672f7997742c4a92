"""From the spreadsheets people really keep to a clean ``Dataset`` and an honest report.

The importer works sheet by sheet: find the header row (title rows, merged cells and blank rows
above it are common), decide which table the sheet holds and in which layout (a registry of
layouts, one class per way a tool writes its export: ``layouts``), map each header to a canonical
field by synonym then fuzzy match, parse every value, and reshape feedback (wide, long, survey
export) to one rating per respondent x initiative x dimension. Nothing the user gave is lost: a
row that cannot be used is set aside with the reason, a value that cannot be read is reported
with its cell, and the user can correct any choice and re-run.

The package follows the import's seams:

- ``model``: the inputs (files, the user's ``ImportChoices``) and the result (``ImportResult``);
- ``headers``: finding the header row and naming what each header means;
- ``recognise``: the readings of a sheet from its header words alone;
- ``layouts``: the registry of layouts, one class per way a tool writes its export;
- ``sheet``: one sheet, read by its chosen layout, to the rows of one table;
- ``tables``: the tables of one row per thing, and the template's example rows;
- ``feedback``: ratings of every form to one rating per respondent x initiative x dimension;
- ``matching``: which initiative a survey statement names;
- ``sides``: which side (tech or business) a group is on;
- ``mapping``: the user's choices as a mapping file and ``--as`` options;
- ``pipeline``: the whole import, files to a ``Dataset`` and its report.

``alignment.readers`` turns each file format into the raw sheets these read.
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
