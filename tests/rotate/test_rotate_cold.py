"""People-hours below 12 °C of repeated rotations, from the flats, with their state carried
over.

The oracle steps every building's coupled block of flats alone (its own occupants' gains)
through its home's on/off sequence with scipy's matrix exponential: heat off → the whole
block cools freely; heat on → every flat's air is held at the set point and the other
nodes follow. In
each off-slot a flat counts as cold from its first fall below 12 °C (linear between
instants) to the slot's end.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import expm

from warmgrid.model.demo import demo_city
from warmgrid.rotate.cold import COLD_C, hours_off_costs, stepped_people_hours
from warmgrid.scenario.spec import CooldownSettings
from warmgrid.thermal.city import building_keys, city_cooldown, column
from warmgrid.thermal.cooldown import _features
from warmgrid.thermal.coupling import AIR_STATES, block_networks, block_system, switched_blocks
from warmgrid.thermal.flats import (
    POSITIONS,
    flat_classes,
)
from warmgrid.thermal.weather import constant_weather

HOURS = 24
OUTDOOR_C = -20.0
SETTINGS = CooldownSettings()
STEP_H = SETTINGS.step_min / 60.0


@cache
def homes() -> pd.DataFrame:
    """Six demo homes of different kinds (electrically heated ones first)."""
    buildings = demo_city().buildings
    homes = buildings[buildings["use"] == "residential"]
    order = homes.sort_values("electric_heating", ascending=False, kind="stable")
    return order.iloc[[0, 1, 2, len(order) // 2, -2, -1]].reset_index(drop=True)


def _steps(C, K, B, warm, u) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """``(free, held, rest)``: one-step maps of the augmented state ``[x, 1]`` by scipy's
    expm, heat off and heat on (every flat's air held at the set point, the conductances
    and inputs ``warm`` of the heated state's convection; ``rest`` the states that
    move)."""
    K_on, B_on = warm
    air = AIR_STATES[:-1]
    rest = [i for i in range(C.size) if i not in air]
    size = C.size
    free = np.zeros((size + 1, size + 1))
    free[:size, :size] = -K / C[:, None]
    free[:size, size] = (B @ u) / C
    held = np.zeros((len(rest) + 1, len(rest) + 1))
    held[:-1, :-1] = -K_on[np.ix_(rest, rest)] / C[rest, None]
    drive = B_on[rest] @ u - K_on[np.ix_(rest, air)].sum(axis=1) * SETTINGS.set_point_c
    held[:-1, -1] = drive / C[rest]
    return expm(free * STEP_H * 3600.0), expm(held * STEP_H * 3600.0), rest


def _block_oracle(block, gains_w: float, heat_off: np.ndarray) -> np.ndarray:
    """Hours below 12 °C of each flat position of one building over its home's hourly
    on/off sequence, its coupled block stepped alone."""
    net = block_networks(block)
    C, K, B, _, (K_on, B_on) = block_system(net, [block])
    C, K, B, K_on, B_on = C[0], K[0], B[0], K_on[0], B_on[0]
    u = np.append(_features(net.base, OUTDOOR_C, STEP_H, 1, None, 0.0)[0], gains_w)
    free, held, rest = _steps(C, K, B, (K_on, B_on), u)
    air_states = AIR_STATES[:-1]
    x = np.full(C.size, SETTINGS.set_point_c)
    drive = B_on[rest] @ u - K_on[np.ix_(rest, air_states)].sum(axis=1) * SETTINGS.set_point_c
    x[rest] = np.linalg.solve(K_on[np.ix_(rest, rest)], drive)
    per_hour = round(1.0 / STEP_H)
    cold_h = np.zeros(len(POSITIONS))
    for off in heat_off:
        air = [x[air_states]]
        for _ in range(per_hour):
            if off:
                x = (free @ np.append(x, 1.0))[:-1]
            else:
                x[rest] = (held @ np.append(x[rest], 1.0))[:-1]
                x[air_states] = SETTINGS.set_point_c
            air.append(x[air_states])
        if off:
            trace = np.array(air)
            for p in range(len(POSITIONS)):
                below = np.flatnonzero(trace[:, p] < COLD_C)
                if below.size:
                    j = below[0]
                    crossing = 0.0
                    if j > 0:
                        a, b = trace[j - 1, p], trace[j, p]
                        crossing = (j - 1 + (a - COLD_C) / (a - b)) * STEP_H
                    cold_h[p] += 1.0 - crossing
    return cold_h


def _oracle(buildings: pd.DataFrame, heat_off: np.ndarray) -> float:
    """People-hours below 12 °C, every building's coupled flats stepped alone through its
    home's schedule."""
    keys, overrides = building_keys(buildings)
    people = column(buildings, "population", 0.0)
    classes = flat_classes(
        keys,
        column(buildings, "floor_area_m2"),
        column(buildings, "storeys"),
        people,
        overrides,
        coupled=True,
    )
    blocks = classes.blocks()
    total = 0.0
    for b in range(len(buildings)):
        if not heat_off[b].any():
            continue
        block = blocks[classes.class_of[b]]
        cold_h = _block_oracle(block, float(classes.gains_w[b]), heat_off[b])
        total += float((classes.people[b] * cold_h).sum())
    return total


@settings(max_examples=4, deadline=None)
@given(st.lists(st.lists(st.booleans(), min_size=HOURS, max_size=HOURS), min_size=2, max_size=2))
def test_carried_flats_equal_each_flat_stepped_alone(rows: list[list[bool]]) -> None:
    buildings = homes()
    members = [np.array([0, 1, 3]), np.array([2, 4, 5])]
    off = np.array(rows, dtype=bool)
    heat_off = np.zeros((len(buildings), HOURS), dtype=bool)
    for g, m in enumerate(members):
        heat_off[m] |= off[g]
    expected = _oracle(buildings, heat_off)
    weather = constant_weather(OUTDOOR_C, HOURS + 1)
    edges = np.arange(HOURS + 1, dtype=np.float64)
    stepped = stepped_people_hours(buildings, members, off, weather, edges, SETTINGS)
    assert abs(stepped - expected) <= 1e-3 * max(1.0, expected)


def test_all_off_is_the_free_cooldown_and_the_planner_cost() -> None:
    """Every slot off: the flats engine's own cool-down (the scenario's people-hours), and
    the planner's cost of the whole horizon; the cost grows with the hours off."""
    buildings = homes()
    members = [np.arange(len(buildings))]
    weather = constant_weather(OUTDOOR_C, HOURS + 1)
    edges = np.arange(0, HOURS + 1, 4, dtype=np.float64)
    stepped = stepped_people_hours(
        buildings, members, np.ones((1, edges.size - 1), bool), weather, edges, SETTINGS
    )
    cool = city_cooldown(buildings, weather, hours=HOURS, thresholds_c=(COLD_C,))
    whole = cool.people_hours[COLD_C]
    assert whole > 0 and abs(stepped - whole) <= 1e-6 * whole
    cost = hours_off_costs(buildings, members, weather, HOURS, SETTINGS)
    assert abs(cost[0, HOURS] - whole) <= 1e-6 * whole
    assert cost[0, 0] == 0.0 and np.all(np.diff(cost[0]) >= 0)


def test_all_on_stays_at_the_set_point() -> None:
    buildings = homes()
    keys, overrides = building_keys(buildings)
    classes = flat_classes(
        keys,
        column(buildings, "floor_area_m2"),
        column(buildings, "storeys"),
        column(buildings, "population", 0.0),
        overrides,
        coupled=True,
    )
    features = _features(classes.net.base, OUTDOOR_C, STEP_H, 48, None, 0.0)
    rows = np.arange(len(classes.classes))
    on = switched_blocks(
        classes.net, classes.blocks(), rows, np.ones((rows.size, 48), bool), features, STEP_H, 20.0
    )
    assert on.alpha.shape == (rows.size * len(POSITIONS), 49)
    np.testing.assert_allclose(on.alpha, 20.0, atol=1e-9)
    np.testing.assert_allclose(on.beta, 0.0, atol=1e-12)
    members = [np.arange(len(buildings))]
    weather = constant_weather(OUTDOOR_C, HOURS + 1)
    edges = np.arange(HOURS + 1, dtype=np.float64)
    none_off = np.zeros((1, HOURS), bool)
    assert stepped_people_hours(buildings, members, none_off, weather, edges, SETTINGS) == 0.0


def test_a_rotation_is_colder_than_fresh_slots_and_warmer_than_one_outage() -> None:
    """One hour off, one on, repeated: with the state carried the flats are colder than
    twelve one-hour outages each from the heated start, and warmer than twelve hours off
    in one piece (the planner's cost), for the walls recover while the heat is on."""
    buildings = homes()
    members = [np.arange(len(buildings))]
    off = (np.arange(HOURS) % 2 == 0)[None, :]
    weather = constant_weather(OUTDOOR_C, HOURS + 1)
    edges = np.arange(HOURS + 1, dtype=np.float64)
    carried = stepped_people_hours(buildings, members, off, weather, edges, SETTINGS)
    cost = hours_off_costs(buildings, members, weather, HOURS, SETTINGS)
    assert 12 * cost[0, 1] < carried < cost[0, 12]
