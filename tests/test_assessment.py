"""The self-assessment core: the question bank and its checks, scores, levels, actions, team."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml

from alignment import assessment as a
from alignment.exports import to_csv_bytes
from alignment.privacy import Privacy

BANK = a.load_bank()
RAW = yaml.safe_load(a.BANK_PATH.read_text(encoding="utf-8"))


def _all(value: int | None) -> dict[str, int | None]:
    return {s.id: value for s in BANK.statements}


def _broken(change) -> a.BankError:
    raw = copy.deepcopy(RAW)
    change(raw)
    with pytest.raises(a.BankError) as info:
        a.parse_bank(yaml.safe_dump(raw, sort_keys=False))
    return info.value


# --- the bundled bank -------------------------------------------------------------------------


def test_bundled_bank_has_seven_steps_of_four_to_six_statements() -> None:
    assert [s.number for s in BANK.steps] == [1, 2, 3, 4, 5, 6, 7]
    for step in BANK.steps:
        assert 4 <= len(step.statements) <= 6, step.title
        assert len(step.actions) >= 3
        assert all(s.self_text and s.team for s in step.statements)
    assert sum(s.reverse for s in BANK.statements) >= 7  # some reverse-coded in every step
    assert all(any(s.reverse for s in step.statements) for step in BANK.steps)


def test_the_seeds_own_examples_are_statements() -> None:
    texts = [s.self_text for s in BANK.statements]
    assert "I hold a 1:1 with every key stakeholder and decision maker at least monthly." in texts
    assert (
        "Every initiative on our roadmap has a written WHY that a non-technical colleague "
        "could repeat."
    ) in texts


def test_step_seven_has_the_seven_item_team_safety_scale_with_three_reversed() -> None:
    step = BANK.step(7)
    assert step.team_scale is not None
    items = step.team_scale.statements
    assert len(items) == 7
    assert [i for i, s in enumerate(items, start=1) if s.reverse] == [1, 3, 5]
    assert BANK.team_scale_step is step
    # Team members answer every statement and the scale; the leader only the statements.
    assert len(BANK.team_statements()) == len(BANK.statements) + 7


def test_bank_path_can_be_an_organisations_own_file(tmp_path) -> None:
    raw = copy.deepcopy(RAW)
    raw["steps"][0]["statements"][0]["self"] = "Our own wording of the first statement."
    path = tmp_path / "ours.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert a.load_bank(path).statements[0].self_text == "Our own wording of the first statement."


# --- the checks on load -----------------------------------------------------------------------


def test_missing_team_wording_names_the_step_and_the_statement() -> None:
    err = _broken(lambda r: r["steps"][2]["statements"][1].pop("team"))
    assert err.problems == (
        "step 3 (Implement structured communication), statement 2 "
        "('comm-roadmap-review'), field 'team': is missing",
    )


def test_a_misspelt_field_is_reported_not_ignored() -> None:
    err = _broken(lambda r: r["steps"][0]["statements"][2].update(revers=True))
    assert "statement 3 ('translate-jargon'), field 'revers': is not a field" in str(err)


def test_too_few_statements_says_how_many_are_needed() -> None:
    err = _broken(lambda r: r["steps"][1].update(statements=r["steps"][1]["statements"][:3]))
    assert err.problems == (
        "step 2 (Establish collaborative planning), field 'statements': has 3 "
        "statements; 4 to 6 are needed",
    )


def test_too_many_statements() -> None:
    err = _broken(
        lambda r: r["steps"][1]["statements"].extend(
            [
                {"id": f"extra-{i}", "self": "An extra statement.", "team": "An extra statement."}
                for i in range(2)
            ]
        )
    )
    assert "has 7 statements; 4 to 6 are needed" in str(err)


def test_duplicate_statement_ids_across_steps() -> None:
    def dup(r: dict) -> None:
        r["steps"][4]["statements"][4]["id"] = "translate-outcome"
        for action in r["steps"][4]["actions"]:
            action["addresses"] = [
                x for x in action.get("addresses", []) if x != "ritual-onboarding"
            ]

    err = _broken(dup)
    assert "statement id 'translate-outcome' is already used in step 1" in str(err)


def test_an_action_must_address_statements_of_its_own_step() -> None:
    err = _broken(lambda r: r["steps"][3]["actions"][0].update(addresses=["why-written"]))
    assert (
        "step 4 (Identify leading misalignment indicators): action 1 addresses "
        "'why-written', which is not a statement of this step" in str(err)
    )


def test_an_action_must_name_a_page_file() -> None:
    err = _broken(lambda r: r["steps"][3]["actions"][0].update(page="the indicators page"))
    assert "action 1, field 'page': must name a page file of the workbench" in str(err)


def test_levels_must_rise_and_start_at_zero() -> None:
    err = _broken(lambda r: r["levels"][2].update({"from": 10}))
    assert "found 0, 20, 10, 60, 80" in str(err)
    err = _broken(lambda r: r["levels"][0].update({"from": 5}))
    assert "must start at 0" in str(err)


def test_step_numbers_must_be_one_to_seven() -> None:
    err = _broken(lambda r: r["steps"][6].update(number=6))
    assert "numbered 1 to 7 once each; found 1, 2, 3, 4, 5, 6, 6" in str(err)


def test_not_yaml_and_not_a_mapping() -> None:
    with pytest.raises(a.BankError, match="line 3, column 2: the file is not valid YAML"):
        a.parse_bank("steps:\n  - a: [1, 2\nb: c\n")
    with pytest.raises(a.BankError, match="must hold a mapping"):
        a.parse_bank("- just\n- a list\n")


def test_every_problem_is_listed_at_once() -> None:
    def two(r: dict) -> None:
        r["steps"][0]["statements"][0].pop("self")
        r["steps"][5]["statements"][1].pop("team")

    err = _broken(two)
    assert len(err.problems) == 2
    assert err.problems[0].startswith("step 1 (Learn to be a translator), statement 1")
    assert err.problems[1].startswith("step 6 (Evangelise and embody the unified vision)")


# --- scores -----------------------------------------------------------------------------------


def test_scores_run_from_zero_to_hundred_with_reverse_statements_flipped() -> None:
    best = {s.id: (1 if s.reverse else 5) for s in BANK.statements}
    worst = {s.id: (5 if s.reverse else 1) for s in BANK.statements}
    assert a.score(BANK, best).overall == 100
    assert a.score(BANK, worst).overall == 0
    # Agreeing with everything is not a perfect score: the reversed statements count against.
    agree = a.score(BANK, _all(5))
    step1 = agree.step(1)
    assert step1.score == pytest.approx(100 * 4 / 5)  # one reversed statement of five


def test_a_single_reverse_statement() -> None:
    step = BANK.step(1)
    reverse = next(s for s in step.statements if s.reverse)
    plain = next(s for s in step.statements if not s.reverse)
    r = a.score(BANK, {reverse.id: 4, plain.id: 4})
    assert r.step(1).score == pytest.approx((25 + 75) / 2)
    assert r.step(1).counted == 2 and r.step(1).unanswered == 3


def test_dont_know_is_left_out_and_counted() -> None:
    step = BANK.step(3)
    answers = {s.id: None for s in step.statements}
    answers[step.statements[0].id] = 5
    r = a.score(BANK, answers)
    assert r.step(3).score == 100
    assert r.step(3).dont_know == len(step.statements) - 1
    assert r.step(3).counted == 1
    assert r.dont_know == len(step.statements) - 1


def test_an_empty_or_all_dont_know_step_has_no_score_and_no_level() -> None:
    answers = {s.id: None for s in BANK.step(2).statements}
    answers.update({s.id: 4 for s in BANK.step(1).statements if not s.reverse})
    r = a.score(BANK, answers)
    assert r.step(2).score is None and r.step(2).level is None
    assert r.step(3).score is None and r.step(3).unanswered == len(BANK.step(3).statements)
    # The overall score is the mean of the scored steps only, never dragged down by zeros.
    assert r.overall == r.step(1).score == 75
    assert not r.complete
    assert a.score(BANK, {}).overall is None


def test_complete_counts_dont_know_as_an_answer() -> None:
    assert a.score(BANK, _all(None)).complete
    assert not a.score(BANK, {**_all(3), BANK.statements[-1].id: "x"}).complete


def test_answers_the_bank_cannot_score_are_dropped() -> None:
    first = BANK.statements[0].id
    cleaned = a.clean_answers(
        BANK,
        {
            first: 7,
            "no-such-statement": 3,
            "x": None,
            BANK.statements[1].id: 2.0,
            BANK.statements[2].id: True,
        },
    )
    assert cleaned == {BANK.statements[1].id: 2}


def test_levels_start_at_their_threshold() -> None:
    names = {v: a.level_for(BANK, v).name for v in (0, 19.99, 20, 59.9, 60, 80, 100)}
    assert names == {
        0: "Ad hoc",
        19.99: "Ad hoc",
        20: "Emerging",
        59.9: "Defined",
        60: "Managed",
        80: "Embedded",
        100: "Embedded",
    }
    assert a.level_for(BANK, None) is None
    assert all(lv.description for lv in BANK.levels)


# --- next actions -----------------------------------------------------------------------------


def _step_answers(values: dict[int, int]) -> dict[str, int | None]:
    """Every statement answered so that step n scores (values[n] - 1) / 4 * 100 (default 4)."""
    out = {}
    for step in BANK.steps:
        v = values.get(step.number, 4)
        for s in step.statements:
            out[s.id] = 6 - v if s.reverse else v
    return out


def test_actions_come_for_the_three_weakest_steps_weakest_first() -> None:
    answers = _step_answers({2: 2, 4: 1, 6: 2, 3: 3})
    got = a.next_actions(BANK, answers)
    assert [sa.step.number for sa in got] == [4, 2, 6]  # a tie goes to the earlier step
    for sa in got:
        assert 1 <= len(sa.actions) <= 3
        assert all(act.page.startswith("app_pages/") for act in sa.actions)


def test_unscored_steps_get_no_actions() -> None:
    answers = {s.id: None for s in BANK.statements}
    answers.update({s.id: 3 for s in BANK.step(5).statements})
    got = a.next_actions(BANK, answers)
    assert [sa.step.number for sa in got] == [5]


def test_the_action_for_the_lowest_answer_comes_first() -> None:
    step = BANK.step(3)
    answers = {s.id: (2 if s.reverse else 4) for s in step.statements}
    answers["comm-qa-channel"] = 1  # the Q&A channel statement: strongly disagree
    got = a.next_actions(BANK, answers, steps=1)[0]
    assert "Q&A channel" in got.actions[0].text
    assert [s.id for s in got.lowest] == ["comm-qa-channel"]


# --- differences ------------------------------------------------------------------------------


def test_self_and_evidence_twenty_five_points_apart_are_called_out() -> None:
    r = a.score(BANK, _step_answers({3: 5, 1: 4}))  # step 3 scores 100, step 1 75
    diffs = a.evidence_differences(r, {3: 40.0, 1: 50.0, 2: None})
    assert [(d.step, d.kind) for d in diffs] == [(1, "evidence lower"), (3, "evidence lower")]
    assert diffs[1].sentence().startswith("Step 3 Communication: you say 100, the data says 40")
    assert not a.evidence_differences(r, {1: 50.01})
    higher = a.evidence_differences(r, {1: 100.0})
    assert higher[0].kind == "evidence higher" and "underrating" in higher[0].sentence()


# --- team rounds ------------------------------------------------------------------------------


def _member(value: int) -> dict[str, int | None]:
    return {s.id: (6 - value if s.reverse else value) for s in BANK.team_statements()}


def test_team_figures_are_hidden_below_k_min() -> None:
    privacy = Privacy(k_min=3)
    two = a.team_view(BANK, [_member(4), _member(2)], privacy)
    assert two.participants == 2
    assert all(s.masked and s.score is None and s.n is None for s in two.steps)
    assert two.safety.masked and two.safety.score is None
    three = a.team_view(BANK, [_member(4), _member(2), _member(5)], privacy)
    assert [s.n for s in three.steps] == [3] * 7
    assert three.step(1).score == pytest.approx((75 + 25 + 100) / 3)
    assert three.safety.score == pytest.approx((75 + 25 + 100) / 3)


def test_a_step_rests_on_the_people_who_answered_it() -> None:
    dk_on_step4 = {**_member(5), **{s.id: None for s in BANK.step(4).statements}}
    team = a.team_view(BANK, [_member(3), _member(3), dk_on_step4], Privacy(k_min=3))
    assert team.participants == 3
    assert team.step(4).masked  # only two people gave a counted answer on step 4
    assert team.step(1).n == 3 and team.step(1).score == pytest.approx((50 + 50 + 100) / 3)


def test_each_member_counts_once_however_many_statements_they_answered() -> None:
    step = BANK.step(1)
    plain = [s for s in step.statements if not s.reverse]
    one_answer = {plain[0].id: 5}
    all_low = {s.id: (5 if s.reverse else 1) for s in step.statements}
    team = a.team_view(BANK, [one_answer, all_low, all_low], Privacy(k_min=3))
    assert team.step(1).score == pytest.approx(100 / 3)


def test_empty_responses_are_not_participants() -> None:
    team = a.team_view(BANK, [{}, {"unknown": 3}, _member(3)], Privacy(k_min=1))
    assert team.participants == 1


def test_blind_spots_and_hidden_strengths() -> None:
    me = a.score(BANK, _step_answers({1: 5, 2: 2, 3: 4}))  # 100, 25, 75 ...
    team = a.team_view(BANK, [_member(3)] * 3, Privacy(k_min=3))  # 50 everywhere
    diffs = {d.step: d for d in a.team_differences(me, team)}
    assert diffs[1].kind == "blind spot" and diffs[1].gap == 50
    assert diffs[2].kind == "hidden strength"
    assert 3 in diffs  # 75 vs 50: 25 apart
    assert "your team rates you 50 (n = 3)" in diffs[1].sentence()
    # Fourteen points apart is not called out; hidden steps never are.
    hidden = a.team_view(BANK, [_member(3)] * 2, Privacy(k_min=3))
    assert a.team_differences(me, hidden) == []
    frame = a.team_frame(me, hidden)
    assert frame["team"].isna().all() and frame["masked"].all()


# --- history and exports ----------------------------------------------------------------------


def _saved(ident: int, day: int, value: float) -> a.Completed:
    return a.Completed(
        ident,
        dt.datetime(2026, 1, day, tzinfo=dt.UTC),
        {},
        dict.fromkeys(range(1, 8), value),
        value,
    )


def test_previous_is_the_one_before_the_current_saved_assessment() -> None:
    history = [_saved(1, 1, 40), _saved(2, 10, 50), _saved(3, 20, 60)]
    assert a.previous_of(history, None).id == 3  # answers changed since the last save
    assert a.previous_of(history, 3).id == 2
    assert a.previous_of(history, 1) is None
    assert a.previous_of([], None) is None


def test_saved_scores_are_history_even_if_the_bank_changes() -> None:
    saved = a.Completed(
        1, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), {"gone": 5}, {1: 42.0, 2: None}, 42.0
    )
    r = a.as_result(BANK, saved)
    assert r.step(1).score == 42 and r.step(2).score is None and r.overall == 42
    trend = a.trend_frame(BANK, [saved, _saved(2, 5, 60)])
    assert list(trend.columns) == ["id", "completed_at", "step", "label", "score"]
    assert len(trend) == 14 and trend["score"].isna().sum() == 6


def test_answers_export_is_formula_safe() -> None:
    raw = copy.deepcopy(RAW)
    raw["steps"][0]["statements"][0]["self"] = '=HYPERLINK("http://x")'
    bank = a.parse_bank(yaml.safe_dump(raw))
    frame = a.answers_frame(bank, {bank.statements[0].id: 4, bank.statements[1].id: None})
    assert list(frame["answer_label"][:3]) == ["4 · Agree", "Don't know", ""]
    text = to_csv_bytes(frame).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert frame["counts_as"].iloc[0] == 75


def test_scores_frame_carries_the_change() -> None:
    now = a.score(BANK, _step_answers({1: 5}))
    before = a.score(BANK, _step_answers({1: 3}))
    frame = a.scores_frame(now, before)
    assert frame.loc[frame["step"] == 1, "change"].item() == 50
    assert frame.loc[frame["step"] == 2, "change"].item() == 0
