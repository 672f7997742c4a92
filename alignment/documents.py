"""Briefs to files: Markdown as written, Word (python-docx) and PDF (fpdf2), chart included.

The text of a document is the brief's Markdown exactly as the user left it (edited or not), read
by ``alignment.briefs.markup``: headings, paragraphs, bullet and numbered lists, quotes, bold and
italic. Nothing else is interpreted, so a document can never carry markup, links or formulas
the user did not see as text. The initiative's alignment chart, when given as PNG bytes, goes at
the end of the section about how the two sides see it (or at the end if that heading was edited
away).

PDF text needs a Unicode font for anything beyond Latin-1 (names such as "Łukasz", the "−" and
"→" the briefs use). The first found of the ``pdf_font`` setting (a regular TTF; Bold/Oblique
files beside it are used when named like DejaVu's), Debian's DejaVu Sans
(``fonts-dejavu-core``) and matplotlib's bundled copy is embedded; without any, the PDF falls back
to a built-in font and replaces characters it cannot draw, rather than failing.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import util as importlib_util
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Cm, Pt, RGBColor
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from alignment import config
from alignment.briefs.markup import Block, parse
from alignment.exports import strip_controls

FORMATS: dict[str, tuple[str, str, str]] = {
    # key: (label, MIME type, extension)
    "md": ("Markdown", "text/markdown", ".md"),
    "docx": (
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "pdf": ("PDF", "application/pdf", ".pdf"),
}
CHART_SECTIONS = ("how stakeholders see it", "who the stakeholders are and how each side rates it")
AUTHOR = "Alignment Workbench"
ENV_FONT = config.env("pdf_font")
DEJAVU_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
)


@dataclass(frozen=True)
class BriefDocument:
    """One brief ready to be written: its file stem, title, Markdown and optional chart PNG.

    (python-docx's ``Document``, used below to write Word files, is the other kind.)
    """

    stem: str
    title: str
    markdown: str
    chart_png: bytes | None = None


def _chart_position(blocks: Sequence[Block]) -> int:
    """Index before which the chart goes: the end of the stakeholder section, else the end."""
    for i, b in enumerate(blocks):
        if b.kind == "heading" and b.text.strip().lower() in CHART_SECTIONS:
            for j in range(i + 1, len(blocks)):
                if blocks[j].kind == "heading" and blocks[j].level <= b.level:
                    return j
            return len(blocks)
    return len(blocks)


# --- Markdown ---------------------------------------------------------------------------------


def to_markdown(markdown: str) -> bytes:
    """The brief as UTF-8 Markdown, ending with one newline."""
    return (strip_controls(markdown).rstrip() + "\n").encode("utf-8")


# --- Word -------------------------------------------------------------------------------------


def to_docx(markdown: str, title: str, chart_png: bytes | None = None) -> bytes:
    """A Word document with the brief's headings, lists and quotes as Word styles.

    Control characters (a pasted \\x01, say) are dropped first: Word's XML cannot hold them,
    and python-docx would refuse the whole document."""
    markdown, title = strip_controls(markdown), strip_controls(title)
    doc = Document()
    props = doc.core_properties
    props.title, props.author, props.comments = title, AUTHOR, ""
    props.last_modified_by = AUTHOR
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2.2)
    blocks = parse(markdown)
    at = _chart_position(blocks) if chart_png else -1
    for i, block in enumerate(blocks):
        if i == at:
            _docx_chart(doc, chart_png)  # type: ignore[arg-type]
        _docx_block(doc, block)
    if at == len(blocks):
        _docx_chart(doc, chart_png)  # type: ignore[arg-type]
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _docx_chart(doc: Document, png: bytes) -> None:
    doc.add_picture(io.BytesIO(png), width=Cm(15.5))


def _docx_block(doc: Document, block: Block) -> None:
    if block.kind == "rule":
        doc.add_paragraph().add_run().add_break(WD_BREAK.LINE)
        return
    if block.kind == "heading":
        para = doc.add_heading(level=0 if block.level == 1 else min(block.level - 1, 4))
    elif block.kind == "bullet":
        para = doc.add_paragraph(style="List Bullet" if block.level == 1 else "List Bullet 2")
    elif block.kind == "number":
        para = doc.add_paragraph()
        para.paragraph_format.left_indent = Cm(0.9 * block.level)
        para.paragraph_format.first_line_indent = Cm(-0.6)
        para.add_run(f"{block.number}.\t")
    elif block.kind == "quote":
        para = doc.add_paragraph(style="Quote")
    else:
        para = doc.add_paragraph()
        if block.level > 1:
            para.paragraph_format.left_indent = Cm(0.9 * (block.level - 1))
    for r in block.runs:
        run = para.add_run(r.text)
        run.bold = r.bold or None
        run.italic = r.italic or None
        if block.kind == "quote":
            run.font.color.rgb = RGBColor(0x44, 0x44, 0x44)


# --- PDF ---------------------------------------------------------------------------------------

_FALLBACK_CHARS = str.maketrans(
    {
        "−": "-",
        "—": "-",
        "–": "-",
        "·": "-",
        "→": "->",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "…": "...",
        "•": "-",
        "×": "x",
        "≥": ">=",
        "≤": "<=",
    }
)


@lru_cache(maxsize=1)
def unicode_font() -> dict[str, str] | None:
    """Paths of a Unicode TTF family {"": regular, "B": bold, "I": italic, "BI": bold italic}.

    Missing styles reuse the nearest one found (italic falls back to regular), so a system with
    only ``fonts-dejavu-core`` (regular and bold) still gets every character right.
    """
    candidates: list[Path] = []
    configured = config.get("pdf_font")
    if configured:
        candidates.append(Path(str(configured)))
    candidates += [d / "DejaVuSans.ttf" for d in DEJAVU_DIRS]
    spec = importlib_util.find_spec("matplotlib")
    if spec and spec.origin:
        candidates.append(
            Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        )
    for regular in candidates:
        if regular.is_file():
            stem, folder = regular.stem, regular.parent
            found = {"": str(regular)}
            for style, suffix in (("B", "-Bold"), ("I", "-Oblique"), ("BI", "-BoldOblique")):
                path = folder / f"{stem}{suffix}.ttf"
                if path.is_file():
                    found[style] = str(path)
            found.setdefault("B", found[""])
            found.setdefault("I", found[""])
            found.setdefault("BI", found["B"])
            return found
    return None


class _PDF(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4", unit="mm")
        self.doc_title = title
        fonts = unicode_font()
        if fonts:
            for style, path in fonts.items():
                self.add_font("Body", style, path)
            self.family = "Body"
            self.unicode = True
        else:
            self.family = "helvetica"
            self.unicode = False
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=18)
        self.set_title(self.text(title))
        self.set_author(AUTHOR)
        self.set_creator(AUTHOR)
        self.alias_nb_pages()

    def text(self, value: str) -> str:
        if self.unicode:
            return value
        return value.translate(_FALLBACK_CHARS).encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(self.family, "", 8)
        self.set_text_color(120, 120, 120)
        self.cell(
            0, 6, self.text(f"{self.doc_title}  ·  page {self.page_no()} of {{nb}}"), align="C"
        )
        self.set_text_color(0, 0, 0)


def to_pdf(markdown: str, title: str, chart_png: bytes | None = None) -> bytes:
    """An A4 PDF of the brief with a page footer; text stays selectable and searchable."""
    markdown, title = strip_controls(markdown), strip_controls(title)
    pdf = _PDF(title)
    pdf.add_page()
    blocks = parse(markdown)
    at = _chart_position(blocks) if chart_png else -1
    for i, block in enumerate(blocks):
        if i == at:
            _pdf_chart(pdf, chart_png)  # type: ignore[arg-type]
        _pdf_block(pdf, block)
    if at == len(blocks):
        _pdf_chart(pdf, chart_png)  # type: ignore[arg-type]
    return bytes(pdf.output())


def _pdf_chart(pdf: _PDF, png: bytes) -> None:
    pdf.ln(2)
    width = pdf.epw * 0.9
    px_w, px_h = struct.unpack(">II", png[16:24])  # the PNG header's IHDR size
    if pdf.get_y() + width * px_h / max(px_w, 1) > pdf.page_break_trigger:
        pdf.add_page()
    pdf.image(io.BytesIO(png), w=width, x=pdf.l_margin)
    pdf.ln(3)


_SIZES = {1: 17.0, 2: 13.0, 3: 11.5}
BODY, LINE = 10.5, 5.4


def _write_runs(pdf: _PDF, block: Block, size: float, height: float, force_style: str = "") -> None:
    for r in block.runs:
        style = force_style or (("B" if r.bold else "") + ("I" if r.italic else ""))
        pdf.set_font(pdf.family, style, size)
        text = pdf.text(r.text)
        # fpdf2 splits a run's first word when it starts mid-line and does not fit: move it to
        # the next line first, as a word processor would.
        first = text.split(" ", 1)[0]
        if (
            first
            and pdf.get_x() > pdf.l_margin + 0.1
            and pdf.get_x() + pdf.get_string_width(first) > pdf.w - pdf.r_margin
        ):
            pdf.ln(height)
        pdf.write(height, text)


def _pdf_block(pdf: _PDF, block: Block) -> None:
    left = pdf.l_margin
    if block.kind == "rule":
        pdf.ln(2)
        pdf.set_draw_color(200, 200, 200)
        pdf.line(left, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(3)
        return
    if block.kind == "heading":
        size = _SIZES.get(block.level, BODY)
        if pdf.get_y() > pdf.page_break_trigger - 25:
            pdf.add_page()
        pdf.ln(4 if block.level > 1 else 0)
        _write_runs(pdf, block, size, size * 0.5, force_style="B")
        pdf.ln(size * 0.5 + 2)
        return
    indent = 0.0
    marker = ""
    if block.kind in ("bullet", "number"):
        indent = 6.0 * block.level
        marker = "•" if block.kind == "bullet" else f"{block.number}."
    elif block.kind == "quote":
        indent = 7.0
    elif block.level > 1:
        indent = 6.0 * (block.level - 1)
    if marker:
        pdf.set_font(pdf.family, "", BODY)
        pdf.set_x(left + indent - 5)
        pdf.cell(5, LINE, pdf.text(marker), new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.set_left_margin(left + indent)
    pdf.set_x(left + indent)
    if block.kind == "quote":
        pdf.set_text_color(70, 70, 70)
        _write_runs(pdf, block, BODY, LINE, force_style="I")
        pdf.set_text_color(0, 0, 0)
    else:
        _write_runs(pdf, block, BODY, LINE)
    pdf.set_left_margin(left)
    pdf.ln(LINE + (1.2 if block.kind in ("bullet", "number") else 2.5))


# --- any format, one or many ------------------------------------------------------------------


def render(doc: BriefDocument, fmt: str) -> bytes:
    """One brief in one format ("md", "docx" or "pdf")."""
    if fmt == "md":
        return to_markdown(doc.markdown)
    if fmt == "docx":
        return to_docx(doc.markdown, doc.title, doc.chart_png)
    if fmt == "pdf":
        return to_pdf(doc.markdown, doc.title, doc.chart_png)
    raise ValueError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def filename(doc: BriefDocument, fmt: str) -> str:
    return doc.stem + FORMATS[fmt][2]


def bundle(docs: Iterable[BriefDocument], fmt: str) -> bytes:
    """A zip with one file per brief, named as the command line names them."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for doc in docs:
            info = zipfile.ZipInfo(filename(doc, fmt), date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, render(doc, fmt))
    return buf.getvalue()
