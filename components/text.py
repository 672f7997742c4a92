"""User text in Markdown without letting it become markup: the one path for text on a page.

Streamlit renders Markdown (and a little HTML-like syntax) in ``st.markdown``, captions, labels
and help texts, plus its own directives: colours (``:red[…]``, ``:red-background[…]``,
``:rainbow[…]``), badges (``:blue-badge[…]``), icons (``:material/home:``) and emoji shortcodes
(``:smile:``). Text from a user's spreadsheet goes through ``escape`` before it is interpolated,
so a comment like ``<img onerror=...>``, ``[click](javascript:...)`` or ``:red[URGENT]`` shows
as typed.

A backslash before the colon is not enough: measured in Chromium, ``\\:material/home\\:`` still
renders the icon, and the briefs' own escaping (brackets only) let ``:red\\[x\\]`` swallow
``:red`` and colour the rest. An invisible word joiner (U+2060) after a colon that starts a
word breaks every directive and changes nothing a reader sees. Text that is already Markdown (a
brief, which the user may edit) goes through ``inert_directives`` instead, which leaves its
Markdown alone and breaks only Streamlit's directives.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")
WORD_JOINER = "\u2060"
# A colon that could open a directive: followed by a letter (":red[", ":material/", ":smile:").
_DIRECTIVE_COLON = re.compile(r":(?=[A-Za-z])")
_ESCAPED_DIRECTIVE_COLON = re.compile(r"\\:(?=[A-Za-z])")


def escape(text: object) -> str:
    """Backslash-escape every Markdown-significant character and break Streamlit's directives;
    newlines become spaces."""
    flat = _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    return _ESCAPED_DIRECTIVE_COLON.sub("\\\\:" + WORD_JOINER, flat)


def inert_directives(markdown: str) -> str:
    """Markdown whose own formatting stays, with Streamlit's colour, badge, icon and emoji
    directives made plain text (``http://`` links are untouched: no letter follows the colon)."""
    return _DIRECTIVE_COLON.sub(":" + WORD_JOINER, markdown)
