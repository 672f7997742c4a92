"""The password throttle, kept in the database so that no client message can reset it.

Its memory is a table in the app's store, not process memory: no client message can reset it
(Streamlit's "clear cache" message empties ``st.cache_resource``, which once held it), and every
replica that shares the database shares it. Each attempt is recorded *before* the password is
checked, in the same transaction that counts the earlier ones, so twenty parallel sessions each
see the attempts of the others and cannot all pass as "first tries".

The throttle only ever *slows* a first attempt; it never refuses one. The client key is the
connection's address, which is "unknown" on a laptop and the proxy's address behind a proxy, so
an attacker and the owner may share it: refusing by address would let an attacker lock the owner
out. A browser session that has itself failed is refused for a while (``Policy.session_wait``); a
session that has not failed is checked after at most ``Policy.max_pause``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from alignment.store import Migration, SchemaPart, Store
from alignment.store import now as store_now

_ACCESS_LOCK = 7_204_552  # PostgreSQL advisory lock id: count-and-record is serialised


def _access_v1(conn: Connection) -> None:
    """Password attempts: one row per attempt that was not (yet) known to be right."""
    md = sa.MetaData()
    sa.Table(
        "password_attempts",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("client", sa.String(80), nullable=False, index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    md.create_all(conn)


SCHEMA = SchemaPart("access", (Migration(1, "password attempts, for the throttle", _access_v1),))
_meta = sa.MetaData()
attempts = sa.Table(
    "password_attempts",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client", sa.String(80), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Policy:
    """How wrong guesses slow the next attempt.

    Per client: ``client_free`` wrong guesses in ``window`` cost nothing, then each one doubles
    the pause (1 s, 2 s, 4 s …). Server-wide: ``global_free`` wrong guesses cost nothing, then
    every further ``global_step`` double it. The pause is capped at ``max_pause``, so the owner,
    whose first try may share an address with an attacker, waits at most that long.
    """

    client_free: int = 5
    global_free: int = 30
    global_step: int = 10
    base_seconds: float = 1.0
    max_pause: float = 30.0
    window: dt.timedelta = dt.timedelta(hours=1)
    session_free: int = 3
    session_max: float = 15 * 60

    def pause(self, client_failures: int, global_failures: int) -> float:
        """Seconds an attempt waits before its check, given the failures recorded before it."""
        steps = max(
            client_failures - self.client_free + 1,
            (global_failures - self.global_free) // self.global_step + 1,
            0,
        )
        return 0.0 if steps == 0 else min(self.max_pause, self.base_seconds * 2 ** (steps - 1))

    def session_wait(self, session_failures: int) -> float:
        """How long a browser session that has failed this often is refused (0 = may try)."""
        if session_failures < self.session_free:
            return 0.0
        return min(self.session_max, 2.0 * 2 ** (session_failures - self.session_free))


@dataclass(frozen=True)
class Attempt:
    """One recorded attempt: how long it must wait before the check, and how to forgive it."""

    id: int
    client: str
    pause: float
    client_failures: int
    global_failures: int


class LoginThrottle:
    """The password throttle of every session and every replica that shares ``store``."""

    def __init__(
        self,
        store: Store,
        policy: Policy | None = None,
        clock: Callable[[], dt.datetime] = store_now,
    ) -> None:
        self.store = store
        self.policy = policy or Policy()
        self.clock = clock
        store.ensure(SCHEMA)

    def begin(self, client: str) -> Attempt:
        """Count earlier failures and record this attempt as one, in one transaction.

        The row stays (as a failure) unless ``succeeded`` removes it, so a check cut short by a
        crash or a dropped connection still counts.
        """
        client = client[:80]
        now = self.clock()
        since = now - self.policy.window
        with self.store.write() as conn:
            if not self.store.is_sqlite:
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ACCESS_LOCK})
            recent = attempts.c.at >= since
            total = conn.execute(sa.select(sa.func.count()).where(recent)).scalar() or 0
            mine = (
                conn.execute(
                    sa.select(sa.func.count()).where(recent, attempts.c.client == client)
                ).scalar()
                or 0
            )
            new_id = conn.execute(
                attempts.insert().values(client=client, at=now).returning(attempts.c.id)
            ).scalar_one()
            conn.execute(attempts.delete().where(attempts.c.at < now - 24 * self.policy.window))
        pause = self.policy.pause(int(mine), int(total))
        return Attempt(int(new_id), client, pause, int(mine), int(total))

    def succeeded(self, attempt: Attempt) -> None:
        """The password was right: this attempt was no guess, so it does not count."""
        with self.store.write() as conn:
            conn.execute(attempts.delete().where(attempts.c.id == attempt.id))

    def recent_failures(self, client: str | None = None) -> int:
        """Wrong (or unfinished) attempts in the window: all, or one client's."""
        since = self.clock() - self.policy.window
        query = sa.select(sa.func.count()).where(attempts.c.at >= since)
        if client is not None:
            query = query.where(attempts.c.client == client[:80])
        with self.store.read() as conn:
            return int(conn.execute(query).scalar() or 0)


def seconds_in_words(seconds: float) -> str:
    """'1 second', '12 seconds', '3 minutes': never '0 seconds' for a wait that is not over."""
    whole = max(1, math.ceil(seconds))
    if whole < 120:
        return f"{whole} second{'s' if whole != 1 else ''}"
    minutes = math.ceil(whole / 60)
    return f"{minutes} minutes"
