"""The Markdown of a brief: escaping user text on the way in, blocks of styled text on the way out.

Briefs are Markdown because a leader edits them in a text box and pastes them into chat or a
wiki. Two things follow. Text the user brought (initiative names, descriptions, comments) is
escaped before it goes into a brief, so a name such as ``[click](http://x)`` or ``$5 – $9``
stays text instead of becoming a link or a formula when the page renders it. And the DOCX and
PDF writers, and the readability figures, need the (possibly edited) Markdown as blocks of plain
styled runs: ``parse`` reads CommonMark with raw HTML switched off, so whatever the user typed,
a document gets text, never markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from markdown_it import MarkdownIt

BlockKind = Literal["heading", "paragraph", "bullet", "number", "quote", "rule"]

# Characters that start Markdown (or Streamlit's :colour[...] and $math$) anywhere in a line.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>#|$~])")
# A colon that could open one of Streamlit's directives (":red[", ":material/", ":smile:"):
# with only the brackets escaped, Streamlit still read ":red\[x\]" as a colour. A colon before
# a space or a digit ("Payments: …", "12:30") cannot, and stays as written. (The page breaks
# directives in the user's own edits too: see components.text.inert_directives.)
_DIRECTIVE_COLON = re.compile(r":(?=[A-Za-z])")
# What makes a block when it starts a line: a heading, list item, quote or rule.
_LINE_START = re.compile(r"^(\s*)([-+>=]|\d+[.)])")


class Md(str):
    """Markdown the workbench wrote itself: trusted, never escaped again."""

    __slots__ = ()


def escape(text: object) -> Md:
    """User text made inert for Markdown: one line, every formatting character escaped."""
    if isinstance(text, Md):
        return text
    flat = " ".join(str(text).split())
    flat = _DIRECTIVE_COLON.sub(r"\\:", _INLINE_SPECIAL.sub(r"\\\1", flat))
    return Md(_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), flat))


@dataclass(frozen=True)
class Run:
    """A stretch of text with one style."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Block:
    """A heading, paragraph, list item, quote or rule; ``level`` is the heading level or the
    list depth (1 for a top-level item)."""

    kind: BlockKind
    runs: tuple[Run, ...] = ()
    level: int = 1
    number: int = 0  # the item's number in an ordered list

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _runs(children: list) -> tuple[Run, ...]:
    runs: list[Run] = []
    bold = italic = 0
    for tok in children or []:
        t = tok.type
        if t == "strong_open":
            bold += 1
        elif t == "strong_close":
            bold -= 1
        elif t == "em_open":
            italic += 1
        elif t == "em_close":
            italic -= 1
        elif t in ("text", "code_inline", "html_inline"):
            runs.append(Run(tok.content, bold > 0, italic > 0))
        elif t in ("softbreak", "hardbreak"):
            runs.append(Run(" ", bold > 0, italic > 0))
        elif t == "image":
            runs.append(Run(tok.content or "", bold > 0, italic > 0))
    merged: list[Run] = []
    for r in runs:
        if merged and (merged[-1].bold, merged[-1].italic) == (r.bold, r.italic):
            merged[-1] = Run(merged[-1].text + r.text, r.bold, r.italic)
        elif r.text:
            merged.append(r)
    return tuple(merged)


def parse(markdown: str) -> list[Block]:
    """The blocks of a Markdown text, in order; inline links and images become their text."""
    tokens = _PARSER.parse(markdown or "")
    blocks: list[Block] = []
    lists: list[str] = []  # "bullet" | "number" for each open list
    quote = 0
    heading = 0
    item_open: list[bool] = []  # per open list item: has its first paragraph been taken?
    counters: list[int] = []  # next number of each open ordered list
    for tok in tokens:
        t = tok.type
        if t == "heading_open":
            heading = int(tok.tag[1])
        elif t == "heading_close":
            heading = 0
        elif t == "bullet_list_open":
            lists.append("bullet")
            counters.append(0)
        elif t == "ordered_list_open":
            lists.append("number")
            counters.append(int(tok.attrs.get("start", 1) or 1) - 1)
        elif t in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            counters.pop()
        elif t == "list_item_open":
            item_open.append(False)
        elif t == "list_item_close":
            item_open.pop()
        elif t == "blockquote_open":
            quote += 1
        elif t == "blockquote_close":
            quote -= 1
        elif t == "hr":
            blocks.append(Block("rule"))
        elif t in ("code_block", "fence"):
            for line in tok.content.splitlines():
                blocks.append(Block("paragraph", (Run(line),)))
        elif t == "html_block":
            blocks.append(Block("paragraph", (Run(tok.content.strip()),)))
        elif t == "inline":
            runs = _runs(tok.children)
            if heading:
                blocks.append(Block("heading", runs, heading))
            elif item_open and not item_open[-1]:
                item_open[-1] = True
                counters[-1] += 1
                blocks.append(
                    Block(
                        lists[-1],
                        runs,
                        len(lists),  # type: ignore[arg-type]
                        counters[-1] if lists[-1] == "number" else 0,
                    )
                )
            elif quote:
                blocks.append(Block("quote", runs))
            elif lists:
                blocks.append(Block("paragraph", runs, len(lists)))
            else:
                blocks.append(Block("paragraph", runs))
    return [b for b in blocks if b.kind == "rule" or b.text.strip()]


def to_text(markdown: str, *, headings: bool = False) -> str:
    """Plain text, one block per line (the unit ``readability`` counts sentences by).

    Headings are left out unless asked for: a brief's section titles are signposts, not prose,
    and counting them as sentences would flatter its reading ease.
    """
    return "\n".join(
        b.text for b in parse(markdown) if b.kind != "rule" and (headings or b.kind != "heading")
    )
