"""A small workbook for the brief tests, built in code so each test shows what it reads.

Three initiatives, each planted with one case a brief must handle:

- P-01 Billing migration: has a WHY, serves G1 (weight 60), is At risk, uses jargon
  ("monolith", "microservices", "API"); tech rates the clarity of its why far higher than the
  business (a clear gap); six people a side, so business comments may be quoted.
- P-02 Self-service onboarding: no WHY, waits on P-01, mentions "Zorblax" (a term only the
  user's glossary explains); four business respondents: their figures show, their comment
  (which would need five) does not.
- P-03 Quiet corner project: names an objective that does not exist; two Finance people rate
  it. Their side is hidden (fewer than 3), which hides the tech side too (else it could be
  worked out by subtraction); their comment and figures must never appear anywhere.

Respondents are named (real-looking e-mail addresses) so the tests can check no name leaks.
"""

from __future__ import annotations

import io

import openpyxl

from alignment.dataset import Dataset
from alignment.ingest import SourceFile, import_files

SMALL_GROUP_COMMENT = "Only the two of us in Finance ever look at this"
FOUR_PEOPLE_COMMENT = "Four of us think onboarding is fine"
BUSINESS_COMMENT_P01 = "We still do not know why billing has to move"
USER_TERM, USER_PLAIN = "Zorblax", "our sign-up rules engine"
USER_API_PLAIN = "the door other companies' software uses to reach our platform"

INITIATIVES = [
    [
        "Initiative ID",
        "Name",
        "Description",
        "Owner",
        "Team",
        "Objective(s)",
        "Why",
        "Business value",
        "Effort",
        "Risk",
        "Status",
        "Target",
        "Depends on",
        "KPI",
    ],
    [
        "P-01",
        "Billing migration",
        "Move invoicing off the billing monolith onto microservices with a new API.",
        "Dana Ruiz",
        "Payments",
        "G1",
        "Legacy billing cannot offer annual plans, so customers who want them leave.",
        "High",
        20,
        "High",
        "At risk",
        "Q3 2027",
        None,
        "Annual plan revenue",
    ],
    [
        "P-02",
        "Self-service onboarding",
        "Let new customers sign up without a sales call, checked by Zorblax.",
        "Sam Okafor",
        "Growth",
        "G1",
        None,
        "Very high",
        8,
        "Low",
        "In progress",
        "Q2 2027",
        "P-01",
        "Days from sign-up to first booking",
    ],
    [
        "P-03",
        "Quiet corner project",
        "Tidy the export scripts.",
        "Lee Chan",
        "Data",
        "G9",
        "Makes month-end exports less painful for Finance.",
        "Low",
        3,
        "Low",
        "Planned",
        "Q4 2027",
        None,
        None,
    ],
]
OBJECTIVES = [
    ["Objective ID", "Objective", "Weight"],
    ["G1", "Grow annual revenue", 60],
    ["G2", "Cut support cost", 40],
]
GLOSSARY = [
    ["Term", "Business wording"],
    [USER_TERM, USER_PLAIN],
    ["API", USER_API_PLAIN],
]
FEEDBACK_HEADER = [
    "Respondent",
    "Group",
    "Initiative",
    "Clarity of the why",
    "Business value",
    "Priority",
    "Confidence in delivery",
    "Communication",
    "Comment",
    "Date",
]


def _feedback() -> list[list[object]]:
    rows: list[list[object]] = [FEEDBACK_HEADER]

    def add(
        who: str,
        group: str,
        ini: str,
        ratings: tuple[int, ...],
        comment: str | None = None,
        day: int = 1,
    ) -> None:
        rows.append([who, group, ini, *ratings, comment, f"2026-10-{day:02d}"])

    for i in range(6):  # P-01: tech sure of the why, business not
        add(
            f"eng{i}@acme.example",
            "Engineering",
            "P-01",
            (5, 4, 2 + i % 3, 3, 4 - i % 2),
            day=i + 1,
        )
        add(
            f"sales{i}@acme.example",
            "Sales",
            "P-01",
            (1 + i % 2, 3, 3 + i % 2, 2, 2),
            BUSINESS_COMMENT_P01 if i == 0 else None,
            day=i + 1,
        )
    for i in range(5):  # P-02: five tech, four business
        add(f"eng{i}@acme.example", "Engineering", "P-02", (4, 4, 3, 3, 3), day=i + 2)
    for i in range(4):
        add(
            f"sales{i}@acme.example",
            "Sales",
            "P-02",
            (3, 5, 4, 3, 3),
            FOUR_PEOPLE_COMMENT if i == 0 else None,
            day=i + 2,
        )
    for i in range(6):  # P-03: six tech, two Finance
        add(f"eng{i}@acme.example", "Engineering", "P-03", (3, 3, 3, 3, 3), day=i + 3)
    add("bea.jones@acme.example", "Finance", "P-03", (1, 1, 1, 1, 1), SMALL_GROUP_COMMENT, 9)
    add("ivo.petrov@acme.example", "Finance", "P-03", (1, 2, 1, 1, 1), None, 9)
    return rows


def workbook_bytes() -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in (
        ("Initiatives", INITIATIVES),
        ("Objectives", OBJECTIVES),
        ("Feedback", _feedback()),
        ("Glossary", GLOSSARY),
    ):
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


RESPONDENT_NAMES = sorted({str(r[0]) for r in _feedback()[1:]})


def dataset() -> Dataset:
    result = import_files([SourceFile("briefs.xlsx", workbook_bytes())])
    assert not result.errors, result.errors
    return result.dataset
