"""A text description for every chart, so a screen reader says what the chart shows.

Vega draws a chart as an SVG whose marks carry ARIA roles; a mark group with no label is an
unnamed image (axe's ``svg-img-alt``, a serious WCAG failure), and hundreds of labelled cells are
noise to a screen reader anyway. So every chart the app draws gets one description, built from
the chart itself (its title, its marks and what each axis and colour stands for), on the chart's
root; the marks and guides are taken out of the accessibility tree (``aria: false``). The figures
themselves are in the table beside each chart and in its downloads.

Works on a Vega-Lite spec (a dict) or an Altair chart; never changes the chart it is given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import altair as alt

_CHANNELS = (
    ("x", "across"),
    ("y", "down"),
    ("theta", "angle"),
    ("color", "colour"),
    ("fill", "colour"),
    ("size", "size"),
    ("shape", "shape"),
    ("column", "columns"),
    ("row", "rows"),
    ("facet", "panels"),
)
_MARKS = {
    "rect": "cells",
    "bar": "bars",
    "line": "lines",
    "point": "points",
    "circle": "points",
    "square": "points",
    "tick": "ticks",
    "rule": "lines",
    "area": "areas",
    "arc": "slices",
    "text": "labels",
}
_CONTAINERS = ("layer", "hconcat", "vconcat", "concat")


def _words(field: str) -> str:
    """A field name as words: "score_text:Q" -> "score text"."""
    name = field.split(":", 1)[0]
    return re.sub(r"[_\W]+", " ", name).strip()


def _text(title: Any) -> str:
    if isinstance(title, Mapping):
        title = title.get("text", "")
    if isinstance(title, list | tuple):
        title = " ".join(str(t) for t in title)
    return " ".join(str(title).split()) if title else ""


def _walk(spec: Mapping[str, Any], titles: list[str], marks: list[str], axes: dict) -> None:
    title = _text(spec.get("title"))
    if title and title not in titles:
        titles.append(title)
    mark = spec.get("mark")
    mark_type = mark.get("type") if isinstance(mark, Mapping) else mark
    if isinstance(mark_type, str):
        word = _MARKS.get(mark_type, "marks")
        if word not in marks:
            marks.append(word)
    encodings = dict(spec.get("encoding") or {})
    if isinstance(spec.get("facet"), Mapping):
        facet = spec["facet"]
        encodings.update({"facet": facet} if "field" in facet else dict(facet))
    for channel, word in _CHANNELS:
        enc = encodings.get(channel)
        if not isinstance(enc, Mapping) or word in axes:
            continue
        label = enc.get("title", enc.get("field", ""))
        label = _text(label) if "title" in enc else _words(str(label or ""))
        if label:
            axes[word] = label
    for key in _CONTAINERS:
        for child in spec.get(key) or ():
            if isinstance(child, Mapping):
                _walk(child, titles, marks, axes)
    if isinstance(spec.get("spec"), Mapping):
        _walk(spec["spec"], titles, marks, axes)


def describe(spec: Mapping[str, Any]) -> str:
    """One or two plain sentences: the chart's title, what its marks are and what each axis and
    colour stands for. Names come from the chart's own axis titles, never raw field names."""
    titles: list[str] = []
    marks: list[str] = []
    axes: dict[str, str] = {}
    _walk(spec, titles, marks, axes)
    head = ". ".join(titles) if titles else "Chart"
    shown = ", ".join(marks) if marks else "marks"
    parts = [f"{word}: {label}" for word, label in axes.items()]
    body = f"A chart of {shown}" + (f"; {'; '.join(parts)}" if parts else "")
    return f"{head}. {body}. The figures are in the table that goes with it."


def accessible_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a Vega-Lite spec with a description (unless it has one) and its marks and
    guides out of the accessibility tree."""
    out = dict(spec)
    out.setdefault("description", describe(spec))
    config = dict(out.get("config") or {})
    config["aria"] = False
    config["mark"] = {**dict(config.get("mark") or {}), "aria": False}
    out["config"] = config
    return out


def _skeleton(chart: Any) -> dict[str, Any]:
    """The parts of an Altair chart a description needs, without its data (cheap to build)."""
    out: dict[str, Any] = {}
    for key in ("title", "mark", "encoding", "facet"):
        value = getattr(chart, key, alt.Undefined)
        if value is alt.Undefined:
            continue
        out[key] = value.to_dict(validate=False) if hasattr(value, "to_dict") else value
    for key in _CONTAINERS:
        children = getattr(chart, key, alt.Undefined)
        if children is not alt.Undefined:
            out[key] = [_skeleton(c) for c in children]
    inner = getattr(chart, "spec", alt.Undefined)
    if inner is not alt.Undefined:
        out["spec"] = _skeleton(inner)
    return out


def accessible_chart(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """A copy of an Altair chart with a description (unless it has one) and its marks and guides
    out of the accessibility tree; the chart given is left as it was."""
    out = chart.copy(deep=False)
    if getattr(out, "description", alt.Undefined) is alt.Undefined:
        out.description = describe(_skeleton(chart))
    config = getattr(chart, "config", alt.Undefined)
    config = alt.Config() if config is alt.Undefined else config.copy(deep=True)
    config.aria = False
    mark = getattr(config, "mark", alt.Undefined)
    mark = alt.MarkConfig() if mark is alt.Undefined else mark
    mark.aria = False
    config.mark = mark
    out.config = config
    return out
