"""The single source of truth for every table and field the workbench understands.

The importer (header recognition, coercion, validation), the blank templates, the labels on
every page and the docs all read this module, so a field is named, typed and explained once.
Adding a synonym here teaches the importer, the template comments and the docs at the same time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """How a cell's text is turned into a value (see ``alignment.values``)."""

    ID = "id"  # identifier: trimmed text, compared case- and whitespace-insensitively
    TEXT = "text"
    IDS = "ids"  # several identifiers in one cell: "G1, G3", "P-02; P-07"
    NUMBER = "number"  # decimal commas, percentages, thousands separators; sizes where declared
    LEVEL = "level"  # Very low .. Very high, from words, letters (L/M/H) or 1..5
    RATING = "rating"  # a rating on a declared scale, from numbers or words
    DATE = "date"  # Excel dates, ISO, day-first or month-first text dates, quarters
    PERIOD = "period"  # a month or quarter for time series
    STATUS = "status"
    CADENCE = "cadence"
    SIDE = "side"


@dataclass(frozen=True)
class Field:
    """One canonical column of a table."""

    name: str
    label: str
    kind: Kind
    help: str
    synonyms: tuple[str, ...] = ()
    # A sheet is read as this table only if a column holds the field, and a row without a value
    # is set aside (the glossary's business wording), unless ``fallback`` fills it.
    required: bool = False
    examples: tuple[str, str] = ("", "")
    # A field whose presence says a lot about which table a sheet holds (e.g. "influence" says
    # stakeholders); generic fields such as "name" say little.
    signal: float = 1.0
    # Value rules, read generically by ``alignment.values`` and ``alignment.validation``: the
    # smallest number that makes sense (a smaller one is dropped with a warning), and the words a
    # number may also be written as (effort's T-shirt sizes).
    minimum: float | None = None
    sizes: Mapping[str, float] | None = None
    # Row rules, read generically by ``alignment.ingest.tables``:
    # a blank value (or no column at all) takes this field's value from the same row, with a
    # warning for a blank cell (an initiative without a name is called by its ID);
    fallback: str | None = None
    # the cell's own text is also kept, cleaned, in this extra column (a target date still
    # shows as the 'Q3 2027' the user wrote);
    keep_text_as: str | None = None
    # the IDs name rows of this table (by its key): known ones are spelt as there, unknown ones
    # kept with a warning, and a row naming itself, in its own table, is ignored with a warning.
    references: str | None = None
    # The values the template's dropdown suggests, where the kind's own list does not fit
    # (a Fibonacci estimate is a number, but one of seven).
    choices: tuple[str, ...] = ()

    @property
    def minimum_message(self) -> str:
        """'an effort cannot be negative': the warning for a value below ``minimum``."""
        noun = self.label.lower()
        article = "an" if noun[:1] in "aeiou" else "a"
        limit = "be negative" if self.minimum == 0 else f"be below {self.minimum:g}"
        return f"{article} {noun} cannot {limit}"

    def fallback_message(self, value: object) -> str:
        """The warning for a blank value that took its ``fallback``'s: "No name given; the ID
        'P-03' is used as its name." """
        what = self.name.replace("_", " ")
        source = "ID" if self.fallback == "id" else str(self.fallback).replace("_", " ")
        return f"No {what} given; the {source} '{value}' is used as its {what}."

    def self_reference_message(self, ref: object) -> str:
        """The warning for a row that ``references`` itself: "'P-01' depends on itself; that
        dependency was ignored." (the label reads as a verb)."""
        return f"'{ref}' {self.label.lower()} itself; that dependency was ignored."

    def unknown_reference_message(self, ref: object) -> str:
        """The warning for an ID that is not in the table the field ``references``."""
        target = TABLE_BY_NAME[str(self.references)].label.lower()
        return (
            f"'{ref}' is not in the {target} table; the reference is kept but leads nowhere. "
            "Check the ID for a typo."
        )


@dataclass(frozen=True)
class Table:
    """One kind of table a user can bring."""

    name: str
    label: str
    help: str
    fields: tuple[Field, ...]
    sheet_names: tuple[str, ...]
    key: str | None = None  # the identifying field: a row without it is rejected, duplicates too
    # A sheet is read as this table only if a column holds one of these fields (a name and a
    # group alone could be anyone's list, not stakeholders).
    signature: tuple[str, ...] = ()

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def blank_message(self, field_name: str) -> str:
        """Why a row without a required value (other than the key, which has its own message)
        was set aside: "This term has no business wording; it was set aside." """
        row = self.field(self.key).label.lower() if self.key else "row"
        return f"This {row} has no {self.field(field_name).label.lower()}; it was set aside."


# --- rating dimensions ------------------------------------------------------------------------


DEFAULT_SCALE = (1, 5)
# The modified Fibonacci scale SAFe uses for relative estimates (WSJF's components).
FIBONACCI: tuple[int, ...] = (1, 2, 3, 5, 8, 13, 20)
FIBONACCI_SCALE = (FIBONACCI[0], FIBONACCI[-1])


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    question: str  # the template and workshop wording
    synonyms: tuple[str, ...]
    keywords: tuple[str, ...]  # words that, found in a survey question, point to this dimension
    # The scale a rating is read on when its header names none ("Time criticality (1-20)" does).
    scale: tuple[int, int] = DEFAULT_SCALE


# Estimates, not opinions: the WSJF components a respondent may give per initiative (business
# value is the alignment dimension above). They are read like ratings, on the Fibonacci scale
# unless the header says otherwise, but kept apart from the alignment scores (a big job is not
# a sign of alignment): the import puts them in ``Dataset.estimates``; only prioritisation
# (``alignment.prioritise``) reads them.
ESTIMATE_DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "time_criticality",
        "Time criticality",
        "How much does the value of this initiative decay if it waits?",
        (
            "time criticality",
            "time critical",
            "time sensitivity",
            "time criticality 1 20",
            "tc",
            "cost of delay urgency",
        ),
        ("time critical", "time sensitiv"),
        FIBONACCI_SCALE,
    ),
    Dimension(
        "risk_reduction",
        "Risk reduction",
        "How much risk does it reduce, or how much opportunity does it enable?",
        (
            "risk reduction",
            "risk reduction opportunity enablement",
            "risk reduction and opportunity enablement",
            "risk reduction or opportunity enablement",
            "opportunity enablement",
            "rr oe",
            "rroe",
            "rr",
        ),
        ("risk reduction", "opportunity enablement"),
        FIBONACCI_SCALE,
    ),
    Dimension(
        "job_size",
        "Job size",
        "How big is the job, relative to the others?",
        ("job size", "job duration", "wsjf size", "relative size", "size estimate"),
        ("job size",),
        FIBONACCI_SCALE,
    ),
)
ESTIMATE_FIELDS: tuple[str, ...] = tuple(d.name for d in ESTIMATE_DIMENSIONS)

# Opinions: the alignment dimensions every score, gap and heatmap averages.
DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "why_clarity",
        "Clarity of the why",
        "I understand why this initiative matters.",
        (
            "clarity of the why",
            "why clarity",
            "clarity of why",
            "clear why",
            "is the why clear",
            "why",
            "clarity",
            "understanding of the why",
            "purpose clarity",
        ),
        ("why", "purpose", "understand"),
    ),
    Dimension(
        "business_value",
        "Business value",
        "This initiative creates real value for the business.",
        (
            "business value",
            "value to the business",
            "value",
            "expected value",
            "benefit",
            "impact",
            "business impact",
        ),
        ("value", "benefit", "impact"),
    ),
    Dimension(
        "priority",
        "Priority",
        "This initiative is rightly prioritised now.",
        (
            "priority",
            "importance",
            "urgency",
            "should be a priority",
            "prioritisation",
            "prioritization",
        ),
        ("priorit", "important", "urgen"),
    ),
    Dimension(
        "confidence",
        "Confidence in delivery",
        "I am confident this initiative will be delivered as planned.",
        (
            "confidence in delivery",
            "delivery confidence",
            "confidence",
            "confident",
            "confidence it will ship",
            "will it deliver",
        ),
        ("confiden", "deliver", "ship"),
    ),
    Dimension(
        "communication",
        "Communication",
        "I am kept well informed about this initiative.",
        (
            "communication",
            "communication quality",
            "kept informed",
            "informed",
            "updates",
            "transparency",
        ),
        ("communicat", "informed", "update", "transparen"),
    ),
)
DIMENSION_BY_NAME = {d.name: d for d in (*DIMENSIONS, *ESTIMATE_DIMENSIONS)}

# Words people type instead of numbers. Agreement and frequency words land on a 1..5 scale;
# the importer rescales them linearly when a dimension is declared on another scale.
RATING_WORDS: dict[str, int] = {
    "strongly disagree": 1,
    "disagree strongly": 1,
    "totally disagree": 1,
    "disagree": 2,
    "somewhat disagree": 2,
    "mostly disagree": 2,
    "tend to disagree": 2,
    "neutral": 3,
    "neither agree nor disagree": 3,
    "neither": 3,
    "undecided": 3,
    "somewhat agree": 4,
    "agree": 4,
    "mostly agree": 4,
    "tend to agree": 4,
    "strongly agree": 5,
    "agree strongly": 5,
    "totally agree": 5,
    "completely agree": 5,
    "very low": 1,
    "low": 2,
    "medium": 3,
    "moderate": 3,
    "average": 3,
    "high": 4,
    "very high": 5,
    "not at all": 1,
    "slightly": 2,
    "a little": 2,
    "somewhat": 3,
    "partly": 3,
    "moderately": 3,
    "mostly": 4,
    "very": 4,
    "completely": 5,
    "fully": 5,
    "extremely": 5,
    "totally": 5,
    "very poor": 1,
    "poor": 2,
    "fair": 3,
    "ok": 3,
    "okay": 3,
    "good": 4,
    "very good": 5,
    "excellent": 5,
    "never": 1,
    "rarely": 2,
    "sometimes": 3,
    "often": 4,
    "always": 5,
    "very unclear": 1,
    "unclear": 2,
    "clear": 4,
    "very clear": 5,
}
# Sets of choice labels that survey tools export in place of numbers, each in scale order: a
# column whose labels all belong to one set (after a word they all share, such as "clear" in
# "Not at all clear" … "Completely clear", is taken away) is read by its place in the set.
ANCHOR_SETS: tuple[tuple[frozenset[str], ...], ...] = (
    (  # extent
        frozenset({"not at all"}),
        frozenset({"slightly", "a little", "a bit"}),
        frozenset({"moderately", "somewhat", "fairly"}),
        frozenset({"very", "quite"}),
        frozenset({"extremely", "completely", "fully", "totally"}),
    ),
    (  # amount
        frozenset({"none", "nothing", "no"}),
        frozenset({"little", "very little", "a little"}),
        frozenset({"some", "a moderate amount", "moderate"}),
        frozenset({"much", "a lot", "quite a bit", "a good deal"}),
        frozenset({"a great deal", "very much", "a huge amount"}),
    ),
    (  # likelihood
        frozenset({"very unlikely"}),
        frozenset({"unlikely"}),
        frozenset({"neutral", "neither likely nor unlikely", "unsure"}),
        frozenset({"likely"}),
        frozenset({"very likely"}),
    ),
    (  # satisfaction
        frozenset({"very dissatisfied"}),
        frozenset({"dissatisfied"}),
        frozenset({"neutral", "neither satisfied nor dissatisfied"}),
        frozenset({"satisfied"}),
        frozenset({"very satisfied"}),
    ),
)
# Answers that mean "no rating", not a bad rating: they become missing without a warning.
NON_ANSWERS = frozenset(
    {
        "",
        "n/a",
        "na",
        "n.a.",
        "-",
        "--",
        "—",
        "?",
        "don't know",
        "dont know",
        "do not know",
        "not applicable",
        "no opinion",
        "skip",
        "skipped",
        "none",
        "nan",
        "null",
    }
)

LEVELS: tuple[str, ...] = ("Very low", "Low", "Medium", "High", "Very high")
LEVEL_WORDS: dict[str, int] = {
    "very low": 1,
    "vl": 1,
    "minimal": 1,
    "none": 1,
    "low": 2,
    "l": 2,
    "small": 2,
    "minor": 2,
    "medium": 3,
    "m": 3,
    "med": 3,
    "moderate": 3,
    "mid": 3,
    "average": 3,
    "high": 4,
    "h": 4,
    "large": 4,
    "major": 4,
    "significant": 4,
    "very high": 5,
    "vh": 5,
    "critical": 5,
    "huge": 5,
    "extreme": 5,
}

# Effort arrives as numbers (points, person-weeks) or as T-shirt sizes; sizes become
# Fibonacci-like points so that "share of effort" still means something.
TSHIRT_SIZES: dict[str, float] = {
    "xxs": 0.5,
    "xs": 1,
    "s": 2,
    "small": 2,
    "m": 3,
    "medium": 3,
    "l": 5,
    "large": 5,
    "xl": 8,
    "x large": 8,
    "extra large": 8,
    "xxl": 13,
}

# RICE's impact scale, as the words people write for it.
RICE_IMPACT: dict[str, float] = {
    "massive": 3,
    "very high": 3,
    "high": 2,
    "medium": 1,
    "moderate": 1,
    "low": 0.5,
    "minimal": 0.25,
    "very low": 0.25,
}

STATUSES: tuple[str, ...] = (
    "Idea",
    "Planned",
    "In progress",
    "At risk",
    "Blocked",
    "On hold",
    "Done",
    "Cancelled",
)
STATUS_WORDS: dict[str, str] = {
    "idea": "Idea",
    "backlog": "Idea",
    "proposed": "Idea",
    "discovery": "Idea",
    "draft": "Idea",
    "planned": "Planned",
    "not started": "Planned",
    "to do": "Planned",
    "todo": "Planned",
    "scheduled": "Planned",
    "committed": "Planned",
    "ready": "Planned",
    "in progress": "In progress",
    "wip": "In progress",
    "ongoing": "In progress",
    "active": "In progress",
    "in flight": "In progress",
    "doing": "In progress",
    "started": "In progress",
    "on track": "In progress",
    "green": "In progress",
    "at risk": "At risk",
    "amber": "At risk",
    "yellow": "At risk",
    "late": "At risk",
    "delayed": "At risk",
    "slipping": "At risk",
    "behind": "At risk",
    "red": "At risk",
    "blocked": "Blocked",
    "stuck": "Blocked",
    "waiting": "Blocked",
    "on hold": "On hold",
    "paused": "On hold",
    "parked": "On hold",
    "deferred": "On hold",
    "done": "Done",
    "complete": "Done",
    "completed": "Done",
    "shipped": "Done",
    "live": "Done",
    "delivered": "Done",
    "released": "Done",
    "closed": "Done",
    "cancelled": "Cancelled",
    "canceled": "Cancelled",
    "dropped": "Cancelled",
    "abandoned": "Cancelled",
    "stopped": "Cancelled",
}
AT_RISK_STATUSES = frozenset({"At risk", "Blocked", "On hold"})
OPEN_STATUSES = frozenset({"Idea", "Planned", "In progress", "At risk", "Blocked", "On hold"})

CADENCES: dict[str, int] = {"weekly": 7, "fortnightly": 14, "monthly": 30, "quarterly": 91}
CADENCE_WORDS: dict[str, str] = {
    "weekly": "weekly",
    "every week": "weekly",
    "1w": "weekly",
    "week": "weekly",
    "biweekly": "fortnightly",
    "bi weekly": "fortnightly",
    "fortnightly": "fortnightly",
    "every 2 weeks": "fortnightly",
    "every two weeks": "fortnightly",
    "2w": "fortnightly",
    "monthly": "monthly",
    "every month": "monthly",
    "1m": "monthly",
    "month": "monthly",
    "quarterly": "quarterly",
    "every quarter": "quarterly",
    "every 3 months": "quarterly",
    "3m": "quarterly",
    "quarter": "quarterly",
}
DEFAULT_CADENCE = "monthly"

SIDES: tuple[str, ...] = ("tech", "business")
SIDE_LABELS = {"tech": "Tech", "business": "Business", "unknown": "Unassigned"}
SIDE_WORDS: dict[str, str] = {
    "tech": "tech",
    "technical": "tech",
    "technology": "tech",
    "engineering": "tech",
    "it": "tech",
    "t": "tech",
    "dev": "tech",
    "development": "tech",
    "product & tech": "tech",
    "business": "business",
    "biz": "business",
    "b": "business",
    "non technical": "business",
    "non tech": "business",
    "commercial": "business",
    "the business": "business",
}
# Group names that point to a side, matched as whole words in the group's name. The Data page
# shows the result and lets the user override any group.
DEFAULT_TECH_GROUPS: tuple[str, ...] = (
    "engineering",
    "engineer",
    "engineers",
    "data",
    "it",
    "platform",
    "infrastructure",
    "infra",
    "devops",
    "sre",
    "security",
    "architecture",
    "development",
    "developers",
    "dev",
    "qa",
    "testing",
    "tech",
    "technology",
    "software",
    "backend",
    "frontend",
    "mobile",
    "cloud",
    "analytics",
    "machine learning",
    "ml",
    "ai",
    "r&d",
    "research and development",
    "product engineering",
)
DEFAULT_BUSINESS_GROUPS: tuple[str, ...] = (
    "sales",
    "finance",
    "marketing",
    "operations",
    "ops",
    "customer",
    "support",
    "success",
    "hr",
    "people",
    "legal",
    "compliance",
    "procurement",
    "executive",
    "leadership",
    "board",
    "management",
    "strategy",
    "commercial",
    "partnerships",
    "account",
    "accounts",
    "revenue",
    "risk",
    "audit",
    "business",
    "product",
    "service",
    "care",
    "growth",
    "brand",
    "merchandising",
)


# --- tables -----------------------------------------------------------------------------------

INITIATIVES = Table(
    name="initiatives",
    label="Initiatives",
    help="Your roadmap: one row per initiative, project or epic.",
    key="id",
    sheet_names=(
        "initiatives",
        "initiative",
        "projects",
        "project list",
        "roadmap",
        "portfolio",
        "epics",
        "programmes",
        "programs",
        "backlog",
    ),
    fields=(
        Field(
            "id",
            "Initiative ID",
            Kind.ID,
            "A short unique code, e.g. P-01. Feedback, indicators and dependencies refer to it.",
            (
                "initiative id",
                "id",
                "proj #",
                "project id",
                "project #",
                "ref",
                "reference",
                "key",
                "code",
                "#",
                "no",
                "number",
                "project no",
                "project ref",
                "epic id",
            ),
            required=True,
            examples=("P-01", "P-02"),
            signal=0.5,
        ),
        Field(
            "name",
            "Name",
            Kind.TEXT,
            "The initiative's everyday name.",
            (
                "name",
                "initiative",
                "project name",
                "project",
                "title",
                "initiative name",
                "epic",
                "programme",
            ),
            required=True,
            examples=("Self-service onboarding", "Billing migration"),
            signal=0.5,
            fallback="id",
        ),
        Field(
            "description",
            "Description",
            Kind.TEXT,
            "What it is, in a sentence or two.",
            ("description", "summary", "what", "details", "scope", "what is it", "overview"),
            examples=(
                "Let new customers sign up without a sales call.",
                "Move invoicing off the legacy billing system.",
            ),
        ),
        Field(
            "owner",
            "Owner",
            Kind.TEXT,
            "The person accountable for it.",
            (
                "owner",
                "lead",
                "accountable",
                "project lead",
                "dri",
                "sponsor",
                "responsible",
                "project owner",
            ),
            examples=("Dana Ruiz", "Sam Okafor"),
            signal=0.7,
        ),
        Field(
            "team",
            "Team",
            Kind.TEXT,
            "The delivery team.",
            ("team", "squad", "delivery team", "owning team", "tribe", "your team", "department"),
            examples=("Growth", "Payments"),
            signal=0.6,
        ),
        Field(
            "objective_ids",
            "Objective(s)",
            Kind.IDS,
            "The objective IDs it serves; several separated by commas.",
            (
                "objective ids",
                "objectives",
                "objective",
                "objective s",
                "strategic goals",
                "strategic goal",
                "goals",
                "goal",
                "okr",
                "okrs",
                "strategic objective",
                "strategic objectives",
                "serves objective",
                "objective id",
                "goal ids",
            ),
            examples=("G1", "G1, G2"),
            signal=2,
            references="objectives",
        ),
        Field(
            "why",
            "Why",
            Kind.TEXT,
            "Why it matters to the business, in words a non-technical colleague could repeat.",
            (
                "why",
                "why it matters",
                "rationale",
                "business case",
                "purpose",
                "reason",
                "the why",
                "why are we doing this",
                "justification",
                "problem statement",
            ),
            examples=(
                "Sales spends 30% of its time on manual sign-ups.",
                "Legacy billing cannot support annual plans.",
            ),
            signal=2,
        ),
        Field(
            "business_value",
            "Business value",
            Kind.LEVEL,
            "Expected value: Very low, Low, Medium, High, Very high (or 1 to 5, or L/M/H).",
            (
                "business value",
                "value",
                "expected value",
                "benefit",
                "value h m l",
                "value score",
            ),
            examples=("High", "Medium"),
            signal=1.5,
        ),
        Field(
            "effort",
            "Effort",
            Kind.NUMBER,
            "Size of the work, as a number (points, "
            "person-weeks) or a T-shirt size (XS, S, M, L, XL).",
            (
                "effort",
                "size",
                "estimate",
                "story points",
                "points",
                "person weeks",
                "person days",
                "cost",
                "t shirt size",
                "t shirt",
                "effort estimate",
                "fte",
            ),
            examples=("8", "13"),
            signal=1.5,
            minimum=0,
            sizes=TSHIRT_SIZES,
        ),
        Field(
            "risk",
            "Risk",
            Kind.LEVEL,
            "Delivery risk: Very low to Very high (or 1 to 5, or L/M/H).",
            ("risk", "risk level", "delivery risk", "risk rating"),
            examples=("Low", "High"),
            signal=1.5,
        ),
        Field(
            "status",
            "Status",
            Kind.STATUS,
            "One of: " + ", ".join(STATUSES) + ".",
            ("status", "state", "rag", "health", "rag status", "progress"),
            examples=("In progress", "At risk"),
            signal=1.5,
        ),
        Field(
            "target",
            "Target",
            Kind.DATE,
            "Target date or quarter, e.g. 2027-09-30 or Q3 2027.",
            (
                "target",
                "target date",
                "due",
                "due date",
                "deadline",
                "quarter",
                "target quarter",
                "eta",
                "delivery date",
                "when",
                "go live",
                "release",
            ),
            examples=("Q2 2027", "2027-09-30"),
            signal=1.5,
            keep_text_as="target_label",
        ),
        Field(
            "depends_on",
            "Depends on",
            Kind.IDS,
            "IDs of initiatives that must land first; several separated by commas.",
            (
                "depends on",
                "dependencies",
                "dependency",
                "blocked by",
                "prerequisites",
                "upstream",
                "requires",
                "predecessors",
                "depends",
            ),
            examples=("", "P-01"),
            signal=2,
            references="initiatives",
        ),
        # Prioritisation (alignment.prioritise): RICE's reach, impact and confidence, and
        # WSJF's time criticality, risk reduction and job size. All optional; a model whose
        # component is missing names it rather than counting it as zero.
        Field(
            "reach",
            "Reach",
            Kind.NUMBER,
            "RICE: how many people or events it reaches per quarter (customers, orders, users).",
            ("reach", "reach per quarter", "users reached", "customers reached", "audience"),
            examples=("1200", "300"),
            signal=2,
            minimum=0,
        ),
        Field(
            "impact",
            "Impact",
            Kind.NUMBER,
            "RICE: the effect on each one reached: 3 massive, 2 high, 1 medium, 0.5 low, "
            "0.25 minimal (or those words).",
            ("impact", "rice impact", "impact score", "impact per user"),
            examples=("2", "0.5"),
            signal=1.5,
            minimum=0,
            sizes=RICE_IMPACT,
            choices=("3", "2", "1", "0.5", "0.25"),
        ),
        Field(
            "confidence",
            "Confidence",
            Kind.NUMBER,
            "RICE: how sure the estimates are, in percent: 100 high, 80 medium, 50 low "
            "('80%' and 0.8 are read the same way).",
            ("confidence", "rice confidence", "confidence %", "certainty", "estimate confidence"),
            examples=("80", "50"),
            signal=1.5,
            minimum=0,
            choices=("100", "80", "50"),
        ),
        Field(
            "time_criticality",
            "Time criticality",
            Kind.NUMBER,
            "WSJF: how much the value decays if it waits, on the Fibonacci scale "
            + ", ".join(map(str, FIBONACCI))
            + ".",
            ESTIMATE_DIMENSIONS[0].synonyms,
            examples=("13", "3"),
            signal=2.5,
            minimum=0,
            choices=tuple(str(v) for v in FIBONACCI),
        ),
        Field(
            "risk_reduction",
            "Risk reduction",
            Kind.NUMBER,
            "WSJF: risk reduction or opportunity enablement, on the Fibonacci scale "
            + ", ".join(map(str, FIBONACCI))
            + ".",
            ESTIMATE_DIMENSIONS[1].synonyms,
            examples=("5", "8"),
            signal=2.5,
            minimum=0,
            choices=tuple(str(v) for v in FIBONACCI),
        ),
        Field(
            "job_size",
            "Job size",
            Kind.NUMBER,
            "WSJF: the job's size relative to the others, on the Fibonacci scale "
            + ", ".join(map(str, FIBONACCI))
            + ".",
            ESTIMATE_DIMENSIONS[2].synonyms,
            examples=("8", "13"),
            signal=2.5,
            minimum=0,
            choices=tuple(str(v) for v in FIBONACCI),
        ),
        Field(
            "kpi",
            "KPI",
            Kind.TEXT,
            "The measure of success it should move.",
            (
                "kpi",
                "success metric",
                "measure of success",
                "key result",
                "metric",
                "kpis",
                "success measure",
                "target metric",
            ),
            examples=("Sign-up conversion", "Days sales outstanding"),
            signal=1.5,
        ),
    ),
)

OBJECTIVES = Table(
    name="objectives",
    label="Objectives",
    help="The strategy: one row per business objective, with its weight.",
    key="id",
    sheet_names=(
        "objectives",
        "objective",
        "strategy",
        "goals",
        "okrs",
        "strategic goals",
        "strategic objectives",
        "priorities",
    ),
    fields=(
        Field(
            "id",
            "Objective ID",
            Kind.ID,
            "A short unique code, e.g. G1. Initiatives refer to it.",
            ("objective id", "id", "goal id", "okr id", "ref", "code", "key", "#", "no"),
            required=True,
            examples=("G1", "G2"),
            signal=0.5,
        ),
        Field(
            "name",
            "Objective",
            Kind.TEXT,
            "The objective in a few words.",
            ("objective", "name", "goal", "strategic goal", "objective name", "title", "okr"),
            required=True,
            examples=("Grow SMB revenue", "Cut cost to serve"),
            signal=0.5,
            fallback="id",
        ),
        Field(
            "weight",
            "Weight",
            Kind.NUMBER,
            "How much it counts, as a number or a percentage; "
            "weights are compared as shares of their total.",
            (
                "weight",
                "priority weight",
                "importance",
                "weighting",
                "share",
                "%",
                "priority",
                "weight %",
            ),
            examples=("40", "25"),
            signal=2,
            minimum=0,
        ),
        Field(
            "description",
            "Description",
            Kind.TEXT,
            "What success looks like.",
            ("description", "details", "summary", "success looks like"),
            examples=("Double self-serve revenue by 2027.", "Lower support cost per order."),
        ),
        Field(
            "owner",
            "Owner",
            Kind.TEXT,
            "The executive accountable for it.",
            ("owner", "sponsor", "executive", "accountable"),
            examples=("CFO", "COO"),
            signal=0.5,
        ),
    ),
)

FEEDBACK = Table(
    name="feedback",
    label="Feedback",
    help="Stakeholder ratings of initiatives: wide (a column per dimension), long (a dimension "
    "and a score column) or a survey export (a column per 'Question [Initiative]').",
    sheet_names=(
        "feedback",
        "survey",
        "responses",
        "ratings",
        "form responses",
        "form responses 1",
        "answers",
        "votes",
        "results",
        "stakeholder feedback",
        "pulse",
    ),
    fields=(
        Field(
            "respondent",
            "Respondent",
            Kind.TEXT,
            "Who answered (optional; used only to count people once, never shown).",
            (
                "respondent",
                "respondent id",
                "email",
                "email address",
                "your name",
                "name",
                "participant",
                "responder",
                "user",
                "username",
                "person",
            ),
            examples=("r-101", "r-102"),
            signal=1,
        ),
        Field(
            "group",
            "Group",
            Kind.TEXT,
            "The respondent's department or team.",
            (
                "group",
                "department",
                "team",
                "your team",
                "function",
                "business unit",
                "dept",
                "your department",
                "unit",
                "area",
                "division",
                "stakeholder group",
            ),
            examples=("Sales", "Engineering"),
            signal=1,
        ),
        Field(
            "side",
            "Side",
            Kind.SIDE,
            "tech or business; inferred from the group when left empty.",
            ("side", "tech or business", "camp", "tech business", "perspective"),
            examples=("business", "tech"),
            signal=1.5,
        ),
        Field(
            "initiative",
            "Initiative",
            Kind.ID,
            "The initiative rated, by ID or by name.",
            (
                "initiative",
                "initiative id",
                "project",
                "project name",
                "item",
                "project id",
                "initiative name",
                "epic",
            ),
            required=True,
            examples=("P-01", "P-02"),
            signal=1.5,
        ),
        *(
            Field(
                d.name,
                d.label,
                Kind.RATING,
                f"Rating, {DEFAULT_SCALE[0]} to {DEFAULT_SCALE[1]} "
                f"unless the header says otherwise (e.g. '{d.label} (1-7)'): '{d.question}'",
                d.synonyms,
                examples=("4", "2"),
                signal=2,
            )
            for d in DIMENSIONS
        ),
        *(
            Field(
                d.name,
                d.label,
                Kind.RATING,
                f"Optional estimate for prioritisation (WSJF), on the Fibonacci scale "
                f"{', '.join(map(str, FIBONACCI))} unless the header says otherwise: "
                f"'{d.question}' Kept apart from the alignment scores.",
                d.synonyms,
                examples=("8", "3"),
                signal=2,
                choices=tuple(str(v) for v in FIBONACCI),
            )
            for d in ESTIMATE_DIMENSIONS
        ),
        Field(
            "dimension",
            "Dimension",
            Kind.TEXT,
            "Long form only: which dimension the score rates.",
            ("dimension", "question", "aspect", "criterion", "criteria", "measure", "statement"),
            examples=("", ""),
            signal=2,
        ),
        Field(
            "score",
            "Score",
            Kind.RATING,
            "Long form only: the rating of that dimension.",
            ("score", "rating", "answer", "response", "value", "points"),
            examples=("", ""),
            signal=1,
        ),
        Field(
            "comment",
            "Comment",
            Kind.TEXT,
            "Free text. Shown only for groups large enough to stay anonymous.",
            (
                "comment",
                "comments",
                "feedback",
                "notes",
                "remarks",
                "anything else",
                "free text",
                "why this rating",
                "open feedback",
            ),
            examples=("Clear value, unclear timeline.", ""),
            signal=1,
        ),
        Field(
            "date",
            "Date",
            Kind.DATE,
            "When the answer was given.",
            (
                "date",
                "timestamp",
                "submitted",
                "submitted at",
                "response date",
                "completed",
                "submission date",
                "created",
                "time",
            ),
            examples=("2026-09-14", "2026-09-15"),
            signal=1,
        ),
    ),
)
FEEDBACK_RATING_FIELDS: tuple[str, ...] = tuple(d.name for d in (*DIMENSIONS, *ESTIMATE_DIMENSIONS))

INDICATORS = Table(
    name="indicators",
    label="Indicators",
    help="Monthly numbers per team or initiative: long (period, scope, metric, value) or wide "
    "(a column per metric).",
    sheet_names=(
        "indicators",
        "metrics",
        "kpis",
        "leading indicators",
        "monthly indicators",
        "health",
        "signals",
        "monthly numbers",
    ),
    fields=(
        Field(
            "period",
            "Period",
            Kind.PERIOD,
            "Month (2026-03), quarter (Q1 2026) or date.",
            (
                "period",
                "month",
                "date",
                "week",
                "quarter",
                "reporting period",
                "as of",
                "period start",
            ),
            required=True,
            examples=("2026-01", "2026-02"),
            signal=1.5,
        ),
        Field(
            "scope",
            "Scope",
            Kind.TEXT,
            "The team or initiative the number is about.",
            ("scope", "team", "initiative", "area", "squad", "project", "unit", "entity"),
            examples=("Payments", "Payments"),
            signal=1,
        ),
        Field(
            "metric",
            "Metric",
            Kind.TEXT,
            "Long form only: the indicator's name, e.g. escalations, risk, quality delta.",
            ("metric", "indicator", "kpi", "measure", "signal", "metric name", "indicator name"),
            examples=("escalations", "escalations"),
            signal=2,
        ),
        Field(
            "value",
            "Value",
            Kind.NUMBER,
            "Long form only: the number.",
            ("value", "count", "amount", "number", "reading", "result", "score"),
            examples=("4", "7"),
            signal=1,
        ),
    ),
)
INDICATOR_METRICS: dict[str, tuple[str, ...]] = {
    "escalations": (
        "escalations",
        "# escalations",
        "number of escalations",
        "escalation count",
        "escalation",
        "incidents escalated",
    ),
    "risk": ("risk", "risk score", "risk metric", "risk index", "open risks", "risks"),
    "quality_delta": (
        "quality delta",
        "output quality delta",
        "quality",
        "defect rate delta",
        "quality change",
        "qa delta",
    ),
}

STAKEHOLDERS = Table(
    name="stakeholders",
    label="Stakeholders",
    help="The people whose support the roadmap needs, and when you last had a 1:1.",
    key="name",
    signature=("influence", "interest", "last_1on1", "cadence", "role"),
    sheet_names=(
        "stakeholders",
        "stakeholder map",
        "people",
        "contacts",
        "1 1s",
        "one on ones",
        "1on1s",
        "stakeholder list",
    ),
    fields=(
        Field(
            "name",
            "Name",
            Kind.ID,
            "The stakeholder's name.",
            ("name", "stakeholder", "person", "full name", "stakeholder name", "contact"),
            required=True,
            examples=("Priya Shah", "Tom Becker"),
            signal=0.5,
        ),
        Field(
            "role",
            "Role",
            Kind.TEXT,
            "Their job title, e.g. CFO or Head of Sales.",
            ("role", "title", "job title", "position"),
            examples=("CFO", "Head of Sales"),
            signal=1,
        ),
        Field(
            "group",
            "Group",
            Kind.TEXT,
            "Department or team.",
            ("group", "department", "function", "team", "business unit", "dept"),
            examples=("Finance", "Sales"),
            signal=0.5,
        ),
        Field(
            "side",
            "Side",
            Kind.SIDE,
            "tech or business; inferred from the group when empty.",
            ("side", "tech or business"),
            examples=("business", "business"),
            signal=1,
        ),
        Field(
            "influence",
            "Influence",
            Kind.LEVEL,
            "Power over the roadmap: 1 to 5 or Low/Medium/High.",
            ("influence", "power", "authority", "influence level", "decision power"),
            examples=("Very high", "High"),
            signal=2.5,
        ),
        Field(
            "interest",
            "Interest",
            Kind.LEVEL,
            "How much they care: 1 to 5 or Low/Medium/High.",
            ("interest", "engagement", "interest level", "stake"),
            examples=("High", "Medium"),
            signal=2.5,
        ),
        Field(
            "last_1on1",
            "Last 1:1",
            Kind.DATE,
            "Date of the last one-to-one.",
            (
                "last 1 1",
                "last one on one",
                "last 1on1",
                "last met",
                "last meeting",
                "last 1 on 1",
                "last 1 1 date",
                "last catch up",
                "last contact",
            ),
            examples=("2026-10-02", "2026-08-20"),
            signal=3,
        ),
        Field(
            "cadence",
            "Cadence",
            Kind.CADENCE,
            "How often you mean to meet: weekly, "
            "fortnightly, monthly (default), quarterly, or a number of days.",
            ("cadence", "frequency", "1 1 cadence", "meet every", "meeting frequency", "how often"),
            examples=("monthly", "quarterly"),
            signal=2.5,
        ),
    ),
)

GLOSSARY = Table(
    name="glossary",
    label="Glossary",
    help="Your organisation's technical terms and their plain business wording.",
    key="term",
    sheet_names=("glossary", "terms", "jargon", "dictionary", "vocabulary", "definitions"),
    fields=(
        Field(
            "term",
            "Term",
            Kind.ID,
            "The technical term as people write it.",
            ("term", "jargon", "technical term", "word", "acronym", "tech term"),
            required=True,
            examples=("Kafka", "Tech debt"),
            signal=2,
        ),
        Field(
            "plain",
            "Business wording",
            Kind.TEXT,
            "What it means, in plain business words.",
            (
                "business wording",
                "plain meaning",
                "meaning",
                "explanation",
                "definition",
                "in plain words",
                "plain english",
                "business meaning",
                "plain",
            ),
            required=True,
            examples=(
                "the system that passes events between our services",
                "shortcuts that slow future work",
            ),
            signal=2,
        ),
    ),
)

TABLES: tuple[Table, ...] = (INITIATIVES, OBJECTIVES, FEEDBACK, INDICATORS, STAKEHOLDERS, GLOSSARY)
TABLE_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}


def sizes_for(field_name: str) -> Mapping[str, float] | None:
    """The size words a field of this name accepts (effort: T-shirt sizes), for callers that
    know only the field's name; a field name means the same thing in every table."""
    for table in TABLES:
        for f in table.fields:
            if f.name == field_name and f.sizes:
                return f.sizes
    return None


# --- header normalisation ---------------------------------------------------------------------

_PLURAL_S = re.compile(r"\((e?s)\)", re.IGNORECASE)
_BRACKETED = re.compile(r"[\(\[\{][^\)\]\}]*[\)\]\}]")
_NON_ALNUM = re.compile(r"[^0-9a-z#%&]+")
_SCALE_IN_HEADER = re.compile(r"(\d+)\s*(?:-|–|—|to|\.\.)\s*(\d+)")


def normalise_header(text: object) -> str:
    """Fold a header for comparison: 'Strategic goal(s) (see tab 2)' -> 'strategic goals'."""
    s = str(text or "").strip().lower()
    s = _PLURAL_S.sub(r"\1", s)
    stripped = _BRACKETED.sub(" ", s)
    if stripped.strip():
        s = stripped
    s = s.replace("1:1", "1 1").replace("1-1", "1 1")
    return " ".join(_NON_ALNUM.sub(" ", s).split())


def scale_from_header(text: object) -> tuple[int, int] | None:
    """A scale written in a header, e.g. 'Business value (1-7)' -> (1, 7)."""
    m = _SCALE_IN_HEADER.search(str(text or ""))
    if not m:
        return None
    lo, hi = int(m.group(1)), int(m.group(2))
    if 0 <= lo < hi <= 100:
        return lo, hi
    return None


def fold_key(value: object) -> str:
    """Case- and whitespace-insensitive key used to match IDs and names across tables."""
    return " ".join(str(value).split()).casefold()


# The feedback template uses the wide form (a column per dimension), so the long form's
# dimension/score pair is left out; indicators use the long form and keep every field.
# (Here rather than in alignment.templates, which loads openpyxl: the live workshop names its
# export's columns with these and should not load a spreadsheet writer to do it.)
_LONG_FORM_ONLY: dict[str, frozenset[str]] = {
    # .field() raises at import if the schema renames them, instead of silently keeping them.
    FEEDBACK.name: frozenset(FEEDBACK.field(n).name for n in ("dimension", "score")),
}


def template_fields(table: Table) -> tuple[Field, ...]:
    """The columns of ``table``'s template sheet, in schema order (feedback in wide form)."""
    skip = _LONG_FORM_ONLY.get(table.name, frozenset())
    return tuple(f for f in table.fields if f.name not in skip)
