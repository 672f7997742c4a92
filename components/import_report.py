"""The import report: what was recognised, the column mapping (editable), problems, set-aside rows.

Every correction the user makes here lands in ``ImportChoices`` and the import re-runs at once from
the cached raw sheets; the widgets are keyed by a version number so that after a re-run each
select box shows the mapping as it now is, not a stale choice.
"""

from __future__ import annotations

import copy
import hashlib
import itertools

import pandas as pd
import streamlit as st

from alignment import schema
from alignment.dataset import Dataset
from alignment.ingest import ImportResult, SheetReport, mapping
from alignment.ingest.layouts import layouts
from alignment.privacy import Privacy
from alignment.problems import todo_frame
from components import privacy, state
from components.downloads import frame_downloads
from components.text import escape

NOT_USED = "— not used —"
AUTOMATIC = "Recognise it automatically"
IGNORE_LABEL = "Nothing: ignore this sheet"
SIDE_CHOICES = {"tech": "Tech", "business": "Business", "unknown": "Unassigned"}
_VERSION = "aw_mapping_version"
_APPLIED = "aw_mapping_applied"


def _version() -> int:
    return st.session_state.get(_VERSION, 0)


def _bump() -> None:
    st.session_state[_VERSION] = _version() + 1


def _update_override(sheet_key: str, **change: object) -> None:
    settings = copy.deepcopy(state.settings())
    entry = settings.overrides.setdefault(sheet_key, {})
    if "kind" in change:
        entry["kind"] = change["kind"]
        entry.pop("columns", None)
    if "column" in change:
        field_name, header = change["column"]  # type: ignore[misc]
        entry.setdefault("columns", {})[field_name] = header
    state.set_settings(settings)
    _bump()


def _on_kind(sheet_key: str, widget: str, labels: dict[str, str]) -> None:
    choice = st.session_state[widget]
    kind = "ignore" if choice == IGNORE_LABEL else labels[choice]
    _update_override(sheet_key, kind=kind)


def _on_layout(sheet_key: str, widget: str, labels: dict[str, str]) -> None:
    settings = copy.deepcopy(state.settings())
    entry = settings.overrides.setdefault(sheet_key, {})
    name = labels.get(st.session_state[widget], "")
    if name:
        entry["layout"] = name
    else:
        entry.pop("layout", None)
    entry.pop("columns", None)
    state.set_settings(settings)
    _bump()


def _on_column(sheet_key: str, field_name: str, widget: str) -> None:
    choice = st.session_state[widget]
    _update_override(sheet_key, column=(field_name, "" if choice == NOT_USED else choice))


def summary(result: ImportResult) -> None:
    """Headline counts per table and the problem tally."""
    if not result.tables:
        st.error(
            "No usable table was found in these files. The messages below say why; the "
            "template on this page shows the headers the workbench looks for.",
            icon=":material/error:",
        )
        return
    cols = st.columns(min(len(result.tables), 6))
    for col, (name, t) in zip(cols, result.tables.items(), strict=False):
        unit = "ratings" if name == "feedback" else "rows"
        col.metric(
            f"{schema.TABLE_BY_NAME[name].label} ({unit})",
            f"{t.rows_accepted:,}",
            delta=f"-{t.rows_rejected:,} set aside" if t.rows_rejected else None,
            help=f"{t.rows_read:,} data rows read from "
            + escape("; ".join(f"{f} › {s}" if s else f for f, s in t.sources)),
        )
    errors, warnings = len(result.errors), len(result.warnings)
    if errors or warnings:
        st.warning(
            f"{errors} error(s) and {warnings} warning(s): see *Problems* below. Errors "
            "are rows set aside (download them, fix them, upload again); warnings are "
            "values left empty or references that lead nowhere.",
            icon=":material/warning:",
        )
    elif result.all_clear:
        st.success("Everything was read without a problem.", icon=":material/check_circle:")
    else:
        unused = sum(len(s.unused_columns) for s in result.sheets if s.kind)
        st.info(
            f"Every row was read, but {unused} column(s) were not used: see each sheet below. "
            "Map a column to a field if it holds one.",
            icon=":material/info:",
        )


def _mapping_upload() -> None:
    """Apply a saved mapping file once (re-applying on every rerun would undo later edits)."""
    with st.popover("Use a saved mapping file", icon=":material/upload_file:"):
        upload = st.file_uploader(
            "Mapping file (.yaml)", type=["yaml", "yml"], key="mapping-upload"
        )
        if upload is None:
            return
        digest = hashlib.sha256(upload.getvalue()).hexdigest()
        if st.session_state.get(_APPLIED) == digest:
            st.caption("Applied.")
            return
        try:
            choices = mapping.from_yaml(upload.getvalue().decode("utf-8", errors="replace"))
        except mapping.MappingError as exc:
            st.error(str(exc), icon=":material/error:")
            return
        st.session_state[_APPLIED] = digest
        state.set_settings(choices)
        _bump()
        st.rerun()


def _tool_name(label: str) -> str:
    """'a Qualtrics export' -> 'Qualtrics export', for a list of tools."""
    name = label.removeprefix("an ").removeprefix("a ")
    return name[:1].upper() + name[1:]


def _sentence(text: str) -> str:
    return (text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")) if text else ""


def _sheet_title(sheet: SheetReport) -> str:
    where = escape(sheet.where)
    if sheet.kind is None:
        return f"{where} — ignored ({escape(sheet.reason)})"
    label = schema.TABLE_BY_NAME[sheet.kind].label
    form = f", {sheet.form} form" if sheet.form else ""
    layout = layouts().get(sheet.layout)
    if layout is not None and layout.tool:
        form = f", {_tool_name(layout.label)}"
    rejected = f", {sheet.rows_rejected} set aside" if sheet.rows_rejected else ""
    return f"{where} — {label}{form}: {sheet.rows_read} rows{rejected}"


def sheet_expander_key(sheet: SheetReport) -> str:
    """The key of a sheet's expander, which remembers whether it is open."""
    return f"aw-sheet-open::{sheet.key}"


def sheets(result: ImportResult) -> None:
    """One expander per sheet: what it was read as, the table it holds and the column mapping,
    all editable; the choices download as a mapping file for the command line."""
    labels = {t.label: t.name for t in schema.TABLES}
    tools = {AUTOMATIC: ""} | {
        _tool_name(layout.label): name for name, layout in layouts().items() if layout.tool
    }
    st.download_button(
        "Download these choices as a mapping file",
        data=mapping.to_yaml(state.settings()),
        file_name="mapping.yaml",
        mime="application/x-yaml",
        key="dl-mapping",
        help="Repeat the same choices in a scripted run: python -m alignment validate FILE "
        "--mapping mapping.yaml",
        icon=":material/download:",
    )
    _mapping_upload()
    for i, sheet in enumerate(result.sheets):
        # Drawn only when opened: a workbook's editors hold dozens of select boxes, and the
        # browser spent most of the report's first second drawing them folded away.
        with st.expander(
            _sheet_title(sheet),
            expanded=False,
            icon=":material/table:" if sheet.kind else ":material/block:",
            key=sheet_expander_key(sheet),
            on_change="rerun",
        ) as box:
            if not box.open:
                continue
            if not sheet.headers:
                st.caption("No header row was found in this sheet, so there is nothing to map.")
                continue
            st.markdown(f"**{escape(_sentence(sheet.read_as or sheet.describe()))}**")
            if sheet.header_row and sheet.header_rows > 1:
                st.caption(f"{sheet.header_rows} header rows, the last on row {sheet.header_row}.")
            elif sheet.header_row:
                st.caption(f"Header found on row {sheet.header_row}.")
            options = [*labels, IGNORE_LABEL]
            current = schema.TABLE_BY_NAME[sheet.kind].label if sheet.kind else IGNORE_LABEL
            widget = f"kind::{i}::{sheet.key}::{_version()}"
            st.selectbox(
                "This sheet holds",
                options,
                index=options.index(current),
                key=widget,
                on_change=_on_kind,
                args=(sheet.key, widget, labels),
                help="Change it if the workbench guessed wrong; the import re-runs.",
            )
            chosen = next((k for k, v in tools.items() if v and v == sheet.layout), AUTOMATIC)
            tool_widget = f"layout::{i}::{sheet.key}::{_version()}"
            st.selectbox(
                "Exported by",
                list(tools),
                index=list(tools).index(chosen),
                key=tool_widget,
                on_change=_on_layout,
                args=(sheet.key, tool_widget, tools),
                help="The tool that wrote this file, if the workbench did not recognise it.",
            )
            if sheet.kind:
                _mapping_editor(i, sheet)
            if sheet.unmatched_statements:
                _statement_editor(i, sheet, result)


def _on_statement(statement: str, widget: str, ids: dict[str, str]) -> None:
    settings = copy.deepcopy(state.settings())
    choice = ids.get(st.session_state[widget], "")
    if choice:
        settings.aliases[statement] = choice
    else:
        settings.aliases.pop(statement, None)
    state.set_settings(settings)
    _bump()


def _statement_editor(i: int, sheet: SheetReport, result: ImportResult) -> None:
    """Survey statements that name no initiative (or several): the user says which one each
    means, and the choice travels with the mapping file."""
    initiatives = result.dataset.initiatives
    if initiatives.empty:
        return
    ids = {
        f"{ident} {name}": str(ident)
        for ident, name in zip(initiatives["id"], initiatives["name"], strict=False)
    }
    options = [NOT_USED, *ids]
    st.markdown("**Statements** — which initiative each one is about")
    for k, statement in enumerate(sheet.unmatched_statements):
        widget = f"stmt::{i}::{sheet.key}::{k}::{_version()}"
        st.selectbox(
            f"'{escape(statement)}' is about",
            options,
            key=widget,
            on_change=_on_statement,
            args=(statement, widget, ids),
        )


def _mapping_editor(i: int, sheet: SheetReport) -> None:
    table = schema.TABLE_BY_NAME[sheet.kind]
    fields = list(table.fields)
    if sheet.kind == "feedback" and sheet.form == "survey":
        fields = [
            f
            for f in fields
            if f.name not in (*schema.FEEDBACK_RATING_FIELDS, "dimension", "score", "initiative")
        ]
    elif sheet.kind == "feedback" and sheet.form == "wide":
        fields = [f for f in fields if f.name not in ("dimension", "score")]
    elif sheet.kind == "feedback":
        fields = [f for f in fields if f.name not in schema.FEEDBACK_RATING_FIELDS]
    if sheet.kind == "indicators" and sheet.form == "wide":
        fields = [f for f in fields if f.name not in ("metric", "value")]
    options = [NOT_USED, *sheet.headers]
    st.markdown("**Column mapping** — which of your columns feeds each field")
    grid = st.columns(3)
    for j, f in enumerate(fields):
        header = sheet.mapping.get(f.name)
        widget = f"map::{i}::{sheet.key}::{f.name}::{_version()}"
        grid[j % 3].selectbox(
            f"{f.label}{' *' if f.required else ''}",
            options,
            index=options.index(header) if header in options else 0,
            key=widget,
            on_change=_on_column,
            args=(sheet.key, f.name, widget),
            help=f.help,
        )
    if sheet.extra_columns:
        what = "question columns" if sheet.form == "survey" else "metric columns"
        shown = ", ".join(f"'{escape(c)}'" for c in sheet.extra_columns[:6])
        more = f" and {len(sheet.extra_columns) - 6} more" if len(sheet.extra_columns) > 6 else ""
        st.caption(f"{len(sheet.extra_columns)} {what} used: {shown}{more}.")
    if sheet.unused_columns:
        st.caption(
            "Columns not used: " + ", ".join(f"'{escape(c)}'" for c in sheet.unused_columns) + "."
        )
    if sheet.hidden:
        st.caption(
            f"{len(sheet.hidden)} column(s) about people or the tool's own records (names, "
            "e-mail addresses, IP addresses, response ids) are never shown or exported; names "
            "and addresses only count each person once."
        )
    elif sheet.set_aside:
        st.caption(f"{len(sheet.set_aside)} column(s) the tool adds for itself were set aside.")
    st.caption("\\* required. Changing a field re-runs the import at once.")


TODO_ROWS = 100  # a longer list is in the download


def problems(result: ImportResult) -> None:
    """The problems as a to-do list for whoever keeps the file: where (as Excel numbers rows),
    what was found and what to do, side by side in full sentences that wrap."""
    if not result.problems:
        st.caption("No problems.")
        return
    severity = st.segmented_control(
        "Show",
        ["Errors", "Warnings"],
        selection_mode="multi",
        default=["Errors", "Warnings"],
        key="problem-filter",
    )
    wanted = {{"Errors": "error", "Warnings": "warning"}[s] for s in severity or []}
    shown = todo_frame([p for p in result.problems if p.severity in wanted])
    if shown.empty:
        st.caption("Nothing to show: choose errors, warnings or both.")
    else:
        # st.table, not st.dataframe: every sentence is shown whole and wraps.
        st.table(shown.head(TODO_ROWS).set_index("Kind"))
        if len(shown) > TODO_ROWS:
            st.caption(f"The first {TODO_ROWS} of {len(shown):,}; the download has them all.")
    frame_downloads(
        todo_frame(result.problems),
        "problems",
        key="dl-problems",
        sheet="Problems",
        label="Download the to-do list",
    )


def notes(result: ImportResult) -> None:
    if not result.notes:
        return
    with st.expander(
        f"What the importer did for you ({len(result.notes)})", icon=":material/info:"
    ):
        for n in result.notes:
            st.markdown(f"- {escape(str(n).removeprefix('NOTE: '))}")


def rejected(result: ImportResult) -> None:
    frames = {name: f for name, f in result.rejected.items() if not f.empty}
    if not frames:
        st.caption("No row was set aside.")
        return
    for name, frame in frames.items():
        label = schema.TABLE_BY_NAME[name].label
        st.markdown(f"**{label}**: {len(frame)} row(s) set aside")
        st.dataframe(frame.head(200), hide_index=True, width="stretch")
        frame_downloads(
            frame,
            f"set-aside-{name}",
            key=f"dl-rejected-{name}",
            sheet=f"Set aside {label}"[:31],
            label=f"Download set-aside {label.lower()}",
        )


def sides(dataset: Dataset) -> None:
    """Group -> side editor; edits land in ImportChoices.sides and re-run the import."""
    if not dataset.group_sides:
        st.caption("No feedback groups yet.")
        return
    privacy_now = privacy.current()
    counts = dataset.feedback.groupby("group")["respondent"].nunique()
    frame = pd.DataFrame(
        {
            "Group": list(dataset.group_sides),
            "Side": [SIDE_CHOICES[s] for s in dataset.group_sides.values()],
            "Respondents": [
                _people(int(counts.get(g, 0)), privacy_now.k_min) for g in dataset.group_sides
            ],
        }
    )
    key = f"sides-editor::{_version()}"
    edited = st.data_editor(
        frame,
        hide_index=True,
        disabled=["Group", "Respondents"],
        key=key,
        width="stretch",
        column_config={
            "Side": st.column_config.SelectboxColumn(
                "Side",
                options=list(SIDE_CHOICES.values()),
                required=True,
                help="Tech or business; unassigned groups count for their group only",
            )
        },
    )
    back = {v: k for k, v in SIDE_CHOICES.items()}
    changed = {
        g: back[s]
        for g, s in zip(edited["Group"], edited["Side"], strict=False)
        if back[s] != dataset.group_sides.get(g)
    }
    if changed:
        settings = copy.deepcopy(state.settings())
        settings.sides.update(changed)
        state.set_settings(settings)
        _bump()
        st.rerun()


def _people(n: int, k_min: int) -> str:
    """A group's size, or 'fewer than k' so a small group's exact size is not on show."""
    return f"fewer than {k_min}" if n < k_min else f"{n:,}"


def feedback_summary(dataset: Dataset, priv: Privacy) -> pd.DataFrame:
    """Per group: side, how many people (or 'fewer than k'), initiatives rated, ratings."""
    fb = dataset.feedback
    per = fb.groupby("group").agg(
        people=("respondent", "nunique"),
        initiatives=("initiative_id", "nunique"),
        ratings=("score", "size"),
    )
    return pd.DataFrame(
        {
            "Group": per.index,
            "Side": [
                SIDE_CHOICES.get(dataset.group_sides.get(g, "unknown"), "Unassigned")
                for g in per.index
            ],
            "Respondents": [_people(int(n), priv.k_min) for n in per["people"]],
            "Initiatives rated": per["initiatives"].to_numpy(),
            "Ratings": per["ratings"].to_numpy(),
        }
    )


def scales(dataset: Dataset) -> None:
    """Declared rating scale per dimension, for files whose headers do not say it."""
    if not dataset.dimensions:
        st.caption("No ratings yet.")
        return
    current = state.settings().scales
    cols = st.columns(min(len(dataset.dimensions), 5))
    new: dict[str, tuple[float, float]] = {}
    for col, (dim, label) in zip(itertools.cycle(cols), dataset.dimensions.items(), strict=False):
        lo, hi = current.get(dim, schema.DEFAULT_SCALE)
        with col:
            st.markdown(f"**{escape(label)}**")
            a = st.number_input("From", value=int(lo), step=1, key=f"scale-lo-{dim}")
            b = st.number_input("To", value=int(hi), step=1, key=f"scale-hi-{dim}")
        new[dim] = (float(a), float(b))
    bad = [dataset.dimensions[d] for d, (a, b) in new.items() if b <= a]
    if bad:
        st.error(
            f"A scale must go up: check {', '.join(escape(b) for b in bad)}.",
            icon=":material/error:",
        )
        return
    changed = {
        d: v for d, v in new.items() if tuple(map(float, current.get(d, schema.DEFAULT_SCALE))) != v
    }
    if changed and st.button("Apply these scales", type="primary"):
        settings = copy.deepcopy(state.settings())
        settings.scales.update(changed)
        state.set_settings(settings)
        _bump()
        st.rerun()
