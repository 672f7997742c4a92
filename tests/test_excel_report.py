"""The Excel report from the command line: sheets, columns, masking, colour scales, safety."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from alignment.cli import main

DEMO = Path(__file__).resolve().parents[1] / "sample_data" / "demo_workbook.xlsx"

REQUIRED = {
    "Alignment by side": ["initiative_id", "initiative", "side", "n", "score", "rwg", "polarised"],
    "Alignment by group": [
        "initiative_id",
        "initiative",
        "group",
        "side",
        "n",
        "score",
        "rwg",
        "polarised",
    ],
    "Gaps": [
        "initiative_id",
        "initiative",
        "dimension",
        "tech_mean",
        "business_mean",
        "gap",
        "n_tech",
        "n_business",
        "gap_low",
        "gap_high",
        "clear",
    ],
    "Coverage": ["objective_id", "objective", "weight", "initiatives", "effort_share"],
}


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.xlsx"
    assert main(["report", str(DEMO), "--out", str(out)]) == 0
    return out


def test_report_has_every_sheet_and_column(demo_report: Path) -> None:
    sheets = pd.read_excel(demo_report, sheet_name=None, engine="calamine")
    for name, columns in REQUIRED.items():
        assert name in sheets
        assert columns == list(sheets[name].columns)[: len(columns)]


def test_hidden_cells_are_empty_and_shown_ones_rest_on_k_min(demo_report: Path) -> None:
    groups = pd.read_excel(demo_report, sheet_name="Alignment by group", engine="calamine")
    hidden = groups[groups["hidden"]]
    assert len(hidden) > 0
    assert hidden[["n", "score", "rwg", "polarised"]].isna().all().all()
    assert (groups.loc[~groups["hidden"], "n"] >= 3).all()


def test_the_demo_report_marks_the_split_room_and_an_unclear_gap(demo_report: Path) -> None:
    groups = pd.read_excel(demo_report, sheet_name="Alignment by group", engine="calamine")
    split = groups[(groups["initiative_id"] == "P-27") & (groups["group"] == "Sales")].iloc[0]
    assert split["polarised"] is True or split["polarised"] == 1
    gaps = pd.read_excel(demo_report, sheet_name="Gaps", engine="calamine")
    p18 = gaps[(gaps["initiative_id"] == "P-18") & ~gaps["hidden"]]
    assert (p18["clear"] == False).any()  # noqa: E712 - the cell holds an Excel boolean
    clear = gaps[gaps["clear"] == True]  # noqa: E712
    assert ((clear["gap_low"] > 0) | (clear["gap_high"] < 0)).all()


def test_heatmap_sheets_carry_an_excel_colour_scale(demo_report: Path) -> None:
    wb = openpyxl.load_workbook(demo_report)
    for name in ("Alignment by side", "Alignment by group", "Gaps"):
        rules = [r for rng in wb[name].conditional_formatting for r in rng.rules]
        assert any(r.type == "colorScale" for r in rules), name


def test_a_higher_k_min_hides_more(tmp_path: Path) -> None:
    out = tmp_path / "strict.xlsx"
    assert main(["report", str(DEMO), "--out", str(out), "--k-min", "12"]) == 0
    groups = pd.read_excel(out, sheet_name="Alignment by group", engine="calamine")
    assert (groups.loc[~groups["hidden"], "n"] >= 12).all()
    assert groups["hidden"].mean() > 0.5


def test_k_min_below_one_is_a_usage_error(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["report", str(DEMO), "--out", str(tmp_path / "x.xlsx"), "--k-min", "0"])
    assert exc.value.code == 2
    assert not (tmp_path / "x.xlsx").exists()


def test_hostile_names_are_written_as_text(tmp_path: Path) -> None:
    # A CSV keeps "=..." as text (an xlsx written by openpyxl would hold a formula instead).
    (tmp_path / "initiatives.csv").write_text(
        'Initiative ID,Name,Why\nP-1,"=HYPERLINK(""http://x"",""y"")",@cmd\n', encoding="utf-8"
    )
    lines = ["Respondent,Group,Initiative,Priority"] + [
        f"r{i},{'Sales' if i % 2 else 'Engineering'},P-1,{1 + i % 5}" for i in range(12)
    ]
    (tmp_path / "feedback.csv").write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "r.xlsx"
    files = [str(tmp_path / "initiatives.csv"), str(tmp_path / "feedback.csv")]
    assert main(["report", *files, "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    values = [c.value for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any(isinstance(v, str) and v.startswith(("=", "@", "+")) for v in values)
    assert '\'=HYPERLINK("http://x","y")' in values
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)


def test_nothing_usable_writes_nothing(tmp_path: Path, capsys) -> None:
    src = tmp_path / "empty.csv"
    src.write_bytes(b"just,some\nwords,here\n")
    out = tmp_path / "r.xlsx"
    assert main(["report", str(src), "--out", str(out)]) == 1
    assert not out.exists()
