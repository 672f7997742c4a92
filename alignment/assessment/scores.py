"""The self-assessment's scores: per step and overall, maturity levels, next actions, the team.

Scoring, the same for the leader and for a team member:

- an answer ``x`` on the ``lo..hi`` agreement scale counts ``100 * (x - lo) / (hi - lo)``;
  a reverse-coded statement (agreeing is bad) counts ``100`` minus that;
- "Don't know" is left out of the score and counted, so a step answered only with "Don't
  know" has no score rather than a score of zero;
- a step's score is the mean of its counted statements; the overall score is the mean of the
  step scores (each step weighs the same however many statements it has);
- a team's step score is the mean of the participants' step scores (each person counts once),
  shown only when at least ``k_min`` participants gave a counted answer on that step.

Answers are a mapping ``statement id -> int | None``: an int on the scale, ``None`` for
"Don't know"; a statement missing from the mapping is not answered yet.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from alignment.assessment.bank import Action, Bank, Level, Statement, TeamStatement
from alignment.privacy import Privacy

EVIDENCE_GAP = 25.0  # self-rating and evidence this far apart are called out
TEAM_GAP = 15.0  # self and team this far apart: a blind spot or a hidden strength
WEAKEST = 3

Answers = Mapping[str, int | None]


# --- answers and scores -----------------------------------------------------------------------


def clean_answers(
    bank: Bank, answers: Mapping[str, Any], *, team: bool = False
) -> dict[str, int | None]:
    """Only answers the bank can score: known statements, values on the scale or None.

    Answers saved against an older version of the bank (a removed statement, a shrunk scale)
    are dropped rather than trusted.
    """
    known = {s.id for s in (bank.team_statements() if team else bank.statements)}
    points = set(bank.scale.points)
    out: dict[str, int | None] = {}
    for key, value in answers.items():
        if key not in known:
            continue
        if value is None:
            out[key] = None
        elif (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and float(value).is_integer()
            and int(value) in points
        ):
            out[key] = int(value)
    return out


@dataclass(frozen=True)
class StepScore:
    """One step's score with what it rests on; ``score`` is None when nothing was counted."""

    number: int
    title: str
    short: str
    score: float | None
    counted: int
    dont_know: int
    unanswered: int
    level: Level | None

    @property
    def label(self) -> str:
        return f"{self.number} {self.short}"

    @property
    def total(self) -> int:
        return self.counted + self.dont_know + self.unanswered


@dataclass(frozen=True)
class Result:
    """A scored assessment: per step, overall, and whether every statement has an answer."""

    steps: tuple[StepScore, ...]
    overall: float | None
    overall_level: Level | None

    @property
    def answered(self) -> int:
        return sum(s.counted + s.dont_know for s in self.steps)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.steps)

    @property
    def dont_know(self) -> int:
        return sum(s.dont_know for s in self.steps)

    @property
    def complete(self) -> bool:
        return self.answered == self.total

    def step(self, number: int) -> StepScore:
        return next(s for s in self.steps if s.number == number)

    def scores(self) -> dict[int, float | None]:
        return {s.number: s.score for s in self.steps}


def level_for(bank: Bank, score: float | None) -> Level | None:
    """The maturity level a 0-100 score falls in (levels start at their ``from`` value)."""
    if score is None or math.isnan(score):
        return None
    found = bank.levels[0]
    for level in bank.levels:
        if score >= level.start:
            found = level
    return found


def _step_values(
    bank: Bank, statements: Iterable[Statement | TeamStatement], answers: Answers
) -> tuple[list[float], int, int]:
    values, dont_know, unanswered = [], 0, 0
    for s in statements:
        if s.id not in answers:
            unanswered += 1
        elif answers[s.id] is None:
            dont_know += 1
        else:
            values.append(bank.scale.normalise(float(answers[s.id]), s.reverse))
    return values, dont_know, unanswered


def score(bank: Bank, answers: Answers) -> Result:
    """Score the leader's answers: per step, overall, with maturity levels."""
    answers = clean_answers(bank, answers)
    steps = []
    for step in bank.steps:
        values, dk, missing = _step_values(bank, step.statements, answers)
        value = sum(values) / len(values) if values else None
        steps.append(
            StepScore(
                step.number,
                step.title,
                step.short,
                value,
                len(values),
                dk,
                missing,
                level_for(bank, value),
            )
        )
    scored = [s.score for s in steps if s.score is not None]
    overall = sum(scored) / len(scored) if scored else None
    return Result(tuple(steps), overall, level_for(bank, overall))


def first_open_step(bank: Bank, answers: Answers) -> int:
    """The first step with an unanswered statement (the last step when all are answered)."""
    for step in bank.steps:
        if any(s.id not in answers for s in step.statements):
            return step.number
    return bank.steps[-1].number


def answers_frame(bank: Bank, answers: Answers) -> pd.DataFrame:
    """One row per statement: the wording, the answer and what it counts; for the CSV export."""
    answers = clean_answers(bank, answers)
    rows = []
    for step in bank.steps:
        for s in step.statements:
            value = answers.get(s.id, "missing")
            if value == "missing":
                label, counted = "", None
            else:
                label = bank.scale.label(value)  # type: ignore[arg-type]
                counted = None if value is None else bank.scale.normalise(float(value), s.reverse)
            rows.append(
                {
                    "step": step.number,
                    "step_title": step.title,
                    "statement_id": s.id,
                    "statement": s.self_text,
                    "reverse_coded": s.reverse,
                    "answer": None if value in (None, "missing") else value,
                    "answer_label": label,
                    "counts_as": counted,
                }
            )
    frame = pd.DataFrame(rows)
    frame["answer"] = frame["answer"].astype("Int64")
    return frame


def scores_frame(result: Result, previous: Result | None = None) -> pd.DataFrame:
    """Tidy step scores (and the change since ``previous``) for charts and tables."""
    rows = []
    for s in result.steps:
        prev = previous.step(s.number).score if previous is not None else None
        rows.append(
            {
                "step": s.number,
                "label": s.label,
                "title": s.title,
                "score": s.score,
                "level": s.level.name if s.level else None,
                "counted": s.counted,
                "dont_know": s.dont_know,
                "previous": prev,
                "change": (s.score - prev) if s.score is not None and prev is not None else None,
            }
        )
    frame = pd.DataFrame(rows)
    for col in ("score", "previous", "change"):
        frame[col] = frame[col].astype(float)
    return frame


# --- next actions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StepActions:
    """The actions suggested for one weak step, most pressing first."""

    step: StepScore
    actions: tuple[Action, ...]
    lowest: tuple[Statement, ...]  # the statements answered least favourably


def next_actions(
    bank: Bank,
    answers: Answers,
    result: Result | None = None,
    *,
    steps: int = WEAKEST,
    per_step: int = 3,
) -> list[StepActions]:
    """Actions for the ``steps`` weakest scored steps (ties: the earlier step first).

    Within a step, an action comes earlier when the statements it addresses were answered less
    favourably, so the leader's own answers pick which advice comes first; an action whose
    statements are unanswered or "Don't know" sits in the middle (50).
    """
    answers = clean_answers(bank, answers)
    result = result or score(bank, answers)
    scored = sorted(
        (s for s in result.steps if s.score is not None), key=lambda s: (s.score, s.number)
    )
    out = []
    for step_score in scored[:steps]:
        step = bank.step(step_score.number)
        item = {
            s.id: bank.scale.normalise(float(answers[s.id]), s.reverse)
            for s in step.statements
            if answers.get(s.id) is not None
        }

        def urgency(action: Action, item: dict[str, float] = item) -> float:
            values = [item[a] for a in action.addresses if a in item]
            return min(values) if values else 50.0

        ranked = sorted(enumerate(step.actions), key=lambda p: (urgency(p[1]), p[0]))
        lowest = sorted(
            (s for s in step.statements if s.id in item),
            key=lambda s: (item[s.id], step.statements.index(s)),
        )
        worst = [s for s in lowest if item[s.id] <= 50][:2]
        out.append(StepActions(step_score, tuple(a for _, a in ranked[:per_step]), tuple(worst)))
    return out


# --- evidence and team comparisons ------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """A step where two readings of the same practice disagree by a wide margin."""

    step: int
    label: str
    self_score: float
    other: float
    n: int | None
    kind: str  # "evidence lower", "evidence higher", "blind spot", "hidden strength"

    @property
    def gap(self) -> float:
        return self.self_score - self.other

    def sentence(self) -> str:
        you, other = round(self.self_score), round(self.other)
        if self.kind.startswith("evidence"):
            tail = (
                "the practice may be weaker than it feels"
                if self.gap > 0
                else "you may be underrating yourself"
            )
            return f"Step {self.label}: you say {you}, the data says {other}; {tail}."
        n = f" (n = {self.n})" if self.n is not None else ""
        if self.kind == "blind spot":
            return (
                f"Step {self.label}: you rate yourself {you}, your team rates you "
                f"{other}{n}. A blind spot: ask the team what they see."
            )
        return (
            f"Step {self.label}: your team rates you {other}{n}, higher than your own "
            f"{you}. A hidden strength: keep doing it, and say so."
        )


def evidence_differences(
    result: Result, evidence: Mapping[int, float | None], threshold: float = EVIDENCE_GAP
) -> list[Difference]:
    """Steps where the self-rating and the data's figure differ by ``threshold`` or more."""
    out = []
    for s in result.steps:
        other = evidence.get(s.number)
        if s.score is None or other is None or abs(s.score - other) < threshold:
            continue
        kind = "evidence lower" if s.score > other else "evidence higher"
        out.append(Difference(s.number, s.label, s.score, other, None, kind))
    return out


@dataclass(frozen=True)
class TeamStep:
    """The team's reading of one step; ``score`` and ``n`` are None when under k_min."""

    step: int
    label: str
    score: float | None
    n: int | None
    masked: bool


@dataclass(frozen=True)
class TeamView:
    """A team round, aggregated and masked: nothing below k_min carries a figure."""

    participants: int
    steps: tuple[TeamStep, ...]
    safety: TeamStep | None  # the team psychological-safety scale, when the bank has one
    k_min: int

    def step(self, number: int) -> TeamStep:
        return next(s for s in self.steps if s.step == number)

    def scores(self) -> dict[int, float | None]:
        return {s.step: s.score for s in self.steps}


def _team_cell(step: int, label: str, values: list[float], privacy: Privacy) -> TeamStep:
    n = len(values)
    if n < privacy.k_min:
        return TeamStep(step, label, None, None, True)
    return TeamStep(step, label, sum(values) / n, n, False)


def team_view(bank: Bank, responses: Iterable[Answers], privacy: Privacy) -> TeamView:
    """Aggregate anonymous team answers per step (and the safety scale), masked below k_min.

    Each participant's step score is the mean of their counted answers on the step's team
    wording; the team's score is the mean over participants, so everyone counts once however
    many statements they answered.
    """
    per_step: dict[int, list[float]] = {s.number: [] for s in bank.steps}
    safety_values: list[float] = []
    participants = 0
    scale_step = bank.team_scale_step
    for raw in responses:
        answers = clean_answers(bank, raw, team=True)
        if not answers:
            continue
        participants += 1
        for step in bank.steps:
            values, _, _ = _step_values(bank, step.statements, answers)
            if values:
                per_step[step.number].append(sum(values) / len(values))
        if scale_step is not None and scale_step.team_scale is not None:
            values, _, _ = _step_values(bank, scale_step.team_scale.statements, answers)
            if values:
                safety_values.append(sum(values) / len(values))
    steps = tuple(_team_cell(s.number, s.label, per_step[s.number], privacy) for s in bank.steps)
    safety = None
    if scale_step is not None and scale_step.team_scale is not None:
        safety = _team_cell(scale_step.number, scale_step.team_scale.name, safety_values, privacy)
    return TeamView(participants, steps, safety, privacy.k_min)


def team_differences(
    result: Result, team: TeamView, threshold: float = TEAM_GAP
) -> list[Difference]:
    """Blind spots (self above team by ``threshold`` or more) and hidden strengths (below)."""
    out = []
    for s in result.steps:
        t = team.step(s.number)
        if s.score is None or t.score is None or abs(s.score - t.score) < threshold:
            continue
        kind = "blind spot" if s.score > t.score else "hidden strength"
        out.append(Difference(s.number, s.label, s.score, t.score, t.n, kind))
    return out


def team_frame(result: Result, team: TeamView) -> pd.DataFrame:
    """Self beside team per step (masked steps carry no team figure), for charts and tables."""
    rows = []
    for s in result.steps:
        t = team.step(s.number)
        rows.append(
            {
                "step": s.number,
                "label": s.label,
                "self": s.score,
                "team": t.score,
                "n": t.n,
                "masked": t.masked,
                "difference": (s.score - t.score)
                if s.score is not None and t.score is not None
                else None,
            }
        )
    frame = pd.DataFrame(rows)
    for col in ("self", "team", "difference"):
        frame[col] = frame[col].astype(float)
    frame["n"] = frame["n"].astype("Int64")
    return frame


# --- history ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Completed:
    """A completed assessment as saved: when, the answers, and the scores at the time."""

    id: int
    completed_at: dt.datetime
    answers: dict[str, int | None]
    scores: dict[int, float | None]
    overall: float | None


def as_result(bank: Bank, completed: Completed) -> Result:
    """A saved assessment as a ``Result``, from the scores saved with it.

    The saved scores win over a re-score of the answers, so editing the question bank later
    does not rewrite history.
    """
    steps = []
    for step in bank.steps:
        value = completed.scores.get(step.number)
        value = (
            None
            if value is None or (isinstance(value, float) and math.isnan(value))
            else float(value)
        )
        steps.append(
            StepScore(step.number, step.title, step.short, value, 0, 0, 0, level_for(bank, value))
        )
    return Result(tuple(steps), completed.overall, level_for(bank, completed.overall))


def previous_of(history: Sequence[Completed], current_id: int | None) -> Completed | None:
    """The assessment to compare the current one with.

    ``current_id`` is the saved assessment the current answers are (None while they have changed
    since the last completion): the comparison is then with the one before it; otherwise with
    the latest saved.
    """
    ordered = sorted(history, key=lambda c: (c.completed_at, c.id))
    if current_id is None:
        return ordered[-1] if ordered else None
    earlier = [
        c
        for c in ordered
        if (c.completed_at, c.id)
        < next(
            ((x.completed_at, x.id) for x in ordered if x.id == current_id), (dt.datetime.max, 0)
        )
    ]
    return earlier[-1] if earlier else None


def trend_frame(bank: Bank, history: Sequence[Completed]) -> pd.DataFrame:
    """One row per saved assessment and step: the score over time, for the trend chart."""
    rows = []
    for c in sorted(history, key=lambda c: (c.completed_at, c.id)):
        for step in bank.steps:
            value = c.scores.get(step.number)
            rows.append(
                {
                    "id": c.id,
                    "completed_at": pd.Timestamp(c.completed_at),
                    "step": step.number,
                    "label": step.label,
                    "score": None if value is None else float(value),
                }
            )
    frame = pd.DataFrame(rows, columns=["id", "completed_at", "step", "label", "score"])
    frame["score"] = frame["score"].astype(float)
    return frame
