"""Stakeholders and rituals: who to keep close, whose 1:1 is overdue, which rituals are due.

The core of the Stakeholders & rituals page, for steps 3 and 5 of the seven (structured
communication: roadmap reviews, prioritisation sessions, an open Q&A channel and a regular 1:1
with every key stakeholder; and rituals that make alignment a habit). This module gives

- the **power–interest grid**: influence × interest levels (Very low … Very high) to the four
  classic quadrants — manage closely, keep satisfied, keep informed, monitor;
- the **1:1 tracker**: each stakeholder's last 1:1 plus their cadence gives the next due date by
  calendar arithmetic (monthly = same day next month, clamped to the month's end; quarterly =
  three months; weekly, fortnightly or N days), and an overdue list sorted by days overdue;
  *key stakeholders* are those with High or Very high influence;
- the **rituals checklist** with the last time each was held and when the next is due;
- a **calendar** (.ics) of the next 12 months of rituals that imports into Google Calendar and
  Outlook.

Dates are plain days (no time of day), relative to a ``today`` the caller passes, so the page,
the CLI and the tests agree on what "overdue" means. No Streamlit here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from icalendar import Calendar, Event

from alignment import schema
from alignment.exports import strip_controls

HIGH_LEVELS = frozenset({"High", "Very high"})
LEVEL_NUMBER = {level: i for i, level in enumerate(schema.LEVELS, start=1)}
QUADRANTS = ("Manage closely", "Keep satisfied", "Keep informed", "Monitor")
QUADRANT_ADVICE = {
    "Manage closely": "high influence, high interest: involve them in decisions, 1:1s on cadence",
    "Keep satisfied": "high influence, lower interest: brief them on what affects their goals",
    "Keep informed": "lower influence, high interest: regular updates, the open Q&A channel",
    "Monitor": "lower influence and interest: the roadmap review is enough",
}
UNPLACED = "Not placed"
STACK = 5  # people stacked in one grid cell before a second column starts
DUE_SOON_DAYS = 7
STATUS_OVERDUE, STATUS_SOON, STATUS_OK, STATUS_NONE = (
    "Overdue",
    "Due within a week",
    "On track",
    "No 1:1 recorded",
)
PRODID = "-//Alignment Workbench//Rituals calendar//EN"
UID_DOMAIN = "alignment-workbench.local"


# --- calendar arithmetic ------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the last day of a shorter month: 31 Jan + 1 month
    is 29 Feb in a leap year, 28 Feb otherwise."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Cadence:
    """A repeat interval: whole calendar months, or a number of days."""

    months: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        if (self.months <= 0) == (self.days <= 0):
            raise ValueError("a cadence is a positive number of months or of days")

    def after(self, day: dt.date, times: int = 1) -> dt.date:
        """``day`` moved on by ``times`` intervals (from the anchor, so months do not drift:
        31 Jan → 29 Feb → 31 Mar, not 29 Mar)."""
        if self.months:
            return add_months(day, self.months * times)
        return day + dt.timedelta(days=self.days * times)

    def describe(self) -> str:
        if self.months == 1:
            return "monthly"
        if self.months == 3:
            return "quarterly"
        if self.months:
            return f"every {self.months} months"
        return {7: "weekly", 14: "fortnightly"}.get(self.days, f"every {self.days} days")


def parse_cadence(value: object, default: str = schema.DEFAULT_CADENCE) -> Cadence:
    """The importer's cadence words ("monthly", "quarterly", "fortnightly", "weekly",
    "N days") as a ``Cadence``; blank or unreadable falls back to ``default`` (monthly)."""
    text = (
        ""
        if value is None or (isinstance(value, float) and math.isnan(value))
        else str(value).strip().lower()
    )
    text = schema.CADENCE_WORDS.get(text, text).removeprefix("every ").strip()
    if text == "monthly":
        return Cadence(months=1)
    if text == "quarterly":
        return Cadence(months=3)
    if text == "weekly":
        return Cadence(days=7)
    if text == "fortnightly":
        return Cadence(days=14)
    m = re.match(r"^(\d{1,4})\s*days?$", text)
    if m and int(m.group(1)) > 0:
        return Cadence(days=int(m.group(1)))
    m = re.match(r"^(\d{1,2})\s*months?$", text)
    if m and int(m.group(1)) > 0:
        return Cadence(months=int(m.group(1)))
    if text != default:
        return parse_cadence(default, default)
    raise ValueError(f"unknown default cadence {default!r}")


def next_due(last: dt.date | None, cadence: Cadence) -> dt.date | None:
    """When the next meeting is due: one interval after the last; None if there was none."""
    return None if last is None else cadence.after(last)


# --- power–interest grid ------------------------------------------------------------------------


def quadrant(influence: object, interest: object) -> str:
    """Influence and interest of High or Very high count as high; Medium and below as low.
    Missing either level: not placed (the grid would have to guess)."""
    if influence not in LEVEL_NUMBER or interest not in LEVEL_NUMBER:
        return UNPLACED
    power, care = influence in HIGH_LEVELS, interest in HIGH_LEVELS
    if power:
        return "Manage closely" if care else "Keep satisfied"
    return "Keep informed" if care else "Monitor"


def grid(stakeholders: pd.DataFrame) -> pd.DataFrame:
    """One row per stakeholder placed on the grid: levels as 1–5, the quadrant, and a small
    deterministic offset (``x``, ``y``) so that people at the same levels do not hide each
    other: they are stacked 0.17 apart within the level's cell (by name), in columns of five."""
    frame = stakeholders.copy()
    frame["influence_level"] = frame["influence"].map(LEVEL_NUMBER)
    frame["interest_level"] = frame["interest"].map(LEVEL_NUMBER)
    frame["quadrant"] = [
        quadrant(a, b) for a, b in zip(frame["influence"], frame["interest"], strict=False)
    ]
    frame["key"] = frame["influence"].isin(HIGH_LEVELS)
    placed = frame[frame["quadrant"] != UNPLACED].copy()
    placed = placed.sort_values(["influence_level", "interest_level", "name"], kind="stable")
    cells = placed.groupby(["influence_level", "interest_level"])
    k = cells.cumcount().to_numpy()
    size = cells["name"].transform("size").to_numpy()
    rows = np.minimum(size, STACK)
    row, col = k % STACK, k // STACK
    placed["x"] = placed["interest_level"] + 0.45 * col
    placed["y"] = placed["influence_level"] + 0.17 * ((rows - 1) / 2 - row)
    return placed.reset_index(drop=True)


# --- 1:1 tracker ---------------------------------------------------------------------------------


def tracker(stakeholders: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Every stakeholder with their cadence, last and next 1:1, and where that leaves them.

    ``days_overdue`` is today − due date when positive (else 0); ``status`` is one of Overdue,
    Due within a week, On track, No 1:1 recorded. Sorted: overdue first by days overdue, then
    no 1:1 recorded (key stakeholders first), then by due date.
    """
    today = _day(today)
    rows = []
    for row in stakeholders.itertuples(index=False):
        cadence = parse_cadence(getattr(row, "cadence", None))
        last = _day(getattr(row, "last_1on1", None))
        due = next_due(last, cadence)
        overdue = max((today - due).days, 0) if due else 0
        if due is None:
            status = STATUS_NONE
        elif due < today:
            status = STATUS_OVERDUE
        elif (due - today).days <= DUE_SOON_DAYS:
            status = STATUS_SOON
        else:
            status = STATUS_OK
        influence = getattr(row, "influence", None)
        rows.append(
            {
                "name": row.name,
                "role": getattr(row, "role", None),
                "group": getattr(row, "group", None),
                "influence": influence,
                "interest": getattr(row, "interest", None),
                "key": influence in HIGH_LEVELS,
                "cadence": cadence.describe(),
                "last_1on1": last,
                "next_due": due,
                "days_overdue": overdue,
                "status": status,
            }
        )
    cols = [
        "name",
        "role",
        "group",
        "influence",
        "interest",
        "key",
        "cadence",
        "last_1on1",
        "next_due",
        "days_overdue",
        "status",
    ]
    frame = pd.DataFrame(rows, columns=cols)
    if frame.empty:
        return frame
    order = frame["status"].map({STATUS_OVERDUE: 0, STATUS_NONE: 1, STATUS_SOON: 2, STATUS_OK: 3})
    frame = frame.assign(
        _o=order,
        _d=-frame["days_overdue"],
        _k=~frame["key"],
        _due=pd.to_datetime(frame["next_due"]),
    )
    frame = frame.sort_values(["_o", "_d", "_k", "_due", "name"], kind="stable")
    return frame.drop(columns=["_o", "_d", "_k", "_due"]).reset_index(drop=True)


def overdue(track: pd.DataFrame, *, key_only: bool = False) -> pd.DataFrame:
    """The overdue (and never met) stakeholders, most overdue first."""
    out = track[track["status"].isin([STATUS_OVERDUE, STATUS_NONE])]
    if key_only:
        out = out[out["key"]]
    return out.reset_index(drop=True)


def on_cadence_share(track: pd.DataFrame) -> tuple[int, int]:
    """(key stakeholders whose 1:1 is within cadence, key stakeholders): step 3's evidence."""
    key = track[track["key"]]
    return int((~key["status"].isin([STATUS_OVERDUE, STATUS_NONE])).sum()), len(key)


# --- rituals -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ritual:
    """A recurring forum (``DEFAULT_RITUALS``), with the last time it was held (None: not yet)."""

    name: str
    cadence: str
    why: str
    last_held: dt.date | None = None
    active: bool = True


DEFAULT_RITUALS: tuple[Ritual, ...] = (
    Ritual(
        "Monthly roadmap review",
        "monthly",
        "Walk both sides through the roadmap: what moved, what is at risk and why.",
    ),
    Ritual(
        "Quarterly prioritisation session",
        "quarterly",
        "Tech and business agree together what matters most next quarter.",
    ),
    Ritual(
        "Open Q&A channel",
        "weekly",
        "Answer what was asked in the open channel this week, so questions never pile up.",
    ),
    Ritual(
        "Monthly stakeholder 1:1s",
        "monthly",
        "A 1:1 with every key stakeholder and decision maker, to keep the lines open.",
    ),
)


def rituals_frame(rituals: Sequence[Ritual], today: dt.date) -> pd.DataFrame:
    """The checklist: each ritual's cadence, last held, next due, days overdue and status."""
    today = _day(today)
    rows = []
    for r in rituals:
        cadence = parse_cadence(r.cadence)
        due = next_due(r.last_held, cadence)
        if not r.active:
            status = "Not used"
        elif due is None:
            status = "Not held yet"
        elif due < today:
            status = STATUS_OVERDUE
        elif (due - today).days <= DUE_SOON_DAYS:
            status = STATUS_SOON
        else:
            status = STATUS_OK
        rows.append(
            {
                "ritual": r.name,
                "active": r.active,
                "cadence": cadence.describe(),
                "last_held": r.last_held,
                "next_due": due,
                "days_overdue": max((today - due).days, 0) if due and r.active else 0,
                "status": status,
                "why": r.why,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "ritual",
            "active",
            "cadence",
            "last_held",
            "next_due",
            "days_overdue",
            "status",
            "why",
        ],
    )


def rituals_from_frame(
    frame: pd.DataFrame, base: Sequence[Ritual] = DEFAULT_RITUALS
) -> list[Ritual]:
    """The page's edited checklist back as rituals (by name; unknown rows are new rituals)."""
    known = {r.name: r for r in base}
    out = []
    for row in frame.itertuples(index=False):
        name = str(row.ritual).strip() if row.ritual is not None else ""
        if not name or name.lower() == "nan":
            continue
        old = known.get(name, Ritual(name, "monthly", ""))
        cadence = str(row.cadence) if getattr(row, "cadence", None) else old.cadence
        out.append(
            replace(
                old,
                cadence=cadence,
                last_held=_day(row.last_held),
                active=bool(row.active) if getattr(row, "active", None) is not None else old.active,
            )
        )
    return out


def schedule(
    rituals: Iterable[Ritual], today: dt.date, months: int = 12, *, weekdays_only: bool = True
) -> pd.DataFrame:
    """The occurrences of each active ritual from ``today`` for ``months`` months.

    The first occurrence is the next due date (one cadence after the last held), or today when
    that is already past or the ritual was never held; the rest follow from the first by whole
    cadences (months from the anchor, so no drift). With ``weekdays_only`` a date falling on a
    Saturday or Sunday moves to the Monday after.
    """
    today = _day(today)
    end = add_months(today, months)
    rows = []
    for r in rituals:
        if not r.active:
            continue
        cadence = parse_cadence(r.cadence)
        due = next_due(r.last_held, cadence)
        first = today if due is None or due < today else due
        i = 0
        while True:
            day = cadence.after(first, i) if i else first
            if day >= end:
                break
            shown = _weekday(day) if weekdays_only else day
            rows.append(
                {"ritual": r.name, "date": shown, "cadence": cadence.describe(), "why": r.why}
            )
            i += 1
    frame = pd.DataFrame(rows, columns=["ritual", "date", "cadence", "why"])
    # A short cadence moved off a weekend can land on a day it already has.
    frame = frame.drop_duplicates(["ritual", "date"])
    return frame.sort_values(["date", "ritual"], kind="stable").reset_index(drop=True)


def to_ics(
    occurrences: pd.DataFrame,
    *,
    calendar_name: str = "Alignment rituals",
    stamp: dt.datetime | None = None,
    notes: dict[str, str] | None = None,
) -> bytes:
    """An iCalendar file with one all-day event per occurrence.

    Chosen for what imports reliably into Google Calendar and Outlook: expanded events rather
    than RRULEs (Outlook and Google disagree on monthly rules for the 29th–31st), all-day dates
    (VALUE=DATE, no time zone to convert, so no VTIMEZONE is needed) with an explicit DTEND on
    the next day, a stable UID per ritual and date (re-importing updates instead of
    duplicating), DTSTAMP in UTC, METHOD:PUBLISH, and TRANSP:TRANSPARENT so the reminders do
    not block anyone's day. ``notes`` adds text to a ritual's description (e.g. the key
    stakeholders due a 1:1).
    """
    stamp = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    notes = notes or {}
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", strip_controls(calendar_name))
    for row in occurrences.itertuples(index=False):
        day = _day(row.date)
        event = Event()
        slug = hashlib.sha1(f"{row.ritual}|{day.isoformat()}".encode()).hexdigest()[:16]
        event.add("uid", f"{day.strftime('%Y%m%d')}-{slug}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", strip_controls(str(row.ritual)))
        text = f"{row.why}\n\nCadence: {row.cadence}. From Alignment Workbench."
        if notes.get(row.ritual):
            text += "\n\n" + notes[row.ritual]
        event.add("description", strip_controls(text))
        event.add("transp", "TRANSPARENT")
        event.add("categories", ["Alignment"])
        cal.add_component(event)
    return cal.to_ical()


# --- helpers -------------------------------------------------------------------------------------


def _weekday(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _day(value: object) -> dt.date | None:
    """A plain date from a Timestamp, datetime, date or ISO text; None for blanks."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(ts) else ts.date()
