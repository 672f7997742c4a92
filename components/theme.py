"""The few style rules the theme in ``.streamlit/config.toml`` cannot express, for WCAG 2.2 AA.

``app.py`` adds them once per run, before any page (participants' pages included). The sheet
is fixed text with no user input in it. Each rule names the success criterion it is for, and
``tests/e2e/test_accessibility.py`` measures every page against them with axe-core.
"""

from __future__ import annotations

import streamlit as st


def apply() -> None:
    """Add the style sheet to the page (it takes no space).

    The sheet is a literal (st.html takes constants only, see tests/test_conventions.py). Its
    numbers: a caption is body text at 60 % opacity, so a link in it is too (3:1); drawn
    opaque in the same grey instead (#0E1117 over white at 60 %: #6E7074, 5.0:1), its links
    take the full link colour (#1F5FAD, 6.3:1). Touch targets on phones: 44 px.
    """
    st.html(
        """<style>
/* 1.4.3 Contrast: captions opaque, so their links are drawn at full strength. */
[data-testid="stCaptionContainer"] { opacity: 1 !important; color: #6E7074; }
[data-testid="stCaptionContainer"] a { color: #1F5FAD !important; }
/* 1.4.3 Contrast: code blocks keep their syntax highlighting's weights but not its light
   colours (cyan, light blue, grey: 2.8 to 4:1 on the code background); text colour instead. */
[data-testid="stCode"] .token { color: inherit !important; }
/* 1.4.3 Contrast: an element waiting for a rerun keeps its contrast. Streamlit fades it to a
   third, which on the live workshop views (refreshed every few seconds) would flicker the
   whole page below 4.5:1; the running indicator still says a rerun is under way. */
[data-stale="true"] { opacity: 1 !important; }
/* 2.5.8 Target size: the day, month and year parts of a date box are 24 px at least. */
[data-testid="stDateInput"] [role="spinbutton"] {
  display: inline-block; min-width: 24px; min-height: 24px; line-height: 24px;
  text-align: center;
}
/* 2.5.8 Target size (and 2.5.5, 44 px, on phones): the menu's links are a full row. */
.st-key-aw-menu a { min-height: 32px; }
@media (max-width: 640px) {
  /* Phones: every control offers a 44 × 44 px target, so a thumb hits what it aims at. */
  .stButton button, .stFormSubmitButton button, .stDownloadButton button,
  .stLinkButton a, [data-testid="stPageLink"] a, [data-testid="stExpander"] summary,
  input[data-testid="stTextInputField"], [data-testid="stSelectbox"] input,
  [data-testid="stSelectbox"] [role="combobox"], [data-testid="stNumberInput"] input,
  [data-testid="stRadio"] label, [data-testid="stCheckbox"] label, [data-baseweb="tab"] {
    min-height: 44px;
  }
  [data-testid="stButtonGroup"] button, [data-testid="stNumberInput"] button,
  [data-testid="stSelectbox"] button, [data-testid="stTooltipHoverTarget"] button,
  [data-testid="stMainMenuButton"] {
    min-width: 44px; min-height: 44px; justify-content: center;
  }
  [data-testid="stRadio"] label, [data-testid="stCheckbox"] label { align-items: center; }
  /* A heading's "link to this heading" icon shows on hover, which a phone does not have. */
  [data-testid="stHeaderActionElements"] { display: none; }
}
</style>"""
    )
