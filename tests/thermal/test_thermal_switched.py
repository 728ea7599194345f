"""Coupled blocks of flats with their heating switched on and off: the special cases against
the engine that answers a whole outage, under sun and with the days before the outage
known."""

from __future__ import annotations

import numpy as np
import pytest

from warmgrid.cli.thermal import packaged_weather_path
from warmgrid.thermal.archetypes import ARCHETYPE_CHANNELS
from warmgrid.thermal.cooldown import _features
from warmgrid.thermal.coupling import city_blocks, switched_blocks
from warmgrid.thermal.flats import flat_classes
from warmgrid.thermal.history import history_features
from warmgrid.thermal.weather import channel_irradiance, read_epw, sky_depression

STEP_H = 0.25
HOURS = 48


@pytest.fixture(scope="module")
def setting():
    """Classes of flats of four buildings and the inputs of two sunny January days, with
    the three days before them."""
    weather = read_epw(packaged_weather_path()).window(24 * 27, HOURS)
    classes = flat_classes(
        np.array(["brick_prewar", "panel_9", "school", "modern_insulated"], object),
        np.array([2000.0, 5000.0, 4000.0, 8000.0]),
        np.array([4.0, 9.0, 3.0, 10.0]),
        np.array([60.0, 200.0, 0.0, 250.0]),
        coupled=True,
    )
    base = classes.net.base
    features = _features(
        base,
        weather.temp_air_c,
        STEP_H,
        round(HOURS / STEP_H),
        channel_irradiance(weather, ARCHETYPE_CHANNELS),
        sky_depression(weather),
    )
    return classes, features, history_features(base, weather, STEP_H)


def test_heat_off_throughout_is_the_flats_cooldown(setting) -> None:
    """Every step off: the class responses of a whole outage from the heated history."""
    classes, features, history = setting
    rows = np.arange(len(classes.classes))
    off = switched_blocks(
        classes.net,
        classes.blocks(),
        rows,
        np.zeros((rows.size, features.shape[0]), bool),
        features,
        STEP_H,
        20.0,
        history,
    )
    whole = city_blocks(classes.net, classes.blocks(), features, STEP_H, 20.0, history).flats
    np.testing.assert_allclose(off.alpha, whole.heated_alpha, atol=1e-6)
    np.testing.assert_allclose(np.maximum(off.beta, 0.0), whole.heated_beta, atol=1e-9)
    assert off.alpha[:, -1].min() < 12.0


def test_heat_on_throughout_holds_the_set_point_and_heat_back_recovers(setting) -> None:
    """Every step on: the air stays at the set point. Off for a day, then on: the air is
    back at the set point at once, and a second day off from there stays warmer than the
    first day's continuation would have been (the walls recovered meanwhile)."""
    classes, features, history = setting
    rows = np.arange(len(classes.classes))
    blocks = classes.blocks()
    steps = features.shape[0]
    on = switched_blocks(
        classes.net,
        blocks,
        rows,
        np.ones((rows.size, steps), bool),
        features,
        STEP_H,
        20.0,
        history,
    )
    np.testing.assert_allclose(on.alpha, 20.0, atol=1e-9)
    np.testing.assert_allclose(on.beta, 0.0, atol=1e-12)
    day = round(24 / STEP_H)
    pattern = np.ones(steps, bool)
    pattern[: day // 2] = False
    pattern[day:] = False
    split = switched_blocks(
        classes.net,
        blocks,
        rows,
        np.broadcast_to(pattern, (rows.size, steps)),
        features,
        STEP_H,
        20.0,
        history,
    )
    np.testing.assert_allclose(split.alpha[:, day // 2 + 1 : day + 1], 20.0, atol=1e-9)
    whole = city_blocks(classes.net, blocks, features, STEP_H, 20.0, history).flats
    assert np.all(split.alpha[:, -1] > whole.heated_alpha[:, -1] + 0.1)
