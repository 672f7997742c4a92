"""``python -m alignment prioritise``: the ranked roadmap as XLSX, with exactly the promised
sheets and columns, masking of a small side, formula-safe text and plain errors."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from alignment import demo
from alignment.cli import EXIT_NOTHING_USABLE, EXIT_OK, EXIT_USAGE, main
from tests.helpers import xlsx_bytes

RANKING = [
    "initiative_id",
    "initiative",
    "score",
    "rank",
    "rank_low",
    "rank_high",
    "rank_tech",
    "rank_business",
    "fits_capacity",
]
SIDES = ["tau", "tau_low", "tau_high", "n_tech", "n_business"]


def _sheet(path: Path, name: str) -> list[list[object]]:
    wb = openpyxl.load_workbook(path)
    return [list(row) for row in wb[name].iter_rows(values_only=True)]


def test_the_demo_ranked_by_wsjf(tmp_path: Path, capsys) -> None:
    out = tmp_path / "ranked.xlsx"
    code = main(
        [
            "prioritise",
            str(demo.DEFAULT_PATH),
            "--model",
            "wsjf",
            "--capacity",
            "150",
            "--out",
            str(out),
        ]
    )
    assert code == EXIT_OK
    said = capsys.readouterr().out
    assert "30 of 30 initiatives ranked by WSJF" in said and "tech n=70, business n=80" in said
    assert openpyxl.load_workbook(out).sheetnames == ["Ranking", "Sides", "Method"]
    ranking = _sheet(out, "Ranking")
    assert ranking[0] == RANKING and len(ranking) == 31
    first = dict(zip(RANKING, ranking[1], strict=True))
    assert first["rank"] == 1 and first["rank_low"] <= 1 <= first["rank_high"]
    assert isinstance(first["rank_tech"], int) and isinstance(first["rank_business"], int)
    assert first["fits_capacity"] is True
    assert [r[8] for r in ranking[1:]].count(False) > 0  # something falls below the line
    sides = _sheet(out, "Sides")
    assert sides[0] == SIDES and len(sides) == 2
    row = dict(zip(SIDES, sides[1], strict=True))
    assert row["n_tech"] == 70 and row["n_business"] == 80
    assert row["tau_low"] <= row["tau"] <= row["tau_high"]
    method = {r[0]: r[1] for r in _sheet(out, "Method")[1:]}
    assert method["Model"].startswith("WSJF: WSJF = (business value")
    assert "ranked first" in method["Worked example"]


def _survey(tech: int, business: int) -> list[list[object]]:
    rows: list[list[object]] = [
        ["Respondent", "Group", "Initiative", "Business value", "Time criticality",
         "Risk reduction", "Job size"],
    ]  # fmt: skip
    people = [("Engineering", k) for k in range(tech)] + [("Sales", k) for k in range(business)]
    for group, k in people:
        for initiative, tc in (("P-01", 13), ("P-02", 3), ("P-03", 8)):
            rows.append([f"{group[0]}{k}", group, initiative, 3 + k % 2, tc, 5, 8])
    return rows


INITIATIVES = [
    ["Initiative ID", "Name", "Business value", "Job size", "Effort"],
    ["P-01", "Quick pay", "High", 8, 5],
    ["P-02", "Ledger", "Medium", 13, 8],
    ["P-03", "Quotes", "High", 5, 3],
]


def test_a_side_under_k_min_leaves_its_columns_empty(tmp_path: Path) -> None:
    src = tmp_path / "roadmap.xlsx"
    src.write_bytes(xlsx_bytes({"Initiatives": INITIATIVES, "Feedback": _survey(2, 6)}))
    out = tmp_path / "ranked.xlsx"
    args = ["prioritise", str(src), "--out", str(out), "--k-min", "5", "--capacity", "8"]
    assert main(args) == EXIT_OK
    ranking = _sheet(out, "Ranking")
    assert [r[0] for r in ranking[1:]] == ["P-03", "P-01", "P-02"]
    assert all(r[6] is None for r in ranking[1:])  # rank_tech: 2 people, under k_min
    # rank_business, 6 people: their job size is 8 for all, so P-01's urgency puts it first
    assert [r[7] for r in ranking[1:]] == [2, 1, 3]
    assert [r[8] for r in ranking[1:]] == [True, True, False]  # 3 + 5 fit 8, then 8 more
    sides = dict(zip(SIDES, _sheet(out, "Sides")[1], strict=True))
    assert sides == {
        "tau": None,
        "tau_low": None,
        "tau_high": None,
        "n_tech": None,
        "n_business": 6,
    }
    method = "\n".join(str(r[1]) for r in _sheet(out, "Method")[1:])
    assert "tech side has fewer than 5 respondents" in method


def test_text_that_looks_like_a_formula_is_neutralised(tmp_path: Path) -> None:
    src = tmp_path / "roadmap.xlsx"
    src.write_bytes(
        xlsx_bytes(
            {
                "Initiatives": [
                    ["Initiative ID", "Name", "Reach", "Impact", "Confidence", "Effort"],
                    ["P-01", "-2 FTE, +cmd|' /C calc'!A0", 100, 2, 80, 5],
                    ["P-02", "Billing", 300, "high", "50%", 3],
                ]
            }
        )
    )
    out = tmp_path / "ranked.xlsx"
    assert main(["prioritise", str(src), "--model", "rice", "--out", str(out)]) == EXIT_OK
    ranking = _sheet(out, "Ranking")
    names = {r[0]: r[1] for r in ranking[1:]}
    assert names["P-01"] == "'-2 FTE, +cmd|' /C calc'!A0"
    scores = {r[0]: r[2] for r in ranking[1:]}
    assert scores == {"P-01": pytest.approx(100 * 2 * 0.8 / 5), "P-02": pytest.approx(100.0)}


def test_usage_errors_and_nothing_to_rank(tmp_path: Path, capsys) -> None:
    out = str(tmp_path / "r.xlsx")
    with pytest.raises(SystemExit) as exc:
        main(["prioritise", str(demo.DEFAULT_PATH), "--model", "moscow", "--out", out])
    assert exc.value.code == EXIT_USAGE
    with pytest.raises(SystemExit) as exc:
        main(["prioritise", str(demo.DEFAULT_PATH), "--capacity", "-5", "--out", out])
    assert exc.value.code == EXIT_USAGE
    assert "--capacity must be a number" in capsys.readouterr().err
    notes = tmp_path / "notes.csv"
    notes.write_text("Meeting notes\nNothing tabular here\n", encoding="utf-8")
    assert main(["prioritise", str(notes), "--out", out]) == EXIT_NOTHING_USABLE
    assert "nothing to rank" in capsys.readouterr().err
    assert not Path(out).exists()


def test_the_pages_download_names_the_columns_in_words_and_the_cli_keeps_field_names() -> None:
    """Scripts read the CLI's exact columns; a person downloading from the page reads words."""
    import io
    import re

    from alignment import prioritise
    from alignment.ingest import SourceFile, import_files
    from alignment.privacy import Privacy

    dataset = import_files([SourceFile("demo.xlsx", demo.DEFAULT_PATH.read_bytes())]).dataset
    ranked = prioritise.prioritise(dataset, "wsjf", Privacy())
    machine = openpyxl.load_workbook(io.BytesIO(prioritise.to_xlsx(ranked, dataset)))
    people = openpyxl.load_workbook(
        io.BytesIO(prioritise.to_xlsx(ranked, dataset, for_people=True))
    )
    first = [c.value for c in machine["Ranking"][1]]
    assert first[:4] == ["initiative_id", "initiative", "score", "rank"]
    words = [c.value for c in people["Ranking"][1]]
    assert words[:4] == ["Initiative ID", "Initiative", "WSJF score", "Rank"]
    text = " ".join(
        str(c.value) for ws in people.worksheets for row in ws.iter_rows() for c in row if c.value
    )
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), re.findall(r"\b[a-z]+_[a-z_]+\b", text)
