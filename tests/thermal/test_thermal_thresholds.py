"""Threshold crossings and people-hours against brute force on fine grids."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from warmgrid.thermal.cooldown import CooldownResult, hours_below, hours_to_threshold


def result_of(temps: np.ndarray, step_h: float) -> CooldownResult:
    temps = np.atleast_2d(np.asarray(temps, dtype=np.float32))
    time = np.arange(temps.shape[1]) * step_h
    return CooldownResult(time_h=time, air_temp_c=temps, step_h=step_h)


def test_linear_ramp_crossings_and_hours_below() -> None:
    # 20 °C falling 1 K per hour for 30 h, sampled every 0.5 h
    time = np.arange(61) * 0.5
    result = result_of(20.0 - time, 0.5)
    hours = hours_to_threshold(result, (18.0, 12.0, 5.0, 0.0, -20.0))
    assert hours[18.0][0] == pytest.approx(2.0)
    assert hours[12.0][0] == pytest.approx(8.0)
    assert hours[0.0][0] == pytest.approx(20.0)
    assert np.isnan(hours[-20.0][0])
    below = hours_below(result, (12.0, -20.0))
    assert below[12.0][0] == pytest.approx(22.0)
    assert below[-20.0][0] == 0.0


def test_start_below_is_zero() -> None:
    result = result_of([[10.0, 9.0, 8.0]], 1.0)
    assert hours_to_threshold(result, (12.0,))[12.0][0] == 0.0


@given(
    values=st.lists(st.floats(-10, 25, allow_nan=False), min_size=2, max_size=30),
    threshold=st.floats(-5, 20),
)
def test_against_fine_linear_interpolation(values: list[float], threshold: float) -> None:
    temps = np.array(values, dtype=np.float32).astype(np.float64)
    result = result_of(temps, 1.0)
    fine_t = np.linspace(0, len(values) - 1, (len(values) - 1) * 2000 + 1)
    fine = np.interp(fine_t, np.arange(len(values)), temps)
    below = fine < threshold
    first = hours_to_threshold(result, (threshold,))[threshold][0]
    if below.any():
        assert first == pytest.approx(fine_t[np.argmax(below)], abs=2e-3)
    else:
        assert np.isnan(first)
    total = hours_below(result, (threshold,))[threshold][0]
    # the fine grid counts each crossing to within one of its steps
    crossings = np.count_nonzero(np.diff(below.astype(np.int8)))
    tolerance = max(2e-3, (crossings + 1) * (fine_t[1] - fine_t[0]))
    assert total == pytest.approx(below[:-1].mean() * (len(values) - 1), abs=tolerance)


@pytest.mark.parametrize("group_steps", [1, 3, 8, 100])
def test_many_buildings_against_brute_force(group_steps: int) -> None:
    rng = np.random.default_rng(group_steps)
    temps = np.cumsum(rng.normal(-0.3, 1.0, (50, 41)), axis=1).astype(np.float32) + 15
    result = result_of(temps, 0.5)
    fast = hours_to_threshold(result, (12.0, 5.0), block_size=7, group_steps=group_steps)
    for threshold, hours in fast.items():
        for i in range(50):
            below = np.flatnonzero(temps[i].astype(np.float64) < threshold)
            if below.size == 0:
                assert np.isnan(hours[i])
                continue
            j = below[0]
            if j == 0:
                assert hours[i] == 0.0
                continue
            a, b = float(temps[i, j - 1]), float(temps[i, j])
            assert hours[i] == pytest.approx(0.5 * (j - 1) + 0.5 * (a - threshold) / (a - b))
