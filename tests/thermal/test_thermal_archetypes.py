"""Archetype library: every type builds, has sources, and overrides behave."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from warmgrid.errors import InputError, UnknownIdError
from warmgrid.model.demo import demo_city
from warmgrid.thermal.archetypes import (
    ARCHETYPES,
    NUMERIC_FIELDS,
    SOURCES,
    archetype_parameters,
)
from warmgrid.thermal.city import buildings_params
from warmgrid.thermal.cooldown import hours_to_threshold, simulate_cooldown


def test_every_field_has_a_source() -> None:
    for name in (*NUMERIC_FIELDS, "thermal_class"):
        if name == "storeys":
            continue
        assert name in SOURCES, name


def test_all_archetypes_build_and_cool() -> None:
    keys = list(ARCHETYPES)
    storeys = np.array([ARCHETYPES[k].storeys for k in keys], dtype=float)
    params = archetype_parameters(keys, 600.0 * storeys, storeys)
    result = simulate_cooldown(params, -10.0, step_h=0.25, hours=48.0)
    temps = result.air_temp_c
    assert np.all(temps[:, 0] == pytest.approx(20.0))
    assert np.all(temps[:, -1] < temps[:, 0])
    assert np.all(temps[:, -1] > -10.0)
    hours = hours_to_threshold(result, (12.0,))[12.0]
    modern = keys.index("modern_insulated")
    assert hours[modern] == np.nanmax(hours)  # the insulated block holds heat longest


def test_demo_city_archetypes_are_known() -> None:
    params = buildings_params(demo_city().buildings)
    assert len(params) == len(demo_city().buildings)


def test_unknown_archetype() -> None:
    with pytest.raises(UnknownIdError, match="castle"):
        archetype_parameters(["castle"], np.array([100.0]), np.array([1]))
    with pytest.raises(InputError, match="floor_area_m2"):
        archetype_parameters(["panel_9"], np.array([-100.0]), np.array([9]))


def test_building_table_errors_name_the_building() -> None:
    table = pd.DataFrame(
        {
            "id": ["b.1", "b.2"],
            "archetype": ["panel_9", "panel_5"],
            "floor_area_m2": [1000.0, 0.0],
            "storeys": [9, 5],
            "population": [30, 20],
        }
    )
    with pytest.raises(InputError, match=r"id b\.2, floor_area_m2"):
        buildings_params(table)


@given(u_wall=st.floats(0.1, 0.9), seed=st.integers(0, 100))
def test_better_walls_cool_slower(u_wall: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    area = rng.uniform(2000, 20000)
    keys = ["panel_9", "panel_9"]
    overrides = {"u_wall_w_per_m2k": np.array([np.nan, u_wall])}
    params = archetype_parameters(keys, np.full(2, area), np.full(2, 9), overrides=overrides)
    assert params.h_tr_op_w_per_k[1] < params.h_tr_op_w_per_k[0]
    result = simulate_cooldown(params, -15.0, step_h=0.5, hours=48.0)
    assert np.all(result.air_temp_c[1, 1:] >= result.air_temp_c[0, 1:] - 1e-4)


def test_population_drives_internal_gains() -> None:
    params = archetype_parameters(
        ["panel_9"] * 2, np.full(2, 5000.0), np.full(2, 9), population=np.array([0, 200])
    )
    assert params.internal_gains_w.tolist() == [0.0, 200 * 70.0]
