"""Shared test set-up: no test ever touches the real ``data/workbench.sqlite``.

Before any test module is imported, the store is pointed at a file in a fresh temporary folder
(``ALIGNMENT_DB_PATH``; ``ALIGNMENT_DB_URL`` is removed since it would win). Servers started by
the end-to-end tests inherit the same variable. Tests that need their own database use the
``db_path`` fixture, which points the variable at a file of their own.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from alignment import config as settings

_SESSION_DIR = tempfile.mkdtemp(prefix="aw-tests-")


def pytest_configure(config: pytest.Config) -> None:
    os.environ.pop(settings.env("db_url"), None)
    os.environ[settings.env("db_path")] = str(Path(_SESSION_DIR) / "session.sqlite")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SESSION_DIR, ignore_errors=True)


# The suite runs on every core (pytest-xdist, ``-n auto`` in pyproject.toml). Work goes out in
# units: each end-to-end module is one (its live app and browser start once per worker), the
# accessibility and text-hygiene modules together are one (they share one walk through every
# page, a session fixture), and every other test is a unit of its own. A worker holds at most
# two units at a time, so the long end-to-end modules do not leave the other core idle.
# (xdist's own ``--dist loadgroup`` would do the grouping, but it renames items through an
# attribute pytest 9.2 no longer reads, so its groups are silently ignored.)
_SHARED_WALK = {"test_accessibility.py", "test_text_hygiene.py"}


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to: tests of one unit run on one worker, in order."""
    path = nodeid.split("::", 1)[0]
    folder, _, name = path.rpartition("/")
    if not folder.endswith("e2e"):
        return nodeid
    return f"{folder}/(shared walk)" if name in _SHARED_WALK else path


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    from xdist.scheduler import LoadScopeScheduling

    class _ByUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return _ByUnit(config, log)


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database file of this test's own, used by the app (AppTest) and by the store."""
    path = tmp_path / "workbench.sqlite"
    monkeypatch.setenv(settings.env("db_path"), str(path))
    return path


# --- databases for the store's tests -----------------------------------------------------------

PG_ENV = settings.env("test_pg_url")
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _pg_admin_url() -> str | None:
    """The PostgreSQL server for the tests: ``ALIGNMENT_TEST_PG_URL`` (CI sets it and must
    reach it), else a local server on the default port if one answers; None otherwise."""
    import sqlalchemy as sa

    url = settings.get("test_pg_url")
    candidate = url or PG_DEFAULT
    try:
        engine = sa.create_engine(candidate, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "no server here"
        if url:
            pytest.fail(f"{PG_ENV} is set but its server cannot be reached: {exc}")
        return None
    return candidate


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each back end: a SQLite file, and a new PostgreSQL database
    (skipped only when no PostgreSQL server is reachable)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    import secrets

    import sqlalchemy as sa

    admin = _pg_admin_url()
    if admin is None:
        pytest.skip(f"no PostgreSQL server reachable (set {PG_ENV}; .ci/run starts one)")
    name = f"aw_test_{secrets.token_hex(6)}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()
