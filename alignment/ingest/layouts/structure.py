"""Feedback recognised by what its columns hold, whatever its questions are called.

A hand-made survey sheet is headed in its author's words: "How clear is the purpose of this
project to you? (1-5)". No header names a known field, yet the sheet is plainly feedback: one
column holds the ids (or names) of the initiatives found elsewhere in the upload, or is headed
like an initiative reference, and several columns hold ratings. Each rating column becomes a
dimension (mapped onto a known one by meaning where it matches, kept under its own wording
where it does not).
"""

from __future__ import annotations

from alignment import schema
from alignment.ingest.headers import _is_comment_question, find_header, match_header
from alignment.ingest.layouts.base import (
    STRUCTURE,
    Context,
    Layout,
    Reading,
    SurveyColumn,
    column_values,
    is_group_header,
    private_columns,
)
from alignment.ingest.layouts.generic import header_plans
from alignment.ingest.layouts.surveys import rating_like
from alignment.readers import RawSheet
from alignment.values import clean_text

# The feedback fields a header can name in such a sheet, besides the ratings.
_FIELDS = ("respondent", "group", "side", "initiative", "comment", "date")


def _field_of(header: str) -> str | None:
    if is_group_header(header):
        return "group"
    for table, name, score in match_header(header):
        if table == "feedback" and name in _FIELDS and score >= 90:
            return name
    return None


def _share_known(values: list[object], refs: frozenset[str]) -> float:
    if not values or not refs:
        return 0.0
    return sum(schema.fold_key(clean_text(v)) in refs for v in values) / len(values)


class RatedByStructure(Layout):
    """Ratings of initiatives in a sheet whose questions are in the author's own words."""

    name = "structure"
    label = "feedback recognised by what its columns hold"
    tables = ("feedback",)
    uses_context = True

    def detect(self, sheet: RawSheet, context: Context) -> Reading | None:
        found = header_plans(sheet, context)
        if found is None:  # no header names a known field: the first row that holds text
            forced = find_header(sheet, forced=True)
            if forced is None:
                return None
            found = (*forced, [])
        h, headers, plans = found
        if plans and plans[0].kind in ("feedback", "indicators"):
            return None  # the header words already say what it is
        named_columns = sum(1 for h_ in headers if not h_.startswith("Column "))
        if plans and len(plans[0].mapping) >= 0.6 * named_columns:
            return None  # a table whose header words explain most of it (a list of initiatives)
        start = h + 1
        refs = context.refs
        named = {
            j: _field_of(header)
            for j, header in enumerate(headers)
            if not header.startswith("Column ")
        }
        # First the column of initiative references: without one that repeats (each initiative
        # rated by several people), the sheet is not ratings, and no other column is looked at.
        initiative = next((j for j, f in named.items() if f == "initiative"), None)
        by_values = None
        if initiative is None and refs:
            by_values = next(
                (
                    j
                    for j in range(len(headers))
                    if _share_known(column_values(sheet, j, start, 200), refs) >= 0.6
                ),
                None,
            )
            initiative = by_values
        if initiative is None:
            return None
        refs_col = [
            schema.fold_key(clean_text(v)) for v in column_values(sheet, initiative, start, 2000)
        ]
        if len(set(refs_col)) > 0.8 * len(refs_col):
            # One row per initiative, ids hardly repeated: a list of initiatives with a numeric
            # column (perhaps the very list the ids come from), not people's ratings of them,
            # where each initiative is rated by several people.
            return None
        mapping: dict[str, int] = {"initiative": initiative}
        survey: dict[int, SurveyColumn] = {}
        for j, header in enumerate(headers):
            if j == initiative:
                continue
            field_name = named.get(j)
            if (
                field_name
                and field_name not in mapping
                and field_name not in ("comment", "initiative")
            ):
                mapping[field_name] = j
                continue
            values = column_values(sheet, j, start, 200)
            if values and rating_like(values) and _small_scale(values):
                survey[j] = SurveyColumn(header, about_row=True)
                continue
            if field_name == "comment" or _is_comment_question(header):
                survey[j] = SurveyColumn(header, about_row=True, comment=True)
        ratings = [j for j, s in survey.items() if not s.comment]
        if not ratings:
            return None
        which = (
            "a column of initiative IDs"
            if by_values is not None
            else f"the initiative column '{headers[mapping['initiative']]}'"
        )
        reason = (
            f"read as feedback from what its columns hold ({which} and "
            f"{len(ratings)} rating column{'s' if len(ratings) != 1 else ''})"
        )
        reading = Reading(
            self.name,
            "feedback",
            0.0,
            reason,
            headers,
            h,
            mapping,
            "survey",
            sorted(survey),
            survey,
            private=private_columns(sheet, headers, start),
        )
        if reading.explained < 0.6 * reading.named_columns:
            return None  # most columns would go unused: not a sheet of ratings
        reading.score = STRUCTURE + reading.explained
        return reading


def _small_scale(values: list[object]) -> bool:
    """Ratings sit on a short scale (1-5, 1-7, 0-10): whole numbers or words, a range of at most
    ten. A column of amounts or percentages is a number, not a rating."""
    numbers = []
    for v in values:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            numbers.append(float(v))
        elif isinstance(v, str):
            try:
                numbers.append(float(v.replace(",", ".")))
            except ValueError:
                continue
    if not numbers:
        return True  # words: rating_like already checked they are scale words
    whole = sum(n.is_integer() for n in numbers) / len(numbers)
    return whole >= 0.9 and max(numbers) - min(numbers) <= 10
