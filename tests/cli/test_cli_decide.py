"""plan-protection and site-centres as a user runs them on a finished sweep."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.model import compile_city
from warmgrid.model.open import open_city
from warmgrid.scenario.spec import demo_scenario
from warmgrid.sweep.city import SweepCity
from warmgrid.sweep.evaluate import evaluate_block
from warmgrid.sweep.results import read_sweep

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("sweep")
    result = run(
        "sweep", "demo", "--k", "2", "--samples", "120", "--seed", "3",
        "--workers", "0", "--chunk-size", "50", "--out", str(out), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


def test_protection_plan_removes_what_re_evaluating_the_sweep_without_it_gives(swept):
    out, sweep = swept
    result = run("plan-protection", str(out), "--budget", "2", "--exact", "--json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    figures = plan["expected_people_hours_below_12c"]
    mean = sweep["summary"]["people_hours_below_12c"]["mean"]
    assert figures["unprotected"] == pytest.approx(mean, rel=1e-12)
    city = SweepCity.under(compile_city(open_city("demo")), demo_scenario())
    rows = read_sweep(out, city).assets
    chosen = city.compiled.asset_index([a["id"] for a in plan["protect"]])
    kept = np.where(np.isin(rows, chosen), -1, rows)
    again = evaluate_block(city, 0, kept)["people_hours_below_12c"].mean()
    assert figures["protected"] == pytest.approx(again, rel=1e-9)
    assert 1 <= len(plan["protect"]) <= 2 and figures["reduction"] > 0
    assert {"id", "name", "kind", "expected_reduction_people_hours_below_12c"} <= set(
        plan["protect"][0]
    )
    assert 0.0 <= plan["exact"]["greedy_gap"] < 1.0
    assert plan["exact"]["expected_reduction_people_hours_below_12c"] >= figures["reduction"] - 1e-6
    text = run("plan-protection", str(out), "--budget", "2")
    assert text.exit_code == 0 and plan["protect"][0]["id"] in text.stdout


def test_centres_among_schools_and_care_homes(swept):
    out, _ = swept
    args = ("site-centres", str(out), "--count", "2", "--use", "school", "--use", "care_home")
    result = run(*args, "--walk-m", "800", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["optimal"] and payload["candidates"] == 5 and len(payload["centres"]) == 2
    served = payload["expected_people_served"]
    assert 0 < served == payload["upper_bound_people_served"]
    assert served <= payload["expected_people_without_heat"]
    alone = [c["expected_people_served_alone"] for c in payload["centres"]]
    assert max(alone) <= served <= sum(alone)
    assert {c["use"] for c in payload["centres"]} <= {"school", "care_home"}
    greedy = json.loads(run(*args, "--walk-m", "800", "--greedy", "--json").stdout)
    assert greedy["expected_people_served"] <= served <= greedy["upper_bound_people_served"]
    assert run(*args).exit_code == 0


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (("site-centres", "{out}", "--count", "2"), "buildings.backup_fuel_h"),
        (("site-centres", "{out}", "--count", "9", "--use", "school"), "--count"),
        (("site-centres", "{out}", "--count", "1", "--use", "park"), "--use"),
        (("site-centres", "{out}", "--count", "1", "--candidates", "x"), "unknown building"),
        (("site-centres", "{out}", "--count", "1", "--use", "school", "--walk-m", "-1"), "walk"),
        (("plan-protection", "{out}", "--budget", "0"), "--budget"),
        (("plan-protection", "{out}", "--budget", "1", "--workers", "-1"), "--workers"),
        (("plan-protection", "{out}/nowhere", "--budget", "1"), "not a sweep folder"),
        (("plan-protection", "{out}", "--budget", "4", "--exact"), "exact search"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(swept, command, message):
    out, _ = swept
    result = run(*(part.format(out=out) for part in command))
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_another_city_or_an_unfinished_sweep_is_refused(swept, tmp_path: Path):
    out, _ = swept
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    manifest = json.loads((copy / "sweep.json").read_text())
    (copy / "sweep.json").write_text(json.dumps(manifest | {"city_fingerprint": "0" * 16}))
    result = run("plan-protection", str(copy), "--budget", "1")
    assert result.exit_code == 2 and "another city or weather" in result.stderr
    (copy / "sweep.json").write_text(json.dumps(manifest))
    (copy / "chunk-000001.parquet").unlink()
    result = run("site-centres", str(copy), "--count", "1", "--use", "school")
    assert result.exit_code == 2 and "1 of 3 chunks missing" in result.stderr
