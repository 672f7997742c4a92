"""The self-assessment's saved state: drafts, completed assessments, team rounds and answers.

Everything lives in the workbench's store (``alignment.store``) as its own schema part, so it
survives a restart and works the same on SQLite and PostgreSQL.

Who owns what: a leader is known only by the private key in their assessment link (``?key=…``),
never by name. The database keeps a SHA-256 digest of that key, not the key itself, so a copy of
the database does not hand out working links. Team members are anonymous: their answers are
stored under a digest of a random token their browser holds in its link, which lets them change
their answers while the round is open and nothing else.

A team round shows its results only once the leader closes it, and a closed round stays closed:
if results were visible while answers still arrived, the change after each new answer would
give that person's answers away.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from alignment import joincodes
from alignment.assessment.scores import Completed
from alignment.store import Migration, SchemaPart, Store, as_utc, now

TITLE_MAX = 120
_CODE_ATTEMPTS = 20


def _v1(conn: Connection) -> None:
    """Drafts, completed assessments, team rounds and their anonymous answers."""
    md = sa.MetaData()
    sa.Table(
        "assessment_drafts",
        md,
        sa.Column("owner", sa.String(64), primary_key=True),
        sa.Column("answers_json", sa.Text, nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("completed_id", sa.Integer),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    sa.Table(
        "assessment_results",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("owner", sa.String(64), nullable=False, index=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answers_json", sa.Text, nullable=False),
        sa.Column("scores_json", sa.Text, nullable=False),
        sa.Column("overall", sa.Float),
        sa.Column("bank_version", sa.Integer, nullable=False),
    )
    sa.Table(
        "team_rounds",
        md,
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False, index=True),
        sa.Column("title", sa.String(TITLE_MAX), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
    )
    sa.Table(
        "team_answers",
        md,
        sa.Column(
            "round_code",
            sa.String(16),
            sa.ForeignKey("team_rounds.code", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("participant", sa.String(64), primary_key=True),
        sa.Column("answers_json", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    md.create_all(conn)


def _v2(conn: Connection) -> None:
    """A cap on a team round's size and one-time invitations, so made-up tokens cannot join."""
    false = "0" if conn.dialect.name == "sqlite" else "false"
    conn.execute(sa.text("ALTER TABLE team_rounds ADD COLUMN cap INTEGER"))
    conn.execute(
        sa.text(f"ALTER TABLE team_rounds ADD COLUMN invite_only BOOLEAN NOT NULL DEFAULT {false}")
    )
    md = sa.MetaData()
    sa.Table("team_rounds", md, sa.Column("code", sa.String(16), primary_key=True))
    sa.Table(
        "team_invites",
        md,
        sa.Column(
            "round_code",
            sa.String(16),
            sa.ForeignKey("team_rounds.code", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("participant", sa.String(64)),
        sa.Column("used_at", sa.DateTime(timezone=True)),
    )
    md.tables["team_invites"].create(conn)


ASSESSMENT = SchemaPart(
    "assessment",
    (
        Migration(1, "self-assessment: drafts, history, team rounds and answers", _v1),
        Migration(2, "team rounds: a cap and one-time invitations", _v2),
    ),
)

_md = sa.MetaData()
drafts = sa.Table(
    "assessment_drafts",
    _md,
    sa.Column("owner", sa.String(64), primary_key=True),
    sa.Column("answers_json", sa.Text, nullable=False),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("completed_id", sa.Integer),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
results = sa.Table(
    "assessment_results",
    _md,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("owner", sa.String(64), nullable=False),
    sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("answers_json", sa.Text, nullable=False),
    sa.Column("scores_json", sa.Text, nullable=False),
    sa.Column("overall", sa.Float),
    sa.Column("bank_version", sa.Integer, nullable=False),
)
rounds = sa.Table(
    "team_rounds",
    _md,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("owner", sa.String(64), nullable=False),
    sa.Column("title", sa.String(TITLE_MAX), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
    sa.Column("cap", sa.Integer),
    sa.Column("invite_only", sa.Boolean, nullable=False, server_default=sa.false()),
)
team_invites = sa.Table(
    "team_invites",
    _md,
    sa.Column("round_code", sa.String(16), sa.ForeignKey("team_rounds.code"), primary_key=True),
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("participant", sa.String(64)),
    sa.Column("used_at", sa.DateTime(timezone=True)),
)
team_answers = sa.Table(
    "team_answers",
    _md,
    sa.Column("round_code", sa.String(16), sa.ForeignKey("team_rounds.code"), primary_key=True),
    sa.Column("participant", sa.String(64), primary_key=True),
    sa.Column("answers_json", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


class RoundClosed(ValueError):
    """The round no longer takes answers."""


class RoundRefused(ValueError):
    """A new participant the round does not admit: it is full, or needs an invitation."""


MAX_ROUND_INVITES = 500


def digest(secret: str) -> str:
    """What the database keeps instead of a key or token."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _dump(answers: Mapping[str, int | None]) -> str:
    return json.dumps({str(k): v for k, v in answers.items()}, sort_keys=True)


def _load_answers(text: str | None) -> dict[str, int | None]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if v is None or isinstance(v, int)}


def _load_scores(text: str | None) -> dict[int, float | None]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    out: dict[int, float | None] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            try:
                out[int(k)] = None if v is None else float(v)
            except (TypeError, ValueError):
                continue
    return out


@dataclass(frozen=True)
class Draft:
    """The answers in progress, where the leader was, and which saved assessment they match."""

    answers: dict[str, int | None]
    step: int
    completed_id: int | None
    updated_at: dt.datetime


@dataclass(frozen=True)
class TeamRound:
    code: str
    title: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    participants: int
    cap: int | None = None
    invite_only: bool = False
    invites_issued: int = 0

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class AssessmentStore:
    """The self-assessment's reads and writes; each public method is one transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.ensure(ASSESSMENT)

    # -- drafts --

    def load_draft(self, key: str) -> Draft | None:
        with self.store.read() as conn:
            row = conn.execute(sa.select(drafts).where(drafts.c.owner == digest(key))).first()
        if row is None:
            return None
        return Draft(
            _load_answers(row.answers_json), int(row.step), row.completed_id, as_utc(row.updated_at)
        )

    def save_draft(
        self,
        key: str,
        answers: Mapping[str, int | None],
        step: int,
        completed_id: int | None = None,
    ) -> None:
        """Keep the answers so far; called after every change, so a reload loses nothing."""
        with self.store.write() as conn:
            self.store.upsert(
                conn,
                drafts,
                [
                    {
                        "owner": digest(key),
                        "answers_json": _dump(answers),
                        "step": int(step),
                        "completed_id": completed_id,
                        "updated_at": now(),
                    }
                ],
                keys=("owner",),
                update=("answers_json", "step", "completed_id", "updated_at"),
            )

    # -- completed assessments --

    def complete(
        self,
        key: str,
        answers: Mapping[str, int | None],
        scores: Mapping[int, float | None],
        overall: float | None,
        step: int,
        bank_version: int = 1,
        at: dt.datetime | None = None,
    ) -> Completed:
        """Save a completed assessment with its date and mark the draft as matching it."""
        at = at or now()
        owner = digest(key)
        with self.store.write() as conn:
            new_id = conn.execute(
                results.insert()
                .values(
                    owner=owner,
                    completed_at=at,
                    answers_json=_dump(answers),
                    scores_json=json.dumps({str(k): v for k, v in scores.items()}),
                    overall=overall,
                    bank_version=bank_version,
                )
                .returning(results.c.id)
            ).scalar_one()
            self.store.upsert(
                conn,
                drafts,
                [
                    {
                        "owner": owner,
                        "answers_json": _dump(answers),
                        "step": int(step),
                        "completed_id": new_id,
                        "updated_at": at,
                    }
                ],
                keys=("owner",),
                update=("answers_json", "step", "completed_id", "updated_at"),
            )
        return Completed(new_id, at, dict(answers), dict(scores), overall)

    def history(self, key: str) -> list[Completed]:
        """The leader's completed assessments, oldest first."""
        with self.store.read() as conn:
            rows = conn.execute(
                sa.select(results)
                .where(results.c.owner == digest(key))
                .order_by(results.c.completed_at, results.c.id)
            ).all()
        return [
            Completed(
                r.id,
                as_utc(r.completed_at),
                _load_answers(r.answers_json),
                _load_scores(r.scores_json),
                r.overall,
            )
            for r in rows
        ]

    def forget(self, key: str) -> bool:
        """Delete everything the key owns: draft, history, rounds and their answers."""
        owner = digest(key)
        with self.store.write() as conn:
            codes = [
                r.code
                for r in conn.execute(sa.select(rounds.c.code).where(rounds.c.owner == owner)).all()
            ]
            if codes:
                conn.execute(team_answers.delete().where(team_answers.c.round_code.in_(codes)))
                conn.execute(team_invites.delete().where(team_invites.c.round_code.in_(codes)))
                conn.execute(rounds.delete().where(rounds.c.code.in_(codes)))
            conn.execute(results.delete().where(results.c.owner == owner))
            conn.execute(drafts.delete().where(drafts.c.owner == owner))
        self.store.checkpoint()
        return True

    # -- team rounds --

    def open_round(
        self, key: str, title: str, *, cap: int | None = None, invite_only: bool = False
    ) -> TeamRound:
        """A new round with a fresh code that no other round uses.

        ``cap`` is the most people who can answer; ``invite_only`` admits only holders of a
        one-time invitation (``issue_invites``): made-up tokens could otherwise outnumber a
        real member and unmask their answers."""
        title = " ".join(str(title).split())[:TITLE_MAX] or "Team round"
        cap = int(cap) if cap else None
        if cap is not None and not 1 <= cap <= 2000:
            raise ValueError("A round holds 1 to 2000 people.")
        created = now()
        with self.store.write() as conn:
            for _ in range(_CODE_ATTEMPTS):
                code = joincodes.new_code()
                taken = conn.execute(sa.select(rounds.c.code).where(rounds.c.code == code)).first()
                if taken is None:
                    conn.execute(
                        rounds.insert().values(
                            code=code,
                            owner=digest(key),
                            title=title,
                            created_at=created,
                            cap=cap,
                            invite_only=bool(invite_only),
                        )
                    )
                    return TeamRound(code, title, created, None, 0, cap, bool(invite_only))
        raise RuntimeError("no free round code was found; try again")

    def rounds(self, key: str) -> list[TeamRound]:
        """The leader's rounds, newest first, with how many people answered each."""
        count = (
            sa.select(team_answers.c.round_code, sa.func.count().label("n"))
            .group_by(team_answers.c.round_code)
            .subquery()
        )
        with self.store.read() as conn:
            rows = conn.execute(
                sa.select(rounds, sa.func.coalesce(count.c.n, 0).label("n"))
                .select_from(rounds.outerjoin(count, count.c.round_code == rounds.c.code))
                .where(rounds.c.owner == digest(key))
                .order_by(rounds.c.created_at.desc(), rounds.c.code)
            ).all()
        issued = self._issued([r.code for r in rows])
        return [
            TeamRound(
                r.code,
                r.title,
                as_utc(r.created_at),
                as_utc(r.closed_at),
                int(r.n),
                r.cap,
                bool(r.invite_only),
                issued.get(r.code, 0),
            )
            for r in rows
        ]

    def _issued(self, codes: list[str]) -> dict[str, int]:
        if not codes:
            return {}
        with self.store.read() as conn:
            rows = conn.execute(
                sa.select(team_invites.c.round_code, sa.func.count())
                .where(team_invites.c.round_code.in_(codes))
                .group_by(team_invites.c.round_code)
            ).all()
        return {c: int(n) for c, n in rows}

    def issue_invites(self, key: str, code: str, count: int) -> list[str]:
        """A batch of one-time invitation codes for the owner's round; each admits one person.
        Every participant is shown how many were issued."""
        if not 1 <= int(count) <= MAX_ROUND_INVITES:
            raise ValueError(f"Issue between 1 and {MAX_ROUND_INVITES} invitations at a time.")
        out: list[str] = []
        with self.store.write() as conn:
            owned = conn.execute(
                sa.select(rounds.c.code).where(rounds.c.code == code, rounds.c.owner == digest(key))
            ).first()
            if owned is None:
                raise ValueError("This round is not yours, or no longer exists.")
            taken = set(
                conn.execute(
                    sa.select(team_invites.c.code).where(team_invites.c.round_code == code)
                )
                .scalars()
                .all()
            )
            while len(out) < int(count):
                new = joincodes.new_code()
                if new not in taken:
                    taken.add(new)
                    out.append(new)
            conn.execute(team_invites.insert(), [{"round_code": code, "code": c} for c in out])
        return out

    def unused_invites(self, key: str, code: str) -> list[str]:
        """The owner's round's invitation codes not used yet, to print or send again."""
        with self.store.read() as conn:
            return list(
                conn.execute(
                    sa.select(team_invites.c.code)
                    .join(rounds, rounds.c.code == team_invites.c.round_code)
                    .where(
                        team_invites.c.round_code == code,
                        rounds.c.owner == digest(key),
                        team_invites.c.participant.is_(None),
                    )
                    .order_by(team_invites.c.code)
                )
                .scalars()
                .all()
            )

    def round(self, code: str) -> TeamRound | None:
        """A round by its code (what a participant's link carries), or None."""
        with self.store.read() as conn:
            row = conn.execute(sa.select(rounds).where(rounds.c.code == code)).first()
            if row is None:
                return None
            n = conn.execute(
                sa.select(sa.func.count())
                .select_from(team_answers)
                .where(team_answers.c.round_code == code)
            ).scalar()
        return TeamRound(
            row.code,
            row.title,
            as_utc(row.created_at),
            as_utc(row.closed_at),
            int(n or 0),
            row.cap,
            bool(row.invite_only),
            self._issued([row.code]).get(row.code, 0),
        )

    def close_round(self, key: str, code: str) -> bool:
        """Close a round for good (only its owner can); True when it was open."""
        with self.store.write() as conn:
            done = conn.execute(
                rounds.update()
                .where(
                    rounds.c.code == code,
                    rounds.c.owner == digest(key),
                    rounds.c.closed_at.is_(None),
                )
                .values(closed_at=now())
            ).rowcount
        return bool(done)

    def submit(
        self,
        code: str,
        token: str,
        answers: Mapping[str, int | None],
        *,
        invite: str | None = None,
    ) -> None:
        """A participant's answers, replacing their earlier ones; refused once closed.

        A newcomer is refused (``RoundRefused``) when the round is full, or by invitation and
        ``invite`` is not an unused code of this round, which the first answers then spend.
        """
        with self.store.write() as conn:
            stmt = sa.select(rounds).where(rounds.c.code == code)
            if not self.store.is_sqlite:
                stmt = stmt.with_for_update()  # serialise newcomers against the cap
            row = conn.execute(stmt).first()
            if row is None:
                raise RoundClosed("This round does not exist (any more).")
            if row.closed_at is not None:
                raise RoundClosed("This round is closed: it no longer takes answers.")
            who = digest(token)
            known = conn.execute(
                sa.select(team_answers.c.participant).where(
                    team_answers.c.round_code == code, team_answers.c.participant == who
                )
            ).first()
            if known is None:
                self._admit(conn, row, who, invite)
            self.store.upsert(
                conn,
                team_answers,
                [
                    {
                        "round_code": code,
                        "participant": who,
                        "answers_json": _dump(answers),
                        "updated_at": now(),
                    }
                ],
                keys=("round_code", "participant"),
                update=("answers_json", "updated_at"),
            )

    @staticmethod
    def _admit(conn: Connection, row: sa.Row, who: str, invite: str | None) -> None:
        if row.cap is not None:
            n = conn.execute(
                sa.select(sa.func.count())
                .select_from(team_answers)
                .where(team_answers.c.round_code == row.code)
            ).scalar()
            if int(n or 0) >= row.cap:
                raise RoundRefused(
                    f"This round is full: your leader set it for {row.cap} people. Ask them if "
                    "you should be in it."
                )
        if not row.invite_only:
            return
        given = joincodes.normalise(invite or "")
        spent = (
            conn.execute(
                team_invites.update()
                .where(
                    team_invites.c.round_code == row.code,
                    team_invites.c.code == given,
                    team_invites.c.participant.is_(None),
                )
                .values(participant=who, used_at=now())
            ).rowcount
            if given
            else 0
        )
        if not spent:
            raise RoundRefused(
                "This round is by invitation: type the invitation code your leader gave you. "
                "Each code lets one person in, once."
            )

    def my_answers(self, code: str, token: str) -> dict[str, int | None] | None:
        """A participant's own earlier answers (to prefill their form), or None."""
        with self.store.read() as conn:
            text = conn.execute(
                sa.select(team_answers.c.answers_json).where(
                    team_answers.c.round_code == code, team_answers.c.participant == digest(token)
                )
            ).scalar()
        return None if text is None else _load_answers(text)

    def round_answers(self, key: str, code: str) -> list[dict[str, int | None]] | None:
        """Every answer of a closed round, for its owner only, in no particular order.

        None when the key does not own the round or the round is still open: the results of an
        open round are never handed out (see the module's note on differencing).
        """
        with self.store.read() as conn:
            row = conn.execute(
                sa.select(rounds.c.closed_at).where(
                    rounds.c.code == code, rounds.c.owner == digest(key)
                )
            ).first()
            if row is None or row.closed_at is None:
                return None
            texts = (
                conn.execute(
                    sa.select(team_answers.c.answers_json)
                    .where(team_answers.c.round_code == code)
                    .order_by(team_answers.c.participant)
                )
                .scalars()
                .all()
            )
        return [_load_answers(t) for t in texts]


def latest_closed(rounds_: list[TeamRound]) -> TeamRound | None:
    """The most recently closed round: the team view and the evidence use it."""
    closed = [r for r in rounds_ if r.closed_at is not None]
    return max(closed, key=lambda r: r.closed_at) if closed else None


def describe(value: Any) -> str:
    """A saved timestamp as people read it: '25 Nov 2026, 17:20 UTC'."""
    if not isinstance(value, dt.datetime):
        return ""
    return as_utc(value).strftime("%d %b %Y, %H:%M UTC")
