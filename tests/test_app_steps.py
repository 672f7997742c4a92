"""App tests for the Indicators, Dependencies and Stakeholders & rituals pages on the demo."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from alignment import stakeholders
from components.state import Keys

ROOT = Path(__file__).resolve().parent.parent
MESSY = ROOT / "tests" / "fixtures" / "messy"
W = Keys.KEEP_ALIGNED_WIDGET


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    assert not at.exception
    return at


def _open(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _plain(markdown: str) -> str:
    """Markdown with the escapes of user text removed, to compare with plain words."""
    return markdown.replace("\\", "")


def _vega_specs(at: AppTest) -> list[dict]:
    specs = []
    for el in at.get("vega_lite_chart"):
        specs.append(json.loads(el.proto.spec))
    return specs


# --- Indicators ----------------------------------------------------------------------------------


def test_indicators_page_names_payments_escalations_first(app: AppTest) -> None:
    at = _open(app, "app_pages/indicators.py")
    warnings = at.dataframe[0].value
    first = warnings.iloc[0]
    assert (first["Scope"], first["Metric"], first["Severity"]) == (
        "Payments",
        "escalations",
        "High",
    )
    assert "escalations rose" in first["Why"] and "7 → 11" in first["Why"]
    assert set(warnings["Scope"]) == {"Payments"}
    # The top reasons are also written out (Markdown-escaped user text).
    assert any(_plain(m.value).startswith("- Payments: escalations rose") for m in at.markdown)
    # One small-multiples chart per metric, each with its threshold line.
    specs = [s for s in _vega_specs(at) if "facet" in s]
    assert len(specs) == 3
    assert all("threshold" in json.dumps(s) for s in specs)


def test_changing_a_threshold_changes_the_warnings(app: AppTest) -> None:
    at = _open(app, "app_pages/indicators.py")
    at.session_state[Keys.THRESHOLDS] = {"escalations": {"value": 50.0}}
    at.run()
    assert not at.exception
    row = at.dataframe[0].value.set_index("Metric").loc["escalations"]
    assert "over threshold" not in row["Rules tripped"]
    assert row["Threshold"] == 50


def test_detection_rules_can_be_changed(app: AppTest) -> None:
    at = _open(app, "app_pages/indicators.py")
    at.number_input(key=f"{W}rising").set_value(6).run()
    assert not at.exception
    assert at.session_state[Keys.DETECTION].rising_periods == 6
    rules = at.dataframe[0].value.set_index("Metric").loc["escalations", "Rules tripped"]
    assert "worsening" not in rules  # Payments rose 4 months running, not 6


def test_risk_index_shows_n_and_no_masked_figure(app: AppTest) -> None:
    at = _open(app, "app_pages/indicators.py")
    frames = [d.value for d in at.dataframe]
    per_initiative = next(f for f in frames if "Up to" in f.columns and "ID" in f.columns)
    assert per_initiative["n"].notna().all()  # the demo has enough respondents everywhere
    payments = per_initiative[per_initiative["Team"] == "Payments"]
    assert (payments["Indicators"] > 0).all()
    per_team = next(f for f in frames if "n per initiative" in f.columns)
    assert per_team.iloc[0]["Team"] == "Payments"
    sliders = [s for s in at.slider if s.key == f"{W}w-gap"]
    sliders[0].set_value(0).run()
    assert not at.exception
    assert at.session_state[Keys.RISK_WEIGHTS].gap == 0


def test_masked_alignment_stays_out_of_the_risk_index(app: AppTest, monkeypatch) -> None:
    monkeypatch.setenv("ALIGNMENT_K_MIN", "10")  # P-18 has 7 respondents: now hidden
    at = _open(app, "app_pages/indicators.py")
    frames = [d.value for d in at.dataframe]
    per_initiative = next(f for f in frames if "Up to" in f.columns and "ID" in f.columns)
    p18 = per_initiative.set_index("ID").loc["P-18"]
    assert p18["n"] is None or str(p18["n"]) in ("<NA>", "nan", "None")
    assert "hidden (fewer than 10 respondents)" in p18["Unknown"]
    assert p18["Gap"] != p18["Gap"]  # NaN: unknown, not zero


def test_indicators_page_without_indicators_explains_kindly(app: AppTest) -> None:
    at = _open(app, "app_pages/data.py")
    roadmap = MESSY / "Haulwise roadmap FINAL v3.xlsx"
    at.file_uploader[0].set_value(
        [(roadmap.name, roadmap.read_bytes(), "application/octet-stream")]
    ).run()
    at = _open(at, "app_pages/indicators.py")
    assert any("needs indicators" in i.value for i in at.info)


# --- Dependencies --------------------------------------------------------------------------------


def test_dependencies_page_draws_the_map_and_lists_findings(app: AppTest) -> None:
    at = _open(app, "app_pages/dependencies.py")
    dot = at.get("graphviz_chart")[1].proto.spec  # [0] is the legend
    assert dot.startswith("digraph") and "cluster_" in dot and "rankdir=LR" in dot
    legend = at.get("graphviz_chart")[0].proto.spec
    assert "At risk" in legend and "cross-team link" in legend
    assert any("No cycles" in s.value for s in at.success)
    frames = [d.value for d in at.dataframe]
    blocked = frames[0]
    assert {"P-11", "P-13", "P-22"} <= set(blocked["ID"])
    assert any("P-01 → P-13 → P-14 → P-22" in _plain(m.value) for m in at.markdown)
    assert any("due before the work they wait for" in w.value for w in at.warning)


def test_dependencies_focus_and_alignment_colours(app: AppTest) -> None:
    at = _open(app, "app_pages/dependencies.py")
    at.selectbox(key=f"{W}dep-focus").set_value("P-14").run()
    at.selectbox(key=f"{W}dep-colour").set_value("Alignment").run()
    assert not at.exception
    dot = at.get("graphviz_chart")[1].proto.spec  # [0] is the legend
    labels = [line for line in dot.splitlines() if 'label="P-' in line]
    assert {line.split('"')[1].split("\\n")[0] for line in labels} == {
        "P-01",
        "P-13",
        "P-14",
        "P-22",
        "P-29",
    }
    assert all("(n=" in line for line in labels)


# --- Stakeholders & rituals ----------------------------------------------------------------------


def test_a_roadmap_without_dependencies_says_how_to_add_them(app: AppTest) -> None:
    at = _open(app, "app_pages/data.py")
    data = b"ID,Name,Team\nA-1,Ledger,Payments\nA-2,Portal,Apps\n"
    at.file_uploader[0].set_value([("roadmap.csv", data, "text/csv")]).run()
    at = _open(at, "app_pages/dependencies.py")
    assert any("'Depends on' column" in i.value for i in at.info)
    assert not at.get("graphviz_chart")


def test_a_large_roadmap_opens_on_the_team_overview(app: AppTest) -> None:
    at = _open(app, "app_pages/data.py")
    rows = [["ID", "Name", "Team", "Status", "Depends on"]]
    rows += [
        [
            f"X-{i:03d}",
            f"Initiative {i}",
            f"Team {i % 6}",
            "Planned",
            f"X-{i - 6:03d}" if i >= 6 else "",
        ]
        for i in range(60)
    ]
    data = "\n".join(",".join(r) for r in rows).encode()
    at.file_uploader[0].set_value([("roadmap.csv", data, "text/csv")]).run()
    at = _open(at, "app_pages/dependencies.py")
    charts = at.get("graphviz_chart")
    assert charts[0].proto.spec.startswith("digraph teams")
    assert any("too many to read in one drawing" in i.value for i in at.info)
    at.multiselect(key=f"{W}dep-teams").set_value(["Team 1"]).run()
    assert not at.exception
    spec = at.get("graphviz_chart")[1].proto.spec
    assert spec.startswith("digraph dependencies") and "X-007" in spec


def test_stakeholders_page_lists_overdue_key_stakeholders(app: AppTest) -> None:
    at = _open(app, "app_pages/stakeholders.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Key stakeholders"] == "9"
    overdue = at.dataframe[0].value
    assert overdue.iloc[0]["Name"] == "Daniel Okoye"
    assert overdue["Days overdue"].tolist() == sorted(overdue["Days overdue"], reverse=True)
    assert overdue["Key"].all()
    assert any("Manage closely" in json.dumps(s) for s in _vega_specs(at))


def test_rituals_last_held_is_kept_in_the_session(app: AppTest) -> None:
    at = _open(app, "app_pages/stakeholders.py")
    rituals = list(stakeholders.DEFAULT_RITUALS)
    rituals[0] = stakeholders.Ritual(
        rituals[0].name, "monthly", rituals[0].why, dt.date(2026, 11, 2)
    )
    at.session_state[Keys.RITUALS] = rituals
    at = _open(at, "app_pages/indicators.py")
    at = _open(at, "app_pages/stakeholders.py")
    assert at.session_state[Keys.RITUALS][0].last_held == dt.date(2026, 11, 2)
    editor = next(d for d in at.dataframe if d.proto.editing_mode and "ritual" in d.value.columns)
    first = editor.value.iloc[0]
    assert first["ritual"] == "Monthly roadmap review"
    assert first["next_due"].date() == dt.date(2026, 12, 2)
    assert first["status"] == "Due within a week"
    # The others have never been held: due now.
    assert set(editor.value["status"].iloc[1:]) == {"Not held yet"}


def test_calendar_is_offered_with_its_count(app: AppTest) -> None:
    at = _open(app, "app_pages/stakeholders.py")
    assert [b.proto.label for b in at.get("download_button") if "Calendar" in b.proto.label] == [
        "Calendar (.ics)"
    ]
    occ = stakeholders.schedule(stakeholders.DEFAULT_RITUALS, dt.date(2026, 11, 25))
    assert any(f"{len(occ)} all-day reminders" in c.value for c in at.caption)
    preview = next(
        d.value for d in at.dataframe if "Ritual" in d.value.columns and "Date" in d.value.columns
    )
    assert preview.iloc[0]["Date"] == dt.date(2026, 11, 25)


def test_stakeholder_page_without_stakeholders_still_offers_rituals(app: AppTest) -> None:
    at = _open(app, "app_pages/data.py")
    roadmap = MESSY / "Haulwise roadmap FINAL v3.xlsx"
    at.file_uploader[0].set_value(
        [(roadmap.name, roadmap.read_bytes(), "application/octet-stream")]
    ).run()
    at = _open(at, "app_pages/stakeholders.py")
    assert any("need a stakeholders table" in i.value for i in at.info)
    assert any(b.proto.label == "Calendar (.ics)" for b in at.get("download_button"))
