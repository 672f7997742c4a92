"""A worked example of the method, computed from the user's own data, for the Method page.

The example is taken from cells that are shown anyway (never a masked one), and it reports
only aggregates a drill-down would also show: no single respondent's answers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special  # stdtrit is stats.t.ppf; scipy.stats costs ~4x the import

from alignment.constants import AGREEMENT_THRESHOLD, POLAR_HIGH, POLAR_LOW
from alignment.privacy import Privacy
from alignment.scoring import SIDES_SHOWN, Views, countable


@dataclass(frozen=True)
class CellExample:
    initiative_id: str
    group: str
    n: int
    n_ratings: int
    score: float
    points: int  # k, the number of scale points
    variance: float  # s² of the respondents' mean ratings, on the raw scale
    sigma_eu: float  # (k² - 1) / 12, raw scale
    rwg_raw: float
    rwg: float
    share_low: float
    share_high: float
    polarised: bool


@dataclass(frozen=True)
class GapExample:
    initiative_id: str
    dimension: str
    tech_mean: float
    tech_sd: float
    n_tech: int
    business_mean: float
    business_sd: float
    n_business: int
    gap: float
    se: float
    df: float
    t: float
    low: float
    high: float


def scales_in_use(feedback: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Dimension, scale and how many ratings used it."""
    if feedback.empty:
        return pd.DataFrame(columns=["Dimension", "Scale", "Ratings"])
    frame = (
        feedback.groupby(["dimension", "scale_min", "scale_max"])
        .size()
        .rename("Ratings")
        .reset_index()
    )
    frame["Dimension"] = frame["dimension"].map(lambda d: labels.get(d, d))
    frame["Scale"] = [
        f"{lo:g} to {hi:g}" for lo, hi in zip(frame["scale_min"], frame["scale_max"], strict=False)
    ]
    return frame[["Dimension", "Scale", "Ratings"]]


def cell_example(fb: pd.DataFrame, views: Views, privacy: Privacy) -> CellExample | None:
    """The largest shown group cell of the initiative that most needs a conversation, worked
    out from the ratings that count (``scoring.countable``), as the heatmap's cell is."""
    fb = countable(fb, privacy)
    shown = views.group[~views.group["masked"].astype(bool)]
    if shown.empty:
        return None
    ranked = views.summary.sort_values("misalignment", ascending=False)["initiative_id"]
    for initiative in ranked:
        cells = shown[shown["initiative_id"] == initiative]
        if cells.empty:
            continue
        cell = cells.sort_values("n", ascending=False).iloc[0]
        sel = fb[(fb["initiative_id"] == initiative) & (fb["group"] == cell["group"])]
        lo, hi = float(sel["scale_min"].iloc[0]), float(sel["scale_max"].iloc[0])
        raw = sel.groupby("respondent")["rating"].mean()
        points = int(round(hi - lo + 1))
        sigma = (points**2 - 1) / 12
        variance = float(raw.var()) if len(raw) > 1 else float("nan")
        norm = 100 * (raw - lo) / (hi - lo)
        return CellExample(
            initiative,
            str(cell["group"]),
            int(cell["n"]),
            int(len(sel)),
            float(cell["score"]),
            points,
            variance,
            sigma,
            1 - variance / sigma,
            float(cell["rwg"]),
            float((norm <= POLAR_LOW).mean()),
            float((norm >= POLAR_HIGH).mean()),
            bool(cell["polarised"]),
        )
    return None


def gap_example(fb: pd.DataFrame, views: Views, privacy: Privacy) -> GapExample | None:
    """The largest shown gap, recomputed step by step from the ratings that count (it matches
    the heatmap's interval; raw ratings would add small groups' answers the gap leaves out)."""
    fb = countable(fb, privacy)
    gaps = views.gaps[~views.gaps["masked"].astype(bool) & views.gaps["gap_low"].notna()]
    if gaps.empty:
        return None
    row = gaps.loc[gaps["gap"].abs().idxmax()]
    sel = fb[(fb["initiative_id"] == row["initiative_id"]) & (fb["dimension"] == row["dimension"])]
    a = sel.loc[sel["side"] == SIDES_SHOWN[0], "score"].to_numpy()
    b = sel.loc[sel["side"] == SIDES_SHOWN[1], "score"].to_numpy()
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = float(np.sqrt(va + vb))
    df = (
        float((va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1)))
        if se
        else float("inf")
    )
    t = float(special.stdtrit(df, 0.975)) if se else 0.0
    gap = float(a.mean() - b.mean())
    return GapExample(
        str(row["initiative_id"]),
        str(row["dimension"]),
        float(a.mean()),
        float(a.std(ddof=1)),
        len(a),
        float(b.mean()),
        float(b.std(ddof=1)),
        len(b),
        gap,
        se,
        df,
        t,
        gap - t * se,
        gap + t * se,
    )


def agreement_words(rwg: float) -> str:
    return "the group agrees" if rwg >= AGREEMENT_THRESHOLD else "the group disagrees"
