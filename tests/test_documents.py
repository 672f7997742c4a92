"""Briefs as Markdown, Word and PDF: they open, read back, carry the chart, and leak nothing."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx import Document as read_docx
from pypdf import PdfReader

from alignment import briefs, documents
from alignment.charts import briefs as brief_charts
from alignment.charts import render
from alignment.privacy import Privacy
from tests import briefs_data as bd


@pytest.fixture(scope="module")
def data() -> briefs.BriefData:
    return briefs.prepare(bd.dataset(), Privacy(3, 5))


@pytest.fixture(scope="module")
def chart_png(data) -> bytes:
    chart = brief_charts.alignment_by_side(briefs.chart_frame(data, "P-01"), "P-01")
    return render.to_png(chart)


def doc_of(brief: briefs.Brief, png: bytes | None = None) -> documents.BriefDocument:
    return documents.BriefDocument(brief.stem, brief.title, brief.markdown, png)


def docx_text(data_bytes: bytes) -> tuple[str, object]:
    doc = read_docx(io.BytesIO(data_bytes))
    return "\n".join(p.text for p in doc.paragraphs), doc


def pdf_text(data_bytes: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data_bytes))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def flat(text: str) -> str:
    return " ".join(text.split())


def test_word_export_reads_back_with_styles_and_chart(data, chart_png) -> None:
    brief = briefs.business(data, "P-01")
    text, doc = docx_text(documents.render(doc_of(brief, chart_png), "docx"))
    assert doc.paragraphs[0].text == brief.title
    assert doc.paragraphs[0].style.name == "Title"
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["What it is", "Why it matters", "Value, effort and risk"]
    assert "Legacy billing cannot offer annual plans" in text
    assert any(p.style.name == "List Bullet" for p in doc.paragraphs)
    assert any(
        p.style.name == "Quote" and bd.BUSINESS_COMMENT_P01 in p.text for p in doc.paragraphs
    )
    bold = [r.text for p in doc.paragraphs for r in p.runs if r.bold]
    assert "Status:" in bold
    assert len(doc.inline_shapes) == 1  # the alignment chart
    assert doc.core_properties.title == brief.title
    # The chart sits at the end of the stakeholder section, before the decisions.
    body = doc.element.body
    kinds = [
        "chart"
        if el.xpath(".//pic:pic")
        else "".join(t.text or "" for t in el.iter() if t.tag.endswith("}t"))
        for el in body.iterchildren()
        if el.tag.endswith("}p")
    ]
    assert kinds.index("chart") == kinds.index("Decision or help needed") - 1


def test_pdf_export_reads_back_with_titles_and_chart(data, chart_png) -> None:
    business, engineering = briefs.initiative_briefs(data, "P-01", "detailed")
    for brief in (business, engineering):
        raw = documents.render(doc_of(brief, chart_png), "pdf")
        text, reader = pdf_text(raw)
        assert raw.startswith(b"%PDF-")
        assert brief.title in flat(text)
        assert reader.metadata.title == brief.title
        images = [img for page in reader.pages for img in page.images]
        assert len(images) == 1
    assert "Talking points for the next roadmap review" in flat(text)
    assert "page 1 of" in flat(text)


def test_pdf_keeps_non_latin_text_with_an_embedded_font(data) -> None:
    assert documents.unicode_font() is not None, (
        "No Unicode TTF found: install Debian's fonts-dejavu-core or set ALIGNMENT_PDF_FONT."
    )
    md = "# Łódź → Zürich\n\nGap −12 points · “quoted” — Ærøskøbing, Ελλάδα, Київ.\n"
    text, reader = pdf_text(documents.to_pdf(md, "Łódź → Zürich"))
    assert "Łódź → Zürich" in text
    assert "Ελλάδα" in text and "Київ" in text and "−12" in text
    fonts = {str(f) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts  # embedded, not a core font that cannot draw these


def test_markdown_export_is_the_edited_text(data) -> None:
    brief = briefs.business(data, "P-02")
    edited = brief.markdown.replace("Self-service onboarding", "Self-serve sign-up") + "\n\n\n"
    out = documents.render(documents.BriefDocument(brief.stem, brief.title, edited), "md")
    assert out.decode("utf-8") == edited.rstrip() + "\n"
    assert documents.filename(doc_of(brief), "md") == "P-02-business.md"


def test_edits_reach_word_and_pdf(data) -> None:
    brief = briefs.engineering(data, "P-02")
    edited = brief.markdown + (
        "\n## Agreed on Monday\n\n- **Ship** the *pilot* to three customers.\n"
    )
    doc = documents.BriefDocument(brief.stem, brief.title, edited)
    text, _ = docx_text(documents.render(doc, "docx"))
    assert "Agreed on Monday" in text and "Ship the pilot to three customers." in text
    text, _ = pdf_text(documents.render(doc, "pdf"))
    assert "Ship the pilot to three customers." in flat(text)


def test_user_markup_stays_text_in_documents() -> None:
    md = "# T\n\nSee [site](http://evil.example) and <script>x</script> and ![i](http://x/i.png)"
    text, doc = docx_text(documents.to_docx(md, "T"))
    assert "See site and <script>x</script> and i" in text
    assert len(doc.inline_shapes) == 0
    assert "evil.example" not in text


@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_anonymity_holds_in_every_export(data, fmt) -> None:
    docs = []
    for brief in briefs.all_briefs(data, "detailed"):
        frame = briefs.chart_frame(data, brief.initiative_id) if brief.initiative_id else None
        chart = brief_charts.alignment_by_side(frame) if frame is not None else None
        docs.append(doc_of(brief, render.to_png(chart) if chart is not None else None))
    archive = zipfile.ZipFile(io.BytesIO(documents.bundle(docs, fmt)))
    names = sorted(archive.namelist())
    assert names == sorted(f"{d.stem}{documents.FORMATS[fmt][2]}" for d in docs)
    texts = []
    for name in names:
        raw = archive.read(name)
        if fmt == "md":
            texts.append(raw.decode("utf-8"))
        elif fmt == "docx":
            texts.append(docx_text(raw)[0])
        else:
            texts.append(flat(pdf_text(raw)[0]))
    everything = "\n".join(texts)
    assert "Billing migration" in everything  # the exports hold the briefs
    assert bd.SMALL_GROUP_COMMENT not in everything
    assert bd.FOUR_PEOPLE_COMMENT not in everything
    assert not re.search(r"\bR\d{5}\b", everything)
    for name in bd.RESPONDENT_NAMES:
        assert name not in everything
    p03 = "\n".join(t for n, t in zip(names, texts, strict=True) if n.startswith("P-03"))
    assert "fewer than 3 respondents" in p03
    assert not re.search(r"\b2 respondents", p03)
    # P-03: Finance's two answers count for no side, so only the six engineers' side is drawn.
    assert set(briefs.chart_frame(data, "P-03")["side"]) == {"Tech"}


def test_unknown_format_is_refused(data) -> None:
    with pytest.raises(ValueError, match="Unknown format"):
        documents.render(doc_of(briefs.portfolio(data)), "rtf")
