"""Opening a store: an up-to-date schema costs one query (no Alembic), a schema behind is
migrated to the head revision, and the head read from the scripts is Alembic's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, inspect

from warmgrid.store import open_store
from warmgrid.store.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    stored_revision,
    upgrade,
)

_OPEN = """
import sys
from warmgrid.store import open_store
store = open_store(sys.argv[1], create=False)
store.close()
print("alembic" in sys.modules)
"""


def test_the_head_revision_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_an_up_to_date_store_opens_without_alembic(fresh_database: str) -> None:
    open_store(fresh_database).close()
    done = subprocess.run(
        [sys.executable, "-c", _OPEN, fresh_database],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == "False", done.stderr
    engine = create_engine(fresh_database)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_a_store_behind_is_migrated_to_the_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    upgrade(engine, "0004")
    assert current_revision(engine) == "0004"
    assert not inspect(engine).has_table("rotations")
    open_store(url, create=False).close()
    assert current_revision(engine) == head_revision()
    assert inspect(engine).has_table("rotations")
    engine.dispose()


def test_an_empty_database_has_no_revision(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert stored_revision(engine) is None
    engine.dispose()
