"""The 7-step self-assessment: a leader scores their alignment practice, then checks it.

The package holds one concept per module:

- ``bank``: the question bank (``assessment.yaml`` beside it), loaded and checked;
- ``scores``: answers to scores, maturity levels, next actions, the team's masked view, history;
- ``evidence``: what the uploaded data says about each step, on the same 0-100 scale;
- ``results``: the page's frames (chart, steps table, readings, history), built from the above;
- ``report``: the one-page report, as Markdown and PDF;
- ``store``: drafts, completed assessments and team rounds in the workbench's database.

The names below are the question bank and the scores, which every caller needs; the other
modules pull in heavier libraries (Altair, Jinja2, fpdf, SQLAlchemy) and are imported by name
where they are used.
"""

from __future__ import annotations

from alignment.assessment.bank import (
    BANK_PATH,
    ENV_BANK,
    LEVEL_COUNT,
    MAX_STATEMENTS,
    MIN_ACTIONS,
    MIN_STATEMENTS,
    STEP_COUNT,
    Action,
    Bank,
    BankError,
    Level,
    Scale,
    Statement,
    Step,
    TeamScale,
    TeamStatement,
    load_bank,
    parse_bank,
)
from alignment.assessment.scores import (
    EVIDENCE_GAP,
    TEAM_GAP,
    WEAKEST,
    Answers,
    Completed,
    Difference,
    Result,
    StepActions,
    StepScore,
    TeamStep,
    TeamView,
    answers_frame,
    as_result,
    clean_answers,
    evidence_differences,
    first_open_step,
    level_for,
    next_actions,
    previous_of,
    score,
    scores_frame,
    team_differences,
    team_frame,
    team_view,
    trend_frame,
)

__all__ = [
    "BANK_PATH",
    "ENV_BANK",
    "EVIDENCE_GAP",
    "LEVEL_COUNT",
    "MAX_STATEMENTS",
    "MIN_ACTIONS",
    "MIN_STATEMENTS",
    "STEP_COUNT",
    "TEAM_GAP",
    "WEAKEST",
    "Action",
    "Answers",
    "Bank",
    "BankError",
    "Completed",
    "Difference",
    "Level",
    "Result",
    "Scale",
    "Statement",
    "Step",
    "StepActions",
    "StepScore",
    "TeamScale",
    "TeamStatement",
    "TeamStep",
    "TeamView",
    "answers_frame",
    "as_result",
    "clean_answers",
    "evidence_differences",
    "first_open_step",
    "level_for",
    "load_bank",
    "next_actions",
    "parse_bank",
    "previous_of",
    "score",
    "scores_frame",
    "team_differences",
    "team_frame",
    "team_view",
    "trend_frame",
]
