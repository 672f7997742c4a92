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
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from alignment import exports, joincodes, prioritise, schema, scoring
from alignment.dataset import FEEDBACK_COLUMNS, Dataset
from alignment.privacy import DEFAULT_K_MIN, Privacy
from alignment.schema import template_fields
from alignment.store import Migration, SchemaPart, Store, StoreError, as_utc, now

RATING, DOTS, WSJF = "rating", "dots", "wsjf"
MODES = (RATING, DOTS, WSJF)
OPEN, CLOSED = "open", "closed"
DOTS_DIMENSION = "dots"
SCALE = (1, 5)
# A prioritisation session: the room estimates WSJF's four components per initiative on SAFe's
# modified Fibonacci scale; its answers feed ``alignment.prioritise`` (each side's ranking).
WSJF_DIMENSIONS: tuple[str, ...] = prioritise.WSJF_COMPONENTS
WSJF_CHOICES: tuple[int, ...] = schema.FIBONACCI
# What a phone asks per component: relative estimates, not agreement (business value's survey
# wording, "creates real value", is a statement to agree with).
WSJF_QUESTIONS: dict[str, str] = {
    "business_value": "How much is it worth to the business, relative to the others?",
    "time_criticality": schema.DIMENSION_BY_NAME["time_criticality"].question,
    "risk_reduction": schema.DIMENSION_BY_NAME["risk_reduction"].question,
    "job_size": schema.DIMENSION_BY_NAME["job_size"].question,
}
TITLE_MAX = 120
MAX_ITEMS = 60
MAX_DOTS = 20
SIDE_LABELS = {"tech": "Tech", "business": "Business", "unknown": "Unassigned"}
EVERYONE = "Everyone"
_CODE_TRIES = 20
MAX_TIMER_SECONDS = 4 * 3600
ADD_SECONDS = 60
MAX_CAP = 2000
MAX_INVITES = 500  # per batch
# What a timer is doing, for every view: the words are the views' to choose.
TIMER_OFF, TIMER_READY, TIMER_RUNNING, TIMER_PAUSED, TIMER_ENDED = (
    "off",
    "ready",
    "running",
    "paused",
    "ended",
)

# What the Method page tells everyone (and docs/method.md repeats): the limits of a workshop's
# and a team round's anonymity, stated plainly, organiser's side first.
ORGANISER_CAN_AND_CANNOT = (
    "**What an organiser (a facilitator or a leader running a team round) can learn:** how "
    "many people joined and answered, as it happens; after the reveal (workshops) or the close "
    "(team rounds), figures resting on at least k_min people; in the workshop's download, each "
    "participant's ratings under a code (WS…-P…) numbered in an order unrelated to when they "
    "joined, in groups of at least k_min.\n\n"
    "**What an organiser cannot learn:** names (never asked for); who gave which answer; any "
    "figure of fewer than k_min people; any rating before the reveal or close; the effect of a "
    "single late answer (revealing closes voting for good, and the download waits until voting "
    "is closed).\n\n"
    "**What the tool cannot stop on its own:** people who are not who they say. Anyone with the "
    "code could join from several phones and outvote or unmask a small group. Against that, "
    "set the room's size, or make the workshop or team round *by invitation*: one-time codes, "
    "one per person, with the number issued shown to every participant, so a made-up phone "
    "needs a code someone would notice missing. An organiser who hands themselves extra "
    "invitations can still out-number a group; the count on every phone makes that visible."
)

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
    # v2: the room's timer, its size cap, invitations, and the first reveal
    sa.Column("timer_seconds", sa.Integer),
    sa.Column("deadline", sa.DateTime(timezone=True)),
    sa.Column("paused_left", sa.Float),
    sa.Column("auto_close", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("cap", sa.Integer),
    sa.Column("invite_only", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("revealed_at", sa.DateTime(timezone=True)),
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


invites = sa.Table(
    "workshop_invites",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "workshop_id", sa.Integer, sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("code", sa.String(16), nullable=False),
    sa.Column("token", sa.String(64)),
    sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("workshop_id", "code", name="uq_invite_code"),
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


def _v2(conn: Connection) -> None:
    """The room's timer (duration, stored deadline, paused time, auto-close), a cap on the room's
    size, one-time invitations, and when results were first revealed (voting cannot reopen
    after that: a late answer would then show as a change in a figure the room has seen)."""
    stamp = sa.DateTime(timezone=True).compile(dialect=conn.dialect)
    false = "0" if conn.dialect.name == "sqlite" else "false"
    for column in (
        "timer_seconds INTEGER",
        f"deadline {stamp}",
        "paused_left FLOAT",
        f"auto_close BOOLEAN NOT NULL DEFAULT {false}",
        "cap INTEGER",
        f"invite_only BOOLEAN NOT NULL DEFAULT {false}",
        f"revealed_at {stamp}",
    ):
        conn.execute(sa.text(f"ALTER TABLE workshops ADD COLUMN {column}"))
    conn.execute(
        sa.text("UPDATE workshops SET revealed_at = changed_at WHERE revealed = :yes"),
        {"yes": True},
    )
    md = sa.MetaData()
    sa.Table("workshops", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "workshop_invites",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "workshop_id",
            sa.Integer,
            sa.ForeignKey("workshops.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("token", sa.String(64)),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("workshop_id", "code", name="uq_invite_code"),
    )
    md.tables["workshop_invites"].create(conn)


SCHEMA = SchemaPart(
    "workshop",
    (
        Migration(1, "workshops, participants and answers", _v1),
        Migration(2, "timer, room cap, invitations, first reveal", _v2),
    ),
)


# --- the model ---------------------------------------------------------------------------------


class WorkshopError(ValueError):
    """A refusal the participant or facilitator should read as it is."""


class VotingClosed(WorkshopError):
    pass


@dataclass(frozen=True)
class Timer:
    """The room's countdown as stored: a duration, and either a deadline (running) or the
    seconds left (paused). Every view computes what is left from the stored deadline and the
    server's clock, so the facilitator, the projector and every phone show the same time."""

    seconds: int | None = None  # the duration set; None: no timer
    deadline: dt.datetime | None = None
    paused_left: float | None = None
    auto_close: bool = False

    def state(self, at: dt.datetime | None = None) -> str:
        if self.deadline is not None:
            return TIMER_RUNNING if self.deadline > (at or now()) else TIMER_ENDED
        if self.paused_left is not None:
            return TIMER_PAUSED
        return TIMER_READY if self.seconds else TIMER_OFF

    def left(self, at: dt.datetime | None = None) -> float | None:
        """Seconds left (never below 0), or None when there is no countdown to show."""
        if self.deadline is not None:
            return max(0.0, (self.deadline - (at or now())).total_seconds())
        if self.paused_left is not None:
            return max(0.0, self.paused_left)
        return float(self.seconds) if self.seconds else None

    def due(self, at: dt.datetime | None = None) -> bool:
        """Whether the timer has run out and was set to close voting at zero."""
        return self.auto_close and self.state(at) == TIMER_ENDED


def clock(seconds: float) -> str:
    """Seconds as a countdown reads (4:05, 1:02:03), rounded up so 0:00 means it is over."""
    total = max(0, int(-(-seconds // 1)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


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
    timer: Timer = Timer()
    cap: int | None = None  # the most participants the room takes; None: no cap
    invite_only: bool = False
    revealed_at: dt.datetime | None = None  # the first reveal; voting cannot reopen after it
    details: tuple[tuple[str, str, str], ...] = ()  # (initiative id, description, why)

    @property
    def is_open(self) -> bool:
        """Open for answers: not closed, and not past a deadline set to close voting.

        The timer closes voting by itself even when no view is open to write the change: every
        answer is checked against the stored deadline in its own write transaction."""
        return self.status == OPEN and not self.timer.due()

    @property
    def can_reopen(self) -> bool:
        """Voting can reopen only before the first reveal: after it, a late answer would move
        a figure the room has already seen by one person's vote."""
        return self.revealed_at is None

    @property
    def scale(self) -> tuple[int, int]:
        """The answer scale: 1–5 ratings, or 1–20 (Fibonacci) in a prioritisation session."""
        return schema.FIBONACCI_SCALE if self.mode == WSJF else SCALE

    @property
    def questions_per_person(self) -> int:
        """How many taps a participant's full set of answers takes (dots: one per dot)."""
        return self.dots if self.mode == DOTS else len(self.items) * len(self.dimensions)

    def detail(self, item_id: str) -> tuple[str, str]:
        """The initiative's one-line description and its why, as frozen at creation."""
        for ident, description, why in self.details:
            if ident == item_id:
                return description, why
        return "", ""

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
    timer: Timer = Timer()
    # Changes with an answer or a group choice only: what the room's figure is made of. A
    # close or a reveal keeps it, so the figure built before a reveal serves the phones after.
    answers_version: str = ""


def _timer(row: sa.Row) -> Timer:
    return Timer(
        seconds=row.timer_seconds,
        deadline=as_utc(row.deadline),
        paused_left=row.paused_left,
        auto_close=bool(row.auto_close),
    )


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
        timer=_timer(row),
        cap=row.cap,
        invite_only=bool(row.invite_only),
        revealed_at=as_utc(row.revealed_at),
        details=tuple((str(i), str(d), str(w)) for i, d, w in config.get("details", ())),
    )


def _one_line(text: object, limit: int) -> str:
    value = "" if text is None else str(text)
    if value.strip().casefold() in {"", "nan", "none", "nat", "<na>"}:
        return ""
    return " ".join(value.split())[:limit]


def _validate(
    title: str,
    mode: str,
    items: Sequence[Sequence[str]],
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
    for ident, name, *more in items:
        ident = str(ident).strip()[:120]
        if ident and ident not in seen:
            seen.add(ident)
            description = _one_line(more[0], 300) if more else ""
            why = _one_line(more[1], 600) if len(more) > 1 else ""
            clean_items.append([ident, _one_line(name, 200) or ident, description, why])
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
    elif mode == WSJF:  # the four components, always: a WSJF without one is no WSJF
        dims = list(WSJF_DIMENSIONS)
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
    items: Sequence[Sequence[str]],
    dimensions: Sequence[str] = (),
    groups: Sequence[tuple[str, str]],
    dots: int = 0,
    k_min: int = DEFAULT_K_MIN,
    timer_seconds: int | None = None,
    auto_close: bool = False,
    cap: int | None = None,
    invite_only: bool = False,
) -> Workshop:
    """A new open workshop with a fresh, unguessable code.

    ``items`` are (id, name) or (id, name, description, why): phones show the description and
    let the participant open the why, so people rate what they understand. ``cap`` is the most
    participants the room takes; ``invite_only`` admits only holders of one-time invitations
    (``issue_invites``), so no one can add made-up phones to outvote or unmask a real one.
    """
    store.ensure(SCHEMA)
    title, clean_items, dims, clean_groups = _validate(
        title, mode, items, dimensions, groups, dots, k_min
    )
    seconds = _timer_seconds(timer_seconds)
    cap = _cap(cap)
    if cap is not None and len(clean_groups) > 1 and cap < int(k_min) * len(clean_groups):
        raise WorkshopError(
            f"A room of {cap} in {len(clean_groups)} groups averages fewer than {int(k_min)} "
            "people per group, so most groups' results would stay hidden. Use fewer groups "
            f"(at most {max(1, cap // int(k_min))}), or Tech and Business."
        )
    config = json.dumps(
        {
            "items": [i[:2] for i in clean_items],
            "details": [[i[0], i[2], i[3]] for i in clean_items if i[2] or i[3]],
            "dimensions": dims,
            "groups": clean_groups,
            "dots": int(dots) if mode == DOTS else 0,
            "scale": list(schema.FIBONACCI_SCALE if mode == WSJF else SCALE),
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
                        timer_seconds=seconds,
                        auto_close=bool(auto_close),
                        cap=cap,
                        invite_only=bool(invite_only),
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


def _timer_seconds(seconds: int | float | None) -> int | None:
    if seconds is None or int(seconds) == 0:
        return None
    if not 0 < int(seconds) <= MAX_TIMER_SECONDS:
        raise WorkshopError(f"A timer runs for 1 second to {MAX_TIMER_SECONDS // 3600} hours.")
    return int(seconds)


def _cap(cap: int | None) -> int | None:
    if cap is None or int(cap) == 0:
        return None
    if not 1 <= int(cap) <= MAX_CAP:
        raise WorkshopError(f"A room holds 1 to {MAX_CAP} people.")
    return int(cap)


def _update(store: Store, workshop_id: int, **values: object) -> Workshop:
    """Change the workshop's row in one transaction, after a check on the row as it is then."""
    with store.write() as conn:
        ws = _locked_workshop(store, conn, workshop_id, exclusive=True)
        values = _checked_change(ws, values)
        conn.execute(
            workshops.update()
            .where(workshops.c.id == workshop_id)
            .values(changed_at=now(), **values)
        )
    found = get(store, workshop_id)
    assert found is not None
    return found


def _checked_change(ws: Workshop, values: dict[str, object]) -> dict[str, object]:
    if values.get("status") == OPEN and not ws.can_reopen:
        raise WorkshopError(
            "Results have been revealed, so voting cannot reopen: a late answer would change a "
            "figure the room has seen by one person's vote. Start a new workshop instead."
        )
    if values.get("status") == OPEN and ws.timer.due():
        # Reopening after the timer closed voting: the timer is spent, so it stops.
        values = {**values, "deadline": None, "paused_left": None}
    return values


def set_state(
    store: Store, workshop_id: int, *, status: str | None = None, revealed: bool | None = None
) -> None:
    """Close or reopen voting, reveal or hide results.

    Revealing closes voting: results are shown only for a room that can no longer change them,
    so no shown figure ever moves by a single late answer. Voting cannot reopen once results
    have been revealed (hiding them again does not undo what the room saw).
    """
    store.ensure(SCHEMA)
    values: dict[str, object] = {}
    if status is not None:
        if status not in (OPEN, CLOSED):
            raise WorkshopError(f"Unknown status {status!r}.")
        values["status"] = status
    if revealed is not None:
        values["revealed"] = bool(revealed)
        if revealed:
            values["status"] = CLOSED
            values["deadline"] = None
            values["paused_left"] = None
    with store.write() as conn:
        ws = _locked_workshop(store, conn, workshop_id, exclusive=True)
        values = _checked_change(ws, values)
        if revealed and ws.revealed_at is None:
            values["revealed_at"] = now()
        conn.execute(
            workshops.update()
            .where(workshops.c.id == workshop_id)
            .values(changed_at=now(), **values)
        )


# --- the timer ---------------------------------------------------------------------------------


def set_timer(
    store: Store, workshop_id: int, seconds: int | None, *, auto_close: bool = False
) -> Workshop:
    """Set the duration (None or 0: no timer) and whether voting closes at zero. A running or
    paused countdown is stopped: the new duration starts with the next ``start_timer``."""
    store.ensure(SCHEMA)
    return _update(
        store,
        workshop_id,
        timer_seconds=_timer_seconds(seconds),
        auto_close=bool(auto_close),
        deadline=None,
        paused_left=None,
    )


def start_timer(store: Store, workshop_id: int) -> Workshop:
    """Start (or resume) the countdown: the deadline is stored, every view counts down to it."""
    store.ensure(SCHEMA)
    ws = get(store, workshop_id)
    if ws is None:
        raise WorkshopError("This workshop no longer exists.")
    if not ws.timer.seconds:
        raise WorkshopError("Set a duration first.")
    if ws.status != OPEN:
        raise WorkshopError("Voting is closed: reopen it before starting the timer.")
    state = ws.timer.state()
    if state == TIMER_RUNNING:
        return ws
    left = ws.timer.paused_left if state == TIMER_PAUSED else ws.timer.seconds
    return _update(
        store,
        workshop_id,
        deadline=now() + dt.timedelta(seconds=float(left)),
        paused_left=None,
    )


def pause_timer(store: Store, workshop_id: int) -> Workshop:
    """Hold the countdown: the seconds left are stored, the deadline cleared."""
    store.ensure(SCHEMA)
    ws = get(store, workshop_id)
    if ws is None:
        raise WorkshopError("This workshop no longer exists.")
    if ws.timer.state() != TIMER_RUNNING:
        return ws
    return _update(store, workshop_id, deadline=None, paused_left=ws.timer.left())


def add_time(store: Store, workshop_id: int, seconds: int = ADD_SECONDS) -> Workshop:
    """Give the room more time: later deadline, more paused time, or a longer duration.

    After the timer closed voting by itself (and before any reveal), the extra time reopens
    voting with a fresh deadline: "one more minute" is what the room asked for.
    """
    store.ensure(SCHEMA)
    ws = get(store, workshop_id)
    if ws is None:
        raise WorkshopError("This workshop no longer exists.")
    state, extra = ws.timer.state(), dt.timedelta(seconds=seconds)
    if state == TIMER_RUNNING:
        return _update(store, workshop_id, deadline=ws.timer.deadline + extra)
    if state == TIMER_PAUSED:
        return _update(store, workshop_id, paused_left=(ws.timer.paused_left or 0) + seconds)
    if state == TIMER_ENDED:
        if ws.status != OPEN and not ws.can_reopen:
            raise WorkshopError("Results have been revealed, so voting cannot reopen.")
        return _update(store, workshop_id, deadline=now() + extra, status=OPEN)
    return _update(
        store,
        workshop_id,
        timer_seconds=_timer_seconds(min((ws.timer.seconds or 0) + seconds, MAX_TIMER_SECONDS)),
    )


def stop_timer(store: Store, workshop_id: int) -> Workshop:
    """Stop the countdown and set it back to its full duration; voting stays as it is."""
    store.ensure(SCHEMA)
    return _update(store, workshop_id, deadline=None, paused_left=None)


def close_if_due(store: Store, workshop_id: int) -> bool:
    """Record the close of a timer that ran out with auto-close on; True when it closed now.

    Answers are refused after the deadline whether or not this ran (they check the deadline
    themselves); this makes the stored status say so too, for lists and exports.
    """
    at = now()
    with store.write() as conn:
        done = conn.execute(
            workshops.update()
            .where(
                workshops.c.id == workshop_id,
                workshops.c.status == OPEN,
                workshops.c.auto_close.is_(True),
                workshops.c.deadline.is_not(None),
                workshops.c.deadline <= at,
            )
            .values(status=CLOSED, changed_at=at)
        ).rowcount
    return bool(done)


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


def status(store: Store, workshop_id: int) -> tuple[str, bool, Timer] | None:
    """(status, revealed, timer) by primary key: the cheapest question, for phones that poll.

    A timer that ran out with auto-close on is recorded as closed here, so the first view to
    look after zero makes the stored status say so."""
    store.ensure(SCHEMA)
    with store.read() as conn:
        row = conn.execute(
            sa.select(
                workshops.c.status,
                workshops.c.revealed,
                workshops.c.timer_seconds,
                workshops.c.deadline,
                workshops.c.paused_left,
                workshops.c.auto_close,
            ).where(workshops.c.id == workshop_id)
        ).first()
    if row is None:
        return None
    timer = _timer(row)
    state = row.status
    if state == OPEN and timer.due():
        close_if_due(store, workshop_id)
        state = CLOSED
    return state, bool(row.revealed), timer


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
            workshops.c.timer_seconds,
            workshops.c.deadline,
            workshops.c.paused_left,
            workshops.c.auto_close,
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
    timer = _timer(row)
    state = row.status
    if state == OPEN and timer.due():
        close_if_due(store, workshop_id)
        state = CLOSED
    answers_version = "|".join(str(v) for v in (row.n, row.last, row.total, row.joined, row.moved))
    version = "|".join(str(v) for v in (state, row.revealed, row.changed_at, answers_version))
    return Pulse(
        state,
        bool(row.revealed),
        int(row.joined or 0),
        int(row.who or 0),
        int(row.n or 0),
        version,
        timer,
        answers_version,
    )


# --- participant operations --------------------------------------------------------------------


def join(
    store: Store, workshop_id: int, token: str, group: str, *, invite: str | None = None
) -> Participant:
    """Register a participant (or move them to another group) under their random token.

    A new participant is refused when the room has reached its cap, and in an invitation-only
    workshop without an unused invitation code, which the join spends. The check and the join
    are one transaction with the workshop's row locked, so two phones cannot both take the last
    seat or the same invitation.
    """
    store.ensure(SCHEMA)
    at = now()
    token = token[:64]
    with store.write() as conn:
        ws = _locked_workshop(store, conn, workshop_id, exclusive=True)
        side = ws.side_of(group)
        if side is None:
            raise WorkshopError("Pick one of the groups in the list.")
        if not ws.is_open:
            raise VotingClosed(
                "Voting is closed for this workshop: your group cannot be changed any more."
            )
        known = conn.execute(
            sa.select(participants.c.id).where(
                participants.c.workshop_id == workshop_id, participants.c.token == token
            )
        ).scalar()
        if known is None:
            _admit(conn, ws, token, invite, at)
        store.upsert(
            conn,
            participants,
            [
                {
                    "workshop_id": workshop_id,
                    "token": token,
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
                participants.c.workshop_id == workshop_id, participants.c.token == token
            )
        ).scalar_one()
    return Participant(pid, token, group, side)


class RoomFull(WorkshopError):
    """The room has as many participants as the facilitator allowed."""


class InvitationNeeded(WorkshopError):
    """An invitation-only workshop was joined without a valid, unused invitation code."""


def _admit(conn: Connection, ws: Workshop, token: str, invite: str | None, at: dt.datetime) -> None:
    """Let a new participant in, or say why not (inside ``join``'s transaction)."""
    if ws.cap is not None:
        joined = conn.execute(
            sa.select(sa.func.count())
            .select_from(participants)
            .where(participants.c.workshop_id == ws.id)
        ).scalar()
        if int(joined or 0) >= ws.cap:
            raise RoomFull(
                f"This workshop is full: the facilitator set it for {ws.cap} people. Ask them "
                "to make room if you should be in it."
            )
    if not ws.invite_only:
        return
    code = joincodes.normalise(invite or "")
    if code is None:
        raise InvitationNeeded(
            "This workshop is by invitation: type the invitation code you were given."
        )
    spent = conn.execute(
        invites.update()
        .where(
            invites.c.workshop_id == ws.id,
            invites.c.code == code,
            invites.c.token.is_(None),
        )
        .values(token=token, used_at=at)
    ).rowcount
    if not spent:
        raise InvitationNeeded(
            "This invitation code is not valid for this workshop, or it was used already. "
            "Each code lets one person in; check it with the facilitator."
        )


def issue_invites(store: Store, workshop_id: int, count: int) -> list[str]:
    """A batch of one-time invitation codes to print or send; each admits one participant.

    Every participant sees how many were issued (``invite_counts``), so a facilitator cannot
    quietly hand themselves extra phones to unmask a small group.
    """
    store.ensure(SCHEMA)
    if not 1 <= int(count) <= MAX_INVITES:
        raise WorkshopError(f"Issue between 1 and {MAX_INVITES} invitations at a time.")
    at = now()
    codes: list[str] = []
    with store.write() as conn:
        _locked_workshop(store, conn, workshop_id, exclusive=True)
        taken = set(
            conn.execute(sa.select(invites.c.code).where(invites.c.workshop_id == workshop_id))
            .scalars()
            .all()
        )
        while len(codes) < int(count):
            code = joincodes.new_code()
            if code not in taken:
                taken.add(code)
                codes.append(code)
        conn.execute(
            invites.insert(),
            [{"workshop_id": workshop_id, "code": c, "issued_at": at} for c in codes],
        )
    return codes


def invite_list(store: Store, workshop_id: int) -> list[tuple[str, bool]]:
    """Every invitation code of the workshop, in the order issued, and whether it was used."""
    store.ensure(SCHEMA)
    with store.read() as conn:
        rows = conn.execute(
            sa.select(invites.c.code, invites.c.token)
            .where(invites.c.workshop_id == workshop_id)
            .order_by(invites.c.id)
        ).all()
    return [(r.code, r.token is not None) for r in rows]


def invite_counts(store: Store, workshop_id: int) -> tuple[int, int]:
    """(issued, used) invitations: what every participant is told."""
    store.ensure(SCHEMA)
    with store.read() as conn:
        row = conn.execute(
            sa.select(sa.func.count(), sa.func.count(invites.c.token)).where(
                invites.c.workshop_id == workshop_id
            )
        ).first()
    return int(row[0] or 0), int(row[1] or 0)


def set_room(
    store: Store, workshop_id: int, *, cap: int | None = None, invite_only: bool | None = None
) -> Workshop:
    """Change the room's cap (0 or None: none) and whether it is by invitation."""
    store.ensure(SCHEMA)
    values: dict[str, object] = {"cap": _cap(cap)}
    if invite_only is not None:
        values["invite_only"] = bool(invite_only)
    return _update(store, workshop_id, **values)


def participant(store: Store, workshop_id: int, token: str) -> Participant | None:
    store.ensure(SCHEMA)
    with store.read() as conn:
        row = conn.execute(
            sa.select(participants).where(
                participants.c.workshop_id == workshop_id, participants.c.token == token[:64]
            )
        ).first()
    return Participant(row.id, row.token, row.group_name, row.side) if row else None


def _locked_workshop(
    store: Store, conn: Connection, workshop_id: int, *, exclusive: bool = False
) -> Workshop:
    """The workshop row read inside a write transaction, locked against a concurrent close.

    SQLite's BEGIN IMMEDIATE already serialises writers; on PostgreSQL ``FOR SHARE`` makes the
    close button wait for answers in flight, and answers after it see the new status.
    ``exclusive`` (``FOR UPDATE``) serialises joins, so a cap or an invitation is checked
    against every join before it.
    """
    stmt = sa.select(workshops).where(workshops.c.id == workshop_id)
    if not store.is_sqlite:
        stmt = stmt.with_for_update(read=not exclusive)
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
            if ws.mode == WSJF and value not in WSJF_CHOICES:
                raise WorkshopError(
                    "Estimates are on the scale " + ", ".join(map(str, WSJF_CHOICES)) + "."
                )
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
    """Every answer with the participant's group and side; participants numbered 1..n in an
    order no one in the room can see: by a digest of their secret token, not by when they
    joined (a facilitator who watched people join could otherwise name each row). The order is
    the same on every call, so a download taken twice is the same file."""
    store.ensure(SCHEMA)
    stmt = (
        sa.select(
            participants.c.token.label("pid"),
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
    shuffled = frame["pid"].map(lambda t: hashlib.sha256(f"{workshop_id}:{t}".encode()).hexdigest())
    frame["participant"] = shuffled.rank(method="dense").astype(int)
    frame["value"] = frame["value"].astype(float)
    frame = frame.sort_values(["participant", "item_id", "dimension"], kind="stable")
    return frame[list(ANSWER_COLUMNS)].reset_index(drop=True)


def respondent_label(workshop: Workshop, number: int) -> str:
    return f"WS{workshop.id}-P{number:03d}"


def coarsen_groups(workshop: Workshop, frame: pd.DataFrame) -> pd.Series:
    """Groups as they may leave the app: a group with fewer than ``k_min`` participants is
    merged into "Other tech" / "Other business", so an exported row cannot point at a person
    through a near-empty group. A merged bucket that still has fewer than ``k_min`` people is
    not a group either: its rows get ``None`` here and are left out (``exportable``)."""
    sizes = frame.groupby("group")["participant"].nunique()
    small = set(sizes[sizes < workshop.k_min].index)
    other = frame["side"].map(lambda s: f"Other {SIDE_LABELS.get(s, 'Unassigned').lower()}")
    merged = frame["group"].where(~frame["group"].isin(small), other)
    bucket_sizes = frame.groupby(merged)["participant"].nunique()
    too_small = set(bucket_sizes[bucket_sizes < workshop.k_min].index) - (
        set(frame["group"]) - small
    )
    return merged.where(~merged.isin(too_small), None)


def left_out(workshop: Workshop, answers_: pd.DataFrame) -> int:
    """How many participants the export leaves out: those of a merged bucket under ``k_min``."""
    frame = answers_[answers_["dimension"] != DOTS_DIMENSION]
    if frame.empty:
        return 0
    groups = coarsen_groups(workshop, frame)
    return int(frame.loc[groups.isna(), "participant"].nunique())


def feedback_frame(workshop: Workshop, answers_: pd.DataFrame) -> pd.DataFrame:
    """Rating answers as the analysis's long feedback table (``Dataset.feedback`` columns), for
    ``alignment.scoring``. Dot votes are a tally, not ratings, and are not included."""
    frame = answers_[answers_["dimension"] != DOTS_DIMENSION]
    lo, hi = workshop.scale
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


BY_SIDE, BY_GROUP = "side", "group"


def room_cells(
    workshop: Workshop,
    answers_: pd.DataFrame,
    dimensions: Iterable[str] | None = None,
    *,
    by: str = BY_SIDE,
) -> pd.DataFrame:
    """Masked initiative × side (or × group) cells plus an "Everyone" column, from
    ``alignment.scoring``.

    ``column`` is the display label (Tech, Business, a group's name, Everyone). Complementary
    masking is the scoring module's: a single hidden side or group takes another with it, so
    "Everyone" beside them never gives a hidden one away.
    """
    fb = scoring.prepare(feedback_frame(workshop, answers_), dimensions)
    privacy = workshop.privacy
    if by == BY_GROUP:
        side = scoring.by_group(fb, privacy)
        order = {g: k for k, (g, _) in enumerate(workshop.groups)}
        side = side.sort_values("group", key=lambda g: g.map(order), kind="stable")
        side["column"] = side["group"].astype(str)
        side = side.drop(columns=["group"])
    else:
        side = scoring.by_side(fb, privacy)
        side["column"] = side["side"].map(SIDE_LABELS)
    everyone = scoring.overall(fb, privacy)
    everyone["column"] = EVERYONE
    cells = pd.concat([side.drop(columns=["side"]), everyone], ignore_index=True)
    return cells


def dot_tally(workshop: Workshop, answers_: pd.DataFrame) -> pd.DataFrame:
    """Dots per initiative: the room's total, and per side when both sides are large enough.

    Totals are shown only once ``k_min`` participants have voted; a side's split only when
    both sides reach ``k_min`` and voters of no side are either none or ``k_min`` too: the
    total minus tech minus business is the unassigned voters' dots, so a split beside a few
    unassigned voters would give their votes away.
    """
    frame = answers_[answers_["dimension"] == DOTS_DIMENSION]
    voters = frame["participant"].nunique()
    by_side_voters = frame.groupby("side")["participant"].nunique()
    split = all(by_side_voters.get(s, 0) >= workshop.k_min for s in ("tech", "business")) and all(
        n == 0 or n >= workshop.k_min
        for side, n in by_side_voters.items()
        if side not in ("tech", "business")
    )
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
    if workshop.mode == WSJF:
        # The scale in the header: business value is otherwise read as a 1–5 rating.
        lo, hi = workshop.scale
        labels |= {d: f"{labels[d]} ({lo}-{hi})" for d in dims}
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
    frame = frame[frame["group"].notna()]
    if frame.empty:
        return pd.DataFrame(columns=columns)
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
    if workshop.mode in (RATING, WSJF):
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


# --- a prioritisation session ------------------------------------------------------------------


def wsjf_dataset(workshop: Workshop, answers_: pd.DataFrame) -> Dataset:
    """The session's answers as the analysis reads them once added to the data: business value
    in the feedback, time criticality, risk reduction and job size in the estimates, the
    initiatives as the room saw them. The room's ranking and the Prioritisation page's then
    come from one computation (``alignment.prioritise``)."""
    fb = feedback_frame(workshop, answers_)
    value = fb["dimension"] == "business_value"
    initiatives = pd.DataFrame(
        {
            "id": [i for i, _ in workshop.items],
            "name": [n for _, n in workshop.items],
        }
    )
    return Dataset(
        initiatives=initiatives,
        feedback=fb[value].reset_index(drop=True),
        estimates=fb[~value].reset_index(drop=True),
        group_sides=dict(workshop.groups),
        name=workshop.title,
    )


def wsjf_ranking(
    workshop: Workshop, answers_: pd.DataFrame, replicates: int = prioritise.REPLICATES
) -> prioritise.Prioritisation:
    """Each side's WSJF ranking of the session's initiatives, with the workshop's ``k_min``: a
    side under it has no ranking, a side's mean resting on fewer is not used."""
    return prioritise.prioritise(
        wsjf_dataset(workshop, answers_), "wsjf", workshop.privacy, replicates=replicates
    )


DISAGREEMENT_COLUMNS = (
    "initiative_id",
    "initiative",
    "rank",
    "rank_business",
    "rank_tech",
    "gap",
    "sentence",
)


def disagreements(
    workshop: Workshop, answers_: pd.DataFrame, result: prioritise.Prioritisation
) -> pd.DataFrame:
    """The session's initiatives, those the two sides rank furthest apart first: the order the
    facilitator discusses them in. ``gap`` is |business rank − tech rank|, empty where a side
    has no rank; ``sentence`` says which side ranks it higher and because of which component.

    The room's own ranking (``rank``) is left empty when a side with answers is hidden (under
    ``k_min``): beside the other side's ranking it would let the room work out the hidden one.
    """
    table = result.table
    sides = result.n
    people = answers_.groupby("side")["participant"].nunique()
    hidden_side = any(0 < n < workshop.k_min for n in people)
    reasons = prioritise.differences(table, result.components, "wsjf", top=len(table))
    why = dict(zip(reasons["initiative_id"], reasons["sentence"], strict=False))
    out = pd.DataFrame(
        {
            "initiative_id": table["initiative_id"],
            "initiative": table["initiative"],
            "rank": np.nan if hidden_side else table["rank"],
            "rank_business": table["rank_business"] if sides.get("business") else np.nan,
            "rank_tech": table["rank_tech"] if sides.get("tech") else np.nan,
        }
    )
    out["gap"] = (out["rank_business"] - out["rank_tech"]).abs()
    out["sentence"] = [why.get(i, "") for i in out["initiative_id"]]
    # Then in the room's order, or the one side's when that is all there is to show.
    out["_order"] = out["rank"].fillna(out["rank_tech"]).fillna(out["rank_business"]).fillna(np.inf)
    out = out.sort_values(["gap", "_order"], ascending=[False, True], na_position="last")
    return out[list(DISAGREEMENT_COLUMNS)].reset_index(drop=True)


def results_filename(workshop: Workshop) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in workshop.title.lower()).strip("-")
    safe = "-".join(p for p in safe.split("-") if p)[:40] or "workshop"
    return f"workshop-{workshop.id}-{safe}.xlsx"
