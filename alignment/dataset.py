"""The tidy tables every analysis reads, whatever shape the user's files had.

An import ends in one ``Dataset``: canonical column names from ``alignment.schema``, one row per
thing (one rating per respondent × initiative × dimension for feedback), respondents replaced by
pseudonyms. Pages, the CLI and the tests all read this object, so nothing downstream needs to
know whether the feedback came wide, long or from a survey tool.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

import pandas as pd

from alignment import schema

FEEDBACK_COLUMNS = (
    "respondent",
    "group",
    "side",
    "initiative_id",
    "dimension",
    "rating",
    "scale_min",
    "scale_max",
    "score",
    "date",
)
COMMENT_COLUMNS = ("respondent", "group", "side", "initiative_id", "comment", "date")
INDICATOR_COLUMNS = ("period", "scope", "metric", "value")


def table_columns(name: str) -> tuple[str, ...]:
    """Canonical column order of an imported table."""
    if name == "feedback":
        return FEEDBACK_COLUMNS
    if name == "indicators":
        return INDICATOR_COLUMNS
    fields = schema.TABLE_BY_NAME[name].fields
    kept_text = tuple(f.keep_text_as for f in fields if f.keep_text_as)
    return (*(f.name for f in fields), *kept_text)


def empty_table(name: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in table_columns(name)})


@dataclass
class Dataset:
    """Everything the analyses need; empty tables mean "not provided", never an error."""

    initiatives: pd.DataFrame = field(default_factory=lambda: empty_table("initiatives"))
    objectives: pd.DataFrame = field(default_factory=lambda: empty_table("objectives"))
    feedback: pd.DataFrame = field(default_factory=lambda: empty_table("feedback"))
    # WSJF estimates per respondent (time criticality, risk reduction, job size), in the
    # feedback's columns; read only by prioritisation, never by the alignment scores.
    estimates: pd.DataFrame = field(default_factory=lambda: empty_table("feedback"))
    comments: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({c: pd.Series(dtype=object) for c in COMMENT_COLUMNS})
    )
    indicators: pd.DataFrame = field(default_factory=lambda: empty_table("indicators"))
    stakeholders: pd.DataFrame = field(default_factory=lambda: empty_table("stakeholders"))
    glossary: pd.DataFrame = field(default_factory=lambda: empty_table("glossary"))
    # group -> "tech" | "business" | "unknown", after the user's overrides
    group_sides: dict[str, str] = field(default_factory=dict)
    # dimension -> label, in display order (canonical dimensions first)
    dimensions: dict[str, str] = field(default_factory=dict)
    name: str = "Untitled"
    fingerprint: str = ""

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    @property
    def has_feedback(self) -> bool:
        return not self.feedback.empty

    def initiative_names(self) -> dict[str, str]:
        """Initiative id -> display name; ids only seen in feedback name themselves."""
        names = dict(zip(self.initiatives["id"], self.initiatives["name"], strict=False))
        for ref in pd.unique(self.feedback["initiative_id"]):
            names.setdefault(ref, ref)
        return names

    def with_sides(self, overrides: dict[str, str]) -> Dataset:
        """The same data with some groups moved to another side (the Data page's editor)."""
        sides = {
            **self.group_sides,
            **{g: s for g, s in overrides.items() if g in self.group_sides},
        }
        if sides == self.group_sides:
            return self
        feedback = self.feedback.assign(side=self.feedback["group"].map(sides).fillna("unknown"))
        comments = self.comments.assign(side=self.comments["group"].map(sides).fillna("unknown"))
        estimates = self.estimates.assign(side=self.estimates["group"].map(sides).fillna("unknown"))
        digest = hashlib.sha256((self.fingerprint + repr(sorted(sides.items()))).encode())
        return replace(
            self,
            feedback=feedback,
            estimates=estimates,
            comments=comments,
            group_sides=sides,
            fingerprint=digest.hexdigest()[:16],
        )
