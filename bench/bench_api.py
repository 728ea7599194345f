"""Benchmark of the HTTP API on the SQLite default: report writes/s and Atom feed latency.

Starts ``warmgrid serve`` (real uvicorn) on 127.0.0.1 at a free port on a fresh SQLite
file, then:

1. baseline: ``GET /health`` from 50 concurrent clients (the server's bare request rate);
2. writes: 50 concurrent clients post ``--reports`` reports, each with its own
   Idempotency-Key; every one must be acknowledged (201) and stored exactly once;
3. feed: 10 published alerts, then 50 concurrent readers fetch ``GET /feed.atom``
   ``--feed-requests`` times in all.

Targets (issue 5): ≥ 500 report writes/s sustained, feed p95 < 50 ms. Prints one JSON
object. Only loopback addresses, bounded request counts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import numpy as np

from warmgrid.incidents import log
from warmgrid.incidents.domain import IncidentIn
from warmgrid.store import Role, add_user, create_token, open_store
from warmgrid.store.models import Report

CLIENTS = 50
HOST = "127.0.0.1"
WRITE_TARGET_PER_S = 500.0
FEED_P95_TARGET_MS = 50.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from warmgrid.cli import main; main()", "serve"]
    command += ["--db", url, "--host", HOST, "--port", str(port), "--city", "none"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(
        f"server did not start: {server.stderr.read().decode() if server.stderr else ''}"
    )


def report(i: int) -> dict[str, object]:
    return {
        "source_name": f"bench source {i % 7}",
        "source_kind": "public",
        "received_at": "2026-01-14T04:00:00+02:00",
        "quoted_text": f"report {i}: windows broken, smoke seen",
        "figures": [{"what": "impact points", "min": 1, "max": 3, "unit": "count"}],
        "certainty": "Possible",
    }


class RawClient:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams (one connection).

    The load generator: httpx's async client costs ~2.6 ms of CPU per request on the
    2-core machine this was written on, so 50 of them saturate a core by themselves and
    the benchmark would measure the client; this one costs a tenth of that. ``--client
    httpx`` runs the same load through httpx instead.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await reader.readexactly(length)

    async def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()


class HttpxClient:
    """The same interface on one :class:`httpx.AsyncClient`."""

    def __init__(self, host: str, port: int) -> None:
        self.base = f"http://{host}:{port}"
        self.client = httpx.AsyncClient(timeout=60, trust_env=False)

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes]:
        if body:
            headers = {**headers, "Content-Type": "application/json"}
        response = await self.client.request(
            method, self.base + path, headers=headers, content=body or None
        )
        return response.status_code, response.content

    async def close(self) -> None:
        await self.client.aclose()


async def run_clients(make_client, total: int, request) -> tuple[float, list[float]]:
    """``total`` requests from CLIENTS concurrent clients; (seconds, latencies in ms)."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)
    latencies: list[float] = []

    async def worker() -> None:
        client = make_client()
        try:
            while not queue.empty():
                i = queue.get_nowait()
                start = time.perf_counter()
                await request(client, i)
                latencies.append((time.perf_counter() - start) * 1000)
        finally:
            await client.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CLIENTS)))
    return time.perf_counter() - start, latencies


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 2)


async def bench(port: int, pid: int, operator: str, approvers: list[str], args) -> dict:
    kind = RawClient if args.client == "raw" else HttpxClient

    def make_client():
        return kind(HOST, port)

    op = {"Authorization": f"Bearer {operator}"}

    async def health(client, _i: int) -> None:
        status, _ = await client.request("GET", "/health", {})
        if status != 200:
            raise RuntimeError(f"health: {status}")

    cpu_before = cpu_seconds(pid)
    baseline_s, _ = await run_clients(make_client, args.baseline_requests, health)
    baseline_cpu_s = cpu_seconds(pid) - cpu_before
    bodies = [json.dumps(report(i)).encode() for i in range(args.reports)]
    keys = [uuid.uuid4().hex for _ in range(args.reports)]
    warm = min(200, args.reports)
    warm_keys = [uuid.uuid4().hex for _ in range(warm)]

    def poster(key_list: list[str]):
        async def post(client, i: int) -> None:
            headers = {**op, "Idempotency-Key": key_list[i]}
            status, body = await client.request("POST", "/incidents/1/reports", headers, bodies[i])
            if status != 201:
                raise RuntimeError(f"report {i}: {status} {body[:200]!r}")

        return post

    await run_clients(make_client, warm, poster(warm_keys))  # warm-up, not counted
    cpu_before = cpu_seconds(pid)
    write_s, write_ms = await run_clients(make_client, args.reports, poster(keys))
    write_cpu_s = cpu_seconds(pid) - cpu_before

    async with httpx.AsyncClient(timeout=60, trust_env=False) as client:
        for n in range(10):
            south = 50.4 + n / 100
            drafted = await client.post(
                f"http://{HOST}:{port}/alert-messages/compose/air-threat",
                headers=op,
                json={
                    "district": f"District {n}",
                    "polygon": [[30.5, south], [30.52, south], [30.51, south + 0.01]],
                },
            )
            drafted.raise_for_status()
            published = await client.post(
                f"http://{HOST}:{port}/alert-messages/{drafted.json()['id']}/publish",
                headers={"Authorization": f"Bearer {approvers[n % 2]}"},
            )
            published.raise_for_status()

    async def read_feed(client, _i: int) -> None:
        status, body = await client.request("GET", "/feed.atom", {})
        if status != 200 or body.count(b"<entry>") != 10:
            raise RuntimeError(f"feed: {status}, not the 10 published alerts")

    cpu_before = cpu_seconds(pid)
    feed_s, feed_ms = await run_clients(make_client, args.feed_requests, read_feed)
    feed_cpu_s = cpu_seconds(pid) - cpu_before
    writes_per_s = args.reports / write_s
    baseline_per_s = args.baseline_requests / baseline_s
    return {
        "client": args.client,
        "clients": CLIENTS,
        "baseline_health_requests_per_s": round(baseline_per_s, 1),
        "server_cpu_ms_per_health_request": round(
            baseline_cpu_s / args.baseline_requests * 1000, 3
        ),
        "reports": args.reports,
        "report_writes_per_s": round(writes_per_s, 1),
        "report_write_p50_ms": percentile(write_ms, 50),
        "report_write_p95_ms": percentile(write_ms, 95),
        "server_cpu_ms_per_write": round(write_cpu_s / args.reports * 1000, 3),
        "writes_vs_health_baseline_ratio": round(writes_per_s / baseline_per_s, 3),
        "feed_requests": args.feed_requests,
        "feed_requests_per_s": round(args.feed_requests / feed_s, 1),
        "feed_p50_ms": percentile(feed_ms, 50),
        "feed_p95_ms": percentile(feed_ms, 95),
        "feed_p99_ms": percentile(feed_ms, 99),
        "server_cpu_ms_per_feed_request": round(feed_cpu_s / args.feed_requests * 1000, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=3000)
    parser.add_argument("--feed-requests", type=int, default=2000)
    parser.add_argument("--baseline-requests", type=int, default=2000)
    parser.add_argument("--client", choices=["raw", "httpx"], default="raw")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="warmgrid-bench-") as directory:
        url = f"sqlite:///{Path(directory) / 'bench.db'}"
        store = open_store(url)
        with store.write() as session:
            holder = add_user(session, "bench-operator", Role.OPERATOR, "bench")
            operator = create_token(session, holder, None, "bench")[1]
            approvers = [
                create_token(
                    session,
                    add_user(session, f"bench-approver-{n}", Role.APPROVER, "bench"),
                    None,
                    "bench",
                )[1]
                for n in range(2)
            ]
            log.create_incident(session, IncidentIn(kind="other", title="bench"), "bench")
        port = free_port()
        server = start_server(url, port)
        try:
            result = asyncio.run(bench(port, server.pid, operator, approvers, args))
        finally:
            server.terminate()
            server.wait(timeout=30)
        with store.read() as session:
            stored = session.query(Report).count()
        store.close()
    expected = args.reports + min(200, args.reports)
    result.update(
        {
            "reports_stored": stored,
            "reports_stored_exactly_once": stored == expected,
            "cpu_count": os.cpu_count(),
            "load_average_1min": round(os.getloadavg()[0], 2),
            "target_writes_per_s": WRITE_TARGET_PER_S,
            "target_feed_p95_ms": FEED_P95_TARGET_MS,
            "meets_targets": result["report_writes_per_s"] >= WRITE_TARGET_PER_S
            and result["feed_p95_ms"] < FEED_P95_TARGET_MS
            and stored == expected,
        }
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
