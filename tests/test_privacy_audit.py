"""Privacy audit: walk every page and every export on data with small groups.

The fixture plants secrets that must never surface: comments of groups below k_min (3) and of a
group below k_comments (5), and groups whose scores must stay hidden. Every page of app.py is
run with AppTest after the upload; every text, table and chart dataset it produces is searched.
Exports (report, briefs, downloads) are searched the same way.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from alignment.cli import main as cli
from tests.charts import charts
from tests.helpers import xlsx_bytes

ROOT = Path(__file__).resolve().parent.parent
SECRETS = ("TINY-SECRET", "SOLO-SECRET", "MIDSIZE-SECRET", "REAL-NAME-Ada-Lovelace")
SMALL_GROUPS = ("Legal", "Data Office")  # 2 and 1 respondents: every figure hidden
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIGURES = ("score", "n", "rwg", "gap", "tech_mean", "business_mean", "mean", "score_text", "n_text")


def _fixture() -> bytes:
    initiatives = [
        ["Initiative ID", "Name", "Team", "Why", "Objective(s)", "Status"],
        ["P-1", "Ledger rewrite", "Payments", "Audit needs it", "G1", "At risk"],
        ["P-2", "Quick-pay", "Payments", "Carriers want cash fast", "G1", "Planned"],
        ["P-3", "Data portal", "Data", "", "", "In progress"],
    ]
    objectives = [
        ["Objective ID", "Objective", "Weight"],
        ["G1", "Grow revenue", 60],
        ["G2", "Cut cost", 40],
    ]
    rows = [
        [
            "Respondent",
            "Group",
            "Initiative",
            "Clarity of the why",
            "Business value",
            "Priority",
            "Comment",
            "Date",
        ]
    ]
    groups = {"Sales": 6, "Engineering": 6, "Finance": 4, "Legal": 2, "Data Office": 1}
    comment = {
        "Sales": "fine by sales",
        "Engineering": "fine by engineering",
        "Finance": "MIDSIZE-SECRET finance",
        "Legal": "TINY-SECRET legal",
        "Data Office": "SOLO-SECRET data",
    }
    rng = np.random.default_rng(5)
    for group, size in groups.items():
        for k in range(size):
            name = "REAL-NAME-Ada-Lovelace" if group == "Legal" and k == 0 else f"{group}-{k}"
            for initiative in ("P-1", "P-2", "P-3"):
                rows.append(
                    [
                        name,
                        group,
                        initiative,
                        *rng.integers(1, 6, 3).tolist(),
                        comment[group],
                        f"2026-0{7 + k % 3}-15",
                    ]
                )
    return xlsx_bytes({"Initiatives": initiatives, "Objectives": objectives, "Feedback": rows})


def _pages() -> list[str]:
    """Every page the app registers (components/page_registry.py, which app.py reads)."""
    from components.page_registry import PAGES

    pages = [p.file for p in PAGES]
    assert pages, "no page found in the page registry: the audit would check nothing"
    return pages


def _texts(at: AppTest) -> list[str]:
    """Every string the page shows: text elements, widget labels, tables, chart data."""
    out: list[str] = []
    for kind in (
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
        "title",
        "header",
        "subheader",
        "text",
        "code",
        "latex",
    ):
        out.extend(str(e.value) for e in getattr(at, kind))
    out.extend(f"{m.label} {m.value}" for m in at.metric)
    for frame in at.dataframe:
        out.append(frame.value.to_csv())
    for _, frames in charts(at):
        out.extend(f.to_csv() for f in frames)
    for kind in ("expander", "tabs"):
        out.extend(str(getattr(e, "label", "")) for e in getattr(at, kind, []))
    return out


def _small_group_figures(frames: list[pd.DataFrame]) -> list[str]:
    """Figures shown for a small group in any table or chart (must be none)."""
    leaks = []
    for frame in frames:
        group_cols = [c for c in frame.columns if c in ("group", "column", "Group")]
        for gc in group_cols:
            rows = frame[frame[gc].astype(str).isin(SMALL_GROUPS)]
            for col in FIGURES:
                if col in rows.columns:
                    values = rows[col].replace({"–": np.nan, "": np.nan, "hidden": np.nan})
                    if values.notna().any():
                        leaks.append(f"{gc}/{col}: {values.dropna().tolist()[:3]}")
    return leaks


@pytest.fixture(scope="module")
def uploaded() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/data.py").run()
    at.file_uploader[0].set_value(("small-groups.xlsx", _fixture(), XLSX)).run()
    assert not at.exception
    return at


@pytest.mark.parametrize("page", _pages())
def test_no_page_shows_a_secret_or_a_small_group_figure(uploaded: AppTest, page: str) -> None:
    uploaded.switch_page(page).run()
    assert not uploaded.exception, page
    texts = "\n".join(_texts(uploaded))
    for secret in SECRETS:
        assert secret not in texts, f"{page} shows {secret}"
    frames = [f.value for f in uploaded.dataframe] + [f for _, fs in charts(uploaded) for f in fs]
    assert _small_group_figures(frames) == [], page


def test_the_report_hides_small_groups_and_secrets(tmp_path: Path) -> None:
    src = tmp_path / "small-groups.xlsx"
    src.write_bytes(_fixture())
    out = tmp_path / "report.xlsx"
    assert cli(["report", str(src), "--out", str(out)]) == 0
    sheets = pd.read_excel(out, sheet_name=None, engine="calamine")
    blob = "\n".join(s.to_csv() for s in sheets.values())
    for secret in SECRETS:
        assert secret not in blob
    groups = sheets["Alignment by group"]
    small = groups[groups["group"].isin(SMALL_GROUPS)]
    assert len(small) > 0
    assert small[["n", "score", "rwg"]].isna().all().all()


@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_briefs_never_quote_small_groups(tmp_path: Path, fmt: str) -> None:
    src = tmp_path / "small-groups.xlsx"
    src.write_bytes(_fixture())
    out = tmp_path / "briefs"
    assert cli(["briefs", str(src), "--out", str(out), "--format", fmt]) == 0
    text = ""
    for path in out.rglob("*"):
        if path.suffix == ".md":
            text += path.read_text(encoding="utf-8")
        elif path.suffix == ".docx":
            from docx import Document

            text += "\n".join(p.text for p in Document(str(path)).paragraphs)
        elif path.suffix == ".pdf":
            from pypdf import PdfReader

            text += "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
        elif path.suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zf:
                text += "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
    assert text, "no brief was written"
    for secret in SECRETS:
        assert secret not in text


# --- prioritisation: a side under k_min has no ranking in any view or export --------------------


def _estimates_fixture() -> bytes:
    """Two engineers (under k_min = 3) and five sales people estimate WSJF's components; only
    two of the sales people estimate P-4, so the business's P-4 means are hidden too."""
    initiatives = [
        ["Initiative ID", "Name", "Business value", "Job size", "Effort"],
        ["P-1", "Ledger rewrite", "High", 8, 13],
        ["P-2", "Quick-pay", "Very high", 5, 8],
        ["P-3", "Data portal", "Medium", 13, 20],
        ["P-4", "Dock slots", "High", 3, 5],
    ]
    rows = [
        ["Respondent", "Group", "Initiative", "Business value", "Time criticality",
         "Risk reduction", "Job size"],
    ]  # fmt: skip
    rng = np.random.default_rng(9)
    people = [("Engineering", k) for k in range(2)] + [("Sales", k) for k in range(5)]
    for group, k in people:
        for initiative in ("P-1", "P-2", "P-3", "P-4"):
            if group == "Sales" and initiative == "P-4" and k >= 2:
                continue
            fib = [1, 2, 3, 5, 8, 13, 20]
            rows.append(
                [f"{group}-{k}", group, initiative, int(rng.integers(1, 6)),
                 int(rng.choice(fib)), int(rng.choice(fib)), int(rng.choice(fib))]
            )  # fmt: skip
    return xlsx_bytes({"Initiatives": initiatives, "Feedback": rows})


def test_prioritisation_shows_no_ranking_of_a_small_side_or_a_thin_cell() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/data.py").run()
    at.file_uploader[0].set_value(("estimates.xlsx", _estimates_fixture(), XLSX)).run()
    at.switch_page("app_pages/prioritise.py").run()
    assert not at.exception
    texts = "\n".join(_texts(at)).replace("\\", "")
    assert "tech hidden (fewer than 3)" in texts
    assert "tech n=" not in texts.lower().replace("tech hidden", "")
    table = at.dataframe[0].value
    assert "Tech rank" not in table.columns
    business = dict(zip(table["ID"], table["Business rank"], strict=True))
    assert business["P-4"] == "" and all(business[i] for i in ("P-1", "P-2", "P-3"))
    for _, frames in charts(at):
        for frame in frames:
            assert "side" not in frame.columns  # no slope chart: it needs both sides


def test_the_ranked_roadmap_export_hides_a_small_side(tmp_path: Path) -> None:
    src = tmp_path / "estimates.xlsx"
    src.write_bytes(_estimates_fixture())
    out = tmp_path / "ranked.xlsx"
    assert cli(["prioritise", str(src), "--out", str(out)]) == 0
    sheets = pd.read_excel(out, sheet_name=None, engine="calamine")
    ranking = sheets["Ranking"].set_index("initiative_id")
    assert ranking["rank_tech"].isna().all()
    assert pd.isna(ranking.loc["P-4", "rank_business"])
    assert ranking["rank_business"].drop("P-4").notna().all()
    sides = sheets["Sides"].iloc[0]
    assert pd.isna(sides["n_tech"]) and pd.isna(sides["tau"]) and sides["n_business"] == 5
    briefs_out = tmp_path / "briefs"
    assert cli(["briefs", str(src), "--out", str(briefs_out)]) == 0
    text = "\n".join(p.read_text(encoding="utf-8") for p in briefs_out.rglob("*.md"))
    assert "Ranked " in text and "tech's" not in text and "tech ranks" not in text.lower()
