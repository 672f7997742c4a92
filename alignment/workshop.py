"""Workshop mode: a room rates initiatives live from their phones; the facilitator sees it fill in.

The facilitator creates a workshop from the current data (initiatives and dimensions to rate, or
dot voting with N dots each), with its own anonymity threshold ``k_min``. Participants join with
the workshop's code, pick their group (which sets their side) and answer. Identity is a random
token (``joincodes.new_token``): no name, e-mail or address is ever asked for or stored.

Integrity rests on the database, not on the page:

- one answer per (workshop, participant, initiative, dimension): a unique constraint and
  ``INSERT … ON CONFLICT DO UPDATE`` make a re-submission an update, never a duplicate, however
  many sessions write at once;
- the workshop's status is read inside the answer's own write transaction, so an answer racing
  the "close voting" button is either in before the close or refused after it;
- a participant's answers given together are written together (``answer_many``).

Results are read through ``alignment.scoring`` with the workshop's ``k_min``, so the live
heatmap, the presentation and the participants' view after the reveal show only masked cells.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from alignment import exports, joincodes, schema, scoring
from alignment.dataset import FEEDBACK_COLUMNS
from alignment.privacy import DEFAULT_K_MIN, Privacy
from alignment.store import Migration, SchemaPart, Store, StoreError, as_utc, now
from alignment.templates import template_fields

RATING, DOTS = "rating", "dots"
MODES = (RATING, DOTS)
OPEN, CLOSED = "open", "closed"
DOTS_DIMENSION = "dots"
SCALE = (1, 5)
TITLE_MAX = 120
MAX_ITEMS = 60
MAX_DOTS = 20
SIDE_LABELS = {"tech": "Tech", "business": "Business", "unknown": "Unassigned"}
EVERYONE = "Everyone"
_CODE_TRIES = 20

# --- tables ------------------------------------------------------------------------------------

_meta = sa.MetaData()
workshops = sa.Table(
    "workshops",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(16), nullable=False, unique=True),
    sa.Column("title", sa.String(TITLE_MAX), nullable=False),
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("config_json", sa.Text, nullable=False),
    sa.Column("k_min", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("revealed", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
)
participants = sa.Table(
    "workshop_participants",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "workshop_id", sa.Integer, sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("token", sa.String(64), nullable=False),
    sa.Column("group_name", sa.String(120), nullable=False),
    sa.Column("side", sa.String(16), nullable=False),
    sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("workshop_id", "token", name="uq_participant_token"),
)
answers = sa.Table(
    "workshop_answers",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "workshop_id", sa.Integer, sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column(
        "participant_id",
        sa.Integer,
        sa.ForeignKey("workshop_participants.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("item_id", sa.String(120), nullable=False),
    sa.Column("dimension", sa.String(64), nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint(
        "workshop_id", "participant_id", "item_id", "dimension", name="uq_one_answer"
    ),
)


def _v1(conn: Connection) -> None:
    """Workshops, their participants (random tokens) and one answer per item and dimension."""
    md = sa.MetaData()
    sa.Table(
        "workshops",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("title", sa.String(TITLE_MAX), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("config_json", sa.Text, nullable=False),
        sa.Column("k_min", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("revealed", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    sa.Table(
        "workshop_participants",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "workshop_id",
            sa.Integer,
            sa.ForeignKey("workshops.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("group_name", sa.String(120), nullable=False),
        sa.Column("side", sa.String(16), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("workshop_id", "token", name="uq_participant_token"),
    )
    sa.Table(
        "workshop_answers",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "workshop_id",
            sa.Integer,
            sa.ForeignKey("workshops.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "participant_id",
            sa.Integer,
            sa.ForeignKey("workshop_participants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("item_id", sa.String(120), nullable=False),
        sa.Column("dimension", sa.String(64), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "workshop_id", "participant_id", "item_id", "dimension", name="uq_one_answer"
        ),
    )
    md.create_all(conn)


SCHEMA = SchemaPart("workshop", (Migration(1, "workshops, participants and answers", _v1),))


# --- the model ---------------------------------------------------------------------------------


class WorkshopError(ValueError):
    """A refusal the participant or facilitator should read as it is."""


class VotingClosed(WorkshopError):
    pass


@dataclass(frozen=True)
class Workshop:
    """A workshop's set-up and state. Items and groups are frozen at creation, so the room rates
    what was on screen even if the analysis data changes afterwards."""

    id: int
    code: str
    title: str
    mode: str
    items: tuple[tuple[str, str], ...]  # (initiative id, name)
    dimensions: tuple[str, ...]  # rating mode: schema dimension names; dots: ("dots",)
    groups: tuple[tuple[str, str], ...]  # (group, side)
    dots: int
    k_min: int
    status: str
    revealed: bool
    created_at: dt.datetime

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @property
    def privacy(self) -> Privacy:
        return Privacy(k_min=self.k_min, k_comments=max(self.k_min, 5))

    def side_of(self, group: str) -> str | None:
        return dict(self.groups).get(group)

    def item_names(self) -> dict[str, str]:
        return dict(self.items)

    def dimension_labels(self) -> dict[str, str]:
        if self.mode == DOTS:
            return {DOTS_DIMENSION: "Dots"}
        return {d: schema.DIMENSION_BY_NAME[d].label for d in self.dimensions}


@dataclass(frozen=True)
class Participant:
    id: int
    token: str
    group: str
    side: str


@dataclass(frozen=True)
class Pulse:
    """What the facilitator's live view needs each tick, from one aggregate query."""

    status: str
    revealed: bool
    participants: int  # joined
    answering: int  # gave at least one answer
    answers: int
    version: str  # changes whenever an answer, a group choice or the state changes


def _row_to_workshop(row: sa.Row) -> Workshop:
    config = json.loads(row.config_json)
    return Workshop(
        id=row.id,
        code=row.code,
        title=row.title,
        mode=row.mode,
        items=tuple((str(i), str(n)) for i, n in config["items"]),
        dimensions=tuple(config["dimensions"]),
        groups=tuple((str(g), str(s)) for g, s in config["groups"]),
        dots=int(config.get("dots", 0)),
        k_min=int(row.k_min),
        status=row.status,
        revealed=bool(row.revealed),
        created_at=as_utc(row.created_at),
    )


def _validate(
    title: str,
    mode: str,
    items: Sequence[tuple[str, str]],
    dimensions: Sequence[str],
    groups: Sequence[tuple[str, str]],
    dots: int,
    k_min: int,
) -> tuple[str, list, list, list]:
    title = " ".join(str(title).split())[:TITLE_MAX]
    if not title:
        raise WorkshopError("Give the workshop a title, so the room knows what it votes on.")
    if mode not in MODES:
        raise WorkshopError(f"Unknown workshop mode {mode!r}.")
    seen: set[str] = set()
    clean_items = []
    for ident, name in items:
        ident = str(ident).strip()[:120]
        if ident and ident not in seen:
            seen.add(ident)
            clean_items.append([ident, " ".join(str(name).split())[:200] or ident])
    if not clean_items:
        raise WorkshopError("Pick at least one initiative to rate.")
    if len(clean_items) > MAX_ITEMS:
        raise WorkshopError(
            f"A workshop holds at most {MAX_ITEMS} initiatives; phones get tiring long before that."
        )
    if mode == RATING:
        dims = [d for d in dict.fromkeys(dimensions) if d in schema.DIMENSION_BY_NAME]
        if not dims:
            raise WorkshopError("Pick at least one dimension to rate.")
    else:
        dims = [DOTS_DIMENSION]
        if not 1 <= int(dots) <= MAX_DOTS:
            raise WorkshopError(f"Give each participant between 1 and {MAX_DOTS} dots.")
    clean_groups = []
    names: set[str] = set()
    for group, side in groups:
        group = " ".join(str(group).split())[:120]
        if group and group.casefold() not in names:
            if side not in SIDE_LABELS:
                raise WorkshopError(f"Group '{group}': the side must be tech, business or unknown.")
            names.add(group.casefold())
            clean_groups.append([group, side])
    if not clean_groups:
        raise WorkshopError("List at least one group for participants to pick from.")
    if int(k_min) < 1:
        raise WorkshopError("The anonymity threshold cannot be below 1.")
    return title, clean_items, dims, clean_groups


# --- facilitator operations --------------------------------------------------------------------


def create(
    store: Store,
    *,
    title: str,
    mode: str,
    items: Sequence[tuple[str, str]],
    dimensions: Sequence[str] = (),
    groups: Sequence[tuple[str, str]],
    dots: int = 0,
    k_min: int = DEFAULT_K_MIN,
) -> Workshop:
    """A new open workshop with a fresh, unguessable code."""
    store.ensure(SCHEMA)
    title, clean_items, dims, clean_groups = _validate(
        title, mode, items, dimensions, groups, dots, k_min
    )
    config = json.dumps(
        {
            "items": clean_items,
            "dimensions": dims,
            "groups": clean_groups,
            "dots": int(dots) if mode == DOTS else 0,
            "scale": list(SCALE),
        }
    )
    created = now()
    for _ in range(_CODE_TRIES):
        code = joincodes.new_code()
        try:
            with store.write() as conn:
                wid = conn.execute(
                    workshops.insert()
                    .values(
                        code=code,
                        title=title,
                        mode=mode,
                        config_json=config,
                        k_min=int(k_min),
                        status=OPEN,
                        revealed=False,
                        created_at=created,
                        changed_at=created,
                    )
                    .returning(workshops.c.id)
                ).scalar_one()
        except sa.exc.IntegrityError:
            continue  # the code was taken: astronomically rare, so simply draw again
        found = get(store, wid)
        assert found is not None
        return found
    raise StoreError("No free workshop code could be drawn; try again.")


def get(store: Store, workshop_id: int) -> Workshop | None:
    store.ensure(SCHEMA)
    with store.read() as conn:
        row = conn.execute(sa.select(workshops).where(workshops.c.id == workshop_id)).first()
    return _row_to_workshop(row) if row is not None else None


def by_code(store: Store, code: str) -> Workshop | None:
    """The workshop a (normalised) code opens, or None. Codes are compared exactly."""
    store.ensure(SCHEMA)
    with store.read() as conn:
        row = conn.execute(sa.select(workshops).where(workshops.c.code == code)).first()
    return _row_to_workshop(row) if row is not None else None


def all_workshops(store: Store) -> list[Workshop]:
    """Every workshop, newest first."""
    store.ensure(SCHEMA)
    with store.read() as conn:
        rows = conn.execute(
            sa.select(workshops).order_by(workshops.c.created_at.desc(), workshops.c.id.desc())
        ).all()
    return [_row_to_workshop(r) for r in rows]


def set_state(
    store: Store, workshop_id: int, *, status: str | None = None, revealed: bool | None = None
) -> None:
    """Close or reopen voting, reveal or hide results."""
    store.ensure(SCHEMA)
    values: dict[str, object] = {"changed_at": now()}
    if status is not None:
        if status not in (OPEN, CLOSED):
            raise WorkshopError(f"Unknown status {status!r}.")
        values["status"] = status
    if revealed is not None:
        values["revealed"] = bool(revealed)
    with store.write() as conn:
        conn.execute(workshops.update().where(workshops.c.id == workshop_id).values(**values))


def delete(store: Store, workshop_id: int) -> bool:
    """Delete a workshop with its participants and answers; True when it existed."""
    store.ensure(SCHEMA)
    with store.write() as conn:
        conn.execute(answers.delete().where(answers.c.workshop_id == workshop_id))
        conn.execute(participants.delete().where(participants.c.workshop_id == workshop_id))
        done = conn.execute(workshops.delete().where(workshops.c.id == workshop_id)).rowcount
    if done:
        store.checkpoint()
    return bool(done)


def status(store: Store, workshop_id: int) -> tuple[str, bool] | None:
    """(status, revealed) by primary key: the cheapest question, for phones that poll."""
    store.ensure(SCHEMA)
    with store.read() as conn:
        row = conn.execute(
            sa.select(workshops.c.status, workshops.c.revealed).where(workshops.c.id == workshop_id)
        ).first()
    return (row.status, bool(row.revealed)) if row is not None else None


def pulse(store: Store, workshop_id: int) -> Pulse | None:
    """State and counts of a workshop in ONE aggregate statement (the live view's tick)."""
    store.ensure(SCHEMA)
    a = (
        sa.select(
            sa.func.count().label("n"),
            sa.func.count(sa.distinct(answers.c.participant_id)).label("who"),
            sa.func.max(answers.c.updated_at).label("last"),
            sa.func.sum(answers.c.value).label("total"),
        )
        .where(answers.c.workshop_id == workshop_id)
        .subquery()
    )
    p = (
        sa.select(
            sa.func.count().label("joined"), sa.func.max(participants.c.updated_at).label("moved")
        )
        .where(participants.c.workshop_id == workshop_id)
        .subquery()
    )
    stmt = (
        sa.select(
            workshops.c.status,
            workshops.c.revealed,
            workshops.c.changed_at,
            a.c.n,
            a.c.who,
            a.c.last,
            a.c.total,
            p.c.joined,
            p.c.moved,
        )
        .select_from(workshops.join(a, sa.true()).join(p, sa.true()))
        .where(workshops.c.id == workshop_id)
    )
    with store.read() as conn:
        row = conn.execute(stmt).first()
    if row is None:
        return None
    version = "|".join(
        str(v)
        for v in (
            row.status,
            row.revealed,
            row.changed_at,
            row.n,
            row.last,
            row.total,
            row.joined,
            row.moved,
        )
    )
    return Pulse(
        row.status,
        bool(row.revealed),
        int(row.joined or 0),
        int(row.who or 0),
        int(row.n or 0),
        version,
    )


# --- participant operations --------------------------------------------------------------------


def join(store: Store, workshop_id: int, token: str, group: str) -> Participant:
    """Register a participant (or move them to another group) under their random token."""
    store.ensure(SCHEMA)
    at = now()
    with store.write() as conn:
        ws = _locked_workshop(store, conn, workshop_id)
        side = ws.side_of(group)
        if side is None:
            raise WorkshopError("Pick one of the groups in the list.")
        if not ws.is_open:
            raise VotingClosed(
                "Voting is closed for this workshop: your group cannot be changed any more."
            )
        store.upsert(
            conn,
            participants,
            [
                {
                    "workshop_id": workshop_id,
                    "token": token[:64],
                    "group_name": group,
                    "side": side,
                    "joined_at": at,
                    "updated_at": at,
                }
            ],
            keys=("workshop_id", "token"),
            update=("group_name", "side", "updated_at"),
        )
        pid = conn.execute(
            sa.select(participants.c.id).where(
                participants.c.workshop_id == workshop_id, participants.c.token == token[:64]
            )
        ).scalar_one()
    return Participant(pid, token, group, side)


def participant(store: Store, workshop_id: int, token: str) -> Participant | None:
    store.ensure(SCHEMA)
    with store.read() as conn:
        row = conn.execute(
            sa.select(participants).where(
                participants.c.workshop_id == workshop_id, participants.c.token == token[:64]
            )
        ).first()
    return Participant(row.id, row.token, row.group_name, row.side) if row else None


def _locked_workshop(store: Store, conn: Connection, workshop_id: int) -> Workshop:
    """The workshop row read inside a write transaction, locked against a concurrent close.

    SQLite's BEGIN IMMEDIATE already serialises writers; on PostgreSQL ``FOR SHARE`` makes the
    close button wait for answers in flight, and answers after it see the new status.
    """
    stmt = sa.select(workshops).where(workshops.c.id == workshop_id)
    if not store.is_sqlite:
        stmt = stmt.with_for_update(read=True)
    row = conn.execute(stmt).first()
    if row is None:
        raise WorkshopError("This workshop no longer exists.")
    return _row_to_workshop(row)


def answer(
    store: Store, workshop_id: int, token: str, item_id: str, dimension: str, value: float | None
) -> None:
    """One answer (``None`` clears it). See ``answer_many``."""
    answer_many(store, workshop_id, token, {(item_id, dimension): value})


def answer_many(
    store: Store, workshop_id: int, token: str, given: Mapping[tuple[str, str], float | None]
) -> None:
    """Write a participant's answers, all or none, in one transaction.

    Refused with ``VotingClosed`` when voting is closed, with ``WorkshopError`` when the
    participant has not joined, an item or dimension is not in the workshop, a rating is off
    the scale, or dots exceed the participant's budget. Re-answering updates the same row.
    """
    store.ensure(SCHEMA)
    at = now()
    with store.write() as conn:
        ws = _locked_workshop(store, conn, workshop_id)
        if not ws.is_open:
            raise VotingClosed(
                "Voting is closed for this workshop: your answers can no "
                "longer be changed. Thank you for taking part."
            )
        who = conn.execute(
            sa.select(participants.c.id).where(
                participants.c.workshop_id == workshop_id, participants.c.token == token[:64]
            )
        ).scalar()
        if who is None:
            raise WorkshopError("Pick your group first.")
        items = ws.item_names()
        upserts, clears = [], []
        for (item_id, dimension), value in given.items():
            if item_id not in items or dimension not in ws.dimensions:
                raise WorkshopError("That initiative or question is not part of this workshop.")
            if value is None or (ws.mode == DOTS and float(value) == 0):
                clears.append((item_id, dimension))
                continue
            value = float(value)
            if ws.mode == RATING and (value != int(value) or not SCALE[0] <= value <= SCALE[1]):
                raise WorkshopError(f"Ratings go from {SCALE[0]} to {SCALE[1]}.")
            if ws.mode == DOTS and (value != int(value) or value < 0):
                raise WorkshopError("Dots are whole numbers.")
            upserts.append(
                {
                    "workshop_id": workshop_id,
                    "participant_id": who,
                    "item_id": item_id,
                    "dimension": dimension,
                    "value": value,
                    "updated_at": at,
                }
            )
        for item_id, dimension in clears:
            conn.execute(
                answers.delete().where(
                    answers.c.workshop_id == workshop_id,
                    answers.c.participant_id == who,
                    answers.c.item_id == item_id,
                    answers.c.dimension == dimension,
                )
            )
        if ws.mode == DOTS and upserts:
            _check_dots(store, conn, ws, who, upserts)
        store.upsert(
            conn,
            answers,
            upserts,
            keys=("workshop_id", "participant_id", "item_id", "dimension"),
            update=("value", "updated_at"),
        )


def _check_dots(
    store: Store, conn: Connection, ws: Workshop, who: int, upserts: list[dict]
) -> None:
    """The participant's dots after this change must fit their budget."""
    if not store.is_sqlite:  # serialise one participant's concurrent dot changes
        conn.execute(sa.select(participants.c.id).where(participants.c.id == who).with_for_update())
    changing = {u["item_id"] for u in upserts}
    others = conn.execute(
        sa.select(sa.func.coalesce(sa.func.sum(answers.c.value), 0)).where(
            answers.c.workshop_id == ws.id,
            answers.c.participant_id == who,
            answers.c.item_id.not_in(changing),
        )
    ).scalar()
    total = float(others) + sum(u["value"] for u in upserts)
    if total > ws.dots:
        left = ws.dots - int(others)
        raise WorkshopError(
            f"You have {ws.dots} dots in all; {max(left, 0)} are left for this "
            "initiative. Take dots off another initiative first."
        )


def own_answers(store: Store, workshop_id: int, token: str) -> dict[tuple[str, str], float]:
    """A participant's own answers: the only answers they can see before the reveal."""
    store.ensure(SCHEMA)
    stmt = (
        sa.select(answers.c.item_id, answers.c.dimension, answers.c.value)
        .join(participants, participants.c.id == answers.c.participant_id)
        .where(answers.c.workshop_id == workshop_id, participants.c.token == token[:64])
    )
    with store.read() as conn:
        return {(r.item_id, r.dimension): float(r.value) for r in conn.execute(stmt)}


# --- results -----------------------------------------------------------------------------------


ANSWER_COLUMNS = ("participant", "group", "side", "item_id", "dimension", "value")


def answers_frame(store: Store, workshop_id: int) -> pd.DataFrame:
    """Every answer with the participant's group and side; participants numbered 1..n in the
    order they joined (the token never leaves the store)."""
    store.ensure(SCHEMA)
    stmt = (
        sa.select(
            participants.c.id.label("pid"),
            participants.c.group_name,
            participants.c.side,
            answers.c.item_id,
            answers.c.dimension,
            answers.c.value,
        )
        .join(participants, participants.c.id == answers.c.participant_id)
        .where(answers.c.workshop_id == workshop_id)
        .order_by(participants.c.id, answers.c.item_id, answers.c.dimension)
    )
    with store.read() as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame(rows, columns=["pid", "group", "side", "item_id", "dimension", "value"])
    if frame.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype=object if c != "value" else float) for c in ANSWER_COLUMNS}
        )
    frame["participant"] = frame["pid"].rank(method="dense").astype(int)
    frame["value"] = frame["value"].astype(float)
    return frame[list(ANSWER_COLUMNS)].reset_index(drop=True)


def respondent_label(workshop: Workshop, number: int) -> str:
    return f"WS{workshop.id}-P{number:03d}"


def coarsen_groups(workshop: Workshop, frame: pd.DataFrame) -> pd.Series:
    """Groups as they may leave the app: a group with fewer than ``k_min`` participants is
    merged into "Other tech" / "Other business", so an exported row cannot point at a person
    through a near-empty group. Sides stay as they were (the side analysis keeps every answer).
    """
    sizes = frame.groupby("group")["participant"].nunique()
    small = set(sizes[sizes < workshop.k_min].index)
    other = frame["side"].map(lambda s: f"Other {SIDE_LABELS.get(s, 'Unassigned').lower()}")
    return frame["group"].where(~frame["group"].isin(small), other)


def feedback_frame(workshop: Workshop, answers_: pd.DataFrame) -> pd.DataFrame:
    """Rating answers as the analysis's long feedback table (``Dataset.feedback`` columns), for
    ``alignment.scoring``. Dot votes are a tally, not ratings, and are not included."""
    frame = answers_[answers_["dimension"] != DOTS_DIMENSION]
    lo, hi = SCALE
    out = pd.DataFrame(
        {
            "respondent": frame["participant"].map(lambda n: respondent_label(workshop, int(n))),
            "group": frame["group"].astype(str),
            "side": frame["side"].astype(str),
            "initiative_id": frame["item_id"].astype(str),
            "dimension": frame["dimension"].astype(str),
            "rating": frame["value"].astype(float),
            "scale_min": float(lo),
            "scale_max": float(hi),
            "score": 100.0 * (frame["value"].astype(float) - lo) / (hi - lo),
            "date": pd.Timestamp(workshop.created_at.date()),
        }
    )
    return out[list(FEEDBACK_COLUMNS)].reset_index(drop=True)


def room_cells(
    workshop: Workshop, answers_: pd.DataFrame, dimensions: Iterable[str] | None = None
) -> pd.DataFrame:
    """Masked initiative × side cells plus an "Everyone" column, from ``alignment.scoring``.

    ``column`` is the display label (Tech, Business, Everyone). Complementary masking is the
    scoring module's: a single hidden side takes the other with it, so "Everyone" beside the
    sides never gives a hidden side away.
    """
    fb = scoring.prepare(feedback_frame(workshop, answers_), dimensions)
    privacy = workshop.privacy
    side = scoring.by_side(fb, privacy)
    side["column"] = side["side"].map(SIDE_LABELS)
    everyone = scoring.overall(fb, privacy)
    everyone["column"] = EVERYONE
    cells = pd.concat([side.drop(columns=["side"]), everyone], ignore_index=True)
    return cells


def dot_tally(workshop: Workshop, answers_: pd.DataFrame) -> pd.DataFrame:
    """Dots per initiative: the room's total, and per side when both sides are large enough.

    Totals are shown only once ``k_min`` participants have voted; a side's split only when
    both sides reach ``k_min`` (one side alone could be worked out from the total).
    """
    frame = answers_[answers_["dimension"] == DOTS_DIMENSION]
    voters = frame["participant"].nunique()
    by_side_voters = frame.groupby("side")["participant"].nunique()
    split = all(by_side_voters.get(s, 0) >= workshop.k_min for s in ("tech", "business"))
    rows = []
    for item_id, name in workshop.items:
        mine = frame[frame["item_id"] == item_id]
        row = {
            "initiative_id": item_id,
            "initiative": name,
            "dots": float(mine["value"].sum()) if voters >= workshop.k_min else np.nan,
            "people": int(mine["participant"].nunique()) if voters >= workshop.k_min else pd.NA,
            "dots_tech": np.nan,
            "dots_business": np.nan,
        }
        if split:
            for s in ("tech", "business"):
                row[f"dots_{s}"] = float(mine.loc[mine["side"] == s, "value"].sum())
        rows.append(row)
    out = pd.DataFrame(rows)
    out["masked"] = voters < workshop.k_min
    out["people"] = out["people"].astype("Int64")
    return out


def results_wide(workshop: Workshop, answers_: pd.DataFrame) -> pd.DataFrame:
    """Rating answers in the feedback template's wide form: one row per participant and
    initiative, a column per dimension, headers the importer recognises. Respondents are
    pseudonyms (WS<id>-P<nnn>), small groups merged (``coarsen_groups``), the date is the
    workshop's day (an answer's time of day could single someone out)."""
    frame = answers_[answers_["dimension"] != DOTS_DIMENSION].copy()
    labels = {f.name: f.label for f in template_fields(schema.FEEDBACK)}
    dims = [d for d in workshop.dimensions if d in schema.DIMENSION_BY_NAME]
    columns = [
        labels["respondent"],
        labels["group"],
        labels["side"],
        labels["initiative"],
        *[labels[d] for d in dims],
        labels["date"],
    ]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame["group"] = coarsen_groups(workshop, frame)
    wide = frame.pivot_table(
        index=["participant", "group", "side", "item_id"],
        columns="dimension",
        values="value",
        aggfunc="first",
    ).reset_index()
    order = {i: k for k, (i, _) in enumerate(workshop.items)}
    wide["_order"] = wide["item_id"].map(order)
    wide = wide.sort_values(["participant", "_order"], kind="stable")
    out = pd.DataFrame(
        {
            labels["respondent"]: wide["participant"].map(
                lambda n: respondent_label(workshop, int(n))
            ),
            labels["group"]: wide["group"],
            labels["side"]: wide["side"],
            labels["initiative"]: wide["item_id"],
        }
    )
    for d in dims:
        out[labels[d]] = (
            wide[d].astype("Int64")
            if d in wide.columns
            else pd.array([pd.NA] * len(wide), dtype="Int64")
        )
    out[labels["date"]] = workshop.created_at.date()
    return out.reset_index(drop=True)


def results_xlsx(workshop: Workshop, answers_: pd.DataFrame) -> bytes:
    """The results as a formula-safe workbook (``alignment.exports``).

    Rating workshops: a "Feedback" sheet in the template's wide form, ready to upload or to add
    to the analysis. Dot voting: a "Dot votes" tally (masked below ``k_min``).
    """
    if workshop.mode == RATING:
        return exports.to_xlsx_bytes({"Feedback": results_wide(workshop, answers_)})
    tally = dot_tally(workshop, answers_)
    shown = tally.rename(
        columns={
            "initiative_id": "Initiative ID",
            "initiative": "Initiative",
            "dots": "Dots",
            "people": "People who gave dots",
            "dots_tech": "Dots from tech",
            "dots_business": "Dots from business",
        }
    )
    return exports.to_xlsx_bytes({"Dot votes": shown.drop(columns=["masked"])})


def results_filename(workshop: Workshop) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in workshop.title.lower()).strip("-")
    safe = "-".join(p for p in safe.split("-") if p)[:40] or "workshop"
    return f"workshop-{workshop.id}-{safe}.xlsx"
