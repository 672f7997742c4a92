"""Anonymity thresholds, read from configuration and never silently weakened.

A cell resting on fewer than ``k_min`` distinct respondents is never shown, exported or used in
a drill-down; comments need ``k_comments`` respondents (never fewer than ``k_min``). The values
come from ``alignment.config`` (environment or secrets file); a value below the setting's minimum
(or garbage) is not used silently: it is reported and the safe default stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from alignment import config

DEFAULT_K_MIN = int(config.default("k_min"))
DEFAULT_K_COMMENTS = int(config.default("k_comments"))
ENV_K_MIN = config.env("k_min")
ENV_K_COMMENTS = config.env("k_comments")


@dataclass(frozen=True)
class Privacy:
    """The thresholds every analysis takes; ``k_comments`` is raised to ``k_min`` if lower."""

    k_min: int = DEFAULT_K_MIN
    k_comments: int = DEFAULT_K_COMMENTS
    notes: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if self.k_min < 1:
            raise ValueError("k_min must be at least 1")
        if self.k_comments < self.k_min:
            object.__setattr__(self, "k_comments", self.k_min)

    def describe(self) -> str:
        return (
            f"Scores rest on at least {self.k_min} respondents; comments are shown only for "
            f"cells with at least {self.k_comments}."
        )


def from_config(
    secrets: Mapping[str, object] | None = None, environ: Mapping[str, str] | None = None
) -> Privacy:
    """Thresholds from the environment, else the secrets file, else the defaults (see the
    ``k_min`` and ``k_comments`` settings in ``alignment.config``); every refused value is noted."""
    k_min = config.resolve("k_min", secrets, environ)
    k_comments = config.resolve(
        "k_comments", secrets, environ, default=max(DEFAULT_K_COMMENTS, int(k_min.value))
    )
    notes = [r.note for r in (k_min, k_comments) if r.note]
    low, comments = int(k_min.value), int(k_comments.value)
    if comments < low:
        notes.append(f"k_comments={comments} is below k_min={low}; comments follow k_min.")
    return Privacy(low, comments, tuple(notes))
