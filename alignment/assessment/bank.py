"""The self-assessment's question bank: the seven steps, their statements, levels and actions.

The statements live in ``assessment.yaml`` beside this module so that an organisation can reword
them, add its own or change the actions without touching code (or point
``ALIGNMENT_ASSESSMENT_FILE`` at its own copy); the file is checked when it is loaded and every
problem names the step, the statement and what is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from alignment import config

BANK_PATH = Path(__file__).resolve().parent / "assessment.yaml"
ENV_BANK = config.env("assessment_file")  # an organisation's own bank, instead of the above
STEP_COUNT = 7
MIN_STATEMENTS, MAX_STATEMENTS = 4, 6
LEVEL_COUNT = 5
MIN_ACTIONS = 3


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
