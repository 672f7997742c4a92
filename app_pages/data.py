"""Data: upload files, see what was recognised, correct it, download what was set aside."""

from __future__ import annotations

import streamlit as st

from alignment import schema
from alignment.exports import blank_text, readable
from alignment.templates import build_csv_templates, build_template
from components import import_report, loader, privacy, state, warmup
from components.downloads import XLSX_MIME, frame_downloads
from components.page import setup
from components.state import Keys
from components.text import escape

result = setup(
    "Data",
    intro="Bring the spreadsheets you already keep: the roadmap, the strategy, "
    "a stakeholder survey, monthly numbers. Any subset works; only initiatives are "
    "needed for most pages.",
)

now, back = st.columns([4, 1], vertical_alignment="center")
if state.is_demo():
    now.info(
        "You are looking at the **demo workbook** (a fictional freight-software company). "
        "Upload your own files below to replace it.",
        icon=":material/science:",
    )
else:
    names = ", ".join(s.name for s in loader.current_sources())
    now.info(f"You are looking at **your files**: {escape(names)}.", icon=":material/folder_open:")
    if back.button("Back to the demo", icon=":material/undo:", width="stretch"):
        loader.use_demo()
        st.rerun()

limit = loader.upload_limit_mb()
files = st.file_uploader(
    "Upload one workbook with several sheets, or several files at once",
    type=["xlsx", "xlsm", "xls", "ods", "csv", "tsv", "txt"],
    accept_multiple_files=True,
    key=f"uploader-{state.get(Keys.UPLOADER_NONCE, 0)}",
    help=f"Excel (.xlsx, .xlsm, .xls), OpenDocument (.ods) or text (.csv, .tsv, .txt), up to "
    f"{limit} MB each. Files are read in memory and are not stored unless you save a "
    "workspace.",
)
st.caption(
    f"Up to {limit} MB per file and {loader.limits().max_cells:,} cells per sheet (a million "
    "ratings fit); larger files are refused "
    "with an explanation. Respondent names, if your file has them, are used only to count "
    "each person once: they are replaced by codes and never shown or exported. "
    f"Results resting on fewer than {privacy.current().k_min} people are hidden on every "
    "page and in every export, so no one's answers can be singled out."
)
if files and loader.use_uploads(files):
    warmup.after_upload(loader.load(show_progress=True).dataset, privacy.current())
    st.rerun()

result = loader.load()
if not state.is_demo() and state.get(Keys.LOAD_SECONDS) is not None:
    st.caption(f"Read and checked in {state.get(Keys.LOAD_SECONDS):.1f} s.")

import_report.summary(result)
import_report.notes(result)

st.subheader("What was recognised")
st.caption(
    "Each sheet or file, the table the workbench thinks it holds, and which of your columns "
    "feeds each field. Open one to correct it."
)
import_report.sheets(result)

st.subheader("Problems")
import_report.problems(result)

st.subheader("Rows set aside")
import_report.rejected(result)

dataset = result.dataset
if dataset.has_feedback:
    st.subheader("Tech or business?")
    st.caption(
        "Each feedback group belongs to one side. The workbench guessed from the group "
        "names (or your Side column); correct any group here."
    )
    import_report.sides(dataset)
    privacy.uncounted_note(dataset, privacy.current())
    with st.expander(
        "Rating scales", icon=":material/straighten:", key="aw-scales-open", on_change="rerun"
    ) as box:
        st.caption(
            "Ratings are turned into 0–100 from each dimension's scale. A scale written in "
            "a header, such as 'Business value (1-7)', always wins over these."
        )
        if box.open:  # its inputs are drawn only when opened, like each sheet's editor
            import_report.scales(dataset)

st.subheader("The data as read")
tabs = [
    name
    for name in ("initiatives", "objectives", "feedback", "indicators", "stakeholders", "glossary")
    if not dataset.table(name).empty
]
if tabs:
    # Only the tab shown is drawn (each is a table of up to 500 rows); another is drawn when
    # picked.
    shown_tabs = st.tabs([n.capitalize() for n in tabs], key="aw-data-tab", on_change="rerun")
    for tab, name in zip(shown_tabs, tabs, strict=False):
        with tab:
            if not tab.open:
                continue
            if name == "feedback":
                # Individual ratings are never listed: a small group's answers would show.
                st.caption(
                    f"{len(dataset.feedback):,} ratings, summarised per group. Individual "
                    "answers are not listed here, so a small group's ratings cannot be "
                    "read off this page; the analysis pages show them only in cells "
                    f"of at least {privacy.current().k_min} people."
                )
                st.dataframe(
                    import_report.feedback_summary(dataset, privacy.current()),
                    hide_index=True,
                    width="stretch",
                )
                continue
            frame = dataset.table(name)
            # The data as read, under the schema's labels (as in the template), not field names.
            shown = blank_text(readable(frame.head(500), name))
            st.dataframe(shown, hide_index=True, width="stretch")
            if len(frame) > 500:
                st.caption(f"First 500 of {len(frame):,} rows.")
            frame_downloads(
                frame,
                f"{name}-clean",
                key=f"dl-clean-{name}",
                sheet=schema.TABLE_BY_NAME[name].label,
                label="Download",
                table=name,
            )
else:
    st.caption("Nothing usable yet.")

st.subheader("Templates")
st.caption(
    "A workbook with one sheet per table, explanations on every header, dropdowns and two "
    "example rows. Fill it in and upload it: it reads with zero problems."
)
left, right = st.columns(2)
left.download_button(
    "Template workbook (.xlsx)",
    build_template,
    "alignment-template.xlsx",
    XLSX_MIME,
    icon=":material/download:",
    on_click="ignore",
    width="stretch",
)
right.download_button(
    "Templates as CSV files (.zip)",
    build_csv_templates,
    "alignment-templates-csv.zip",
    "application/zip",
    icon=":material/download:",
    on_click="ignore",
    width="stretch",
)
