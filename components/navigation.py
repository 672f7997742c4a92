"""The sidebar menu: a link per visible page, under a heading per section.

Streamlit's own sectioned navigation puts each section's items in a ``<li>`` that is not inside a
list, which screen readers announce wrongly and axe reports as a serious violation (``list`` and
``listitem``). So ``app.py`` runs ``st.navigation`` hidden and draws this menu instead: a heading
per section, then ``st.page_link`` for each page; the link to the current page is highlighted by
Streamlit itself.
"""

from __future__ import annotations

import streamlit as st

from components import page_registry

# The menu's container key: Streamlit gives it the class st-key-aw-menu (tests find links by it).
MENU_KEY = "aw-menu"


def menu(pages: dict[str, st.Page]) -> None:
    """Draw the menu in the current container (the sidebar). Hidden pages are left out: they
    are reached by their own link (a join code, a team round, the presentation view)."""
    sections: dict[str, list[page_registry.PageSpec]] = {}
    for spec in page_registry.PAGES:
        if spec.visibility == "visible":
            sections.setdefault(spec.section, []).append(spec)
    with st.container(key=MENU_KEY):
        for section, specs in sections.items():
            if section:
                # A real heading, so a screen reader can jump from section to section.
                st.markdown(f"#### {section}")
            for spec in specs:
                st.page_link(pages[spec.file], width="stretch")
