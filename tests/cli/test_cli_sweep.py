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
        (("--areas", "5", "--radius-m", "wide"), "--radius-m"),
        (("--areas", "5", "--area-kinds", "castle"), "castle"),
        (("--k", "1", "--samples", "5", "--weather", "forecast.txt"), "forecast.txt"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(tmp_path: Path, args, message):
    serial = () if "--workers" in args else ("--workers", "0")
    result = run("sweep", "demo", *args, *serial, "--out", str(tmp_path))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_area_strikes_in_the_coldest_week_of_an_epw(tmp_path: Path):
    from importlib import resources

    epw = resources.files("warmgrid.thermal").joinpath("data/725650TYCST.epw")
    with resources.as_file(epw) as path:
        result = run(
            "sweep",
            "demo",
            "--areas",
            "8",
            "--radius-m",
            "50:150",
            "--area-kinds",
            "trafo",
            "--weather",
            str(path),
            "--workers",
            "0",
            "--out",
            str(tmp_path),
            "--json",
        )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert (payload["ensemble"], payload["scenarios"], payload["horizon_h"]) == ("areas", 8, 168)
    cold = payload["summary"]["people_hours_below_12c"]
    assert cold["max"] <= payload["summary"]["people_hours_below_12c_no_repair"]["max"]
    assert 0.0 <= payload["summary"]["drain_deadline_missed"]["share"] <= 1.0
    worst = [a["expected_people_hours_below_12c"] for a in payload["assets"]]
    assert worst == sorted(worst, reverse=True)


def test_parallel_transformers_are_an_interacting_pair(tmp_path: Path):
    pairs = tmp_path / "pairs.json"
    pairs.write_text(
        json.dumps([["power.trafo.3", "power.trafo.4"], ["power.trafo.0", "power.trafo.1"]])
    )
    result = run(
        "sweep",
        "demo",
        "--scenarios",
        str(pairs),
        "--impact-only",
        "--workers",
        "0",
        "--out",
        str(tmp_path / "out"),
        "--json",
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["plan"] is False
    found = [(p["first"], p["second"]) for p in payload["interactions"]]
    assert ("power.trafo.3", "power.trafo.4") in found
    assert all(p["alone_first"] + p["alone_second"] < p["joint"] for p in payload["interactions"])
