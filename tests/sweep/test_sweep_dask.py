"""The same sweep in this process, on a local Dask cluster of two worker processes, and on
a real ``dask scheduler`` with two ``dask worker`` processes: identical rows and JSON,
even when a worker is killed mid-sweep."""

from __future__ import annotations

import json
import socket
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from distributed import Client
from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.model import compile_city
from warmgrid.model.open import open_city
from warmgrid.scenario.spec import demo_scenario
from warmgrid.sweep import store
from warmgrid.sweep.city import SweepCity
from warmgrid.sweep.engine import run_sweep
from warmgrid.sweep.ensembles import sampled_nk

pytestmark = pytest.mark.xdist_group("dask")

runner = CliRunner()
SWEEP = ("sweep", "demo", "--k", "2", "--samples", "120", "--seed", "4", "--chunk-size", "20")
DASK = Path(sys.executable).with_name("dask")
LOOPBACK_HTTP = ("--no-dashboard", "--dashboard-address", "127.0.0.1:0")  # health routes
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


@contextmanager
def dask_processes(workers: int) -> Iterator[tuple[str, list[subprocess.Popen]]]:
    """A ``dask scheduler`` and ``workers`` ``dask worker`` processes on 127.0.0.1; yields
    the scheduler's address and the worker processes."""
    address = f"tcp://127.0.0.1:{free_port()}"
    port = address.rsplit(":", 1)[1]
    quiet = {"stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", port, *LOOPBACK_HTTP],
        **quiet,
    )
    worker_command = [
        *(str(DASK), "worker", address, "--host", "127.0.0.1", "--nthreads", "1"),
        *("--no-nanny", *LOOPBACK_HTTP),  # no nanny: killing the process loses the worker
    ]
    started = [subprocess.Popen(worker_command, **quiet) for _ in range(workers)]
    try:
        with Client(address, timeout=STARTUP_TIMEOUT_S) as client:
            client.wait_for_workers(workers, timeout=STARTUP_TIMEOUT_S)
        yield address, started
    finally:
        for process in [scheduler, *started]:
            process.terminate()
        for process in [scheduler, *started]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[str]:
    with dask_processes(2) as (address, _):
        yield address


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> tuple[dict, pd.DataFrame]:
    return sweep(tmp_path_factory.mktemp("serial"), "--workers", "0")


def test_two_local_workers_give_the_serial_rows_and_json(serial, tmp_path: Path):
    payload, rows = sweep(tmp_path, "--workers", "2")
    pd.testing.assert_frame_equal(rows, serial[1])
    assert payload == serial[0]
    assert payload["scenarios"] == 120
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


def test_a_worker_killed_mid_sweep_changes_nothing(tmp_path: Path):
    compiled = compile_city(open_city("demo"))
    city = SweepCity.under(compiled, demo_scenario())
    ensemble = sampled_nk(compiled, 2, 240, seed=4)
    run_sweep(city, ensemble, tmp_path / "serial", 20)
    with dask_processes(2) as (address, workers), Client(address) as client:
        done: list[int] = []

        def kill_after_first_chunk(rows: int) -> None:
            done.append(rows)
            if len(done) == 1:
                workers[0].kill()

        run = run_sweep(city, ensemble, tmp_path / "dask", 20, client, kill_after_first_chunk)
    assert workers[0].returncode is not None
    assert sum(done) == ensemble.size
    for chunk in range(run.chunks):
        written = store.chunk_path(tmp_path / "dask", chunk).read_bytes()
        assert written == store.chunk_path(tmp_path / "serial", chunk).read_bytes()
