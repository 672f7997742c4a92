"""Every chart's table alternative: the same masked rows, with words a reader knows.

A chart's download table keeps its field names for analysts; the table shown on the page beside
a chart (``components.chart.show``) uses these labels instead, says "yes"/"no" for flags and
says *why* a hidden row has no figures. It is built from the very frame the chart draws, so it
can never show a figure the chart hides.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from alignment.charts.palette import hidden_words
from alignment.scoring import MASK_SMALL

SUBTRACTION_WORDS = "Hidden: it would let a smaller group be worked out by subtraction"

LABELS: dict[str, str] = {
    "initiative_id": "Initiative ID",
    "initiative": "Initiative",
    "group": "Group",
    "side": "Side",
    "period": "Period",
    "dimension": "Dimension",
    "n": "Respondents (n)",
    "score": "Mean rating (0–100)",
    "rwg": "Agreement r_wg (0–1)",
    "polarised": "Split room (polarised)",
    "low_agreement": "Group disagrees",
    "hidden": "Shown or hidden",
    "tech_mean": "Tech mean rating (0–100)",
    "business_mean": "Business mean rating (0–100)",
    "gap": "Gap, tech − business (points)",
    "gap_low": "95% interval, low",
    "gap_high": "95% interval, high",
    "clear": "Clear difference",
    "n_tech": "Tech respondents",
    "n_business": "Business respondents",
    "objective_id": "Objective ID",
    "objective": "Objective",
    "weight": "Weight",
    "weight_share": "Weight in the strategy (%)",
    "effort": "Effort",
    "effort_part": "Effort counted towards the objective",
    "effort_share": "Share of effort (%)",
    "initiatives": "Initiatives serving it",
    "rating": "Rating",
    "count": "People",
    "people": "People",
    "who": "Who",
    "dots": "Dots",
    "dots_tech": "Dots from tech",
    "dots_business": "Dots from business",
}
# Figures a hidden row must not show, even if a caller forgot to blank them.
FIGURES = frozenset(LABELS) - {
    "initiative_id",
    "initiative",
    "group",
    "side",
    "period",
    "dimension",
    "hidden",
    "objective_id",
    "objective",
    "who",
}


def label(column: str) -> str:
    """The reader's name of a field: the table above, else the field in words."""
    if column in LABELS:
        return LABELS[column]
    words = str(column).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def readable(
    table: pd.DataFrame,
    k_min: int | None = None,
    values: Mapping[str, Mapping[object, str]] | None = None,
) -> pd.DataFrame:
    """The table a reader sees: labelled columns, flags in words, hidden rows without figures.

    ``values`` maps a column's codes to words (dimension ids to their labels, say). Missing
    figures stay empty (the page shows them as a dash), so numbers still sort as numbers.
    """
    frame = table.copy()
    hidden = (
        frame["hidden"].fillna(False).astype(bool)
        if "hidden" in frame.columns
        else pd.Series(False, index=frame.index)
    )
    for column in frame.columns:
        if column in FIGURES and column not in ("polarised", "low_agreement", "clear"):
            frame[column] = frame[column].where(~hidden)
    for column, codes in (values or {}).items():
        if column in frame.columns:
            frame[column] = frame[column].map(lambda v, c=codes: c.get(v, v))
    reasons = (
        frame.pop("mask_reason") if "mask_reason" in frame.columns else pd.Series("", frame.index)
    )
    small = hidden_words(k_min) if k_min is not None else "Hidden: too few respondents"
    for column in frame.columns:
        series = frame[column]
        if column == "hidden":
            # The reason a row is hidden, in words: too few people, or complementary masking.
            frame[column] = [
                ("Shown" if not h else SUBTRACTION_WORDS if r and r != MASK_SMALL else small)
                for h, r in zip(hidden, reasons.fillna(""), strict=True)
            ]
        elif series.dtype == bool or column in ("polarised", "low_agreement", "clear"):
            frame[column] = [
                "" if h or pd.isna(v) else ("yes" if bool(v) else "no")
                for v, h in zip(series, hidden, strict=True)
            ]
        elif pd.api.types.is_float_dtype(series):
            frame[column] = series.round(2 if column == "rwg" else 1)
    return frame.rename(columns={c: label(c) for c in frame.columns})
