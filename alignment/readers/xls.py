"""Legacy Excel (.xls, BIFF in an OLE compound file): the workbook stream found and its declared
size checked before calamine reads it."""

from __future__ import annotations

import struct
from collections.abc import Callable

from alignment.problems import UnreadableFile
from alignment.readers.archive import _PASSWORD, _unsafe
from alignment.readers.base import Limits, _check_size
from alignment.readers.xlsx import _Extent

_FREE = 0xFFFFFFFA  # sector numbers at or above this mark the end of a chain or a free sector


# BIFF cell records with the row at offset 0 and the column at offset 2.
_BIFF_CELLS = {
    0x0203,
    0x0204,
    0x00FD,
    0x027E,
    0x0205,
    0x0006,
    0x0206,
    0x0406,
    0x00D6,
    0x0002,
    0x0003,
    0x0004,
    0x0005,
}


_BIFF_MULRK = 0x00BD


_BIFF_BOF = {0x0809, 0x0009, 0x0209, 0x0409}


_BIFF_DIMENSIONS = {0x0200, 0x0000}


_BIFF_FILEPASS = 0x002F


_BIFF_BOUNDSHEET = 0x0085


def _cfb_workbook_stream(data: bytes) -> bytes:
    """The 'Workbook' (or 'Book') stream of an OLE compound file, read as the format says.

    A minimal reader (header, FAT, directory, mini stream) with every chain bounded, so a crafted
    file cannot loop or point outside the data.
    """

    def damaged() -> UnreadableFile:
        return UnreadableFile(
            "The legacy Excel (.xls) file is damaged. Open it in your spreadsheet program and "
            "save it as .xlsx."
        )

    if len(data) < 512:
        raise damaged()
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if shift not in (9, 12) or mini_shift != 6:
        raise damaged()
    size = 1 << shift
    n_fat, dir_start = struct.unpack_from("<II", data, 44)
    cutoff, minifat_start, _n_minifat, difat_start, n_difat = struct.unpack_from("<IIIII", data, 56)
    n_sectors = (len(data) - size) // size + 1

    def sector(i: int) -> bytes:
        if i >= n_sectors:
            raise damaged()
        return data[size + i * size : size + (i + 1) * size]

    difat = list(struct.unpack_from("<109I", data, 76))
    nxt, seen = difat_start, 0
    while nxt < _FREE and seen <= n_difat and seen < n_sectors:
        block = struct.unpack(f"<{size // 4}I", sector(nxt).ljust(size, b"\xff"))
        difat.extend(block[:-1])
        nxt, seen = block[-1], seen + 1
    fat: list[int] = []
    for s in [s for s in difat if s < _FREE][: max(n_fat, 0)]:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(s).ljust(size, b"\xff")))

    def chain(start: int, table: list[int], read: Callable[[int], bytes], limit: int) -> bytes:
        out, seen, i = [], set(), start
        while i < _FREE and len(seen) < limit:
            if i in seen or i >= len(table):
                raise damaged()
            seen.add(i)
            out.append(read(i))
            i = table[i]
        return b"".join(out)

    directory = chain(dir_start, fat, sector, n_sectors)
    entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries:
        raise damaged()
    root = entries[0]
    mini_stream = b""
    for entry in entries:
        name_len, kind = struct.unpack_from("<HB", entry, 64)
        name = entry[: max(name_len - 2, 0)].decode("utf-16-le", "replace").lower()
        if kind != 2 or name not in ("workbook", "book"):
            continue
        start, length = struct.unpack_from("<IQ", entry, 116)
        length &= 0xFFFFFFFF if size == 512 else 0xFFFFFFFFFFFFFFFF
        if length > len(data):
            raise damaged()
        if length >= cutoff:
            return chain(start, fat, sector, n_sectors)[:length]
        if not mini_stream:
            mini_stream = chain(struct.unpack_from("<I", root, 116)[0], fat, sector, n_sectors)
        minifat_raw = chain(minifat_start, fat, sector, n_sectors)
        minifat = list(struct.unpack(f"<{len(minifat_raw) // 4}I", minifat_raw))

        def mini(i: int, stream: bytes = mini_stream) -> bytes:
            return stream[i * 64 : (i + 1) * 64]

        return chain(start, minifat, mini, len(minifat))[:length]
    raise UnreadableFile(
        "This is an Office file without a workbook inside (perhaps a Word or PowerPoint 97-2003 "
        "file), not a spreadsheet. Upload an .xlsx, .ods or .csv file."
    )


def _xls_precheck(data: bytes, file: str, limits: Limits) -> None:
    """Walk the BIFF records: a password, or a sheet bigger than the limits, is refused here,
    before calamine allocates the rectangle its DIMENSIONS record or its cells describe."""
    stream = _cfb_workbook_stream(data)
    names: list[str] = []
    pos, substream, ext = 0, -1, _Extent()  # substream 0 holds the workbook's globals

    def check() -> None:
        if substream > 0:
            name = names[substream - 1] if substream <= len(names) else ""
            where = f"Sheet '{name}'" if name else f"Sheet {substream}"
            _check_size(file, name, ext.rows, ext.cols, limits, where=where)

    while pos + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + length]
        pos += 4 + length
        if kind == _BIFF_FILEPASS:
            raise UnreadableFile(_PASSWORD)
        if kind in _BIFF_BOF:
            check()
            substream, ext = substream + 1, _Extent()
        elif kind == _BIFF_BOUNDSHEET and len(body) >= 8:
            count, wide = body[6], body[7] & 1
            raw = body[8 : 8 + count * (2 if wide else 1)]
            names.append(raw.decode("utf-16-le" if wide else "latin-1", "replace"))
        elif kind in _BIFF_DIMENSIONS and len(body) >= 10:
            if len(body) >= 14:
                first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", body)
            else:
                first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", body)
            # The format allows 65,536 rows and 256 columns, first before last; anything else
            # is crafted (calamine sizes the sheet from last - first, which then wraps around).
            if not (first_row <= last_row <= 65536 and first_col <= last_col <= 256):
                raise _unsafe("declares a sheet larger than the .xls format allows")
        elif kind in _BIFF_CELLS and len(body) >= 4:
            r, c = struct.unpack_from("<HH", body)
            ext.rows, ext.cols = max(ext.rows, r + 1), max(ext.cols, c + 1)
        elif kind == _BIFF_MULRK and len(body) >= 6:
            r, _ = struct.unpack_from("<HH", body)
            (c,) = struct.unpack_from("<H", body, len(body) - 2)
            ext.rows, ext.cols = max(ext.rows, r + 1), max(ext.cols, c + 1)
    check()
