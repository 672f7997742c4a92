"""Settings resolve in one place: environment, then secrets, then the declared default."""

from __future__ import annotations

from pathlib import Path

import pytest

from alignment import config
from alignment.privacy import from_config

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_declared_once_with_a_variable_and_help() -> None:
    names = [s.name for s in config.SETTINGS]
    envs = [s.env for s in config.SETTINGS]
    assert len(set(names)) == len(names) and len(set(envs)) == len(envs)
    for s in config.SETTINGS:
        assert s.env.startswith("ALIGNMENT_") and s.help and s.group


def test_the_environment_wins_then_the_secrets_in_order_then_the_default() -> None:
    secrets = {"k_min": 4, "privacy": {"k_min": 6}}
    assert config.resolve("k_min", secrets, {"ALIGNMENT_K_MIN": "8"}) == config.Resolved(8, "env")
    assert config.resolve("k_min", secrets, {}) == config.Resolved(6, "secrets")
    assert config.get("k_min", {"k_min": "4"}, {}) == 4
    assert config.resolve("k_min", {}, {}) == config.Resolved(3, "default")
    assert config.get("k_min", {}, {"ALIGNMENT_K_MIN": "  "}) == 3  # blank is unset


def test_a_refused_value_keeps_the_default_and_says_why() -> None:
    low = config.resolve("k_min", None, {"ALIGNMENT_K_MIN": "0"})
    assert low.value == 3 and low.source == "default"
    assert low.note == (
        "k_min=0 would show single answers; the threshold cannot go below 1, so the default 3 "
        "is used."
    )
    garbage = config.resolve("k_min", {"k_min": "many"}, {})
    assert garbage.note == "k_min='many' is not a whole number; the default 3 is used."


def test_a_text_setting_skips_a_non_text_secret_for_the_next_key() -> None:
    secrets = {"password_hash": 12345, "auth": {"password_hash": "scrypt$x"}}
    assert config.get("password_hash", secrets, {}) == "scrypt$x"


@pytest.mark.parametrize(
    ("environ", "secrets", "expected"),
    [
        ({}, {}, (3, 5, ())),
        ({"ALIGNMENT_K_MIN": "7"}, {}, (7, 7, ())),
        ({}, {"privacy": {"k_comments": 2}}, (3, 3, ("k_comments=2 is below k_min=3",))),
    ],
)
def test_privacy_reads_through_config(
    environ: dict, secrets: dict, expected: tuple[int, int, tuple[str, ...]]
) -> None:
    privacy = from_config(secrets, environ)
    assert (privacy.k_min, privacy.k_comments) == expected[:2]
    assert all(any(n.startswith(e) for n in privacy.notes) for e in expected[2])


def test_the_cli_help_quotes_the_declared_default() -> None:
    from alignment.cli import K_MIN_HELP

    assert (
        f"anonymity threshold (default: ALIGNMENT_K_MIN or {config.default('k_min')})" == K_MIN_HELP
    )


def test_the_command_line_and_the_browser_refuse_the_same_file_size() -> None:
    """The browser turns ``server.maxUploadSize`` into bytes at 1,000,000 a megabyte (except on
    Windows); the importer, in the app and on the command line, applies the same bytes, so a
    file of 100-104.9 MB is refused by both, not by one of them."""
    import tomllib

    from alignment.readers import DEFAULT_LIMITS, upload_limit_bytes
    from alignment.readers.base import UPLOAD_LIMIT_MB

    toml = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    mb = toml["server"]["maxUploadSize"]
    assert mb == UPLOAD_LIMIT_MB
    assert DEFAULT_LIMITS.max_file_bytes == upload_limit_bytes(mb) == mb * 1_000_000
    loader = (ROOT / "components" / "loader.py").read_text(encoding="utf-8")
    assert "max_file_bytes=upload_limit_bytes(upload_limit_mb())" in loader


def test_a_file_just_over_the_upload_limit_is_refused_on_the_command_line(tmp_path) -> None:
    from alignment.problems import UnreadableFile
    from alignment.readers import DEFAULT_LIMITS, read_file

    data = b"Initiative ID,Name\n" + b"x" * (DEFAULT_LIMITS.max_file_bytes - 18)
    with pytest.raises(UnreadableFile, match=r"100,000,001 bytes; the limit is 100,000,000 bytes"):
        read_file(data, "big.csv")
