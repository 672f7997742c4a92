"""Internal text that must never reach a page or an export, and how to read every export's text.

``internal_words`` names what a person should never see: a Python or pandas missing value
(``None``, ``nan``, ``NaT``), a snake_case field name, or a developer's word (seed, issue,
TODO). ``export_text`` turns any file the app offers (xlsx, csv, docx, pdf, md, ics, svg, dot,
yaml, zip of those) into its text, so the same check reads pages and files alike.

Used by ``tests/e2e/test_text_hygiene.py``; ``tests/test_hygiene_checker.py`` proves the checker
catches each kind of leak.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from alignment.config import SETTINGS

# Statistical names the Method and Settings pages define for the reader and use on purpose:
# r_wg (agreement within a group) and k_min / k_comments (the anonymity thresholds); and the
# settings' own names, which the server's owner types in .streamlit/secrets.toml.
TERMS = frozenset(
    {"r_wg", "k_min", "k_comments"}
    | {s.name for s in SETTINGS}
    | {key.rpartition(".")[2] for s in SETTINGS for key in s.secrets_keys}
)

_MISSING = re.compile(r"(?<![\w.'’-])(None|nan|NaN|NaT|<NA>)(?![\w'’-])")
# A snake_case word that is not part of an address, a file name or an e-mail address.
_SNAKE = re.compile(r"(?<![\w./@#:=-])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![\w/@-]|\.\w)")
# "issue" as a developer says it (an issue, issue 15, issues #3); "tough issues" in a survey
# statement is plain English and passes.
_WORDS = re.compile(
    r"\b(seed|seeds|seeded|issue|issues(?=\s*#?\d)|TODO|FIXME|XXX)\b", re.IGNORECASE
)


def internal_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """Each leak in ``text`` once, with a little context: "None" in "Change: None".

    ``allowed`` lists words that are the user's own (a header or value in their file), which a
    page rightly repeats back to them.
    """
    ok = TERMS | set(allowed)
    found: dict[str, str] = {}
    for pattern in (_MISSING, _SNAKE, _WORDS):
        for m in pattern.finditer(text):
            word = m.group(1)
            if word in ok or word in found:
                continue
            start, end = max(0, m.start() - 40), min(len(text), m.end() + 40)
            found[word] = " ".join(text[start:end].split())
    return [f"{word!r} in “{context}”" for word, context in found.items()]


def _xlsx(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    out = []
    for sheet in book.worksheets:
        out.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            out.append("\t".join("" if v is None else str(v) for v in row))
    book.close()
    return "\n".join(out)


def _docx(data: bytes) -> str:
    import docx

    doc = docx.Document(io.BytesIO(data))
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            out.append("\t".join(c.text for c in row.cells))
    return "\n".join(out)


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def _svg(data: bytes) -> str:
    """The words a chart shows: its text elements, not its markup and style attributes."""
    text = data.decode("utf-8", errors="replace")
    return "\n".join(re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>.*?</text>", text))


def _dot(data: bytes) -> str:
    """A Graphviz file's words are its labels; the rest is the graph language's syntax."""
    text = data.decode("utf-8", errors="replace")
    return "\n".join(re.findall(r'label="((?:[^"\\]|\\.)*)"', text))


TEXT_TYPES = {"csv", "tsv", "md", "txt", "ics", "yaml", "yml", "json"}
NO_TEXT = {"png", "jpg", "jpeg"}


def export_text(name: str, data: bytes) -> dict[str, str]:
    """File name (and, in a zip, member name) -> its text. Images hold no readable text; the
    SVG offered beside each PNG carries the same words."""
    ext = name.rsplit(".", 1)[-1].lower()
    if ext == "zip":
        out: dict[str, str] = {}
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for member in z.namelist():
                if not member.endswith("/"):
                    out |= export_text(f"{name}/{member}", z.read(member))
        return out
    if ext in NO_TEXT:
        return {}
    if ext in ("xlsx", "xlsm"):
        return {name: _xlsx(data)}
    if ext == "docx":
        return {name: _docx(data)}
    if ext == "pdf":
        return {name: _pdf(data)}
    if ext == "svg":
        return {name: _svg(data)}
    if ext == "dot":
        return {name: _dot(data)}
    if ext in TEXT_TYPES:
        return {name: data.decode("utf-8-sig", errors="replace")}
    raise ValueError(f"No reader for the export {name}: add one to tests/hygiene.py")


def file_words(paths: Iterable[Path]) -> frozenset[str]:
    """Every word in the files a person loaded: a page may say them back ("column 'team_id'",
    a metric their file calls "quality_delta")."""
    from openpyxl import load_workbook

    cells: list[str] = []
    for path in paths:
        if path.suffix == ".xlsx":
            book = load_workbook(path, read_only=True, data_only=True)
            for sheet in book.worksheets:
                cells.append(sheet.title)
                for row in sheet.iter_rows(values_only=True):
                    cells.extend(str(v) for v in row if v is not None)
            book.close()
        else:
            text = path.read_bytes().decode("utf-8-sig", errors="replace")
            cells.extend(c for row in csv.reader(io.StringIO(text)) for c in row)
    words = set()
    for cell in cells:
        words.update(w.strip(".,;:()[]'\"") for w in re.split(r"[\s;]+", cell))
    return frozenset(words)
