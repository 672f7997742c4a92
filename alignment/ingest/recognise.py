"""Which table a sheet holds, from its headers: every possible reading, scored."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from alignment import schema
from alignment.ingest.headers import _is_survey_header, match_header


def _assign(
    table: schema.Table, headers: Sequence[str], fields: Iterable[str]
) -> tuple[dict[str, int], float]:
    """Greedy one-to-one mapping of fields to header columns; returns mapping and its score."""
    allowed = set(fields)
    candidates = []
    for j, h in enumerate(headers):
        for t, f, s in match_header(h):
            if t == table.name and f in allowed:
                candidates.append((s, table.field(f).signal, -j, f, j))
    candidates.sort(reverse=True)
    mapping: dict[str, int] = {}
    used: set[int] = set()
    score = 0.0
    for s, signal, _, f, j in candidates:
        if f in mapping or j in used:
            continue
        mapping[f] = j
        used.add(j)
        score += signal * s / 100
    return mapping, score


@dataclass
class _Plan:
    kind: str
    score: float
    mapping: dict[str, int]
    form: str = ""
    extra: list[int] = field(default_factory=list)


def _plans(headers: list[str], sheet_name: str, file: str) -> list[_Plan]:
    """Every table the headers could hold, best first."""
    survey_cols = [j for j, h in enumerate(headers) if _is_survey_header(h)]
    label = schema.normalise_header(sheet_name or Path(file).stem)
    plans: list[_Plan] = []
    for table in schema.TABLES:
        names = [f.name for f in table.fields]
        form, extra = "", []
        if table.name == "feedback":
            long_map, long_score = _assign(
                table, headers, [n for n in names if n not in schema.FEEDBACK_RATING_FIELDS]
            )
            plain = [n for n in names if n not in ("dimension", "score")]
            if len(survey_cols) >= 2:
                mapping, score = _assign(
                    table,
                    [h if j not in survey_cols else "" for j, h in enumerate(headers)],
                    [
                        n
                        for n in plain
                        if n not in schema.FEEDBACK_RATING_FIELDS and n != "initiative"
                    ],
                )
                form, extra, score = "survey", survey_cols, score + 3
            elif "dimension" in long_map and "score" in long_map and "initiative" in long_map:
                mapping, score, form = long_map, long_score, "long"
            else:
                mapping, score = _assign(table, headers, plain)
                form = "wide"
                if (
                    not any(d in mapping for d in schema.FEEDBACK_RATING_FIELDS)
                    or "initiative" not in mapping
                ):
                    continue
        elif table.name == "indicators":
            mapping, score = _assign(table, headers, names)
            if "period" not in mapping:
                continue
            if "metric" in mapping and "value" in mapping:
                form = "long"
            else:
                mapping.pop("metric", None)
                mapping.pop("value", None)
                used = set(mapping.values())
                extra = [
                    j
                    for j in range(len(headers))
                    if j not in used and not headers[j].startswith("Column ")
                ]
                if not extra:
                    continue
                form, score = "wide", score + 0.5 * min(len(extra), 4)
        else:
            mapping, score = _assign(table, headers, names)
            if any(r not in mapping for r in table.required):
                continue
            if table.signature and not set(table.signature) & set(mapping):
                continue
        if label and (
            label in table.sheet_names
            or any(label.startswith(n) for n in table.sheet_names if len(n) > 4)
        ):
            score += 2.5
        plans.append(_Plan(table.name, score, mapping, form, extra))
    plans.sort(key=lambda p: -p.score)
    return plans


def _apply_overrides(plan: _Plan, headers: list[str], override: dict) -> _Plan:
    columns = override.get("columns") or {}
    if not columns:
        return plan
    mapping = dict(plan.mapping)
    by_name = {h: j for j, h in enumerate(headers)}
    for f, header in columns.items():
        mapping.pop(f, None)
        if header and header in by_name:
            j = by_name[header]
            for other, col in list(mapping.items()):
                if col == j:
                    del mapping[other]
            mapping[f] = j
    extra = [j for j in plan.extra if j not in mapping.values()]
    form = plan.form
    if plan.kind == "feedback" and form != "survey":
        form = "long" if "dimension" in mapping and "score" in mapping else "wide"
    if plan.kind == "indicators":
        form = "long" if "metric" in mapping and "value" in mapping else "wide"
    return _Plan(plan.kind, plan.score, mapping, form, extra)


def _forced_plan(kind: str, headers: list[str]) -> _Plan:
    """The best mapping for a table the user says the sheet holds, even if unconvincing."""
    table = schema.TABLE_BY_NAME[kind]
    names = [f.name for f in table.fields]
    if kind == "feedback":
        survey = [j for j, h in enumerate(headers) if _is_survey_header(h)]
        if len(survey) >= 2:
            mapping, s = _assign(
                table,
                headers,
                [
                    n
                    for n in names
                    if n not in (*schema.FEEDBACK_RATING_FIELDS, "dimension", "score", "initiative")
                ],
            )
            return _Plan(kind, s, mapping, "survey", survey)
        mapping, s = _assign(table, headers, [n for n in names if n not in ("dimension", "score")])
        return _Plan(kind, s, mapping, "wide")
    mapping, s = _assign(table, headers, names)
    if kind == "indicators":
        if "metric" in mapping and "value" in mapping:
            return _Plan(kind, s, mapping, "long")
        used = set(mapping.values())
        return _Plan(kind, s, mapping, "wide", [j for j in range(len(headers)) if j not in used])
    return _Plan(kind, s, mapping)
