"""The same sweep in this process, on a local Dask cluster of two worker processes, and on
a real ``dask scheduler`` with two ``dask worker`` processes: identical rows and JSON."""

from __future__ import annotations

import json
import socket
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from distributed import Client
from typer.testing import CliRunner

from warmgrid.cli import app

pytestmark = pytest.mark.xdist_group("dask")

runner = CliRunner()
SWEEP = ("sweep", "demo", "--k", "2", "--samples", "240", "--seed", "4", "--chunk-size", "40")
DASK = Path(sys.executable).with_name("dask")
STARTUP_TIMEOUT_S = 240  # worker processes import warmgrid's engines, slow on a busy machine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def sweep(out: Path, *options: str) -> tuple[dict, pd.DataFrame]:
    result = runner.invoke(app, [*SWEEP, "--out", str(out), "--json", *options])
    assert result.exit_code == 0, result.output
    rows = pd.concat([pd.read_parquet(p) for p in sorted(out.glob("chunk-*.parquet"))])
    return json.loads(result.stdout), rows.reset_index(drop=True)


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[str]:
    """A ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1."""
    address = f"tcp://127.0.0.1:{free_port()}"
    port = address.rsplit(":", 1)[1]
    common = ["--no-dashboard"]
    processes = [
        subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", port, *common],
            stderr=subprocess.DEVNULL,
        )
    ]
    for _ in range(2):
        processes.append(
            subprocess.Popen(
                [str(DASK), "worker", address, "--host", "127.0.0.1", "--nthreads", "1", *common],
                stderr=subprocess.DEVNULL,
            )
        )
    try:
        with Client(address, timeout=STARTUP_TIMEOUT_S) as client:
            client.wait_for_workers(2, timeout=STARTUP_TIMEOUT_S)
        yield address
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> tuple[dict, pd.DataFrame]:
    return sweep(tmp_path_factory.mktemp("serial"), "--workers", "0")


def test_two_local_workers_give_the_serial_rows_and_json(serial, tmp_path: Path):
    payload, rows = sweep(tmp_path, "--workers", "2")
    pd.testing.assert_frame_equal(rows, serial[1])
    assert payload == serial[0]
    assert payload["scenarios"] == 240
    assert payload["chunks"] == {"total": 6, "computed": 6, "skipped": 0}


def test_a_dask_scheduler_with_two_workers_gives_the_serial_rows_and_json(
    serial, dask_cluster: str, tmp_path: Path
):
    payload, rows = sweep(tmp_path, "--scheduler", dask_cluster)
    pd.testing.assert_frame_equal(rows, serial[1])
    assert payload == serial[0]


def test_an_unreachable_scheduler_is_a_clean_error(tmp_path: Path):
    address = f"tcp://127.0.0.1:{free_port()}"
    result = runner.invoke(app, [*SWEEP, "--out", str(tmp_path), "--scheduler", address])
    assert result.exit_code == 2
    assert "cannot reach a Dask scheduler" in result.stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


class _NotDask(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n")


def test_a_server_that_is_not_a_dask_scheduler_is_a_clean_error(tmp_path: Path):
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), _NotDask) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        address = f"tcp://127.0.0.1:{server.server_address[1]}"
        result = runner.invoke(app, [*SWEEP, "--out", str(tmp_path), "--scheduler", address])
        server.shutdown()
    assert result.exit_code == 2, result.output
    assert "cannot reach a Dask scheduler" in result.stderr
    assert "Traceback" not in result.output
