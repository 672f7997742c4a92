"""Table rules live on the fields in ``schema``; ``validation`` and ``values`` read them."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from alignment import schema, validation, values


def test_the_rules_are_declared_on_the_fields() -> None:
    assert schema.OBJECTIVES.field("weight").minimum == 0
    assert schema.INITIATIVES.field("effort").minimum == 0
    assert schema.INITIATIVES.field("effort").sizes is schema.TSHIRT_SIZES
    assert schema.INITIATIVES.field("effort").minimum_message == "an effort cannot be negative"


def test_a_value_below_the_minimum_is_reported_with_the_fields_message() -> None:
    frame = pd.DataFrame({"id": ["G1", "G2"], "name": ["a", "b"], "weight": [40, -5]})
    found = validation.failures("objectives", frame)
    assert found == [(1, "weight", "a weight cannot be negative")]


def test_a_minimum_declared_on_another_field_is_checked_without_touching_validation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = schema.TABLE_BY_NAME["stakeholders"]
    fields = tuple(
        dataclasses.replace(f, minimum=1) if f.name == "influence" else f for f in table.fields
    )
    monkeypatch.setitem(
        schema.TABLE_BY_NAME, "stakeholders", dataclasses.replace(table, fields=fields)
    )
    frame = pd.DataFrame({"name": ["Ana", "Ben"], "influence": [3, 0]})
    assert validation.failures("stakeholders", frame) == [
        (1, "influence", "an influence cannot be below 1")
    ]


def test_size_words_come_from_the_field() -> None:
    effort = values.parser_for(values.Kind.NUMBER, schema.INITIATIVES.field("effort"))
    assert effort("M") == (3.0, None)
    weight = values.parser_for(values.Kind.NUMBER, schema.OBJECTIVES.field("weight"))
    assert weight("M")[1] == "expected a number"
    by_name = values.parser_for(values.Kind.NUMBER, "effort")
    assert by_name("XL") == (8.0, None)
