"""The suite's own layout: how its tests are shared between workers (see tests/conftest.py)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.conftest import work_unit

ROOT = Path(__file__).resolve().parents[1]


def test_the_suite_runs_on_every_core() -> None:
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "-n auto" in options["addopts"]
    assert "pytest-xdist" in (ROOT / "requirements-dev.txt").read_text()


def test_the_two_modules_sharing_the_page_walk_run_on_one_worker() -> None:
    # Apart, each worker would walk every page again: two minutes each.
    walk = {
        work_unit("tests/e2e/test_accessibility.py::test_every_page_on_the_demo[overview]"),
        work_unit("tests/e2e/test_accessibility.py::test_every_page_after_an_upload"),
        work_unit("tests/e2e/test_text_hygiene.py::test_no_internal_text_on_any_page_of_the_demo"),
    }
    assert len(walk) == 1
    for name in ("test_accessibility.py", "test_text_hygiene.py"):
        assert (ROOT / "tests" / "e2e" / name).is_file()


def test_an_end_to_end_module_stays_whole_and_unit_tests_go_one_by_one() -> None:
    a = work_unit("tests/e2e/test_workshop.py::test_phones_vote_at_once")
    b = work_unit("tests/e2e/test_workshop.py::test_a_phone_cannot_wander")
    assert a == b != work_unit("tests/e2e/test_xss.py::test_hostile_text_is_shown_not_run")
    one = work_unit("tests/test_scoring.py::test_a")
    assert one != work_unit("tests/test_scoring.py::test_b")
