"""The 7-step self-assessment: the question bank, the scores, the maturity levels, the next actions.

The statements live in ``alignment/data/assessment.yaml`` so that an organisation can reword
them, add its own or change the actions without touching code; the file is checked when it is
loaded and every problem names the step, the statement and what is wrong.

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
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from alignment import config
from alignment.privacy import Privacy

BANK_PATH = Path(__file__).resolve().parent / "data" / "assessment.yaml"
ENV_BANK = config.env("assessment_file")  # an organisation's own bank, instead of the above
STEP_COUNT = 7
MIN_STATEMENTS, MAX_STATEMENTS = 4, 6
LEVEL_COUNT = 5
MIN_ACTIONS = 3
EVIDENCE_GAP = 25.0  # self-rating and evidence this far apart are called out
TEAM_GAP = 15.0  # self and team this far apart: a blind spot or a hidden strength
WEAKEST = 3

Answers = Mapping[str, int | None]


# --- the question bank ------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Statement(_Model):
    """One statement, worded for the leader (``self``) and for team members (``team``)."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    self_text: str = Field(alias="self", min_length=3)
    team: str = Field(min_length=3)
    reverse: bool = False


class TeamStatement(_Model):
    """A statement only team members answer (the team psychological-safety scale)."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    team: str = Field(min_length=3)
    reverse: bool = False


class TeamScale(_Model):
    name: str = Field(min_length=1)
    statements: tuple[TeamStatement, ...] = Field(min_length=3)


class Action(_Model):
    """A concrete next step, with the workbench page that helps take it."""

    text: str = Field(min_length=10)
    page: str = Field(pattern=r"^app_pages/[a-z0-9_]+\.py$")
    addresses: tuple[str, ...] = ()


class Step(_Model):
    number: int = Field(ge=1, le=STEP_COUNT)
    title: str = Field(min_length=1)
    short: str = Field(min_length=1, max_length=16)
    practice: str = Field(min_length=1)
    statements: tuple[Statement, ...] = Field(min_length=MIN_STATEMENTS, max_length=MAX_STATEMENTS)
    team_scale: TeamScale | None = None
    actions: tuple[Action, ...] = Field(min_length=MIN_ACTIONS)

    @property
    def label(self) -> str:
        return f"{self.number} {self.short}"

    @model_validator(mode="after")
    def _actions_address_own_statements(self) -> Step:
        own = {s.id for s in self.statements}
        for i, action in enumerate(self.actions, start=1):
            unknown = [a for a in action.addresses if a not in own]
            if unknown:
                raise ValueError(
                    f"action {i} addresses {', '.join(map(repr, unknown))}, which "
                    f"{'is' if len(unknown) == 1 else 'are'} not a statement of "
                    "this step"
                )
        return self


class Level(_Model):
    name: str = Field(min_length=1)
    start: float = Field(alias="from", ge=0, lt=100)
    description: str = Field(min_length=1)


class Scale(_Model):
    min: int = 1
    max: int = 5
    labels: dict[int, str]
    dont_know: str = "Don't know"

    @model_validator(mode="after")
    def _labels_cover_the_scale(self) -> Scale:
        if self.max <= self.min:
            raise ValueError(f"the scale must go up: min {self.min}, max {self.max}")
        missing = [v for v in range(self.min, self.max + 1) if v not in self.labels]
        if missing:
            raise ValueError(f"labels are missing for {', '.join(map(str, missing))}")
        extra = [v for v in self.labels if not self.min <= v <= self.max]
        if extra:
            raise ValueError(f"labels for {', '.join(map(str, extra))} lie outside the scale")
        return self

    @property
    def points(self) -> tuple[int, ...]:
        return tuple(range(self.min, self.max + 1))

    def normalise(self, value: float, reverse: bool = False) -> float:
        score = 100.0 * (value - self.min) / (self.max - self.min)
        return 100.0 - score if reverse else score

    def label(self, value: int | None) -> str:
        return self.dont_know if value is None else f"{value} · {self.labels[value]}"


class Bank(_Model):
    """The whole question bank; ``load_bank`` returns one, checked."""

    version: int = 1
    scale: Scale
    levels: tuple[Level, ...] = Field(min_length=LEVEL_COUNT, max_length=LEVEL_COUNT)
    steps: tuple[Step, ...] = Field(min_length=STEP_COUNT, max_length=STEP_COUNT)

    @model_validator(mode="after")
    def _consistent(self) -> Bank:
        numbers = [s.number for s in self.steps]
        if sorted(numbers) != list(range(1, STEP_COUNT + 1)):
            raise ValueError(
                f"the steps must be numbered 1 to {STEP_COUNT} once each; found "
                f"{', '.join(map(str, numbers))}"
            )
        seen: dict[str, int] = {}
        for step in self.steps:
            ids = [s.id for s in step.statements]
            if step.team_scale:
                ids += [s.id for s in step.team_scale.statements]
            for ident in ids:
                if ident in seen:
                    where = "this step" if seen[ident] == step.number else f"step {seen[ident]}"
                    raise ValueError(
                        f"step {step.number}: statement id {ident!r} is already "
                        f"used in {where}; every id must be unique"
                    )
                seen[ident] = step.number
        starts = [lv.start for lv in self.levels]
        if starts[0] != 0:
            raise ValueError(
                f"the first level ({self.levels[0].name!r}) must start at 0, not {starts[0]:g}"
            )
        if any(b <= a for a, b in zip(starts, starts[1:], strict=False)):
            found = ", ".join(f"{s:g}" for s in starts)
            raise ValueError(
                "the levels must be listed from the lowest score up, each starting "
                f"higher than the one before; found {found}"
            )
        return self

    def step(self, number: int) -> Step:
        return next(s for s in self.steps if s.number == number)

    @property
    def statements(self) -> tuple[Statement, ...]:
        """The statements the leader answers, in order."""
        return tuple(s for step in self.steps for s in step.statements)

    def team_statements(self) -> tuple[Statement | TeamStatement, ...]:
        """What a team member answers: every statement, then the team scales."""
        extra = tuple(
            t for step in self.steps if step.team_scale for t in step.team_scale.statements
        )
        return (*self.statements, *extra)

    @property
    def team_scale_step(self) -> Step | None:
        return next((s for s in self.steps if s.team_scale), None)

    def statement_step(self) -> dict[str, int]:
        """Statement id -> step number, for every statement including team scales."""
        out = {s.id: step.number for step in self.steps for s in step.statements}
        for step in self.steps:
            if step.team_scale:
                out.update({t.id: step.number for t in step.team_scale.statements})
        return out


class BankError(ValueError):
    """The question bank cannot be used; ``problems`` says where and why, one line each."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__(f"{source}: " + "; ".join(self.problems))


def _where(raw: Any, loc: Sequence[Any]) -> str:
    """A pydantic error location in the words of the file: step, statement, field."""
    parts: list[str] = []
    node = raw
    i = 0
    loc = list(loc)
    while i < len(loc):
        key = loc[i]
        child = node[key] if isinstance(node, list | dict) and _has(node, key) else None
        if key == "steps" and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            step = _get(node, "steps", loc[i + 1])
            number = step.get("number") if isinstance(step, dict) else None
            title = step.get("title") if isinstance(step, dict) else None
            label = f"step {number}" if number is not None else f"step #{loc[i + 1] + 1}"
            parts.append(f"{label} ({title})" if title else label)
            node, i = step, i + 2
            continue
        if (
            key in ("statements", "actions", "levels")
            and i + 1 < len(loc)
            and isinstance(loc[i + 1], int)
        ):
            item = _get(node, key, loc[i + 1])
            noun = {"statements": "statement", "actions": "action", "levels": "level"}[key]
            ident = item.get("id") or item.get("name") if isinstance(item, dict) else None
            parts.append(f"{noun} {loc[i + 1] + 1}" + (f" ({ident!r})" if ident else ""))
            node, i = item, i + 2
            continue
        if key == "team_scale":
            parts.append("team scale")
        elif isinstance(key, str) and not key.startswith("function-after"):
            parts.append(f"field {key!r}")
        node = child
        i += 1
    return ", ".join(parts)


def _has(node: Any, key: Any) -> bool:
    if isinstance(node, list):
        return isinstance(key, int) and 0 <= key < len(node)
    return key in node


def _get(node: Any, key: str, index: int) -> Any:
    seq = node.get(key) if isinstance(node, dict) else None
    return seq[index] if isinstance(seq, list) and 0 <= index < len(seq) else None


def _message(error: dict[str, Any]) -> str:
    msg = str(error.get("msg", "invalid"))
    msg = msg.removeprefix("Value error, ")
    kind = error.get("type", "")
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is not a field the workbench knows (a typo?)"
    last = str(error.get("loc", ("",))[-1]) if error.get("loc") else ""
    if kind == "string_pattern_mismatch" and last == "page":
        return "must name a page file of the workbench, such as app_pages/briefs.py"
    if kind == "string_pattern_mismatch" and last == "id":
        return "must be a short code of letters, digits, '-', '_' or '.', such as 'plan-together'"
    if kind in ("too_short", "too_long") and last in ("statements", "actions", "steps", "levels"):
        actual = (error.get("ctx") or {}).get("actual_length")
        need = {
            "statements": f"{MIN_STATEMENTS} to {MAX_STATEMENTS}",
            "actions": f"at least {MIN_ACTIONS}",
            "steps": f"exactly {STEP_COUNT}",
            "levels": f"exactly {LEVEL_COUNT}",
        }[last]
        return f"has {actual} {last.rstrip('s') if actual == 1 else last}; {need} are needed"
    return msg[:1].lower() + msg[1:]


def parse_bank(text: str, source: str = "assessment.yaml") -> Bank:
    """Read and check a question bank; raise ``BankError`` naming every problem found."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise BankError(source, [f"{where}the file is not valid YAML ({problem})"]) from None
    if not isinstance(raw, dict):
        raise BankError(source, ["the file must hold a mapping with 'scale', 'levels' and 'steps'"])
    try:
        return Bank.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        locs = [tuple(e["loc"]) for e in errors]
        problems = []
        for err, loc in zip(errors, locs, strict=True):
            # A list with a broken item is also reported as one item short: say it once.
            if err["type"] in ("too_short", "too_long") and any(
                len(o) > len(loc) and o[: len(loc)] == loc for o in locs
            ):
                continue
            where = _where(raw, [p for p in loc if not (isinstance(p, str) and "[" in p)])
            problems.append(f"{where}: {_message(err)}" if where else _message(err))
        raise BankError(source, problems) from None


def load_bank(path: Path | str | None = None) -> Bank:
    """The organisation's question bank (the bundled one by default)."""
    path = Path(path) if path is not None else BANK_PATH
    if path == BANK_PATH:
        return _default_bank()
    return parse_bank(path.read_text(encoding="utf-8"), path.name)


@lru_cache(maxsize=1)
def _default_bank() -> Bank:
    return parse_bank(BANK_PATH.read_text(encoding="utf-8"), BANK_PATH.name)


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
