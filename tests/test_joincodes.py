"""Join codes: readable, unguessable, and throttled."""

from __future__ import annotations

from alignment import joincodes


def test_codes_use_only_unambiguous_symbols_and_are_long_enough() -> None:
    codes = {joincodes.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == joincodes.CODE_LENGTH >= 12 for c in codes)
    assert set("".join(codes)) <= set(joincodes.ALPHABET)
    assert not set("01OIL") & set(joincodes.ALPHABET)
    assert len(joincodes.ALPHABET) ** joincodes.CODE_LENGTH > 5 * 10**17


def test_typed_codes_are_normalised_or_refused() -> None:
    assert joincodes.normalise(" abcd-efgh-jkmn ") == "ABCDEFGHJKMN"
    assert joincodes.normalise("ab cd ef gh jk mn") == "ABCDEFGHJKMN"
    assert joincodes.normalise(" abcd-efgh ") == "ABCDEFGH"  # a legacy code still opens
    assert joincodes.normalise("ABCDEFG") is None
    assert joincodes.normalise("ABCDEFGHJK") is None
    assert joincodes.normalise("ABCDEFGO") is None  # O is not in the alphabet
    assert joincodes.normalise("") is None
    assert joincodes.normalise(None) is None
    assert joincodes.looks_mistyped("abcd-efg0")
    assert not joincodes.looks_mistyped("abcd-efgh")
    assert joincodes.pretty("ABCDEFGH") == "ABCD-EFGH"
    assert joincodes.pretty("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"


def test_tokens_are_random_and_unlinkable() -> None:
    tokens = {joincodes.new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(len(t) >= 22 for t in tokens)


def test_backoff_grows_after_the_free_attempts_and_is_capped() -> None:
    waits = [joincodes.wait_seconds(n) for n in range(20)]
    assert waits[: joincodes.FREE_ATTEMPTS] == [0.0] * joincodes.FREE_ATTEMPTS
    assert waits[joincodes.FREE_ATTEMPTS] == 2.0
    assert waits[joincodes.FREE_ATTEMPTS + 1] == 4.0
    assert max(waits) == joincodes.MAX_WAIT_SECONDS
    assert waits == sorted(waits)


def test_guessing_a_current_code_is_infeasible_without_any_brake() -> None:
    """Issue 18, item 11: the server-wide brake (200 wrong codes per 10 minutes) blocked every
    real participant once an attacker spent it. A current code is long enough that no brake is
    needed: at 1,000 guesses a second (far above what a server checks), finding one of 100 open
    codes takes over 100,000 years; and no count of wrong codes ever holds a current code back."""
    assert joincodes.expected_years_to_guess(open_codes=100, guesses_per_second=1000) > 100_000
    code = joincodes.new_code()
    assert not joincodes.is_legacy(code)
    assert not joincodes.server_busy(10**9, code)


def test_the_brake_is_left_only_for_legacy_codes() -> None:
    legacy = "ABCDEFGH"
    assert joincodes.is_legacy(legacy)
    assert not joincodes.server_busy(joincodes.SERVER_LIMIT - 1, legacy)
    assert joincodes.server_busy(joincodes.SERVER_LIMIT, legacy)
    assert joincodes.legacy_years_to_guess(open_codes=100) > 100
