"""Backup and restore: a store restored into a fresh one holds every row of every table."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select
from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.incidents import log
from warmgrid.incidents.domain import DamageIn, IncidentIn, IncidentPatch, ReportIn
from warmgrid.store import Role, Store, add_user, alert_log, create_token, open_store
from warmgrid.store.browser_sessions import open_session
from warmgrid.store.models import AssessmentRecord, PlanRecord, RotationRecord
from warmgrid.store.tokens import Principal

runner = CliRunner()


def _fill(store: Store, make_cap) -> None:
    """At least one row in every table, written through the store's own functions."""
    incident = IncidentIn.model_validate(
        {
            "kind": "strike",
            "title": "Strike on CHP-5 — «switchyard»",
            "occurred_at": "2026-01-14T03:41:07.250+02:00",
            "location": {"type": "Point", "coordinates": [30.47, 50.45]},
        }
    )
    report = ReportIn.model_validate(
        {
            "source_name": "CHP-5 shift supervisor",
            "source_kind": "utility",
            "received_at": "2026-01-14T03:48:00+02:00",
            "quoted_text": "T1 to T3 out",
            "figures": [{"what": "transformers", "min": 3, "max": 3, "unit": "count"}],
        }
    )
    with store.write() as session:
        olena = add_user(session, "olena", Role.APPROVER, "cli:root")
        token = create_token(session, olena, Role.APPROVER, "cli:root")[0]
        open_session(session, Principal(token.id, "olena", Role.APPROVER, olena.id), 3600.0)
        petro = add_user(session, "petro", Role.APPROVER, "cli:root")
        incident_id = log.create_incident(session, incident, "olena#1").id
        log.add_report(session, incident_id, report, "olena#1", "key-1", user_id=olena.id)
        patch = IncidentPatch(status="confirmed", reason="confirmed by the utility")
        log.revise_incident(session, incident_id, patch, "petro#2")
        log.confirm_damage(session, incident_id, DamageIn(asset_id="power.trafo.0"), "petro#2")
        assessment = AssessmentRecord(
            created_by="petro#2", asset_ids=["power.trafo.0"], result={"a": 1}
        )
        session.add(assessment)
        session.flush()
        session.add(
            PlanRecord(
                assessment_id=assessment.id,
                created_by="petro#2",
                crews=[{"id": "crew-1"}],
                settings={"solver": "heuristic"},
                result={"objective": 1.0},
                building_etr=[{"id": "building.0", "etr": "2026-01-14T09:00:00+02:00"}],
            )
        )
        session.add(
            RotationRecord(
                created_by="olena#1",
                created_by_user_id=olena.id,
                starts_at=datetime(2026, 1, 14, 18, tzinfo=UTC),
                schedule={"deficit_mw": 2.0, "groups": [], "slots": []},
            )
        )
        draft = alert_log.create_draft(session, make_cap("wg-1"), "olena#1", user_id=olena.id)
        petro_id = petro.id
    with store.write() as session:
        alert_log.publish(session, draft.id, Principal(2, "petro", Role.APPROVER, petro_id))


def _every_table(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        dumped = {
            name: sorted(
                (tuple(repr(value) for value in row) for row in connection.execute(select(table))),
            )
            for name, table in metadata.tables.items()
        }
    engine.dispose()
    return dumped


def _add_users(url: str, *users: tuple[str, Role]) -> None:
    """Add accounts (name, role) to the store at ``url``, creating it if need be."""
    store = open_store(url)
    try:
        with store.write() as session:
            for name, role in users:
                add_user(session, name, role, "cli:root")
    finally:
        store.close()


def test_restore_into_a_fresh_store_gives_every_row_back(
    store: Store, other_database: str, make_cap, tmp_path: Path
) -> None:
    _fill(store, make_cap)
    backup_file = tmp_path / "store.backup"
    result = runner.invoke(app, ["db", "backup", str(backup_file), "--db", store.url])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["db", "restore", str(backup_file), "--db", other_database])
    assert result.exit_code == 0, result.output
    original, restored = _every_table(store.url), _every_table(other_database)
    assert set(restored) == set(original)
    assert all(rows for name, rows in original.items()), "every table holds a row"
    assert restored == original


def test_restore_never_overwrites_data_unasked(
    store: Store, other_database: str, make_cap, tmp_path: Path
) -> None:
    backup_file = tmp_path / "empty.backup"
    runner.invoke(app, ["db", "backup", str(backup_file), "--db", store.url])
    _fill(store, make_cap)
    before = _every_table(store.url)
    result = runner.invoke(app, ["db", "restore", str(backup_file), "--db", store.url])
    assert result.exit_code == 2
    assert "--replace" in result.output
    assert _every_table(store.url) == before
    result = runner.invoke(app, ["db", "restore", str(backup_file), "--db", store.url, "--replace"])
    assert result.exit_code == 0, result.output
    assert all(
        not rows for name, rows in _every_table(store.url).items() if name != "alembic_version"
    )


def test_a_file_that_is_no_backup_is_refused(other_database: str, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup")
    result = runner.invoke(app, ["db", "restore", str(bogus), "--db", other_database])
    assert result.exit_code == 2
    assert "notes.txt: not a warmgrid backup" in result.output


def test_a_backup_of_the_other_backend_is_refused(other_database: str, tmp_path: Path) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'a.db'}"
    open_store(sqlite_url).close()
    sqlite_backup = tmp_path / "a.backup"
    runner.invoke(app, ["db", "backup", str(sqlite_backup), "--db", sqlite_url])
    if other_database.startswith("sqlite"):
        pytest.skip("needs a PostgreSQL store to restore into")
    result = runner.invoke(app, ["db", "restore", str(sqlite_backup), "--db", other_database])
    assert result.exit_code == 2
    assert "a sqlite backup cannot be restored into a postgresql store" in result.output


def test_backing_up_a_store_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "warmgrid.db"
    backup_file = tmp_path / "warmgrid.backup"
    result = runner.invoke(app, ["db", "backup", str(backup_file), "--db", f"sqlite:///{missing}"])
    assert result.exit_code == 2, result.output
    assert f"no store at {missing}" in " ".join(result.output.split())
    assert not missing.parent.exists() and not backup_file.exists()


def test_sqlite_backup_and_restore_leave_no_stray_files(tmp_path: Path) -> None:
    """A backup is one self-contained file: neither backing up nor restoring (also from
    a backup in WAL mode, as older versions wrote them) leaves -wal or -shm files beside
    it, and the restored store holds the rows."""
    import sqlite3
    from contextlib import closing

    live_url = f"sqlite:///{tmp_path / 'live.db'}"
    _add_users(live_url, ("olena", Role.ADMIN))
    backups = tmp_path / "backups"
    backup_file = backups / "store.backup"
    assert runner.invoke(app, ["db", "backup", str(backup_file), "--db", live_url]).exit_code == 0
    with closing(sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)) as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    wal_file = backups / "wal.backup"
    with (
        closing(sqlite3.connect(tmp_path / "live.db")) as source,
        closing(sqlite3.connect(wal_file)) as copy,
    ):
        source.backup(copy)  # keeps the store's WAL mode
    for number, backup in enumerate((backup_file, wal_file)):
        target = f"sqlite:///{tmp_path / f'restored{number}.db'}"
        result = runner.invoke(app, ["db", "restore", str(backup), "--db", target])
        assert result.exit_code == 0, result.output
        assert "'olena'" in _every_table(target)["users"][0]
    assert sorted(path.name for path in backups.iterdir()) == ["store.backup", "wal.backup"]


def test_a_backup_onto_the_store_itself_is_refused(tmp_path: Path, monkeypatch) -> None:
    """`db backup warmgrid.db` beside the default store would replace the live file (its
    -wal file left beside a copy): refused, whichever way the path is written."""
    monkeypatch.chdir(tmp_path)
    _add_users(f"sqlite:///{tmp_path / 'warmgrid.db'}", ("olena", Role.ADMIN))
    before = (tmp_path / "warmgrid.db").read_bytes()
    for name in ("warmgrid.db", "./warmgrid.db", str(tmp_path / "warmgrid.db")):
        result = runner.invoke(app, ["db", "backup", name, "--db", "sqlite:///warmgrid.db"])
        assert result.exit_code == 2, result.output
        assert "is the store itself; give the backup another file name" in result.output
    assert (tmp_path / "warmgrid.db").read_bytes() == before
    assert not list(tmp_path.glob("*.partial"))


def test_an_existing_backup_is_replaced_only_with_replace(tmp_path: Path) -> None:
    """A second `db backup` onto last night's file leaves it byte for byte as it was;
    with --replace the file becomes a backup of the store as it is now, which restores."""
    live_url = f"sqlite:///{tmp_path / 'live.db'}"
    _add_users(live_url, ("olena", Role.ADMIN))
    backup_file = tmp_path / "nightly.backup"
    assert runner.invoke(app, ["db", "backup", str(backup_file), "--db", live_url]).exit_code == 0
    before = backup_file.read_bytes()
    _add_users(live_url, ("petro", Role.VIEWER))
    result = runner.invoke(app, ["db", "backup", str(backup_file), "--db", live_url])
    assert result.exit_code == 2, result.output
    line = " ".join(result.output.split())
    assert f"{backup_file}: already exists" in line and "--replace" in line
    assert "Traceback" not in result.output
    assert backup_file.read_bytes() == before
    assert not list(tmp_path.glob("*.partial"))
    result = runner.invoke(app, ["db", "backup", str(backup_file), "--db", live_url, "--replace"])
    assert result.exit_code == 0, result.output
    restored = f"sqlite:///{tmp_path / 'restored.db'}"
    result = runner.invoke(app, ["db", "restore", str(backup_file), "--db", restored])
    assert result.exit_code == 0, result.output
    names = sorted(row[1] for row in _every_table(restored)["users"])
    assert names == ["'olena'", "'petro'"]
