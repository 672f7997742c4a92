"""How hard a text is to read: Flesch reading ease and the jargon left unexplained.

A translator brief should be easier to read than the engineering text it came from; showing both
figures side by side lets a leader see the translation working (or not). The formula is Flesch's
(1948):

    reading ease = 206.835 - 1.015 × (words / sentences) - 84.6 × (syllables / words)

Higher is easier: 60-70 is plain English, below 30 is for specialists. The figure is computed
here rather than with a readability package, because the ones available either pull in large
language toolkits or download pronunciation dictionaries at run time, and the workbench must run
offline. Syllables are counted with a documented heuristic (``syllables``), which agrees with a
dictionary on most everyday words; the figure is a guide, not a grade.

Counting rules: a word is a run of letters (apostrophes inside allowed); numbers and symbols are
not words. A sentence ends at ".", "!" or "?" followed by a space or the end, and at every line
break, since the caller passes one paragraph or list item per line (common abbreviations such as
"e.g." do not end a sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from alignment.briefs.glossary import Glossary

_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:['’][A-Za-zÀ-ÖØ-öø-ÿ]+)*")
_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|vs|approx|incl|Mr|Mrs|Ms|Dr|St|No)\.", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]+(?=[\s\"'”’)\]]|$)")
# Everyday words the rules below get wrong; checked against a dictionary.
_EXCEPTIONS: dict[str, int] = {
    "business": 2,
    "businesses": 3,
    "people": 2,
    "every": 2,
    "everyone": 3,
    "everything": 3,
    "create": 2,
    "created": 3,
    "creates": 2,
    "idea": 3,
    "ideas": 3,
    "area": 3,
    "areas": 3,
    "real": 1,
    "really": 2,
    "being": 2,
    "doing": 2,
    "going": 2,
    "seeing": 2,
    "science": 2,
    "quiet": 2,
    "poem": 2,
    "radio": 3,
    "ratio": 3,
    "period": 3,
    "evening": 2,
    "different": 3,
    "family": 3,
    "interest": 3,
    "several": 3,
    "general": 3,
    "average": 3,
    "camera": 3,
    "chocolate": 3,
    "someone": 2,
    "sometimes": 2,
    "somewhere": 2,
    "whole": 1,
    "where": 1,
    "there": 1,
    "here": 1,
    "were": 1,
    "one": 1,
    "once": 1,
    "done": 1,
    "gone": 1,
    "none": 1,
    "give": 1,
    "live": 1,
    "have": 1,
    "move": 1,
    "love": 1,
    "above": 2,
    "the": 1,
    "are": 1,
    "fire": 1,
    "hour": 1,
    "hours": 1,
    "our": 1,
    "ours": 1,
    "prior": 2,
    "via": 2,
    "trial": 2,
    "dial": 2,
    "deliver": 3,
    "delivery": 4,
    "reliable": 4,
    "ensure": 2,
    "sure": 1,
    "future": 2,
    "nature": 2,
    "picture": 2,
    "measure": 2,
    "customer": 3,
    "customers": 3,
    "coordinate": 4,
    "cooperate": 4,
    "element": 3,
    "elements": 3,
    "video": 3,
    "videos": 3,
    "poet": 2,
}


def syllables(word: str) -> int:
    """Estimated syllables of one English word (at least 1 for a word with letters).

    Count groups of vowels (a, e, i, o, u, y), then correct for the usual spellings:

    - a silent final "e" ("make"), but not "-le" after a consonant ("table") nor "-ue", "-ee",
      "-ie", "-ye" ("value", "agree", "movie");
    - "-es" and "-ed" endings that add no syllable ("makes", "asked"), unlike "boxes", "pages",
      "wanted", "needed";
    - a silent "e" before "-ly", "-ment", "-ful", "-ness" after a vowel and a consonant
      ("safely", "statement", "careful");
    - vowel pairs read as two syllables: "ia"/"io" except after t, s, c, x, g and in a final
      "-ian"/"-ion" ("ratio", "various", but "nation", "million"), and "ua" except in "qua",
      "gua" ("actual", but "quality", "language"), and "ie" in a final "-ier", "-iest"
      ("easier", "carriers").

    Everyday words the rules get wrong are listed as exceptions and win over the rules.
    """
    w = word.lower().replace("\u2019", "'")
    w = re.sub(r"'s$", "", w)
    w = re.sub(r"[^a-zà-öø-ÿ]", "", w)
    if not w:
        return 0
    if w in _EXCEPTIONS:
        return _EXCEPTIONS[w]
    if len(w) <= 3:
        return 1
    count = len(re.findall(r"[aeiouyàâäéèêëîïôöùûü]+", w))
    silent_e = w.endswith("e") and not w.endswith(("le", "ue", "ee", "ie", "ye"))
    vowel_le = w.endswith("le") and w[-3] in "aeiouy"  # "whole", not "table"
    if silent_e or vowel_le:
        count -= 1
    if re.search(r"[^aeiouy]es$", w):
        if not re.search(r"(s|x|z|ch|sh|c|g)es$", w):
            count -= 1
    elif re.search(r"[^aeiouytd]ed$", w):
        count -= 1
    count -= len(re.findall(r"[aeiou][^aeiouy]e(ly|ment|ments|ful|ness)$", w))
    count += len(re.findall(r"(?<![tscxg])i[ao](?!n$)", w))
    count += len(re.findall(r"(?<![qg])ua", w))
    count += len(re.findall(r"[^aeiou]ie(r|rs|st)$", w))
    return max(1, count)


def words(text: str) -> list[str]:
    return _WORD.findall(text or "")


def sentence_count(text: str) -> int:
    """Sentences in ``text``: each non-empty line holds at least one."""
    total = 0
    for line in (text or "").splitlines():
        line = _ABBREVIATIONS.sub(lambda m: m.group(1), line)
        if not _WORD.search(line):
            continue
        pieces = [p for p in _SENTENCE_END.split(line) if _WORD.search(p)]
        total += max(1, len(pieces))
    return total


def flesch(word_count: int, sentences: int, syllable_count: int) -> float | None:
    """Flesch reading ease from counts; None when there is nothing to measure."""
    if word_count == 0 or sentences == 0:
        return None
    return 206.835 - 1.015 * (word_count / sentences) - 84.6 * (syllable_count / word_count)


# Flesch's own bands, lower bound inclusive.
BANDS: tuple[tuple[float, str], ...] = (
    (90, "very easy"),
    (80, "easy"),
    (70, "fairly easy"),
    (60, "plain English"),
    (50, "fairly difficult"),
    (30, "difficult"),
    (float("-inf"), "very difficult"),
)


def band(score: float | None) -> str:
    """Flesch's description of a score, e.g. "plain English" for 60-69."""
    if score is None:
        return "no text"
    return next(label for low, label in BANDS if score >= low)


@dataclass(frozen=True)
class TextFigures:
    """What a leader sees under a text: reading ease, its band, and the jargon in it."""

    flesch: float | None
    band: str
    words: int
    sentences: int
    jargon: tuple[str, ...] = ()  # distinct glossary terms used
    unexplained: tuple[str, ...] = field(default=())  # of those, the ones left without meaning

    @property
    def flesch_label(self) -> str:
        return "–" if self.flesch is None else f"{self.flesch:.0f}"


def assess(text: str, glossary: Glossary | None = None) -> TextFigures:
    """Reading ease and jargon of a text given one paragraph or list item per line."""
    ws = words(text)
    n_sent = sentence_count(text)
    score = flesch(len(ws), n_sent, sum(syllables(w) for w in ws))
    if score is not None:
        score = round(score, 1)
    jargon = tuple(t.term for t in glossary.terms_in(text)) if glossary else ()
    unexplained = tuple(t.term for t in glossary.unexplained(text)) if glossary else ()
    return TextFigures(score, band(score), len(ws), n_sent, jargon, unexplained)
