"""Synthetic prioritisation data with a known truth, for the tests and the benchmark.

Each initiative has a true mean per WSJF component and side; respondents rate around it with
noise, on the Fibonacci scale's 1..20 range. Built straight into a ``Dataset`` (no file, no
import), so the tests and ``bench/bench_pipeline.py`` time and check the ranking alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alignment import schema
from alignment.dataset import FEEDBACK_COLUMNS, Dataset


def ratings_frame(
    values: np.ndarray, people: list[str], sides: list[str], ids: list[str], dims: tuple[str, ...]
) -> pd.DataFrame:
    """Long feedback rows from a respondents × initiatives × dims array (NaN: not rated),
    every rating on the 1–20 scale."""
    r, i, c = np.nonzero(~np.isnan(values))
    rating = values[r, i, c]
    return pd.DataFrame(
        {
            "respondent": np.asarray(people)[r],
            "group": np.where(np.asarray(sides)[r] == "tech", "Engineering", "Sales"),
            "side": np.asarray(sides)[r],
            "initiative_id": np.asarray(ids)[i],
            "dimension": np.asarray(dims)[c],
            "rating": rating,
            "scale_min": 1.0,
            "scale_max": 20.0,
            "score": 100 * (rating - 1) / 19,
            "date": pd.NaT,
        }
    )[list(FEEDBACK_COLUMNS)]


def synthetic_dataset(
    initiatives: int = 300,
    respondents: int = 200,
    seed: int = 1,
    noise: float = 3.0,
    rated_share: float = 1.0,
    true_means: np.ndarray | None = None,
) -> tuple[Dataset, np.ndarray]:
    """A dataset and its true component means (sides × initiatives × 4: BV, TC, RR, job size).

    Half the respondents are tech, half business; each rates a ``rated_share`` of the
    initiatives. Ratings are the true mean plus normal noise, rounded and clipped to 1..20.
    """
    rng = np.random.default_rng(seed)
    ids = [f"I-{k:03d}" for k in range(initiatives)]
    if true_means is None:
        true_means = rng.uniform(2, 18, size=(2, initiatives, 4))
    people = [f"r{k:04d}" for k in range(respondents)]
    sides = ["tech" if k % 2 == 0 else "business" for k in range(respondents)]
    side_index = np.array([0 if s == "tech" else 1 for s in sides])
    mu = true_means[side_index]  # respondents × initiatives × 4
    values = np.clip(np.rint(mu + rng.normal(0, noise, mu.shape)), 1, 20)
    values[rng.random(values.shape[:2]) >= rated_share] = np.nan
    bv = ratings_frame(values[..., :1], people, sides, ids, ("business_value",))
    est = ratings_frame(
        values[..., 1:], people, sides, ids, ("time_criticality", "risk_reduction", "job_size")
    )
    init = pd.DataFrame(
        {
            "id": ids,
            "name": [f"Initiative {k}" for k in range(initiatives)],
            "effort": rng.choice([1, 2, 3, 5, 8, 13, 20], size=initiatives).astype(float),
        }
    )
    for f in schema.INITIATIVES.fields:
        if f.name not in init.columns:
            init[f.name] = None
    dataset = Dataset(
        initiatives=init,
        feedback=bv,
        estimates=est,
        group_sides={"Engineering": "tech", "Sales": "business"},
        dimensions={"business_value": "Business value"},
        name="synthetic",
        fingerprint=f"synthetic-{initiatives}-{respondents}-{seed}",
    )
    return dataset, true_means
