"""Flesch reading ease: the formula against known values, the syllable heuristic against a
dictionary, and the jargon figures a leader sees beside each text."""

from __future__ import annotations

import pytest

from alignment.briefs import readability
from alignment.briefs.glossary import parse_csv
from alignment.briefs.readability import assess, band, flesch, sentence_count, syllables

# Syllable counts as a dictionary gives them (Merriam-Webster), for everyday and roadmap words.
DICTIONARY = {
    "the": 1,
    "cat": 1,
    "table": 2,
    "value": 2,
    "agree": 2,
    "movie": 2,
    "make": 1,
    "makes": 1,
    "asked": 1,
    "boxes": 2,
    "pages": 2,
    "wanted": 2,
    "needed": 2,
    "safely": 2,
    "statement": 2,
    "careful": 2,
    "ratio": 3,
    "various": 3,
    "nation": 2,
    "million": 2,
    "actual": 3,
    "quality": 3,
    "language": 2,
    "business": 2,
    "customer": 3,
    "payment": 2,
    "invoice": 2,
    "invoices": 3,
    "shipment": 2,
    "truck": 1,
    "driver": 2,
    "delivery": 4,
    "objective": 3,
    "revenue": 3,
    "strategy": 3,
    "initiative": 4,
    "engineering": 4,
    "software": 2,
    "system": 2,
    "release": 2,
    "releases": 3,
    "faster": 2,
    "important": 3,
    "decision": 3,
    "because": 2,
    "team": 1,
    "time": 1,
    "times": 1,
    "problem": 2,
    "money": 2,
    "people": 2,
    "weekly": 2,
    "month": 1,
    "monthly": 2,
    "quarter": 2,
    "planned": 1,
    "effort": 2,
    "slips": 1,
    "waits": 1,
    "reliable": 4,
    "tracking": 2,
    "update": 2,
    "minute": 2,
    "support": 2,
    "where": 1,
    "their": 1,
    "load": 1,
    "missing": 2,
    "manual": 3,
    "automatic": 4,
    "change": 1,
    "changes": 2,
    "easier": 3,
    "data": 2,
    "report": 2,
    "operations": 4,
    "notice": 2,
    "noticed": 2,
    "lately": 2,
    "completely": 3,
    "management": 3,
    "used": 1,
    "uses": 2,
    "goes": 1,
    "evaluate": 4,
    "usual": 3,
    "platypus": 3,
    "seemingly": 3,
    "hybrid": 2,
    "mammal": 2,
    "creature": 2,
    "whole": 1,
    "little": 2,
    "simple": 2,
    "volume": 2,
    "create": 2,
    "idea": 3,
    "area": 3,
    "queue": 1,
    "mobile": 2,
    "offline": 2,
    "signal": 2,
    "billing": 2,
    "delays": 2,
    "carriers": 3,
    "prefer": 2,
    "finance": 2,
    "errors": 2,
    "engine": 2,
    "customers'": 3,
    "isn't": 2,
}


def test_syllables_agree_with_the_dictionary_on_nine_words_in_ten() -> None:
    wrong = {w: (syllables(w), n) for w, n in DICTIONARY.items() if syllables(w) != n}
    assert len(wrong) <= len(DICTIONARY) // 10, wrong


@pytest.mark.parametrize(
    ("word", "count"), [("", 0), ("123", 0), ("a", 1), ("Shy", 1), ("Rhythm", 1), ("shipper's", 2)]
)
def test_syllables_edge_cases(word: str, count: int) -> None:
    assert syllables(word) == count


def test_flesch_formula_matches_published_values() -> None:
    # "The cat sat on the mat.": 6 words, 1 sentence, 6 syllables -> 116.145 (Flesch's scale
    # tops 100 for such text; Wikipedia gives it as 116).
    assert flesch(6, 1, 6) == pytest.approx(116.145)
    # 100 words, 5 sentences, 150 syllables: 206.835 - 1.015 * 20 - 84.6 * 1.5.
    assert flesch(100, 5, 150) == pytest.approx(59.635)
    assert flesch(0, 0, 0) is None


def test_assess_counts_words_sentences_and_syllables() -> None:
    fig = assess("The cat sat on the mat.")
    assert (fig.words, fig.sentences, fig.flesch) == (6, 1, 116.1)
    # Wikipedia's example for the Flesch test gives this sentence 37.5 (13 words, 24 syllables).
    fig = assess(
        "The Australian platypus is seemingly a hybrid of a mammal and reptilian creature."
    )
    assert (fig.words, fig.sentences, fig.flesch) == (13, 1, 37.5)


def test_sentences_end_at_stops_and_line_breaks_not_abbreviations() -> None:
    assert sentence_count("One. Two! Three?") == 3
    assert sentence_count("A target, e.g. 99.9% of calls. Done") == 2
    assert sentence_count("first item\nsecond item\n\n") == 2
    assert sentence_count("1.5 — 2") == 0


def test_plain_text_reads_easier_than_engineering_text() -> None:
    plain = assess(
        "We want shippers to know where their truck is. Today they call us. "
        "This work lets them see it on their phone."
    )
    dense = assess(
        "Decompose the monolithic booking application into independently "
        "deployable microservices behind an authenticated gateway, eliminating "
        "synchronous coupling and accumulated architectural liabilities."
    )
    assert plain.flesch > 70 > 20 > dense.flesch
    assert band(plain.flesch) in ("easy", "very easy", "fairly easy")
    assert band(dense.flesch) == "very difficult"
    assert band(None) == "no text"


def test_jargon_figures_count_terms_and_those_left_unexplained() -> None:
    g = parse_csv("term,plain\nAPI,a door for other software\nLatency,waiting time\n")
    fig = assess("The API adds latency.\nAPI: a door for other software.", g)
    assert fig.jargon == ("API", "Latency")
    assert fig.unexplained == ("Latency",)
    assert readability.assess("", g).flesch_label == "–"
