"""Switching before repair and refuel deadlines in the impact, plan and demo commands."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from warmgrid.cli import app

runner = CliRunner()
CABLE_F3 = "power.line.53"  # F3 cable 3 of the demo city
CARE_HOME = "building.288"  # Care Home No. 2, on feeder F4 (6 h of backup fuel)


def run(*args: str):
    return runner.invoke(app, list(args))


def test_impact_proposes_the_tie_within_its_capacity():
    result = run("impact", "demo", "--damage", CABLE_F3, "--json")
    assert result.exit_code == 0, result.output
    (step,) = json.loads(result.stdout)["switching"]
    assert step["close"] == ["power.switch.4"]  # the normally open tie F1–F3
    # the tie carries the sections up to this switch at the evening peak, not all of F3
    assert step["open"] == ["power.switch.55"]
    assert step["people"] == 5903 and len(step["buildings"]) == 40
    assert step["capacity_checked"] is True  # ratings and (estimated) loads are known
    text = run("impact", "demo", "--damage", CABLE_F3)
    assert "Switching before repair" in text.stdout
    assert "capacity not checked" not in text.stdout


def test_impact_lists_buildings_on_backup():
    result = run("impact", "demo", "--damage", "power.line.70", "--json")
    payload = json.loads(result.stdout)
    assert CARE_HOME not in payload["buildings_without_power"]
    (entry,) = payload["backup_power"]
    assert entry["id"] == CARE_HOME and entry["fuel_h"] == 6.0 and entry["refuel_needed"]


def test_plan_does_the_switching_first_and_shows_the_refuel_deadline(tmp_path: Path):
    crews = tmp_path / "crews.json"
    crews.write_text(json.dumps([{"id": "c1", "lon": 30.5, "lat": 50.45, "skills": None}]))
    result = run(
        "plan",
        "demo",
        "--damage",
        f"{CABLE_F3},power.line.70",
        "--crews",
        str(crews),
        "--start",
        "2026-11-26T04:40:00+02:00",
        "--json",
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["switching"][0]["close"] == ["power.switch.4"]
    assert payload["task_end_h"]["switching:power.switch.4"] == 0.5
    (entry,) = payload["backup_power"]
    assert entry["fuel_out"] == "2026-11-26T10:40+02:00"
    etr = {row["id"]: row for row in payload["building_etr"]}
    assert entry["refuel_needed"] == (etr[CARE_HOME]["power_etr_h"] > 6.0)


def test_demo_shows_switching_and_backup():
    result = run("demo", "--json")
    payload = json.loads(result.stdout)
    assert [s["close"] for s in payload["switching"]] == [["power.switch.4"]]
    assert [b["id"] for b in payload["backup_power"]] == [CARE_HOME]


def test_demo_names_the_switching_step_of_the_plan(monkeypatch) -> None:
    """The switching team's step reads as the switching it is, with the switch's name,
    not as the step's internal id."""
    from warmgrid.cli.output import console

    monkeypatch.setattr(console, "width", 1000)
    result = run("demo")
    assert result.exit_code == 0, result.output
    line = next(row for row in result.output.splitlines() if "switching team:" in row)
    assert "switching team: switching, closing Normally open tie F1–F3" in line
    assert "(power.switch.4) (04:40–05:10)" in line and "switching:" not in line
