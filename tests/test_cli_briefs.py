"""``python -m alignment briefs``: the same briefs as the page, written to a folder."""

from __future__ import annotations

import io

import pytest
from docx import Document

from alignment.cli import main
from tests import briefs_data as bd


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "briefs.xlsx"
    path.write_bytes(bd.workbook_bytes())
    return path


def test_writes_every_brief_as_markdown(workbook, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["briefs", str(workbook), "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "P-01-business.md",
        "P-01-engineering.md",
        "P-02-business.md",
        "P-02-engineering.md",
        "P-03-business.md",
        "P-03-engineering.md",
        "portfolio.md",
    ]
    business = (out / "P-02-business.md").read_text(encoding="utf-8")
    assert business.startswith("# P-02 Self-service onboarding — business brief\n")
    assert "**No WHY.**" in business
    assert "Wrote 7 brief(s)" in capsys.readouterr().out


def test_one_initiative_as_word_with_its_chart(workbook, tmp_path) -> None:
    out = tmp_path / "word"
    code = main(
        [
            "briefs",
            str(workbook),
            "--out",
            str(out),
            "--format",
            "docx",
            "--initiative",
            "p-01",
            "--tone",
            "detailed",
        ]
    )
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["P-01-business.docx", "P-01-engineering.docx"]
    doc = Document(io.BytesIO((out / "P-01-engineering.docx").read_bytes()))
    assert doc.paragraphs[0].text == "P-01 Billing migration — engineering brief"
    assert len(doc.inline_shapes) == 1


def test_k_min_hides_what_the_threshold_hides(workbook, tmp_path) -> None:
    out = tmp_path / "strict"
    assert main(["briefs", str(workbook), "--out", str(out), "--k-min", "7"]) == 0
    text = (out / "P-01-business.md").read_text(encoding="utf-8")
    assert "no figure to show: fewer than 7 respondents" in text
    assert "out of 100" not in text and bd.BUSINESS_COMMENT_P01 not in text


def test_usage_errors(workbook, tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["briefs", str(workbook), "--out", str(tmp_path), "--initiative", "P-99"])
    assert exit_.value.code == 2
    assert "no such initiative (known: P-01, P-02, P-03)" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["briefs", str(workbook), "--out", str(tmp_path), "--k-min", "0"])
    with pytest.raises(SystemExit):
        main(["briefs", str(workbook), "--out", str(tmp_path), "--format", "rtf"])


def test_files_without_initiatives_brief_nothing(tmp_path, capsys) -> None:
    path = tmp_path / "objectives.csv"
    path.write_text("Objective ID,Objective,Weight\nG1,Grow,1\n", encoding="utf-8")
    assert main(["briefs", str(path), "--out", str(tmp_path / "x")]) == 1
    assert "nothing to brief" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
