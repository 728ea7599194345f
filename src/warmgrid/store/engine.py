"""Open a store: one interface over an embedded SQLite file or a PostgreSQL server.

SQLite runs in WAL mode with a busy timeout, and write transactions start with
``BEGIN IMMEDIATE`` so that concurrent writers queue on the busy timeout instead of
failing on a lock upgrade (https://www.sqlite.org/lang_transaction.html). SQLite has one
writer at a time: within a process, writers queue on a lock (fair and without the
sleeps of SQLite's busy handler); across processes, on the busy timeout. With
``synchronous=FULL`` every commit syncs the WAL to disk, so a committed transaction
survives a power cut or an OS crash, not only a crash of the process as with ``NORMAL``
(https://www.sqlite.org/pragma.html#pragma_synchronous). Report writes pay that sync
once per batch (:mod:`warmgrid.store.group_commit`), which made it free in the API
benchmark.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from warmgrid.errors import WarmgridError
from warmgrid.store.migrate import head_revision, stored_revision, upgrade

SQLITE_BUSY_TIMEOUT_MS = 30_000
DEFAULT_SQLITE_FILE = "warmgrid.db"


def default_url(path: str | Path = DEFAULT_SQLITE_FILE) -> str:
    """The URL of the embedded SQLite store at ``path``."""
    return f"sqlite:///{Path(path)}"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def _make_engine(url: str, create: bool = True) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise WarmgridError(f"--db: not a database URL: {url!r}") from error
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            raise WarmgridError("--db: an in-memory SQLite store loses everything; give a file")
        path = Path(database).expanduser()
        if not create and not path.is_file():
            raise WarmgridError(f"--db: no store at {path}; check the path (nothing was created)")
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_size=10, max_overflow=40, pool_pre_ping=True)
    raise WarmgridError(
        f"--db: unsupported database {backend!r}; use sqlite:///FILE or postgresql+psycopg://…"
    )


@dataclass
class Store:
    """A migrated database with read and write sessions."""

    url: str
    engine: Engine
    _reader: sessionmaker[Session]
    _writer: sessionmaker[Session]
    _write_lock: Lock | None = field(default=None)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (rolled back at the end)."""
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction commits at the end, or rolls back on error."""
        if self._write_lock is None:
            with self._writer() as session, session.begin():
                yield session
            return
        with self._write_lock, self._writer() as session, session.begin():
            yield session

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()


def open_store(url: str, *, create: bool = True) -> Store:
    """Open (and create or migrate to the latest schema) the store at ``url``.

    ``url`` is ``sqlite:///path/to/file.db`` or ``postgresql+psycopg://user@host/db``.
    With ``create=False`` (read commands) a store that does not exist yet — no SQLite
    file, or a database without warmgrid's schema — is refused and nothing is created.
    """
    engine = _make_engine(url, create)
    try:
        revision = stored_revision(engine)
        if not create and revision is None:
            engine.dispose()
            shown = engine.url.render_as_string(hide_password=True)
            raise WarmgridError(f"--db: {shown} holds no warmgrid store (nothing was created)")
        if revision != head_revision():
            upgrade(engine)
    except OperationalError as error:
        engine.dispose()
        shown = engine.url.render_as_string(hide_password=True)
        reason = " ".join(str(error.orig).split())  # libpq's hint is on a line of its own
        raise WarmgridError(f"--db: cannot open {shown}: {reason}") from error
    writer_bind = engine.execution_options(sqlite_begin="IMMEDIATE")
    return Store(
        url=url,
        engine=engine,
        _reader=sessionmaker(engine, expire_on_commit=False),
        _writer=sessionmaker(writer_bind, expire_on_commit=False),
        _write_lock=Lock() if engine.dialect.name == "sqlite" else None,
    )
