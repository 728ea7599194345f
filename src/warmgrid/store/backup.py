"""Back up a store to one file and restore it, on SQLite and on PostgreSQL.

SQLite: the online backup API copies a consistent snapshot page by page while writers
go on (https://www.sqlite.org/backup.html); the backup is itself a SQLite file.
PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot in one transaction) and
``pg_restore --clean --single-transaction`` (all or nothing)
(https://www.postgresql.org/docs/current/app-pgdump.html). A backup is written beside its
final name and renamed into place, so an interrupted backup never leaves half a file
under that name. After a restore the store is migrated to the current schema.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import func, inspect, make_url, select, table

from warmgrid.errors import WarmgridError
from warmgrid.store.engine import open_store
from warmgrid.store.migrate import VERSION_TABLE

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "").expanduser()


def _pg_tool(name: str) -> str:
    """The newest ``pg_dump``/``pg_restore`` (it must be at least the server's version)."""
    installed = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    found = installed[-1] if installed else shutil.which(name)
    if found is None:
        raise WarmgridError(f"{name} is not installed (Debian package postgresql-client)")
    return found


def _pg_command(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for ``url`` and the environment holding its password."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise WarmgridError(f"{what} failed: {lines[0] if lines else done.returncode}")


def _has_rows(url: str) -> bool:
    store = open_store(url)
    try:
        with store.read() as session:
            names = inspect(session.connection()).get_table_names()
            return any(
                session.scalar(select(func.count()).select_from(table(name)))
                for name in names
                if name != VERSION_TABLE
            )
    finally:
        store.close()


def backup(url: str, path: str | Path, *, replace: bool = False) -> Path:
    """Write a consistent backup of the store at ``url`` to ``path`` and return it.

    An existing file at ``path`` (an earlier backup) is only replaced with
    ``replace=True``, and then only once the new backup is complete.
    """
    target = Path(path).expanduser()
    if target.is_dir():
        raise WarmgridError(f"{target}: is a folder; give a backup file name")
    if make_url(url).get_backend_name() == "sqlite" and target.resolve() == (
        _sqlite_path(url).resolve()
    ):
        raise WarmgridError(f"{target}: is the store itself; give the backup another file name")
    if target.exists() and not replace:
        raise WarmgridError(
            f"{target}: already exists; backing up would overwrite it (pass --replace to do so)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    store = open_store(url, create=False)  # refuses a missing store, migrates an old one
    dialect = store.dialect
    store.close()
    try:
        if dialect == "sqlite":
            with (
                closing(sqlite3.connect(_sqlite_path(url))) as source,
                closing(sqlite3.connect(partial)) as copy,
            ):
                source.backup(copy)
                # The copy takes the store's WAL mode; a backup is one self-contained file,
                # which readers open without creating -wal and -shm files beside it.
                copy.execute("PRAGMA journal_mode = DELETE")
        else:
            dsn, env = _pg_command(url)
            tool = _pg_tool("pg_dump")
            _run([tool, "--format=custom", f"--file={partial}", dsn], env, "pg_dump")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _backup_kind(path: Path) -> str:
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise WarmgridError(f"{path}: cannot read the backup: {error.strerror}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    raise WarmgridError(
        f"{path}: not a warmgrid backup (expected a SQLite file or a pg_dump custom archive)"
    )


def _read_only(path: Path) -> str:
    """A URI that opens the backup ``path`` read-only and immutable: SQLite then writes no
    -wal or -shm file beside it, even for a backup in WAL mode
    (https://www.sqlite.org/uri.html#uriimmutable)."""
    return f"{path.resolve().as_uri()}?mode=ro&immutable=1"


def _check_sqlite_backup(path: Path) -> None:
    try:
        with closing(sqlite3.connect(_read_only(path), uri=True)) as copy:
            found = copy.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
                (VERSION_TABLE,),
            ).fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise WarmgridError(f"{path}: a damaged SQLite file: {error}") from None
    if not found:
        raise WarmgridError(f"{path}: a SQLite file but not a warmgrid store (no schema version)")


def restore(url: str, path: str | Path, *, replace: bool = False) -> None:
    """Replace the content of the store at ``url`` with the backup at ``path``.

    A store that holds data is only overwritten with ``replace=True``. The backup must
    come from the same kind of database as the store (SQLite or PostgreSQL).
    """
    source = Path(path).expanduser()
    kind = _backup_kind(source)
    if _has_rows(url) and not replace:
        raise WarmgridError(
            "the store holds data; restoring would overwrite it (pass --replace to do so)"
        )
    dialect = make_url(url).get_backend_name()
    if kind != dialect:
        raise WarmgridError(f"{source}: a {kind} backup cannot be restored into a {dialect} store")
    if kind == "sqlite":
        _check_sqlite_backup(source)
        with (
            closing(sqlite3.connect(_read_only(source), uri=True)) as copy,
            closing(sqlite3.connect(_sqlite_path(url), timeout=30)) as live,
        ):
            copy.backup(live)
    else:
        dsn, env = _pg_command(url)
        command = [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner"]
        command += ["--no-privileges", "--single-transaction", f"--dbname={dsn}", str(source)]
        _run(command, env, "pg_restore")
    open_store(url).close()  # migrate a backup of an older schema to the current one
