"""Translator briefs: each initiative explained to the business and to the engineers.

The package holds one concept per module:

- ``facts``: what one initiative (and the portfolio) is, why, and how each side sees it, from
  masked views only;
- ``render``: those facts as Markdown, through the Jinja2 templates in ``templates/``;
- ``glossary``: technical terms and their plain meaning (``glossary.csv`` beside it);
- ``readability``: reading ease and unexplained jargon, before and after translation;
- ``markup``: escaping user text into Markdown, and reading Markdown back as styled blocks.

The names below are what the Briefs page, the CLI and the tests call as ``briefs.<name>``.
"""

from __future__ import annotations

from alignment.briefs.facts import (
    CLEAR_GAP,
    KIND_LABELS,
    KINDS,
    LIMITS,
    MISALIGNED,
    SIDE_LABELS,
    TONES,
    AlignedRow,
    Brief,
    BriefData,
    DependencyRef,
    GapView,
    GroupView,
    InitiativeFacts,
    Item,
    Light,
    ObjectiveRef,
    Person,
    SideView,
    Tone,
    aligned_rows,
    chart_frame,
    facts,
    facts_light,
    prepare,
    source_text,
)
from alignment.briefs.render import (
    TEMPLATE_DIR,
    all_briefs,
    business,
    chart_png,
    engineering,
    figures,
    initiative_briefs,
    portfolio,
    title,
    to_documents,
)

__all__ = [
    "CLEAR_GAP",
    "KINDS",
    "KIND_LABELS",
    "LIMITS",
    "MISALIGNED",
    "SIDE_LABELS",
    "TEMPLATE_DIR",
    "TONES",
    "AlignedRow",
    "Brief",
    "BriefData",
    "DependencyRef",
    "GapView",
    "GroupView",
    "InitiativeFacts",
    "Item",
    "Light",
    "ObjectiveRef",
    "Person",
    "SideView",
    "Tone",
    "aligned_rows",
    "all_briefs",
    "business",
    "chart_frame",
    "chart_png",
    "engineering",
    "facts",
    "facts_light",
    "figures",
    "initiative_briefs",
    "portfolio",
    "prepare",
    "source_text",
    "title",
    "to_documents",
]
