"""Workspaces: save the data you are looking at, reopen it next month, and see what changed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from alignment import compare
from alignment.charts import compare as compare_charts
from alignment.store import DuplicateName, StoreError, snapshot_labels
from components import analysis, chart, loader, privacy, state, storage
from components.downloads import frame_downloads
from components.page import setup
from components.state import Keys
from components.text import escape

result = setup(
    "Workspaces",
    intro="A workspace keeps the files you loaded, your column-mapping "
    "corrections, rating scales and side assignments under a name and a date. Save "
    "one per review, reopen it any time, and compare two to see what moved.",
)
store = storage.require()
dataset = result.dataset
priv = privacy.current()


def _when(value: dt.datetime | None) -> str:
    return value.astimezone().strftime("%d %b %Y %H:%M") if value else "–"


def _duplicate(exc: DuplicateName) -> str:
    """The store's refusal with the name escaped (it is the user's text)."""
    return (
        f"A workspace named **{escape(exc.name)}** exists already. Choose another name, or "
        "rename or delete the other one first."
    )


def _summary() -> dict[str, object]:
    fb = dataset.feedback
    return {
        "initiatives": int(len(dataset.initiatives)),
        "respondents": int(fb["respondent"].nunique()) if dataset.has_feedback else 0,
        "ratings": int(len(fb)),
        "demo": state.is_demo(),
    }


# --- what is open now, and saving it -----------------------------------------------------------

opened = state.get(Keys.OPEN_SNAPSHOT)
if opened:
    sid, name, key = opened
    if key == loader.content_key():
        st.success(
            f"Open now: **{escape(name)}**. The app reopens on it next time.",
            icon=":material/folder_open:",
        )
    else:
        st.warning(
            f"Opened from **{escape(name)}**, with changes since (files or corrections). "
            "Save them as a new workspace to keep them.",
            icon=":material/edit_note:",
        )
else:
    what = "the demo workbook" if state.is_demo() else "your uploaded files"
    st.info(f"You are looking at {what}, not saved as a workspace yet.", icon=":material/draft:")

st.subheader("Save the current data")
# Names are unique (every picker shows them): the suggestion is one no workspace has yet.
taken = {s.name.lower() for s in store.snapshots()}
stem = f"{'Demo' if state.is_demo() else 'Review'} {dt.date.today():%d %b %Y}"
default_name = next(
    n
    for n in (stem if i == 1 else f"{stem} ({i})" for i in range(1, len(taken) + 2))
    if n.lower() not in taken
)
with st.form("ws-save", border=False):
    name = st.text_input("Name", value=default_name, max_chars=120, key="snap-name")
    if st.form_submit_button("Save workspace", type="primary", icon=":material/save:"):
        try:
            info = store.save_snapshot(
                name,
                loader.current_sources(),
                state.settings(),
                session={"demo": state.is_demo()},
                summary=_summary(),
            )
        except DuplicateName as exc:
            st.error(_duplicate(exc), icon=":material/error:")
        except (ValueError, StoreError) as exc:
            st.error(str(exc), icon=":material/error:")
        else:
            state.put(Keys.OPEN_SNAPSHOT, (info.id, info.name, loader.content_key()))
            st.toast(f"Saved '{escape(info.name)}'.", icon=":material/check:")
            st.rerun()
st.caption(f"Kept in the {escape(storage.where())}. The files are stored as uploaded.")
if store.wipe_pending and not store.finish_wipe():
    st.info(
        "A deleted workspace is gone from every list, but its bytes are still in the database "
        "file while another session finishes reading. They are wiped at the next save or "
        "delete; until then the deletion is not final.",
        icon=":material/hourglass:",
    )

# --- the list ----------------------------------------------------------------------------------

st.subheader("Saved workspaces")
snapshots = store.snapshots()
labels = snapshot_labels(snapshots)  # distinct in every picker, even for an old duplicate
if not snapshots:
    st.info(
        "No saved workspace yet. Save the data above; next month, save again and compare "
        "the two here.",
        icon=":material/inventory_2:",
    )
    st.stop()

table = pd.DataFrame(
    [
        {
            "Name": s.name,
            "Saved": _when(s.created_at),
            "Last opened": _when(s.opened_at),
            "Files": ", ".join(s.files),
            "Initiatives": s.summary.get("initiatives"),
            "Respondents": s.summary.get("respondents"),
            "Size (KB)": round(s.size / 1024, 1),
        }
        for s in snapshots
    ]
).astype({"Initiatives": "Int64", "Respondents": "Int64"})
st.dataframe(table, hide_index=True, width="stretch")

by_id = {s.id: s for s in snapshots}
ids = list(by_id)
current_id = opened[0] if opened and opened[0] in by_id else ids[0]
chosen = st.selectbox(
    "Workspace",
    ids,
    index=ids.index(current_id),
    key="snap-pick",
    format_func=labels.__getitem__,
)
info = by_id[chosen]
act = st.columns(3)
if act[0].button(
    "Open", icon=":material/folder_open:", width="stretch", type="primary", key="snap-open"
):
    snap = store.snapshot(info.id, mark_opened=True)
    if snap is None:
        st.error("This workspace no longer exists.", icon=":material/error:")
    else:
        loader.use_snapshot(snap)
        loader.load(show_progress=True)
        st.rerun()
with act[1].popover("Rename", icon=":material/edit:", width="stretch"):
    new_name = st.text_input(
        "New name", value=info.name, max_chars=120, key=f"snap-rename-{info.id}"
    )
    if st.button("Rename", key="snap-rename-go"):
        try:
            store.rename_snapshot(info.id, new_name)
        except DuplicateName as exc:
            st.error(_duplicate(exc), icon=":material/error:")
        except (ValueError, StoreError) as exc:
            st.error(str(exc), icon=":material/error:")
        else:
            if opened and opened[0] == info.id:
                state.put(Keys.OPEN_SNAPSHOT, (info.id, " ".join(new_name.split()), opened[2]))
            st.rerun()
if act[2].button("Delete…", icon=":material/delete:", width="stretch", key="snap-delete"):
    st.session_state["snap-confirm"] = info.id
if st.session_state.get("snap-confirm") == info.id:
    st.warning(
        f"Delete **{escape(info.name)}** and its {len(info.files)} stored file(s) for "
        "good? This cannot be undone.",
        icon=":material/warning:",
    )
    yes, no = st.columns(2)
    if yes.button("Yes, delete it", type="primary", key="snap-delete-yes", width="stretch"):
        store.delete_snapshot(info.id)
        st.session_state.pop("snap-confirm", None)
        if opened and opened[0] == info.id:
            st.session_state.pop(Keys.OPEN_SNAPSHOT, None)
        st.rerun()
    if no.button("Cancel", key="snap-delete-no", width="stretch"):
        st.session_state.pop("snap-confirm", None)
        st.rerun()

# --- compare -----------------------------------------------------------------------------------


st.subheader("Compare two workspaces")
if len(snapshots) < 2:
    st.info(
        "Save at least two workspaces (say, last month's and this month's) to compare them.",
        icon=":material/compare_arrows:",
    )
    st.stop()
pick = st.columns(2)
after_id = pick[1].selectbox("Later", ids, index=0, key="cmp-after", format_func=labels.__getitem__)
before_id = pick[0].selectbox(
    "Earlier", ids, index=1, key="cmp-before", format_func=labels.__getitem__
)
if before_id == after_id:
    st.info("Pick two different workspaces.", icon=":material/compare_arrows:")
    st.stop()
before, after = by_id[before_id], by_id[after_id]
cmp = analysis.workspace_comparison(
    storage.url(),
    before_id,
    after_id,
    (before.created_at.isoformat(), after.created_at.isoformat()),
    priv.k_min,
    priv.k_comments,
)
if cmp is None:
    st.error("One of these workspaces was deleted meanwhile.", icon=":material/error:")
    st.stop()
if not cmp.has_feedback:
    st.info(
        "Neither workspace holds feedback ratings, so there is no alignment to compare.",
        icon=":material/info:",
    )
    st.stop()

counts = cmp.counts
cols = st.columns(6)
for col, (status, label) in zip(
    cols,
    [
        (compare.IMPROVED, "Improved"),
        (compare.WORSENED, "Worsened"),
        (compare.STEADY, "Steady"),
        (compare.NEW, "New"),
        (compare.GONE, "Gone"),
        (compare.HIDDEN, "Not comparable"),
    ],
    strict=True,
):
    col.metric(label, counts[status])
st.caption(
    f"Per initiative and side. A change of {compare.STEADY_POINTS:.0f} points or more on "
    "the 0–100 scale counts as improved or worsened. A cell hidden in either workspace "
    f"(fewer than {priv.k_min} respondents) is not comparable and its change is not "
    f"shown; so is a cell where 1 to {priv.k_min - 1} people joined or left between the two, "
    "since the change would show what those few people answered."
)

shown = compare.chart_frame(cmp.cells)
if shown.empty:
    st.info(
        "Every cell is hidden in one of the two workspaces, so nothing can be compared.",
        icon=":material/visibility_off:",
    )
else:
    size = (
        shown.assign(abs_change=shown["change"].abs().fillna(0))
        .groupby("label")["abs_change"]
        .max()
        .sort_values(ascending=False, kind="stable")
    )
    limit = (
        st.slider(
            "Initiatives shown (largest change first)",
            5,
            max(5, len(size)),
            min(25, max(5, len(size))),
            key="cmp-limit",
        )
        if len(size) > 5
        else len(size)
    )
    order = list(size.index[:limit])
    drawn = shown[shown["label"].isin(order)]
    chart.show(
        compare_charts.dumbbell(drawn, order, before=before.name, after=after.name),
        cmp.cells.drop(columns=["side"]),
        "workspace-comparison",
        key="cmp-chart",
        caption="Hollow circle: earlier workspace; filled circle: later one, coloured by "
        "the verdict. Hover for the scores and n.",
    )

st.markdown("#### Gaps between the sides that opened or closed")
st.caption("A gap is 'clear' when its 95% interval (tech minus business) excludes zero.")
gaps = cmp.gaps
if gaps.empty:
    st.info("No clear gap in either workspace.", icon=":material/check_circle:")
else:
    labels = {**dataset.dimensions}
    view = gaps.assign(dimension=gaps["dimension"].map(lambda d: labels.get(d, d)))
    view = view.rename(
        columns={
            "initiative_id": "ID",
            "initiative": "Initiative",
            "dimension": "Dimension",
            "gap_before": "Gap before",
            "gap_after": "Gap now",
            "status": "What happened",
        }
    )
    st.dataframe(
        view,
        hide_index=True,
        width="stretch",
        column_config={
            "Gap before": st.column_config.NumberColumn(format="%+.0f"),
            "Gap now": st.column_config.NumberColumn(format="%+.0f"),
        },
    )
    frame_downloads(view, "gap-changes", key="cmp-gaps", sheet="Gap changes")
