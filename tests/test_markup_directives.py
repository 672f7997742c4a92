"""Streamlit's directives in user text stay text (issue 18, item 14).

Streamlit renders ``:red[…]``, ``:red-background[…]``, ``:rainbow[…]``, ``:blue-badge[…]``,
``:material/home:`` and ``:smile:`` in any Markdown it shows. An initiative named
``:red[URGENT] :material/warning:`` coloured the Briefs page and drew an icon there. Measured
in Chromium (see ``components.text``): a backslash before the colon stops colours and emoji but
not icons; a word joiner after the colon stops all of them.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from alignment.briefs import markup
from alignment.ingest import SourceFile
from components import text
from components.state import Keys

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = (
    ":red[URGENT] :material/warning: :smile: :rainbow[all] :blue-badge[new] "
    ":red-background[x] $x^2$ <b>bold</b> [link](javascript:alert(1))"
)
# A directive Streamlit would still render: a colon directly followed by a directive's name.
LIVE = re.compile(
    r"(?<![\w\u2060]):(?:red|blue|rainbow|material/|smile|[a-z]+-badge|[a-z]+-background)"
)


def test_escape_breaks_every_directive_and_keeps_the_text() -> None:
    out = text.escape(HOSTILE)
    assert not LIVE.search(out), out
    assert "<" not in out.replace("\\<", "")
    plain = out.replace("\\", "").replace(text.WORD_JOINER, "")
    assert plain == HOSTILE


def test_inert_directives_leaves_markdown_and_links_alone() -> None:
    md = "## Title\n\n**bold** :red[x] see http://example.org and :material/home:"
    out = text.inert_directives(md)
    assert not LIVE.search(out)
    assert out.startswith("## Title\n\n**bold** ")
    assert "http://example.org" in out
    assert out.replace(text.WORD_JOINER, "") == md


def test_brief_markup_escapes_the_colon_too() -> None:
    """Files read ``\\:`` back as ``:``; with only the brackets escaped, the page read
    ``:red\\[x\\]`` as a colour directive and dropped ``:red``."""
    out = markup.escape(":red[x]")
    assert out == "\\:red\\[x\\]"
    (block,) = markup.parse(out)
    assert block.text == ":red[x]"


@pytest.fixture
def hostile_demo() -> SourceFile:
    wb = openpyxl.load_workbook(ROOT / "sample_data" / "demo_workbook.xlsx")
    sheet = next(ws for ws in wb if ws.title.lower().startswith("initiative"))
    header = [c.value for c in sheet[1]]
    name_col = next(i for i, h in enumerate(header, start=1) if str(h).lower() == "name")
    sheet.cell(row=2, column=name_col, value=HOSTILE)
    buf = io.BytesIO()
    wb.save(buf)
    return SourceFile("demo_hostile.xlsx", buf.getvalue())


def test_the_briefs_page_shows_directives_as_text(hostile_demo: SourceFile) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state[Keys.SOURCES] = (hostile_demo,)
    at.run()
    at.switch_page("app_pages/briefs.py").run()
    assert not at.exception, at.exception
    shown = [m.value for m in at.markdown]
    assert any("URGENT" in s for s in shown), "the hostile name is on the page"
    for value in shown:
        assert not LIVE.search(value), value
