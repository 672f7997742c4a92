"""An optional password for a self-hosted instance, and throttling of wrong guesses.

Only a hash is ever configured (the ``password_hash`` setting of ``alignment.config``), made
with ``python -m alignment hash-password``. The hash is scrypt from the standard library,
salted, in a self-describing string, and checked in constant time. Wrong guesses are slowed
down per client and across the server by ``alignment.throttle.LoginThrottle``, whose memory is
the database (this module stays light: the CLI's ``hash-password`` imports it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping

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
