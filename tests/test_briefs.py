"""Translator briefs on a small planted workbook (tests/briefs_data.py) and on the demo."""

from __future__ import annotations

import dataclasses
import re

import pytest

from alignment import briefs
from alignment.briefs import markup
from alignment.ingest import import_paths
from alignment.privacy import Privacy
from tests import briefs_data as bd

DEMO = "sample_data/demo_workbook.xlsx"


@pytest.fixture(scope="module")
def data() -> briefs.BriefData:
    return briefs.prepare(bd.dataset(), Privacy(3, 5))


@pytest.fixture(scope="module")
def demo() -> briefs.BriefData:
    return briefs.prepare(import_paths([DEMO]).dataset)


def section(markdown: str, heading: str) -> str:
    """The text under one ``## heading``, up to the next one."""
    m = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert m, f"no section {heading!r} in:\n{markdown}"
    return m.group(1)


def test_business_brief_names_the_objective_with_its_weight(data) -> None:
    md = briefs.business(data, "P-01").markdown
    why = section(md, "Why it matters")
    assert "Legacy billing cannot offer annual plans" in why
    assert "**G1 Grow annual revenue** (60% of the strategy's weight, 1st of 2 objectives)" in why


def test_a_missing_why_is_flagged_in_both_briefs(data) -> None:
    business, engineering = briefs.initiative_briefs(data, "P-02")
    assert "**No WHY.**" in section(business.markdown, "Why it matters")
    assert "Agree a one-sentence WHY with Sam Okafor" in section(
        business.markdown, "Decision or help needed"
    )
    assert "**No WHY is written down.**" in engineering.markdown
    has_why = briefs.business(data, "P-01").markdown
    assert "No WHY" not in has_why


def test_an_at_risk_dependency_is_told_as_business_impact(data) -> None:
    md = briefs.business(data, "P-02").markdown
    waits = section(md, "What it waits on, and what waits on it")
    assert (
        "This waits on **P-01 Billing migration**, which is **At risk**. If it slips, the "
        "**Grow annual revenue** objective slips with it."
    ) in waits
    assert "Help unblock **P-01 Billing migration**" in section(md, "Decision or help needed")
    upstream = briefs.business(data, "P-01").markdown
    assert "**P-02 Self-service onboarding** waits on this" in upstream


def test_the_biggest_gap_is_named_with_its_range(data) -> None:
    md = briefs.business(data, "P-01").markdown
    seen = section(md, "How stakeholders see it")
    assert (
        "**Biggest gap: Clarity of the why.** Tech rates it 88 points higher than the "
        "business" in seen
    )
    assert "95% range 73 to 100 points" in seen  # clipped: a gap cannot pass 100
    assert "**Tech**: 68 out of 100 (positive), from 6 respondents" in seen
    eng = briefs.engineering(data, "P-01", "detailed").markdown
    unclear = section(eng, "What the business finds unclear")
    assert unclear.index("Clarity of the why") < unclear.index("Communication")
    assert "no clear difference" in unclear  # priority: the interval contains 0


def test_jargon_is_explained_with_the_users_own_words(data) -> None:
    md = briefs.business(data, "P-02").markdown
    assert f"- **{bd.USER_TERM}**: {bd.USER_PLAIN}." in md
    p01 = briefs.business(data, "P-01").markdown
    assert f"- **API**: {bd.USER_API_PLAIN}." in p01  # the user's API overrides the built-in
    assert "- **Microservices**:" in p01 and "- **Monolith**:" in p01
    for ident in data.initiative_ids:
        assert (
            briefs.figures(briefs.business(data, ident).markdown, data.glossary).unexplained == ()
        ), ident


def test_the_business_brief_reads_as_plain_english_and_explains_its_jargon(demo) -> None:
    for ident in demo.initiative_ids:
        f = briefs.facts(demo, ident)
        before = briefs.readability.assess(briefs.source_text(f), demo.glossary)
        after = briefs.figures(briefs.business(demo, ident).markdown, demo.glossary)
        assert after.unexplained == (), ident
        assert after.flesch >= 60, ident  # Flesch's "plain English" or easier
        if before.flesch < 50:  # hard engineering text gets easier
            assert after.flesch > before.flesch + 10, ident
        if before.jargon:
            assert before.unexplained, ident


def test_small_groups_are_described_never_shown(data) -> None:
    business, engineering = briefs.initiative_briefs(data, "P-03", "detailed")
    for md in (business.markdown, engineering.markdown):
        assert "**Business**: no figure to show: fewer than 3 respondents." in md
        assert bd.SMALL_GROUP_COMMENT not in md
        assert not re.search(r"\b2 respondents", md) and "Finance (" not in md
    f = briefs.facts(data, "P-03")
    # The two Finance people count for no side and no total, so the six engineers' side can be
    # shown: nothing subtracted from it gives Finance back.
    sides = {s.side: s for s in f.sides}
    assert sides["business"].score is None and sides["business"].n is None
    assert sides["tech"].n == 6 and sides["tech"].score == pytest.approx(50.0)
    assert f.gaps == ()


def test_comments_need_k_comments_respondents(data) -> None:
    p02 = briefs.business(data, "P-02", "detailed").markdown
    assert "from 4 respondents" in p02  # 4 >= k_min: figures shown
    assert bd.FOUR_PEOPLE_COMMENT not in p02  # 4 < k_comments: no quote
    p01 = briefs.business(data, "P-01").markdown
    assert f'> "{bd.BUSINESS_COMMENT_P01}" (Business side)' in p01
    quiet = briefs.prepare(bd.dataset(), Privacy(3, 7))
    assert bd.BUSINESS_COMMENT_P01 not in briefs.business(quiet, "P-01").markdown


def test_no_respondent_code_or_name_in_any_brief(data) -> None:
    text = "".join(b.markdown for b in briefs.all_briefs(data, "detailed"))
    assert not re.search(r"\bR\d{5}\b", text)
    for name in bd.RESPONDENT_NAMES:
        assert name not in text


def test_engineering_brief_explains_priority_stakeholders_and_talking_points(data) -> None:
    md = briefs.engineering(data, "P-01", "detailed").markdown
    assert "The KPI it should move: **Annual plan revenue**." in md
    assert "Ranked **2nd of 3** open initiatives" in md
    stake = section(md, "Who the stakeholders are and how each side rates it")
    assert "By group: Sales (business, 6)" in stake and "Engineering (tech, 6)" in stake
    points = section(md, "Talking points for the next roadmap review")
    assert points.startswith("\n- Open with the customer or business problem")
    assert "88 points lower than the team" in points


def test_portfolio_brief_lists_the_cases(data) -> None:
    md = briefs.portfolio(data).markdown
    assert "**P-01 Billing migration**: tech 68, business 35, a clear gap of 32 points" in md
    assert "**Serves no objective:** **P-03** Quiet corner project" in md
    assert "**No WHY written down:** **P-02** Self-service onboarding" in md
    assert "**Objectives nobody works on:** **G2 Cut support cost**" in md
    assert "1 initiative has too few answers on one side to compare." in md
    asks = section(md, "The asks")
    assert "Fund work for **Cut support cost**" in asks
    assert "Help unblock **P-01 Billing migration**: 1 initiative waits on it." in asks
    assert "## Early warnings" not in md  # no indicator analysis given


def test_portfolio_lists_indicator_warnings_when_given(data) -> None:
    import pandas as pd

    warnings = pd.DataFrame(
        {
            "level": ["High"],
            "scope": ["Payments"],
            "reason": ["Payments: escalations rose 3 months running, 4 → 7 → 11."],
        }
    )
    md = briefs.portfolio(dataclasses.replace(data, warnings=warnings)).markdown
    assert "- **High**: Payments: escalations rose 3 months running, 4 → 7 → 11." in md
    assert "Ask Payments what is behind the early warnings" in section(md, "The asks")
    empty = briefs.portfolio(dataclasses.replace(data, warnings=warnings.iloc[0:0])).markdown
    assert "No indicator is raising a warning." in empty


def test_portfolio_names_the_demos_rising_team(demo) -> None:
    md = briefs.portfolio(demo).markdown
    early = section(md, "Early warnings")
    assert "Payments" in early and "rose" in early


def test_generation_is_deterministic_and_tone_changes_the_detail(data) -> None:
    first = [b.markdown for b in briefs.all_briefs(data, "concise")]
    again = [b.markdown for b in briefs.all_briefs(briefs.prepare(bd.dataset()), "concise")]
    assert first == again
    concise = briefs.engineering(data, "P-01", "concise").markdown
    detailed = briefs.engineering(data, "P-01", "detailed").markdown
    assert len(detailed) > len(concise)
    assert "3 more questions in the detailed brief" in concise
    assert "By group:" in detailed and "By group:" not in concise


def test_user_text_is_escaped_in_the_markdown(data) -> None:
    ds = bd.dataset()
    ds.initiatives.loc[0, "name"] = "[click](http://evil.example) $5 <b>x</b>"
    ds.initiatives.loc[0, "description"] = "# Not a heading\n- nor a list"
    md = briefs.business(briefs.prepare(ds), "P-01").markdown
    assert r"\[click\](http://evil.example) \$5 \<b\>x\</b\>" in md
    assert r"\# Not a heading - nor a list" in md  # one line: the dash starts no list
    blocks = markup.parse(md)
    assert sum(b.kind == "heading" and b.level == 1 for b in blocks) == 1
    assert "[click](http://evil.example) $5 <b>x</b>" in blocks[0].text


def test_unknown_initiative_and_empty_feedback(data) -> None:
    with pytest.raises(KeyError):
        briefs.facts(data, "P-99")
    ds = bd.dataset()
    ds.feedback = ds.feedback.iloc[0:0]
    ds.comments = ds.comments.iloc[0:0]
    empty = briefs.prepare(ds)
    md = briefs.business(empty, "P-01").markdown
    assert "Nobody has rated this initiative yet." in md
    assert "No initiative has enough answers on both sides" in briefs.portfolio(empty).markdown


def test_chart_frame_holds_only_shown_cells(data) -> None:
    frame = briefs.chart_frame(data, "P-01")
    assert set(frame["side"]) == {"Tech", "Business"}
    assert frame.iloc[0]["dimension"] == "Overall"
    # P-03: only the tech side rests on enough people; Finance's two answers count nowhere.
    assert set(briefs.chart_frame(data, "P-03")["side"]) == {"Tech"}


def test_short_user_text_reads_as_sentences_and_done_work_holds_nothing_up() -> None:
    ds = bd.dataset()
    ds.initiatives.loc[0, "description"] = "Stream events into the warehouse"
    ds.initiatives.loc[0, "status"] = "Done"
    md = briefs.business(briefs.prepare(ds), "P-01").markdown
    assert "\nStream events into the warehouse.\n" in md
    assert "waits on this. This is done, so it holds nothing up." in md
    ds.feedback = ds.feedback[ds.feedback["initiative_id"] != "P-02"]
    md = briefs.business(briefs.prepare(ds), "P-02").markdown
    assert "Ask both sides to rate it before the next review: nobody has yet." in md
