"""Join codes that people can type and that nobody can guess, without a brake on real people.

A code is 12 symbols from a 31-symbol alphabet without look-alikes (no 0/O, no 1/I/L), shown as
three groups of four (``ABCD-EFGH-JKMN``), so it reads off a projector and types on a phone:
31**12 ≈ 7.9 × 10**17 codes (about 59 bits). That length is the defence. Even at
``ASSUMED_GUESSES_PER_SECOND`` — more wrong codes than one server can check — finding one of 100
open workshops takes on the order of 250,000 years (``expected_years_to_guess``), so no
server-wide brake has to stop everyone from joining when someone guesses. (An earlier brake,
200 wrong codes per 10 minutes across the server, blocked every real participant whenever an
attacker spent it.)

What remains:

- **per browser session**: after ``FREE_ATTEMPTS`` wrong codes (typed, or arriving in a link),
  each further try waits twice as long as the last (2 s, 4 s, 8 s … up to 5 minutes). This
  slows a person or a careless script, and stops a link from being retried in a loop;
- **legacy codes**: workshops and team rounds created before codes grew to 12 symbols keep
  their 8-symbol codes (31**8 ≈ 8.5 × 10**11), which the server-wide brake still protects. Only
  wrong guesses *of that length* count towards it and only checks of that length wait for it,
  so a guesser of current codes can never block anyone, and a guesser of old codes can block
  only old codes.

Nothing here knows about Streamlit or the database: the page keeps the session's counter and
the store counts the server's failures; the policy is these pure functions.
"""

from __future__ import annotations

import datetime as dt
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
LEGACY_LENGTH = 8  # codes issued before 12 symbols: still accepted, behind the server brake
GROUP = 4  # shown as groups of four: ABCD-EFGH-JKMN
EXAMPLE = "ABCD-EFGH-JKMN"
# Far above what one server checks: a scripted attack checked 300 codes in 40 s (7.5 a second).
ASSUMED_GUESSES_PER_SECOND = 1000
FREE_ATTEMPTS = 5
MAX_WAIT_SECONDS = 300.0
SERVER_LIMIT = 200
SERVER_WINDOW = dt.timedelta(minutes=10)
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code(length: int = CODE_LENGTH) -> str:
    """A fresh random code from the operating system's secure generator."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_token() -> str:
    """A participant's anonymous identity: 128 random bits, never derived from a name."""
    return secrets.token_urlsafe(16)


def normalise(text: str | None, length: int | None = None) -> str | None:
    """The code someone typed, or None when it cannot be one.

    Case, spaces and dashes are ignored ("abcd-efgh-jkmn" works). Look-alikes that are not in
    the alphabet (O, I, L, 0, 1) make the text invalid rather than being guessed at: a wrong
    guess would count as a failed attempt against the person. Without ``length``, a current
    (12-symbol) or a legacy (8-symbol) code is accepted.
    """
    if text is None:
        return None
    code = "".join(str(text).split()).replace("-", "").upper()
    lengths = (length,) if length else (CODE_LENGTH, LEGACY_LENGTH)
    if len(code) not in lengths or any(c not in ALPHABET for c in code):
        return None
    return code


def is_legacy(code: str) -> bool:
    """An 8-symbol code from before codes grew: only these are behind the server-wide brake."""
    return len(code) == LEGACY_LENGTH


def looks_mistyped(text: str | None) -> bool:
    """Whether a rejected text contains a look-alike, so the page can say which symbols exist."""
    code = "".join(str(text or "").split()).replace("-", "").upper().translate(_LOOKALIKES)
    return any(c in "01" for c in code)


def pretty(code: str) -> str:
    """'ABCD-EFGH-JKMN': groups of four are easier to read out loud and to copy from a screen."""
    if len(code) < 6:
        return code
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def wait_seconds(failures: int) -> float:
    """How long a session must wait before its next try, after ``failures`` wrong codes."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(2.0 ** (failures - FREE_ATTEMPTS + 1), MAX_WAIT_SECONDS)


def server_busy(recent_failures: int, code: str | None = None, limit: int = SERVER_LIMIT) -> bool:
    """Whether a check of ``code`` must wait for the server-wide brake: only a legacy code, and
    only when the budget of wrong legacy codes in the current window is spent."""
    if code is not None and not is_legacy(code):
        return False
    return recent_failures >= limit


def expected_years_to_guess(
    open_codes: int = 100,
    guesses_per_second: float = ASSUMED_GUESSES_PER_SECOND,
    length: int = CODE_LENGTH,
) -> float:
    """Expected years of guessing at ``guesses_per_second`` before any open code is hit."""
    space = len(ALPHABET) ** length
    per_year = guesses_per_second * dt.timedelta(days=365).total_seconds()
    return space / max(open_codes, 1) / per_year


def legacy_years_to_guess(open_codes: int = 100) -> float:
    """The same for legacy codes, at the server brake's full rate."""
    return expected_years_to_guess(
        open_codes, SERVER_LIMIT / SERVER_WINDOW.total_seconds(), LEGACY_LENGTH
    )
