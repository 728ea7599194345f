"""A year without heating or cooling: the passive-survivability check of a building design,
and the ASHRAE Standard 140 free-float cases (600FF, 900FF)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np

from warmgrid.thermal.building_file import ScheduledVentilation
from warmgrid.thermal.cooldown import simulate_cooldown
from warmgrid.thermal.rc import AIR_HEAT_CAPACITY_J_PER_M3K, BuildingParams
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


def _segments(
    weather: Weather, ventilation: ScheduledVentilation | None
) -> list[tuple[int, int, bool]]:
    """``(first, end, vent on)`` runs of hours with the scheduled ventilation on or off."""
    hours = weather.hours
    if ventilation is None:
        return [(0, hours, False)]
    hour_of_day = np.arange(hours) % 24 if weather.times is None else np.asarray(weather.times.hour)
    on = np.isin(hour_of_day, ventilation.hours_of_day)
    edges = np.flatnonzero(np.diff(on.astype(np.int8))) + 1
    bounds = [0, *edges.tolist(), hours]
    return [(a, b, bool(on[a])) for a, b in itertools.pairwise(bounds)]


def simulate_freefloat(
    params: BuildingParams,
    weather: Weather,
    ventilation: ScheduledVentilation | None = None,
) -> FreeFloatResult:
    """Free-floating indoor temperature of one building over all records of ``weather``.

    ``ventilation``: extra outdoor air in some hours of each day; the building is simulated
    hour run by hour run with the ventilation coefficient of each run, the mass temperature
    carried over (exact within each run, as :func:`simulate_cooldown`).
    """
    irradiance = channel_irradiance(weather, params.solar_channels)
    sky = np.broadcast_to(np.asarray(sky_depression(weather), dtype=np.float64), (weather.hours,))
    vented = params
    if ventilation is not None:
        extra = AIR_HEAT_CAPACITY_J_PER_M3K * ventilation.flow_m3_per_h / 3600.0
        vented = replace(params, h_ve_w_per_k=params.h_ve_w_per_k + extra)
    segments = _segments(weather, ventilation)
    mass: np.ndarray | None = None
    hourly = np.empty(weather.hours)
    for _ in range(WARM_UP_YEARS + 1):
        for first, end, on in segments:
            start = float(weather.temp_air_c.mean()) if mass is None else 0.0
            result = simulate_cooldown(
                vented if on else params,
                weather.temp_air_c[first:end],
                step_h=1.0,
                hours=float(end - first),
                start_temp_c=start,
                solar_irradiance_w_per_m2=irradiance[:, first:end],
                sky_temp_depression_k=sky[first:end],
                heated_start=False,
                initial_mass_temp_c=mass,
                report="mean",
            )
            mass = result.final_mass_temp_c
            hourly[first:end] = result.air_temp_c[0, 1:]
    return FreeFloatResult(hourly_air_temp_c=hourly)
