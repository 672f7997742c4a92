"""Stakeholders & rituals: who to keep close, whose 1:1 is overdue, and the rituals that keep
both sides talking (steps 3 and 5 of the seven)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from alignment import stakeholders
from alignment.charts import stakeholders as sh_charts
from components import analysis, as_of, chart, state
from components.downloads import frame_downloads
from components.page import DATA_PAGE, setup
from components.state import Keys
from components.text import escape

W = Keys.KEEP_ALIGNED_WIDGET
CADENCE_CHOICES = ["weekly", "fortnightly", "monthly", "quarterly"]
# The rituals work without any uploaded table, so the page itself needs none; the stakeholder
# part explains kindly below when that table is missing.
result = setup(
    "Stakeholders & rituals",
    needs=(),
    intro="Monthly roadmap reviews, quarterly prioritisation, an open Q&A channel and "
    "a monthly 1:1 with every key stakeholder: the forums that keep tech and "
    "the business aligned, and who is overdue.",
)
dataset = result.dataset
today = as_of.show("stakeholders", st.columns([1, 4])[0])


# --- stakeholders -------------------------------------------------------------------------------

st.subheader("Power–interest grid")
people = dataset.stakeholders
track = pd.DataFrame()
if people.empty:
    st.info(
        "The grid and the 1:1 tracker need a stakeholders table (name, influence, interest, "
        "last 1:1, cadence), and the data loaded now has none. Add one on the Data page — "
        "the template has a Stakeholders sheet. The rituals below work without it.",
        icon=":material/info:",
    )
    st.page_link(DATA_PAGE, label="Go to the Data page", icon=":material/upload_file:")
else:
    track = analysis.stakeholder_tracker(dataset.fingerprint, today, dataset)
    placed = stakeholders.grid(people)
    key_total = int(track["key"].sum())
    on_time, _ = stakeholders.on_cadence_share(track)
    late_key = stakeholders.overdue(track, key_only=True)
    m = st.columns(4)
    m[0].metric("Stakeholders", len(track))
    m[1].metric("Key stakeholders", key_total, help="Influence High or Very high.")
    m[2].metric(
        "Key 1:1s overdue",
        len(late_key),
        help="Key stakeholders past their next 1:1 date, or with none recorded.",
    )
    m[3].metric("Key 1:1s on cadence", f"{on_time} of {key_total}")
    if placed.empty:
        st.caption("Nobody has both an influence and an interest level, so the grid is empty.")
    else:
        figure = sh_charts.power_interest(placed, track)
        table = placed[["name", "role", "group", "influence", "interest", "quadrant"]].rename(
            columns=str.capitalize
        )
        chart.show(
            figure,
            table,
            "power-interest-grid",
            key=f"{W}grid",
            caption="Interest across, influence up; High and Very high count as high. "
            "Colour and shape show the 1:1 status. Hover a point for the person.",
        )
        with st.expander("What each quadrant asks of you", icon=":material/help:"):
            for name, advice in stakeholders.QUADRANT_ADVICE.items():
                count = int((placed["quadrant"] == name).sum())
                st.markdown(f"- **{name}** ({count}): {advice}.")
    unplaced = people[~people["name"].isin(placed["name"])] if not placed.empty else people
    if not unplaced.empty:
        st.caption(
            "Not on the grid (influence or interest missing): "
            + escape(", ".join(str(n) for n in unplaced["name"]))
            + "."
        )

    st.subheader("1:1 tracker")
    key_only = st.toggle("Key stakeholders only", value=True, key=f"{W}key-only")
    late = stakeholders.overdue(track, key_only=key_only)
    who = "key stakeholders" if key_only else "stakeholders"
    if late.empty:
        st.success(
            f"Every one of your {who} has had a 1:1 within their cadence "
            f"(as of {today.isoformat()}).",
            icon=":material/check_circle:",
        )
    else:
        worst = late.iloc[0]
        lead = (
            f"{escape(worst['name'])} is {worst['days_overdue']} days overdue"
            if worst["status"] == stakeholders.STATUS_OVERDUE
            else f"{escape(worst['name'])} has no 1:1 on record"
        )
        st.warning(
            f"{len(late)} {who} overdue for a 1:1 as of {today.isoformat()}; {lead}.",
            icon=":material/schedule:",
        )
    columns = {
        "name": "Name",
        "role": "Role",
        "group": "Group",
        "influence": "Influence",
        "key": "Key",
        "cadence": "Cadence",
        "last_1on1": "Last 1:1",
        "next_due": "Due",
        "days_overdue": "Days overdue",
        "status": "Status",
    }
    shown = late if not late.empty else track.iloc[0:0]
    if not shown.empty:
        st.dataframe(
            shown.rename(columns=columns)[list(columns.values())],
            hide_index=True,
            width="stretch",
            column_config={
                "Last 1:1": st.column_config.DateColumn(format="YYYY-MM-DD"),
                "Due": st.column_config.DateColumn(format="YYYY-MM-DD"),
            },
        )
    with st.expander(f"Everyone ({len(track)})", icon=":material/group:"):
        full = track.rename(columns=columns)[list(columns.values())]
        st.dataframe(
            full,
            hide_index=True,
            width="stretch",
            column_config={
                "Last 1:1": st.column_config.DateColumn(format="YYYY-MM-DD"),
                "Due": st.column_config.DateColumn(format="YYYY-MM-DD"),
            },
        )
        frame_downloads(
            full,
            "one-to-ones",
            key=f"{W}dl-1on1",
            sheet="1-1 tracker",
            label="Download the tracker",
        )
    st.caption(
        "Next due = last 1:1 plus the cadence: monthly is the same day next month (the "
        "31st becomes the month's last day), quarterly three months, weekly and "
        "fortnightly 7 and 14 days. No cadence given: monthly."
    )

# --- rituals ------------------------------------------------------------------------------------

st.subheader("Rituals")
st.caption(
    "The forums that keep both sides in step. Tick the ones you run and set when each was "
    "last held; the next date follows from the cadence. Your changes stay for this session "
    "(save a workspace to keep them)."
)
rituals: list[stakeholders.Ritual] = state.get(Keys.RITUALS) or list(stakeholders.DEFAULT_RITUALS)
checklist = stakeholders.rituals_frame(rituals, today)
# As datetimes, so that a ritual never held shows an empty cell rather than "None".
checklist = checklist.assign(
    last_held=pd.to_datetime(checklist["last_held"]), next_due=pd.to_datetime(checklist["next_due"])
)
version = state.get(Keys.KEEP_ALIGNED_EDITOR_VERSION, 0)
edited = st.data_editor(
    checklist,
    hide_index=True,
    width="stretch",
    key=f"{W}rituals-{version}",
    placeholder="—",
    disabled=["ritual", "next_due", "days_overdue", "status", "why"],
    column_order=[
        "active",
        "ritual",
        "cadence",
        "last_held",
        "next_due",
        "days_overdue",
        "status",
        "why",
    ],
    column_config={
        "active": st.column_config.CheckboxColumn("We run it", width="small"),
        "ritual": st.column_config.TextColumn("Ritual"),
        "cadence": st.column_config.SelectboxColumn(
            "Cadence", options=CADENCE_CHOICES, required=True
        ),
        "last_held": st.column_config.DateColumn("Last held", format="YYYY-MM-DD"),
        "next_due": st.column_config.DateColumn("Next due", format="YYYY-MM-DD"),
        "days_overdue": st.column_config.NumberColumn("Days overdue", format="%d"),
        "status": st.column_config.TextColumn("Status"),
        "why": st.column_config.TextColumn("Why", width="large"),
    },
)
updated = stakeholders.rituals_from_frame(edited, rituals)
if updated != rituals:
    state.put(Keys.RITUALS, updated)
    state.put(Keys.KEEP_ALIGNED_EDITOR_VERSION, version + 1)
    st.rerun()
due = checklist[checklist["status"].isin([stakeholders.STATUS_OVERDUE, "Not held yet"])]
if not due.empty:
    st.caption("Due now: " + escape(", ".join(due["ritual"])) + ".")

st.markdown("**Calendar for the next 12 months**")
weekdays = st.toggle("Move weekend dates to the Monday after", value=True, key=f"{W}weekdays")
occurrences = stakeholders.schedule(updated, today, weekdays_only=weekdays)
if occurrences.empty:
    st.caption("No ritual is ticked, so the calendar would be empty.")
else:
    notes = {}
    if not track.empty:
        key_people = track[track["key"]]
        if not key_people.empty:
            notes["Monthly stakeholder 1:1s"] = "Key stakeholders: " + ", ".join(
                f"{n} (due {d.isoformat() if d else 'now'})"
                for n, d in zip(key_people["name"], key_people["next_due"], strict=False)
            )
    counts = occurrences.groupby("ritual").size()
    st.caption(
        f"{len(occurrences)} all-day reminders from {today.isoformat()}: "
        + escape(", ".join(f"{r} ×{n}" for r, n in counts.items()))
        + ". Import the file into Google Calendar (Settings › Import) or Outlook "
        "(File › Open & Export › Import); downloading again later updates the same "
        "events instead of duplicating them."
    )
    left, right = st.columns([1, 3])
    left.download_button(
        "Calendar (.ics)",
        stakeholders.to_ics(occurrences, notes=notes),
        "alignment-rituals.ics",
        "text/calendar",
        key=f"{W}ics",
        icon=":material/calendar_month:",
        on_click="ignore",
        width="stretch",
    )
    with right.expander("The first dates"):
        st.dataframe(
            occurrences.head(20).rename(
                columns={"ritual": "Ritual", "date": "Date", "cadence": "Cadence"}
            )[["Date", "Ritual", "Cadence"]],
            hide_index=True,
            width="stretch",
        )
