"""What the uploaded data says about each of the seven steps: "you say 80, the data says 40".

A self-assessment is an opinion; the spreadsheets a leader keeps are evidence. For each step this
module computes the figures the data supports, each on the same 0-100 scale as the
self-assessment (higher = the practice is more visible in the data), with the number of things
it rests on and a plain sentence saying how it was computed. A figure the data cannot support
is still listed, with what to upload to unlock it, so the page can say what is missing instead
of pretending.

A step's evidence score is the mean of its available figures (each counts the same); it is what
``assessment.evidence_differences`` compares with the self-rating.

Figures from feedback come from ``scoring``'s masked views, so a cell under k_min never feeds
one; the team's psychological-safety score comes from ``assessment.team_view``, masked the same
way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from alignment import dependencies, indicators, scoring, stakeholders
from alignment.assessment.scores import TeamView
from alignment.briefs import readability
from alignment.briefs.glossary import Glossary, for_dataset
from alignment.coverage import has_why
from alignment.dataset import Dataset
from alignment.privacy import Privacy

DATA_PAGE = "app_pages/data.py"


@dataclass(frozen=True)
class Figure:
    """One piece of evidence: a 0-100 value (None when the data cannot support it) and its n."""

    step: int
    key: str
    label: str
    value: float | None
    n: int | None
    basis: str  # what n counts: "initiatives", "stakeholders", "respondents"...
    explanation: str
    unlock: str = ""  # when value is None: the data that would unlock this figure

    @property
    def available(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class StepEvidence:
    step: int
    figures: tuple[Figure, ...]

    @property
    def available(self) -> tuple[Figure, ...]:
        return tuple(f for f in self.figures if f.available)

    @property
    def score(self) -> float | None:
        """The mean of the available figures; None when the data supports none."""
        values = [f.value for f in self.available]
        return sum(values) / len(values) if values else None  # type: ignore[arg-type]

    @property
    def unlock(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.unlock for f in self.figures if not f.available and f.unlock))


def _active(initiatives: pd.DataFrame) -> pd.DataFrame:
    return initiatives[initiatives["status"].astype(object) != "Cancelled"]


def _share(part: int, whole: int) -> float:
    return 100.0 * part / whole


def _mapped(
    mapped: Mapping[str, Collection[str]] | None, table: str, field: str, column: pd.Series
) -> bool:
    """Whether the user's file has the column at all (from the import's mapping when known)."""
    if mapped is not None and table in mapped:
        return field in mapped[table]
    return bool(column.notna().any())


# --- step 1: the translator --------------------------------------------------------------------


def _descriptions(dataset: Dataset) -> list[str]:
    active = _active(dataset.initiatives)
    texts = active["description"].astype(object).where(active["description"].notna(), "")
    return [" ".join(str(t).split()) for t in texts if str(t).strip()]


_NO_DESCRIPTIONS = (
    "Add a 'Description' column to your initiatives: a sentence or two on what "
    "each one is, as you would say it to the business."
)


def plain_descriptions(dataset: Dataset, glossary: Glossary) -> Figure:
    """Share of initiative descriptions a business reader can follow without a glossary: no
    technical term (from the built-in glossary and the user's) left unexplained in the text."""
    label = "Descriptions free of unexplained jargon"
    texts = _descriptions(dataset)
    if not texts:
        return Figure(
            1,
            "jargon",
            label,
            None,
            None,
            "descriptions",
            "Your initiatives have no descriptions to read.",
            _NO_DESCRIPTIONS,
        )
    bare = [glossary.unexplained(t) for t in texts]
    plain = sum(not b for b in bare)
    words = sum(len(readability.words(t)) for t in texts)
    uses = sum(len(glossary.find(t)) for t in texts)
    density = 100.0 * uses / words if words else 0.0
    counts = pd.Series([term.term for b in bare for term in b]).value_counts()
    common = ", ".join(counts.index[:3])
    return Figure(
        1,
        "jargon",
        label,
        _share(plain, len(texts)),
        len(texts),
        "descriptions",
        f"{plain} of {len(texts)} descriptions use no technical term without saying "
        f"what it means. Jargon density: {density:.1f} technical terms per 100 words"
        + (f"; most often left bare: {common}." if common else "."),
    )


def description_readability(dataset: Dataset) -> Figure:
    """Flesch reading ease of the descriptions taken together (one per line), clipped to 0-100:
    60-70 is plain English, below 30 reads like a specialist paper."""
    label = "Readability of descriptions"
    texts = _descriptions(dataset)
    if not texts:
        return Figure(
            1,
            "readability",
            label,
            None,
            None,
            "descriptions",
            "Your initiatives have no descriptions to read.",
            _NO_DESCRIPTIONS,
        )
    figures = readability.assess("\n".join(texts))
    if figures.flesch is None:
        return Figure(
            1,
            "readability",
            label,
            None,
            None,
            "descriptions",
            "The descriptions hold no words to measure.",
            _NO_DESCRIPTIONS,
        )
    value = min(100.0, max(0.0, figures.flesch))
    return Figure(
        1,
        "readability",
        label,
        value,
        len(texts),
        "descriptions",
        f"Flesch reading ease of the {len(texts)} descriptions: {figures.flesch:.0f} "
        f"({figures.band}); 60–70 is plain English, higher is easier.",
    )


# --- step 2: collaborative planning --------------------------------------------------------------


def objective_share(
    dataset: Dataset, mapped: Mapping[str, Collection[str]] | None = None
) -> Figure:
    """Share of active initiatives that serve a known objective (cancelled ones do not count)."""
    label = "Initiatives with an objective"
    active = _active(dataset.initiatives)
    if active.empty:
        return Figure(
            2,
            "objective",
            label,
            None,
            None,
            "initiatives",
            "There are no active initiatives to check.",
            "Upload your initiatives with the objective(s) each serves.",
        )
    ids = active["objective_ids"].map(lambda v: tuple(v) if isinstance(v, tuple) else ())
    if (
        not _mapped(mapped, "initiatives", "objective_ids", active["objective_ids"])
        or not ids.map(bool).any()
    ):
        return Figure(
            2,
            "objective",
            label,
            None,
            None,
            "initiatives",
            "Your initiatives do not say which objective each serves.",
            "Add an 'Objective(s)' column to your initiatives (and an objectives "
            "sheet) on the Data page.",
        )
    if dataset.objectives.empty:
        served = int(ids.map(bool).sum())
        return Figure(
            2,
            "objective",
            label,
            _share(served, len(active)),
            len(active),
            "initiatives",
            f"{served} of {len(active)} active initiatives name an objective. No "
            "objectives sheet is loaded, so the names are not checked against one.",
        )
    known = set(dataset.objectives["id"])
    served = int(ids.map(lambda t: any(o in known for o in t)).sum())
    return Figure(
        2,
        "objective",
        label,
        _share(served, len(active)),
        len(active),
        "initiatives",
        f"{served} of {len(active)} active initiatives serve one of your "
        f"{len(known)} objectives; {len(active) - served} serve none (orphan work).",
    )


_NO_DEPENDENCIES = (
    "Add a 'Depends on' column to your initiatives listing, for each one, the "
    "initiatives it waits on (their IDs)."
)


def mapped_dependencies(
    dataset: Dataset,
    graph: dependencies.DependencyGraph,
    mapped: Mapping[str, Collection[str]] | None = None,
) -> Figure:
    """Share of active initiatives on the dependency map: depending on, or depended on by,
    another initiative through a reference that resolves."""
    label = "Initiatives on the dependency map"
    active = _active(dataset.initiatives)
    if (
        active.empty
        or not _mapped(mapped, "initiatives", "depends_on", active["depends_on"])
        or (not graph.has_edges and graph.unknown_refs.empty)
    ):
        return Figure(
            2,
            "dependencies",
            label,
            None,
            None,
            "initiatives",
            "No dependencies between initiatives are recorded.",
            _NO_DEPENDENCIES,
        )
    ids = set(active["id"].astype(str))
    linked = {n for edge in graph.graph.edges for n in edge} & ids
    unknown = graph.unknown_refs[graph.unknown_refs["initiative_id"].isin(ids)]
    tail = f" {len(unknown)} reference(s) name no known initiative." if len(unknown) else ""
    return Figure(
        2,
        "dependencies",
        label,
        _share(len(linked), len(ids)),
        len(ids),
        "initiatives",
        f"{len(linked)} of {len(ids)} active initiatives depend on, or are depended "
        f"on by, another initiative.{tail}",
    )


def cycle_free(dataset: Dataset, graph: dependencies.DependencyGraph) -> Figure:
    """Share of active initiatives not caught in a dependency cycle (a loop nobody can start)."""
    label = "Initiatives outside dependency cycles"
    active = _active(dataset.initiatives)
    if active.empty or not graph.has_edges:
        return Figure(
            2,
            "cycles",
            label,
            None,
            None,
            "initiatives",
            "Without mapped dependencies there are no cycles to look for.",
            _NO_DEPENDENCIES,
        )
    ids = set(active["id"].astype(str))
    loops = dependencies.cycles(graph)
    caught = {n for loop in loops for n in loop} & ids
    if not loops:
        text = "No dependency cycle: every chain of dependencies has a start."
    else:
        shown = "; ".join(dependencies.cycle_text(c) for c in loops[:3])
        more = f" and {len(loops) - 3} more" if len(loops) > 3 else ""
        text = (
            f"{len(loops)} cycle(s) ({shown}{more}): {len(caught)} of {len(ids)} active "
            "initiatives wait on themselves through others."
        )
    return Figure(
        2, "cycles", label, _share(len(ids) - len(caught), len(ids)), len(ids), "initiatives", text
    )


# --- step 3: structured communication ----------------------------------------------------------


def one_on_ones(
    dataset: Dataset, today: dt.date, mapped: Mapping[str, Collection[str]] | None = None
) -> Figure:
    """Share of key stakeholders (high or very high influence) whose last 1:1 is within their
    cadence (monthly unless the sheet says otherwise) as of ``today``."""
    label = "Key stakeholders met on cadence"
    people = dataset.stakeholders
    unlock = (
        "Upload your stakeholders with each person's influence, the date of your last 1:1 "
        "and the cadence you aim for."
    )
    if people.empty:
        return Figure(
            3,
            "one_on_ones",
            label,
            None,
            None,
            "key stakeholders",
            "No stakeholder list is loaded.",
            unlock,
        )
    if not _mapped(mapped, "stakeholders", "last_1on1", people["last_1on1"]):
        return Figure(
            3,
            "one_on_ones",
            label,
            None,
            None,
            "key stakeholders",
            "Your stakeholder list has no 'last 1:1' dates.",
            unlock,
        )
    track = stakeholders.tracker(people, today)
    on, key = stakeholders.on_cadence_share(track)
    if key == 0:
        return Figure(
            3,
            "one_on_ones",
            label,
            None,
            None,
            "key stakeholders",
            "No stakeholder has high or very high influence, so none counts as key.",
            "Give each stakeholder an influence level (Low to Very high).",
        )
    late = stakeholders.overdue(track, key_only=True)
    names = ", ".join(str(n) for n in late["name"][:3])
    tail = f" Most overdue: {names}." if names else ""
    return Figure(
        3,
        "one_on_ones",
        label,
        _share(on, key),
        key,
        "key stakeholders",
        f"{on} of {key} key stakeholders had a 1:1 within their cadence as of "
        f"{today:%d %b %Y}.{tail}",
    )


# --- step 4: leading indicators ----------------------------------------------------------------

_NO_INDICATORS = (
    "Upload monthly indicators per team or initiative: escalations, a risk score "
    "and the output-quality delta."
)


def indicators_tracked(dataset: Dataset) -> Figure:
    """Share of the three leading indicators known by name (escalations, risk, quality delta)
    that the data tracks."""
    label = "Leading indicators tracked"
    data = dataset.indicators
    if data.empty:
        return Figure(
            4,
            "tracked",
            label,
            None,
            None,
            "indicators",
            "No indicators are loaded.",
            _NO_INDICATORS,
        )
    metrics = set(data["metric"].dropna().astype(str))
    known = [m for m in indicators.KNOWN_DIRECTIONS if m in metrics]
    missing = [indicators.metric_label(m) for m in indicators.KNOWN_DIRECTIONS if m not in metrics]
    others = len(metrics) - len(known)
    text = (
        f"{len(known)} of the 3 leading misalignment indicators (escalations, risk, output "
        "quality) are tracked"
        + (f" (missing: {', '.join(missing)})" if missing else "")
        + (f", plus {others} other metric(s)" if others else "")
        + "."
    )
    return Figure(4, "tracked", label, _share(len(known), 3), len(metrics), "metrics", text)


def alerts_clear(detection: indicators.Detection | None) -> Figure:
    """Share of indicator series whose latest period trips no warning rule."""
    label = "Indicator series without an open warning"
    if detection is None or detection.points.empty:
        return Figure(
            4,
            "alerts",
            label,
            None,
            None,
            "series",
            "No indicator series to watch.",
            _NO_INDICATORS,
        )
    series = detection.points.groupby(["metric", "scope"]).ngroups
    warnings = detection.warnings
    open_ = len(warnings)
    high = int((warnings["level"] == "High").sum()) if open_ else 0
    worst = f" Most severe: {warnings['reason'].iloc[0]}" if open_ else ""
    return Figure(
        4,
        "alerts",
        label,
        _share(series - open_, series),
        series,
        "series",
        f"{open_} of {series} series have an open warning"
        + (f" ({high} high)" if high else "")
        + f".{worst}",
    )


# --- step 5: rituals ---------------------------------------------------------------------------


def rituals_on_cadence(rituals: Sequence[stakeholders.Ritual] | None, today: dt.date) -> Figure:
    """Share of the active rituals with a recorded date that are not overdue as of ``today``."""
    label = "Rituals held on cadence"
    unlock = (
        "Record when each ritual (roadmap review, prioritisation session, Q&A, 1:1s) was "
        "last held, on the Stakeholders & rituals page."
    )
    recorded = [r for r in (rituals or ()) if r.active and r.last_held is not None]
    if not recorded:
        return Figure(
            5,
            "rituals",
            label,
            None,
            None,
            "rituals",
            "No ritual has a date it was last held.",
            unlock,
        )
    table = stakeholders.rituals_frame(recorded, today)
    late = table[table["status"] == stakeholders.STATUS_OVERDUE]
    on = len(table) - len(late)
    unrecorded = [r.name for r in (rituals or ()) if r.active and r.last_held is None]
    text = (
        f"{on} of {len(table)} rituals with a recorded date are on cadence as of "
        f"{today:%d %b %Y}"
        + (f"; overdue: {', '.join(late['ritual'])}" if len(late) else "")
        + (f". Not recorded: {', '.join(unrecorded)}" if unrecorded else "")
        + "."
    )
    return Figure(5, "rituals", label, _share(on, len(table)), len(table), "rituals", text)


# --- step 6: the WHY ---------------------------------------------------------------------------


def why_share(dataset: Dataset, mapped: Mapping[str, Collection[str]] | None = None) -> Figure:
    """Share of active initiatives with a written WHY (a few words, not 'TBD')."""
    label = "Initiatives with a WHY"
    active = _active(dataset.initiatives)
    if active.empty or not _mapped(mapped, "initiatives", "why", active["why"]):
        return Figure(
            6,
            "why",
            label,
            None,
            None,
            "initiatives",
            "Your initiatives have no WHY column.",
            "Add a 'Why' column to your initiatives: one or two sentences on why each matters.",
        )
    with_why = int(has_why(active).sum())
    return Figure(
        6,
        "why",
        label,
        _share(with_why, len(active)),
        len(active),
        "initiatives",
        f"{with_why} of {len(active)} active initiatives have a WHY of at least a few "
        "words ('TBD' and the like do not count).",
    )


def why_clarity(
    gaps: pd.DataFrame, side: str, privacy: Privacy, dimension: str = "why_clarity"
) -> Figure:
    """How clear one side finds the WHY: the mean of that side's 'clarity of the why' over the
    initiatives whose gap cell is shown (both sides at or above k_min)."""
    name = {"tech": "tech", "business": "business"}[side]
    label = f"WHY clarity, {name} side"
    unlock = (
        "Upload stakeholder feedback with a 'clarity of the why' rating from both sides, "
        f"with at least {privacy.k_min} respondents per side on an initiative."
    )
    cells = (
        gaps[(gaps["dimension"] == dimension) & ~gaps["masked"].astype(bool)]
        if not gaps.empty
        else gaps
    )
    if cells.empty:
        return Figure(
            6,
            f"why_clarity_{side}",
            label,
            None,
            None,
            "initiatives",
            "No initiative has enough 'clarity of the why' ratings from both sides to show.",
            unlock,
        )
    means = cells[f"{side}_mean"].astype(float)
    ns = cells[f"n_{side}"].astype(float)
    return Figure(
        6,
        f"why_clarity_{side}",
        label,
        float(means.mean()),
        len(cells),
        "initiatives",
        f"The {name} side's mean rating of how clear the WHY is, over {len(cells)} "
        f"initiatives rated by at least {privacy.k_min} people on each side "
        f"({int(ns.min())}–{int(ns.max())} {name} respondents each).",
    )


# --- step 7: psychological safety --------------------------------------------------------------


def team_safety(team: TeamView | None, privacy: Privacy) -> Figure:
    """The team's psychological-safety scale score, from a closed team round."""
    label = "Team psychological safety"
    unlock = (
        f"Open a team round below and close it once at least {privacy.k_min} team "
        "members have answered."
    )
    if team is None or team.safety is None:
        return Figure(
            7,
            "safety",
            label,
            None,
            None,
            "team members",
            "No team round has been closed yet.",
            unlock,
        )
    if team.safety.masked:
        return Figure(
            7,
            "safety",
            label,
            None,
            None,
            "team members",
            f"Fewer than {privacy.k_min} team members answered the safety scale, so "
            "the score stays hidden.",
            unlock,
        )
    return Figure(
        7,
        "safety",
        label,
        team.safety.score,
        team.safety.n,
        "team members",
        f"The mean of {team.safety.n} team members' answers to the seven-item "
        "team psychological-safety scale (reverse-worded items flipped).",
    )


# --- all steps ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    steps: dict[int, StepEvidence]

    def step(self, number: int) -> StepEvidence:
        return self.steps.get(number, StepEvidence(number, ()))

    def scores(self) -> dict[int, float | None]:
        return {n: s.score for n, s in self.steps.items()}

    def frame(self) -> pd.DataFrame:
        """Every figure as a row, for tables and exports."""
        rows = [
            {
                "step": f.step,
                "figure": f.label,
                "value": f.value,
                "n": f.n,
                "basis": f.basis,
                "explanation": f.explanation,
                "unlock": f.unlock,
            }
            for s in self.steps.values()
            for f in s.figures
        ]
        frame = pd.DataFrame(
            rows, columns=["step", "figure", "value", "n", "basis", "explanation", "unlock"]
        )
        frame["value"] = frame["value"].astype(float)
        frame["n"] = frame["n"].astype("Int64")
        return frame


def gather(
    dataset: Dataset,
    privacy: Privacy,
    *,
    today: dt.date | None = None,
    team: TeamView | None = None,
    views: scoring.Views | None = None,
    detection: indicators.Detection | None = None,
    rituals: Sequence[stakeholders.Ritual] | None = None,
    glossary: Glossary | None = None,
    mapped: Mapping[str, Collection[str]] | None = None,
) -> Evidence:
    """Every figure for every step from the loaded data (and a closed team round, if any).

    ``today`` is the day overdue 1:1s and rituals are counted from (the page's "as of" date);
    ``views``, ``detection`` and ``glossary`` are what the page already computed (the masked
    feedback views, the indicator warnings with the user's thresholds, the built-in glossary
    extended by the user's), computed here with defaults when not given; ``rituals`` are the
    checklist the leader keeps on the Stakeholders page; ``mapped`` is, per table, the fields
    the import found a column for (so "no WHY column" is told apart from "no WHY written").
    """
    today = today or dt.date.today()
    if views is None and dataset.has_feedback:
        views = scoring.views(scoring.prepare(dataset.feedback), privacy)
    gaps = views.gaps if views is not None else pd.DataFrame()
    if detection is None and not dataset.indicators.empty:
        detection = indicators.detect(dataset.indicators)
    glossary = glossary or for_dataset(dataset.glossary)
    graph = dependencies.build(dataset.initiatives)
    figures: dict[int, list[Figure]] = {n: [] for n in range(1, 8)}
    figures[1] += [plain_descriptions(dataset, glossary), description_readability(dataset)]
    figures[2] += [
        objective_share(dataset, mapped),
        mapped_dependencies(dataset, graph, mapped),
        cycle_free(dataset, graph),
    ]
    figures[3].append(one_on_ones(dataset, today, mapped))
    figures[4] += [indicators_tracked(dataset), alerts_clear(detection)]
    figures[5].append(rituals_on_cadence(rituals, today))
    figures[6] += [
        why_share(dataset, mapped),
        why_clarity(gaps, "business", privacy),
        why_clarity(gaps, "tech", privacy),
    ]
    figures[7].append(team_safety(team, privacy))
    return Evidence({n: StepEvidence(n, tuple(f)) for n, f in figures.items()})
