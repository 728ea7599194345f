"""One rule for repair hours, wherever they are given: above 0 and at most a year (the
``--repair-hours`` option, a scenario file, ``problem_from_impact`` as sweeps and the API
call it); 0 is refused, since an asset back the moment a crew arrives is not damaged."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.errors import InputError
from warmgrid.impact import Damage, assess
from warmgrid.model import compile_city
from warmgrid.model.demo import demo_city
from warmgrid.restore.from_city import problem_from_impact
from warmgrid.restore.problem import MAX_HOURS, Crew, check_repair_h
from warmgrid.scenario.spec import load_scenario

CREWS_FILE = Path(__file__).resolve().parent / "data" / "demo_crews.json"
SCENARIO = """
name = "t"
city = "demo"
start = "2026-11-26T05:00:00+02:00"
[plan.repair_hours]
trafo = {hours}
"""
REFUSED = [(0.0, "greater than 0"), (-1.0, "greater than 0"), (MAX_HOURS + 1, "at most 8760")]


@pytest.mark.parametrize("hours", [0.25, 1.0, MAX_HOURS])
def test_positive_hours_up_to_a_year_are_accepted(hours: float) -> None:
    assert check_repair_h(hours, "x") == hours


@pytest.mark.parametrize(
    ("value", "needle"),
    [*REFUSED, (math.nan, "finite"), (math.inf, "finite"), ("12", "expected a number")],
)
def test_the_rule_refuses(value: object, needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        check_repair_h(value, "x")


@pytest.mark.parametrize(("hours", "needle"), REFUSED)
def test_cli_refuses_what_the_rule_refuses(hours: float, needle: str) -> None:
    args = ["plan", "demo", "--damage", "power.trafo.3", "--crews", str(CREWS_FILE)]
    result = CliRunner().invoke(app, [*args, "--repair-hours", f"trafo={hours:g}"])
    assert result.exit_code == 2, result.output
    assert "--repair-hours trafo" in result.output and needle in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("hours", "needle"), REFUSED)
def test_scenario_files_refuse_what_the_rule_refuses(
    tmp_path: Path, hours: float, needle: str
) -> None:
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO.format(hours=hours))
    with pytest.raises(InputError) as error:
        load_scenario(path)
    assert f"{path}: plan.repair_hours.trafo" in str(error.value)
    assert needle in str(error.value)


@pytest.mark.parametrize(("hours", "needle"), REFUSED)
def test_problems_from_a_city_refuse_what_the_rule_refuses(hours: float, needle: str) -> None:
    """The path of sweeps and the API: ``problem_from_impact`` checks the hours too."""
    city = demo_city()
    result = assess(compile_city(city), Damage(asset_ids=("power.trafo.3",)))
    crews = [Crew("e", 30.50, 50.45, frozenset({"electrical"}))]
    with pytest.raises(InputError, match=needle) as error:
        problem_from_impact(city, result, crews, repair_h={"trafo": hours}, source="s.toml")
    assert "s.toml: repair hours: trafo" in str(error.value)
