"""Short join codes that people can type, that nobody can guess, and the throttle on guessing.

A code is 8 symbols from a 31-symbol alphabet without look-alikes (no 0/O, no 1/I/L), so it
reads off a projector and types on a phone: 31**8 ≈ 8.5 × 10**11 codes (about 40 bits). Guessing
is made impractical twice over:

- **per session**: after ``FREE_ATTEMPTS`` wrong codes, each further try waits twice as long as
  the last (2 s, 4 s, 8 s … up to 5 minutes);
- **per server**: when ``SERVER_LIMIT`` wrong codes were tried in ``SERVER_WINDOW`` across every
  session (opening new sessions does not reset it), code checks pause for everyone until the
  window clears. At that rate, finding one of 100 open workshops takes on the order of
  centuries (see ``expected_years_to_guess``).

Nothing here knows about Streamlit or the database: the page keeps the session's counter and
the store counts the server's failures; the policy is these pure functions.
"""

from __future__ import annotations

import datetime as dt
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
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


def normalise(text: str | None, length: int = CODE_LENGTH) -> str | None:
    """The code someone typed, or None when it cannot be one.

    Case, spaces and dashes are ignored ("abcd-efgh" works). Look-alikes that are not in the
    alphabet (O, I, L, 0, 1) make the text invalid rather than being guessed at: a wrong guess
    would count as a failed attempt against the person.
    """
    if text is None:
        return None
    code = "".join(str(text).split()).replace("-", "").upper()
    if len(code) != length or any(c not in ALPHABET for c in code):
        return None
    return code


def looks_mistyped(text: str | None) -> bool:
    """Whether a rejected text contains a look-alike, so the page can say which symbols exist."""
    code = "".join(str(text or "").split()).replace("-", "").upper().translate(_LOOKALIKES)
    return any(c in "01" for c in code)


def pretty(code: str) -> str:
    """'ABCD-EFGH': easier to read out loud and to copy from a screen."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}" if len(code) >= 6 else code


def wait_seconds(failures: int) -> float:
    """How long a session must wait before its next try, after ``failures`` wrong codes."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(2.0 ** (failures - FREE_ATTEMPTS + 1), MAX_WAIT_SECONDS)


def server_busy(recent_failures: int, limit: int = SERVER_LIMIT) -> bool:
    """Whether the server-wide budget of wrong codes in the current window is spent."""
    return recent_failures >= limit


def expected_years_to_guess(
    open_codes: int = 100,
    limit: int = SERVER_LIMIT,
    window: dt.timedelta = SERVER_WINDOW,
    length: int = CODE_LENGTH,
) -> float:
    """Expected years of guessing at the server's full rate before any open code is hit."""
    space = len(ALPHABET) ** length
    per_year = limit * (dt.timedelta(days=365) / window)
    return space / max(open_codes, 1) / per_year
