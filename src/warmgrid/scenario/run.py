"""Run the engines for one scenario into an :class:`Assessment`.

The Assessment is what the CLI, the API, the reports and the alerts all read.
"""

from __future__ import annotations

from dataclasses import dataclass

from warmgrid.impact import ImpactResult, assess
from warmgrid.model import City, CompiledCity, compile_city
from warmgrid.model.open import open_city
from warmgrid.scenario.spec import Scenario
from warmgrid.thermal.city import CityCooldown, city_cooldown, stagnant_heat_branches
from warmgrid.thermal.weather import Weather


@dataclass
class Assessment:
    """Everything warmgrid knows about one situation."""

    scenario: Scenario
    city: City
    compiled: CompiledCity
    impact: ImpactResult
    cooldown: CityCooldown


def forecast_weather(scenario: Scenario) -> Weather:
    """The scenario's outdoor temperature forecast as hourly weather (no sun: night-time
    and overcast winter days are the case that matters)."""
    return Weather(temp_air_c=scenario.weather.hourly_c(), source=f"{scenario.source}: weather")


def cool_down(scenario: Scenario, city: City, impact: ImpactResult) -> CityCooldown:
    """Cool-down of every building without heat, and of the stagnant heat network."""
    settings = scenario.cooldown
    cold = city.buildings[impact.building_without_heat].reset_index(drop=True)
    return city_cooldown(
        cold,
        forecast_weather(scenario),
        hours=scenario.weather.hours,
        step_h=settings.step_min / 60.0,
        start_temp_c=settings.set_point_c,
        branches=stagnant_heat_branches(city.branches, impact.unsupplied()["heat"]),
        water_temp_c=settings.water_temp_c,
        heating_radiative_fraction=settings.heating_radiative_fraction,
    )


def run_scenario(scenario: Scenario, city: City | None = None) -> Assessment:
    """Impact of the scenario's damage on its city (loaded unless given) and the cool-down."""
    city = city if city is not None else open_city(scenario.city)
    compiled = compile_city(city)
    impact = assess(compiled, scenario.damage)
    return Assessment(
        scenario=scenario,
        city=city,
        compiled=compiled,
        impact=impact,
        cooldown=cool_down(scenario, city, impact),
    )
