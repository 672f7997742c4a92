"""Which side (tech or business) a group is on, from the words in its name."""

from __future__ import annotations

import re
from collections.abc import Iterable

from alignment import schema


def infer_side(
    group: str,
    tech_words: Iterable[str] = schema.DEFAULT_TECH_GROUPS,
    business_words: Iterable[str] = schema.DEFAULT_BUSINESS_GROUPS,
) -> str:
    """A group's side from whole words in its name; tech wins ties ('Finance IT' is tech)."""
    folded = " " + " ".join(re.split(r"[^0-9a-z&]+", group.casefold())) + " "

    def hit(words: Iterable[str]) -> bool:
        return any(f" {w.casefold()} " in folded for w in words)

    if hit(tech_words):
        return "tech"
    if hit(business_words):
        return "business"
    return "unknown"
