"""Run the engines for one scenario into an :class:`Assessment`.

The Assessment is what the CLI, the API, the reports and the alerts all read.
"""

from __future__ import annotations

from dataclasses import dataclass

from warmgrid.cli.common import load_city_arg
from warmgrid.impact import ImpactResult, assess
from warmgrid.model import City, CompiledCity, compile_city
from warmgrid.scenario.spec import Scenario


@dataclass
class Assessment:
    """Everything warmgrid knows about one situation."""

    scenario: Scenario
    city: City
    compiled: CompiledCity
    impact: ImpactResult


def run_scenario(scenario: Scenario, city: City | None = None) -> Assessment:
    """Impact of the scenario's damage on its city (loaded unless given)."""
    city = city if city is not None else load_city_arg(scenario.city)
    compiled = compile_city(city)
    return Assessment(
        scenario=scenario, city=city, compiled=compiled, impact=assess(compiled, scenario.damage)
    )
