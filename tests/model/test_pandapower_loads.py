"""Loads → buildings (population estimate, use, position) and bad pandapower nets."""

from __future__ import annotations

import copy
import json

import numpy as np
import pandas as pd
import pytest
from grid_oracles import simbench_net

from warmgrid.errors import InputError
from warmgrid.model.io.pandapower_io import city_from_pandapower
from warmgrid.model.io.population import (
    DEFAULT_POWER_FULL_LOAD_HOURS,
    ELECTRICITY_PER_HOUSEHOLD_KWH,
    HOUSEHOLD_SHARE_OF_ELECTRICITY,
    PERSONS_PER_HOUSEHOLD,
    people_from_energy,
)
from warmgrid.model.io.positions import nearest, points_lonlat

LV = "1-LV-rural1--0-sw"


def test_household_load_population_by_hand() -> None:
    """LV1.101 Load 2: 3 kW on the H0-C profile, whose 15-minute series sums to 1,031
    full-load hours over the 366 days of 2016 (1,028.5 h per 8,760 h year) → 3,085 kWh/a
    → 1.004 households × 2.00 persons → 2 people."""
    net = simbench_net(LV)
    city = city_from_pandapower(net, name=LV)
    series = net.profiles["load"]["H0-C_pload"]
    hours = series.sum() * 8760.0 / len(series)
    assert 1020 < hours < 1040
    building = city.buildings.set_index("id").loc["power.load.1"]
    assert building["use"] == "residential"
    expected = round(0.003 * 1000 * hours / ELECTRICITY_PER_HOUSEHOLD_KWH * PERSONS_PER_HOUSEHOLD)
    assert building["population"] == expected == 2
    assert building["power_node"] == f"power.bus.{net.load.at[1, 'bus']}"
    bus_geo = json.loads(net.bus.at[net.load.at[1, "bus"], "geo"])
    assert [building["lon"], building["lat"]] == bus_geo["coordinates"]


def test_agricultural_and_commercial_loads_house_nobody() -> None:
    net = simbench_net(LV)
    city = city_from_pandapower(net, name=LV)
    uses = dict(zip(city.buildings["id"], city.buildings["use"], strict=True))
    for index, profile in net.load["profile"].items():
        use = uses[f"power.load.{index}"]
        assert use == ("residential" if profile.startswith("H0") else "other"), profile
    other = city.buildings[city.buildings["use"] == "other"]
    assert (other["population"] == 0).all()
    assert len(other) == 10


def test_loads_without_profiles_use_the_default_full_load_hours() -> None:
    net = copy.deepcopy(simbench_net(LV))
    net.profiles = {}
    net.load["profile"] = None
    city = city_from_pandapower(net, name="plain")
    kwh = net.load["p_mw"].to_numpy() * 1000 * DEFAULT_POWER_FULL_LOAD_HOURS
    expected = people_from_energy(kwh, np.ones(len(kwh), bool), ELECTRICITY_PER_HOUSEHOLD_KWH)
    assert city.buildings["population"].tolist() == expected.tolist()
    assert (city.buildings["use"] == "residential").all()


def test_people_from_energy_rules() -> None:
    people = people_from_energy(
        np.array([0.0, 10.0, 3_074.0, 30_740.0, np.nan, 30_740.0]),
        np.array([True, True, True, True, True, False]),
        3_074.0,
    )
    assert people.tolist() == [0, 1, 2, 20, 0, 0]


def test_positions_outside_wgs84_are_unknown() -> None:
    lon, lat = points_lonlat(
        [
            '{"type":"Point", "coordinates":[11.4, 53.6]}',
            {"type": "Point", "coordinates": [3416947.6, 5369956.6]},  # Gauss-Krüger metres
            None,
            "not json",
            {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
        ]
    )
    assert lon[0] == 11.4 and lat[0] == 53.6
    assert np.isnan(lon[1:]).all() and np.isnan(lat[1:]).all()


def test_nearest_uses_great_circle_distance() -> None:
    index, distance = nearest(
        np.array([0.0, np.nan]), np.array([60.0, 0.0]), np.array([1.0, 0.0]), np.array([60.0, 61.0])
    )
    # at 60° N one degree of longitude (55.6 km) is nearer than one of latitude (111.2 km)
    assert index.tolist() == [0, -1]
    assert distance[0] == pytest.approx(55_597, rel=1e-3)


def test_missing_positions_leave_loads_unplaced_and_counted() -> None:
    net = copy.deepcopy(simbench_net(LV))
    net.bus.loc[net.load.at[0, "bus"], "geo"] = None
    city = city_from_pandapower(net, name="lv")
    assert "power.load.0" not in set(city.buildings["id"])
    assert city.meta["loads_without_position"] == int(
        (net.load["bus"] == net.load.at[0, "bus"]).sum()
    )
    assert np.isnan(city.nodes.set_index("id").at[f"power.bus.{net.load.at[0, 'bus']}", "lon"])


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        ("line", "to_bus", 999, "pandapower net: line 0: to_bus 999 names no bus"),
        ("switch", "element", 999, r"pandapower net: switch 0: element 999 names no line"),
        ("switch", "et", "x", r"pandapower net: switch 0: et 'x' is not one of b, l, t, t3"),
        ("load", "bus", 999, r"pandapower net: load 0: bus 999 names no bus"),
    ],
)
def test_dangling_references_in_a_net_are_named(
    table: str, column: str, value: object, message: str
) -> None:
    net = copy.deepcopy(simbench_net(LV))
    frame = net[table].copy()
    frame[column] = frame[column].astype(object)
    frame.iloc[0, frame.columns.get_loc(column)] = value
    net[table] = frame
    with pytest.raises(InputError, match=message):
        city_from_pandapower(net, name="lv")


def test_not_a_net_is_named() -> None:
    with pytest.raises(InputError, match="thing: is not a pandapower net"):
        city_from_pandapower(pd.DataFrame(), name="thing")


def test_area_equivalents_count_only_the_household_share() -> None:
    """An ``mv_`` grid equivalent with the same energy as a household-profile load houses
    a quarter of the people."""
    net = copy.deepcopy(simbench_net(LV))
    series = net.profiles["load"]
    net.profiles["load"] = series.assign(mv_demo_pload=series["H0-C_pload"])
    net.load.loc[[0, 1], "p_mw"] = 0.3
    net.load.loc[[0, 1], "profile"] = ["mv_demo", "H0-C"]
    people = city_from_pandapower(net, name="lv").buildings.set_index("id")["population"]
    hours = series["H0-C_pload"].sum() * 8760.0 / len(series)
    households = 300 * hours / ELECTRICITY_PER_HOUSEHOLD_KWH
    assert people["power.load.1"] == round(households * PERSONS_PER_HOUSEHOLD)
    assert people["power.load.0"] == round(households * HOUSEHOLD_SHARE_OF_ELECTRICITY * 2.0)


@pytest.mark.slow
def test_complete_grid_population_matches_per_capita_electricity() -> None:
    """An independent count: the grid's loads use E kWh a year; Germany used 519 billion
    kWh in 2022 (BDEW) for 84.4 million inhabitants (Destatis, 31 Dec 2022), 6,150 kWh per
    inhabitant in all sectors together, so the loads serve about E / 6,150 people. The
    estimate through households (a quarter of the area equivalents' energy, 3,074 kWh
    per household, 2.00 persons) must agree within a quarter. The complete grid's extra-
    high-voltage loads stand for whole regions (about 300 TWh, 59 % of Germany's use), so
    about 50 million people is the right order, not an error. The grid is SimBench's
    complete grid, EHV to LV in one net (not the complete data set
    ``1-complete_data-mixed-all-0-sw``, which adds stand-ins for neighbouring grids)."""
    code = "1-EHVHVMVLV-mixed-all-0-sw"
    net = simbench_net(code)
    city = city_from_pandapower(net, name=code)
    series = net.profiles["load"]
    hours = {
        column.removesuffix("_pload"): series[column].sum() * 8760.0 / len(series)
        for column in series.columns
        if column.endswith("_pload")
    }
    load_hours = net.load["profile"].map(hours).fillna(DEFAULT_POWER_FULL_LOAD_HOURS)
    annual_kwh = float((net.load["p_mw"] * net.load["scaling"] * 1000.0 * load_hours).sum())
    by_per_capita_use = annual_kwh / (519e9 / 84.4e6)
    people = int(city.buildings["population"].sum())
    assert 0.75 < people / by_per_capita_use < 1.25
    assert 280e9 < annual_kwh < 330e9
    assert people == 49_707_774  # the figure docs/city.md quotes
