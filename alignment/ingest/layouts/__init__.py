"""The registry of layouts: every way of laying out a sheet that the importer knows.

Adding a tool's export is one class (a ``Layout`` subclass in this package), listed in
``layout_classes``, one fixture and one test. Nothing else compares layout names as strings: the
importer asks every layout how well it explains a sheet and keeps the best reading.

- ``base``: what a layout is (``Layout``, ``Reading``, ``SurveyColumn``) and shared helpers;
- ``surveys``: Qualtrics, SurveyMonkey, Microsoft Forms, LimeSurvey and Google Forms exports;
- ``tracker``, ``jira``, ``asana``, ``monday``: tracker exports read as the roadmap;
- ``structure``: feedback recognised by what its columns hold;
- ``generic``: tables and feedback forms recognised by their header words (the template's
  own layouts: a table of rows, wide and long feedback, 'Question [Initiative]' grids,
  indicators).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from alignment.ingest.layouts.asana import Asana
from alignment.ingest.layouts.base import Context, Layout, Reading, SurveyColumn
from alignment.ingest.layouts.generic import (
    GridSurvey,
    IndicatorsByHeaders,
    LongFeedback,
    TableByHeaders,
    WideFeedback,
)
from alignment.ingest.layouts.jira import Jira
from alignment.ingest.layouts.monday import Monday
from alignment.ingest.layouts.structure import RatedByStructure
from alignment.ingest.layouts.surveys import (
    GoogleForms,
    LimeSurvey,
    MicrosoftForms,
    Qualtrics,
    SurveyMonkey,
)
from alignment.readers import RawSheet

__all__ = [
    "Context",
    "Layout",
    "Reading",
    "SurveyColumn",
    "best_reading",
    "layout_classes",
    "layouts",
    "readings",
]


def layout_classes() -> tuple[type[Layout], ...]:
    """Every layout, most specific first: ties between equal scores go to the earlier one."""
    return (
        Qualtrics,
        SurveyMonkey,
        MicrosoftForms,
        LimeSurvey,
        GoogleForms,
        Jira,
        Asana,
        Monday,
        RatedByStructure,
        GridSurvey,
        LongFeedback,
        WideFeedback,
        IndicatorsByHeaders,
        TableByHeaders,
    )


@cache
def layouts() -> dict[str, Layout]:
    """One instance per layout, by name (layouts hold no state)."""
    return {cls.name: cls() for cls in layout_classes()}


def readings(sheet: RawSheet, context: Context | None = None) -> list[Reading]:
    """Every layout's reading of the sheet, best first."""
    context = Context() if context is None else context
    found = []
    for order, layout in enumerate(layouts().values()):
        reading = _detect(layout, sheet, context)
        if reading is not None:
            found.append((-reading.score, order, reading))
    found.sort(key=lambda t: (t[0], t[1]))
    return [r for _, _, r in found]


def _detect(layout: Layout, sheet: RawSheet, context: Context) -> Reading | None:
    """A layout's reading; one that ignores the context is read once per import (the memo is
    shared by the first look at every sheet and the real read) and handed out as a copy."""
    if layout.uses_context:
        return layout.detect(sheet, context)
    key = ("reading", layout.name, id(sheet))
    if key not in context.memo or context.memo[key][0] is not sheet:
        context.memo[key] = (sheet, layout.detect(sheet, context))
    reading = context.memo[key][1]
    return replace(reading) if reading is not None else None


def best_reading(sheet: RawSheet, context: Context | None = None) -> Reading | None:
    found = readings(sheet, context)
    return found[0] if found else None
