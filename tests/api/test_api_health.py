"""Liveness and readiness probes: /healthz answers while the process lives, /readyz only
while the store answers with the schema this server expects."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from warmgrid.store.migrate import head_revision


def _run_sql(url: str, statement: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


def test_ready_store_answers_ok(api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok"}
    ready = api.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "store": "sqlite", "schema": head_revision()}


def test_store_with_another_schema_is_not_ready(api) -> None:
    _run_sql(api.store_url, "UPDATE alembic_version SET version_num = '0000'")
    ready = api.client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["store"] == f"schema 0000, expected {head_revision()}"
    assert api.client.get("/healthz").status_code == 200


def test_unreachable_store_is_not_ready(api) -> None:
    _run_sql(api.store_url, "ALTER TABLE alembic_version RENAME TO moved")
    ready = api.client.get("/readyz")
    assert ready.status_code == 503
    assert "no such table: alembic_version" in ready.json()["store"]
    assert api.client.get("/healthz").status_code == 200
