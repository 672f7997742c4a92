"""The optional password, as users meet it: every page asks, participants' pages do not."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from alignment.access import ENV_HASH, hash_password

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a long and private phrase"


@pytest.fixture(scope="module")
def stored() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
def protected(monkeypatch, stored: str) -> AppTest:
    monkeypatch.setenv(ENV_HASH, stored)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    return at


def test_without_a_password_the_app_is_open_and_says_so(monkeypatch) -> None:
    monkeypatch.delenv(ENV_HASH, raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.text_input
    at.switch_page("app_pages/settings.py").run()
    assert any("This workbench is open" in w.value for w in at.warning)


def test_every_page_asks_for_the_password(protected: AppTest) -> None:
    assert [t.label for t in protected.text_input] == ["Password"]
    assert not protected.metric  # nothing of the data is shown
    for page in (
        "app_pages/data.py",
        "app_pages/alignment.py",
        "app_pages/workshop.py",
        "app_pages/settings.py",
    ):
        protected.switch_page(page).run()
        assert [t.label for t in protected.text_input] == ["Password"], page
        assert not protected.dataframe, page


def test_a_wrong_password_is_refused_and_the_right_one_opens(protected: AppTest) -> None:
    protected.text_input[0].input("guess")
    protected.button[0].click().run()
    assert any("not right" in e.value for e in protected.error)
    protected.text_input[0].input(PASSWORD)
    protected.button[0].click().run()
    assert not protected.text_input
    assert protected.metric  # the overview's figures
    protected.switch_page("app_pages/settings.py").run()
    assert any("A password protects" in s.value for s in protected.success)
    next(b for b in protected.button if b.label == "Log out").click().run()
    assert [t.label for t in protected.text_input] == ["Password"]


def test_participant_pages_need_no_password(monkeypatch, stored: str) -> None:
    monkeypatch.setenv(ENV_HASH, stored)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["code"] = "ABCDEFGH"
    at.run()
    assert "Password" not in [t.label for t in at.text_input]
    assert not at.exception


def test_a_broken_hash_keeps_the_app_closed(monkeypatch) -> None:
    monkeypatch.setenv(ENV_HASH, "not-a-hash")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.text_input[0].input("anything")
    at.button[0].click().run()
    assert any("not valid" in e.value for e in at.error)
    assert not at.metric
