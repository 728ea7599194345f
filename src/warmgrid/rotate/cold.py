"""People-hours below 12 °C of a rotation, from the cool-down engine, with each home's
indoor temperature carried from slot to slot.

The homes that lose heat when a group is off are those the impact engine says lose heat
when the group's branches open (electric heating, heat plants and pumps on its feeders),
beyond those the damage already left without heat. While its heat is off a home cools as
the 5R1C engine (:func:`warmgrid.thermal.cooldown.simulate_cooldown`, ISO 13790:2008)
says, from the state its mass was left in: the first off-slot starts from the heated
steady state at the set point, every later one from the mass temperature at the end of
the one before. While its heat is on the air is back at the set point (radiators and
heaters at full output warm the air within minutes), but the building's mass is credited
**no recovery**: it stays at the temperature it had when the heat came back. This is
conservative (with the heat on the mass only warms, towards the heated steady state), so
the people-hours below 12 °C of repeated rotations are never understated by the recovery
between them. Only off-slots count: with the heat on nobody is below 12 °C.

Under that rule, and a forecast that does not change with time (the default: a constant
outdoor temperature, no sun), a home's temperature depends only on how many hours its
heat has been off in total: its off-slots strung together are one continuous cool-down.
The planner's cost of a group is therefore a function of its hours off
(:func:`hours_off_costs`), and the figures reported for a schedule come from stepping the
engine through its on/off sequence slot by slot (:func:`stepped_people_hours`), which
also holds under a changing forecast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from warmgrid.scenario.spec import CooldownSettings
from warmgrid.thermal.city import buildings_params
from warmgrid.thermal.cooldown import CooldownResult, hours_below, simulate_cooldown
from warmgrid.thermal.rc import BuildingParams
from warmgrid.thermal.weather import Weather, channel_irradiance, sky_depression

COLD_C = 12.0
"""Below 12 °C indoors health risks rise sharply (WHO Regional Office for Europe, Housing,
energy and thermal comfort, 2007)."""


def _cumulative_hours_below(air_c: np.ndarray, step_h: float, threshold_c: float) -> np.ndarray:
    """Per building and instant, hours below ``threshold_c`` since the start (the
    temperature linear between instants, as :func:`warmgrid.thermal.cooldown.hours_below`)."""
    temps = air_c.astype(np.float64)
    first, second = temps[:, :-1], temps[:, 1:]
    low = np.minimum(first, second)
    span = np.abs(second - first)
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(
            span > 0,
            np.clip((threshold_c - low) / span, 0.0, 1.0),
            (low < threshold_c).astype(np.float64),
        )
    cumulative = np.cumsum(fraction, axis=1) * step_h
    return np.concatenate([np.zeros((temps.shape[0], 1)), cumulative], axis=1)


def _cool(
    params: BuildingParams,
    weather: Weather,
    start_h: int,
    hours: float,
    settings: CooldownSettings,
    mass_c: np.ndarray | None,
) -> CooldownResult:
    """Heat off for ``hours`` from hour ``start_h`` of ``weather``: from the heated steady
    state at the set point (``mass_c`` None) or from the mass temperatures ``mass_c``."""
    window = weather.window(start_h, int(np.ceil(hours)))
    return simulate_cooldown(
        params,
        window.temp_air_c,
        step_h=settings.step_min / 60.0,
        hours=hours,
        start_temp_c=settings.set_point_c,
        solar_irradiance_w_per_m2=channel_irradiance(window, params.solar_channels),
        sky_temp_depression_k=sky_depression(window),
        heated_start=mass_c is None,
        initial_mass_temp_c=mass_c,
        heating_radiative_fraction=settings.heating_radiative_fraction,
    )


def _affected(
    buildings: pd.DataFrame, members: list[np.ndarray]
) -> tuple[pd.DataFrame, np.ndarray, list[np.ndarray]]:
    """The rows any group can leave without heat, their people, and each group's rows
    among them."""
    rows = np.unique(np.concatenate([*members, np.zeros(0, np.int64)])).astype(np.int64)
    chosen = buildings.iloc[rows].reset_index(drop=True)
    people = pd.to_numeric(chosen["population"], errors="coerce").fillna(0).to_numpy(np.float64)
    return chosen, people, [np.searchsorted(rows, m) for m in members]


def hours_off_costs(
    buildings: pd.DataFrame,
    members: list[np.ndarray],
    weather: Weather,
    hours: int,
    settings: CooldownSettings,
) -> np.ndarray:
    """``cost[g, h]``: people-hours below 12 °C of group ``g``'s homes when its heat has
    been off ``h`` hours in total (``h`` = 0 … ``hours``), its off-slots strung together
    as one cool-down under the forecast from its start (exact for a forecast that does not
    change with time; module docstring). ``members[g]`` holds the rows of ``buildings``
    that lose heat when group ``g`` is off."""
    cost = np.zeros((len(members), hours + 1))
    chosen, people, local = _affected(buildings, members)
    if len(chosen) == 0 or hours == 0:
        return cost
    step_h = settings.step_min / 60.0
    cool = _cool(buildings_params(chosen), weather, 0, float(hours), settings, None)
    below = _cumulative_hours_below(cool.air_temp_c, step_h, COLD_C)
    at_hour = np.minimum(
        np.round(np.arange(hours + 1) / step_h).astype(np.int64), below.shape[1] - 1
    )
    weighted = people[:, None] * below[:, at_hour]
    for g, rows_g in enumerate(local):
        cost[g] = weighted[rows_g].sum(axis=0)
    return cost


def stepped_people_hours(
    buildings: pd.DataFrame,
    members: list[np.ndarray],
    off: np.ndarray,
    weather: Weather,
    edges_h: np.ndarray,
    settings: CooldownSettings,
) -> float:
    """People-hours below 12 °C of the schedule ``off[g, t]``: the engine stepped slot by
    slot, each home's mass temperature carried over (module docstring). A home whose heat
    hangs on several groups is without heat while any of them is off."""
    chosen, people, local = _affected(buildings, members)
    if len(chosen) == 0:
        return 0.0
    params = buildings_params(chosen)
    heat_off = np.zeros((len(chosen), edges_h.size - 1), dtype=bool)
    for g, rows_g in enumerate(local):
        heat_off[rows_g] |= off[g][None, :]
    mass = np.full(len(chosen), np.nan)
    total = 0.0
    for t in range(edges_h.size - 1):
        start, hours = int(edges_h[t]), float(edges_h[t + 1] - edges_h[t])
        fresh = np.isnan(mass)
        for now, carried in (
            (heat_off[:, t] & fresh, None),
            (heat_off[:, t] & ~fresh, np.where(fresh, settings.set_point_c, mass)),
        ):
            if not now.any():
                continue
            cool = _cool(params, weather, start, hours, settings, carried)
            below = hours_below(cool, (COLD_C,))[COLD_C][now]
            total += float(people[now] @ below)
            mass = np.where(now, np.asarray(cool.final_mass_temp_c), mass)
    return total
