"""The sweep command as a user runs it in this process: resume, lists, bad arguments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warmgrid.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_rerun_into_the_same_folder_computes_only_missing_chunks(tmp_path: Path):
    args = ("sweep", "demo", "--k", "2", "--samples", "90", "--chunk-size", "30")
    common = ("--workers", "0", "--out", str(tmp_path), "--json")
    first = run(*args, *common)
    assert first.exit_code == 0, first.output
    (tmp_path / "chunk-000001.parquet").unlink()
    second = run(*args, *common)
    assert second.exit_code == 0, second.output
    before, after = json.loads(first.stdout), json.loads(second.stdout)
    assert before["chunks"] == {"total": 3, "computed": 3, "skipped": 0}
    assert after["chunks"] == {"total": 3, "computed": 1, "skipped": 2}
    assert after["summary"] == before["summary"]
    assert after["assets"] == before["assets"]


def test_a_user_list_ranks_its_assets_by_people_without_heat(tmp_path: Path):
    sets = tmp_path / "sets.json"
    sets.write_text(json.dumps([["heat.pipe.0"], ["power.line.0"], ["heat.pipe.0", "power.bus.6"]]))
    result = run(
        "sweep", "demo", "--scenarios", str(sets), "--workers", "0", "--out", str(tmp_path / "o")
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(
        run(
            "sweep", "demo", "--scenarios", str(sets), "--workers", "0",
            "--out", str(tmp_path / "o"), "--json",
        ).stdout
    )  # fmt: skip
    assert payload["scenarios"] == 3
    ranking = [asset["id"] for asset in payload["assets"]]
    assert sorted(ranking) == ["heat.pipe.0", "power.bus.6", "power.line.0"]
    heat = [asset["expected_people_without_heat"] for asset in payload["assets"]]
    assert heat == sorted(heat, reverse=True)
    assert {"id", "name", "scenarios", "expected_people_without_heat"} <= set(payload["assets"][0])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--k", "2"), "--samples"),
        (("--k", "2", "--samples", "5", "--pairs"), "exactly one of"),
        (("--pairs", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"), "not both"),
        (("--k", "5", "--samples", "5"), "between 1 and 4"),
        (("--k", "1", "--samples", "5", "--chunk-size", "0"), "--chunk-size"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(tmp_path: Path, args, message):
    serial = () if "--workers" in args else ("--workers", "0")
    result = run("sweep", "demo", *args, *serial, "--out", str(tmp_path))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
