"""Privacy audit: walk every page and every export on data with small groups.

The fixture plants secrets that must never surface: comments of groups below k_min (3) and of a
group below k_comments (5), and groups whose scores must stay hidden. Every page of app.py is
run with AppTest after the upload; every text, table and chart dataset it produces is searched.
Exports (report, briefs, downloads) are searched the same way.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from alignment import compare, narrative, scoring
from alignment.cli import main as cli
from alignment.dataset import Dataset
from alignment.privacy import Privacy
from tests.charts import charts
from tests.helpers import csv_bytes, run, xlsx_bytes

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


# --- across views: no two obtainable figures differ by fewer than k_min people ------------------
#
# Masking each view on its own is not enough: a figure before and after a change the user can
# make (moving a group to the other side, picking dimensions, a later snapshot), or a total
# beside the shown cells, must never differ by the answers of fewer than k_min people. Each
# test below is an attack that worked (issue 18), replayed on the core every page calls.

K3 = Privacy(k_min=3, k_comments=5)
DEMO = ROOT / "sample_data" / "demo_workbook.xlsx"


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return run({"demo_workbook.xlsx": DEMO.read_bytes()}).dataset


def _people(fb: pd.DataFrame, **where: str) -> pd.DataFrame:
    sel = fb
    for col, value in where.items():
        sel = sel[sel[col] == value]
    return sel


def _figures(dataset: Dataset, privacy: Privacy, dims: tuple[str, ...] = ()) -> dict:
    """Every figure the analysis pages, the report and the briefs draw from, keyed by what it
    describes, as (value, n people behind it, n ratings behind it or None)."""
    fb = scoring.prepare(dataset.feedback, dims or None)
    views = scoring.views(fb, privacy)
    out: dict[tuple, tuple[float, float, float | None]] = {}

    def add(frame: pd.DataFrame, view: str, keys: list[str], value: str, n: str, k: str | None):
        for row in frame.to_dict("records"):
            if pd.notna(row.get(value)):
                ratings = row.get(k) if k else None
                out[(view, *(row[c] for c in keys), value)] = (
                    float(row[value]),
                    float(row[n]),
                    None if ratings is None or pd.isna(ratings) else float(ratings),
                )

    add(views.group, "group", ["initiative_id", "group"], "score", "n", "n_ratings")
    add(views.side, "side", ["initiative_id", "side"], "score", "n", "n_ratings")
    add(views.overall, "overall", ["initiative_id"], "score", "n", "n_ratings")
    for side in scoring.SIDES_SHOWN:
        add(views.gaps, "gap", ["initiative_id", "dimension"], f"{side}_mean", f"n_{side}", None)
    head = narrative.headline(dataset, views, fb, privacy)
    for side, (score, n) in head.side_scores.items():
        if score is not None:
            out[("headline", side)] = (score, float(n), None)
    for freq in ("M", "Q"):
        add(
            scoring.trend(fb, privacy, freq),
            "trend",
            ["initiative_id", "period"],
            "score",
            "n",
            None,
        )
    return out


def _recovered(a: tuple, b: tuple) -> float | None:
    """What subtracting one figure from the other gives, weighted by ratings when known, else by
    people: the mean of the answers that differ between them."""
    (va, na, ka), (vb, nb, kb) = a, b
    wa, wb = (ka, kb) if ka is not None and kb is not None else (na, nb)
    if wa == wb:
        return None
    return (va * wa - vb * wb) / (wa - wb)


def _differencing_leaks(
    a: dict, b: dict, privacy: Privacy, secrets: dict[str, tuple] | None = None
) -> list[str]:
    """Figures present in both configurations that differ by fewer than k_min people, or whose
    difference gives back one of ``secrets`` (name -> initiative, the mean of a small set of
    people's answers on it and, optionally, how many ratings that mean rests on), checked on
    figures of that initiative and on overall totals."""
    leaks = []
    for key in sorted(set(a) & set(b), key=str):
        if a[key] == b[key]:
            continue
        dn = abs(a[key][1] - b[key][1])
        if 0 < dn < privacy.k_min:
            leaks.append(f"{key}: n {a[key][1]:.0f} -> {b[key][1]:.0f}")
            continue
        if dn >= privacy.k_min:
            continue  # k_min people or more moved: their mean is not a secret
        x = _recovered(a[key], b[key])
        ka, kb = a[key][2], b[key][2]
        moved = abs(ka - kb) if ka is not None and kb is not None else None
        for name, (initiative, secret, *count) in (secrets or {}).items():
            if key[0] != "headline" and key[1] != initiative:
                continue
            if count and moved is not None and moved != count[0]:
                continue  # the difference rests on another number of ratings
            if x is not None and abs(x - secret) < 1e-6:
                leaks.append(f"{key}: gives {name} = {secret:.2f}")
    return leaks


def test_moving_a_small_group_to_the_other_side_changes_no_figure(demo: Dataset) -> None:
    # Attack 1 of issue 18 on the demo: Sales has 2 people on P-03. Today, moving them to tech
    # takes business from n=8, 60.00 to n=6, 54.17: (60 x 8 - 54.17 x 6) / 2 = 77.5, their mean.
    sales = _people(demo.feedback, initiative_id="P-03", group="Sales")
    assert sales["respondent"].nunique() == 2
    secret = float(sales["score"].mean())
    assert secret == pytest.approx(77.5)
    before = _figures(demo, K3)
    after = _figures(demo.with_sides({"Sales": "tech"}), K3)
    assert _differencing_leaks(before, after, K3, {"Sales on P-03": ("P-03", secret)}) == []
    for key in before:
        if key[0] in ("side", "gap", "overall") and key[1] == "P-03":
            assert before[key] == after.get(key), key
    # Moving a group of at least k_min people does move figures: the test can tell.
    big = _figures(demo.with_sides({"Customer Support": "tech"}), K3)
    assert before[("side", "P-01", "tech", "score")] != big[("side", "P-01", "tech", "score")]


def test_no_group_move_lets_subtraction_recover_a_small_group(demo: Dataset) -> None:
    # Every group of the demo that is under k_min on some initiative, moved to the other side
    # and to "unassigned": no figure may move by fewer than k_min people.
    fb = demo.feedback
    sizes = fb.groupby(["initiative_id", "group"])["respondent"].nunique()
    small = sizes[sizes < K3.k_min]
    assert len(small) >= 3, "the demo should hold small groups for this test to mean anything"
    secrets = {
        f"{g} on {i}": (i, float(_people(fb, initiative_id=i, group=g)["score"].mean()))
        for i, g in small.index
    }
    base = _figures(demo, K3)
    for group in sorted({g for _, g in small.index}):
        now = demo.group_sides[group]
        for to in {"tech", "business", "unknown"} - {now}:
            moved = _figures(demo.with_sides({group: to}), K3)
            assert _differencing_leaks(base, moved, K3, secrets) == [], (group, to)


def _partial_answers() -> Dataset:
    """P-1: Sales (business) 6 people and Eng (tech) 6 answer both dimensions; Finance
    (business) has 5 people, but only 2 of them answered Priority. P-2: Eng 6, Sales 6, and
    only 2 tech people from Data."""
    rows = [["Respondent", "Group", "Side", "Initiative", "Clarity of the why", "Priority"]]
    for k in range(6):
        rows.append([f"sales{k}", "Sales", "business", "P-1", 2 + k % 3, 3])
        rows.append([f"eng{k}", "Eng", "tech", "P-1", 3 + k % 2, 4])
        rows.append([f"sales{k}", "Sales", "business", "P-2", 3, 2 + k % 3])
        rows.append([f"eng{k}", "Eng", "tech", "P-2", 4, 4 - k % 2])
    for k in range(5):
        rows.append([f"fin{k}", "Finance", "business", "P-1", 3, 5 if k < 2 else None])
    for k in range(2):
        rows.append([f"data{k}", "Data", "tech", "P-2", 1, 1])
    result = run({"feedback.csv": csv_bytes(rows)})
    assert not result.errors, result.errors
    return result.dataset


def test_a_dimension_only_two_people_answered_cannot_be_isolated_by_the_filter() -> None:
    # Attack 2: Finance's cell is n=5 with and without Priority, yet its score moves by the
    # Priority answers of 2 people; the difference weighted by ratings gives their mean (100).
    ds = _partial_answers()
    fb = ds.feedback
    two = fb[(fb["group"] == "Finance") & (fb["dimension"] == "priority")]
    assert two["respondent"].nunique() == 2
    secret = float(two["score"].mean())
    every = _figures(ds, K3)
    why_only = _figures(ds, K3, ("why_clarity",))
    secrets = {"Finance's Priority": ("P-1", secret)}
    assert _differencing_leaks(every, why_only, K3, secrets) == []
    finance = ("group", "P-1", "Finance", "score")
    assert every[finance][0] == why_only[finance][0]
    # The drill-down has no Priority distribution for Finance: 2 people are behind it.
    prepared = scoring.prepare(fb)
    cells = scoring.by_group(prepared, K3)
    detail = scoring.drilldown(prepared, ds.comments, cells, "P-1", "group", "Finance", K3)
    assert detail.allowed
    assert set(detail.distribution["dimension"]) == {"why_clarity"}
    assert int(detail.distribution["count"].sum()) == 5


def test_overview_side_scores_leave_out_cells_hidden_elsewhere() -> None:
    # Attack 7: Data's 2 tech people on P-2 are hidden on every page, but the overview's tech
    # score over all initiatives included them; with P-1 and P-2's shown tech cells it bounds
    # (here: gives exactly) their answers.
    ds = _partial_answers()
    fb = scoring.prepare(ds.feedback)
    views = scoring.views(fb, K3)
    tech = views.side[views.side["side"] == "tech"].set_index("initiative_id")
    assert not tech.loc["P-1", "masked"] and not tech.loc["P-2", "masked"]
    shown = fb[(fb["side"] == "tech") & (fb["group"] == "Eng")]
    head = narrative.headline(ds, views, fb, K3)
    score, n = head.side_scores["tech"]
    assert n == 6
    assert score == pytest.approx(float(shown["score"].mean()))
    # Change only the hidden people's answers: the overview must not move.
    changed = ds.feedback.copy()
    changed.loc[changed["group"] == "Data", "score"] = 100.0
    fb2 = scoring.prepare(changed)
    again = narrative.headline(ds, scoring.views(fb2, K3), fb2, K3)
    assert again.side_scores == head.side_scores


def test_two_answers_added_between_snapshots_are_not_comparable(demo: Dataset) -> None:
    # Attack 6: take two Data & Analytics answers on P-09 out of an earlier snapshot; the
    # comparison showed tech at n=20 and n=22 side by side, giving their mean exactly.
    fb = demo.feedback
    tech = _people(fb, initiative_id="P-09", group="Data & Analytics")
    late = sorted(tech["respondent"].unique())[:2]
    earlier = replace(
        demo,
        feedback=fb[~(fb["respondent"].isin(late) & (fb["initiative_id"] == "P-09"))],
        fingerprint="earlier",
    )
    secret = float(tech[tech["respondent"].isin(late)]["score"].mean())
    cmp = compare.compare(earlier, demo, K3)
    cell = cmp.cells.set_index(["initiative_id", "side"]).loc[("P-09", "tech")]
    assert cell["status"] == compare.HIDDEN
    assert pd.isna(cell["score_before"]) and pd.isna(cell["score_after"])
    assert pd.isna(cell["n_before"]) and pd.isna(cell["n_after"])
    assert "joined or left" in cell["reading"]
    for row in cmp.cells.dropna(subset=["score_before", "score_after"]).to_dict("records"):
        a = (row["score_before"], row["n_before"], None)
        b = (row["score_after"], row["n_after"], None)
        x = _recovered(a, b)
        assert x is None or abs(x - secret) > 1e-6, row
        assert not 0 < abs(row["n_after"] - row["n_before"]) < K3.k_min, row
    gap_rows = cmp.gaps[cmp.gaps["initiative_id"] == "P-09"]
    assert gap_rows[["gap_before", "gap_after"]].isna().all().all()
    # Each snapshot on its own still shows the cell: only the comparison must not pair them.
    assert (
        not scoring.by_side(scoring.prepare(earlier.feedback), K3)
        .query("initiative_id == 'P-09' and side == 'tech'")["masked"]
        .any()
    )


def _dated_answers() -> Dataset:
    """P-1 answered in July (6 people), August (5), September (2), October (4), November (4)."""
    rows = [["Respondent", "Group", "Side", "Initiative", "Priority", "Date"]]
    months = {"2026-07": 6, "2026-08": 5, "2026-09": 2, "2026-10": 4, "2026-11": 4}
    n = 0
    for month, people in months.items():
        for k in range(people):
            n += 1
            rating = 5 if month == "2026-09" else 2 + k % 3
            rows.append([f"p{n}", "Eng" if n % 2 else "Sales", "", "P-1", rating, f"{month}-12"])
    result = run({"feedback.csv": csv_bytes(rows)})
    assert not result.errors, result.errors
    return result.dataset


def test_months_and_quarters_never_give_a_small_month_away() -> None:
    # Date range: the trend by month hides September (2 people) and, to protect it from the
    # initiative's total, the smallest other month (October). The trend by quarter showed Q3
    # (13 people) beside July and August: Q3 - July - August = September's two answers.
    ds = _dated_answers()
    fb = scoring.prepare(ds.feedback)
    sep = fb[fb["date"].dt.month == 9]
    secret = float(sep["score"].mean())
    months = scoring.trend(fb, K3, "M").set_index("period")
    quarters = scoring.trend(fb, K3, "Q").set_index("period")
    assert months.loc["2026-09", "masked"]
    for quarter, q in quarters.iterrows():
        inside = months[
            [
                p[:4] == quarter[:4] and (int(p[5:]) - 1) // 3 + 1 == int(quarter[-1])
                for p in months.index
            ]
        ]
        hidden = inside[inside["masked"]]
        if q["masked"]:
            assert inside["masked"].all(), f"{quarter} is hidden but its months rebuild it"
            continue
        # A shown quarter: its hidden months are none, or rest on k_min people together.
        true_n = fb[fb["date"].dt.to_period("M").astype(str).isin(hidden.index)]
        assert hidden.empty or true_n["respondent"].nunique() >= K3.k_min, quarter
        shown = inside[~inside["masked"]]
        if len(shown) and len(hidden):
            total = q["score"] * q["n"] - (shown["score"] * shown["n"]).sum()
            rest = q["n"] - shown["n"].sum()
            assert rest >= K3.k_min
            assert abs(total / rest - secret) > 1e-6


def _small_sets(dataset: Dataset, privacy: Privacy) -> dict[str, tuple[str, float]]:
    """The means an attacker is after: every group, and every group's question, on an
    initiative that fewer than k_min people answered."""
    fb = dataset.feedback
    out = {}
    for keys in (["initiative_id", "group"], ["initiative_id", "group", "dimension"]):
        for key, part in fb.groupby(keys):
            if part["respondent"].nunique() < privacy.k_min:
                out[" / ".join(map(str, key))] = (key[0], float(part["score"].mean()), len(part))
    return out


@pytest.fixture(scope="module")
def audit_data() -> Dataset:
    return run({"small-groups.xlsx": _fixture()}).dataset


def _configurations(dataset: Dataset) -> list[tuple[str, Dataset, tuple[str, ...]]]:
    """Every change a user can make on the analysis: each group on each side, and each choice
    of questions (all, one, all but one)."""
    dims = tuple(dataset.dimensions)
    out = [("as imported", dataset, ())]
    for group, now in dataset.group_sides.items():
        for to in sorted({"tech", "business", "unknown"} - {now}):
            out.append((f"{group} to {to}", dataset.with_sides({group: to}), ()))
    for d in dims:
        out.append((f"only {d}", dataset, (d,)))
        out.append((f"without {d}", dataset, tuple(x for x in dims if x != d)))
    return out


@pytest.mark.parametrize("source", ["audit", "partial"])
def test_no_pair_of_configurations_differs_by_fewer_than_k_min_people(
    source: str, audit_data: Dataset
) -> None:
    """The rule across views, checked on every pair (as imported, one change): side
    assignment and choice of questions, with the monthly and quarterly trend in each."""
    dataset = audit_data if source == "audit" else _partial_answers()
    secrets = _small_sets(dataset, K3)
    assert secrets, "the data should hold small groups for the audit to mean anything"
    configs = _configurations(dataset)
    figures = {name: _figures(ds, K3, dims) for name, ds, dims in configs}
    leaks = {}
    # Each change against the data as imported: the two figures then rest on nested sets of
    # people, so the change in n is the number of people whose answers differ.
    base, *changes = figures
    for other in changes:
        found = _differencing_leaks(figures[base], figures[other], K3, secrets)
        if found:
            leaks[f"{base} vs {other}"] = found[:3]
    assert leaks == {}


@pytest.mark.parametrize("removed", [1, 2, 3, 4])
def test_no_snapshot_pair_differs_by_fewer_than_k_min_people(removed: int, demo: Dataset) -> None:
    """Snapshots: an earlier workspace without some answers, compared with the later one."""
    fb = demo.feedback
    rng = np.random.default_rng(removed)
    drop = rng.choice(sorted(fb["respondent"].unique()), size=removed * 5, replace=False)
    earlier = replace(demo, feedback=fb[~fb["respondent"].isin(drop)], fingerprint=f"e{removed}")
    cmp = compare.compare(earlier, demo, K3)
    both = cmp.cells.dropna(subset=["n_before", "n_after"])
    dn = (both["n_after"] - both["n_before"]).abs()
    assert not ((dn > 0) & (dn < K3.k_min)).any()
    few = cmp.cells[cmp.cells["reading"] == compare.FEW_CHANGED_READING]
    assert few[["score_before", "score_after", "change"]].isna().all().all()
