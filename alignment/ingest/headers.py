"""Finding the header row and naming what each header means (synonyms, then fuzzy match)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from rapidfuzz import fuzz, process

from alignment import schema
from alignment.readers import RawSheet, col_letter
from alignment.values import (
    clean_text,
)

HEADER_SCAN_ROWS = 30


FUZZY_CUTOFF = 86


# A question that asks for the respondent's team, department or group.
_GROUP_QUESTION = re.compile(
    r"^(which|what|in which|your)\b.*\b(team|teams|group|department|dept|unit|function|division|"
    r"business unit|tribe|squad)\b"
)
_ABOUT_WORK = re.compile(r"\b(initiative|initiatives|project|projects|roadmap|epic|work)\b")
_SURVEY_HEADER = re.compile(r"^(?P<question>.*\S)\s*\[(?P<item>[^\[\]]+)\]\s*$")


@lru_cache(maxsize=1)
def _aliases() -> tuple[dict[str, list[tuple[str, str]]], list[str]]:
    """Every normalised alias -> the (table, field) pairs it names."""
    index: dict[str, list[tuple[str, str]]] = {}
    for table in schema.TABLES:
        for f in table.fields:
            names = {
                schema.normalise_header(f.label),
                f.name.replace("_", " "),
                *(schema.normalise_header(s) for s in f.synonyms),
            }
            for alias in names:
                if alias:
                    index.setdefault(alias, []).append((table.name, f.name))
    return index, list(index)


@lru_cache(maxsize=20_000)
def match_header(header: str) -> tuple[tuple[str, str, float], ...]:
    """(table, field, score 0..100) for every field a header could name, best first."""
    norm = schema.normalise_header(header)
    if not norm:
        return ()
    index, keys = _aliases()
    scores: dict[tuple[str, str], float] = {}
    for tf in index.get(norm, ()):
        scores[tf] = 100.0
    for alias, score, _ in process.extract(
        norm, keys, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_CUTOFF, limit=20
    ):
        for tf in index[alias]:
            scores[tf] = max(scores.get(tf, 0.0), float(score) - 2)
    if _GROUP_QUESTION.search(norm) and not _ABOUT_WORK.search(norm):
        # "Which team are you part of?": the respondent's group, asked as a question.
        scores[("feedback", "group")] = max(scores.get(("feedback", "group"), 0.0), 96.0)
    words = norm.split()
    for n in range(len(words) - 1, 0, -1):
        prefix = " ".join(words[:n])
        if len(prefix) >= 5 and prefix in index:
            for tf in index[prefix]:
                scores[tf] = max(scores.get(tf, 0.0), 88.0 - (len(words) - n))
            break
    return tuple(sorted(((t, f, s) for (t, f), s in scores.items()), key=lambda x: -x[2]))


def _is_survey_header(header: str) -> bool:
    return bool(_SURVEY_HEADER.match(header))


def _fill_merged(sheet: RawSheet, rows: list[list[object]]) -> list[list[object]]:
    """Copy each merged header cell's value across its range, within the header scan zone."""
    if not sheet.merged:
        return rows
    rows = [list(r) for r in rows]
    for (r0, c0), (r1, c1) in sheet.merged:
        i0, j0 = r0 - (sheet.first_row - 1), c0 - sheet.first_col
        if not 0 <= i0 < len(rows) or j0 < 0:
            continue
        value = rows[i0][j0] if j0 < len(rows[i0]) else ""
        for i in range(i0, min(r1 - (sheet.first_row - 1) + 1, len(rows))):
            for j in range(j0, c1 - sheet.first_col + 1):
                while len(rows[i]) <= j:
                    rows[i].append("")
                if _blank(rows[i][j]):
                    rows[i][j] = value
    return rows


def _blank(v: object) -> bool:
    return v is None or v == "" or (isinstance(v, float) and math.isnan(v))


def find_header(sheet: RawSheet, forced: bool = False) -> tuple[int, list[str]] | None:
    """The row that looks most like a header, and its texts (merged and two-row headers joined).

    With ``forced`` (the user chose the sheet's table), a sheet whose headers name no known field
    still gets one: its first non-blank row, so the choice is applied instead of ignored and
    the user can map the columns by hand.
    """
    zone = _fill_merged(sheet, sheet.rows[:HEADER_SCAN_ROWS])
    best, best_score = None, 0.0
    for i, row in enumerate(zone):
        cells = [clean_text(c) for c in row if not _blank(c)]
        texts = [c for c in cells if not _numeric_text(c)]
        if len(texts) < 2:
            continue
        hits = _header_hits(cells)
        score = hits + 0.2 * hits / len(cells)
        if hits >= 2 and score > best_score + 0.25:
            best, best_score = i, score
    if best is None and forced:
        best = next((i for i, r in enumerate(zone) if any(not _blank(c) for c in r)), None)
    if best is None:
        return None
    if best + 1 < len(zone) and _is_sub_header(zone[best], zone[best + 1]):
        best += 1
    row = zone[best]
    above = zone[best - 1] if best > 0 else []
    if sheet.grid is not None:  # every row of a grid is as wide as the grid
        width = sheet.grid.shape[1] if len(sheet.grid) else 0
    else:
        width = max(map(len, sheet.rows)) if sheet.rows else 0
    headers = unique_headers((_joined_cell(row, above, j) for j in range(width)), sheet.first_col)
    return best, headers


def unique_headers(names: Iterable[str], first_col: int = 0) -> list[str]:
    """Display headers, one per column: blanks named by their letter, repeats numbered."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for j, text in enumerate(names):
        text = text or f"Column {col_letter(first_col + j)}"
        if text in seen:
            seen[text] += 1
            text = f"{text} ({seen[text]})"
        else:
            seen[text] = 1
        out.append(text)
    return out


def _header_hits(cells: Sequence[str]) -> int:
    """How many non-numeric cells name a known field, a known indicator metric (wide indicator
    sheets are mostly metric columns) or are survey 'Question [Item]' headers."""
    return sum(
        1
        for c in cells
        if c
        and not _numeric_text(c)
        and (match_header(c) or _is_survey_header(c) or _is_metric_header(c))
    )


@lru_cache(maxsize=1)
def _metric_aliases() -> frozenset[str]:
    return frozenset(
        schema.normalise_header(s) for names in schema.INDICATOR_METRICS.values() for s in names
    )


@lru_cache(maxsize=20_000)
def _is_metric_header(text: str) -> bool:
    return schema.normalise_header(text) in _metric_aliases()


def _joined_cell(row: Sequence[object], above: Sequence[object], j: int) -> str:
    """A header cell of a two-row header: its own text, else the text of the cell above it."""
    if j < len(row) and not _blank(row[j]):
        return clean_text(row[j])
    if j < len(above) and not _blank(above[j]):
        return clean_text(above[j])
    return ""


def _is_sub_header(row: Sequence[object], below: Sequence[object]) -> bool:
    """Whether ``below`` holds the sub-headers of a group header in ``row``.

    "Ratings" merged over "Clarity of the why" and "Business value" makes the upper row score as
    well as the lower one (the group cell repeats across its range and matches a field), so the
    best-scoring row alone would keep the group label and lose the sub-headers. The lower row is
    the real header when it names at least one field itself and, joined with the row above for
    its blanks, names at least as many fields as the upper row. A data row rarely does both.
    """
    own = [clean_text(c) for c in below if not _blank(c)]
    if not _header_hits(own):
        return False
    width = max(len(row), len(below))
    joined = [_joined_cell(below, row, j) for j in range(width)]
    upper = [clean_text(c) for c in row if not _blank(c)]
    return _header_hits(joined) >= _header_hits(upper)


def _numeric_text(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def _dimension_of(text: object) -> str:
    """A question or dimension label -> canonical dimension name (or the cleaned text)."""
    raw = clean_text(text)
    norm = schema.normalise_header(raw)
    rated = (*schema.DIMENSIONS, *schema.ESTIMATE_DIMENSIONS)
    for d in rated:
        if norm in {schema.normalise_header(s) for s in (*d.synonyms, d.label, d.name)}:
            return d.name
    for d in rated:
        if any(k in norm for k in d.keywords):
            return d.name
    return raw


def _is_comment_question(text: str) -> bool:
    norm = schema.normalise_header(text)
    comment = schema.FEEDBACK.field("comment")
    return norm in {schema.normalise_header(s) for s in comment.synonyms} or norm.startswith(
        ("comment", "remark", "anything else", "other feedback")
    )
