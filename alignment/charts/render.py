"""Charts to files with vl-convert: no browser, no network (external data URLs are refused)."""

from __future__ import annotations

from typing import Any

import altair as alt
import vl_convert

FONT = "Helvetica, Arial, sans-serif"


def spec(chart: alt.TopLevelMixin | dict[str, Any]) -> dict[str, Any]:
    return chart if isinstance(chart, dict) else chart.to_dict()


def to_png(chart: alt.TopLevelMixin | dict[str, Any], scale: float = 2.0) -> bytes:
    return vl_convert.vegalite_to_png(spec(chart), scale=scale, allowed_base_urls=[])


def to_svg(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    return vl_convert.vegalite_to_svg(spec(chart), allowed_base_urls=[])


def to_pdf(chart: alt.TopLevelMixin | dict[str, Any]) -> bytes:
    return vl_convert.vegalite_to_pdf(spec(chart), allowed_base_urls=[])
