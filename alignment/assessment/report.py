"""The self-assessment as a one-page report: Markdown for pasting anywhere, PDF for sending.

Both carry the same content: the scores per step with their maturity level and the change since
last time, the chart (a picture in the PDF, text bars in Markdown so it survives any viewer), the
evidence from the data, where the readings differ (self against data, self against team), and
the next actions with the workbench page that helps. Team figures arrive already masked
(``assessment.team_view``), so a report cannot show what the page hides.

The PDF embeds the same Unicode font as the briefs (``documents.unicode_font``: DejaVu Sans or
``$ALIGNMENT_PDF_FONT``); without one it falls back to Helvetica, which covers Latin-1 only, and
other characters are replaced by their nearest plain equivalent rather than dropped.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from fpdf import FPDF

from alignment import documents
from alignment.assessment.bank import Bank
from alignment.assessment.evidence import Evidence
from alignment.assessment.scores import (
    Difference,
    Result,
    StepActions,
    TeamView,
    evidence_differences,
    team_differences,
)

BAR_WIDTH = 20


@dataclass(frozen=True)
class ReportData:
    """Everything one report shows; the page and the tests build it the same way."""

    bank: Bank
    result: Result
    when: dt.datetime
    actions: Sequence[StepActions]
    previous: Result | None = None
    previous_at: dt.datetime | None = None
    evidence: Evidence | None = None
    team: TeamView | None = None
    team_title: str = ""
    data_name: str = ""
    page_titles: Mapping[str, str] = field(default_factory=dict)

    @property
    def differences(self) -> list[Difference]:
        out = []
        if self.evidence is not None:
            out += evidence_differences(self.result, self.evidence.scores())
        if self.team is not None:
            out += team_differences(self.result, self.team)
        return sorted(out, key=lambda d: (d.step, d.kind))

    def page_name(self, path: str) -> str:
        return self.page_titles.get(path, "")


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _change(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return ""
    delta = now - before
    return f"+{delta:.0f}" if delta >= 0.5 else (f"{delta:.0f}" if delta <= -0.5 else "0")


def _md(text: object) -> str:
    """User text (a round title, file names) as literal Markdown."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", " ".join(str(text).split()))


def _bar(value: float | None) -> str:
    if value is None:
        return "·" * BAR_WIDTH
    full = round(BAR_WIDTH * max(0.0, min(100.0, value)) / 100)
    return "█" * full + "░" * (BAR_WIDTH - full)


def _team_cell(team: TeamView | None, step: int) -> str:
    if team is None:
        return ""
    t = team.step(step)
    return f"hidden (< {team.k_min})" if t.masked else f"{_num(t.score)} (n = {t.n})"


def _evidence_cell(evidence: Evidence | None, step: int) -> str:
    if evidence is None:
        return ""
    s = evidence.step(step)
    return _num(s.score) if s.score is not None else "no data"


def markdown(data: ReportData) -> str:
    """The report as Markdown: headings, a table, text bars, lists."""
    r = data.result
    lines = ["# Alignment practice: the 7-step self-assessment", ""]
    meta = [f"Completed {data.when:%d %B %Y}"]
    if data.data_name:
        meta.append(f"evidence from {_md(data.data_name)}")
    lines += [" · ".join(meta), ""]
    overall = _num(r.overall)
    level = f" ({r.overall_level.name})" if r.overall_level else ""
    change = _change(r.overall, data.previous.overall if data.previous else None)
    since = f", {change} since {data.previous_at:%d %b %Y}" if change and data.previous_at else ""
    lines += [
        f"**Overall: {overall} / 100{level}{since}.** {r.answered} of {r.total} "
        f'statements answered, {r.dont_know} with "Don\'t know" (left out of the '
        "scores).",
        "",
    ]
    lines += ["```"]
    for s in r.steps:
        prev = data.previous.step(s.number).score if data.previous else None
        ch = _change(s.score, prev)
        lines.append(
            f"{s.label:<17} {_bar(s.score)} {_num(s.score):>3}" + (f"  ({ch})" if ch else "")
        )
    lines += ["```", ""]
    head = ["Step", "Score", "Change", "Level", "What it means"]
    if data.team is not None:
        head.append("Team")
    if data.evidence is not None:
        head.append("Data says")
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s in r.steps:
        prev = data.previous.step(s.number).score if data.previous else None
        row = [
            s.label,
            _num(s.score),
            _change(s.score, prev),
            s.level.name if s.level else "–",
            s.level.description if s.level else 'Not scored: every answer was "Don\'t know".',
        ]
        if data.team is not None:
            row.append(_team_cell(data.team, s.number))
        if data.evidence is not None:
            row.append(_evidence_cell(data.evidence, s.number))
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |")
    lines.append("")
    if data.team is not None:
        title = f" ({_md(data.team_title)})" if data.team_title else ""
        lines += [
            f"Team figures{title}: {data.team.participants} people answered; a step "
            f"rests on at least {data.team.k_min} of them or stays hidden.",
            "",
        ]
    diffs = data.differences
    lines += ["## Where the readings differ", ""]
    lines += [f"- {d.sentence()}" for d in diffs] or [
        "- No step differs by the margins that "
        "call for a conversation (25 points from "
        "the data, 15 from the team)."
    ]
    lines.append("")
    if data.evidence is not None:
        lines += ["## Evidence from the data", ""]
        for s in r.steps:
            ev = data.evidence.step(s.number)
            for f in ev.figures:
                if f.available:
                    lines.append(
                        f"- **{s.label}: {f.label}: {_num(f.value)}** (n = {f.n} "
                        f"{f.basis}). {_md(f.explanation)}"
                    )
                else:
                    lines.append(f"- {s.label}: {f.label}: no data. {_md(f.unlock)}")
        lines.append("")
    lines += ["## Next actions", ""]
    for sa in data.actions:
        lines.append(
            f"**{sa.step.label}** ({_num(sa.step.score)}, "
            f"{sa.step.level.name if sa.step.level else 'not scored'})"
        )
        lines.append("")
        for a in sa.actions:
            page = data.page_name(a.page)
            lines.append(f"1. {a.text}" + (f" *Workbench: {page}.*" if page else ""))
        lines.append("")
    lines += [
        "---",
        "Scores: each answer counts 0 (strongly disagree) to 100 (strongly agree), "
        'reversed for statements where agreeing is bad; "Don\'t know" is left out. A '
        "step's score is the mean of its statements, the overall score the mean of the "
        "steps.",
        "",
    ]
    return "\n".join(lines)


# --- PDF -------------------------------------------------------------------------------------

_PLAIN = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "≥": ">=",
        "≤": "<=",
        "→": "->",
        "▲": "+",
        "▼": "-",
        "·": "-",
        "×": "x",
        "•": "-",
        "\u00a0": " ",
    }
)


def _plain(text: object) -> str:
    """Text for the fallback font: Latin-1, with the usual typographic characters spelled out."""
    return str(text).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


class _Page(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4", unit="mm")
        fonts = documents.unicode_font()
        self.unicode = bool(fonts)
        self.family = "Body" if fonts else "Helvetica"
        for style, path in (fonts or {}).items():
            self.add_font("Body", style, path)

    def text(self, value: object) -> str:
        return str(value) if self.unicode else _plain(value)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(self.family, size=6.5)
        self.set_text_color(110)
        self.cell(
            0,
            4,
            self.text(
                "Alignment Workbench · each answer counts 0–100, reversed where "
                'agreeing is bad; "Don\'t know" left out; team figures hidden '
                "below the anonymity threshold."
            ),
            align="C",
        )


def pdf(data: ReportData, chart_png: bytes | None = None) -> bytes:
    """The report on one A4 page: header, chart and score table, differences, actions."""
    doc = _Page()
    font = doc.family
    doc.set_auto_page_break(False)
    doc.set_margins(12, 10, 12)
    doc.add_page()
    r = data.result
    width = doc.w - doc.l_margin - doc.r_margin
    doc.set_font(font, "B", 15)
    doc.set_text_color(20)
    doc.cell(
        0,
        8,
        doc.text("Alignment practice: the 7-step self-assessment"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.set_font(font, size=8.5)
    doc.set_text_color(80)
    meta = f"Completed {data.when:%d %B %Y}"
    if data.data_name:
        meta += f" - evidence from {data.data_name}"
    doc.cell(0, 5, doc.text(meta[:140]), new_x="LMARGIN", new_y="NEXT")
    doc.set_text_color(20)
    doc.set_font(font, "B", 11)
    level = f" ({r.overall_level.name})" if r.overall_level else ""
    change = _change(r.overall, data.previous.overall if data.previous else None)
    since = f", {change} since {data.previous_at:%d %b %Y}" if change and data.previous_at else ""
    doc.cell(
        0,
        7,
        doc.text(f"Overall {_num(r.overall)} / 100{level}{since}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    top = doc.get_y() + 1
    chart_w = 90.0
    chart_h = 0.0
    if chart_png:
        info = doc.image(io.BytesIO(chart_png), x=doc.l_margin, y=top, w=chart_w)
        chart_h = float(info.rendered_height)
    # The score table to the right of the chart.
    x0 = doc.l_margin + (chart_w + 4 if chart_png else 0)
    cols = [("Step", 27), ("Score", 16), ("Level", 17)]
    if data.team is not None:
        cols.append(("Team (n)", 16))
    if data.evidence is not None:
        cols.append(("Data", 12))
    doc.set_xy(x0, top)
    doc.set_font(font, "B", 8)
    doc.set_fill_color(232, 238, 247)
    for name, w in cols:
        doc.cell(w, 5.5, name, border="B", fill=True)
    doc.ln(5.5)
    doc.set_font(font, size=8)
    for s in r.steps:
        doc.set_x(x0)
        prev = data.previous.step(s.number).score if data.previous else None
        change = _change(s.score, prev)
        values = [
            s.label,
            _num(s.score) + (f"  ({change})" if change else ""),
            s.level.name if s.level else "-",
        ]
        if data.team is not None:
            t = data.team.step(s.number)
            values.append("hidden" if t.masked else f"{_num(t.score)} ({t.n})")
        if data.evidence is not None:
            values.append(_evidence_cell(data.evidence, s.number))
        for (_, w), v in zip(cols, values, strict=True):
            doc.cell(w, 5.2, doc.text(v))
        doc.ln(5.2)
    doc.set_x(x0)
    doc.set_font(font, "I", 7)
    doc.set_text_color(90)
    table_w = sum(w for _, w in cols)
    doc.multi_cell(
        table_w,
        3.6,
        doc.text(
            f'{r.answered} of {r.total} statements answered, {r.dont_know} "Don\'t know". '
            + (
                f"Team: {data.team.participants} people; steps under {data.team.k_min} answers "
                "hidden. "
                if data.team is not None
                else ""
            )
            + (
                "Data: the mean of the step's evidence figures."
                if data.evidence is not None
                else ""
            )
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.set_text_color(20)
    doc.set_y(max(doc.get_y(), top + chart_h) + 3)

    bottom = doc.h - 16  # the footer's space: a longer (edited) bank is cut, never overprinted
    cut = False

    def room(height: float) -> bool:
        nonlocal cut
        if doc.get_y() + height > bottom:
            cut = True
        return not cut

    def heading(text: str) -> None:
        if room(10):
            doc.set_font(font, "B", 10.5)
            doc.cell(0, 6, doc.text(text), new_x="LMARGIN", new_y="NEXT")
        doc.set_font(font, size=8.2)

    def bullet(text: str, indent: float = 0.0) -> None:
        lines = doc.multi_cell(
            width - indent, 3.9, doc.text(f"- {text}"), dry_run=True, output="LINES"
        )
        if room(3.9 * len(lines)):
            doc.set_x(doc.l_margin + indent)
            doc.multi_cell(
                width - indent, 3.9, doc.text(f"- {text}"), align="L", new_x="LMARGIN", new_y="NEXT"
            )

    heading("Where the readings differ")
    diffs = data.differences
    for d in diffs[:8]:
        bullet(d.sentence())
    if not diffs:
        bullet(
            "No step differs by the margins that call for a conversation (25 points from the "
            "data, 15 from the team)."
        )
    if data.evidence is not None:
        doc.ln(1)
        heading("Evidence from the data")
        for s in r.steps:
            ev = data.evidence.step(s.number)
            shown = [f"{f.label} {_num(f.value)} (n = {f.n})" for f in ev.available]
            unlock = f": {ev.unlock[0]}" if ev.unlock else ""
            text = "; ".join(shown) if shown else f"no data yet{unlock}"
            bullet(f"{s.label}: {text}")
    doc.ln(1)
    heading("Next actions for the three weakest steps")
    for sa in data.actions:
        doc.set_font(font, "B", 8.5)
        if room(4.6):
            doc.cell(
                0,
                4.6,
                doc.text(
                    f"{sa.step.label} ({_num(sa.step.score)}, "
                    f"{sa.step.level.name if sa.step.level else 'not scored'})"
                ),
                new_x="LMARGIN",
                new_y="NEXT",
            )
        doc.set_font(font, size=8.2)
        for a in sa.actions[:3]:
            page = data.page_name(a.page)
            bullet(a.text + (f" (Workbench: {page})" if page else ""), indent=3)
    doc.ln(1)
    heading("Maturity levels")
    bounds = [lv.start for lv in data.bank.levels[1:]] + [100.0]
    for lv, end in zip(data.bank.levels, bounds, strict=True):
        top_score = f"{end - 1:g}" if end < 100 else "100"
        bullet(f"{lv.name} ({lv.start:g}-{top_score}): {lv.description}")
    if cut:
        doc.set_xy(doc.l_margin, bottom)
        doc.set_font(font, "I", 7.5)
        doc.cell(0, 4, doc.text("More than fits on one page: the Markdown report has it all."))
    return bytes(doc.output())
