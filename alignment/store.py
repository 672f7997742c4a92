"""Where the workbench keeps what must outlive a browser session: workspaces and workshops.

One module on SQLAlchemy Core, two back ends chosen by configuration with the same code:

- an embedded **SQLite** file by default (``data/workbench.sqlite`` under the app, or a user data
  folder when that is not writable). Every connection gets ``busy_timeout`` (before the switch
  to WAL, which itself may wait for a lock), ``journal_mode=WAL`` so readers never block the
  writer, ``synchronous=NORMAL``, ``foreign_keys=ON`` and ``secure_delete=ON`` (a deleted
  workspace is overwritten, not left in free pages). Write transactions start with
  ``BEGIN IMMEDIATE``: in WAL a transaction that reads and then writes could otherwise fail with
  SQLITE_BUSY whatever the timeout. Within one process, writers also queue on a lock of the
  ``Store`` before they ask SQLite: SQLite's busy handler polls with sleeps of up to 100 ms, so
  with dozens of sessions writing at once (a workshop room) a writer could keep losing the race
  until its timeout ran out ("database is locked") while the database sat idle between polls.
  The lock hands the database to the next writer as soon as the last one commits.
- **PostgreSQL** (``postgresql+psycopg://…``) for a team deployment behind a load balancer,
  where several app processes write at once.

Schema changes are versioned migrations, grouped in *parts* (``SchemaPart``): the core part
(workspaces, preferences, join throttling) lives here, the workshop part in
``alignment.workshop``, and any other feature adds its own part the same way. Each migration
runs in its own write transaction together with the row that records it, so a crash during an
upgrade leaves the database at the previous version, never between two.

Every public write is one transaction (``Store.write``): a killed process leaves either the
whole snapshot or nothing of it.

How another feature adds its tables (the assessment's team rounds, say)::

    from alignment.store import Migration, SchemaPart, Store

    def _v1(conn):
        md = sa.MetaData()
        sa.Table("team_answers", md, sa.Column("id", sa.Integer, primary_key=True), ...)
        md.create_all(conn)

    TEAM = SchemaPart("assessment", (Migration(1, "team rounds and answers", _v1),))

    store.ensure(TEAM)             # idempotent; cheap after the first call
    with store.write() as conn:    # one transaction, BEGIN IMMEDIATE on SQLite
        store.upsert(conn, team_answers, rows, keys=("round_id", "token", "item"),
                     update=("value", "updated_at"))

Migrations define the tables as they were at that version (their own ``MetaData``), never the
module-level tables used for queries, which describe the latest version.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine

from alignment import config
from alignment.ingest import ImportChoices, SourceFile

ENV_URL = config.env("db_url")
ENV_PATH = config.env("db_path")
APP_DIR_NAME = "alignment-workbench"
DB_FILE_NAME = "workbench.sqlite"
BUSY_TIMEOUT_MS = 15_000  # another process's write (the CLI, a second app process)
WRITE_WAIT_S = 30.0  # a writer's wait for this process's other writers (SQLite)
NAME_MAX = 120
LAST_SNAPSHOT_PREF = "last_snapshot_id"
_MIGRATION_LOCK = 7_204_551  # PostgreSQL advisory lock id held while migrating
_NAMES_LOCK = 7_204_553  # PostgreSQL advisory lock id: workspace names are checked one at a time
SUPPORTED = ("sqlite", "postgresql")


class StoreError(RuntimeError):
    """A storage problem said in plain words (the page shows the message as it is)."""


class SchemaTooNew(StoreError):
    """The database was written by a newer version of the app: opening it could damage it."""


# --- configuration -----------------------------------------------------------------------------


def default_path(root: Path | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """``data/workbench.sqlite`` beside the app when that folder can be written, else the user's
    data folder (``$XDG_DATA_HOME/alignment-workbench`` or ``~/.local/share/...``).

    An installed copy of the app may live in a read-only place; the user's own folder always
    works, so the app still starts and keeps its workspaces.
    """
    environ = os.environ if environ is None else environ
    root = root or Path(__file__).resolve().parent.parent
    local = root / "data"
    try:
        local.mkdir(parents=True, exist_ok=True)
        if os.access(local, os.W_OK):
            return local / DB_FILE_NAME
    except OSError:
        pass
    base = Path(environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    folder = base / APP_DIR_NAME
    folder.mkdir(parents=True, exist_ok=True)
    return folder / DB_FILE_NAME


def database_url(
    secrets: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> str:
    """The database to use: the ``db_url`` setting, else ``db_path`` (a SQLite file), else the
    default SQLite file (see ``alignment.config``). Either one in the environment wins over
    both in the secrets file, so a test or a container can override a secrets file without
    editing it."""
    environ = os.environ if environ is None else environ
    url = config.get("db_url", None, environ)
    path = config.get("db_path", None, environ)
    if not url and not path:
        url = config.get("db_url", secrets, {})
        path = config.get("db_path", secrets, {})
    if url:
        return str(url)
    if path:
        return sqlite_url(Path(str(path)).expanduser())
    return sqlite_url(default_path(environ=environ))


def sqlite_url(path: Path) -> str:
    """A SQLite URL for a file, creating its folder (SQLite creates the file, not folders)."""
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def describe_url(url: str) -> str:
    """Where the data lives, for the page: the file path, or the server without the password."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite file {parsed.database}"
    return f"PostgreSQL database {parsed.database} on {parsed.host or 'localhost'}"


# --- migrations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Migration:
    """One schema step. ``apply`` receives the connection inside the migration's transaction."""

    version: int
    description: str
    apply: Callable[[Connection], None]


@dataclass(frozen=True)
class SchemaPart:
    """The versioned tables of one feature; versions count 1, 2, 3… within the part."""

    name: str
    migrations: tuple[Migration, ...]

    def __post_init__(self) -> None:
        versions = [m.version for m in self.migrations]
        if versions != list(range(1, len(versions) + 1)):
            raise ValueError(
                f"schema part {self.name!r}: versions must be 1..n in order, got {versions}"
            )

    @property
    def latest(self) -> int:
        return len(self.migrations)


_meta = sa.MetaData()
schema_versions = sa.Table(
    "schema_migrations",
    _meta,
    sa.Column("part", sa.String(64), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("description", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)

# The core tables as they are now (queries use these; migrations below build them).
snapshots = sa.Table(
    "snapshots",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(NAME_MAX), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("opened_at", sa.DateTime(timezone=True)),
    sa.Column("settings_json", sa.Text, nullable=False),
    sa.Column("session_json", sa.Text, nullable=False),
    sa.Column("summary_json", sa.Text, nullable=False),
)
snapshot_files = sa.Table(
    "snapshot_files",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "snapshot_id",
        sa.Integer,
        sa.ForeignKey("snapshots.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)
preferences = sa.Table(
    "preferences",
    _meta,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
join_failures = sa.Table(
    "join_failures",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("scope", sa.String(32), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
)


def _core_v1(conn: Connection) -> None:
    """Workspaces: named snapshots of the uploaded files and settings; preferences."""
    md = sa.MetaData()
    sa.Table(
        "snapshots",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(NAME_MAX), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True)),
        sa.Column("settings_json", sa.Text, nullable=False),
        sa.Column("session_json", sa.Text, nullable=False),
        sa.Column("summary_json", sa.Text, nullable=False),
    )
    sa.Table(
        "snapshot_files",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "snapshot_id",
            sa.Integer,
            sa.ForeignKey("snapshots.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    sa.Table(
        "preferences",
        md,
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    md.create_all(conn)


def _core_v2(conn: Connection) -> None:
    """Failed join-code attempts, counted across every session to throttle code guessing."""
    md = sa.MetaData()
    sa.Table(
        "join_failures",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scope", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    md.create_all(conn)


CORE = SchemaPart(
    "core",
    (
        Migration(1, "workspaces: snapshots, their files, preferences", _core_v1),
        Migration(2, "join throttling: failed code attempts", _core_v2),
    ),
)


# --- snapshots ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotInfo:
    """A saved workspace as listed: no file bytes, so listing stays cheap."""

    id: int
    name: str
    created_at: dt.datetime
    opened_at: dt.datetime | None
    files: tuple[str, ...]
    size: int
    summary: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Snapshot:
    """A saved workspace with everything needed to re-import it exactly."""

    info: SnapshotInfo
    sources: tuple[SourceFile, ...]
    settings: ImportChoices
    session: dict[str, Any]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands timestamps back without a zone; they were written in UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class DuplicateName(ValueError):
    """Another workspace has this name: every picker would show two identical entries."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"A workspace named '{name}' exists already. Choose another name, or rename or "
            "delete the other one first."
        )
        self.name = name


def snapshot_labels(infos: Sequence[SnapshotInfo]) -> dict[int, str]:
    """A distinct, readable label per workspace for every picker: the name and when it was saved
    (to the minute; to the second, and then its number, only where that is needed to tell two
    apart). Names are unique since issue 18; an older database may still hold duplicates."""

    def at(info: SnapshotInfo, fmt: str) -> str:
        return f"{info.name} · saved {info.created_at.astimezone().strftime(fmt)}"

    labels = {i.id: at(i, "%d %b %Y %H:%M") for i in infos}
    for fmt in ("%d %b %Y %H:%M:%S", None):
        seen: dict[str, int] = {}
        for label in labels.values():
            seen[label] = seen.get(label, 0) + 1
        for info in infos:
            if seen[labels[info.id]] > 1:
                labels[info.id] = at(info, fmt) if fmt else f"{labels[info.id]} · #{info.id}"
    return labels


def _name_taken(conn: Connection, name: str, other_than: int | None = None) -> bool:
    query = sa.select(snapshots.c.id).where(sa.func.lower(snapshots.c.name) == name.lower())
    if other_than is not None:
        query = query.where(snapshots.c.id != other_than)
    return conn.execute(query.limit(1)).first() is not None


def clean_name(name: str) -> str:
    """A workspace name as stored: one line, trimmed, at most ``NAME_MAX`` characters."""
    text = " ".join(str(name).split())
    if not text:
        raise ValueError("A workspace needs a name.")
    return text[:NAME_MAX]


# --- the store ---------------------------------------------------------------------------------


class Store:
    """A database connection pool with the workbench's schema at its latest version.

    Thread-safe (one instance serves every session of a Streamlit process); reads and writes
    open short transactions and never keep a connection between calls.
    """

    def __init__(
        self,
        url: str,
        parts: Sequence[SchemaPart] = (),
        *,
        pool_size: int = 10,
        max_overflow: int = 40,
    ) -> None:
        self.url = url
        backend = sa.make_url(url).get_backend_name()
        if backend not in SUPPORTED:
            raise StoreError(
                f"The database URL names {backend}; the workbench supports SQLite "
                "files and PostgreSQL (postgresql+psycopg://…)."
            )
        self.backend = backend
        self.engine = self._engine(url, pool_size, max_overflow)
        self._ready: dict[str, int] = {}
        # SQLite has one writer at a time: this process's writers take turns here (see the
        # module docstring). PostgreSQL locks rows, so its writers go straight to the database.
        self._write_turn = threading.Lock()
        # The core part always comes first; a caller may pass its own "core" (tests build a
        # database of an older version that way).
        if not any(p.name == CORE.name for p in parts):
            parts = (CORE, *parts)
        for part in parts:
            self.ensure(part)

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    def _engine(self, url: str, pool_size: int, max_overflow: int) -> Engine:
        if self.backend == "postgresql":
            return sa.create_engine(
                url,
                pool_size=pool_size,
                max_overflow=max_overflow,
                pool_pre_ping=True,
                pool_timeout=30,
            )
        engine = sa.create_engine(
            url,
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_timeout=30,
            connect_args={"check_same_thread": False},
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # pysqlite's own transaction handling is switched off: we send BEGIN ourselves
            # (below), so SELECTs are inside the transaction and writers can ask for IMMEDIATE.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # first: WAL may wait
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA secure_delete = ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine

    def dispose(self) -> None:
        """Close pooled connections (tests, and before deleting a database file)."""
        self.engine.dispose()

    # -- transactions --

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back on any error.

        On SQLite it starts with ``BEGIN IMMEDIATE`` so the write lock is taken up front and a
        read-then-write block cannot fail half way with SQLITE_BUSY, and it first waits for this
        process's other writers (a queue, not SQLite's polling), before taking a connection.
        """
        if self.is_sqlite and not self._write_turn.acquire(timeout=WRITE_WAIT_S):
            raise StoreError(
                "The database is busy with other changes. Nothing was changed; try again "
                "in a moment."
            )
        try:
            with self.engine.connect() as conn:
                if self.is_sqlite:
                    conn.execution_options(sqlite_begin="IMMEDIATE")
                with conn.begin():
                    yield conn
        except sa.exc.OperationalError as exc:
            raise StoreError(
                f"The database could not be written ({_reason(exc)}). Nothing was "
                "changed; try again in a moment."
            ) from exc
        finally:
            if self.is_sqlite:
                self._write_turn.release()
        if self.wipe_pending:
            self.finish_wipe()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One read transaction: a consistent view of the data, never a lock on writers."""
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except sa.exc.OperationalError as exc:
            raise StoreError(f"The database could not be read ({_reason(exc)}).") from exc

    def upsert(
        self,
        conn: Connection,
        table: sa.Table,
        rows: Sequence[Mapping[str, Any]],
        keys: Sequence[str],
        update: Sequence[str],
    ) -> None:
        """Insert rows, or update ``update`` columns where a row with the same ``keys`` exists.

        ``INSERT … ON CONFLICT (keys) DO UPDATE`` on both SQLite and PostgreSQL: atomic per row,
        so two sessions writing the same key end with one row, never a duplicate. ``keys`` must
        be the columns of a unique constraint or primary key.
        """
        if not rows:
            return
        stmt = (sqlite_insert if self.is_sqlite else pg_insert)(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c[k] for k in keys], set_={c: stmt.excluded[c] for c in update}
        )
        conn.execute(stmt, [dict(r) for r in rows])

    # -- migrations --

    def ensure(self, part: SchemaPart) -> None:
        """Bring one part of the schema to its latest version; a no-op once it is there.

        Safe when several processes start at once: each step re-reads the version inside its own
        write transaction (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL).
        """
        if self._ready.get(part.name) == part.latest:
            return
        while True:
            with self.write() as conn:
                if not self.is_sqlite:
                    conn.execute(
                        sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK}
                    )
                schema_versions.create(conn, checkfirst=True)
                current = self._version(conn, part.name)
                if current > part.latest:
                    raise SchemaTooNew(
                        f"This database was written by a newer version of Alignment Workbench "
                        f"(schema '{part.name}' version {current}; this version knows up to "
                        f"{part.latest}). Update the app rather than risk the data."
                    )
                if current == part.latest:
                    break
                step = part.migrations[current]
                step.apply(conn)
                conn.execute(
                    schema_versions.insert().values(
                        part=part.name,
                        version=step.version,
                        description=step.description,
                        applied_at=now(),
                    )
                )
        self._ready[part.name] = part.latest

    @staticmethod
    def _version(conn: Connection, part: str) -> int:
        value = conn.execute(
            sa.select(sa.func.max(schema_versions.c.version)).where(schema_versions.c.part == part)
        ).scalar()
        return int(value or 0)

    def versions(self) -> dict[str, int]:
        """Part -> schema version, as recorded in the database."""
        with self.read() as conn:
            rows = conn.execute(
                sa.select(schema_versions.c.part, sa.func.max(schema_versions.c.version)).group_by(
                    schema_versions.c.part
                )
            ).all()
        return {p: int(v) for p, v in rows}

    # -- preferences --

    def get_pref(self, key: str, default: str | None = None) -> str | None:
        with self.read() as conn:
            value = conn.execute(
                sa.select(preferences.c.value).where(preferences.c.key == key)
            ).scalar()
        return default if value is None else value

    def set_pref(self, key: str, value: str | None) -> None:
        """Set (or with ``None`` remove) an instance-wide preference."""
        with self.write() as conn:
            self._set_pref(conn, key, value)

    def _set_pref(self, conn: Connection, key: str, value: str | None) -> None:
        if value is None:
            conn.execute(preferences.delete().where(preferences.c.key == key))
        else:
            self.upsert(
                conn,
                preferences,
                [{"key": key, "value": value, "updated_at": now()}],
                keys=("key",),
                update=("value", "updated_at"),
            )

    # -- workspaces --

    def save_snapshot(
        self,
        name: str,
        sources: Sequence[SourceFile],
        settings: ImportChoices,
        session: Mapping[str, Any] | None = None,
        summary: Mapping[str, Any] | None = None,
    ) -> SnapshotInfo:
        """Save the files (bytes and names), the settings and session choices as one snapshot.

        All rows are written in one transaction: a crash leaves no partial snapshot. The new
        snapshot becomes the last one used, so the app reopens on it.
        """
        name = clean_name(name)
        if not sources:
            raise ValueError("A workspace needs at least one file.")
        created = now()
        session_json = json.dumps(dict(session or {}), sort_keys=True, default=str)
        summary_json = json.dumps(dict(summary or {}), sort_keys=True, default=str)
        with self.write() as conn:
            self._lock_names(conn)
            if _name_taken(conn, name):
                raise DuplicateName(name)
            snap_id = conn.execute(
                snapshots.insert()
                .values(
                    name=name,
                    created_at=created,
                    opened_at=created,
                    settings_json=settings.to_json(),
                    session_json=session_json,
                    summary_json=summary_json,
                )
                .returning(snapshots.c.id)
            ).scalar_one()
            for i, src in enumerate(sources):
                conn.execute(
                    snapshot_files.insert().values(
                        snapshot_id=snap_id,
                        position=i,
                        name=src.name[:255],
                        sha256=src.sha,
                        size=len(src.data),
                        data=src.data,
                    )
                )
            self._set_pref(conn, LAST_SNAPSHOT_PREF, str(snap_id))
        return SnapshotInfo(
            snap_id,
            name,
            created,
            created,
            tuple(s.name for s in sources),
            sum(len(s.data) for s in sources),
            dict(summary or {}),
        )

    def snapshots(self) -> list[SnapshotInfo]:
        """Every snapshot, newest first, without file contents."""
        files = sa.select(
            snapshot_files.c.snapshot_id,
            snapshot_files.c.position,
            snapshot_files.c.name,
            snapshot_files.c.size,
        ).order_by(snapshot_files.c.snapshot_id, snapshot_files.c.position)
        with self.read() as conn:
            rows = conn.execute(
                sa.select(
                    snapshots.c.id,
                    snapshots.c.name,
                    snapshots.c.created_at,
                    snapshots.c.opened_at,
                    snapshots.c.summary_json,
                ).order_by(snapshots.c.created_at.desc(), snapshots.c.id.desc())
            ).all()
            file_rows = conn.execute(files).all()
        names: dict[int, list[str]] = {}
        sizes: dict[int, int] = {}
        for sid, _, fname, size in file_rows:
            names.setdefault(sid, []).append(fname)
            sizes[sid] = sizes.get(sid, 0) + int(size)
        return [
            SnapshotInfo(
                r.id,
                r.name,
                as_utc(r.created_at),
                as_utc(r.opened_at),
                tuple(names.get(r.id, ())),
                sizes.get(r.id, 0),
                _loads(r.summary_json),
            )
            for r in rows
        ]

    def snapshot(self, snapshot_id: int, *, mark_opened: bool = False) -> Snapshot | None:
        """A snapshot with its files, or None when it no longer exists.

        With ``mark_opened`` it also becomes the last snapshot used (the app reopens on it).
        """
        with self.read() as conn:
            row = conn.execute(sa.select(snapshots).where(snapshots.c.id == snapshot_id)).first()
            if row is None:
                return None
            files = conn.execute(
                sa.select(snapshot_files.c.name, snapshot_files.c.data)
                .where(snapshot_files.c.snapshot_id == snapshot_id)
                .order_by(snapshot_files.c.position)
            ).all()
        sources = tuple(SourceFile(f.name, bytes(f.data)) for f in files)
        opened = as_utc(row.opened_at)
        if mark_opened:
            opened = now()
            with self.write() as conn:
                conn.execute(
                    snapshots.update().where(snapshots.c.id == snapshot_id).values(opened_at=opened)
                )
                self._set_pref(conn, LAST_SNAPSHOT_PREF, str(snapshot_id))
        info = SnapshotInfo(
            row.id,
            row.name,
            as_utc(row.created_at),
            opened,
            tuple(s.name for s in sources),
            sum(len(s.data) for s in sources),
            _loads(row.summary_json),
        )
        return Snapshot(
            info, sources, ImportChoices.from_json(row.settings_json), _loads(row.session_json)
        )

    def rename_snapshot(self, snapshot_id: int, name: str) -> bool:
        """True when the snapshot existed and now has the new name."""
        name = clean_name(name)
        with self.write() as conn:
            self._lock_names(conn)
            if _name_taken(conn, name, other_than=snapshot_id):
                raise DuplicateName(name)
            done = conn.execute(
                snapshots.update().where(snapshots.c.id == snapshot_id).values(name=name)
            ).rowcount
        return bool(done)

    def _lock_names(self, conn: Connection) -> None:
        """Two replicas saving the same name at once: PostgreSQL checks them one at a time
        (SQLite's BEGIN IMMEDIATE already does)."""
        if not self.is_sqlite:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _NAMES_LOCK})

    def delete_snapshot(self, snapshot_id: int) -> bool:
        """Delete a snapshot and its files for good; True when it existed.

        Files are deleted explicitly as well as by the foreign-key cascade, so a database opened
        without ``foreign_keys`` (an old tool, a manual session) cannot keep orphaned bytes. On
        SQLite, ``secure_delete`` zeroes the freed pages and the WAL is checkpointed and
        truncated, so the bytes do not linger in the files either.
        """
        with self.write() as conn:
            conn.execute(snapshot_files.delete().where(snapshot_files.c.snapshot_id == snapshot_id))
            done = conn.execute(snapshots.delete().where(snapshots.c.id == snapshot_id)).rowcount
            last = conn.execute(
                sa.select(preferences.c.value).where(preferences.c.key == LAST_SNAPSHOT_PREF)
            ).scalar()
            if last == str(snapshot_id):
                self._set_pref(conn, LAST_SNAPSHOT_PREF, None)
        if done and self.is_sqlite:
            self.checkpoint()
        return bool(done)

    # -- wiping deleted bytes from the SQLite files --
    #
    # A delete is committed at once, but its bytes leave the files only when a checkpoint has
    # copied the zeroed pages into the database file and emptied the WAL. While another
    # connection holds a read transaction that checkpoint cannot finish: its result says "busy".
    # Then the store retries for ``wipe_retry_seconds``, and if the reader is still there it
    # keeps ``wipe_pending`` set (the Workspaces page says the delete is not final yet) and
    # tries again after each later write, or when ``finish_wipe`` is called.

    wipe_retry_seconds = 3.0
    wipe_pending = False

    def checkpoint(self) -> bool:
        """Fold the WAL into the database file and truncate it (SQLite only), retrying while a
        reader holds it; True when the checkpoint was complete."""
        if not self.is_sqlite:
            return True
        deadline = time.monotonic() + self.wipe_retry_seconds
        while True:
            if self._checkpoint_once():
                self.wipe_pending = False
                return True
            if time.monotonic() >= deadline:
                self.wipe_pending = True
                return False
            time.sleep(0.1)

    def finish_wipe(self) -> bool:
        """One more try at a pending wipe, without waiting; True when nothing is pending."""
        if self.wipe_pending and self._checkpoint_once():
            self.wipe_pending = False
        return not self.wipe_pending

    def _checkpoint_once(self) -> bool:
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA busy_timeout = 0")  # a reader means "busy", not a wait
            try:
                busy, _, _ = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
            finally:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return busy == 0

    def last_snapshot_id(self) -> int | None:
        """The snapshot the app should reopen on, if it still exists."""
        value = self.get_pref(LAST_SNAPSHOT_PREF)
        try:
            snapshot_id = int(value) if value is not None else None
        except ValueError:
            return None
        if snapshot_id is None:
            return None
        with self.read() as conn:
            exists = conn.execute(
                sa.select(snapshots.c.id).where(snapshots.c.id == snapshot_id)
            ).scalar()
        return snapshot_id if exists is not None else None

    # -- join throttling --

    def note_join_failure(self, scope: str = "join") -> None:
        """Record one wrong code (no session, no address: only the time), pruning old rows."""
        at = now()
        with self.write() as conn:
            conn.execute(join_failures.insert().values(scope=scope[:32], at=at))
            conn.execute(
                join_failures.delete().where(join_failures.c.at < at - dt.timedelta(days=1))
            )

    def join_failures(
        self,
        scope: str = "join",
        within: dt.timedelta = dt.timedelta(minutes=10),
    ) -> int:
        """How many wrong codes were tried in the last ``within``, across every session."""
        with self.read() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count())
                    .select_from(join_failures)
                    .where(
                        join_failures.c.scope == scope[:32], join_failures.c.at >= now() - within
                    )
                ).scalar()
                or 0
            )


def _loads(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).splitlines()[0][:160] if str(orig) else type(orig).__name__
