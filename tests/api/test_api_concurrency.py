"""Concurrency and crash safety through the real server (uvicorn subprocess, loopback).

50 clients post 2,000 reports at once, each with its own Idempotency-Key. The server is
killed (SIGKILL) in the middle of the load and restarted on the same SQLite file; the
clients then retry every request that got no answer, and replay some that did. Every
acknowledged report must still be there, and every report is stored exactly once.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from warmgrid.incidents import log
from warmgrid.incidents.domain import IncidentIn
from warmgrid.store import Role, add_user, create_token, open_store
from warmgrid.store.models import Report

CLIENTS = 50
REPORTS = 2000
KILL_AFTER_ACKS = 600
REPLAYS = 300


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(url: str, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from warmgrid.cli import main; main()", "serve"]
    command += ["--db", url, "--port", str(port), "--city", "none"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"server exited: {server.stderr.read().decode() if server.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    pytest.fail("server did not start within 60 s")


def _body(i: int) -> bytes:
    return json.dumps(
        {
            "source_name": f"caller {i}",
            "source_kind": "public",
            "received_at": "2026-01-14T04:00:00+02:00",
            "quoted_text": f"report number {i}",
            "certainty": "Possible",
        }
    ).encode()


class _Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams: a light client, so that
    50 of them load the server rather than themselves."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        """(status, body); raises OSError or asyncio.IncompleteReadError if the server
        goes away before answering."""
        if self.streams is None:
            self.streams = await asyncio.open_connection("127.0.0.1", self.port)
        reader, writer = self.streams
        head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        try:
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
            await writer.drain()
            answer = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(line.split(b":")[1])
                for line in answer.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            return int(answer.split(b" ", 2)[1]), await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            self.close()
            raise

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def _post_all(
    port: int,
    token: str,
    indices: list[int],
    acked: dict[int, int],
    statuses: dict[int, int],
    kill: subprocess.Popen[bytes] | None = None,
) -> list[int]:
    """Post reports ``indices`` from CLIENTS concurrent clients; returns the unanswered."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in indices:
        queue.put_nowait(i)
    unanswered: list[int] = []

    async def client() -> None:
        connection = _Connection(port)
        while not queue.empty():
            i = queue.get_nowait()
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"report-{i}"}
            try:
                status, body = await connection.post("/incidents/1/reports", headers, _body(i))
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                unanswered.append(i)
                continue
            assert status in (200, 201), body
            report_id = json.loads(body)["id"]
            assert acked.setdefault(i, report_id) == report_id
            statuses[i] = status
            if kill is not None and len(acked) >= KILL_AFTER_ACKS and kill.poll() is None:
                os.kill(kill.pid, signal.SIGKILL)
        connection.close()

    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return unanswered


@pytest.mark.slow
def test_no_acknowledged_report_is_lost_or_stored_twice(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'load.db'}"
    store = open_store(url)
    with store.write() as session:
        loader = add_user(session, "load", Role.OPERATOR, "test")
        token = create_token(session, loader, None, "test")[1]
        log.create_incident(session, IncidentIn(kind="other", title="load"), "test")
    acked: dict[int, int] = {}
    statuses: dict[int, int] = {}

    first_port = _free_port()
    first = _start(url, first_port)
    try:
        unanswered = asyncio.run(
            _post_all(first_port, token, list(range(REPORTS)), acked, statuses, first)
        )
    finally:
        first.kill()
        first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    acked_before_kill = dict(acked)
    assert KILL_AFTER_ACKS <= len(acked_before_kill) < REPORTS
    assert unanswered, "the kill left no request unanswered"

    port = _free_port()
    second = _start(url, port)
    try:
        replayed = sorted(acked_before_kill)[:REPLAYS]
        replay_statuses: dict[int, int] = {}
        again = asyncio.run(_post_all(port, token, unanswered, acked, statuses))
        assert again == []
        replay_acks = {i: acked_before_kill[i] for i in replayed}
        left = asyncio.run(_post_all(port, token, replayed, replay_acks, replay_statuses))
        assert left == []
    finally:
        second.terminate()
        second.wait(timeout=30)

    assert sorted(acked) == list(range(REPORTS))
    assert set(replay_statuses.values()) == {200}  # replays stored nothing new
    with store.read() as session:
        rows = session.execute(select(Report.id, Report.idempotency_key)).all()
        assert session.scalar(select(func.count()).select_from(Report)) == REPORTS
    by_key = {key: report_id for report_id, key in rows}
    assert len(by_key) == REPORTS  # one row per key
    for i, report_id in acked_before_kill.items():  # acknowledged before the kill: still there
        assert by_key[f"report-{i}"] == report_id
    for i, report_id in acked.items():
        assert by_key[f"report-{i}"] == report_id
    store.close()


@pytest.mark.slow
def test_serve_seeds_the_demo_incidents_when_asked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'served.db'}"
    port = _free_port()
    command = [sys.executable, "-c", "from warmgrid.cli import main; main()", "serve"]
    server = subprocess.Popen(
        [*command, "--db", url, "--port", str(port), "--seed-demo"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        store = open_store(url)
        with store.write() as session:
            reader = add_user(session, "reader", Role.VIEWER, "test")
            token = create_token(session, reader, None, "test")[1]
        store.close()
        headers = {"Authorization": f"Bearer {token}"}
        incidents = httpx.get(f"http://127.0.0.1:{port}/incidents", headers=headers).json()
        assert sorted(i["kind"] for i in incidents) == [
            "air_threat",
            "interception_debris",
            "interception_debris",
            "strike",
        ]
        strike = next(i for i in incidents if i["kind"] == "strike")
        reports = httpx.get(
            f"http://127.0.0.1:{port}/incidents/{strike['id']}/reports", headers=headers
        ).json()
        assert {r["source_kind"] for r in reports} == {"utility", "emergency_service"}
        assert httpx.get(f"http://127.0.0.1:{port}/openapi.json").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
