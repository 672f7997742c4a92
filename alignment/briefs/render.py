"""Translator briefs, the text: the facts rendered through Jinja2 templates into Markdown.

The templates live in ``templates/`` beside this module, so the wording can be changed without
touching code. Text from the user's files is escaped before it reaches the Markdown
(``alignment.briefs.markup``) by the template environment itself, so no template can forget;
the same facts, glossary and tone give the same text, byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd

from alignment import documents, schema, scoring
from alignment.briefs import glossary as glossary_mod
from alignment.briefs import markup, readability
from alignment.briefs.facts import (
    CLEAR_GAP,
    KIND_LABELS,
    LIMITS,
    Brief,
    BriefData,
    InitiativeFacts,
    Tone,
    _text,
    aligned_rows,
    chart_frame,
    facts,
    facts_light,
)
from alignment.briefs.markup import Md
from alignment.charts import briefs as brief_charts
from alignment.charts import render as chart_render

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def _finalize(value: object) -> str:
    """Every ``{{ … }}`` in a template passes here: user text is escaped, numbers formatted."""
    if isinstance(value, Md):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return f"{float(value):.0f}"
    return markup.escape(value)


def _f_num(value: float | None, digits: int = 0) -> Md:
    return Md("–" if value is None else f"{value:.{digits}f}")


def _f_signed(value: float | None) -> Md:
    if value is None:
        return Md("–")
    rounded = round(value)
    return Md(f"+{rounded:.0f}" if rounded > 0 else f"−{abs(rounded):.0f}" if rounded < 0 else "0")


def _f_sentence(text: object) -> Md:
    """User text as a sentence: escaped, with a full stop added when it has no end mark."""
    out = markup.escape(text)
    if out and not re.search(r"[.!?…:;\"'”)]$", out):
        out = Md(out + ".")
    return out


def _f_points(value: float | None) -> Md:
    """A distance on the 0-100 scale, sign dropped: "1 point", "63 points"."""
    if value is None:
        return Md("–")
    n = round(abs(value))
    return Md(f"{n} point" if n == 1 else f"{n} points")


def _f_and(items: Iterable[object], word: str = "and") -> Md:
    parts = [_finalize(i) for i in items]
    if len(parts) <= 2:
        return Md(f" {word} ".join(parts))
    return Md(", ".join(parts[:-1]) + f" {word} " + parts[-1])


def _f_ordinal(n: int | None) -> Md:
    if n is None:
        return Md("–")
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return Md(f"{n}{suffix}")


def _f_plural(n: int, one: str, many: str | None = None) -> Md:
    return Md(f"{n} {one if n == 1 else (many or one + 's')}")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=False,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )
    env.filters.update(
        num=_f_num,
        signed=_f_signed,
        points=_f_points,
        and_list=_f_and,
        ordinal=_f_ordinal,
        plural=_f_plural,
        trusted=Md,
        sentence=_f_sentence,
    )
    env.globals.update(CLEAR_GAP=CLEAR_GAP, AGREEMENT=scoring.AGREEMENT_THRESHOLD)
    return env


_ENV = _environment()


def _tidy(text: str) -> str:
    text = "\n".join(line.rstrip() for line in text.splitlines())
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"


def _render(template: str, **context: Any) -> str:
    return _tidy(_ENV.get_template(template).render(**context))


def _common(data: BriefData, tone: Tone) -> dict[str, Any]:
    return {
        "tone": tone,
        "detailed": tone == "detailed",
        "k_min": data.privacy.k_min,
        "k_comments": data.privacy.k_comments,
        "n_objectives": len(data.objectives),
    }


def title(kind: str, f: InitiativeFacts | None = None) -> str:
    if f is None:
        return KIND_LABELS[kind]
    return f"{f.id} {f.name} — {KIND_LABELS[kind].lower()}"


def business(data: BriefData, initiative_id: str, tone: Tone = "concise") -> Brief:
    """For executives and non-technical stakeholders: what it is, why, what it needs from them."""
    f = facts(data, initiative_id, tone)
    t = title("business", f)
    md = _render("business.md.j2", f=f, title=t, **_common(data, tone))
    return Brief("business", initiative_id, t, md)


def engineering(data: BriefData, initiative_id: str, tone: Tone = "concise") -> Brief:
    """For the team: the business outcome, why it sits where it does, what the business finds
    unclear, and what to say at the next roadmap review."""
    f = facts(data, initiative_id, tone)
    t = title("engineering", f)
    md = _render("engineering.md.j2", f=f, title=t, **_common(data, tone))
    return Brief("engineering", initiative_id, t, md)


def portfolio(data: BriefData, tone: Tone = "concise") -> Brief:
    """One page for a roadmap review: who agrees, who does not, work without a home, early
    warnings from the indicators (left out when the data has none), and the asks."""
    lim = LIMITS[tone]
    warnings = data.warnings
    most, least, hidden = aligned_rows(data)
    cov = data.coverage
    rows = data.rows
    ids = data.initiative_ids
    at_risk = [
        facts_light(data, i) for i in ids if _text(rows[i].get("status")) in schema.AT_RISK_STATUSES
    ]
    at_risk.sort(key=lambda d: (-len(data.waited_on_by.get(d.id, ())), d.id))
    orphans = [facts_light(data, str(i)) for i in cov.orphans["id"]]
    without_why = [facts_light(data, str(i)) for i in cov.without_why["id"]]
    uncovered = [data.objectives[str(o)] for o in cov.uncovered["id"] if str(o) in data.objectives]
    orphan_effort = sum(data.effort_share.get(d.id, 0.0) for d in orphans)
    fb = data.dataset.feedback
    dates = fb["date"].dropna() if "date" in fb.columns else pd.Series(dtype="datetime64[ns]")
    t = KIND_LABELS["portfolio"]
    md = _render(
        "portfolio.md.j2",
        title=t,
        most=most[: lim["list"]],
        least=least[: lim["list"]],
        hidden=hidden,
        at_risk=at_risk,
        orphans=orphans,
        orphan_effort=orphan_effort,
        without_why=without_why,
        uncovered=uncovered,
        warnings=None
        if warnings is None
        else [
            {"level": _text(r.get("level")), "reason": _text(r.get("reason"))}
            for r in warnings.head(lim["list"]).to_dict("records")
        ],
        n_warnings=0 if warnings is None else len(warnings),
        warning_scopes=[]
        if warnings is None
        else list(dict.fromkeys(_text(x) for x in warnings["scope"] if _text(x)))[:3],
        n_initiatives=len(ids),
        n_open=data.open_count,
        n_respondents=int(fb["respondent"].nunique()) if not fb.empty else 0,
        last_date=dates.max().strftime("%d %B %Y").lstrip("0") if len(dates) else "",
        limit=lim["list"],
        waited=data.waited_on_by,
        **_common(data, tone),
    )
    return Brief("portfolio", None, t, md)


def initiative_briefs(
    data: BriefData, initiative_id: str, tone: Tone = "concise"
) -> tuple[Brief, Brief]:
    """The business and engineering briefs of one initiative, from one set of facts."""
    f = facts(data, initiative_id, tone)
    common = _common(data, tone)
    b_title, e_title = title("business", f), title("engineering", f)
    return (
        Brief(
            "business",
            initiative_id,
            b_title,
            _render("business.md.j2", f=f, title=b_title, **common),
        ),
        Brief(
            "engineering",
            initiative_id,
            e_title,
            _render("engineering.md.j2", f=f, title=e_title, **common),
        ),
    )


def all_briefs(
    data: BriefData,
    tone: Tone = "concise",
    initiative_ids: Sequence[str] | None = None,
    with_portfolio: bool = True,
) -> list[Brief]:
    """The portfolio brief, then each initiative's business and engineering briefs."""
    out = [portfolio(data, tone)] if with_portfolio else []
    for i in initiative_ids if initiative_ids is not None else data.initiative_ids:
        out.extend(initiative_briefs(data, i, tone))
    return out


def figures(markdown: str, glossary: glossary_mod.Glossary) -> readability.TextFigures:
    """Reading ease and jargon of a (possibly edited) brief, measured on its body text."""
    return readability.assess(markup.to_text(markdown), glossary)


def chart_png(data: BriefData, initiative_id: str) -> bytes | None:
    """The initiative's alignment chart as PNG, or None when no side can be shown."""
    name = _text(data.rows.get(initiative_id, {}).get("name"))
    chart = brief_charts.alignment_by_side(
        chart_frame(data, initiative_id), f"{initiative_id} {name}: how each side rates it"
    )
    return None if chart is None else chart_render.to_png(chart)


def to_documents(
    data: BriefData,
    items: Sequence[Brief],
    *,
    charts: bool = True,
    edits: Mapping[str, str] | None = None,
) -> list[documents.BriefDocument]:
    """Briefs ready for ``alignment.documents``: the user's edit where there is one (keyed by
    ``Brief.key``), and each initiative's chart, rendered once per initiative."""
    edits = edits or {}
    pngs: dict[str, bytes | None] = {}
    out = []
    for b in items:
        png = None
        if charts and b.initiative_id is not None:
            if b.initiative_id not in pngs:
                pngs[b.initiative_id] = chart_png(data, b.initiative_id)
            png = pngs[b.initiative_id]
        out.append(documents.BriefDocument(b.stem, b.title, edits.get(b.key, b.markdown), png))
    return out
