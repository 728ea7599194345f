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
from warmgrid.sweep.ensembles import NO_ASSET, sampled_nk
from warmgrid.sweep.evaluate import evaluate_block
from warmgrid.sweep.results import read_sweep

runner = CliRunner()
COLD = "people_hours_below_12c"


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("sweep")
    # sampled pairs, and the damage that leaves homes below 12 °C under the plan (the
    # heat plant, the transmission infeed), so protecting assets has something to remove
    compiled = compile_city(open_city("demo"))
    ids = compiled.asset_ids.to_numpy()
    pairs = sampled_nk(compiled, 2, 40, seed=3).assets
    damage_sets = [ids[row[row != NO_ASSET]].tolist() for row in pairs]
    damage_sets += [
        ["heat.heat_plant.0"], ["power.ext_grid.0"],
        ["heat.heat_plant.0", "heat.boiler.0"], ["power.ext_grid.0", "heat.boiler.0"],
    ]  # fmt: skip
    listed = out / "damage_sets.json"
    listed.write_text(json.dumps(damage_sets))
    out = out / "listed"
    result = run(
        "sweep", "demo", "--scenarios", str(listed),
        "--workers", "0", "--chunk-size", "20", "--out", str(out), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


def test_protection_plan_removes_what_re_evaluating_the_sweep_without_it_gives(swept):
    out, sweep = swept
    result = run("plan-protection", str(out), "--budget", "2", "--exact", "--json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    figures = plan["expected_people_hours_below_12c"]
    assert plan["objective"] == COLD
    assert figures["unprotected"] == pytest.approx(sweep["summary"][COLD]["mean"], rel=1e-12)
    city = SweepCity.under(compile_city(open_city("demo")), demo_scenario())
    rows = read_sweep(out, city).assets
    chosen = city.compiled.asset_index(plan["protect"])
    kept = np.where(np.isin(rows, chosen), -1, rows)
    again = evaluate_block(city, 0, kept)[COLD].mean()
    assert figures["protected"] == pytest.approx(again, rel=1e-9)
    assert 1 <= len(plan["protect"]) == len(plan["plan"]) <= 2 and figures["reduction"] >= 0
    assert plan["spares"] == {} and plan["plan"][0]["item"] == "protect"
    assert {"id", "name", "kind", "expected_reduction_people_hours_below_12c"} <= set(
        plan["plan"][0]
    )
    assert 0.0 <= plan["exact"]["greedy_gap"] < 1.0
    assert plan["exact"]["expected_reduction_people_hours_below_12c"] >= figures["reduction"] - 1e-6
    text = run("plan-protection", str(out), "--budget", "2")
    assert text.exit_code == 0 and plan["protect"][0] in text.stdout


def test_centres_among_schools_and_care_homes(swept):
    out, _ = swept
    args = ("site-centres", str(out), "--count", "2", "--use", "school", "--use", "care_home")
    result = run(*args, "--walk-m", "800", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["proven_optimal"] and payload["candidates"] == 5 and len(payload["centres"]) == 2
    assert payload["proof"].startswith("optimal: ")
    served = payload["expected_people_served"]
    assert 0 < served == payload["upper_bound_people_served"]
    assert served <= payload["expected_people_without_heat"]
    alone = [c["expected_people_served_alone"] for c in payload["centres"]]
    assert max(alone) <= served <= sum(alone)
    assert {c["use"] for c in payload["centres"]} <= {"school", "care_home"}
    greedy = json.loads(run(*args, "--walk-m", "800", "--greedy", "--json").stdout)
    assert greedy["method"] == "greedy"
    assert greedy["expected_people_served"] <= served <= greedy["upper_bound_people_served"]
    bound_met = greedy["expected_people_served"] == greedy["upper_bound_people_served"]
    assert greedy["proven_optimal"] == bound_met
    text = " ".join(run(*args).stdout.split())
    assert f"Method: {payload['method']}; {payload['proof']}." in text


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (
            ("site-centres", "{out}", "--count", "2", "--min-backup-h", "1000"),
            "buildings.backup_fuel_h",
        ),
        (("site-centres", "{out}", "--count", "9", "--use", "school"), "--count"),
        (("site-centres", "{out}", "--count", "1", "--use", "park"), "--use"),
        (("site-centres", "{out}", "--count", "1", "--candidates", "x"), "unknown building"),
        (("site-centres", "{out}", "--count", "1", "--use", "school", "--walk-m", "-1"), "walk"),
        (("plan-protection", "{out}", "--budget", "0"), "--budget"),
        (("plan-protection", "{out}", "--budget", "1", "--workers", "-1"), "--workers"),
        (("plan-protection", "{out}/nowhere", "--budget", "1"), "not a sweep folder"),
        (("plan-protection", "{out}", "--budget", "30", "--exact"), "exact search"),
        (("plan-protection", "{out}", "--budget", "1", "--spares", "tree=1"), "kind 'tree'"),
        (("plan-protection", "{out}", "--budget", "1", "--spares", "trafo"), "KIND=N"),
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
    assert result.exit_code == 2 and "another city" in result.stderr
    (copy / "sweep.json").write_text(json.dumps(manifest))
    (copy / "chunk-000001.parquet").unlink()
    result = run("site-centres", str(copy), "--count", "1", "--use", "school")
    assert result.exit_code == 2 and "1 of 3 chunks missing" in result.stderr


def test_a_spare_heat_plant_part_enters_the_plan_of_a_planned_sweep(tmp_path: Path):
    """A sweep with restoration plans where the heat plant is lost in most scenarios:
    with one protection and spares for heat plants, the plan takes the spare."""
    sets = tmp_path / "sets.json"
    sets.write_text(
        json.dumps(
            [["heat.heat_plant.0", "power.trafo.0"], ["heat.heat_plant.0", "power.line.0"],
             ["heat.heat_plant.0", "heat.pipe.0"], ["power.ext_grid.0", "power.trafo.1"]]
        )
    )  # fmt: skip
    out = tmp_path / "sweep"
    swept = run("sweep", "demo", "--scenarios", str(sets), "--workers", "0", "--out", str(out))
    assert swept.exit_code == 0, swept.output
    args = ("plan-protection", str(out), "--budget", "2", "--spares", "heat_plant=1", "--json")
    plan = json.loads(run(*args, "--exact").stdout)
    assert plan["objective"] == "people_hours_below_12c"
    assert len(plan["plan"]) == 2 and plan["exact"]["greedy_gap"] >= 0.0
    items = {item["item"] for item in plan["plan"]}
    assert plan["spares"] == ({"heat_plant": 1} if "spare" in items else {})
    assert plan["expected_people_hours_below_12c"]["reduction"] > 0


def test_an_impact_only_sweep_protects_by_people_without_heat(tmp_path: Path):
    """Impact-only rows have no people-hours: the plan falls back to the sweep's own
    ranking figure, people without heat, and says so."""
    out = tmp_path / "counts"
    swept = run(
        "sweep", "demo", "--k", "2", "--samples", "40", "--impact-only", "--workers", "0",
        "--out", str(out), "--json",
    )  # fmt: skip
    assert swept.exit_code == 0, swept.output
    mean = json.loads(swept.stdout)["summary"]["people_without_heat"]["mean"]
    plan = json.loads(run("plan-protection", str(out), "--budget", "1", "--json").stdout)
    assert plan["objective"] == "people_without_heat"
    assert plan["expected_people_without_heat"]["unprotected"] == pytest.approx(mean)
    saved = sum(item["expected_reduction_people_without_heat"] for item in plan["plan"])
    assert saved == pytest.approx(plan["expected_people_without_heat"]["reduction"])
    printed = run("plan-protection", str(out), "--budget", "1")
    assert printed.exit_code == 0, printed.output
    assert "people without heat" in " ".join(printed.stdout.split())
    sited = run("site-centres", str(out), "--count", "1", "--use", "school", "--json")
    assert sited.exit_code == 0, sited.output
    assert json.loads(sited.stdout)["scenarios"] == 40


def test_a_spare_factor_of_0_is_refused(tmp_path: Path) -> None:
    """A spare does not make a repair instant: 0 h repairs are refused everywhere."""
    result = runner.invoke(
        app, ["plan-protection", str(tmp_path), "--budget", "1", "--spare-factor", "0"]
    )
    assert result.exit_code == 2, result.output
    assert "--spare-factor" in result.output and "must be above 0" in result.output
