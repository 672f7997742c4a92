"""The Briefs page's pieces: the brief inputs, one brief's read/edit panel, downloads.

Edits live in the session (``Keys.BRIEF_EDITS``: brief key -> Markdown), per dataset and tone,
so switching initiatives or pages keeps them, and every download reads them. Word and PDF files
are built only when a download button is clicked (Streamlit runs the callable then), because a
PDF with its chart takes about a second and a page rerun should not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import streamlit as st

from alignment import briefs, documents
from alignment.briefs import readability
from alignment.briefs.glossary import GlossaryError
from alignment.dataset import Dataset
from alignment.privacy import Privacy
from components import analysis, state
from components.state import Keys
from components.text import inert_directives

FORMAT_LABELS = {"md": "Markdown", "docx": "Word", "pdf": "PDF"}


def prepared(dataset: Dataset, privacy: Privacy) -> briefs.BriefData:
    """The brief inputs, or a plain error and a stop when the glossary file is broken."""
    try:
        return analysis.brief_inputs(
            dataset.fingerprint or dataset.name, privacy.k_min, privacy.k_comments, dataset
        )
    except GlossaryError as exc:
        st.error(f"The glossary file cannot be used: {exc}", icon=":material/error:")
        st.stop()
        raise  # unreachable: st.stop() ends the run


def _scope(dataset: Dataset, tone: str) -> str:
    return f"{dataset.fingerprint or dataset.name}|{tone}"


def edits(dataset: Dataset, tone: str) -> dict[str, str]:
    """This session's edits for this dataset and tone (brief key -> Markdown)."""
    store = state.get(Keys.BRIEF_EDITS) or {}
    return dict(store.get(_scope(dataset, tone), {}))


def _save(dataset: Dataset, tone: str, key: str, text: str | None) -> None:
    store = dict(state.get(Keys.BRIEF_EDITS) or {})
    scoped = dict(store.get(_scope(dataset, tone), {}))
    if text is None:
        scoped.pop(key, None)
    else:
        scoped[key] = text
    store[_scope(dataset, tone)] = scoped
    state.put(Keys.BRIEF_EDITS, store)


def current(brief: briefs.Brief, dataset: Dataset, tone: str) -> str:
    """The brief as the user left it: their edit, else the generated text."""
    return edits(dataset, tone).get(brief.key, brief.markdown)


def _preview(markdown: str) -> str:
    """Headings two levels down for the page: a brief's title is a document title, and at
    Streamlit's sizes it would fill the reading pane. Files keep the real levels. Streamlit's
    own directives (``:red[…]``, ``:material/…:``) are not Markdown and no file renders them,
    so the page shows them as text too (``components.text.inert_directives``)."""
    lowered = re.sub(r"^(#{1,4})(?= )", lambda m: m.group(1) + "##", markdown, flags=re.M)
    return inert_directives(lowered)


def panel(brief: briefs.Brief, dataset: Dataset, tone: str, *, height: int = 560) -> str:
    """Read and Edit tabs for one brief; returns the Markdown now in force."""
    widget = f"brief-edit::{_scope(dataset, tone)}::{brief.key}"
    text = current(brief, dataset, tone)
    edited = text != brief.markdown

    def on_change() -> None:
        new = st.session_state.get(widget, "")
        _save(dataset, tone, brief.key, None if new == brief.markdown else new)

    read, edit = st.tabs(["Read", "Edit" + (" (edited)" if edited else "")])
    with read, st.container(height=height, border=True):
        # The generated Markdown escapes the user's text; an edit is the user's own
        # Markdown. Neither is rendered as HTML.
        st.markdown(_preview(text))
    with edit:
        st.text_area(
            f"Edit the {briefs.KIND_LABELS[brief.kind].lower()} (Markdown)",
            text,
            height=height - 60,
            key=widget,
            on_change=on_change,
            help="Your changes are kept for this session and used by every download. "
            "**bold**, *italic*, '- ' for a list item, '## ' for a heading.",
        )
        if edited and st.button(
            "Back to the generated text", key=f"{widget}::reset", icon=":material/undo:"
        ):
            _save(dataset, tone, brief.key, None)
            st.session_state.pop(widget, None)
            st.rerun()
    return text


def figures_row(before: readability.TextFigures, after: readability.TextFigures) -> None:
    """Reading ease and unexplained jargon, the user's text against the business brief."""
    cols = st.columns(4)
    cols[0].metric(
        "Reading ease: yours",
        before.flesch_label,
        help=f"Flesch reading ease of the name, description, WHY and KPI as written: "
        f"{before.band}. 60–70 is plain English; higher is easier.",
    )
    delta = (
        None
        if before.flesch is None or after.flesch is None
        else f"{after.flesch - before.flesch:+.0f}"
    )
    cols[1].metric(
        "Reading ease: brief",
        after.flesch_label,
        delta=delta,
        help=f"The business brief's body text, as it now reads: {after.band}.",
    )
    cols[2].metric(
        "Jargon: yours",
        len(before.unexplained),
        help="Technical terms from the glossary used without their meaning: "
        + (", ".join(before.unexplained) or "none")
        + ".",
    )
    cols[3].metric(
        "Jargon: brief",
        len(after.unexplained),
        delta=(len(after.unexplained) - len(before.unexplained)) or None,
        delta_color="inverse",
        help="Terms the business brief uses without giving their meaning: "
        + (", ".join(after.unexplained) or "none")
        + ".",
    )
    st.caption(
        f"*Yours*: the name, description, WHY and KPI as written; *brief*: the business "
        f"brief. Reading ease is Flesch's score: 60–70 is plain English, higher is easier "
        f"(yours: {before.band}; the brief: {after.band}). Jargon counts technical terms "
        "from the glossary used without their meaning."
    )


def _maker(
    data: briefs.BriefData, items: Sequence[briefs.Brief], texts: dict[str, str], fmt: str
) -> Callable[[], bytes]:
    """A callable for a deferred download: built from values, never from session state."""
    docs_items = list(items)
    frozen = dict(texts)

    def make() -> bytes:
        docs = briefs.to_documents(data, docs_items, charts=fmt != "md", edits=frozen)
        if len(docs) == 1:
            return documents.render(docs[0], fmt)
        return documents.bundle(docs, fmt)

    return make


def downloads(data: briefs.BriefData, brief: briefs.Brief, text: str, *, key: str) -> None:
    """Markdown, Word and PDF of one brief, as it now reads (edits included)."""
    cols = st.columns(3)
    doc = documents.BriefDocument(brief.stem, brief.title, text)
    cols[0].download_button(
        "Text",
        documents.to_markdown(text),
        documents.filename(doc, "md"),
        documents.FORMATS["md"][1],
        key=f"{key}-md",
        icon=":material/download:",
        on_click="ignore",
        width="stretch",
        help="Markdown: paste it into chat, e-mail or a wiki",
    )
    for col, fmt in zip(cols[1:], ("docx", "pdf"), strict=True):
        col.download_button(
            FORMAT_LABELS[fmt],
            _maker(data, [brief], {brief.key: text}, fmt),
            documents.filename(doc, fmt),
            documents.FORMATS[fmt][1],
            key=f"{key}-{fmt}",
            icon=":material/download:",
            on_click="ignore",
            width="stretch",
        )


def bundle_download(
    data: briefs.BriefData,
    items: Sequence[briefs.Brief],
    texts: dict[str, str],
    fmt: str,
    *,
    key: str,
    name: str,
) -> None:
    """One zip of every brief in a format, with the user's edits."""
    st.download_button(
        f"All briefs as {FORMAT_LABELS[fmt]} (.zip)",
        _maker(data, items, texts, fmt),
        f"{name}-{fmt}.zip",
        "application/zip",
        key=key,
        icon=":material/folder_zip:",
        on_click="ignore",
        type="primary",
        width="stretch",
    )
