"""No internal text on any page or in any export, on the demo and after a messy upload.

Reads what the shared walk (``tests/e2e/walk.py``) saw: the text of every registered page in
each of its states (opened, expanders open, each tab) and every file its download buttons give
(xlsx, csv, docx, pdf, md, ics, svg, dot, yaml and the zips of them). Fails on a Python or
pandas missing value (None, nan, NaT), a snake_case field name, or a developer's word (seed,
issue, TODO), naming the page or file and the words around it. Words that are the user's own
(a header or a value in the files loaded: the demo workbook, or the messy upload) may be
repeated back to them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from tests.e2e.conftest import MESSY
from tests.e2e.walk import Visit
from tests.hygiene import export_text, file_words, internal_words

pytestmark = pytest.mark.e2e


DEMO = Path(__file__).resolve().parents[2] / "sample_data" / "demo_workbook.xlsx"


@cache
def _demo_words() -> frozenset[str]:
    return file_words([DEMO])


@cache
def _users_words() -> frozenset[str]:
    return file_words(MESSY.iterdir())


def _page_leaks(walk: dict[str, list[Visit]], allowed: frozenset[str]) -> list[str]:
    return [
        f"{visit.where}: {leak}"
        for visits in walk.values()
        for visit in visits
        for leak in internal_words(visit.text, allowed)
    ]


def _file_leaks(walk: dict[str, list[Visit]], allowed: frozenset[str]) -> list[str]:
    out = []
    for visits in walk.values():
        for visit in visits:
            for name, data in visit.files.items():
                for member, text in export_text(name, data).items():
                    out += [
                        f"{visit.where}, {member}: {leak}" for leak in internal_words(text, allowed)
                    ]
    return out


def _files(walk: dict[str, list[Visit]]) -> set[str]:
    return {name for visits in walk.values() for visit in visits for name in visit.files}


def test_no_internal_text_on_any_page_of_the_demo(demo_walk) -> None:
    leaks = _page_leaks(demo_walk, _demo_words())
    assert not leaks, "\n".join(leaks)


def test_no_internal_text_on_any_page_after_a_messy_upload(upload_walk) -> None:
    leaks = _page_leaks(upload_walk, _users_words())
    assert not leaks, "\n".join(leaks)


def test_no_internal_text_in_any_export_of_the_demo(demo_walk) -> None:
    # The walk reached the exports: tables, charts, briefs, calendar, report, templates.
    kinds = {name.rsplit(".", 1)[-1] for name in _files(demo_walk)}
    assert {"xlsx", "csv", "svg", "md", "docx", "pdf", "ics", "zip"} <= kinds
    leaks = _file_leaks(demo_walk, _demo_words())
    assert not leaks, "\n".join(leaks)


def test_no_internal_text_in_any_export_after_a_messy_upload(upload_walk) -> None:
    assert {"problems.csv", "problems.xlsx"} <= _files(upload_walk)
    leaks = _file_leaks(upload_walk, _users_words())
    assert not leaks, "\n".join(leaks)
