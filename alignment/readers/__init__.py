"""Reading bytes into raw grids of cells, safely, one module per format.

Streamlit only checks file extensions, and spreadsheet readers trust what an archive says about
itself, so everything here looks at the content first: what the file really is, how big it will
become once unpacked, how many rows and columns it declares. A file that fails a check raises
``UnreadableFile`` with a message written for the person who uploaded it.

- ``base``: the limits a file must stay within, and the ``RawSheet`` every reader returns;
- ``archive``: what a file really is, and the checks every zip-based spreadsheet passes;
- ``xlsx``: Excel workbooks' pre-check (sheet sizes from the XML, formulas without results);
- ``ods``: OpenDocument spreadsheets' pre-check;
- ``xls``: legacy Excel's pre-check (BIFF in an OLE compound file);
- ``workbook``: every spreadsheet format read through calamine once its pre-check has passed;
- ``text``: delimited text (encoding, delimiter, records);
- ``dispatch``: ``read_file``, the one entry point.
"""

from __future__ import annotations

from alignment.readers.archive import check_archive, check_ratios, check_xml_prologs, sniff
from alignment.readers.base import (
    DEFAULT_LIMITS,
    MAX_TABLE_ROWS,
    Limits,
    Progress,
    RawSheet,
    col_letter,
    human_size,
    upload_limit_bytes,
)
from alignment.readers.dispatch import read_file
from alignment.readers.text import decode_text, read_text_table, sniff_delimiter
from alignment.readers.workbook import read_workbook

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_TABLE_ROWS",
    "Limits",
    "Progress",
    "RawSheet",
    "check_archive",
    "check_ratios",
    "check_xml_prologs",
    "col_letter",
    "decode_text",
    "human_size",
    "read_file",
    "read_text_table",
    "read_workbook",
    "sniff",
    "sniff_delimiter",
    "upload_limit_bytes",
]
