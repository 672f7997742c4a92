"""An optional password for a self-hosted instance, and throttling of wrong guesses.

Only a hash is ever configured (the ``password_hash`` setting of ``alignment.config``), made
with ``python -m alignment hash-password``. The hash is scrypt from the standard library,
salted, in a self-describing string, and checked in constant time. Wrong guesses are slowed
down per client: after a few free tries each further failure doubles a lock-out, so guessing a
decent password online is impractical.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from alignment import config

ENV_HASH = config.env("password_hash")
SCHEME = "scrypt"
# scrypt cost: 2**14 × 8 × 1 takes ~50 ms and 16 MB here: slow for a guesser, fine for a login.
N, R, P = 2**14, 8, 1


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """'scrypt$16384$8$1$<salt>$<hash>' (base64): everything needed to check it later."""
    if not password:
        raise ValueError("the password cannot be empty")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    b64 = base64.b64encode
    return f"{SCHEME}${N}${R}${P}${b64(salt).decode()}${b64(digest).decode()}"


class BadHash(ValueError):
    """The configured hash is not one this module made; the app refuses to run open."""


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes]:
    try:
        scheme, n, r, p, salt, digest = stored.strip().split("$")
        if scheme != SCHEME:
            raise ValueError(scheme)
        return (
            int(n),
            int(r),
            int(p),
            base64.b64decode(salt, validate=True),
            base64.b64decode(digest, validate=True),
        )
    except (ValueError, TypeError) as exc:
        raise BadHash(
            "The configured password hash is not valid. Make one with "
            "'python -m alignment hash-password'."
        ) from exc


def check_password(password: str, stored: str) -> bool:
    n, r, p, salt, digest = _parse(stored)
    if n > 2**20 or r > 32 or p > 16:
        raise BadHash("The configured password hash asks for an unreasonable scrypt cost.")
    candidate = hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, dklen=len(digest), maxmem=256 * 1024 * 1024
    )
    return hmac.compare_digest(candidate, digest)


def configured_hash(
    secrets_map: Mapping[str, object] | None = None, environ: Mapping[str, str] | None = None
) -> str | None:
    """The hash in force: the environment wins over the secrets file; None means no password."""
    value = config.get("password_hash", secrets_map, environ)
    return str(value) if value else None


@dataclass
class Throttle:
    """Failed attempts per client key, with a doubling lock-out after ``free`` failures.

    Thread-safe: one instance serves every session of the server. ``clock`` is injectable so
    tests do not sleep.
    """

    free: int = 5
    base_seconds: float = 2.0
    max_seconds: float = 15 * 60
    forget_after: float = 60 * 60
    clock: Callable[[], float] = time.monotonic
    # client key -> (failures, locked until, last failure)
    _state: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_seconds(self, key: str) -> float:
        """How long this client must wait before its next attempt (0 = may try now)."""
        with self._lock:
            n, until, last = self._state.get(key, (0, 0.0, 0.0))
            now = self.clock()
            if n and now - last > self.forget_after:
                self._state.pop(key, None)
                return 0.0
            return max(0.0, until - now)

    def failure(self, key: str) -> float:
        """Record a failed attempt; returns the lock-out it starts (0 while tries are free)."""
        with self._lock:
            n, _, _ = self._state.get(key, (0, 0.0, 0.0))
            n += 1
            now = self.clock()
            delay = (
                0.0
                if n <= self.free
                else min(self.max_seconds, self.base_seconds * 2 ** (n - self.free - 1))
            )
            self._state[key] = (n, now + delay, now)
            return delay

    def success(self, key: str) -> None:
        with self._lock:
            self._state.pop(key, None)
