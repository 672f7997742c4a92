"""Evidence per step from small hand-made tables: each figure, its n, and what unlocks it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from alignment import assessment, indicators, stakeholders
from alignment.assessment import evidence
from alignment.briefs.glossary import builtin
from alignment.dataset import Dataset, empty_table, table_columns
from alignment.privacy import Privacy

TODAY = dt.date(2026, 11, 25)
PRIVACY = Privacy(k_min=3)


def _initiatives(*rows: dict) -> pd.DataFrame:
    cols = table_columns("initiatives")
    base = dict.fromkeys(cols)
    base.update(objective_ids=(), depends_on=(), status="In progress")
    return pd.DataFrame([{**base, **r} for r in rows], columns=cols)


def _objectives(*ids: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": list(ids),
            "name": [f"Objective {i}" for i in ids],
            "weight": [1.0] * len(ids),
            "description": None,
            "owner": None,
        }
    )


def _feedback(cells: dict[tuple[str, str], list[int]]) -> pd.DataFrame:
    """(initiative, side) -> ratings on 1..5 of the 'clarity of the why', one per respondent."""
    rows = []
    for (initiative, side), ratings in cells.items():
        for i, r in enumerate(ratings):
            rows.append(
                {
                    "respondent": f"{side}-{i}",
                    "group": side.title(),
                    "side": side,
                    "initiative_id": initiative,
                    "dimension": "why_clarity",
                    "rating": float(r),
                    "scale_min": 1.0,
                    "scale_max": 5.0,
                    "score": 25.0 * (r - 1),
                    "date": pd.NaT,
                }
            )
    return pd.DataFrame(rows, columns=table_columns("feedback"))


def _gather(dataset: Dataset, **kw) -> evidence.Evidence:
    return evidence.gather(dataset, PRIVACY, today=TODAY, **kw)


def _figure(ev: evidence.Evidence, key: str) -> evidence.Figure:
    return next(f for s in ev.steps.values() for f in s.figures if f.key == key)


# --- step 2 -------------------------------------------------------------------------------------


def test_objective_share_leaves_out_cancelled_work_and_unknown_objectives() -> None:
    data = Dataset(
        initiatives=_initiatives(
            {"id": "P-1", "name": "A", "objective_ids": ("G1",)},
            {"id": "P-2", "name": "B", "objective_ids": ("G9",)},  # not an objective we know
            {"id": "P-3", "name": "C", "objective_ids": ()},
            {"id": "P-4", "name": "D", "objective_ids": ("G2", "G1")},
            {"id": "P-5", "name": "E", "objective_ids": (), "status": "Cancelled"},
        ),
        objectives=_objectives("G1", "G2"),
    )
    f = evidence.objective_share(data)
    assert f.value == 50 and f.n == 4
    assert f.explanation.startswith("2 of 4 active initiatives serve one of your 2 objectives")


def test_no_objective_column_says_what_would_unlock_it() -> None:
    data = Dataset(initiatives=_initiatives({"id": "P-1", "name": "A"}))
    f = evidence.objective_share(data, mapped={"initiatives": {"id", "name"}})
    assert f.value is None and "Objective(s)" in f.unlock


def test_dependency_map_and_cycles() -> None:
    data = Dataset(
        initiatives=_initiatives(
            {"id": "P-1", "name": "A", "depends_on": ("P-2",)},
            {"id": "P-2", "name": "B", "depends_on": ("P-1",)},  # a loop with P-1
            {"id": "P-3", "name": "C", "depends_on": ("P-1",)},
            {"id": "P-4", "name": "D", "depends_on": ("P-99",)},  # names nothing known
            {"id": "P-5", "name": "E"},
        )
    )
    ev = _gather(data)
    deps, loops = _figure(ev, "dependencies"), _figure(ev, "cycles")
    assert deps.value == 60 and deps.n == 5
    assert "1 reference(s) name no known initiative" in deps.explanation
    assert loops.value == 60  # P-1 and P-2 wait on each other
    assert "P-1 → P-2 → P-1" in loops.explanation


def test_no_dependencies_recorded_unlocks_nothing_but_says_how() -> None:
    ev = _gather(Dataset(initiatives=_initiatives({"id": "P-1", "name": "A"})))
    for key in ("dependencies", "cycles"):
        f = _figure(ev, key)
        assert f.value is None and "Depends on" in f.unlock


# --- step 1 -------------------------------------------------------------------------------------


def test_jargon_and_readability_of_descriptions() -> None:
    data = Dataset(
        initiatives=_initiatives(
            {"id": "P-1", "name": "A", "description": "Move the event bus from RabbitMQ to Kafka."},
            {"id": "P-2", "name": "B", "description": "Let new customers sign up without a call."},
            {"id": "P-3", "name": "C", "description": None},
        )
    )
    jargon = evidence.plain_descriptions(data, builtin())
    assert jargon.value == 50 and jargon.n == 2
    assert "Kafka" in jargon.explanation and "per 100 words" in jargon.explanation
    easy = evidence.description_readability(data)
    assert easy.n == 2 and 0 <= easy.value <= 100
    assert "Flesch reading ease" in easy.explanation


def test_the_users_glossary_counts_as_jargon_too() -> None:
    glossary = pd.DataFrame({"term": ["Freightline"], "plain": ["our platform"]})
    data = Dataset(
        initiatives=_initiatives(
            {"id": "P-1", "name": "A", "description": "Put every product on Freightline."}
        ),
        glossary=glossary,
    )
    assert _figure(_gather(data), "jargon").value == 0


def test_no_descriptions() -> None:
    f = evidence.description_readability(Dataset(initiatives=_initiatives({"id": "P-1"})))
    assert f.value is None and "Description" in f.unlock


# --- step 3 -------------------------------------------------------------------------------------


def _stakeholders(*rows: tuple[str, str, object, str]) -> pd.DataFrame:
    frame = empty_table("stakeholders")
    data = [
        {
            "name": n,
            "influence": inf,
            "last_1on1": pd.Timestamp(last) if last else None,
            "cadence": cad,
            "interest": "High",
        }
        for n, inf, last, cad in rows
    ]
    return pd.DataFrame(data, columns=frame.columns)


def test_key_stakeholders_met_within_their_cadence() -> None:
    people = _stakeholders(
        ("Ana", "Very high", "2026-11-01", "monthly"),  # due 1 Dec: on cadence
        ("Ben", "High", "2026-09-30", "monthly"),  # due 30 Oct: overdue
        ("Cleo", "High", None, "monthly"),  # never met: not on cadence
        ("Dev", "High", "2026-09-01", "quarterly"),  # due 1 Dec: on cadence
        ("Eve", "Low", "2025-01-01", "monthly"),  # not key: does not count
    )
    f = evidence.one_on_ones(Dataset(stakeholders=people), TODAY)
    assert f.value == 50 and f.n == 4
    assert "2 of 4 key stakeholders" in f.explanation and "Ben" in f.explanation


def test_no_key_stakeholders_or_no_list() -> None:
    low = _stakeholders(("Eve", "Low", "2026-11-01", "monthly"))
    assert "influence" in evidence.one_on_ones(Dataset(stakeholders=low), TODAY).unlock
    assert evidence.one_on_ones(Dataset(), TODAY).value is None


# --- step 4 -------------------------------------------------------------------------------------


def _indicators(metric: str, scope: str, values: list[float]) -> pd.DataFrame:
    periods = pd.date_range("2026-01-01", periods=len(values), freq="MS")
    return pd.DataFrame({"period": periods, "scope": scope, "metric": metric, "value": values})


def test_indicators_tracked_and_alerts_open() -> None:
    table = pd.concat(
        [
            _indicators("escalations", "Payments", [2, 2, 3, 2, 2, 3, 2, 5, 8, 13]),  # rising
            _indicators("escalations", "Growth", [2, 3, 2, 2, 3, 2, 2, 3, 2, 2]),
            _indicators("risk", "Growth", [1, 1, 2, 1, 1, 2, 1, 1, 2, 1]),
            _indicators("attrition", "Growth", [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]),
        ],
        ignore_index=True,
    )
    data = Dataset(indicators=table)
    tracked = evidence.indicators_tracked(data)
    assert tracked.value == pytest.approx(200 / 3) and tracked.n == 3
    assert "missing: quality delta" in tracked.explanation
    clear = evidence.alerts_clear(indicators.detect(table))
    assert clear.n == 4 and clear.value == 75
    assert "Payments" in clear.explanation


def test_no_indicators() -> None:
    ev = _gather(Dataset())
    assert _figure(ev, "tracked").value is None and _figure(ev, "alerts").value is None
    assert "escalations" in _figure(ev, "alerts").unlock


# --- step 5 -------------------------------------------------------------------------------------


def test_rituals_count_only_when_recorded() -> None:
    none = evidence.rituals_on_cadence(stakeholders.DEFAULT_RITUALS, TODAY)
    assert none.value is None and "Stakeholders & rituals" in none.unlock
    rituals = [
        stakeholders.Ritual("Monthly roadmap review", "monthly", "", dt.date(2026, 11, 10)),
        stakeholders.Ritual(
            "Quarterly prioritisation session", "quarterly", "", dt.date(2026, 6, 1)
        ),  # due 1 Sep: overdue
        stakeholders.Ritual("Open Q&A channel", "weekly", ""),  # never recorded
        stakeholders.Ritual("Old ritual", "monthly", "", dt.date(2020, 1, 1), active=False),
    ]
    f = evidence.rituals_on_cadence(rituals, TODAY)
    assert f.value == 50 and f.n == 2
    assert "overdue: Quarterly prioritisation session" in f.explanation
    assert "Not recorded: Open Q&A channel" in f.explanation


# --- step 6 -------------------------------------------------------------------------------------


def test_why_share_does_not_count_placeholders() -> None:
    data = Dataset(
        initiatives=_initiatives(
            {"id": "P-1", "why": "Shippers call support when tracking updates go missing."},
            {"id": "P-2", "why": "TBD"},
            {"id": "P-3", "why": None},
            {"id": "P-4", "why": "Cut cost per shipment."},
        )
    )
    f = evidence.why_share(data)
    assert f.value == 50 and f.n == 4


def test_why_clarity_by_side_leaves_out_cells_under_k_min() -> None:
    fb = _feedback(
        {
            ("P-1", "tech"): [5, 5, 5],
            ("P-1", "business"): [1, 1, 1],  # shown: tech 100, biz 0
            ("P-2", "tech"): [3, 3, 3],
            ("P-2", "business"): [5, 5],  # business under k_min: hidden
        }
    )
    data = Dataset(initiatives=_initiatives({"id": "P-1"}, {"id": "P-2"}), feedback=fb)
    ev = _gather(data)
    business, tech = _figure(ev, "why_clarity_business"), _figure(ev, "why_clarity_tech")
    assert business.value == 0 and business.n == 1
    assert tech.value == 100 and tech.n == 1  # P-2's tech cell goes with its hidden partner


def test_why_clarity_unavailable_when_every_cell_is_hidden() -> None:
    fb = _feedback({("P-1", "tech"): [5, 5], ("P-1", "business"): [1, 1, 1]})
    ev = _gather(Dataset(initiatives=_initiatives({"id": "P-1"}), feedback=fb))
    f = _figure(ev, "why_clarity_business")
    assert f.value is None and "at least 3 respondents per side" in f.unlock


# --- step 7 and the step score --------------------------------------------------------------------


def test_team_safety_needs_a_closed_round_with_k_min_answers() -> None:
    bank = assessment.load_bank()
    member = {s.id: (2 if s.reverse else 4) for s in bank.team_statements()}
    assert evidence.team_safety(None, PRIVACY).value is None
    few = assessment.team_view(bank, [member, member], PRIVACY)
    assert evidence.team_safety(few, PRIVACY).value is None
    enough = assessment.team_view(bank, [member] * 3, PRIVACY)
    f = evidence.team_safety(enough, PRIVACY)
    assert f.value == 75 and f.n == 3


def test_a_steps_score_is_the_mean_of_its_available_figures() -> None:
    data = Dataset(
        initiatives=_initiatives(
            {"id": "P-1", "why": "Shippers call support when tracking goes missing."},
            {"id": "P-2", "why": None},
        )
    )
    ev = _gather(data)
    six = ev.step(6)
    assert [f.key for f in six.available] == ["why"]
    assert six.score == 50  # the clarity figures are unavailable, so they do not count
    assert ev.step(7).score is None
    assert ev.scores()[6] == 50
    frame = ev.frame()
    assert set(frame["step"]) == set(range(1, 8))
    assert frame.loc[frame["figure"] == "Initiatives with a WHY", "n"].item() == 2
