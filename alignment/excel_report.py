"""The Excel report: every masked view as a sheet, readable on its own.

Written by ``python -m alignment report``. Cells under the anonymity threshold stay empty; the
Method sheet says why.
"""

from __future__ import annotations

import pandas as pd

from alignment import constants, scoring
from alignment import coverage as coverage_mod
from alignment.dataset import Dataset
from alignment.exports import to_xlsx_bytes
from alignment.privacy import Privacy


def _named(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    frame = frame.copy()
    frame.insert(1, "initiative", frame["initiative_id"].map(lambda i: names.get(i, i)))
    return frame


def _flag(series: pd.Series) -> pd.Series:
    """TRUE/FALSE for shown cells, empty for hidden ones (Excel reads the booleans)."""
    return (
        series.astype(object)
        .where(series.notna(), None)
        .map(lambda v: None if v is None else bool(v))
    )


def report_tables(dataset: Dataset, privacy: Privacy) -> dict[str, pd.DataFrame]:
    """Sheet name -> table, in the order they appear in the workbook."""
    fb = scoring.prepare(dataset.feedback)
    views = scoring.views(fb, privacy)
    names = dataset.initiative_names()
    dims = dataset.dimensions
    by_side = _named(views.side, names)
    by_side = by_side.assign(
        polarised=_flag(by_side["polarised"]), hidden=by_side["masked"].astype(bool)
    )[["initiative_id", "initiative", "side", "n", "score", "rwg", "polarised", "hidden"]]
    by_group = _named(views.group, names)
    by_group = by_group.assign(
        polarised=_flag(by_group["polarised"]), hidden=by_group["masked"].astype(bool)
    )[["initiative_id", "initiative", "group", "side", "n", "score", "rwg", "polarised", "hidden"]]
    gaps = _named(views.gaps, names)
    gaps["dimension"] = gaps["dimension"].map(lambda d: dims.get(d, d))
    gaps = gaps.assign(clear=_flag(gaps["clear"]), hidden=gaps["masked"].astype(bool))[
        [
            "initiative_id",
            "initiative",
            "dimension",
            "tech_mean",
            "business_mean",
            "gap",
            "n_tech",
            "n_business",
            "gap_low",
            "gap_high",
            "clear",
            "hidden",
        ]
    ]
    cov = coverage_mod.coverage(dataset)
    coverage = cov.shares.rename(columns={"initiative_ids": "initiative_list"})[
        [
            "objective_id",
            "objective",
            "weight",
            "initiatives",
            "effort_share",
            "weight_share",
            "initiative_list",
        ]
    ]
    summary = _named(views.summary, names)[
        [
            "initiative_id",
            "initiative",
            "n",
            "score",
            "score_tech",
            "n_tech",
            "score_business",
            "n_business",
            "gap",
            "gap_low",
            "gap_high",
            "clear",
            "rwg",
            "groups_disagree",
            "polarised_groups",
            "misalignment",
        ]
    ]
    summary["clear"] = _flag(summary["clear"])
    trend = scoring.trend(fb, privacy)
    trend = (
        _named(trend, names)[
            ["initiative_id", "initiative", "period", "n", "score", "rwg", "masked"]
        ].rename(columns={"masked": "hidden"})
        if not trend.empty
        else pd.DataFrame(
            columns=["initiative_id", "initiative", "period", "n", "score", "rwg", "hidden"]
        )
    )
    return {
        "Alignment by side": by_side,
        "Alignment by group": by_group,
        "Gaps": gaps,
        "Coverage": coverage,
        "Initiatives": summary,
        "Trend": trend,
        "Method": method_sheet(privacy),
    }


def method_sheet(privacy: Privacy) -> pd.DataFrame:
    share = constants.pct(constants.POLAR_SHARE)
    rows = [
        ("Scale", "Each rating x on a lo..hi scale becomes 100 × (x − lo) / (hi − lo)."),
        ("score", "Mean of every normalised rating in the cell (missing ratings left out)."),
        ("n", "Distinct respondents in the cell."),
        (
            "rwg",
            "1 − s² / σ²_EU on the respondents' mean ratings, σ²_EU = (k² − 1) / 12 for a "
            "k-point scale; clipped to 0..1; empty for n < 2. "
            f"{constants.AGREEMENT_TEXT} or more: the group agrees.",
        ),
        (
            "polarised",
            f"TRUE when at least {share} of respondents' means are at or below "
            f"{constants.POLAR_LOW:g} and at least {share} at or above "
            f"{constants.POLAR_HIGH:g}, or the variance exceeds the uniform null.",
        ),
        ("gap", "Tech mean − business mean, in points of the 0–100 scale."),
        (
            "gap_low, gap_high",
            "95% Welch two-sample t interval on the two sides' normalised "
            "ratings (one value per respondent and dimension).",
        ),
        ("clear", "TRUE when the interval excludes 0."),
        (
            "effort_share",
            "Share of all effort spent on the objective's initiatives (an "
            "initiative serving several objectives splits its effort equally).",
        ),
        (
            "Anonymity",
            f"Cells with fewer than {privacy.k_min} respondents are left empty "
            "(hidden = TRUE). Where a total sits beside its parts and exactly one "
            "part is hidden, the next-smallest part is hidden too.",
        ),
    ]
    return pd.DataFrame(rows, columns=["term", "meaning"])


def report_xlsx(dataset: Dataset, privacy: Privacy) -> bytes:
    tables = report_tables(dataset, privacy)
    return to_xlsx_bytes(
        tables,
        color_scale={
            "Alignment by side": ["score"],
            "Alignment by group": ["score"],
            "Initiatives": ["score", "score_tech", "score_business"],
            "Trend": ["score"],
        },
        diverging={"Gaps": ["gap"], "Initiatives": ["gap"]},
        percent_like={
            "Alignment by side": ["score"],
            "Alignment by group": ["score"],
            "Gaps": ["tech_mean", "business_mean", "gap", "gap_low", "gap_high"],
            "Coverage": ["effort_share", "weight_share"],
        },
    )
