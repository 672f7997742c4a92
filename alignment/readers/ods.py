"""OpenDocument spreadsheets (.ods): the content's size and shape, checked before calamine
reads it."""

from __future__ import annotations

import re
import zipfile
from xml.parsers import expat

from alignment.problems import UnreadableFile
from alignment.readers.archive import _read_part, check_archive, check_ratios, check_xml_prologs
from alignment.readers.base import Limits, _check_size
from alignment.readers.xlsx import _Extent, _over

_ODS_TOKEN = re.compile(
    rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])"
    rb"([^>]*)>"
)


_ROWS_REPEATED = re.compile(rb"""number-rows-repeated\s*=\s*["']\s*([0-9]+)""")


_COLS_REPEATED = re.compile(rb"""number-columns-repeated\s*=\s*["']\s*([0-9]+)""")


_TABLE_NAME = re.compile(rb"""(?:^|\s)(?:[\w.-]+:)?name\s*=\s*["']([^"']*)""")


def _check_well_formed(zf: zipfile.ZipFile, part: str) -> None:
    """calamine's OpenDocument reader loops forever when a table's end tag never comes (a file
    cut short, or one damaged tag): it waits for ``</table:table>`` and ignores the end of the
    data. Only a well-formed document is sure to close every table, so check that first, with
    expat (no handlers: C speed; DTDs were refused already)."""
    parser = expat.ParserCreate()
    try:
        for chunk in _read_part(zf, part):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise UnreadableFile(
            "The OpenDocument file is damaged: its contents are not valid XML (it may have "
            "been cut short). Open it in LibreOffice or Excel and save it again."
        ) from None


def _ods_precheck(data: bytes, file: str, limits: Limits) -> None:
    """OpenDocument repeats rows and cells by count (``number-rows-repeated="1000000"``), and
    calamine expands every repeat that holds a value: add them up before it does."""
    zf = check_archive(data, limits)
    check_xml_prologs(zf)
    if "content.xml" not in zf.namelist():
        return
    _check_well_formed(zf, "content.xml")
    name, ext = "", _Extent()
    row = col = row_rep = 0
    row_has_value = False

    def finish_row() -> None:
        if row_has_value:
            ext.rows = row + row_rep

    for chunk in _read_part(zf, "content.xml"):
        for m in _ODS_TOKEN.finditer(chunk):
            closing, tag, attrs = m.groups()
            if tag == b"table":
                if closing:
                    _check_size(file, name, ext.rows, ext.cols, limits)
                else:
                    found = _TABLE_NAME.search(attrs)
                    name = found.group(1).decode("utf-8", "replace") if found else ""
                    ext, row = _Extent(), 0
                continue
            if tag == b"table-row":
                if closing:
                    finish_row()
                    row += row_rep
                    continue
                rep = _ROWS_REPEATED.search(attrs)
                row_rep, col, row_has_value = (int(rep.group(1)) if rep else 1), 0, False
                if attrs.endswith(b"/"):
                    row += row_rep
                continue
            if closing:
                continue
            rep = _COLS_REPEATED.search(attrs)
            col += int(rep.group(1)) if rep else 1
            if b"value-type" in attrs or not attrs.endswith(b"/"):
                row_has_value = True
                ext.cols = max(ext.cols, col)
                ext.rows = max(ext.rows, row + row_rep)
                if _over(ext, limits):
                    _check_size(file, name, ext.rows, ext.cols, limits, more=True)
    _check_size(file, name, ext.rows, ext.cols, limits)
    check_ratios(zf, limits)
