"""plan-protection and site-centres on a Dask cluster of two worker processes give the JSON
they give in this process."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from distributed import LocalCluster
from typer.testing import CliRunner

from warmgrid.cli import app

pytestmark = pytest.mark.xdist_group("dask")

runner = CliRunner()


def test_a_cluster_of_two_workers_gives_the_in_process_decisions(tmp_path: Path):
    swept = runner.invoke(
        app,
        ["sweep", "demo", "--k", "2", "--samples", "100", "--seed", "8",
         "--workers", "0", "--out", str(tmp_path), "--json"],
    )  # fmt: skip
    assert swept.exit_code == 0, swept.output
    commands = (
        ("plan-protection", str(tmp_path), "--budget", "2", "--json"),
        ("site-centres", str(tmp_path), "--count", "2", "--use", "school", "--json"),
    )
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    ) as cluster:
        for command in commands:
            here = runner.invoke(app, [*command, "--workers", "0"])
            there = runner.invoke(app, [*command, "--scheduler", cluster.scheduler_address])
            assert here.exit_code == 0 and there.exit_code == 0, here.output + there.output
            assert json.loads(there.stdout) == json.loads(here.stdout)
