"""Every spreadsheet format through calamine, once its pre-check has passed: sheets to raw grids."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import threading
from collections.abc import Iterator

import python_calamine

from alignment.problems import Note, UnreadableFile
from alignment.readers.archive import _PASSWORD
from alignment.readers.base import DEFAULT_LIMITS, Limits, Progress, RawSheet, _check_size
from alignment.readers.ods import _ods_precheck
from alignment.readers.xls import _xls_precheck
from alignment.readers.xlsx import _xlsx_precheck


def _calamine_message(exc: BaseException) -> str:
    """calamine's errors in plain words; its own text names Rust types and byte offsets."""
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        return _PASSWORD
    if "declared" in text or "crc" in text or "checksum" in text or "zip" in text:
        return (
            "The workbook's internal parts do not match what it declares about them: it is "
            "damaged, or was altered to be unsafe, and was refused. Open it in your spreadsheet "
            "program and save it again."
        )
    return (
        "The workbook could not be opened: it is damaged, incomplete or not really a "
        "spreadsheet. Open it in your spreadsheet program and save it again as .xlsx."
    )


_STDERR_LOCK = threading.Lock()


@contextlib.contextmanager
def _native_stderr_captured() -> Iterator[None]:
    """Hold back what native code writes to stderr while calamine runs.

    A Rust panic on a damaged file prints "thread panicked at ..." (and a whole backtrace when
    RUST_BACKTRACE is set) straight to file descriptor 2, past Python: on the command line the
    user would see it under our plain message. The panic is reported as an unreadable file, so
    its text is dropped; anything else written meanwhile (another thread's log line) is passed
    on afterwards. The lock keeps two imports from swapping descriptor 2 at once.
    """
    with _STDERR_LOCK:
        try:
            sys.stderr.flush()
            saved = os.dup(2)
        except (OSError, ValueError, AttributeError):
            yield
            return
        with tempfile.TemporaryFile() as held:
            os.dup2(held.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
                os.close(saved)
                held.seek(0)
                text = held.read(1 << 20)
                if text and b"panicked at" not in text:
                    with contextlib.suppress(OSError):
                        os.write(2, text)


def _calamine_failed(exc: BaseException) -> BaseException:
    """calamine's own errors, and its Rust panics on damaged data, which pyo3 raises as
    ``PanicException``: a BaseException, so ``except Exception`` (here and in the importer)
    would let it through. Interrupts and exits still propagate."""
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
        raise exc
    return exc


def _clip_merges(
    merged: list[tuple[tuple[int, int], tuple[int, int]]],
    start: tuple[int, int],
    rows: int,
    cols: int,
) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Merged ranges clipped to the cells that exist, within a budget of cells.

    Real merged ranges never overlap, so together they cover at most the sheet's own cells;
    a file whose ranges cover more (hundreds of copies over the same block) would make the
    header search fill the same cells again and again.
    """
    if not merged or not rows or not cols:
        return []
    r_max, c_max = start[0] + rows - 1, start[1] + cols - 1
    budget = rows * cols
    kept: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for (r0, c0), (r1, c1) in dict.fromkeys(merged):
        r0, c0 = max(r0, start[0]), max(c0, start[1])
        r1, c1 = min(r1, r_max), min(c1, c_max)
        if r0 > r1 or c0 > c1:
            continue
        budget -= (r1 - r0 + 1) * (c1 - c0 + 1)
        if budget < 0:
            break
        kept.append(((r0, c0), (r1, c1)))
    return kept


def read_workbook(
    data: bytes,
    file: str,
    kind: str,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> list[RawSheet]:
    """Every visible sheet of an xlsx/xlsm/xls/ods workbook, via calamine, after the pre-checks
    that keep calamine from allocating what a crafted file asks for."""
    notes: list[Note] = []
    if kind == "xlsx":
        _, notes = _xlsx_precheck(data, file, limits)
    elif kind == "ods":
        _ods_precheck(data, file, limits)
    elif kind == "xls":
        _xls_precheck(data, file, limits)
    else:
        raise UnreadableFile("This kind of workbook is not supported. Save it as .xlsx.")
    try:
        with _native_stderr_captured():
            wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            metas = wb.sheets_metadata
    except BaseException as exc:  # noqa: BLE001 - see _calamine_failed
        raise UnreadableFile(_calamine_message(_calamine_failed(exc))) from None
    sheets: list[RawSheet] = []
    failed: list[str] = []
    for i, meta in enumerate(metas):
        name = meta.name
        if progress:
            progress(0.1 + 0.5 * i / max(len(metas), 1), f"Reading {file} › {name}")
        if str(meta.visible).lower().endswith("hidden") or "hidden" in str(meta.visible).lower():
            notes.append(
                Note(
                    "Hidden sheet skipped. Unhide it in your spreadsheet if it holds "
                    "data you want used.",
                    file,
                    name,
                )
            )
            continue
        if "worksheet" not in str(meta.typ).lower():
            continue
        try:
            with _native_stderr_captured():
                sheet = wb.get_sheet_by_name(name)
            _check_size(file, name, sheet.height, sheet.width, limits)
            rows = sheet.to_python()
            start = sheet.start or (0, 0)
            merged = _clip_merges(
                list(sheet.merged_cell_ranges or []), start, sheet.height, sheet.width
            )
        except UnreadableFile:
            raise
        except BaseException as exc:  # noqa: BLE001 - see _calamine_failed
            message = _calamine_message(_calamine_failed(exc))
            failed.append(message)
            notes.append(
                Note(f"This sheet could not be read and was skipped. {message}", file, name)
            )
            continue
        sheets.append(
            RawSheet(file, name, rows, first_row=start[0] + 1, first_col=start[1], merged=merged)
        )
    if sheets:
        sheets[0].notes.extend(notes)
    elif failed:
        raise UnreadableFile(failed[0])
    elif notes:
        raise UnreadableFile(" ".join(n.message for n in notes))
    return sheets
