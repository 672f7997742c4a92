"""One entry point: a file's bytes to raw sheets, whatever its format."""

from __future__ import annotations

from alignment.problems import UnreadableFile
from alignment.readers.archive import sniff
from alignment.readers.base import DEFAULT_LIMITS, Limits, Progress, RawSheet, human_size
from alignment.readers.text import read_text_table
from alignment.readers.workbook import read_workbook


def read_file(
    data: bytes, file: str, limits: Limits = DEFAULT_LIMITS, progress: Progress | None = None
) -> list[RawSheet]:
    """Any supported file -> raw sheets. Raises ``UnreadableFile`` with a user-facing message."""
    if len(data) > limits.max_file_bytes:
        size, limit = human_size(len(data)), human_size(limits.max_file_bytes)
        if size == limit:  # just over: "100.0 MB; the limit is 100.0 MB" would explain nothing
            size, limit = f"{len(data):,} bytes", f"{limits.max_file_bytes:,} bytes"
        raise UnreadableFile(
            f"The file is {size}; the limit is {limit}. Split it, or remove unused "
            "sheets and columns."
        )
    kind = sniff(data)
    if kind == "text":
        return [read_text_table(data, file, limits)]
    return read_workbook(data, file, kind, limits, progress)
