"""Turning the cells people type into values: ratings, levels, dates, quarters, lists, numbers.

Every parser takes one cell and returns ``(value, problem)`` where ``problem`` is ``None`` or a
plain-words sentence saying what was expected. ``coerce`` applies a parser to a whole column
through its distinct values only, so a 100k-row column with a few hundred distinct cells costs a
few hundred parser calls and one vectorised ``map``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from alignment import schema
from alignment.schema import Kind

Parsed = tuple[Any, "str | None"]
MISSING = np.nan

_WS = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A time zone that survey tools write after a timestamp ("9:06:31 AM GMT+1", "11:07:29 AM
# AST"): the wall-clock time the respondent saw is kept, the zone dropped.
_ZONE = re.compile(r"(?<=[\dM])\s+(?:(?:GMT|UTC)(?:[+-]\d{1,2}(?::?\d{2})?)?|[A-Z]{3,4})$")
_ANSWER_CODE = re.compile(r"^([A-Za-z]{1,3})0*(\d{1,2})$")
_LEADING_NUMBER = re.compile(
    r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*(?:$|[-–—:.)/(\s]|stars?\b|pts?\b|of\b)"
)
_LIST_SPLIT = re.compile(r"\s*(?:[,;|/&\n\r]+|\band\b)\s*", re.IGNORECASE)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:[,.' ]\d{3})+$")
_NUMBER_CLEAN = re.compile(
    r"[€$£¥\s]|(?<=\d)(?:k|pts?|points?|days?|weeks?|wks?|h|hrs?)$", re.IGNORECASE
)
_QUARTER_PATTERNS = (
    re.compile(r"^q([1-4])\s*[-/ ]?\s*'?(\d{2}|\d{4})$"),  # Q3 2027, Q3-2027, Q3/27, Q3 '27
    re.compile(r"^(\d{4})\s*[-/ ]?\s*q([1-4])$"),  # 2027 Q3, 2027-Q3
)
_HALF_PATTERNS = (
    re.compile(r"^h([12])\s*[-/ ]?\s*'?(\d{2}|\d{4})$"),
    re.compile(r"^(\d{4})\s*[-/ ]?\s*h([12])$"),
)
_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})(?:[ T].*)?$")
_YM = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MY = re.compile(r"^(\d{1,2})[-/.](\d{4})$")  # 03/2026, 03.2026: month then year
_YEAR = re.compile(r"^(\d{4})$")
_MONTHS = {
    m.lower(): i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_MONTH_YEAR = re.compile(r"^([a-z]{3,9})\.?\s*[-/ ,]?\s*'?(\d{2}|\d{4})$")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def is_missing(value: object) -> bool:
    """None, NaN, NA or NaT: the one test for "no figure" that pandas leaves in object cells."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    return value is pd.NaT


def clean_text(value: object) -> str:
    """Text as the user meant it: numbers without '.0', dates as ISO, control characters gone."""
    if (
        type(value) is str
        and value.isprintable()  # no control characters, no whitespace but ' '
        and "  " not in value
        and value[:1] != " "
        and value[-1:] != " "
    ):
        return value  # already clean: the regular expressions below would return it as is
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return _CONTROL.sub("", _WS.sub(" ", str(value))).strip()


def _fold(value: object) -> str:
    """Lower-case, punctuation-light form used to look words up in the schema's vocabularies."""
    s = clean_text(value).lower().replace("’", "'")
    s = re.sub(r"[^\w&'/ ]+", " ", s)
    return " ".join(s.split())


# The vocabulary folded the way cells are, so "n.a." (folded to "n a") is found as listed.
_NON_ANSWERS = frozenset(_fold(w) for w in schema.NON_ANSWERS)


# --- one-cell parsers --------------------------------------------------------------------------


def parse_text(value: object) -> Parsed:
    if is_blank(value):
        return MISSING, None
    s = clean_text(value)
    return (s if s else MISSING), None


def parse_id(value: object) -> Parsed:
    return parse_text(value)


def parse_ids(value: object) -> Parsed:
    """'G1, G3', 'P-02; P-07' or one ID per line (Alt+Enter in Excel) -> a tuple of IDs.

    The split runs on the raw text: ``clean_text`` folds line breaks into spaces, which would
    turn 'G1' + newline + 'G2' into the single ID 'G1 G2'.
    """
    if is_blank(value):
        return (), None
    text = value if isinstance(value, str) else clean_text(value)
    parts = [clean_text(p) for p in _LIST_SPLIT.split(text)]
    return tuple(dict.fromkeys(p for p in parts if p)), None


def _to_float(text: str) -> float | None:
    s = _NUMBER_CLEAN.sub("", text.strip())
    if not s:
        return None
    if _THOUSANDS.match(s):
        s = re.sub(r"[,.' ]", "", s)
    elif "," in s and "." not in s:
        s = s.replace(",", ".")
    elif "," in s and "." in s:
        # 1.234,5 (European) or 1,234.5 (English): the last separator is the decimal one.
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    try:
        f = float(s)
    except ValueError:
        return None
    return f if math.isfinite(f) else None


def parse_number(value: object, *, sizes: bool | Mapping[str, float] | None = None) -> Parsed:
    """A number from '1,5', '30 %', '€1,200', '12 pts' or, with ``sizes``, a size word ('M').

    ``sizes`` is a field's ``schema.Field.sizes``; ``True`` means the T-shirt sizes."""
    words = schema.TSHIRT_SIZES if sizes is True else (sizes or None)
    if is_blank(value):
        return MISSING, None
    if isinstance(value, bool):
        return MISSING, "expected a number, found TRUE/FALSE"
    if isinstance(value, (int, float, np.integer, np.floating)):
        f = float(value)
        return (f, None) if math.isfinite(f) else (MISSING, "expected a finite number")
    text = clean_text(value)
    folded = _fold(text)
    if folded in _NON_ANSWERS:
        return MISSING, None
    if words and folded in words:
        return float(words[folded]), None
    f = _to_float(text.rstrip("%"))
    if f is None:
        m = _LEADING_NUMBER.match(text)
        f = _to_float(m.group(1)) if m else None
    if f is None:
        expected = "a number or a T-shirt size (XS, S, M, L, XL)" if words else "a number"
        return MISSING, f"expected {expected}"
    return f, None


def parse_rating(value: object) -> Parsed:
    """A raw rating on a 1..5 word scale or as typed; range checks happen once the scale is known.

    Returns the number, or for a word a ``WordRating`` holding its position on the 1..5
    agreement scale, so the caller can rescale words to a dimension declared on another scale.
    """
    if is_blank(value):
        return MISSING, None
    if isinstance(value, bool):
        return MISSING, "expected a rating, found TRUE/FALSE"
    if isinstance(value, (int, float, np.integer, np.floating)):
        f = float(value)
        return (f, None) if math.isfinite(f) else (MISSING, "expected a rating")
    text = clean_text(value)
    stars = text.count("★")
    if stars and not text.replace("★", "").replace("☆", "").strip():
        return float(stars), None
    folded = _fold(text)
    if folded in _NON_ANSWERS:
        return MISSING, None
    f = _to_float(text)
    if f is not None:
        return f, None
    m = _LEADING_NUMBER.match(text)
    if m:
        f = _to_float(m.group(1))
        if f is not None:
            return f, None
    if folded in schema.RATING_WORDS:
        return WordRating(schema.RATING_WORDS[folded]), None
    return MISSING, "expected a rating: a number on the scale, or a word such as 'Agree'"


class WordRating(float):
    """A rating given as a word; its value is the word's place on a 1..5 scale."""

    def on_scale(self, lo: float, hi: float) -> float:
        return lo + (float(self) - 1) * (hi - lo) / 4


def parse_level(value: object) -> Parsed:
    if is_blank(value):
        return MISSING, None
    text = clean_text(value)
    folded = _fold(text)
    if folded in _NON_ANSWERS:
        return MISSING, None
    if folded in schema.LEVEL_WORDS:
        return schema.LEVELS[schema.LEVEL_WORDS[folded] - 1], None
    n, _ = parse_number(value)
    if isinstance(n, float) and not math.isnan(n) and n.is_integer() and 1 <= n <= 5:
        return schema.LEVELS[int(n) - 1], None
    m = re.match(r"^\s*[1-5]\s*[-–—:.)]\s*(.+)$", text)
    if m and _fold(m.group(1)) in schema.LEVEL_WORDS:
        return schema.LEVELS[schema.LEVEL_WORDS[_fold(m.group(1))] - 1], None
    return MISSING, "expected a level: Very low, Low, Medium, High, Very high, L/M/H or 1 to 5"


def parse_status(value: object) -> Parsed:
    """Known statuses are normalised; other words are kept as the team's own vocabulary."""
    if is_blank(value):
        return MISSING, None
    folded = _fold(value)
    if folded in schema.STATUS_WORDS:
        return schema.STATUS_WORDS[folded], None
    return clean_text(value), None


def parse_side(value: object) -> Parsed:
    if is_blank(value):
        return MISSING, None
    folded = _fold(value)
    if folded in schema.SIDE_WORDS:
        return schema.SIDE_WORDS[folded], None
    return MISSING, "expected 'tech' or 'business'; the side will be inferred from the group"


def parse_cadence(value: object) -> Parsed:
    if is_blank(value):
        return MISSING, None
    folded = _fold(value)
    if folded in schema.CADENCE_WORDS:
        return schema.CADENCE_WORDS[folded], None
    m = re.match(r"^(?:every\s+)?(\d{1,3})\s*(d|days?|w|weeks?|m|months?)?$", folded)
    if m:
        n = int(m.group(1))
        unit = (m.group(2) or "d")[0]
        days = n * {"d": 1, "w": 7, "m": 30}[unit]
        if unit == "m" and n in (1, 3):
            return ("monthly" if n == 1 else "quarterly"), None
        if 1 <= days <= 730:
            return f"{days} days", None
    return MISSING, "expected weekly, fortnightly, monthly, quarterly or a number of days"


def cadence_days(cadence: str | None) -> int:
    """Approximate length of a cadence in days (calendar logic lives with the tracker)."""
    if not cadence or cadence != cadence:
        cadence = schema.DEFAULT_CADENCE
    if cadence in schema.CADENCES:
        return schema.CADENCES[cadence]
    return int(str(cadence).split()[0])


def _year(text: str) -> int:
    y = int(text)
    return y + 2000 if y < 100 else y


def _quarter_bounds(year: int, q: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    start = pd.Timestamp(year=year, month=3 * (q - 1) + 1, day=1)
    return start, start + pd.offsets.QuarterEnd(0)


def parse_date(value: object, *, dayfirst: bool = True, period: bool = False) -> Parsed:
    """A date from an Excel date, a serial number, ISO or d/m/y text, a month or a quarter.

    A quarter, half-year, month or year stands for its last day when it is a target date, and
    for its first day when it labels a period (``period=True``).
    """
    if is_blank(value):
        return MISSING, None
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None) if value.tzinfo else value, None
    if isinstance(value, (dt.datetime, dt.date)):
        return pd.Timestamp(value).tz_localize(None) if getattr(
            value, "tzinfo", None
        ) else pd.Timestamp(value), None
    if isinstance(value, dt.time):
        return MISSING, "expected a date, found a time of day"
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        f = float(value)
        if 1900 <= f <= 2200 and f.is_integer():
            return _span(
                pd.Timestamp(year=int(f), month=1, day=1),
                pd.Timestamp(year=int(f), month=12, day=31),
                period,
            ), None
        if 20000 <= f <= 80000:  # an Excel serial date that lost its format
            return (_EXCEL_EPOCH + pd.Timedelta(days=math.floor(f))), None
        return MISSING, "expected a date, e.g. 2027-09-30, 30/09/2027 or Q3 2027"
    text = _ZONE.sub("", clean_text(value)).lower()
    for i, pat in enumerate(_QUARTER_PATTERNS):
        m = pat.match(text)
        if m:
            q, y = (m.group(1), m.group(2)) if i == 0 else (m.group(2), m.group(1))
            return _span(*_quarter_bounds(_year(y), int(q)), period), None
    for i, pat in enumerate(_HALF_PATTERNS):
        m = pat.match(text)
        if m:
            h, y = (m.group(1), m.group(2)) if i == 0 else (m.group(2), m.group(1))
            start = pd.Timestamp(year=_year(y), month=1 if h == "1" else 7, day=1)
            return _span(start, start + pd.offsets.MonthEnd(6), period), None
    m = _YM.match(text)
    if m and 1 <= int(m.group(2)) <= 12:
        start = pd.Timestamp(year=int(m.group(1)), month=int(m.group(2)), day=1)
        return _span(start, start + pd.offsets.MonthEnd(0), period), None
    m = _MY.match(text)
    if m and 1 <= int(m.group(1)) <= 12:
        start = pd.Timestamp(year=int(m.group(2)), month=int(m.group(1)), day=1)
        return _span(start, start + pd.offsets.MonthEnd(0), period), None
    m = _MONTH_YEAR.match(text)
    if m and m.group(1)[:3] in _MONTHS:
        start = pd.Timestamp(year=_year(m.group(2)), month=_MONTHS[m.group(1)[:3]], day=1)
        return _span(start, start + pd.offsets.MonthEnd(0), period), None
    m = _YEAR.match(text)
    if m and 1900 <= int(m.group(1)) <= 2200:
        y = int(m.group(1))
        return _span(
            pd.Timestamp(year=y, month=1, day=1), pd.Timestamp(year=y, month=12, day=31), period
        ), None
    m = _DMY.match(text)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), _year(m.group(3))
        day, month = (a, b) if dayfirst else (b, a)
        if month > 12 and day <= 12:
            day, month = month, day
        try:
            return pd.Timestamp(year=y, month=month, day=day), None
        except ValueError:
            return MISSING, "expected a real calendar date"
    try:
        ts = pd.Timestamp(text)
    except (ValueError, OverflowError, TypeError):
        try:
            ts = pd.to_datetime(text, dayfirst=dayfirst, format="mixed")
        except (ValueError, OverflowError, TypeError):
            return MISSING, "expected a date, e.g. 2027-09-30, 30/09/2027 or Q3 2027"
    if ts is pd.NaT or not isinstance(ts, pd.Timestamp):
        return MISSING, "expected a date, e.g. 2027-09-30, 30/09/2027 or Q3 2027"
    if ts.tzinfo is not None:
        ts = ts.tz_convert(None)
    if not 1900 <= ts.year <= 2200:
        return MISSING, "expected a date between 1900 and 2200"
    return ts, None


def _span(start: pd.Timestamp, end: pd.Timestamp, period: bool) -> pd.Timestamp:
    return start if period else end.normalize()


def guess_dayfirst(values: pd.Series) -> bool:
    """Decide a text date column's order from the values that can only be read one way."""
    texts = [clean_text(v) for v in pd.unique(values.dropna()) if isinstance(v, str)]
    for t in texts:
        m = _DMY.match(t)
        if m and int(m.group(1)) > 12:
            return True
        if m and int(m.group(2)) > 12:
            return False
    return True


# --- whole columns -----------------------------------------------------------------------------


def parser_for(
    kind: Kind, field: schema.Field | str = "", *, dayfirst: bool = True
) -> Callable[[object], Parsed]:
    """The cell parser of a field; its rules (size words) come from the field in ``schema``,
    looked up by name when only the name is given."""
    if kind is Kind.NUMBER:
        sizes = field.sizes if isinstance(field, schema.Field) else schema.sizes_for(field)
        return (lambda v: parse_number(v, sizes=sizes)) if sizes else parse_number
    if kind is Kind.DATE:
        return lambda v: parse_date(v, dayfirst=dayfirst)
    if kind is Kind.PERIOD:
        return lambda v: parse_date(v, dayfirst=dayfirst, period=True)
    return {
        Kind.ID: parse_id,
        Kind.TEXT: parse_text,
        Kind.IDS: parse_ids,
        Kind.LEVEL: parse_level,
        Kind.RATING: parse_rating,
        Kind.STATUS: parse_status,
        Kind.CADENCE: parse_cadence,
        Kind.SIDE: parse_side,
    }[kind]


def distinct_cells(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct cells): ``distinct[codes]`` gives the cells back, every missing one as
    ``None``. One hash pass; each blank kind (None, NaN, NaT) is one distinct cell, ``None``."""
    if isinstance(values, pd.Series):
        raw = values.to_numpy(dtype=object, na_value=None)
    else:
        raw = np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(raw)  # a missing cell (what pd.isna calls missing) is -1
    uniques = np.asarray(uniques, dtype=object)
    missing = codes < 0
    if missing.any():
        codes[missing] = len(uniques)
        uniques = np.append(uniques, None)
    return codes, uniques


def coerce_distinct(
    values: pd.Series | np.ndarray,
    parser: Callable[[object], Parsed],
    *,
    distinct: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse a column through its distinct cells: (codes, value per distinct cell, problem per
    distinct cell). ``parsed[codes]`` is the column parsed; callers that go on working per
    distinct cell (most do: a 100k-row column has a few hundred) never expand it. A caller
    that already has ``distinct_cells(values)`` passes it as ``distinct``, saving the hash pass."""
    codes, uniques = distinct if distinct is not None else distinct_cells(values)
    vals = np.empty(len(uniques), dtype=object)
    probs = np.empty(len(uniques), dtype=object)
    for i, u in enumerate(uniques):
        vals[i], probs[i] = parser(u)
    return codes, vals, probs


def coerce(series: pd.Series, parser: Callable[[object], Parsed]) -> tuple[pd.Series, pd.Series]:
    """Parse a column through its distinct cells: returns (values, problems-or-None per cell)."""
    codes, vals, probs = coerce_distinct(series, parser)
    return (
        pd.Series(vals[codes], index=series.index, dtype=object),
        pd.Series(probs[codes], index=series.index, dtype=object),
    )


def _anchor_words(text: str, suffix: str) -> str:
    folded = _fold(text)
    if suffix and folded.endswith(" " + suffix):
        folded = folded[: -len(suffix) - 1].strip()
    return folded


def anchor_positions(texts: Sequence[str]) -> dict[str, float]:
    """The place on a 1..k scale of each choice label of one answer column, when the labels
    together form one of the usual Likert anchor sets.

    Survey tools export the choice text ("Not at all clear" … "Completely clear", "None" … "A
    great deal"), not its number. One label alone can be ambiguous ("None" is also a way to say
    "no answer"), the column's labels together are not: when every label of a column belongs to
    one anchor set, after taking away a word all of them share ("clear"), each label takes its
    place in that set. Returns label -> place (on 1..5), or {} when the labels fit no set.
    """
    labels = [t for t in texts if t and _fold(t) not in _NON_ANSWERS or _fold(t) == "none"]
    if len(labels) < 2:
        return {}
    last_words = {_fold(t).rsplit(" ", 1)[-1] for t in labels}
    suffixes = [""]
    if len(last_words) == 1 and all(" " in _fold(t) for t in labels):
        suffixes.insert(0, last_words.pop())
    for suffix in suffixes:
        stems = {t: _anchor_words(t, suffix) for t in labels}
        for anchors in schema.ANCHOR_SETS:
            index = {w: i for i, words in enumerate(anchors) for w in words}
            if all(s in index for s in stems.values()):
                k = len(anchors)
                return {t: 1 + 4 * index[s] / (k - 1) for t, s in stems.items()}
    return {}


def rating_cells(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``coerce_distinct(values, parse_rating)``, with a column's choice labels placed by the
    anchor set they form together (``anchor_positions``): the column, not the word alone, says
    where "Very clear" sits."""
    codes, uniques = distinct_cells(values)
    vals = np.empty(len(uniques), dtype=object)
    probs = np.empty(len(uniques), dtype=object)
    labels: dict[int, str] = {}
    for i, u in enumerate(uniques):
        vals[i], probs[i] = parse_rating(u)
        if isinstance(u, str) and not is_blank(u):
            text = clean_text(u)
            if _to_float(text) is None and not _LEADING_NUMBER.match(text):
                labels[i] = text
    if not labels:
        return codes, vals, probs
    coded = {i: _ANSWER_CODE.match(t) for i, t in labels.items()}
    if all(coded.values()) and len({m.group(1).upper() for m in coded.values()}) == 1:
        # Answer codes ("A1" … "A5", LimeSurvey's short answers) in their order on the scale.
        for i, m in coded.items():
            vals[i], probs[i] = float(m.group(2)), None
        return codes, vals, probs
    places = anchor_positions(list(labels.values())) if len(labels) >= 2 else {}
    for i, text in labels.items():
        if text in places:
            vals[i], probs[i] = WordRating(places[text]), None
    return codes, vals, probs
