"""AppTest of a prioritisation session (issue #16): the facilitator creates one, phones estimate
on the Fibonacci scale, the facilitator's view opens on the widest disagreement after the
reveal, and the results, added to the data, reach each side's ranking on the Prioritisation page.

Each test gets its own database (``db_path``), the app and the test sharing the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from alignment import joincodes, prioritise, workshop
from alignment.store import Store
from components.state import Keys

ROOT = Path(__file__).resolve().parent.parent
ITEMS = [("P-01", "Event bus"), ("P-02", "Observability"), ("P-03", "Cost right-sizing")]
GROUPS = [("Tech", "tech"), ("Business", "business")]
# (business value, time criticality, risk reduction, job size): tech ranks P-02 first, the
# business P-01; P-02 is where they are furthest apart (tech 1st, business 3rd).
TECH = {"P-01": (3, 3, 3, 3), "P-02": (8, 8, 8, 2), "P-03": (1, 1, 1, 13)}
BUSINESS = {"P-01": (13, 13, 13, 3), "P-02": (2, 2, 2, 8), "P-03": (5, 5, 5, 5)}


@pytest.fixture
def store(db_path: Path) -> Store:
    s = Store(f"sqlite:///{db_path}", parts=(workshop.SCHEMA,))
    yield s
    s.dispose()


def _app(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "title", "subheader")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def _session(store: Store, people: list[tuple[str, dict]], k_min: int = 2) -> workshop.Workshop:
    ws = workshop.create(
        store, title="Q3 priorities", mode=workshop.WSJF, items=ITEMS, groups=GROUPS, k_min=k_min
    )
    for group, estimates in people:
        token = joincodes.new_token()
        workshop.join(store, ws.id, token, group)
        workshop.answer_many(
            store,
            ws.id,
            token,
            {
                (item, dim): value
                for item, values in estimates.items()
                for dim, value in zip(workshop.WSJF_DIMENSIONS, values, strict=True)
            },
        )
    return ws


def test_the_facilitator_creates_a_prioritisation_session(store: Store) -> None:
    at = _app()
    at.switch_page("app_pages/workshop.py").run()
    at.text_input(key="ws-new-title").input("Quarterly prioritisation").run()
    at.radio(key="ws-new-mode").set_value(workshop.WSJF).run()
    texts = _texts(at)
    assert "taps 24 times (6 initiatives × 4 estimates)" in texts
    assert "1, 2, 3, 5, 8, 13, 20" in texts
    at.button(key="ws-create").click().run()
    assert not at.exception
    [ws] = workshop.all_workshops(store)
    assert ws.mode == workshop.WSJF
    assert ws.dimensions == workshop.WSJF_DIMENSIONS
    assert "Prioritise (WSJF) · 6 initiatives · 4 estimates each on 1–20" in _texts(at)


def test_a_phone_estimates_on_the_fibonacci_scale_and_is_told_how_many_taps(
    store: Store,
) -> None:
    ws = _session(store, [])
    at = _app(code=ws.code)
    at.selectbox(key=f"join-group-{ws.code}").select("Business").run()
    assert "12 taps" in _texts(at) and "3 initiatives × 4 estimates" in _texts(at)
    key = f"join-rate::{ws.code}::P-02::job_size"
    control = at.segmented_control(key=key)
    assert control.options == ["1", "2", "3", "5", "8", "13", "20"]
    assert "Job size" in control.label
    control.set_value(13).run()
    token = at.session_state[Keys.PARTICIPANT_TOKENS][ws.code]
    assert workshop.own_answers(store, ws.id, token) == {("P-02", "job_size"): 13.0}
    assert not at.get("vega_lite_chart") and "Discuss these first" not in _texts(at)


def test_after_the_reveal_the_view_opens_on_the_widest_disagreement(store: Store) -> None:
    ws = _session(store, [("Tech", TECH)] * 2 + [("Business", BUSINESS)] * 2)
    at = _app()
    at.switch_page("app_pages/workshop.py").run()
    assert "Discuss these first" not in _texts(at), "nothing before the reveal"
    assert not at.get("arrow_data_frame")
    workshop.set_state(store, ws.id, revealed=True)
    at.run()
    assert not at.exception
    markdown = [m.value for m in at.markdown]
    first = markdown.index("#### The room's ranking")
    assert first < markdown.index("### Code: " + joincodes.pretty(ws.code)), "results on top"
    cards = markdown[markdown.index("#### Discuss these first") + 1 :]
    assert cards[0] == "**P\\-02 Observability**"
    assert cards[1] == "Business **3rd** · tech **1st** · 2 places apart"
    assert "tech rates business value 8, business 2" in _texts(at)
    table = at.dataframe[0].value
    assert table["Initiative"].tolist() == [
        "P-02 Observability",
        "P-01 Event bus",
        "P-03 Cost right-sizing",
    ]
    assert table["Business"].tolist() == ["3rd", "1st", "2nd"]
    assert table["Tech"].tolist() == ["1st", "2nd", "3rd"]
    assert "Business n=2 · tech n=2 · everyone n=4" in _texts(at)
    assert at.get("vega_lite_chart"), "the two rankings side by side"

    # The phones show the same order after the reveal.
    phone = _app(code=ws.code)
    assert "Discuss these first" in _texts(phone)
    assert phone.dataframe[0].value["Initiative"].tolist()[0] == "P-02 Observability"


def test_a_side_under_k_min_has_no_ranking_in_the_room(store: Store) -> None:
    ws = _session(store, [("Tech", TECH)] * 3 + [("Business", BUSINESS)], k_min=3)
    workshop.set_state(store, ws.id, revealed=True)
    at = _app()
    at.switch_page("app_pages/workshop.py").run()
    texts = _texts(at)
    assert "Discuss these first" not in texts
    assert "Only one side has a ranking" in texts
    assert "business hidden (fewer than 3 people)".lower() in texts.lower()
    table = at.dataframe[0].value
    assert set(table["Business"]) == {"–"} and set(table["Room"]) == {"–"}
    assert table["Tech"].tolist() == ["1st", "2nd", "3rd"]


def test_added_results_reach_each_sides_ranking_on_the_prioritisation_page(
    store: Store,
) -> None:
    ws = _session(store, [("Tech", TECH)] * 3 + [("Business", BUSINESS)] * 3, k_min=3)
    workshop.set_state(store, ws.id, revealed=True)
    at = _app()
    at.switch_page("app_pages/prioritise.py").run()
    assert not at.exception
    before = at.session_state[Keys.RESULT].dataset
    page_before = _texts(at)
    at.switch_page("app_pages/workshop.py").run()
    at.button(key="ws-add").click().run()
    assert not at.exception
    assert "each side's ranking on the Prioritisation page includes them" in _texts(at)
    after = at.session_state[Keys.RESULT].dataset
    # The importer gives respondents pseudonyms of its own: count rows, not names.
    assert len(after.estimates) == len(before.estimates) + 6 * 3 * 3, "TC, RR and job size"
    value = after.feedback[after.feedback["dimension"] == "business_value"]
    old_value = before.feedback[before.feedback["dimension"] == "business_value"]
    assert len(value) == len(old_value) + 6 * 3
    assert (value["scale_max"] == 20.0).sum() == (old_value["scale_max"] == 20.0).sum() + 18

    old = prioritise.prioritise(before, "wsjf", replicates=20)
    new = prioritise.prioritise(after, "wsjf", replicates=20)
    assert new.n["tech"] == old.n["tech"] + 3 and new.n["business"] == old.n["business"] + 3
    at.switch_page("app_pages/prioritise.py").run()
    assert not at.exception
    page_after = _texts(at)
    assert f"tech n={old.n['tech']}" in page_before
    assert f"tech n={new.n['tech']}" in page_after
    assert f"business n={new.n['business']}" in page_after


def test_the_projector_shows_the_disagreement_only_after_the_reveal(store: Store) -> None:
    ws = _session(store, [("Tech", TECH)] * 2 + [("Business", BUSINESS)] * 2)
    at = _app()
    at.query_params["workshop"] = str(ws.id)
    at.switch_page("app_pages/present.py").run()
    assert not at.exception
    assert not at.get("vega_lite_chart") and "Discuss these first" not in _texts(at)
    assert {m.label: m.value for m in at.metric}["Answers"] == "48"
    workshop.set_state(store, ws.id, revealed=True)
    at.run()
    assert not at.exception
    assert "### Discuss these first" in [m.value for m in at.markdown], "large on the projector"
    assert at.dataframe[0].value["Initiative"].tolist()[0] == "P-02 Observability"
    assert at.get("vega_lite_chart"), "each side's ranking, side by side"
