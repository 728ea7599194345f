"""Migration 0005 creates the ``rotations`` table exactly as the model declares it."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from warmgrid.store.migrate import alembic_config, upgrade
from warmgrid.store.models import Base


def test_the_migration_matches_the_model(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences if "rotations" in repr(d)] == []
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    assert "rotations" not in inspect(engine).get_table_names()
    with engine.connect() as connection:
        missing = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert any(d[0] == "add_table" and d[1].name == "rotations" for d in missing)
