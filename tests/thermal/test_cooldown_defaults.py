"""One set of cool-down defaults for the ``cooldown`` command and scenarios (issue 8, item 17)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.scenario.run import run_scenario
from warmgrid.scenario.spec import CooldownSettings, demo_scenario, load_scenario
from warmgrid.thermal import defaults

SCENARIO = """
name = "plant out"
city = "demo"
start = "2026-11-26T05:00:00+02:00"
[damage]
assets = ["heat.heat_plant.0"]
[weather]
hours = 72
outdoor_temp_c = -10
"""


def test_scenario_settings_default_to_the_shared_defaults() -> None:
    assert CooldownSettings() == CooldownSettings(
        set_point_c=defaults.SET_POINT_C,
        water_temp_c=defaults.WATER_TEMP_C,
        step_min=defaults.STEP_MIN,
    )


def test_cooldown_command_and_scenario_give_the_same_crossings(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO)
    cool = run_scenario(load_scenario(path)).cooldown
    result = CliRunner().invoke(
        app,
        ["cooldown", "demo", "--damage", "heat.heat_plant.0", "--outdoor-temp", "-10", "--json"],
    )
    assert result.exit_code == 0, result.output
    thresholds = json.loads(result.stdout)["thresholds"]
    for threshold in (18, 12, 5):
        expected = cool.first_flat_crossing_h(threshold)
        assert thresholds[str(threshold)]["first_building_h"] == pytest.approx(expected, abs=0.01)


def test_the_demo_scenario_cools_down_with_the_shared_defaults() -> None:
    settings = demo_scenario().cooldown
    assert replace(settings, water_temp_c=defaults.WATER_TEMP_C) == CooldownSettings()
