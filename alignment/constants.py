"""The method's numbers, named once: agreement, polarisation, change, ranking and risk weights.

Every figure the workbench computes rests on a few conventions (r_wg ≥ 0.70 means "the group
agrees", a change under 5 points is "steady" …). They are named here and nowhere else: the core
computes with these names, the Method page and the charts' captions write them from here, and
``docs/method-constants.md`` is generated from ``CONSTANTS`` (``tests/test_docs.py`` checks that
the README quotes the same values). Changing one is one edit.

These are conventions of the method, not settings: a server's owner configures the anonymity
thresholds (``alignment.config``), but the meaning of "agrees" is the same for everyone.

    python -m alignment.constants > docs/method-constants.md   # regenerate the docs' table
"""

from __future__ import annotations

from dataclasses import dataclass

# --- agreement and polarisation (per cell, see alignment.scoring) ----------------------------

AGREEMENT_THRESHOLD = 0.70  # r_wg at or above: "the group agrees"; below: marked ▼
POLAR_LOW = 25.0  # a respondent's mean (0–100) at or below this is in the low camp
POLAR_HIGH = 75.0  # … at or above this, in the high camp
POLAR_SHARE = 0.25  # a cell is polarised when each camp holds at least this share

# --- comparing two workspaces (alignment.compare) ---------------------------------------------

COMPARISON_CHANGE = 5.0  # points on 0–100: a smaller change is "steady"

# --- ranking what needs a conversation (scoring.misalignment) ---------------------------------

RANK_UNCLEAR_GAP_SHARE = 0.5  # a gap whose interval contains 0 counts this much
RANK_SPLIT_POINTS = 20.0  # added when a side or group is polarised
RANK_DISAGREE_POINTS = 5.0  # added per group that disagrees …
RANK_DISAGREE_CAP = 15.0  # … up to this many points

# --- misalignment risk index (alignment.indicators) -------------------------------------------

RISK_WEIGHT_INDICATORS = 0.40
RISK_WEIGHT_GAP = 0.35
RISK_WEIGHT_AGREEMENT = 0.25
RISK_GAP_FULL = 40.0  # an overall gap of this many points counts in full (the part is capped at 1)

# --- leading indicators: thresholds, rules and severity (alignment.indicators) ----------------

MAD_SCALE = 1.4826  # 1.4826 × MAD estimates σ for normal data
DEFAULT_MADS = 3.0  # the default threshold: median ± this many scaled MADs
RISING_PERIODS = 3  # "worsening N periods running", default N
BASELINE_PERIODS = 6  # the rolling baseline of the "unusual" rule
MIN_BASELINE = 3  # periods of the baseline that must be present
Z_MIN = 2.0  # |z| at or above this, the bad way, is unusual
SEVERITY_OVER = 3
SEVERITY_RISING = 2
SEVERITY_UNUSUAL = 2
SEVERITY_LONG_RUN = 2  # worsening this many periods beyond N adds 1 point
SEVERITY_STRONG_Z = 3.0  # |z| at or above this adds 1 point
LEVEL_HIGH, LEVEL_MEDIUM = 6, 3  # severity at or above: high, medium


@dataclass(frozen=True)
class Constant:
    """One constant as the docs show it."""

    name: str
    value: float
    meaning: str
    fmt: str = "g"  # how prose writes it: "g" gives 25 and 1.4826, ".2f" gives 0.70

    @property
    def text(self) -> str:
        return format(self.value, self.fmt)


CONSTANTS: tuple[Constant, ...] = (
    Constant(
        "AGREEMENT_THRESHOLD",
        AGREEMENT_THRESHOLD,
        'r_wg at or above it: "the group agrees"',
        ".2f",
    ),
    Constant("POLAR_LOW", POLAR_LOW, "a respondent's mean (0–100) at or below it: low camp"),
    Constant("POLAR_HIGH", POLAR_HIGH, "a respondent's mean (0–100) at or above it: high camp"),
    Constant("POLAR_SHARE", POLAR_SHARE, "share of respondents each camp needs for a split room"),
    Constant("COMPARISON_CHANGE", COMPARISON_CHANGE, "points: a smaller change is steady"),
    Constant(
        "RANK_UNCLEAR_GAP_SHARE",
        RANK_UNCLEAR_GAP_SHARE,
        "ranking: share of a gap counted when its interval contains 0",
    ),
    Constant("RANK_SPLIT_POINTS", RANK_SPLIT_POINTS, "ranking: points for a split room"),
    Constant("RANK_DISAGREE_POINTS", RANK_DISAGREE_POINTS, "ranking: points per disagreeing group"),
    Constant("RANK_DISAGREE_CAP", RANK_DISAGREE_CAP, "ranking: most points for disagreement"),
    Constant("RISK_WEIGHT_INDICATORS", RISK_WEIGHT_INDICATORS, "risk index: indicators weight"),
    Constant("RISK_WEIGHT_GAP", RISK_WEIGHT_GAP, "risk index: gap weight"),
    Constant("RISK_WEIGHT_AGREEMENT", RISK_WEIGHT_AGREEMENT, "risk index: agreement weight"),
    Constant("RISK_GAP_FULL", RISK_GAP_FULL, "risk index: points of gap that count in full"),
    Constant("MAD_SCALE", MAD_SCALE, "indicators: scale of the MAD"),
    Constant("DEFAULT_MADS", DEFAULT_MADS, "indicators: default threshold in scaled MADs"),
    Constant("RISING_PERIODS", RISING_PERIODS, "indicators: default N of worsening periods"),
    Constant("BASELINE_PERIODS", BASELINE_PERIODS, "indicators: periods of the baseline"),
    Constant("MIN_BASELINE", MIN_BASELINE, "indicators: baseline periods that must be present"),
    Constant("Z_MIN", Z_MIN, "indicators: |z| that is unusual"),
    Constant("SEVERITY_OVER", SEVERITY_OVER, "indicators: severity of over threshold"),
    Constant("SEVERITY_RISING", SEVERITY_RISING, "indicators: severity of worsening"),
    Constant("SEVERITY_UNUSUAL", SEVERITY_UNUSUAL, "indicators: severity of unusual"),
    Constant(
        "SEVERITY_LONG_RUN", SEVERITY_LONG_RUN, "indicators: periods beyond N that add 1 point"
    ),
    Constant("SEVERITY_STRONG_Z", SEVERITY_STRONG_Z, "indicators: |z| that adds 1 point"),
    Constant("LEVEL_HIGH", LEVEL_HIGH, "indicators: severity that is high"),
    Constant("LEVEL_MEDIUM", LEVEL_MEDIUM, "indicators: severity that is medium"),
)


CONSTANT_BY_NAME: dict[str, Constant] = {c.name: c for c in CONSTANTS}
# The agreement threshold as every text writes it ("r_wg < 0.70").
AGREEMENT_TEXT = CONSTANT_BY_NAME["AGREEMENT_THRESHOLD"].text


def pct(share: float) -> str:
    """A share as a percentage: 0.25 → '25%'."""
    return f"{100 * share:g}%"


def markdown_table() -> str:
    """``docs/method-constants.md``: every constant with its value and meaning."""
    lines = [
        "# The method's constants",
        "",
        "<!-- Generated by `python -m alignment.constants > docs/method-constants.md`; "
        "do not edit. -->",
        "",
        "Named once in `alignment/constants.py`; the app, the Method page and these docs take "
        "them from there. The anonymity thresholds are settings: see [settings](settings.md).",
        "",
        "| constant | value | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| {c.name} | {c.text} | {c.meaning} |" for c in CONSTANTS]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
