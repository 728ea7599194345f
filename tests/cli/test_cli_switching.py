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


def test_impact_proposes_the_tie_and_names_what_is_unchecked():
    result = run("impact", "demo", "--damage", CABLE_F3, "--json")
    assert result.exit_code == 0, result.output
    (step,) = json.loads(result.stdout)["switching"]
    assert step["close"] == ["power.switch.4"]  # the normally open tie F1–F3
    assert step["open"] == ["power.switch.52"]  # the RMU switch of the damaged cable
    assert step["people"] == 7287
    assert step["capacity_checked"] is False  # the demo carries no ratings yet
    text = run("impact", "demo", "--damage", CABLE_F3)
    assert "Switching before repair" in text.stdout
    assert "capacity not checked" in text.stdout
    words = " ".join(text.stdout.split())
    assert "7287 people, load unknown" in words and " 0 kW" not in words  # no peak loads


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
