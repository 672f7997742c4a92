"""The translator's dictionary: the shipped file, detection rules, and the user's overrides."""

from __future__ import annotations

import pandas as pd
import pytest

from alignment.briefs import glossary
from alignment.briefs.glossary import Glossary, GlossaryError, Term, parse_csv


@pytest.fixture(scope="module")
def builtin() -> Glossary:
    return glossary.builtin(glossary.BUILTIN_PATH)


def test_the_shipped_glossary_loads_and_covers_the_common_terms(builtin: Glossary) -> None:
    assert len(builtin) >= 80
    for term in (
        "technical debt",
        "refactoring",
        "microservices",
        "API",
        "latency",
        "CI/CD",
        "SLO",
        "migration",
        "data pipeline",
        "observability",
        "feature flag",
    ):
        entry = builtin.lookup(term)
        assert entry is not None, term
        assert len(entry.plain.split()) >= 4, f"{term}: '{entry.plain}' explains too little"


def test_every_shipped_explanation_is_itself_free_of_unexplained_jargon(builtin: Glossary) -> None:
    # An explanation that needs explaining does not translate anything.
    offenders = {}
    for t in builtin.terms:
        others = [u.term for u in builtin.terms_in(t.plain) if u.term != t.term]
        if others:
            offenders[t.term] = others
    assert offenders == {}


def words(g: Glossary, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.term.term) for m in g.find(text)]


def test_whole_words_any_case_and_plurals(builtin: Glossary) -> None:
    found = words(builtin, "Our Data Pipelines feed two APIs; rapid refactoring of the monoliths")
    assert found == [
        ("Data Pipelines", "Data pipeline"),
        ("APIs", "API"),
        ("refactoring", "Refactoring"),
        ("monoliths", "Monolith"),
    ]
    assert words(builtin, "capital, rapidly, happily") == []  # "API" inside words is not found


def test_acronyms_match_only_in_capitals(builtin: Glossary) -> None:
    assert words(builtin, "we will fix it at the SLA") == [("SLA", "SLA")]
    assert words(builtin, "the sla and the api") == []


def test_phrases_across_hyphens_and_spaces_longest_first(builtin: Glossary) -> None:
    found = words(builtin, "right-sizing and right sizing behind an API gateway, via CI/CD")
    assert found == [
        ("right-sizing", "Right-sizing"),
        ("right sizing", "Right-sizing"),
        ("API gateway", "API gateway"),
        ("CI/CD", "CI/CD"),
    ]


def test_aliases_lead_to_their_term(builtin: Glossary) -> None:
    assert words(builtin, "less tech debt") == [("tech debt", "Technical debt")]
    assert builtin.lookup("continuous integration").term == "CI/CD"


def test_annotate_explains_each_term_once(builtin: Glossary) -> None:
    text = builtin.annotate("The API is slow. Another API call.")
    api = builtin.lookup("API")
    assert text == f"The API ({api.plain}) is slow. Another API call."


def test_unexplained_counts_terms_whose_meaning_is_missing(builtin: Glossary) -> None:
    latency = builtin.lookup("latency")
    assert [t.term for t in builtin.unexplained("Latency is up.")] == ["Latency"]
    assert builtin.unexplained(f"Latency is up. Latency: {latency.plain}.") == []


def test_the_user_glossary_extends_and_overrides() -> None:
    base = parse_csv(
        "term,plain,aliases\nTechnical debt,old meaning here,tech debt\n"
        "Latency,waiting time for users\n"
    )
    user = pd.DataFrame(
        {
            "term": ["Tech debt", "Zorblax", None],
            "plain": ["shortcuts we now pay for", "our rules engine", "x"],
        }
    )
    g = glossary.for_dataset(user, base)
    assert g.lookup("technical debt").plain == "shortcuts we now pay for"  # override by alias
    assert g.lookup("tech debt").source == glossary.USER
    assert g.lookup("Zorblax").plain == "our rules engine"
    assert g.lookup("latency").plain == "waiting time for users"  # untouched
    assert len(g) == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("word,meaning\nAPI,x\n", "needs the column(s) term, plain"),
        ("term,plain\n,no term here\n", "line 2: the term is empty"),
        ("term,plain\nAPI,\n", "line 2: 'API' has no plain meaning"),
        (
            "term,plain,aliases\nAPI,a door\nSDK,a kit,api\n",
            "line 3: 'api' is already defined on line 2",
        ),
        ("term,plain\n", "no terms"),
    ],
)
def test_a_bad_glossary_file_names_the_line_to_fix(text: str, message: str) -> None:
    with pytest.raises(GlossaryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_csv(text, "ours.csv")


def test_an_organisation_can_point_to_its_own_file(tmp_path, monkeypatch) -> None:
    path = tmp_path / "ours.csv"
    path.write_text("term,plain\nFreightline,our platform\n", encoding="utf-8")
    monkeypatch.setenv(glossary.ENV_GLOSSARY, str(path))
    assert [t.term for t in glossary.builtin().terms] == ["Freightline"]
    path.write_text("term,plain\nFreightline,our platform\nHaulbot,our chatbot\n", encoding="utf-8")
    import os

    os.utime(path, (1, 2_000_000_000))  # a later edit is read without a restart
    assert len(glossary.builtin()) == 2
    monkeypatch.setenv(glossary.ENV_GLOSSARY, str(tmp_path / "missing.csv"))
    with pytest.raises(GlossaryError, match="does not exist"):
        glossary.builtin()


def test_terms_keep_their_source() -> None:
    g = Glossary((Term("A/B test", "two versions compared"),))
    assert g.find("we ran A/B tests")[0].term.source == glossary.BUILTIN
