"""The demo workbook tells its story: each planted case is checked from the data, not by name.

The figures follow the Method page (0-100 normalisation, tech - business gaps, Welch
intervals, the polarised-cell rule), computed here independently of the scoring code, so a demo
that silently stops showing a case fails here rather than in front of a user.
"""

from __future__ import annotations

import io
import re
import warnings
from collections import defaultdict

import numpy as np
import openpyxl
import pandas as pd
import pytest
from scipy import stats

from alignment import demo, schema

DIMS = [d.label for d in schema.DIMENSIONS]
WHY, VALUE = schema.DIMENSIONS[0].label, schema.DIMENSIONS[1].label
K = schema.DEFAULT_SCALE[1]
SIGMA2_EU = (K**2 - 1) / 12
K_MIN = 3


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return demo.build_demo_tables()


@pytest.fixture(scope="module")
def ratings(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Long form: one row per respondent, initiative and answered dimension, with side and 0-100."""
    fb = tables["feedback"].assign(Side=lambda d: d["Group"].map(_side))
    long = fb.melt(
        id_vars=["Respondent", "Group", "Side", "Initiative"],
        value_vars=DIMS,
        var_name="Dimension",
        value_name="Rating",
    ).dropna(subset=["Rating"])
    return long.assign(Score=100 * (long["Rating"].astype(float) - 1) / (K - 1))


def _side(group: str) -> str:
    """The side a group name points to by the schema's whole-word lists (the importer's rule)."""
    text = " " + " ".join(re.findall(r"[a-z0-9&]+", group.lower())) + " "
    tech = any(f" {w} " in text for w in schema.DEFAULT_TECH_GROUPS)
    business = any(f" {w} " in text for w in schema.DEFAULT_BUSINESS_GROUPS)
    if tech == business:
        return "unknown"
    return "tech" if tech else "business"


def _ids(cell: object) -> list[str]:
    if cell is None or pd.isna(cell):
        return []
    return [part.strip() for part in str(cell).split(",") if part.strip()]


def _gaps(ratings: pd.DataFrame) -> pd.DataFrame:
    """Per initiative and dimension: tech - business gap, n per side, 95% Welch interval."""
    rows = []
    for (initiative, dim), part in ratings.groupby(["Initiative", "Dimension"]):
        tech = part.loc[part["Side"] == "tech", "Score"].to_numpy()
        business = part.loc[part["Side"] == "business", "Score"].to_numpy()
        if len(tech) < 2 or len(business) < 2:
            continue
        with warnings.catch_warnings():  # a side whose ratings are all equal is fine here
            warnings.simplefilter("ignore", RuntimeWarning)
            ci = stats.ttest_ind(tech, business, equal_var=False).confidence_interval(0.95)
        rows.append(
            {
                "initiative": initiative,
                "dimension": dim,
                "gap": tech.mean() - business.mean(),
                "n_tech": len(tech),
                "n_business": len(business),
                "low": ci.low,
                "high": ci.high,
            }
        )
    return pd.DataFrame(rows)


def _polarised(part: pd.DataFrame) -> bool:
    """Method page: >= 25% of respondent means <= 25 and >= 25% >= 75, or variance over uniform."""
    means = part.groupby("Respondent")["Rating"].mean().astype(float)
    scores = 100 * (means - 1) / (K - 1)
    split = (scores <= 25).mean() >= 0.25 and (scores >= 75).mean() >= 0.25
    return bool(split or (len(means) >= 2 and means.var(ddof=1) > SIGMA2_EU))


# --- shape ------------------------------------------------------------------------------------


def test_tables_are_headed_by_schema_labels(tables: dict[str, pd.DataFrame]) -> None:
    assert set(tables) == {t.name for t in demo.SHEETS}
    for name, fields in demo.COLUMNS.items():
        table = schema.TABLE_BY_NAME[name]
        assert list(tables[name].columns) == [table.field(f).label for f in fields]
    assert list(tables["feedback"].columns[3 : 3 + len(DIMS)]) == DIMS


def test_same_seed_same_tables_other_seed_other_survey() -> None:
    first, second = demo.build_demo_tables(7), demo.build_demo_tables(7)
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name])
    other = demo.build_demo_tables(8)["feedback"]
    assert not other.equals(first["feedback"])


# --- initiatives, objectives, dependencies ------------------------------------------------------


def test_initiatives_look_like_a_real_roadmap(tables: dict[str, pd.DataFrame]) -> None:
    ini = tables["initiatives"]
    assert ini["Initiative ID"].tolist() == [f"P-{i:02d}" for i in range(1, 31)]
    assert ini["Team"].nunique() == 5
    assert ini["Team"].value_counts().min() >= 5
    assert ini["Effort"].between(3, 40).all()
    assert ini["Business value"].isin(schema.LEVELS).all()
    assert ini["Risk"].isin(schema.LEVELS).all()
    assert ini["Status"].isin(schema.STATUSES).all()
    status = ini["Status"].value_counts()
    assert status.get("At risk", 0) >= 3
    assert status.get("Blocked", 0) == 1
    assert status.get("Done", 0) >= 2
    targets = ini["Target"]
    quarters = targets[targets.map(lambda v: isinstance(v, str))]
    assert quarters.str.fullmatch(r"Q[1-4] \d{4}").all() and len(quarters) >= 5
    assert targets.map(lambda v: isinstance(v, pd.Timestamp)).sum() >= 5
    jargon = ("microservices", "kafka", "ci/cd", "tech debt", "api", "latency", "data pipeline")
    text = " ".join(ini["Description"]).lower()
    assert all(word in text for word in jargon)
    assert ini["Owner"].notna().all() and ini["KPI"].notna().all()


def test_one_objective_is_uncovered_and_some_work_is_orphaned(
    tables: dict[str, pd.DataFrame],
) -> None:
    ini, obj = tables["initiatives"], tables["objectives"]
    assert len(obj) == 5
    assert obj["Weight"].sum() == 100
    served = {g for cell in ini["Objective(s)"] for g in _ids(cell)}
    assert served <= set(obj["Objective ID"])
    assert len(set(obj["Objective ID"]) - served) == 1
    orphans = ini["Objective(s)"].map(lambda c: not _ids(c))
    assert 3 <= orphans.sum() <= 4
    no_why = ini["Why"].isna() | (ini["Why"].fillna("").str.strip() == "")
    assert 4 <= no_why.sum() <= 5


def test_dependencies_form_a_dag_across_teams(tables: dict[str, pd.DataFrame]) -> None:
    ini = tables["initiatives"].set_index("Initiative ID")
    deps = {i: _ids(cell) for i, cell in ini["Depends on"].items()}
    assert all(d in ini.index for ds in deps.values() for d in ds)
    # Kahn's algorithm: every node is removed iff there is no cycle.
    indegree = {i: len(ds) for i, ds in deps.items()}
    users = defaultdict(list)
    for i, ds in deps.items():
        for d in ds:
            users[d].append(i)
    ready = [i for i, n in indegree.items() if n == 0]
    removed = 0
    while ready:
        node = ready.pop()
        removed += 1
        for user in users[node]:
            indegree[user] -= 1
            if indegree[user] == 0:
                ready.append(user)
    assert removed == len(ini)
    edges = [(i, d) for i, ds in deps.items() for d in ds]
    assert sum(ini.at[i, "Team"] != ini.at[d, "Team"] for i, d in edges) >= 3
    assert any(ini.at[d, "Status"] == "At risk" for _, d in edges)


# --- feedback -----------------------------------------------------------------------------------


def test_feedback_is_a_big_pseudonymous_survey(tables: dict[str, pd.DataFrame]) -> None:
    fb = tables["feedback"]
    assert len(fb) > 1000
    values = fb[DIMS].stack().dropna()
    assert len(values) > 5000
    assert values.isin(range(1, 6)).all()
    missing = int(fb[DIMS].isna().sum().sum())
    assert 0 < missing < 0.01 * fb[DIMS].size
    assert fb["Respondent"].str.fullmatch(r"r-\d{4}").all()
    assert 140 <= fb["Respondent"].nunique() <= 160
    assert (fb.groupby("Respondent")["Group"].nunique() == 1).all()
    per_person = fb.groupby("Respondent")["Initiative"]
    assert per_person.size().between(6, 12).all()
    assert (per_person.nunique() == per_person.size()).all()
    assert set(fb["Initiative"]) <= set(tables["initiatives"]["Initiative ID"])
    dates = fb["Date"]
    assert dates.min() >= pd.Timestamp("2026-06-01") and dates.max() <= pd.Timestamp("2026-11-30")
    assert dates.dt.month.nunique() == 6
    assert 0.2 <= fb["Comment"].notna().mean() <= 0.4


def test_ten_groups_five_per_side(tables: dict[str, pd.DataFrame]) -> None:
    sides = pd.Series({g: _side(g) for g in tables["feedback"]["Group"].unique()})
    assert len(sides) == 10
    assert (sides.value_counts() == 5).all() and set(sides) == {"tech", "business"}


def test_most_cells_clear_anonymity_and_a_few_do_not(tables: dict[str, pd.DataFrame]) -> None:
    n = tables["feedback"].groupby(["Initiative", "Group"])["Respondent"].nunique()
    assert n.between(3, 10).mean() >= 0.8
    assert 3 <= (n < K_MIN).sum() <= 10


def test_three_initiatives_tech_rates_far_higher_and_one_the_business_does(
    ratings: pd.DataFrame,
) -> None:
    gaps = _gaps(ratings).set_index(["initiative", "dimension"])
    wide = gaps["gap"].unstack()
    tech_high = wide.index[(wide[WHY] >= 35) & (wide[VALUE] >= 35)]
    business_high = wide.index[(wide[WHY] <= -35) & (wide[VALUE] <= -35)]
    assert len(tech_high) == 3
    assert len(business_high) == 1
    for initiative in [*tech_high, *business_high]:
        for dim in (WHY, VALUE):
            row = gaps.loc[(initiative, dim)]
            assert row["low"] > 0 or row["high"] < 0  # the interval excludes 0
            assert row["n_tech"] >= 20 and row["n_business"] >= 20


def test_an_unclear_gap_rests_on_few_people(ratings: pd.DataFrame) -> None:
    gaps = _gaps(ratings)
    unclear = gaps[
        gaps["gap"].abs().between(15, 25)
        & gaps["n_tech"].between(3, 4)
        & gaps["n_business"].between(3, 4)
        & (gaps["low"] < 0)
        & (gaps["high"] > 0)
    ]
    assert len(unclear) >= 1


def test_exactly_one_shown_cell_is_polarised_in_a_big_business_group(ratings: pd.DataFrame) -> None:
    cells = ratings.groupby(["Initiative", "Group"])
    shown = [key for key, part in cells if part["Respondent"].nunique() >= K_MIN]
    polarised = [key for key in shown if _polarised(cells.get_group(key))]
    assert len(polarised) == 1
    part = cells.get_group(polarised[0])
    assert _side(polarised[0][1]) == "business"
    assert part["Respondent"].nunique() >= 8
    # Two camps on every dimension: each respondent is all-low or all-high, about half each.
    per_person = part.groupby("Respondent")["Rating"].agg(["min", "max"])
    low = per_person["max"] <= 2
    high = per_person["min"] >= 4
    assert (low | high).all()
    assert 0.3 <= low.mean() <= 0.7


def test_somewhere_everyone_agrees(ratings: pd.DataFrame) -> None:
    cells = ratings.groupby(["Initiative", "Group"])
    agree = [
        key
        for key, part in cells
        if part["Respondent"].nunique() >= 5 and part["Rating"].isin([4, 5]).all()
    ]
    assert agree


# --- indicators, stakeholders, glossary -----------------------------------------------------------


def test_payments_escalations_rise_above_every_other_team(tables: dict[str, pd.DataFrame]) -> None:
    ind = tables["indicators"]
    assert ind["Period"].nunique() == 12
    assert set(ind["Metric"]) == set(schema.INDICATOR_METRICS)
    esc = (
        ind[ind["Metric"] == "escalations"]
        .pivot(index="Period", columns="Scope", values="Value")
        .sort_index()
    )
    assert len(esc.columns) == 5
    rising = esc[demo.RISING_TEAM].iloc[-4:]
    assert rising.is_monotonic_increasing and rising.is_unique
    others = esc.drop(columns=demo.RISING_TEAM)
    assert esc[demo.RISING_TEAM].iloc[-1] > 2 * others.iloc[-4:].to_numpy().max()
    assert others.to_numpy().max() <= 6  # the other teams stay noisy but flat


def test_key_stakeholders_are_overdue(tables: dict[str, pd.DataFrame]) -> None:
    st = tables["stakeholders"]
    assert 12 <= len(st) <= 16
    last = st["Last 1:1"]
    assert last.min() >= pd.Timestamp("2026-07-01") and last.max() <= pd.Timestamp("2026-11-20")
    assert st["Cadence"].isin(schema.CADENCES).all()
    due = last + pd.to_timedelta(st["Cadence"].map(schema.CADENCES), unit="D")
    key = st["Influence"].isin(["High", "Very high"])
    assert (key & (due < demo.AS_OF)).sum() >= 3
    assert (key & (due >= demo.AS_OF)).sum() >= 2


def test_glossary_covers_the_jargon(tables: dict[str, pd.DataFrame]) -> None:
    gl = tables["glossary"]
    assert len(gl) >= 10 and gl["Term"].is_unique
    assert {"Freightline", "Kafka", "SLO"} <= set(gl["Term"])
    assert gl["Business wording"].str.len().gt(10).all()


# --- the workbook ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook_bytes() -> bytes:
    return demo.build_demo_workbook()


def test_workbook_reads_back_with_the_same_shapes(
    workbook_bytes: bytes, tables: dict[str, pd.DataFrame]
) -> None:
    sheets = pd.read_excel(io.BytesIO(workbook_bytes), sheet_name=None, engine="calamine")
    assert list(sheets) == [demo.ABOUT_SHEET, *(t.label for t in demo.SHEETS)]
    for table in demo.SHEETS:
        assert sheets[table.label].shape == tables[table.name].shape
        assert list(sheets[table.label].columns) == list(tables[table.name].columns)
    fb = sheets[schema.FEEDBACK.label]
    assert pd.api.types.is_datetime64_any_dtype(fb["Date"])
    assert int(fb[DIMS].isna().sum().sum()) == int(tables["feedback"][DIMS].isna().sum().sum())


def test_workbook_is_styled_and_dates_are_real(workbook_bytes: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    assert wb.sheetnames[0] == demo.ABOUT_SHEET
    assert "Haulwise" in str(wb[demo.ABOUT_SHEET]["A1"].value)
    for table in demo.SHEETS:
        ws = wb[table.label]
        assert ws.freeze_panes == "A2"
        assert all(cell.font.bold for cell in ws[1])
    feedback = wb[schema.FEEDBACK.label]
    date_col = [c.value for c in feedback[1]].index("Date") + 1
    cell = feedback.cell(row=2, column=date_col)
    assert cell.is_date and cell.number_format == "yyyy-mm-dd"
    last = wb[schema.STAKEHOLDERS.label]
    assert all(c.is_date for c in last["F"][1:])


def test_workbook_bytes_are_stable(workbook_bytes: bytes) -> None:
    assert demo.build_demo_workbook() == workbook_bytes


def test_bundled_file_matches_the_generator(workbook_bytes: bytes) -> None:
    if not demo.DEFAULT_PATH.exists():
        pytest.skip("sample_data/demo_workbook.xlsx not generated")
    assert demo.DEFAULT_PATH.read_bytes() == workbook_bytes, "run: python -m alignment.demo"


def test_planted_cases_hold_for_another_seed() -> None:
    """The story is built in, not luck of seed 7: another seed keeps the headline cases."""
    fb = demo.build_demo_tables(11)["feedback"]
    per_person = fb.groupby("Respondent")["Initiative"].size()
    assert per_person.between(6, 12).all()
    long = fb.melt(id_vars=["Group", "Initiative"], value_vars=[WHY], value_name="Rating")
    long = long.dropna().assign(Side=lambda d: d["Group"].map(_side))
    means = long.groupby(["Initiative", "Side"])["Rating"].mean().unstack()
    gap = 25 * (means["tech"] - means["business"])
    assert (gap >= 35).sum() == 3 and (gap <= -35).sum() == 1
    assert np.isfinite(gap).sum() == 30


def test_a_dimension_added_to_the_schema_is_rated_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo is keyed by dimension name: a new dimension gets ratings, not a crash."""
    extra = schema.Dimension("fairness", "Fairness", "The effort is shared fairly.", (), ())
    monkeypatch.setattr(schema, "DIMENSIONS", (*schema.DIMENSIONS, extra))
    feedback = demo.build_demo_tables()["feedback"]
    assert list(feedback.columns[3 : 4 + len(DIMS)]) == [*DIMS, "Fairness"]
    ratings = pd.to_numeric(feedback["Fairness"], errors="coerce").dropna()
    assert len(ratings) > 0.9 * len(feedback)
    assert ratings.between(1, 5).all()
