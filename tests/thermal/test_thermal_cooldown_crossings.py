"""Threshold crossings found during the simulation, against brute force on the trajectory."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warmgrid.thermal.archetypes import ARCHETYPES, archetype_parameters
from warmgrid.thermal.cooldown import Report, hours_to_threshold, simulate_cooldown

THRESHOLDS_C = (19.5, 18.0, 12.0, 5.0, 0.0)


def first_crossing_brute_force(temps: np.ndarray, time_h: np.ndarray, threshold: float) -> float:
    """First time below ``threshold`` of one building, linear between instants."""
    below = np.flatnonzero(temps.astype(np.float64) < threshold)
    if below.size == 0:
        return float("nan")
    j = int(below[0])
    if j == 0:
        return 0.0
    a, b = float(temps[j - 1]), float(temps[j])
    return float(time_h[j - 1] + (a - threshold) / (a - b) * (time_h[j] - time_h[j - 1]))


def city_run(n: int, seed: int, block_size: int, report: Report, thresholds_c=THRESHOLDS_C):
    rng = np.random.default_rng(seed)
    keys = np.array(list(ARCHETYPES))[rng.integers(0, len(ARCHETYPES), n)]
    storeys = np.array([ARCHETYPES[k].storeys for k in keys], dtype=float)
    params = archetype_parameters(keys, rng.uniform(300.0, 1200.0, n) * storeys, storeys)
    hours = 30
    outdoor = -8.0 + 6.0 * np.sin(np.arange(hours) * 2 * np.pi / 24) + rng.normal(0, 1, hours)
    daylight = np.clip(np.sin((np.arange(hours) - 6) * 2 * np.pi / 24), 0, None)
    irradiance = rng.uniform(0, 600, (len(params.solar_channels), 1)) * daylight
    return simulate_cooldown(
        params,
        outdoor,
        step_h=0.25,
        hours=hours,
        solar_irradiance_w_per_m2=irradiance,
        report=report,
        block_size=block_size,
        thresholds_c=thresholds_c,
    )


@settings(max_examples=15, deadline=None)
@given(
    n=st.integers(1, 60),
    seed=st.integers(0, 10_000),
    block_size=st.integers(1, 70),
    report=st.sampled_from(["end", "mean"]),
)
def test_crossings_during_simulation_equal_brute_force(
    n: int, seed: int, block_size: int, report: Report
) -> None:
    result = city_run(n, seed, block_size, report)
    assert result.hours_to is not None
    for threshold in THRESHOLDS_C:
        for i in range(n):
            expected = first_crossing_brute_force(result.air_temp_c[i], result.time_h, threshold)
            got = result.hours_to[threshold][i]
            if np.isnan(expected):
                assert np.isnan(got)
            else:
                assert got == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("report", ["end", "mean"])
def test_crossings_during_simulation_equal_second_pass(report: Report) -> None:
    result = city_run(300, 3, 64, report)
    alone = city_run(300, 3, 64, report, thresholds_c=None)
    assert alone.hours_to is None
    np.testing.assert_array_equal(result.air_temp_c, alone.air_temp_c)
    second_pass = hours_to_threshold(alone, THRESHOLDS_C)
    returned = hours_to_threshold(result, THRESHOLDS_C)
    for threshold in THRESHOLDS_C:
        np.testing.assert_array_equal(returned[threshold], second_pass[threshold])
        np.testing.assert_array_equal(result.hours_to[threshold], second_pass[threshold])
    assert np.isfinite(second_pass[12.0]).any() and np.isnan(second_pass[0.0]).any()


def test_other_thresholds_are_computed_from_the_trajectory() -> None:
    result = city_run(40, 5, 16, "end", thresholds_c=(12.0,))
    asked = hours_to_threshold(result, (12.0, 15.0))
    again = hours_to_threshold(dataclasses.replace(result, hours_to=None), (12.0, 15.0))
    for threshold in (12.0, 15.0):
        np.testing.assert_array_equal(asked[threshold], again[threshold])
    asked[12.0][:] = -1.0
    assert np.all(result.hours_to[12.0] != -1.0)
