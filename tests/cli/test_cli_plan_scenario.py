"""``warmgrid plan`` with a scenario: the demo's (CITY ``demo``) or a file's damage, crews,
repair hours and start, each replaced by the option given on the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.model.timezone import local_time
from warmgrid.scenario.spec import demo_scenario

runner = CliRunner()
DEMO_TOML = Path(__file__).resolve().parents[2] / "src/warmgrid/scenario/data/demo.toml"


def _plan(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["plan", *args, "--time-limit", "1", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _durations(plan: dict[str, Any]) -> dict[str, float]:
    return {
        step["task"]: step["end_h"] - step["start_h"]
        for steps in plan["timeline"].values()
        for step in steps
    }


def _explicit_demo_args(tmp_path: Path) -> list[str]:
    """The demo scenario's damage, crews, repair hours and start spelt out as options."""
    scenario = demo_scenario()
    crews = tmp_path / "crews.json"
    crews.write_text(
        json.dumps(
            [
                {
                    "id": c.id,
                    "lon": c.lon,
                    "lat": c.lat,
                    "skills": sorted(c.skills or ()),
                    "available_from_h": c.available_from_h,
                }
                for c in scenario.crews
            ]
        )
    )
    areas = [f"--area={a.lon},{a.lat},{a.radius_m}" for a in scenario.damage.areas]
    hours = ",".join(f"{key}={value:g}" for key, value in scenario.plan.repair_h)
    return [
        "demo",
        "--damage",
        ",".join(scenario.damage.asset_ids),
        *areas,
        "--crews",
        str(crews),
        "--repair-hours",
        hours,
        "--start",
        scenario.start.isoformat(),
    ]


def test_plan_demo_is_the_demo_scenario_spelt_out(tmp_path: Path) -> None:
    implicit = _plan("demo")
    explicit = _plan(*_explicit_demo_args(tmp_path))
    scenario = demo_scenario()
    assert set(implicit["timeline"]) >= {c.id for c in scenario.crews}
    assert set(implicit["timeline"]) == set(explicit["timeline"])
    assert set(implicit["task_end_h"]) == set(explicit["task_end_h"])
    assert set(scenario.damage.asset_ids) <= set(implicit["task_end_h"])
    assert _durations(implicit) == _durations(explicit)
    assert _durations(implicit)["power.trafo.0"] == dict(scenario.plan.repair_h)["power.trafo.0"]
    start = local_time(scenario.start, "Europe/Kyiv").isoformat()
    assert implicit["start"] == explicit["start"] == start


def test_options_replace_the_scenario_s(tmp_path: Path) -> None:
    """--damage replaces the scenario's damage, --repair-hours its repair hours; the
    scenario file's crews stay."""
    given = ("--damage", "heat.pipe.76", "--repair-hours", "pipe=7")
    plan = _plan("--scenario", str(DEMO_TOML), *given)
    assert [task for task in plan["task_end_h"] if not task.startswith("switching")] == [
        "heat.pipe.76"
    ]
    assert _durations(plan)["heat.pipe.76"] == 7.0
    assert {c.id for c in demo_scenario().crews} <= set(plan["timeline"])


def test_a_scenario_without_crews_needs_crews(tmp_path: Path) -> None:
    scenario = tmp_path / "no_crews.toml"
    scenario.write_text(
        'name = "x"\ncity = "demo"\nstart = "2026-11-26T04:40:00+02:00"\n'
        '[damage]\nassets = ["power.trafo.3"]\n'
    )
    result = runner.invoke(app, ["plan", "--scenario", str(scenario)])
    assert result.exit_code == 2, result.output
    assert "--crews" in result.output and "Traceback" not in result.output


def test_plan_demo_is_the_plan_of_the_scenario_pipeline() -> None:
    """``plan demo`` applies the demo scenario's solver, time limit and cold urgency: its
    plan is the one ``warmgrid demo`` shows (``run_scenario``)."""
    from warmgrid.restore.plan import plan_to_dict
    from warmgrid.scenario.run import run_scenario

    result = runner.invoke(app, ["plan", "demo", "--json"])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.stdout)
    scenario = demo_scenario()
    assert scenario.plan.cold_urgency > 0 and scenario.plan.solver == "exact"
    assessment = run_scenario(scenario)
    assert assessment.plan is not None and assessment.plan.status == "optimal"
    pipeline = plan_to_dict(assessment.plan)
    assert cli["solver"] == "exact" and cli["status"] == "optimal"
    for key in ("objective", "timeline", "task_end_h", "group_restored_h", "metrics"):
        assert cli[key] == pipeline[key], key
    etr = pd.DataFrame(cli["building_etr"]).astype(assessment.building_etr.dtypes.to_dict())
    pd.testing.assert_frame_equal(etr, assessment.building_etr.reset_index(drop=True))
