"""Backup generators keep a building's power until its fuel runs out; electrically
heated buildings have heat only while they have power."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warmgrid.impact import assess
from warmgrid.impact.damage import Damage
from warmgrid.model import City, compile_city
from warmgrid.model.builder import CityBuilder
from warmgrid.restore.backup import refuel_deadlines
from warmgrid.restore.from_city import plan_from_impact
from warmgrid.restore.problem import Crew
from warmgrid.scenario.run import outage_at

FUEL_H = 5.0


def _city(fuel_h: float = FUEL_H) -> City:
    """A feeder cable (damaged in the tests) to four buildings: a care home on a backup
    generator that heats electrically, an electrically heated home on no heat network,
    one on a lit heat network, and a plain home; a heat plant that needs no power."""
    city = CityBuilder("backup")
    grid = city.node("power", 30.0, 50.0)
    city.source("power", "ext_grid", grid, 10.0)
    street = city.node("power", 30.001, 50.0)
    city.branch("power", "line", grid, street, name="cable")
    plant = city.node("heat", 30.0, 50.001)
    city.source("heat", "boiler", plant, 5.0)
    sub = city.node("heat", 30.001, 50.001)
    city.branch("heat", "pipe", plant, sub)
    common = {"lon": 30.001, "lat": 50.0, "power_node": street, "population": 10}
    city.building(
        name="care home",
        use="care_home",
        backup_fuel_h=fuel_h,
        electric_heating=True,
        **common,
    )
    city.building(name="electric, no network", electric_heating=True, **common)
    city.building(name="electric, on network", electric_heating=True, heat_node=sub, **common)
    city.building(name="plain", heat_node=sub, **common)
    return city.build(timezone="Europe/Kyiv")


def _etr(city: City, power_h: float) -> pd.DataFrame:
    ids = city.buildings["id"]
    return pd.DataFrame({"id": ids, "power_etr_h": power_h, "heat_etr_h": np.nan})


def test_state_at_the_start() -> None:
    result = assess(compile_city(_city()), Damage(asset_ids=["power.line.0"]))
    assert result.building_off_grid.tolist() == [True, True, True, True]
    assert result.building_on_backup.tolist() == [True, False, False, False]
    assert result.building_without_power.tolist() == [False, True, True, True]
    assert result.building_without_heat.tolist() == [False, True, True, False]
    assert result.summary()["buildings_on_backup"] == ["building.0"]
    assert result.explain("building.1")["heat"] == result.explain("building.1")["power"]


@pytest.mark.parametrize(
    ("elapsed_h", "care_home_out"),
    [(0.0, False), (FUEL_H - 1e-9, False), (FUEL_H, True), (7.99, True), (8.0, False)],
)
def test_backup_runs_out_at_exactly_its_fuel_hours(elapsed_h: float, care_home_out: bool) -> None:
    city = _city()
    result = assess(compile_city(city), Damage(asset_ids=["power.line.0"]))
    state = outage_at(city, result, _etr(city, 8.0), elapsed_h)
    assert bool(state.without_power[0]) is care_home_out
    assert bool(state.without_heat[0]) is care_home_out  # its electric heat with it
    others_out = elapsed_h < 8.0
    assert state.without_power[1:].tolist() == [others_out] * 3
    assert state.without_heat[1:].tolist() == [others_out, others_out, False]
    on_backup = np.isfinite(state.backup_h)
    assert on_backup.tolist() == [elapsed_h < FUEL_H, False, False, False]
    if on_backup[0]:
        assert state.backup_h[0] == pytest.approx(FUEL_H - elapsed_h)


@settings(max_examples=80, deadline=None)
@given(
    fuel_h=st.sampled_from([0.0, 1.0, 2.5, 6.0, 30.0]),
    etr_h=st.floats(0.0, 40.0),
    elapsed_h=st.floats(0.0, 48.0),
)
def test_electric_heat_follows_power(fuel_h: float, etr_h: float, elapsed_h: float) -> None:
    city = _city(fuel_h)
    result = assess(compile_city(city), Damage(asset_ids=["power.line.0"]))
    state = outage_at(city, result, _etr(city, etr_h), elapsed_h)
    electric = city.buildings["electric_heating"].to_numpy(bool)
    assert np.array_equal(state.without_heat[electric], state.without_power[electric])
    assert not state.without_heat[~electric].any()  # its heat network is lit


def test_plan_gives_electric_heat_the_power_etr_and_a_refuel_deadline() -> None:
    city = _city()
    result = assess(compile_city(city), Damage(asset_ids=["power.line.0"]))
    crew = Crew("c", 30.0005, 50.0)
    _, etr = plan_from_impact(city, result, [crew], repair_h={"line": 8.0})
    frame = etr.set_index("id")
    assert frame.loc["building.0", "power_etr_h"] == pytest.approx(8.0)
    electric = ["building.0", "building.1", "building.2"]
    assert frame.loc[electric, "heat_etr_h"].tolist() == pytest.approx([8.0] * 3)
    assert np.isnan(frame.loc["building.3", "heat_etr_h"])
    start = pd.Timestamp("2026-11-26T04:40:00+02:00").to_pydatetime()
    (entry,) = refuel_deadlines(result, etr, start, "Europe/Kyiv")
    assert entry["refuel_needed"] is True  # 8 h to repair, 5 h of fuel
    assert entry["fuel_out"] == "2026-11-26T09:40+02:00"
