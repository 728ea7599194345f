"""Store fixtures: the same tests on a real SQLite file and a real PostgreSQL server.

PostgreSQL: ``$WARMGRID_TEST_POSTGRES_URL`` when set (a server URL whose user may create
databases), else a throwaway cluster started here with ``initdb`` + ``pg_ctl`` on
127.0.0.1 at a free port, in a temporary directory, as a non-root user, torn down at
the end. Without PostgreSQL binaries the PostgreSQL cases are skipped — except in CI
(``CI=true``), where that is a failure.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, inspect, make_url, text

from warmgrid.store import Store, open_store

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _unprivileged_user() -> str | None:
    """A user to run PostgreSQL as when we are root (it refuses to run as root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    pytest.fail("running as root and neither a 'postgres' nor a 'nobody' user exists")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL (database ``postgres``) of a PostgreSQL server for this test session."""
    given = os.environ.get("WARMGRID_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    bin_dir = _pg_bin()
    if bin_dir is None:
        _unavailable("no initdb/pg_ctl found (install the Debian 'postgresql' package)")
    user = _unprivileged_user()
    prefix = ["runuser", "-u", user, "--"] if user else []
    root = Path(tempfile.mkdtemp(prefix="warmgrid-pg-"))
    data, log_file = root / "data", root / "server.log"
    if user:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    port = _free_port()
    run = {"check": True, "capture_output": True, "text": True, "cwd": root}
    try:
        subprocess.run(
            [
                *prefix,
                str(bin_dir / "initdb"),
                *("-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"),
                *("--no-sync", "--no-instructions"),
            ],
            **run,
        )
        options = (
            f"-p {port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        subprocess.run(
            [
                *prefix,
                str(bin_dir / "pg_ctl"),
                *("-D", str(data), "-l", str(log_file), "-o", options, "-w", "-t", "60", "start"),
            ],
            **run,
        )
    except subprocess.CalledProcessError as error:
        log_text = log_file.read_text() if log_file.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"could not start PostgreSQL: {error.stderr}\n{log_text}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            cwd=root,
        )
        shutil.rmtree(root, ignore_errors=True)


def _admin_dsn(server_url: str) -> str:
    url = make_url(server_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


@contextmanager
def _scratch_database(server_url: str, prefix: str) -> Iterator[str]:
    """The URL of a new database on the server of ``server_url``, dropped at the end."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin_dsn(server_url), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_admin_dsn(server_url), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_database(postgres_server: str) -> Iterator[str]:
    """A database for this session on the PostgreSQL server (dropped at the end)."""
    with _scratch_database(postgres_server, "warmgrid_test") as url:
        yield url


def _empty_postgres(url: str) -> None:
    """Remove every row (not the schema) so that each test starts from an empty store."""
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = [
            name for name in inspect(connection).get_table_names() if name != "alembic_version"
        ]
        if tables:
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def fresh_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A store URL with an empty store of the parametrised backend.

    SQLite: a new file per test. PostgreSQL: one database per session, emptied before
    each test (creating a database per test costs seconds).
    """
    if request.param == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix="warmgrid-sqlite-"))
        yield f"sqlite:///{directory / 'store.db'}"
        shutil.rmtree(directory, ignore_errors=True)
        return
    url = request.getfixturevalue("postgres_database")
    _empty_postgres(url)
    yield url


@pytest.fixture
def store(fresh_database: str) -> Iterator[Store]:
    """An opened (migrated) store on the parametrised backend."""
    opened = open_store(fresh_database)
    yield opened
    opened.close()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that uses a store on both backends."""
    if "fresh_database" in metafunc.fixturenames:
        metafunc.parametrize("fresh_database", BACKENDS, indirect=True)


CAP_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{identifier}</identifier>
  <sender>emergency@city.example</sender>
  <sent>2026-01-14T04:00:00-00:00</sent>
  <status>Actual</status>
  <msgType>{msg_type}</msgType>
  <scope>Public</scope>{references}
  <info>
    <language>en</language>
    <category>Infra</category>
    <event>Heating outage</event>
    <urgency>Expected</urgency>
    <severity>Severe</severity>
    <certainty>Observed</certainty>
    <expires>{expires}</expires>
    <headline>{headline}</headline>
    <description>No heating in the north district.</description>
    <area>
      <areaDesc>North district</areaDesc>
      <polygon>50.46,30.51 50.47,30.51 50.47,30.53 50.46,30.53 50.46,30.51</polygon>
    </area>
  </info>
</alert>
"""


def cap_message(
    identifier: str,
    msg_type: str = "Alert",
    references: str = "",
    headline: str = "Heating outage in the north district",
    expires: str = "2099-01-01T00:00:00-00:00",
) -> bytes:
    """A CAP 1.2 message that passes the schema and the feed rules."""
    refs = f"\n  <references>{references}</references>" if references else ""
    return CAP_TEMPLATE.format(
        identifier=identifier,
        msg_type=msg_type,
        references=refs,
        headline=headline,
        expires=expires,
    ).encode()


@pytest.fixture
def make_cap():
    """Factory of valid CAP 1.2 messages (see :func:`cap_message`)."""
    return cap_message


@pytest.fixture
def other_database(fresh_database: str) -> Iterator[str]:
    """A second, empty store URL on the same backend as ``fresh_database``."""
    if make_url(fresh_database).get_backend_name() == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix="warmgrid-sqlite-"))
        yield f"sqlite:///{directory / 'other.db'}"
        shutil.rmtree(directory, ignore_errors=True)
        return
    with _scratch_database(fresh_database, "warmgrid_other") as url:
        yield url
