"""The store: configuration, SQLite settings, migrations, snapshots, atomic writes.

Every test that takes ``db_url`` runs on SQLite and on PostgreSQL (the latter skipped only when
no server is reachable; CI starts one).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from alignment import store as store_mod
from alignment import workshop
from alignment.ingest import ImportChoices, SourceFile
from alignment.store import (
    CORE,
    Migration,
    SchemaPart,
    SchemaTooNew,
    Store,
    StoreError,
    database_url,
    default_path,
)

ROOT = Path(__file__).resolve().parent.parent


def _files() -> list[SourceFile]:
    return [
        SourceFile("roadmap.xlsx", b"PK\x03\x04 roadmap bytes \x00\xff" * 50),
        SourceFile("survey.csv", b"Respondent,Group\nAnna,Sales\n"),
    ]


# --- configuration -----------------------------------------------------------------------------


def test_environment_url_wins_over_path_and_secrets(tmp_path: Path) -> None:
    secrets = {"storage": {"url": "postgresql+psycopg://u@db/x"}}
    env = {
        "ALIGNMENT_DB_URL": "postgresql+psycopg://me@host/aw",
        "ALIGNMENT_DB_PATH": str(tmp_path / "a.sqlite"),
    }
    assert database_url(secrets, env) == "postgresql+psycopg://me@host/aw"
    env.pop("ALIGNMENT_DB_URL")
    assert database_url(secrets, env) == f"sqlite:///{(tmp_path / 'a.sqlite').resolve()}"
    assert database_url(secrets, {}) == "postgresql+psycopg://u@db/x"
    nested = tmp_path / "deep" / "er" / "w.sqlite"
    assert database_url({"db_path": str(nested)}, {}) == f"sqlite:///{nested.resolve()}"
    assert nested.parent.is_dir(), "the folder for the SQLite file is created"


def test_default_is_data_folder_else_user_data_dir(tmp_path: Path) -> None:
    root = tmp_path / "app"
    root.mkdir()
    assert default_path(root, {}) == root / "data" / "workbench.sqlite"
    assert (root / "data").is_dir()
    locked = tmp_path / "readonly-app"
    locked.mkdir()
    (locked / "data").write_text("a file where the folder should be")
    home = tmp_path / "xdg"
    path = default_path(locked, {"XDG_DATA_HOME": str(home)})
    assert path == home / "alignment-workbench" / "workbench.sqlite"
    assert path.parent.is_dir()


def test_unsupported_database_is_refused_in_words() -> None:
    with pytest.raises(StoreError, match="SQLite files and PostgreSQL"):
        Store("mysql://user@host/db")


def test_tests_never_use_the_real_data_file() -> None:
    assert os.environ.get("ALIGNMENT_DB_URL") is None
    path = Path(os.environ["ALIGNMENT_DB_PATH"]).resolve()
    assert ROOT / "data" not in path.parents


# --- SQLite connection settings ----------------------------------------------------------------


def test_sqlite_connections_get_wal_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    s = Store(f"sqlite:///{tmp_path / 'p.sqlite'}")
    with s.engine.connect() as conn:
        pragma = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in (
                "busy_timeout",
                "journal_mode",
                "synchronous",
                "foreign_keys",
                "secure_delete",
            )
        }
    assert pragma == {
        "busy_timeout": store_mod.BUSY_TIMEOUT_MS,
        "journal_mode": "wal",
        "synchronous": 1,
        "foreign_keys": 1,
        "secure_delete": 1,
    }


def test_writes_begin_immediate_and_reads_deferred(tmp_path: Path) -> None:
    s = Store(f"sqlite:///{tmp_path / 'b.sqlite'}")
    seen: list[str] = []
    sa.event.listen(
        s.engine,
        "before_cursor_execute",
        lambda *a: (
            seen.append(a[2].strip().upper()) if a[2].strip().upper().startswith("BEGIN") else None
        ),
    )
    with s.write() as conn:
        conn.execute(sa.text("SELECT 1"))
    with s.read() as conn:
        conn.execute(sa.text("SELECT 1"))
    assert seen == ["BEGIN IMMEDIATE", "BEGIN DEFERRED"]


def test_writers_of_one_process_queue_instead_of_timing_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """30 sessions writing at once, each holding the write lock 20 ms, with a busy timeout of
    only 50 ms: SQLite's busy handler alone gives up ("database is locked", as a workshop room
    did under CPU load); queued on the store's own lock, every write gets its turn."""
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_MS", 50)
    s = Store(f"sqlite:///{tmp_path / 'q.sqlite'}")
    start = threading.Barrier(30)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait(10)
            with s.write() as conn:
                s._set_pref(conn, f"k{n}", str(n))
                time.sleep(0.02)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors[:3]
    assert [s.get_pref(f"k{n}") for n in range(30)] == [str(n) for n in range(30)]


def test_a_read_then_write_waits_for_another_writer_instead_of_failing(tmp_path: Path) -> None:
    """The SQLITE_BUSY trap of WAL: with BEGIN IMMEDIATE the second writer queues."""
    s = Store(f"sqlite:///{tmp_path / 'busy.sqlite'}")
    holding = threading.Event()
    release = threading.Event()

    def first() -> None:
        with s.write() as conn:
            s._set_pref(conn, "a", "1")
            holding.set()
            release.wait(5)

    t = threading.Thread(target=first)
    t.start()
    holding.wait(5)
    threading.Timer(0.5, release.set).start()
    with s.write() as conn:  # reads, then writes: would fail with a deferred BEGIN
        value = conn.execute(sa.select(store_mod.preferences.c.value)).scalar()
        s._set_pref(conn, "b", str(value))
    t.join()
    assert s.get_pref("b") == "1"


# --- snapshots ---------------------------------------------------------------------------------


def test_snapshot_round_trip(db_url: str) -> None:
    s = Store(db_url)
    settings = ImportChoices(
        overrides={"survey.csv::": {"kind": "feedback"}},
        scales={"priority": (1.0, 7.0)},
        sides={"Sales": "tech"},
    )
    info = s.save_snapshot(
        "  September\nreview ", _files(), settings, {"demo": False}, {"initiatives": 30}
    )
    assert info.name == "September review"
    assert s.last_snapshot_id() == info.id
    listed = s.snapshots()
    assert [(i.id, i.name, i.files) for i in listed] == [
        (info.id, "September review", ("roadmap.xlsx", "survey.csv"))
    ]
    assert listed[0].size == sum(len(f.data) for f in _files())
    assert listed[0].summary == {"initiatives": 30}
    assert listed[0].created_at.tzinfo is not None
    snap = s.snapshot(info.id)
    assert snap is not None
    assert [(f.name, f.data) for f in snap.sources] == [(f.name, f.data) for f in _files()]
    assert snap.settings.to_json() == settings.to_json()
    assert snap.session == {"demo": False}


def test_rename_open_and_delete(db_url: str) -> None:
    s = Store(db_url)
    first = s.save_snapshot("August", _files(), ImportChoices())
    second = s.save_snapshot("September", _files()[:1], ImportChoices())
    assert [i.name for i in s.snapshots()] == ["September", "August"]
    assert s.rename_snapshot(first.id, "August (final)")
    assert not s.rename_snapshot(9999, "nothing")
    with pytest.raises(ValueError, match="needs a name"):
        s.rename_snapshot(first.id, "   ")
    s.snapshot(first.id, mark_opened=True)
    assert s.last_snapshot_id() == first.id
    assert s.delete_snapshot(first.id)
    assert not s.delete_snapshot(first.id)
    assert s.snapshot(first.id) is None
    assert s.last_snapshot_id() is None, "a deleted snapshot is not reopened"
    assert [i.id for i in s.snapshots()] == [second.id]
    with s.read() as conn:
        left = conn.execute(
            sa.select(sa.func.count())
            .select_from(store_mod.snapshot_files)
            .where(store_mod.snapshot_files.c.snapshot_id == first.id)
        ).scalar()
    assert left == 0


def test_deleting_a_snapshot_leaves_no_bytes_in_the_sqlite_files(tmp_path: Path) -> None:
    path = tmp_path / "secret.sqlite"
    s = Store(f"sqlite:///{path}")
    marker = b"CONFIDENTIAL-FEEDBACK-" + os.urandom(8).hex().encode()
    keep = s.save_snapshot("keep", [SourceFile("k.csv", b"harmless")], ImportChoices())
    doomed = s.save_snapshot("doomed", [SourceFile("s.csv", marker * 200)], ImportChoices())
    s.delete_snapshot(doomed.id)
    s.dispose()
    for f in tmp_path.iterdir():
        assert marker not in f.read_bytes(), f"{f.name} still holds deleted bytes"
    again = Store(f"sqlite:///{path}")
    assert [i.id for i in again.snapshots()] == [keep.id]


def test_snapshot_needs_a_name_and_a_file(tmp_path: Path) -> None:
    s = Store(f"sqlite:///{tmp_path / 'n.sqlite'}")
    with pytest.raises(ValueError, match="needs a name"):
        s.save_snapshot(" ", _files(), ImportChoices())
    with pytest.raises(ValueError, match="at least one file"):
        s.save_snapshot("x", [], ImportChoices())
    assert s.snapshots() == []


# --- atomicity ---------------------------------------------------------------------------------


def test_a_failure_mid_snapshot_leaves_nothing(db_url: str) -> None:
    s = Store(db_url)
    calls = {"files": 0}

    def fail_on_second_file(conn, cursor, statement, *rest) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO SNAPSHOT_FILES"):
            calls["files"] += 1
            if calls["files"] == 2:
                raise RuntimeError("disk pulled out")

    sa.event.listen(s.engine, "before_cursor_execute", fail_on_second_file)
    with pytest.raises(RuntimeError, match="disk pulled out"):
        s.save_snapshot("half", _files(), ImportChoices())
    sa.event.remove(s.engine, "before_cursor_execute", fail_on_second_file)
    assert calls["files"] == 2
    assert s.snapshots() == []
    with s.read() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(store_mod.snapshot_files)).scalar()
            == 0
        )
    assert s.last_snapshot_id() is None


KILLER = textwrap.dedent("""
    import os, signal, sys
    import sqlalchemy as sa
    from alignment.ingest import ImportChoices, SourceFile
    from alignment.store import Store

    store = Store(sys.argv[1])
    store.save_snapshot("kept", [SourceFile("k.csv", b"k")], ImportChoices())
    seen = {"n": 0}

    @sa.event.listens_for(store.engine, "after_cursor_execute")
    def kill(conn, cursor, statement, *rest):
        if statement.lstrip().upper().startswith("INSERT INTO SNAPSHOT_FILES"):
            seen["n"] += 1
            if seen["n"] == 3:  # the kept snapshot's file, then two of the three below
                os.kill(os.getpid(), signal.SIGKILL)

    files = [SourceFile(f"f{i}.csv", bytes([65 + i]) * 5000) for i in range(3)]
    store.save_snapshot("killed", files, ImportChoices())
    print("not killed")
""")


def test_a_killed_process_leaves_no_half_snapshot(db_url: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, db_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    s = Store(db_url)
    assert [i.name for i in s.snapshots()] == ["kept"]
    with s.read() as conn:
        files = conn.execute(sa.select(store_mod.snapshot_files.c.name)).scalars().all()
    assert files == ["k.csv"]
    if s.is_sqlite:
        path = sa.make_url(db_url).database
        assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)


# --- migrations --------------------------------------------------------------------------------


def test_a_version_1_database_upgrades_without_loss(db_url: str) -> None:
    """A database from before workshops and join throttling existed (core schema 1 only)."""
    old = Store(db_url, parts=(SchemaPart("core", CORE.migrations[:1]),))
    assert old.versions() == {"core": 1}
    kept = old.save_snapshot("From version 1", _files(), ImportChoices(sides={"Ops": "business"}))
    old.dispose()

    new = Store(db_url, parts=(workshop.SCHEMA,))
    assert new.versions() == {"core": CORE.latest, "workshop": workshop.SCHEMA.latest}
    snap = new.snapshot(kept.id)
    assert snap is not None and snap.info.name == "From version 1"
    assert [f.data for f in snap.sources] == [f.data for f in _files()]
    assert snap.settings.sides == {"Ops": "business"}
    assert new.last_snapshot_id() == kept.id
    new.note_join_failure()
    assert new.join_failures() == 1
    inspector = sa.inspect(new.engine)
    for table in (*store_mod._meta.tables.values(), *workshop._meta.tables.values()):
        assert {c["name"] for c in inspector.get_columns(table.name)} == set(table.c.keys()), (
            f"migrations and the query tables disagree on {table.name}"
        )


def _notes_v1(conn: sa.Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "notes",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
    )
    md.create_all(conn)


def _notes_v2(conn: sa.Connection) -> None:
    conn.execute(sa.text("ALTER TABLE notes ADD COLUMN words INTEGER"))
    rows = conn.execute(sa.text("SELECT id, text FROM notes")).all()
    for ident, text in rows:
        conn.execute(
            sa.text("UPDATE notes SET words = :w WHERE id = :i"),
            {"w": len(text.split()), "i": ident},
        )


NOTES_V1 = SchemaPart("notes", (Migration(1, "notes", _notes_v1),))
NOTES_V2 = SchemaPart("notes", (*NOTES_V1.migrations, Migration(2, "word counts", _notes_v2)))


def test_another_feature_adds_and_upgrades_its_own_tables(db_url: str) -> None:
    s = Store(db_url)
    s.ensure(NOTES_V1)
    with s.write() as conn:
        conn.execute(sa.text("INSERT INTO notes (id, text) VALUES (1, 'three small words')"))
    s.ensure(NOTES_V1)  # idempotent
    later = Store(db_url, parts=(NOTES_V2,))
    assert later.versions()["notes"] == 2
    with later.read() as conn:
        assert conn.execute(sa.text("SELECT text, words FROM notes")).one() == (
            "three small words",
            3,
        )


def test_a_failed_migration_leaves_the_previous_version(db_url: str) -> None:
    def broken(conn: sa.Connection) -> None:
        conn.execute(sa.text("ALTER TABLE notes ADD COLUMN tag TEXT"))
        raise RuntimeError("bug in migration 2")

    s = Store(db_url, parts=(NOTES_V1,))
    with pytest.raises(RuntimeError, match="bug in migration 2"):
        s.ensure(SchemaPart("notes", (*NOTES_V1.migrations, Migration(2, "broken", broken))))
    assert s.versions()["notes"] == 1
    cols = {c["name"] for c in sa.inspect(s.engine).get_columns("notes")}
    assert "tag" not in cols, "the half-applied step was rolled back with its version row"


def test_a_database_from_a_newer_version_is_not_touched(db_url: str) -> None:
    s = Store(db_url)
    with s.write() as conn:
        conn.execute(
            store_mod.schema_versions.insert().values(
                part="core",
                version=CORE.latest + 5,
                description="from the future",
                applied_at=store_mod.now(),
            )
        )
    s.dispose()
    with pytest.raises(SchemaTooNew, match="newer version"):
        Store(db_url)


def test_two_processes_starting_at_once_migrate_once(db_url: str) -> None:
    errors: list[BaseException] = []

    def start() -> None:
        try:
            Store(db_url, parts=(workshop.SCHEMA, NOTES_V2)).dispose()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    s = Store(db_url)
    with s.read() as conn:
        rows = conn.execute(
            sa.select(store_mod.schema_versions.c.part, store_mod.schema_versions.c.version)
        ).all()
    assert sorted(rows) == sorted(
        [
            ("core", 1),
            ("core", 2),
            *[("workshop", v) for v in range(1, workshop.SCHEMA.latest + 1)],
            ("notes", 1),
            ("notes", 2),
        ]
    )


# --- small helpers -----------------------------------------------------------------------------


def test_upsert_updates_instead_of_duplicating(db_url: str) -> None:
    s = Store(db_url)
    for value in ("one", "two", "three"):
        s.set_pref("colour", value)
    assert s.get_pref("colour") == "three"
    with s.read() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(store_mod.preferences)).scalar()
            == 1
        )
    s.set_pref("colour", None)
    assert s.get_pref("colour", "none") == "none"


def test_join_failures_are_counted_across_sessions(db_url: str) -> None:
    s = Store(db_url)
    for _ in range(3):
        s.note_join_failure()
    s.note_join_failure("other")
    assert s.join_failures() == 3
    assert s.join_failures("other") == 1
    with s.write() as conn:
        conn.execute(
            store_mod.join_failures.update().values(
                at=store_mod.now() - store_mod.dt.timedelta(hours=2)
            )
        )
    assert s.join_failures() == 0


def test_a_delete_under_an_open_reader_is_not_reported_final_until_it_is(tmp_path: Path) -> None:
    """Issue 18, item 16: while another connection held a read transaction the checkpoint could
    not finish, its result was ignored, and the deleted bytes stayed in the -wal file (or the
    database file) although the delete was reported done. The store now checks the result,
    retries, says the wipe is pending while it is, and finishes it once the reader has gone."""
    import sqlite3

    path = tmp_path / "held.sqlite"
    s = Store(f"sqlite:///{path}")
    s.wipe_retry_seconds = 0.3  # the test need not wait the full default
    marker = b"CONFIDENTIAL-FEEDBACK-" + os.urandom(8).hex().encode()
    doomed = s.save_snapshot("doomed", [SourceFile("s.csv", marker * 200)], ImportChoices())
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM snapshot_files").fetchall()  # holds a read snapshot

    def lingering() -> list[str]:
        return [f.name for f in tmp_path.iterdir() if marker in f.read_bytes()]

    assert s.delete_snapshot(doomed.id)
    assert lingering(), "the reader keeps the old pages: the test reproduces the hold"
    assert s.wipe_pending, "the store says the delete is not final yet"
    reader.execute("COMMIT")
    reader.close()
    assert s.finish_wipe()
    assert not s.wipe_pending
    assert lingering() == []
    # A later write finishes a pending wipe by itself as well.
    again = s.save_snapshot("again", [SourceFile("s.csv", marker * 200)], ImportChoices())
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM snapshot_files").fetchall()
    s.delete_snapshot(again.id)
    assert s.wipe_pending
    reader.execute("COMMIT")
    reader.close()
    s.set_pref("any", "write")
    assert not s.wipe_pending
    assert lingering() == []
    s.dispose()


def test_workspace_names_are_unique_so_pickers_can_tell_them_apart(db_url: str) -> None:
    """Issue 18, item 17: two workspaces with the same name were indistinguishable in every
    picker. A duplicate name is refused on save and on rename (ignoring case and spacing)."""
    s = Store(db_url)
    first = s.save_snapshot("Review  March", _files()[:1], ImportChoices())
    with pytest.raises(store_mod.DuplicateName, match="exists already"):
        s.save_snapshot("review march", _files()[:1], ImportChoices())
    other = s.save_snapshot("Review April", _files()[:1], ImportChoices())
    with pytest.raises(store_mod.DuplicateName):
        s.rename_snapshot(other.id, "REVIEW MARCH")
    assert s.rename_snapshot(first.id, "review march")  # its own name, recased, is fine
    assert sorted(i.name for i in s.snapshots()) == ["Review April", "review march"]


def test_labels_stay_distinct_for_duplicates_an_older_database_holds() -> None:
    at = dt.datetime(2026, 3, 1, 9, 30, 5, tzinfo=dt.UTC)

    def info(i: int, name: str, when: dt.datetime) -> store_mod.SnapshotInfo:
        return store_mod.SnapshotInfo(i, name, when, None, ("a.csv",), 1)

    infos = [
        info(1, "March", at),
        info(2, "March", at + dt.timedelta(seconds=20)),  # same minute, other second
        info(3, "March", at + dt.timedelta(seconds=20)),  # the very same second
        info(4, "April", at),
        info(5, "March", at + dt.timedelta(days=1)),
    ]
    labels = store_mod.snapshot_labels(infos)
    assert len(set(labels.values())) == len(infos)
    assert labels[4].startswith("April · saved ") and labels[4].count(":") == 1  # minutes only
    assert labels[5].count(":") == 1
    assert labels[1].count(":") == 2  # seconds where the minute is shared
    assert labels[2].endswith("#2") and labels[3].endswith("#3")
