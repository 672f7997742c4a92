"""Cadence: calendar arithmetic, the 1:1 tracker, the power–interest grid, rituals and the .ics."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from icalendar import Calendar

from alignment import stakeholders as cad
from alignment.charts import stakeholders as charts
from alignment.stakeholders import Cadence, Ritual

D = dt.date


@pytest.mark.parametrize(
    ("last", "cadence", "due"),
    [
        (D(2024, 1, 31), "monthly", D(2024, 2, 29)),  # leap year: clamped to 29 Feb
        (D(2023, 1, 31), "monthly", D(2023, 2, 28)),
        (D(2024, 2, 29), "monthly", D(2024, 3, 29)),
        (D(2026, 12, 15), "monthly", D(2027, 1, 15)),  # across the year end
        (D(2026, 3, 31), "monthly", D(2026, 4, 30)),
        (D(2026, 11, 30), "quarterly", D(2027, 2, 28)),
        (D(2023, 11, 30), "quarterly", D(2024, 2, 29)),
        (D(2026, 1, 28), "weekly", D(2026, 2, 4)),
        (D(2026, 12, 25), "fortnightly", D(2027, 1, 8)),
        (D(2024, 2, 20), "10 days", D(2024, 3, 1)),
        (D(2026, 5, 31), None, D(2026, 6, 30)),  # default monthly
        (D(2026, 5, 31), "whenever", D(2026, 6, 30)),  # unreadable: default monthly
    ],
)
def test_next_due(last: dt.date, cadence: str | None, due: dt.date) -> None:
    assert cad.next_due(last, cad.parse_cadence(cadence)) == due


def test_months_do_not_drift_from_the_anchor() -> None:
    monthly = Cadence(months=1)
    assert [monthly.after(D(2024, 1, 31), i) for i in range(1, 4)] == [
        D(2024, 2, 29),
        D(2024, 3, 31),
        D(2024, 4, 30),
    ]


def test_a_cadence_is_months_or_days() -> None:
    with pytest.raises(ValueError, match="months or of days"):
        Cadence()
    assert Cadence(days=14).describe() == "fortnightly"
    assert Cadence(months=3).describe() == "quarterly"
    assert Cadence(days=10).describe() == "every 10 days"
    # What describe() writes reads back the same (the checklist round-trips through it).
    for c in (Cadence(days=10), Cadence(months=2), Cadence(days=14), Cadence(months=3)):
        assert cad.parse_cadence(c.describe()) == c


def people(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["name", "role", "group", "influence", "interest", "last_1on1", "cadence"]
    )


def test_overdue_list_is_sorted_by_days_overdue() -> None:
    frame = people(
        ("Ana", "CEO", "Exec", "Very high", "High", pd.Timestamp("2026-10-01"), "monthly"),
        ("Ben", "CFO", "Finance", "High", "Low", pd.Timestamp("2026-08-01"), "monthly"),
        ("Cy", "Ops", "Ops", "Low", "Low", pd.Timestamp("2026-11-20"), "monthly"),
        ("Di", "Eng", "Eng", "Medium", "High", None, "monthly"),
        ("Ed", "VP", "Sales", "High", "High", pd.Timestamp("2026-11-20"), "weekly"),
    )
    track = cad.tracker(frame, D(2026, 11, 25))
    assert track["name"].tolist() == ["Ben", "Ana", "Di", "Ed", "Cy"]
    assert track["days_overdue"].tolist() == [85, 24, 0, 0, 0]
    assert track["status"].tolist() == [
        cad.STATUS_OVERDUE,
        cad.STATUS_OVERDUE,
        cad.STATUS_NONE,
        cad.STATUS_SOON,
        cad.STATUS_OK,
    ]
    assert track.set_index("name")["key"].to_dict() == {
        "Ana": True,
        "Ben": True,
        "Cy": False,
        "Di": False,
        "Ed": True,
    }
    assert cad.overdue(track)["name"].tolist() == ["Ben", "Ana", "Di"]
    assert cad.overdue(track, key_only=True)["name"].tolist() == ["Ben", "Ana"]
    assert cad.on_cadence_share(track) == (1, 3)


def test_due_today_is_not_overdue_and_a_day_later_is() -> None:
    frame = people(("Ana", "", "", "High", "High", pd.Timestamp("2024-01-31"), "monthly"))
    assert cad.tracker(frame, D(2024, 2, 29))["status"].iloc[0] == cad.STATUS_SOON
    late = cad.tracker(frame, D(2024, 3, 1)).iloc[0]
    assert (late["status"], late["days_overdue"]) == (cad.STATUS_OVERDUE, 1)


@pytest.mark.parametrize(
    ("influence", "interest", "quadrant"),
    [
        ("Very high", "High", "Manage closely"),
        ("High", "Medium", "Keep satisfied"),
        ("Medium", "Very high", "Keep informed"),
        ("Low", "Low", "Monitor"),
        ("Medium", "Medium", "Monitor"),
        (None, "High", cad.UNPLACED),
    ],
)
def test_quadrants(influence: str | None, interest: str, quadrant: str) -> None:
    assert cad.quadrant(influence, interest) == quadrant


def test_grid_places_people_apart_within_a_cell() -> None:
    frame = people(
        *[(f"P{i}", "", "", "High", "High", None, "monthly") for i in range(3)],
        ("Q", "", "", None, "High", None, "monthly"),
    )
    placed = cad.grid(frame)
    assert len(placed) == 3  # Q has no influence level and is not placed
    assert placed["y"].round(2).tolist() == [4.17, 4.0, 3.83]
    assert placed["x"].tolist() == [4, 4, 4]


def test_power_interest_chart_names_quadrants_and_people() -> None:
    frame = people(
        (
            "Helena Brandt-Longname-Smythe",
            "CEO",
            "Exec",
            "Very high",
            "High",
            pd.Timestamp("2026-10-01"),
            "monthly",
        )
    )
    spec = charts.power_interest(cad.grid(frame), cad.tracker(frame, D(2026, 11, 25))).to_dict()
    text = str(spec)
    for q in cad.QUADRANTS:
        assert q in text
    assert "Helena Brandt-Lon…" in text and "Helena Brandt-Longname-Smythe" in text
    assert "Overdue" in text and spec["resolve"]["scale"]["color"] == "independent"


# --- rituals and the calendar ---------------------------------------------------------------------


def test_rituals_checklist_status() -> None:
    rituals = [
        Ritual("Review", "monthly", "why", D(2026, 10, 1)),
        Ritual("Prioritise", "quarterly", "why", D(2026, 10, 1)),
        Ritual("Q&A", "weekly", "why", None),
        Ritual("Paused", "monthly", "why", D(2020, 1, 1), active=False),
    ]
    frame = cad.rituals_frame(rituals, D(2026, 11, 25))
    assert frame["status"].tolist() == [
        cad.STATUS_OVERDUE,
        cad.STATUS_OK,
        "Not held yet",
        "Not used",
    ]
    assert frame["days_overdue"].tolist() == [24, 0, 0, 0]
    assert frame["next_due"].iloc[1] == D(2027, 1, 1)


def test_edited_checklist_round_trips() -> None:
    frame = cad.rituals_frame(cad.DEFAULT_RITUALS, D(2026, 11, 25))
    frame.loc[0, "last_held"] = D(2026, 11, 2)
    frame.loc[2, "active"] = False
    back = cad.rituals_from_frame(frame)
    assert back[0].last_held == D(2026, 11, 2) and back[0].why == cad.DEFAULT_RITUALS[0].why
    assert not back[2].active and len(back) == 4


def test_schedule_covers_twelve_months_on_weekdays() -> None:
    rituals = [
        Ritual("Review", "monthly", "why", D(2026, 10, 31)),
        Ritual("Prioritise", "quarterly", "why", None),
        Ritual("Paused", "weekly", "why", None, active=False),
    ]
    occ = cad.schedule(rituals, D(2026, 11, 25))
    review = occ[occ["ritual"] == "Review"]["date"].tolist()
    assert len(review) == 12
    assert review[0] == D(2026, 11, 30)  # due 30 Nov, a Monday
    assert review[2] == D(2027, 2, 1)  # 31 Jan 2027 is a Sunday → Monday 1 Feb
    assert all(d.weekday() < 5 for d in occ["date"])
    assert occ[occ["ritual"] == "Prioritise"]["date"].tolist() == [
        D(2026, 11, 25),
        D(2027, 2, 25),
        D(2027, 5, 25),
        D(2027, 8, 25),
    ]
    assert "Paused" not in set(occ["ritual"])
    assert max(occ["date"]) < D(2027, 11, 25) + dt.timedelta(days=3)


def test_overdue_ritual_starts_today() -> None:
    occ = cad.schedule(
        [Ritual("Review", "monthly", "why", D(2026, 1, 1))], D(2026, 11, 25), months=1
    )
    assert occ["date"].tolist() == [D(2026, 11, 25)]


def test_ics_parses_back_with_the_expected_events() -> None:
    occ = cad.schedule(cad.DEFAULT_RITUALS, D(2026, 11, 25))
    stamp = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
    data = cad.to_ics(
        occ, stamp=stamp, notes={"Monthly stakeholder 1:1s": "Overdue: Daniel Okoye, Rafael Costa"}
    )
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    cal = Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0" and str(cal["METHOD"]) == "PUBLISH"
    assert "PRODID" in cal
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(occ)
    counts = pd.Series([str(e["SUMMARY"]) for e in events]).value_counts().to_dict()
    assert counts == {
        "Open Q&A channel": 53,
        "Monthly roadmap review": 12,
        "Monthly stakeholder 1:1s": 12,
        "Quarterly prioritisation session": 4,
    }
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    first = events[0]
    start, end = first.decoded("DTSTART"), first.decoded("DTEND")
    assert type(start) is dt.date and end - start == dt.timedelta(days=1)
    assert first.decoded("DTSTAMP") == stamp
    assert str(first["TRANSP"]) == "TRANSPARENT"
    one_on_ones = next(e for e in events if str(e["SUMMARY"]) == "Monthly stakeholder 1:1s")
    assert "Daniel Okoye" in str(one_on_ones["DESCRIPTION"])
    # A stable UID: the same ritual on the same day gets the same UID in a later download.
    again = Calendar.from_ical(cad.to_ics(occ))
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == uids


def test_ics_escapes_user_text() -> None:
    occ = pd.DataFrame(
        {
            "ritual": ["Review; with, commas\nand lines"],
            "date": [D(2026, 12, 1)],
            "cadence": ["monthly"],
            "why": ["Back\\slash"],
        }
    )
    cal = Calendar.from_ical(cad.to_ics(occ))
    event = next(iter(cal.walk("VEVENT")))
    assert str(event["SUMMARY"]) == "Review; with, commas\nand lines"
    assert "Back\\slash" in str(event["DESCRIPTION"])
