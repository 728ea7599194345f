"""Run the Alembic migrations shipped in this package, programmatically.

Opening a store whose schema is already at the newest revision costs one query: the
stored revision is compared with :func:`head_revision`, read from the migration scripts'
text, and Alembic (its environment and every script) is only loaded when the schema is
behind.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"
PG_MIGRATION_LOCK = 0x776D6772  # any constant: serialises concurrent upgrades on PostgreSQL
_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN_REVISION = re.compile(
    r"^down_revision\s*(?::[^=]*)?=\s*(?:[\"']([^\"']+)[\"']|None)", re.MULTILINE
)


def alembic_config() -> Config:
    """An Alembic configuration pointing at the packaged migration scripts."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@cache
def head_revision() -> str:
    """The newest schema revision that this version of warmgrid ships: the one revision
    of ``migrations/versions`` that no other script revises (its ``revision`` and
    ``down_revision`` lines, read without importing Alembic or the scripts)."""
    revisions, revised = set(), set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        source = script.read_text()
        found, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if found is None or down is None:
            raise RuntimeError(f"{script}: no revision or down_revision line")
        revisions.add(found.group(1))
        if down.group(1):
            revised.add(down.group(1))
    heads = sorted(revisions - revised)
    if len(heads) != 1:
        raise RuntimeError(f"{MIGRATIONS}: expected one head revision, found {heads}")
    return heads[0]


def _version(connection: Connection) -> str | None:
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def current_revision(engine: Engine) -> str | None:
    """The schema revision of the database at ``engine`` (raises when it has no
    ``alembic_version`` table)."""
    with engine.connect() as connection:
        return _version(connection)


def stored_revision(engine: Engine) -> str | None:
    """The schema revision of the database at ``engine``, ``None`` when it has no
    warmgrid schema yet."""
    with engine.connect() as connection:
        return _version(connection) if inspect(connection).has_table(VERSION_TABLE) else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema of ``engine`` to ``revision`` in one transaction.

    Concurrent callers wait for each other (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: an
    advisory transaction lock), so several processes may open the same store at once.
    """
    from alembic import command

    config = alembic_config()
    with engine.execution_options(sqlite_begin="IMMEDIATE").begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
