"""User text in Markdown without letting it become markup.

Streamlit renders Markdown (and a little HTML-like syntax) in ``st.markdown``, captions, labels
and help texts. Text from a user's spreadsheet goes through ``escape`` before it is interpolated,
so a comment like ``<img onerror=...>`` or ``[click](javascript:...)`` shows as typed.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")


def escape(text: object) -> str:
    """Backslash-escape every Markdown-significant character; newlines become spaces."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
