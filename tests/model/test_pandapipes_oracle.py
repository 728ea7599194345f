"""The imported Schutterwald heat network agrees with pandapipes' topology; coupling.

Oracle: ``pandapipes.topology.unsupplied_junctions`` on a copy of the net with the
damaged junctions, pipes and heat consumers out of service and damaged valves closed,
with the circulation pump's flow junction as slack (see ``grid_oracles``).
"""

from __future__ import annotations

import copy
from functools import cache

import numpy as np
import pandas as pd
import pytest
from grid_oracles import (
    damaged_copy,
    our_unsupplied,
    pandapipes_unsupplied,
    pick_damage,
    schutterwald_net,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from warmgrid.errors import InputError
from warmgrid.impact import Damage, assess
from warmgrid.model import City, compile_city
from warmgrid.model.io.pandapipes_io import city_from_pandapipes, couple
from warmgrid.model.io.population import HEAT_PER_HOUSEHOLD_KWH, PERSONS_PER_HOUSEHOLD

DAMAGE = {"junction": 2, "pipe": 3, "valve": 1, "heat_consumer": 2}


@cache
def schutterwald_city() -> City:
    """The imported network, built once (its points are stored as [lat, lon])."""
    return city_from_pandapipes(schutterwald_net(), name="schutterwald", latlon=True)


def test_schutterwald_ids_positions_and_sources() -> None:
    net = schutterwald_net()
    city = schutterwald_city()
    ids = set(city.asset_ids())
    assert {f"heat.junction.{j}" for j in net.junction.index} <= ids
    assert {f"heat.pipe.{p}" for p in net.pipe.index} <= ids
    assert {f"heat.valve.{v}" for v in net.valve.index} <= ids
    assert list(city.sources["id"]) == ["heat.circ_pump_pressure.0"]
    assert city.sources["node"].iat[0] == f"heat.junction.{net.circ_pump_pressure.flow_junction[0]}"
    # Schutterwald (Baden) lies at about 7.88 E, 48.46 N; its points are stored [lat, lon]
    located = city.nodes.dropna(subset=["lon", "lat"])
    assert len(located) == net.junction["geo"].notna().sum()  # 6 junctions have no point
    assert located["lon"].between(7.8, 7.95).all()
    assert located["lat"].between(48.4, 48.5).all()
    assert len(city.buildings) == len(net.heat_consumer)


def test_heat_consumer_population_follows_the_documented_estimate() -> None:
    net = schutterwald_net()
    city = schutterwald_city()
    qext_kw = net.heat_consumer["qext_w"].to_numpy() / 1000.0
    households = qext_kw * 1500.0 / HEAT_PER_HOUSEHOLD_KWH
    expected = np.maximum(np.rint(households * PERSONS_PER_HOUSEHOLD), 1)
    assert city.buildings["population"].tolist() == expected.astype(int).tolist()
    # the annual consumption column of the data set is exactly qext_w × 1,500 h (in Wh)
    np.testing.assert_allclose(
        net.heat_consumer["annual_consumption"], net.heat_consumer["qext_w"] * 1500.0
    )


def test_undamaged_schutterwald_is_supplied_like_pandapipes_says() -> None:
    compiled = compile_city(schutterwald_city())
    assert our_unsupplied(compiled, "heat", "junction", [], set()) == pandapipes_unsupplied(
        schutterwald_net()
    )


def test_random_damage_matches_pandapipes() -> None:
    net = schutterwald_net()
    compiled = compile_city(schutterwald_city())
    rng = np.random.default_rng(3)
    nonempty = 0
    for _ in range(25):
        ids = pick_damage(net, "heat", rng, DAMAGE)
        with damaged_copy(net, "heat", ids) as damaged:
            expected = pandapipes_unsupplied(damaged)
        assert our_unsupplied(compiled, "heat", "junction", ids, set()) == expected, ids
        nonempty += bool(expected)
    assert nonempty >= 8


@settings(max_examples=30, deadline=None)
@given(
    out_junctions=st.sets(st.integers(0, 487), max_size=5),
    out_pipes=st.sets(st.integers(0, 481), max_size=5),
    closed_valves=st.sets(st.integers(0, 3), max_size=2),
    pump_down=st.booleans(),
    damage_seed=st.integers(0, 2**16),
)
def test_source_net_states_match_pandapipes(
    out_junctions: set[int],
    out_pipes: set[int],
    closed_valves: set[int],
    pump_down: bool,
    damage_seed: int,
) -> None:
    net = copy.deepcopy(schutterwald_net())
    junctions = net.junction.index.to_numpy()[list(out_junctions)]
    net.junction.loc[junctions, "in_service"] = False
    net.pipe.loc[net.pipe.index.to_numpy()[list(out_pipes)], "in_service"] = False
    net.valve.loc[net.valve.index.to_numpy()[list(closed_valves)], "opened"] = False
    net.circ_pump_pressure.loc[0, "in_service"] = not pump_down
    compiled = compile_city(city_from_pandapipes(net, name="s", latlon=True))
    skip = {int(j) for j in junctions}
    assert our_unsupplied(compiled, "heat", "junction", [], skip) == pandapipes_unsupplied(net)
    ids = pick_damage(net, "heat", np.random.default_rng(damage_seed), DAMAGE)
    with damaged_copy(net, "heat", ids) as damaged:
        expected = pandapipes_unsupplied(damaged)
    assert our_unsupplied(compiled, "heat", "junction", ids, skip) == expected


def test_valve_on_a_pipe_guards_that_pipe() -> None:
    net = copy.deepcopy(schutterwald_net())
    pipe = int(net.pipe.index[10])
    row = len(net.valve)
    net.valve.loc[row] = net.valve.iloc[0]
    net.valve.loc[row, ["junction", "element", "et", "opened"]] = [
        int(net.pipe.at[pipe, "from_junction"]),
        pipe,
        "pi",
        False,
    ]
    city = city_from_pandapipes(net, name="s", latlon=True)
    valve = city.branches.set_index("id").loc[f"heat.valve.{row}"]
    assert valve["guards"] == f"heat.pipe.{pipe}" and not valve["closed"]
    compiled = compile_city(city)
    assert our_unsupplied(compiled, "heat", "junction", [], set()) == pandapipes_unsupplied(net)


def _power_city_near(heat: City) -> City:
    """Two 0.4 kV buses at the west and east ends of the heat network, fed by one grid."""
    west = heat.nodes["lon"].idxmin()
    east = heat.nodes["lon"].idxmax()
    nodes = pd.DataFrame(
        {
            "id": ["power.bus.0", "power.bus.1", "power.bus.2"],
            "network": "power",
            "kind": "bus",
            "lon": [heat.nodes["lon"][west], heat.nodes["lon"][east], 7.80],
            "lat": [heat.nodes["lat"][west], heat.nodes["lat"][east], 48.40],
            "voltage_kv": [0.4, 0.4, 20.0],
        }
    )
    branches = pd.DataFrame(
        {
            "id": ["power.trafo.0", "power.trafo.1"],
            "network": "power",
            "kind": "trafo",
            "from_node": ["power.bus.2", "power.bus.2"],
            "to_node": ["power.bus.0", "power.bus.1"],
        }
    )
    sources = pd.DataFrame(
        {
            "id": ["power.ext_grid.0"],
            "network": "power",
            "kind": "ext_grid",
            "node": ["power.bus.2"],
        }
    )
    return City.from_tables("grid", nodes=nodes, branches=branches, sources=sources)


def test_coupled_circulation_pump_needs_power() -> None:
    heat = schutterwald_city()
    power = _power_city_near(heat)
    pump_node = heat.sources["node"].iat[0]
    pump_bus = "power.bus.0"
    city = couple(power, heat, [("heat.circ_pump_pressure.0", "power", pump_bus)])
    # every heat building hangs on the nearer of the two 0.4 kV buses, never on 20 kV
    assert set(city.buildings["power_node"]) <= {"power.bus.0", "power.bus.1"}
    assert city.meta["heat_buildings_without_power_node"] == 0
    compiled = compile_city(city)
    supplied = assess(compiled, Damage())
    assert supplied.people_without_heat == 0
    # losing the transformer that feeds the pump's bus takes heat from every consumer
    result = assess(compiled, Damage(asset_ids=["power.trafo.0"]))
    assert result.building_without_heat.all()
    assert pump_node in result.unsupplied()["heat"]
    # the other transformer does not matter to the heat network
    other = assess(compiled, Damage(asset_ids=["power.trafo.1"]))
    assert not other.building_without_heat.any()


def test_couple_leaves_far_buildings_unassigned() -> None:
    heat = schutterwald_city()
    power = _power_city_near(heat)
    moved = power.nodes.assign(lon=power.nodes["lon"] + 1.0)  # ~74 km east
    far = City.from_tables("far", nodes=moved, branches=power.branches, sources=power.sources)
    city = couple(far, heat)
    assert (city.buildings["power_node"] == "").all()
    assert city.meta["heat_buildings_without_power_node"] == len(heat.buildings)


def test_couple_rejects_dangling_dependency() -> None:
    heat = schutterwald_city()
    with pytest.raises(InputError, match="names no node"):
        couple(_power_city_near(heat), heat, [("heat.circ_pump_pressure.0", "power", "nope")])
