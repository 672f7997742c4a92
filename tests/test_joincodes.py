"""Join codes: readable, unguessable, and throttled."""

from __future__ import annotations

import datetime as dt

from alignment import joincodes


def test_codes_use_only_unambiguous_symbols_and_are_long_enough() -> None:
    codes = {joincodes.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == joincodes.CODE_LENGTH >= 8 for c in codes)
    assert set("".join(codes)) <= set(joincodes.ALPHABET)
    assert not set("01OIL") & set(joincodes.ALPHABET)
    assert len(joincodes.ALPHABET) ** joincodes.CODE_LENGTH > 5 * 10**11


def test_typed_codes_are_normalised_or_refused() -> None:
    assert joincodes.normalise(" abcd-efgh ") == "ABCDEFGH"
    assert joincodes.normalise("ab cd ef gh") == "ABCDEFGH"
    assert joincodes.normalise("ABCDEFG") is None
    assert joincodes.normalise("ABCDEFGO") is None  # O is not in the alphabet
    assert joincodes.normalise("") is None
    assert joincodes.normalise(None) is None
    assert joincodes.looks_mistyped("abcd-efg0")
    assert not joincodes.looks_mistyped("abcd-efgh")
    assert joincodes.pretty("ABCDEFGH") == "ABCD-EFGH"


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


def test_server_wide_throttle_makes_guessing_take_centuries() -> None:
    assert not joincodes.server_busy(joincodes.SERVER_LIMIT - 1)
    assert joincodes.server_busy(joincodes.SERVER_LIMIT)
    assert joincodes.expected_years_to_guess(open_codes=100) > 100
    faster = joincodes.expected_years_to_guess(
        open_codes=100, limit=2000, window=dt.timedelta(minutes=1)
    )
    assert faster < joincodes.expected_years_to_guess(open_codes=100)
