"""What every worker of a sweep needs: the compiled city and each building's cold hours.

Buildings cool independently once their heat stops (one 5R1C model each,
:mod:`warmgrid.thermal.rc`), so one cool-down of every building under the chosen weather
gives, per building, the hours its air spends below 12 °C within the horizon when heat
is off from the start and nothing is repaired. A scenario's people-hours below 12 °C are
then the sum, over the buildings it leaves without heat, of people × those hours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from warmgrid.model.compile import CompiledCity
from warmgrid.scenario.run import forecast_weather
from warmgrid.scenario.spec import Scenario
from warmgrid.thermal.city import city_cooldown
from warmgrid.thermal.cooldown import hours_below

COLD_C = 12.0
"""°C: below it health risks rise sharply (WHO Regional Office for Europe, Housing, energy
and thermal comfort, 2007), as in :data:`warmgrid.thermal.cooldown.DEFAULT_THRESHOLDS_C`."""


@dataclass(frozen=True)
class SweepCity:
    """The compiled city and, per building, hours below ``COLD_C`` with heat off."""

    compiled: CompiledCity
    hours_below_cold: np.ndarray  # float64 hours per building, row order of the city
    horizon_h: float

    @classmethod
    def under(cls, compiled: CompiledCity, scenario: Scenario) -> SweepCity:
        """Cool every building under ``scenario``'s weather and cool-down settings."""
        settings = scenario.cooldown
        cooldown = city_cooldown(
            compiled.city.buildings,
            forecast_weather(scenario),
            hours=scenario.weather.hours,
            step_h=settings.step_min / 60.0,
            start_temp_c=settings.set_point_c,
            thresholds_c=(COLD_C,),
            heating_radiative_fraction=settings.heating_radiative_fraction,
        )
        hours = hours_below(cooldown.result, (COLD_C,))[COLD_C]
        return cls(compiled, np.asarray(hours, dtype=np.float64), float(scenario.weather.hours))
