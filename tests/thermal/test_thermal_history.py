"""The heated history before an outage: the held-air network against the matrix exponential
(scipy), the steady state under constant weather, and the weather before a window."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import expm

from warmgrid.cli.thermal import packaged_weather_path
from warmgrid.thermal.archetypes import archetype_values
from warmgrid.thermal.cooldown import _features
from warmgrid.thermal.flats import FIELDS, flat_network, flat_table
from warmgrid.thermal.history import heated_history, heated_steady, history_features
from warmgrid.thermal.network import _matrices, steady_state
from warmgrid.thermal.weather import (
    PRE_HISTORY_H,
    Weather,
    channel_irradiance,
    constant_weather,
    read_epw,
    sky_depression,
)


@pytest.fixture(scope="module")
def denver() -> Weather:
    return read_epw(packaged_weather_path())


def _flat(archetype: str, floor: str, corner: bool):
    values = archetype_values(np.zeros(1, dtype=np.int64), [archetype])
    fields = {name: float(values[name][0]) for name in FIELDS}
    return flat_network(flat_table(fields, archetype, floor, corner, gains_w=140.0))


def _expm_history(net, features: np.ndarray, set_point_c: float, step_h: float) -> np.ndarray:
    """The held system stepped by scipy's matrix exponential of the augmented matrix
    ``[[−C⁻¹K_rr, C⁻¹D], [0, 0]]`` (inputs held over each step), from the held steady
    state under the first row solved directly (the heated state's convection, as
    :func:`heated_history`)."""
    C, K, B = (a[0] for a in _matrices(net, heated=True))
    rest = slice(1, None)
    c_r, k_rr = C[rest], K[rest, rest]
    drive = np.concatenate([B[rest], -K[rest, 0:1]], axis=1)
    inputs = np.concatenate([features, np.full((features.shape[0], 1), set_point_c)], axis=1)
    x = np.linalg.solve(k_rr, drive @ inputs[0])
    size, width = k_rr.shape[0], drive.shape[1]
    augmented = np.zeros((size + width, size + width))
    augmented[:size, :size] = -k_rr / c_r[:, None]
    augmented[:size, size:] = drive / c_r[:, None]
    step = expm(augmented * step_h * 3600.0)
    for u in inputs:
        x = step[:size, :size] @ x + step[:size, size:] @ u
    return np.concatenate([[set_point_c], x])


@pytest.mark.parametrize(
    ("archetype", "floor", "corner"),
    [("brick_prewar", "ground", True), ("panel_9", "middle", False), ("school", "top", True)],
)
def test_held_history_matches_the_matrix_exponential(denver, archetype, floor, corner) -> None:
    net = _flat(archetype, floor, corner)
    before = denver.window(24 * 27 - PRE_HISTORY_H, PRE_HISTORY_H)
    features = _features(
        net.base,
        before.temp_air_c,
        0.25,
        4 * PRE_HISTORY_H,
        channel_irradiance(before, net.base.solar_channels),
        sky_depression(before),
    )
    ours = heated_history(net, features, 20.0, 0.25)[0]
    np.testing.assert_allclose(ours, _expm_history(net, features, 20.0, 0.25), atol=1e-6)
    assert ours[1] > -5.0 and not np.allclose(ours, ours[0])


def test_constant_weather_keeps_the_heated_steady_state() -> None:
    net = _flat("brick_prewar", "top", True)
    features = _features(net.base, -10.0, 0.5, 100, None, 0.0)
    held = heated_history(net, features, 20.0, 0.5)
    np.testing.assert_allclose(held, steady_state(net, features[0], np.array([20.0])), atol=1e-9)


@settings(max_examples=20, deadline=None)
@given(
    archetype=st.sampled_from(["panel_5", "brick_prewar", "modern_insulated", "hospital"]),
    floor=st.sampled_from(["ground", "middle", "top"]),
    corner=st.booleans(),
    outdoor_c=st.floats(-30.0, 15.0),
    gains_w=st.floats(0.0, 3000.0),
)
def test_heating_power_put_back_holds_the_air(
    archetype: str, floor: str, corner: bool, outdoor_c: float, gains_w: float
) -> None:
    """The heating power of the held steady state, given to the unheated network at its air
    node (the whole system solved, air free), leaves every state where it was held; a
    negative power (gains above the need) likewise; two right-hand sides at once give each
    alone."""
    values = archetype_values(np.zeros(1, dtype=np.int64), [archetype])
    fields = {name: float(values[name][0]) for name in FIELDS}
    net = flat_network(flat_table(fields, archetype, floor, corner, gains_w=gains_w))
    _, K, B = _matrices(net)
    drive = B @ _features(net.base, outdoor_c, 1.0, 1, None, 0.0)[0]
    states, heating_w = heated_steady(K, drive[:, :, None], np.array([[20.0]]))
    put_back = drive.copy()
    put_back[:, 0] += heating_w[:, 0, 0]
    free = np.linalg.solve(K, put_back[:, :, None])
    np.testing.assert_allclose(free, states, atol=1e-8)
    both, both_w = heated_steady(K, np.stack([drive, 2.0 * drive], axis=2), np.array([[20.0, 5.0]]))
    np.testing.assert_allclose(both[:, :, :1], states, atol=1e-9)
    twice, twice_w = heated_steady(K, 2.0 * drive[:, :, None], np.array([[5.0]]))
    np.testing.assert_allclose(both[:, :, 1:], twice, atol=1e-9)
    np.testing.assert_allclose(both_w, np.concatenate([heating_w, twice_w], axis=2), atol=1e-6)


def test_window_carries_the_days_before(denver) -> None:
    week = denver.window(24 * 27, 168)
    assert week.before is not None and week.before.hours == PRE_HISTORY_H
    np.testing.assert_array_equal(
        week.before.temp_air_c, denver.temp_air_c[24 * 27 - PRE_HISTORY_H : 24 * 27]
    )
    assert week.before.times is not None and week.before.times[-1] < week.times[0]
    assert week.window(0, 48).before is week.before  # a window of it keeps them
    new_year = denver.window(0, 24)  # a whole year wraps: the last days of December
    assert new_year.before is not None
    np.testing.assert_array_equal(new_year.before.temp_air_c, denver.temp_air_c[-PRE_HISTORY_H:])
    forecast = constant_weather(-5.0, 48)  # a forecast knows nothing before its start
    assert forecast.window(0, 24).before is None
    assert forecast.window(10, 24).before.hours == 10


def test_warmer_days_before_the_outage_delay_the_cold(denver) -> None:
    """The coldest week of the Denver file follows milder days: heated through them the
    flats start with more heat in their walls than in the steady state under the week's
    first hour, and fall below 12 °C later (EnergyPlus: 4–20 h later, docs)."""
    from warmgrid.thermal.flats import city_flats

    week = denver.window(24 * 27, 72)
    args = (np.array(["brick_prewar"], object), [2000.0], [4.0], [60.0])
    with_history = city_flats(*args, week, 72, 0.25, 20.0).worst_hours_to(12.0)
    steady = city_flats(*args, replace(week, before=None), 72, 0.25, 20.0).worst_hours_to(12.0)
    assert history_features(_flat("brick_prewar", "top", True).base, week, 0.25) is not None
    assert with_history[0] > steady[0] + 1.0
