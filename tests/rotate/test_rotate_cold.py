"""People-hours below 12 °C of repeated rotations, with indoor temperatures carried over.

The oracle steps the 5R1C cool-down engine itself through each home's on/off sequence:
heat off → :func:`simulate_cooldown` from the mass temperature the home was left in; heat
on → the mass keeps its temperature (no recovery credited) and nobody is below 12 °C. Its
hours below are counted by the engine's own :func:`hours_below`.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from warmgrid.model.demo import demo_city
from warmgrid.rotate.cold import COLD_C, hours_off_costs, stepped_people_hours
from warmgrid.scenario.spec import CooldownSettings
from warmgrid.thermal.city import buildings_params
from warmgrid.thermal.cooldown import hours_below, simulate_cooldown
from warmgrid.thermal.weather import constant_weather

HOURS = 24
OUTDOOR_C = -20.0
SETTINGS = CooldownSettings()


@cache
def homes() -> pd.DataFrame:
    """Six demo homes of different kinds (electrically heated ones first)."""
    buildings = demo_city().buildings
    homes = buildings[buildings["use"] == "residential"]
    order = homes.sort_values("electric_heating", ascending=False, kind="stable")
    return order.iloc[[0, 1, 2, len(order) // 2, -2, -1]].reset_index(drop=True)


def _oracle(buildings: pd.DataFrame, heat_off: np.ndarray, weather_c: float) -> float:
    """People-hours below 12 °C, the engine stepped home by home and hour by hour."""
    total = 0.0
    for b in range(len(buildings)):
        home = buildings.iloc[[b]]
        params = buildings_params(home)
        mass: np.ndarray | None = None
        for _ in np.flatnonzero(heat_off[b]):
            run = simulate_cooldown(
                params,
                weather_c,
                step_h=SETTINGS.step_min / 60.0,
                hours=1.0,
                start_temp_c=SETTINGS.set_point_c,
                heated_start=mass is None,
                initial_mass_temp_c=mass,
                heating_radiative_fraction=SETTINGS.heating_radiative_fraction,
            )
            total += float(home["population"].iloc[0]) * float(
                hours_below(run, (COLD_C,))[COLD_C][0]
            )
            mass = run.final_mass_temp_c
    return total


@settings(max_examples=6, deadline=None)
@given(st.lists(st.lists(st.booleans(), min_size=HOURS, max_size=HOURS), min_size=2, max_size=2))
def test_carried_temperatures_equal_the_engine_stepped_through_the_schedule(
    rows: list[list[bool]],
) -> None:
    buildings = homes()
    members = [np.array([0, 1, 3]), np.array([2, 4, 5])]
    off = np.array(rows, dtype=bool)
    heat_off = np.zeros((len(buildings), HOURS), dtype=bool)
    for g, m in enumerate(members):
        heat_off[m] |= off[g]
    expected = _oracle(buildings, heat_off, OUTDOOR_C)
    weather = constant_weather(OUTDOOR_C, HOURS + 1)
    edges = np.arange(HOURS + 1, dtype=np.float64)
    stepped = stepped_people_hours(buildings, members, off, weather, edges, SETTINGS)
    table = hours_off_costs(buildings, members, weather, HOURS, SETTINGS)
    planned = sum(table[g, int(off[g].sum())] for g in range(len(members)))
    assert abs(stepped - expected) <= 1e-3 * max(1.0, expected)
    assert abs(planned - expected) <= 1e-3 * max(1.0, expected)


def _people_hours_off(buildings: pd.DataFrame, hours: float) -> float:
    """People-hours below 12 °C of ``hours`` without heat from the heated start, by the
    5R1C engine the rotation steps."""
    run = simulate_cooldown(
        buildings_params(buildings),
        OUTDOOR_C,
        step_h=SETTINGS.step_min / 60.0,
        hours=hours,
        start_temp_c=SETTINGS.set_point_c,
        heating_radiative_fraction=SETTINGS.heating_radiative_fraction,
    )
    people = buildings["population"].to_numpy(dtype=np.float64)
    return float(people @ hours_below(run, (COLD_C,))[COLD_C])


def test_a_rotation_is_colder_than_its_runs_started_afresh() -> None:
    """One hour off, one on, repeated: with the temperature carried the homes end up below
    12 °C; started from the set point each time, no one-hour run would get there."""
    buildings = homes()
    members = [np.arange(len(buildings))]
    off = (np.arange(HOURS) % 2 == 0)[None, :]
    weather = constant_weather(OUTDOOR_C, HOURS + 1)
    edges = np.arange(HOURS + 1, dtype=np.float64)
    carried = stepped_people_hours(buildings, members, off, weather, edges, SETTINGS)
    assert _people_hours_off(buildings, 1.0) == 0.0
    assert carried > 0.0
    whole = _people_hours_off(buildings, 12.0)
    assert abs(carried - whole) <= 1e-3 * whole
