"""Building and city figures from the flats (:mod:`warmgrid.thermal.people`), against every
building's flats stepped alone (:func:`~warmgrid.thermal.coupling.simulate_block`) and
counted by brute force."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warmgrid.thermal.archetypes import OCCUPANT_SENSIBLE_GAIN_W, archetype_values
from warmgrid.thermal.city import city_cooldown
from warmgrid.thermal.constructions import CONSTRUCTIONS
from warmgrid.thermal.cooldown import CooldownResult, hours_to_threshold
from warmgrid.thermal.coupling import Block, block_layout, simulate_block
from warmgrid.thermal.flats import FIELDS, POSITIONS, floors_of
from warmgrid.thermal.people import (
    mean_temp_c,
    people_below_series,
    people_below_within,
    people_hours_below,
)
from warmgrid.thermal.weather import Weather

THRESHOLDS = (18.0, 12.0, 5.0)
STEP_H = 0.5
HOURS = 24.0
KINDS = ("panel_9", "brick_prewar", "modern_insulated", "panel_5", "school", "hospital")

building = st.tuples(
    st.sampled_from(KINDS),
    st.floats(150.0, 6000.0),  # floor area, m²
    st.integers(1, 12),  # storeys
    st.integers(0, 300),  # people
)


def each_flat_alone(buildings: pd.DataFrame, weather: Weather, counts: np.ndarray):
    """Air temperature (flat, instant) of every flat position of every building, each
    building's flats and stairwell stepped alone by :func:`simulate_block` (scipy's matrix
    exponential step by step; the block that stands for its storeys and flats a floor,
    :func:`block_layout`), and its hours to the thresholds."""
    keys = buildings["archetype"].to_numpy(dtype=object)
    inverse, unique = pd.factorize(keys)
    values = archetype_values(inverse, list(unique))
    flat_area = np.array([CONSTRUCTIONS[str(k)].flat_area_m2 for k in keys])
    levels, per_floor = block_layout(
        *floors_of(
            buildings["storeys"].to_numpy(float),
            buildings["floor_area_m2"].to_numpy(float),
            flat_area,
        )
    )
    n = len(buildings)
    steps = round(HOURS / STEP_H)
    air = np.full((n, len(POSITIONS), steps + 1), np.nan)
    hours = {t: np.full((n, len(POSITIONS)), np.nan) for t in THRESHOLDS}
    for b in range(n):
        people = float(buildings["population"].iloc[b])
        gains = OCCUPANT_SENSIBLE_GAIN_W * people / counts[b].sum()
        fields = {f: float(values[f][b]) for f in FIELDS}
        block = Block(str(keys[b]), int(levels[b]), int(per_floor[b]), fields, flat_area[b])
        flats = simulate_block(block, gains, weather.temp_air_c, STEP_H, HOURS)[: len(POSITIONS)]
        result = CooldownResult(
            time_h=np.arange(steps + 1) * STEP_H,
            air_temp_c=flats.astype(np.float32),
            step_h=STEP_H,
        )
        crossing = hours_to_threshold(result, THRESHOLDS)
        exists = counts[b] > 0
        air[b, exists] = flats[exists]
        for t in THRESHOLDS:
            hours[t][b, exists] = crossing[t][exists]
    return air, hours


@settings(max_examples=12, deadline=None)
@given(
    st.lists(building, min_size=1, max_size=3),
    st.floats(-25.0, 2.0),  # outdoor at the start, °C
    st.floats(-1.0, 1.0),  # its change per hour, K
)
def test_building_figures_lie_within_their_flats(rows, start_c, slope_k_per_h) -> None:
    buildings = pd.DataFrame(
        {
            "id": [f"b{k}" for k in range(len(rows))],
            "archetype": [r[0] for r in rows],
            "floor_area_m2": [r[1] for r in rows],
            "storeys": [float(r[2]) for r in rows],
            "population": [float(r[3]) for r in rows],
        }
    )
    temp_c = start_c + slope_k_per_h * (np.arange(int(HOURS)) + 0.5)
    weather = Weather(temp_air_c=temp_c, source="ramp")
    cool = city_cooldown(buildings, weather, hours=HOURS, step_h=STEP_H, thresholds_c=THRESHOLDS)
    counts = cool.flats.flats
    air, alone = each_flat_alone(buildings, weather, counts)
    exists = counts > 0
    people = counts * (buildings["population"].to_numpy()[:, None] / counts.sum(axis=1)[:, None])
    np.testing.assert_allclose(cool.flats.people, people)

    # the building's mean temperature is never colder than all its flats, nor warmer
    end_c = cool.mean_temp_end_c()
    coldest = np.nanmin(np.where(exists, air[:, :, -1], np.nan), axis=1)
    warmest = np.nanmax(np.where(exists, air[:, :, -1], np.nan), axis=1)
    assert np.all(end_c >= coldest - 0.01) and np.all(end_c <= warmest + 0.01)

    for t in THRESHOLDS:
        fell = np.where(exists, alone[t], np.nan)
        # a building's warning: its first flat, never after any of its flats
        first = cool.first_flat_hours_to(t)
        expected_first = np.nanmin(np.where(np.isnan(fell), np.inf, fell), axis=1)
        expected_first[np.isinf(expected_first)] = np.nan
        np.testing.assert_allclose(first, expected_first, atol=0.01)
        # people below the threshold after h hours: a brute-force count over the flats,
        # bracketed by the flats falling within 0.01 h of h (float32 trajectories)
        for after_h in (0.0, 6.0, 12.0, HOURS):
            low = sum(
                people[b, p]
                for b in range(len(rows))
                for p in range(len(POSITIONS))
                if fell[b, p] <= after_h - 0.01
            )
            high = sum(
                people[b, p]
                for b in range(len(rows))
                for p in range(len(POSITIONS))
                if fell[b, p] <= after_h + 0.01
            )
            assert round(low) - 1 <= cool.people_below(t, after_h) <= round(high) + 1
        # people-hours: each flat from its fall to the horizon, and the building's figure
        # lies between its first and its last flat
        ours = cool.people_hours_until(t, HOURS)
        brute = (people * np.nan_to_num(HOURS - fell, nan=0.0)).sum(axis=1)
        np.testing.assert_allclose(ours, brute, atol=0.01 * people.sum() + 1e-9)
        total = people.sum(axis=1)
        last = np.nanmax(np.where(exists, np.nan_to_num(fell, nan=HOURS), np.nan), axis=1)
        assert np.all(ours <= total * (HOURS - np.nan_to_num(first, nan=HOURS)) + 1e-6)
        assert np.all(ours >= total * (HOURS - last) - 1e-6)


@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.floats(0.0, 30.0)), min_size=6, max_size=6),
        min_size=1,
        max_size=5,
    ),
    st.lists(st.one_of(st.none(), st.floats(0.0, 30.0)), min_size=5, max_size=5),
)
def test_people_below_over_time_against_brute_force(hours, back) -> None:
    fell = np.array([[np.nan if h is None else h for h in row] for row in hours])
    n = fell.shape[0]
    people = np.arange(1.0, 6 * n + 1).reshape(n, 6)
    until = np.array([np.nan if b is None else b for b in back[:n]])
    time_h = np.arange(0.0, 24.01, 0.5)
    series = people_below_series(fell, people, time_h, until)
    never = people_below_series(fell, people, time_h)
    for j, t in enumerate(time_h):
        cold = np.nan_to_num(fell, nan=np.inf) <= t
        warm_again = (np.nan_to_num(until, nan=np.inf) <= t)[:, None]
        assert series[j] == pytest.approx(people[cold & ~warm_again].sum())
        assert never[j] == pytest.approx(people_below_within(fell, people, t).sum())
    assert np.all(np.diff(never) >= 0)
    # people-hours are the area under the curve without repair (linear between instants)
    area = people_hours_below(fell, people, np.nan, 24.0).sum()
    fine = np.arange(0.0, 24.0, 1e-3) + 5e-4
    below = np.nan_to_num(fell, nan=np.inf)[None] <= fine[:, None, None]
    assert area == pytest.approx((below * people).sum() * 1e-3, abs=0.01 * people.sum())


def test_mean_temperature_weights_flats_by_number() -> None:
    temp_c = np.array([[10.0, 14.0, np.nan], [np.nan, np.nan, np.nan]])
    flats = np.array([[1, 3, 0], [0, 0, 0]])
    got = mean_temp_c(temp_c, flats)
    assert got[0] == pytest.approx(13.0)
    assert np.isnan(got[1])
