"""The one-cell parsers: every spelling people use for a rating, a number, a level or a date."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from alignment import values
from alignment.values import WordRating


def _value(parsed: tuple) -> object:
    value, problem = parsed
    assert problem is None, problem
    return value


def _missing(parsed: tuple) -> str | None:
    value, problem = parsed
    assert isinstance(value, float) and math.isnan(value)
    return problem


# --- ratings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (4, 4.0),
        (4.0, 4.0),
        ("4", 4.0),
        (" 2.5 ", 2.5),
        ("3,5", 3.5),  # decimal comma
        ("1 - Not at all", 1.0),
        ("2 - Slightly", 2.0),
        ("3 - Somewhat", 3.0),
        ("4 – Mostly", 4.0),  # en dash, as Word and Forms autocorrect it
        ("5 - Completely", 5.0),
        ("4 stars", 4.0),
        ("4/5", 4.0),
        ("★★★", 3.0),
        ("7", 7.0),  # range checks wait for the dimension's scale
    ],
)
def test_rating_numbers(cell, expected):
    value = _value(values.parse_rating(cell))
    assert value == expected
    assert not isinstance(value, WordRating)


@pytest.mark.parametrize(
    ("cell", "position"),
    [
        ("Strongly disagree", 1),
        ("Disagree", 2),
        ("Neither agree nor disagree", 3),
        ("Neutral", 3),
        ("Agree", 4),
        ("strongly AGREE", 5),
        ("  Strongly   agree ", 5),
        ("Very low", 1),
        ("Low", 2),
        ("Medium", 3),
        ("High", 4),
        ("Very high", 5),
        ("Not at all", 1),
        ("Completely", 5),
    ],
)
def test_rating_words_sit_on_the_five_point_scale(cell, position):
    value = _value(values.parse_rating(cell))
    assert isinstance(value, WordRating)
    assert float(value) == position


def test_word_ratings_rescale_to_other_scales():
    agree = _value(values.parse_rating("Agree"))
    assert agree.on_scale(1, 5) == 4
    assert agree.on_scale(1, 7) == 5.5
    assert agree.on_scale(0, 10) == 7.5
    assert _value(values.parse_rating("Strongly disagree")).on_scale(1, 7) == 1
    assert _value(values.parse_rating("Strongly agree")).on_scale(0, 10) == 10


@pytest.mark.parametrize("cell", [None, "", "   ", "N/A", "n.a.", "-", "Don't know", "skip"])
def test_non_answers_are_missing_without_a_problem(cell):
    assert _missing(values.parse_rating(cell)) is None


@pytest.mark.parametrize("cell", ["banana", "10%", True])
def test_unreadable_ratings_are_missing_with_a_reason(cell):
    problem = _missing(values.parse_rating(cell))
    assert problem and "expected a rating" in problem


# --- numbers and levels ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (8, 8.0),
        ("1,5", 1.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1 200", 1200.0),
        ("€1,200", 1200.0),
        ("30 %", 30.0),
        ("12 pts", 12.0),
        ("5 days", 5.0),
    ],
)
def test_numbers(cell, expected):
    assert _value(values.parse_number(cell)) == expected


def test_effort_accepts_t_shirt_sizes_only_when_asked():
    effort = values.parser_for(values.Kind.NUMBER, "effort")
    assert _value(effort("M")) == 3.0
    assert _value(effort("XL")) == 8.0
    assert _value(effort("2,5")) == 2.5
    assert "T-shirt" in _missing(effort("huge-ish"))
    assert _missing(values.parse_number("M")) == "expected a number"


@pytest.mark.parametrize(
    ("cell", "level"),
    [
        ("H", "High"),
        ("m", "Medium"),
        ("L", "Low"),
        ("Very high", "Very high"),
        (1, "Very low"),
        ("5", "Very high"),
        ("4 - High", "High"),
        ("critical", "Very high"),
    ],
)
def test_levels(cell, level):
    assert _value(values.parse_level(cell)) == level


def test_unreadable_level():
    assert "expected a level" in _missing(values.parse_level("purple"))
    assert "expected a level" in _missing(values.parse_level(7))


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "target", "period"),
    [
        ("Q3 2027", "2027-09-30", "2027-07-01"),
        ("q3-2027", "2027-09-30", "2027-07-01"),
        ("2027 Q3", "2027-09-30", "2027-07-01"),
        ("Q3 '27", "2027-09-30", "2027-07-01"),
        ("H2 2027", "2027-12-31", "2027-07-01"),
        ("2027-09-30", "2027-09-30", "2027-09-30"),
        ("30/09/2027", "2027-09-30", "2027-09-30"),
        ("30.09.2027", "2027-09-30", "2027-09-30"),
        ("Sep 2027", "2027-09-30", "2027-09-01"),
        ("September 2027", "2027-09-30", "2027-09-01"),
        ("2027-09", "2027-09-30", "2027-09-01"),
        ("2027", "2027-12-31", "2027-01-01"),
        (dt.datetime(2027, 9, 30), "2027-09-30", "2027-09-30"),
        (dt.date(2027, 9, 30), "2027-09-30", "2027-09-30"),
        (46660, "2027-09-30", "2027-09-30"),  # an Excel serial that lost its date format
    ],
)
def test_dates_targets_and_periods(cell, target, period):
    assert _value(values.parse_date(cell)) == pd.Timestamp(target)
    assert _value(values.parse_date(cell, period=True)) == pd.Timestamp(period)


def test_day_and_month_order():
    assert _value(values.parse_date("01/02/2027")) == pd.Timestamp("2027-02-01")
    assert _value(values.parse_date("01/02/2027", dayfirst=False)) == pd.Timestamp("2027-01-02")
    # A day above 12 settles the order whatever the default.
    assert _value(values.parse_date("09/30/2027")) == pd.Timestamp("2027-09-30")
    assert values.guess_dayfirst(pd.Series(["01/02/2027", "30/09/2027"])) is True
    assert values.guess_dayfirst(pd.Series(["01/02/2027", "09/30/2027"])) is False


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("31/02/2027", "real calendar date"),
        ("soon", "expected a date"),
        (dt.time(10, 0), "time of day"),
        (12, "expected a date"),
    ],
)
def test_unreadable_dates(cell, reason):
    assert reason in _missing(values.parse_date(cell))


# --- identifiers, statuses, sides, cadences ----------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "ids"),
    [
        ("G1, G3", ("G1", "G3")),
        ("P-02; P-07", ("P-02", "P-07")),
        ("G1 and G2", ("G1", "G2")),
        ("G1,G1 , G2", ("G1", "G2")),
        ("G1\nG2", ("G1", "G2")),
        ("P-02", ("P-02",)),
        (None, ()),
        ("", ()),
    ],
)
def test_multi_valued_cells(cell, ids):
    assert _value(values.parse_ids(cell)) == ids


def test_statuses_are_normalised_and_other_words_kept():
    assert _value(values.parse_status("WIP")) == "In progress"
    assert _value(values.parse_status("amber")) == "At risk"
    assert _value(values.parse_status("Shipped")) == "Done"
    assert _value(values.parse_status("Awaiting CAB")) == "Awaiting CAB"


def test_sides():
    assert _value(values.parse_side("Engineering")) == "tech"
    assert _value(values.parse_side("Business")) == "business"
    assert _value(values.parse_side("T")) == "tech"
    assert "inferred from the group" in _missing(values.parse_side("both"))


def test_cadences():
    assert _value(values.parse_cadence("bi-weekly")) == "fortnightly"
    assert _value(values.parse_cadence("every 3 months")) == "quarterly"
    assert _value(values.parse_cadence("10 days")) == "10 days"
    assert values.cadence_days("10 days") == 10
    assert values.cadence_days(None) == 30
    assert "expected weekly" in _missing(values.parse_cadence("whenever"))


def test_clean_text():
    assert values.clean_text(4.0) == "4"
    assert values.clean_text(dt.datetime(2027, 9, 30)) == "2027-09-30"
    assert values.clean_text("  a\tb\x07 ") == "a b"
    assert values.clean_text(True) == "TRUE"


# --- whole columns -----------------------------------------------------------------------------


def test_coerce_parses_each_distinct_cell_once_and_keeps_row_alignment():
    calls: list[object] = []

    def parser(v: object) -> values.Parsed:
        calls.append(v)
        return values.parse_rating(v)

    column = pd.Series(["4", "Agree", "x", "4", None, "Agree"] * 1000, index=range(10, 6010))
    parsed, problems = values.coerce(column, parser)
    assert len(calls) == 4  # "4", "Agree", "x", None
    assert list(parsed.index) == list(column.index)
    assert parsed.iloc[0] == 4.0 and isinstance(parsed.iloc[1], WordRating)
    assert np.isnan(parsed.iloc[2]) and np.isnan(parsed.iloc[4])
    assert problems.iloc[2].startswith("expected a rating")
    assert problems.notna().sum() == 1000


def test_coerce_keeps_a_missing_cell_missing_among_texts():
    # pandas 3 looked a None up among all-text distinct cells as "not found" (-1), which took
    # the last distinct cell's value: a blank respondent became the last name in the column.
    column = pd.Series(["Ann", None, "Bob", np.nan, "ann", None], dtype=object)
    parsed, problems = values.coerce(column, values.parse_text)
    assert list(parsed.iloc[[0, 2, 4]]) == ["Ann", "Bob", "ann"]
    assert parsed.iloc[[1, 3, 5]].isna().all()
    assert problems.isna().all()
