"""City glue: buildings of the demo city, weather with sun, stagnant pipes."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from warmgrid.cli.thermal import packaged_weather_path
from warmgrid.model.demo import demo_city
from warmgrid.thermal.city import city_cooldown, stagnant_heat_branches
from warmgrid.thermal.weather import constant_weather, read_epw


@pytest.fixture(scope="module")
def buildings() -> pd.DataFrame:
    return demo_city().buildings.iloc[::25].reset_index(drop=True)


def test_sun_slows_the_cooling(buildings: pd.DataFrame) -> None:
    january = read_epw(packaged_weather_path()).window(24 * 14, 48)
    dark = replace(january, ghi_w_per_m2=None)
    sunny = city_cooldown(buildings, january, hours=48.0)
    shaded = city_cooldown(buildings, dark, hours=48.0)
    sunny_c, shaded_c = sunny.mean_temp_end_c(), shaded.mean_temp_end_c()
    assert np.all(sunny_c >= shaded_c - 1e-4)
    assert np.any(sunny_c > shaded_c + 0.1)


def test_colder_weather_crosses_sooner(buildings: pd.DataFrame) -> None:
    mild = city_cooldown(buildings, constant_weather(-2.0, 72), hours=72.0)
    cold = city_cooldown(buildings, constant_weather(-20.0, 72), hours=72.0)
    assert cold.first_flat_crossing_h(12.0) < mild.first_flat_crossing_h(12.0)
    assert cold.people_below(12.0, 24.0) >= mild.people_below(12.0, 24.0)
    assert cold.people_hours[12.0] > mild.people_hours[12.0]
    residential = (buildings["use"] == "residential").to_numpy()
    assert cold.first_flat_crossing_h(12.0, residential) >= cold.first_flat_crossing_h(12.0)


def test_stagnant_branches_touch_cold_nodes() -> None:
    branches = demo_city().branches
    heat = branches[branches["network"] == "heat"]
    node = str(heat["from_node"].iloc[0])
    stagnant = stagnant_heat_branches(branches, [node])
    assert len(stagnant) >= 1
    assert set(stagnant["network"]) == {"heat"}
    assert all((r.from_node == node) or (r.to_node == node) for r in stagnant.itertuples())
    assert stagnant_heat_branches(branches, []).empty


def test_no_building_without_heat(buildings: pd.DataFrame) -> None:
    cool = city_cooldown(buildings.iloc[:0], constant_weather(-10.0, 24), hours=24.0)
    assert cool.building_ids == []
    assert np.isnan(cool.first_flat_crossing_h(12.0))
    assert cool.people_below(12.0, 24.0) == 0
    assert cool.people_hours[12.0] == 0.0
