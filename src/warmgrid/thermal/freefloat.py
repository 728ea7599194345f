"""A year without heating or cooling: the passive-survivability check of a building design,
and the ASHRAE Standard 140 free-float cases (600FF, 900FF)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from warmgrid.thermal.cooldown import simulate_cooldown
from warmgrid.thermal.rc import BuildingParams
from warmgrid.thermal.weather import Weather, channel_irradiance, sky_depression

WARM_UP_YEARS = 1
"""The year is simulated once before the reported run, so that the start state is the one
the same weather leaves at its end (a periodic steady state, as Standard 140 programs use
warm-up periods)."""


@dataclass(frozen=True)
class FreeFloatResult:
    """Hourly mean indoor air temperature over the weather's records, °C."""

    hourly_air_temp_c: np.ndarray

    @property
    def min_c(self) -> float:
        """Annual minimum of the hourly means."""
        return float(self.hourly_air_temp_c.min())

    @property
    def max_c(self) -> float:
        """Annual maximum of the hourly means."""
        return float(self.hourly_air_temp_c.max())

    @property
    def mean_c(self) -> float:
        """Annual mean."""
        return float(self.hourly_air_temp_c.mean())


def simulate_freefloat(params: BuildingParams, weather: Weather) -> FreeFloatResult:
    """Free-floating indoor temperature of one building over all records of ``weather``."""
    irradiance = channel_irradiance(weather, params.solar_channels)
    sky = sky_depression(weather)
    hours = float(weather.hours)
    mass = None
    result = None
    for _ in range(WARM_UP_YEARS + 1):
        start = float(weather.temp_air_c.mean()) if mass is None else 0.0
        result = simulate_cooldown(
            params,
            weather.temp_air_c,
            step_h=1.0,
            hours=hours,
            start_temp_c=start,
            solar_irradiance_w_per_m2=irradiance,
            sky_temp_depression_k=sky,
            heated_start=False,
            initial_mass_temp_c=mass,
            report="mean",
        )
        mass = result.final_mass_temp_c
    assert result is not None
    return FreeFloatResult(hourly_air_temp_c=result.air_temp_c[0, 1:].astype(np.float64))
