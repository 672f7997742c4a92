"""Which initiative a piece of survey text is about.

Survey tools name the initiative only inside the wording: a matrix row ("Billing migration"), a
statement ("Billing migration: the WHY is clear to me") or a question ("How clear is the WHY of
the billing migration?"). The text is matched to the initiatives table by id or by name,
forgiving case, punctuation and small typos; a text that names two initiatives equally well
names neither, so nothing is ever filed under the wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

_WORD = re.compile(r"[^0-9a-z]+")
# How close a name must come to a stretch of the text to count despite a typo (0..100).
TYPO_CUTOFF = 90.0


def words(text: object) -> str:
    """Folded to lower-case words separated by single spaces: 'Partner-API v2!' -> 'partner api
    v2'."""
    return " ".join(_WORD.sub(" ", str(text).casefold()).split())


@dataclass(frozen=True)
class Initiatives:
    """The initiatives a text can name: (id, name) pairs, folded once."""

    pairs: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, ids: Iterable[object], names: Iterable[object]) -> Initiatives:
        return cls(tuple((str(i), str(n)) for i, n in zip(ids, names, strict=False)))

    @property
    def keys(self) -> tuple[tuple[str, str, str], ...]:
        return _keys(self.pairs)

    def without(self, text: str, initiative: str) -> str:
        """The text with the initiative's id and name taken out ("How excited are you about
        the …?"): what was asked, the same for every initiative."""
        name = next((n for i, n in self.pairs if i == initiative), "")
        out = strip_name(strip_name(text, name), initiative) if name else text
        return out


@lru_cache(maxsize=64)
def _keys(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str, str], ...]:
    return tuple((ident, words(ident), words(name)) for ident, name in pairs)


@dataclass(frozen=True)
class Match:
    initiative: str | None  # the id, or None
    how: str  # "id" | "name" | "typo" | "" (none) | "ambiguous"
    candidates: tuple[str, ...] = ()  # the ids an ambiguous text names equally well


def _contains(text: str, phrase: str) -> bool:
    return bool(phrase) and f" {phrase} " in f" {text} "


def find_initiative(text: object, initiatives: Initiatives) -> Match:
    """The initiative a text names, by id first, then by whole name, then by a name with a small
    typo. A name found inside a longer one that is found too does not count ('Partner API' in
    'Partner API v2')."""
    folded = words(text)
    if not folded:
        return Match(None, "")
    keys = initiatives.keys
    by_id = {ident for ident, fid, _ in keys if len(fid) >= 2 and _contains(folded, fid)}
    if len(by_id) == 1:
        return Match(by_id.pop(), "id")
    found = [(fname, ident) for ident, _, fname in keys if _contains(folded, fname)]
    if found:
        # A name inside a longer name found too ('Partner API' in 'Partner API v2') is not a
        # second initiative; two names that stand apart are.
        best = sorted(
            {
                ident
                for fname, ident in found
                if not any(other != fname and _contains(other, fname) for other, _ in found)
            }
        )
        if len(best) == 1:
            return Match(best[0], "name")
        return Match(None, "ambiguous", tuple(best))
    if len(by_id) > 1:
        return Match(None, "ambiguous", tuple(sorted(by_id)))
    scored = []
    for ident, _, fname in keys:
        if len(fname) < 5:
            continue
        # The whole name must be found in the text: 'Partner API' is not 'Partner API v2'.
        if len(fname) <= len(folded):
            score = fuzz.partial_ratio(fname, folded)
        else:
            score = fuzz.ratio(fname, folded)
        if score >= TYPO_CUTOFF:
            scored.append((score, ident))
    if not scored:
        return Match(None, "")
    top = max(s for s, _ in scored)
    best = sorted({ident for s, ident in scored if s == top})
    if len(best) == 1:
        return Match(best[0], "typo")
    return Match(None, "ambiguous", tuple(best))


def strip_name(text: str, name: str) -> str:
    """The text without the initiative's name in it: what is left says what was asked."""
    pattern = r"\s*".join(re.escape(w) for w in words(name).split())
    if not pattern:
        return text
    out = re.sub(pattern, "…", text, flags=re.IGNORECASE)
    # "about the billing migration" and "about Partner API v2" ask the same question.
    out = re.sub(r"\b(?:the|a|an|our)\s+…", "…", out, flags=re.IGNORECASE)
    return " ".join(out.split())
