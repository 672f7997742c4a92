"""Translator briefs, the facts: what one initiative is, why, and how each side sees it.

The first of the seven steps asks the tech leader to be a translator: package technical work as
business context, and distil business objectives into the engineers' context. This module
gathers the facts for one initiative (its WHY and objectives, value, effort, risk,
dependencies, how each side rates it) and for the portfolio; ``alignment.briefs.render`` turns
them into text.

What callers can rely on:

- **Deterministic**: the same data and privacy thresholds give the same facts (no clock, no
  randomness, stable sorting). No network.
- **Anonymity**: every figure comes from the masked views of ``alignment.scoring``; a hidden
  side or dimension is described ("fewer than 3 respondents"), never given a number. Comments
  are quoted only from cells that pass ``k_comments`` (``scoring.drilldown`` decides), and never
  with a respondent code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from alignment import coverage as coverage_mod
from alignment import indicators, schema, scoring
from alignment.briefs import glossary as glossary_mod
from alignment.dataset import Dataset
from alignment.privacy import Privacy

Tone = Literal["concise", "detailed"]
TONES: tuple[Tone, ...] = ("concise", "detailed")
KINDS = ("business", "engineering", "portfolio")
KIND_LABELS = {
    "business": "Business brief",
    "engineering": "Engineering brief",
    "portfolio": "Portfolio brief",
}
SIDE_LABELS = {"tech": "Tech", "business": "Business"}
CLEAR_GAP = 15.0  # points: a clear gap this large is worth a conversation
# scoring.misalignment from which the portfolio lists an initiative as "where they do not agree":
# a clear 10-point gap, an unclear 20-point one, or a split room.
MISALIGNED = 10.0
LIMITS = {
    "concise": {"comments": 1, "gaps": 2, "groups": 4, "people": 4, "list": 3, "asks": 3},
    "detailed": {"comments": 3, "gaps": 5, "groups": 12, "people": 8, "list": 6, "asks": 8},
}


# --- facts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveRef:
    id: str
    name: str
    weight: float | None
    share: float | None  # % of all objectives' weight
    rank: int | None  # 1 = heaviest objective
    known: bool = True


@dataclass(frozen=True)
class DependencyRef:
    id: str
    name: str
    status: str
    target: str
    known: bool
    at_risk: bool
    later: bool  # due after the initiative that waits on it
    objectives: tuple[ObjectiveRef, ...] = ()


@dataclass(frozen=True)
class SideView:
    """One side's view of an initiative, as far as anonymity allows."""

    side: str
    label: str
    shown: bool
    n: int | None = None
    score: float | None = None
    rwg: float | None = None
    polarised: bool = False
    hidden: str = ""  # why no figure: "fewer than 3 respondents", "nobody on this side…"
    comments: tuple[str, ...] = ()
    comments_note: str = ""

    @property
    def agrees(self) -> bool | None:
        return None if self.rwg is None else self.rwg >= scoring.AGREEMENT_THRESHOLD


@dataclass(frozen=True)
class GapView:
    dimension: str
    label: str
    tech: float
    business: float
    gap: float
    low: float | None
    high: float | None
    clear: bool | None
    n_tech: int
    n_business: int

    @property
    def higher(self) -> str:
        return "tech" if self.gap > 0 else "business"

    @property
    def lower(self) -> str:
        return "business" if self.gap > 0 else "tech"


@dataclass(frozen=True)
class GroupView:
    group: str
    side: str
    n: int
    score: float
    rwg: float | None
    polarised: bool


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    group: str


@dataclass(frozen=True)
class Item:
    """An ask or a talking point: a code the templates phrase, with what they need."""

    code: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InitiativeFacts:
    """Everything a brief may say about one initiative; masked figures are simply absent."""

    id: str
    name: str
    description: str
    why: str
    has_why: bool
    owner: str
    team: str
    kpi: str
    status: str
    target: str
    value: str
    value_level: int | None
    risk: str
    risk_level: int | None
    effort: float | None
    effort_share: float | None
    effort_larger_than: float | None  # % of initiatives with less effort
    objectives: tuple[ObjectiveRef, ...]
    unknown_objectives: tuple[str, ...]
    depends_on: tuple[DependencyRef, ...]
    waited_on_by: tuple[DependencyRef, ...]
    priority_rank: int | None
    priority_of: int
    sides: tuple[SideView, SideView]
    n_total: int | None
    overall_masked: bool
    gap: float | None
    gap_low: float | None
    gap_high: float | None
    gap_clear: bool | None
    gaps: tuple[GapView, ...]  # shown dimensions, largest clear gap first
    hidden_dimensions: int
    top_gap: GapView | None
    groups: tuple[GroupView, ...]
    hidden_groups: int
    people: tuple[Person, ...]
    jargon: tuple[glossary_mod.Term, ...]
    asks: tuple[Item, ...]
    talking_points: tuple[Item, ...]
    # "Ranked 4th (range 2–6) of 30 by WSJF; the business ranks it higher (…) because …",
    # from alignment.prioritise; "" when no model ranks it.
    ranking: str = ""

    @property
    def has_feedback(self) -> bool:
        return self.n_total is not None or self.overall_masked

    @property
    def at_risk(self) -> bool:
        return self.status in schema.AT_RISK_STATUSES

    @property
    def downstream_objectives(self) -> tuple[ObjectiveRef, ...]:
        """The objectives of the initiatives that wait on this one, heaviest first."""
        found = {o.id: o for d in self.waited_on_by for o in d.objectives}
        return tuple(sorted(found.values(), key=lambda o: (o.rank or 99, o.id)))


@dataclass(frozen=True)
class Brief:
    """One generated brief: Markdown the user may edit before export."""

    kind: str  # business | engineering | portfolio
    initiative_id: str | None
    title: str
    markdown: str

    @property
    def key(self) -> str:
        return f"{self.initiative_id or 'portfolio'}/{self.kind}"

    @property
    def stem(self) -> str:
        """A safe file name stem: "P-07-business", "portfolio"."""
        if self.initiative_id is None:
            return "portfolio"
        ident = re.sub(r"[^A-Za-z0-9_-]+", "-", self.initiative_id).strip("-") or "initiative"
        return f"{ident}-{self.kind}"


# --- inputs computed once per dataset ----------------------------------------------------------


def _text(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return " ".join(str(value).split())


def _num(value: object) -> float | None:
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _ids(value: object) -> tuple[str, ...]:
    if isinstance(value, tuple | list):
        return tuple(str(v) for v in value if _text(v))
    return ()


def _target(row: Mapping[str, Any]) -> str:
    """The target as the user wrote it ("Q1 2027"); a bare date reads "29 Jan 2027"."""
    label = _text(row.get("target_label"))
    target = row.get("target")
    if isinstance(target, pd.Timestamp) and re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", label):
        return f"{target.day} {target:%b %Y}"
    return label


def _level(value: object) -> int | None:
    text = _text(value)
    return schema.LEVELS.index(text) + 1 if text in schema.LEVELS else None


def _opt_float(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    f = float(value)  # type: ignore[arg-type]
    return None if math.isnan(f) else f


def _clip(value: float | None) -> float | None:
    """A gap cannot pass ±100 points, even where a small sample's t interval does."""
    return None if value is None else min(100.0, max(-100.0, value))


def _opt_bool(value: object) -> bool | None:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return bool(value)


@dataclass(frozen=True)
class BriefData:
    """The inputs every brief reads, computed once per dataset, privacy and glossary."""

    dataset: Dataset
    privacy: Privacy
    glossary: glossary_mod.Glossary
    feedback: pd.DataFrame  # prepared (scoring.prepare)
    views: scoring.Views
    coverage: coverage_mod.Coverage
    objectives: Mapping[str, ObjectiveRef]
    priority: Mapping[str, int]  # initiative id -> rank among open initiatives
    effort_share: Mapping[str, float]
    effort_larger_than: Mapping[str, float]
    waited_on_by: Mapping[str, tuple[str, ...]]
    rows: Mapping[str, Mapping[str, Any]]  # initiative id -> row
    # alignment.indicators' early-warning table; None when the data has no indicators
    warnings: pd.DataFrame | None = None
    # initiative id -> its prioritisation line (alignment.prioritise.brief_line)
    rankings: Mapping[str, str] = field(default_factory=dict)

    @property
    def initiative_ids(self) -> list[str]:
        return list(self.rows)

    @property
    def open_count(self) -> int:
        return len(self.priority)


def prepare(
    dataset: Dataset,
    privacy: Privacy | None = None,
    glossary: glossary_mod.Glossary | None = None,
    dimensions: Iterable[str] | None = None,
    indicator_limits: Mapping[str, indicators.Threshold] | None = None,
) -> BriefData:
    """Compute the masked views, coverage, priorities and lookups the briefs share.

    ``glossary`` defaults to the built-in glossary extended by the dataset's own glossary table.
    The portfolio brief's early warnings come from ``alignment.indicators.detect`` with
    ``indicator_limits`` (its data-driven default thresholds when None).
    """
    privacy = privacy or Privacy()
    gl = glossary or glossary_mod.for_dataset(dataset.glossary)
    fb = scoring.prepare(dataset.feedback, dimensions)
    views = scoring.views(fb, privacy)
    cov = coverage_mod.coverage(dataset)
    ini = dataset.initiatives

    objectives = dataset.objectives
    weights = pd.to_numeric(objectives["weight"], errors="coerce")
    has_weights = bool(weights.notna().any() and weights.fillna(0).sum() > 0)
    total = float(weights.fillna(0).sum()) if has_weights else 0.0
    order = weights.fillna(-1).rank(method="min", ascending=False)
    refs = {}
    for (_, row), w, r in zip(objectives.iterrows(), weights, order, strict=False):
        w = None if (w is None or math.isnan(w)) else float(w)
        refs[str(row["id"])] = ObjectiveRef(
            str(row["id"]),
            _text(row["name"]) or str(row["id"]),
            w,
            (100 * w / total) if (has_weights and w is not None) else None,
            int(r) if (has_weights and w is not None) else None,
        )
    equal = 100 / len(refs) if refs else 0.0

    rows = {str(r["id"]): r for r in ini.to_dict("records")}
    open_rows = {
        i: r
        for i, r in rows.items()
        if _text(r.get("status")) in schema.OPEN_STATUSES or not _text(r.get("status"))
    }
    scored = []
    for i, r in open_rows.items():
        served = [refs[o] for o in _ids(r.get("objective_ids")) if o in refs]
        weight = sum((o.share if o.share is not None else equal) for o in served)
        scored.append(
            (
                -(_level(r.get("business_value")) or 0) * weight,
                _num(r.get("effort")) if _num(r.get("effort")) is not None else math.inf,
                i,
            )
        )
    priority = {i: k + 1 for k, (_, _, i) in enumerate(sorted(scored))}

    active = {i: r for i, r in rows.items() if _text(r.get("status")) != "Cancelled"}
    efforts = {i: _num(r.get("effort")) for i, r in active.items()}
    known = {i: e for i, e in efforts.items() if e is not None}
    total_effort = sum(known.values())
    share = {i: 100 * e / total_effort for i, e in known.items()} if total_effort > 0 else {}
    values = np.array(sorted(known.values()))
    larger = (
        {
            i: 100 * float(np.searchsorted(values, e, side="left")) / len(values)
            for i, e in known.items()
        }
        if len(values)
        else {}
    )

    waited: dict[str, list[str]] = {}
    for i, r in rows.items():
        for d in _ids(r.get("depends_on")):
            waited.setdefault(d, []).append(i)
    warnings = (
        None
        if dataset.indicators.empty
        else indicators.detect(dataset.indicators, indicator_limits).warnings
    )
    return BriefData(
        dataset,
        privacy,
        gl,
        fb,
        views,
        cov,
        refs,
        priority,
        share,
        larger,
        {k: tuple(v) for k, v in waited.items()},
        rows,
        warnings,
        _rankings(dataset, privacy),
    )


def _rankings(dataset: Dataset, privacy: Privacy) -> dict[str, str]:
    """Each initiative's line from the first model that ranks anything: WSJF, then RICE, then
    value ÷ effort (a roadmap without WSJF's estimates may still carry RICE's columns)."""
    from alignment import prioritise

    if dataset.initiatives.empty:
        return {}
    for model in prioritise.MODELS:
        ranked = prioritise.prioritise(dataset, model, privacy)
        if ranked.table["rank"].notna().any():
            return {i: prioritise.brief_line(ranked, i) for i in ranked.table["initiative_id"]}
    return {}


# --- facts for one initiative -------------------------------------------------------------------


def _dependency(data: BriefData, ident: str, waiting_target: pd.Timestamp | None) -> DependencyRef:
    row = data.rows.get(ident)
    if row is None:
        return DependencyRef(ident, ident, "", "", False, False, False)
    status = _text(row.get("status"))
    target = row.get("target")
    later = bool(
        isinstance(target, pd.Timestamp)
        and isinstance(waiting_target, pd.Timestamp)
        and target > waiting_target
    )
    objs = tuple(data.objectives[o] for o in _ids(row.get("objective_ids")) if o in data.objectives)
    return DependencyRef(
        ident,
        _text(row.get("name")) or ident,
        status,
        _target(row),
        True,
        status in schema.AT_RISK_STATUSES,
        later,
        objs,
    )


def _side_views(data: BriefData, ident: str, limit: int) -> tuple[SideView, SideView]:
    side = data.views.side
    cells = side[side["initiative_id"] == ident]
    k = data.privacy.k_min
    out = []
    for s in ("tech", "business"):
        row = cells[cells["side"] == s]
        label = SIDE_LABELS[s]
        if row.empty:
            out.append(SideView(s, label, False, hidden=f"nobody on the {s} side rated it"))
            continue
        r = row.iloc[0]
        if bool(r["masked"]):
            why = (
                f"fewer than {k} respondents"
                if r["mask_reason"] == scoring.MASK_SMALL
                else "hidden so that a smaller group cannot be worked out by subtraction"
            )
            out.append(SideView(s, label, False, hidden=why))
            continue
        drill = scoring.drilldown(
            data.feedback, data.dataset.comments, side, ident, "side", s, data.privacy
        )
        comments = (
            tuple(sorted(drill.comments, key=lambda c: (len(c), c))[:limit])
            if drill.allowed
            else ()
        )
        note = "" if comments else (drill.comments_message or "No comments were left.")
        out.append(
            SideView(
                s,
                label,
                True,
                int(r["n"]),
                float(r["score"]),
                _opt_float(r["rwg"]),
                bool(_opt_bool(r["polarised"])),
                "",
                comments,
                note,
            )
        )
    return out[0], out[1]


def _gap_views(data: BriefData, ident: str) -> tuple[list[GapView], int]:
    gaps = data.views.gaps
    cells = gaps[gaps["initiative_id"] == ident]
    hidden = int(cells["masked"].astype(bool).sum())
    shown = cells[~cells["masked"].astype(bool) & cells["gap"].notna()]
    labels = data.dataset.dimensions
    views = [
        GapView(
            str(r["dimension"]),
            labels.get(r["dimension"], str(r["dimension"])),
            float(r["tech_mean"]),
            float(r["business_mean"]),
            float(r["gap"]),
            _clip(_opt_float(r["gap_low"])),
            _clip(_opt_float(r["gap_high"])),
            _opt_bool(r["clear"]),
            int(r["n_tech"]),
            int(r["n_business"]),
        )
        for r in shown.to_dict("records")
    ]
    views.sort(key=lambda g: (not bool(g.clear), -abs(g.gap), g.dimension))
    return views, hidden


def _groups(data: BriefData, ident: str) -> tuple[list[GroupView], int]:
    cells = data.views.group[data.views.group["initiative_id"] == ident]
    hidden = int(cells["masked"].astype(bool).sum())
    shown = cells[~cells["masked"].astype(bool)]
    groups = [
        GroupView(
            str(r["group"]),
            str(r["side"]),
            int(r["n"]),
            float(r["score"]),
            _opt_float(r["rwg"]),
            bool(_opt_bool(r["polarised"])),
        )
        for r in shown.to_dict("records")
    ]
    groups.sort(key=lambda g: (g.side != "business", g.score, g.group))
    return groups, hidden


def _people(data: BriefData, groups: Sequence[str], limit: int) -> list[Person]:
    """Key stakeholders (from the stakeholder list) in the groups that rated the initiative."""
    st = data.dataset.stakeholders
    if st.empty:
        return []
    wanted = {g.lower() for g in groups}
    rows = st[st["group"].astype(object).map(lambda g: _text(g).lower() in wanted)]
    influence = rows["influence"].map(lambda v: _level(v) or 0)
    rows = rows.assign(_inf=influence.to_numpy()).sort_values(
        ["_inf", "name"], ascending=[False, True]
    )
    return [
        Person(_text(r["name"]), _text(r["role"]), _text(r["group"]))
        for r in rows.head(limit).to_dict("records")
        if _text(r["name"])
    ]


def _asks(f: dict[str, Any], limit: int) -> list[Item]:
    """What the business is asked to decide or help with, most pressing first."""
    items: list[Item] = []
    for d in f["depends_on"]:
        if d.known and d.at_risk:
            items.append(Item("unblock_dependency", {"dep": d}))
        elif d.known and d.later:
            items.append(Item("late_dependency", {"dep": d}))
        elif not d.known:
            items.append(Item("unknown_dependency", {"dep": d}))
    if f["status"] in schema.AT_RISK_STATUSES:
        items.append(Item("status", {"status": f["status"], "target": f["target"]}))
    if not f["has_why"]:
        items.append(Item("no_why", {"owner": f["owner"]}))
    if not f["objectives"]:
        items.append(Item("no_objective", {"unknown": f["unknown_objectives"]}))
    top = f["top_gap"]
    if top is not None and top.clear and abs(top.gap) >= CLEAR_GAP:
        items.append(Item("gap", {"gap": top}))
    split = [s for s in f["sides"] if s.shown and s.polarised]
    if split:
        items.append(Item("polarised", {"sides": split}))
    if not any(s.shown for s in f["sides"]):
        items.append(Item("more_feedback", {"sides": f["sides"]}))
    if not items:
        items.append(Item("keep_going", {}))
    return items[:limit]


def _talking_points(f: dict[str, Any], limit: int) -> list[Item]:
    """Suggestions for the team's next roadmap review, from the clear gaps and open questions."""
    items: list[Item] = []
    for g in f["gaps"]:
        if g.clear and abs(g.gap) >= CLEAR_GAP / 2:
            items.append(Item("gap", {"gap": g}))
    if not f["has_why"]:
        items.append(Item("no_why", {}))
    if not f["objectives"]:
        items.append(Item("no_objective", {}))
    for d in f["depends_on"]:
        if d.known and (d.at_risk or d.later):
            items.append(Item("dependency", {"dep": d}))
    waiting = [d for d in f["waited_on_by"] if d.known]
    if waiting and f["status"] in schema.AT_RISK_STATUSES:
        items.append(Item("others_wait", {"deps": waiting}))
    rank, of = f["priority_rank"], f["priority_of"]
    share = f["effort_share"]
    if rank and of and share is not None and rank > of / 2 and share >= 100 / max(of, 1):
        items.append(Item("priority", {"rank": rank, "of": of, "share": share}))
    split = [s for s in f["sides"] if s.shown and s.polarised]
    if split:
        items.append(Item("polarised", {"sides": split}))
    if f["kpi"]:
        items.append(Item("kpi", {"kpi": f["kpi"]}))
    return items[:limit]


def facts(data: BriefData, initiative_id: str, tone: Tone = "concise") -> InitiativeFacts:
    """What the briefs may say about one initiative, every figure already masked."""
    row = data.rows.get(initiative_id)
    if row is None:
        raise KeyError(f"No initiative with ID {initiative_id!r}")
    lim = LIMITS[tone]
    objective_ids = _ids(row.get("objective_ids"))
    objectives = tuple(
        sorted(
            (data.objectives[o] for o in objective_ids if o in data.objectives),
            key=lambda o: (o.rank or 99, o.id),
        )
    )
    target = row.get("target")
    target = target if isinstance(target, pd.Timestamp) else None
    depends = tuple(_dependency(data, d, target) for d in _ids(row.get("depends_on")))
    waited = tuple(_dependency(data, d, None) for d in data.waited_on_by.get(initiative_id, ()))
    sides = _side_views(data, initiative_id, lim["comments"])
    gaps, hidden_dims = _gap_views(data, initiative_id)
    summary = data.views.summary
    srow = summary[summary["initiative_id"] == initiative_id]
    s = srow.iloc[0] if not srow.empty else None
    overall_masked = bool(s is not None and bool(s["masked"]))
    n_total = int(s["n"]) if s is not None and not overall_masked else None
    top = None
    if s is not None and isinstance(s["top_gap_dimension"], str):
        top = next((g for g in gaps if g.dimension == s["top_gap_dimension"]), None)
    groups, hidden_groups = _groups(data, initiative_id)
    rated_by = sorted(
        set(data.feedback.loc[data.feedback["initiative_id"] == initiative_id, "group"].astype(str))
    )
    people = _people(data, rated_by, lim["people"])
    why = _text(row.get("why"))
    has_why = bool(coverage_mod.has_why(pd.DataFrame({"why": [row.get("why")]})).iloc[0])
    f: dict[str, Any] = {
        "id": initiative_id,
        "name": _text(row.get("name")) or initiative_id,
        "description": _text(row.get("description")),
        "why": why,
        "has_why": has_why,
        "owner": _text(row.get("owner")),
        "team": _text(row.get("team")),
        "kpi": _text(row.get("kpi")),
        "status": _text(row.get("status")),
        "target": _target(row),
        "value": _text(row.get("business_value")),
        "value_level": _level(row.get("business_value")),
        "risk": _text(row.get("risk")),
        "risk_level": _level(row.get("risk")),
        "effort": _num(row.get("effort")),
        "effort_share": data.effort_share.get(initiative_id),
        "effort_larger_than": data.effort_larger_than.get(initiative_id),
        "objectives": objectives,
        "unknown_objectives": tuple(o for o in objective_ids if o not in data.objectives),
        "depends_on": depends,
        "waited_on_by": waited,
        "priority_rank": data.priority.get(initiative_id),
        "priority_of": data.open_count,
        "sides": sides,
        "n_total": n_total,
        "overall_masked": overall_masked,
        "gap": _opt_float(s["gap"]) if s is not None else None,
        "gap_low": _clip(_opt_float(s["gap_low"])) if s is not None else None,
        "gap_high": _clip(_opt_float(s["gap_high"])) if s is not None else None,
        "gap_clear": _opt_bool(s["clear"]) if s is not None else None,
        "gaps": tuple(gaps),
        "hidden_dimensions": hidden_dims,
        "top_gap": top,
        "groups": tuple(groups[: lim["groups"]]),
        "hidden_groups": hidden_groups,
        "people": tuple(people),
    }
    # Every piece of the user's text the business brief may show, so no term goes unexplained.
    shown_text = [
        f["name"],
        f["description"],
        why,
        f["kpi"],
        *(d.name for d in (*depends, *waited)),
        *(o.name for o in objectives),
        *(o.name for d in waited for o in d.objectives),
        *(c for side in sides for c in side.comments),
    ]
    f["jargon"] = tuple(data.glossary.terms_in(*shown_text))
    f["asks"] = tuple(_asks(f, lim["asks"]))
    f["talking_points"] = tuple(_talking_points(f, lim["asks"]))
    f["ranking"] = data.rankings.get(initiative_id, "")
    return InitiativeFacts(**f)


def source_text(f: InitiativeFacts) -> str:
    """The user's own words about an initiative, one per line: the "before" of a translation."""
    return "\n".join(t for t in (f.name, f.description, f.why, f.kpi) if t)


# --- facts for the portfolio and the chart -----------------------------------------------------


@dataclass(frozen=True)
class AlignedRow:
    id: str
    name: str
    score_tech: float
    score_business: float
    n_tech: int
    n_business: int
    gap: float
    clear: bool | None
    top_gap: str
    polarised: bool

    @property
    def gap_size(self) -> float:
        return abs(self.gap)


def aligned_rows(data: BriefData) -> tuple[list[AlignedRow], list[AlignedRow], int]:
    s = data.views.summary
    names = data.dataset.initiative_names()
    both = s[s["score_tech"].notna() & s["score_business"].notna()].copy()
    hidden = int((s["score_tech"].isna() | s["score_business"].isna()).sum())
    labels = data.dataset.dimensions

    def row(r: Mapping[str, Any]) -> AlignedRow:
        polar = (
            bool(_opt_bool(r["polarised"]))
            or bool(_opt_bool(r["polarised_tech"]))
            or bool(_opt_bool(r["polarised_business"]))
            or bool(r["polarised_groups"])
        )
        dim = r["top_gap_dimension"]
        return AlignedRow(
            str(r["initiative_id"]),
            names.get(r["initiative_id"], ""),
            float(r["score_tech"]),
            float(r["score_business"]),
            int(r["n_tech"]),
            int(r["n_business"]),
            float(r["gap"]),
            _opt_bool(r["clear"]),
            labels.get(dim, "") if isinstance(dim, str) else "",
            polar,
        )

    both["_score"] = (both["score_tech"] + both["score_business"]) / 2
    apart = both["misalignment"] >= MISALIGNED
    most = both[~apart].sort_values(
        ["misalignment", "_score", "initiative_id"], ascending=[True, False, True], kind="stable"
    )
    least = both[apart].sort_values(
        ["misalignment", "initiative_id"], ascending=[False, True], kind="stable"
    )
    return (
        [row(r) for r in most.to_dict("records")],
        [row(r) for r in least.to_dict("records")],
        hidden,
    )


@dataclass(frozen=True)
class Light:
    """Just enough about an initiative to name it in a list."""

    id: str
    name: str
    owner: str
    status: str
    target: str
    effort_share: float | None
    waited_on_by: tuple[str, ...]


def facts_light(data: BriefData, initiative_id: str) -> Light:
    r = data.rows[initiative_id]
    return Light(
        initiative_id,
        _text(r.get("name")) or initiative_id,
        _text(r.get("owner")),
        _text(r.get("status")),
        _target(r),
        data.effort_share.get(initiative_id),
        data.waited_on_by.get(initiative_id, ()),
    )


def chart_frame(data: BriefData, initiative_id: str) -> pd.DataFrame:
    """The alignment chart's data: each shown side's score overall and per dimension, with n.

    Rows come only from unmasked cells: a hidden side or dimension has no bar.
    """
    rows: list[dict[str, Any]] = []
    side = data.views.side
    for r in side[(side["initiative_id"] == initiative_id) & ~side["masked"].astype(bool)].to_dict(
        "records"
    ):
        rows.append(
            {
                "dimension": "Overall",
                "order": 0,
                "side": SIDE_LABELS[r["side"]],
                "score": float(r["score"]),
                "n": int(r["n"]),
            }
        )
    gaps, _ = _gap_views(data, initiative_id)
    order = {d: k + 1 for k, d in enumerate(data.dataset.dimensions)}
    for g in gaps:
        for s, score, n in (("tech", g.tech, g.n_tech), ("business", g.business, g.n_business)):
            rows.append(
                {
                    "dimension": g.label,
                    "order": order.get(g.dimension, 99),
                    "side": SIDE_LABELS[s],
                    "score": score,
                    "n": n,
                }
            )
    frame = pd.DataFrame(rows, columns=["dimension", "order", "side", "score", "n"])
    return frame.sort_values(["order", "side"], kind="stable").reset_index(drop=True)
