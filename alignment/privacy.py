"""Anonymity thresholds, read from configuration and never silently weakened.

A cell resting on fewer than ``k_min`` distinct respondents is never shown, exported or used in
a drill-down; comments need ``k_comments`` respondents (never fewer than ``k_min``). The values
come from an environment variable or the Streamlit secrets file; a value below 1 (or garbage) is
not used silently: it is reported and the safe default stays.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_K_MIN = 3
DEFAULT_K_COMMENTS = 5
ENV_K_MIN = "ALIGNMENT_K_MIN"
ENV_K_COMMENTS = "ALIGNMENT_K_COMMENTS"


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


def _parse(raw: object, name: str, default: int, notes: list[str]) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        notes.append(f"{name}={raw!r} is not a whole number; the default {default} is used.")
        return default
    if value < 1:
        notes.append(
            f"{name}={value} would show single answers; the threshold cannot go below "
            f"1, so the default {default} is used."
        )
        return default
    return value


def from_config(
    secrets: Mapping[str, object] | None = None, environ: Mapping[str, str] | None = None
) -> Privacy:
    """Thresholds from the environment (``ALIGNMENT_K_MIN``, ``ALIGNMENT_K_COMMENTS``), else the
    secrets file (``k_min``, ``k_comments`` at top level or under ``[privacy]``), else defaults."""
    environ = os.environ if environ is None else environ
    secrets = secrets or {}
    section = secrets.get("privacy", {}) if isinstance(secrets.get("privacy"), Mapping) else {}
    notes: list[str] = []

    def pick(env: str, key: str) -> object:
        if environ.get(env):
            return environ[env]
        return section.get(key, secrets.get(key))

    k_min = _parse(pick(ENV_K_MIN, "k_min"), "k_min", DEFAULT_K_MIN, notes)
    k_comments = _parse(
        pick(ENV_K_COMMENTS, "k_comments"), "k_comments", max(DEFAULT_K_COMMENTS, k_min), notes
    )
    if k_comments < k_min:
        notes.append(f"k_comments={k_comments} is below k_min={k_min}; comments follow k_min.")
    return Privacy(k_min, k_comments, tuple(notes))
