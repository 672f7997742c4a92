"""The optional password: hashes, configuration and throttling of wrong guesses."""

from __future__ import annotations

import pytest

from alignment.access import (
    ENV_HASH,
    BadHash,
    check_password,
    configured_hash,
    hash_password,
)


def test_a_hash_checks_its_password_and_nothing_else() -> None:
    stored = hash_password("correct horse battery staple")
    assert stored.startswith("scrypt$")
    assert "correct horse" not in stored
    assert check_password("correct horse battery staple", stored)
    assert not check_password("correct horse battery stapler", stored)
    assert not check_password("", stored)


def test_two_hashes_of_one_password_differ_by_salt() -> None:
    assert hash_password("pw") != hash_password("pw")


@pytest.mark.parametrize(
    "bad", ["", "plaintext", "scrypt$1$2$3$!!$!!", "md5$a$b$c$d$e", "scrypt$4194304$8$1$AAAA$AAAA"]
)
def test_a_broken_hash_is_refused_not_treated_as_open(bad: str) -> None:
    with pytest.raises(BadHash):
        check_password("anything", bad)


def test_empty_password_cannot_be_hashed() -> None:
    with pytest.raises(ValueError):
        hash_password("")


def test_configuration_environment_wins_over_secrets() -> None:
    assert configured_hash({}, {}) is None
    assert configured_hash({"password_hash": "from-secrets"}, {}) == "from-secrets"
    assert configured_hash({"auth": {"password_hash": "nested"}}, {}) == "nested"
    assert configured_hash({"password_hash": "s"}, {ENV_HASH: "e"}) == "e"
    assert configured_hash({"password_hash": "  "}, {ENV_HASH: ""}) is None


def test_hash_password_command_reads_stdin(monkeypatch, capsys) -> None:
    import io

    from alignment.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO("a long pass phrase\n"))
    assert main(["hash-password"]) == 0
    stored = capsys.readouterr().out.strip()
    assert check_password("a long pass phrase", stored)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["hash-password"]) == 1
