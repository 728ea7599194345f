"""The synthetic city generator: determinism, validity, structure and cascades."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from warmgrid.errors import InputError
from warmgrid.impact import Damage, assess
from warmgrid.model import City, compile_city, load_city, save_city
from warmgrid.model.synth import synthetic_city

TABLE_NAMES = ("nodes", "branches", "sources", "buildings", "dependencies")
ARCHETYPES = {
    "panel_5",
    "panel_9",
    "panel_16",
    "brick_prewar",
    "modern_insulated",
    "hospital",
    "school",
    "care_home",
}


@cache
def city_of(n: int, seed: int = 0) -> City:
    return synthetic_city(n, seed=seed)


def test_same_seed_same_city_other_seed_other_city() -> None:
    first, again, other = synthetic_city(700, seed=7), synthetic_city(700, seed=7), city_of(700, 8)
    for table in TABLE_NAMES:
        pd.testing.assert_frame_equal(first.table(table), again.table(table))
    assert not first.buildings.equals(other.buildings)


@settings(max_examples=25)
@given(n=st.integers(1, 2_500), seed=st.integers(0, 2**32 - 1))
def test_exact_number_of_buildings_and_unique_ids(n: int, seed: int) -> None:
    city = synthetic_city(n, seed=seed)
    assert len(city.buildings) == n
    assert city.buildings["id"].is_unique
    assert city.asset_ids().is_unique


def test_tables_validate_again_and_survive_the_native_format(tmp_path) -> None:
    city = city_of(1_500)
    again = City.from_tables(city.name, **{t: city.table(t) for t in TABLE_NAMES})
    loaded = load_city(save_city(city, tmp_path / "synth"))
    for table in TABLE_NAMES:
        pd.testing.assert_frame_equal(again.table(table), city.table(table))
        pd.testing.assert_frame_equal(loaded.table(table), city.table(table))


@pytest.mark.parametrize(("n", "seed"), [(1, 0), (45, 3), (3_000, 1), (12_000, 0)])
def test_undamaged_city_is_fully_supplied(n: int, seed: int) -> None:
    result = assess(compile_city(city_of(n, seed)), Damage())
    assert result.state.node_supplied.all()
    assert result.state.source_active.all()
    assert not result.building_without_power.any()
    assert not result.building_without_heat.any()


def test_uses_archetypes_and_heating_at_scale() -> None:
    buildings = city_of(20_000).buildings
    share = buildings["use"].value_counts(normalize=True)
    assert set(share.index) == {"residential", "other", "school", "care_home", "hospital"}
    assert share["residential"] > 0.8
    assert 0.005 < share["school"] < 0.02
    assert 0.0005 < share["hospital"] < 0.004
    assert set(buildings["archetype"]) == ARCHETYPES
    residential = buildings[buildings["use"] == "residential"]
    on_heat = residential.loc[residential["heat_node"] != "", "population"].sum()
    assert 0.6 < on_heat / residential["population"].sum() < 0.98  # most on district heat
    assert (buildings["power_node"] != "").all()
    assert (buildings["population"] > 0).all()
    assert (buildings["floor_area_m2"] > 0).all()
    assert buildings.loc[buildings["archetype"] == "panel_16", "storeys"].eq(16).all()
    centre_lon, centre_lat = city_of(20_000).meta["centre_lon"], city_of(20_000).meta["centre_lat"]
    assert abs(buildings["lon"].mean() - centre_lon) < 0.05
    assert abs(buildings["lat"].mean() - centre_lat) < 0.05


def test_networks_have_the_expected_elements_and_dependencies() -> None:
    city = city_of(12_000)
    branches, sources, deps = city.branches, city.sources, city.dependencies
    kinds = set(zip(branches["network"], branches["kind"], strict=True))
    assert {("power", k) for k in ("line", "trafo", "trafo3w", "switch")} <= kinds
    assert {("heat", k) for k in ("pipe", "valve", "pump")} <= kinds
    assert set(sources["kind"]) == {"ext_grid", "heat_plant", "boiler"}
    assert ((branches["kind"] == "switch") & ~branches["closed"]).any()  # open ties
    assert ((branches["kind"] == "switch") & (branches["guards"] != "")).any()  # breakers
    assert ((branches["kind"] == "valve") & ~branches["closed"]).any()  # interconnections
    heat_sources = sources.loc[sources["network"] == "heat", "id"]
    pumps = branches.loc[branches["kind"] == "pump", "id"]
    assert set(heat_sources) | set(pumps) == set(deps["asset"])
    assert (deps["service"] == "power").all()
    voltage = city.nodes.set_index("id")["voltage_kv"]
    plant_needs = deps[deps["asset"].isin(sources.loc[sources["kind"] == "heat_plant", "id"])]
    assert (voltage[plant_needs["node"]] == 6.0).all()  # CHP own-needs bus
    boiler_needs = deps[deps["asset"].isin(sources.loc[sources["kind"] == "boiler", "id"])]
    assert (voltage[boiler_needs["node"]] == 0.4).all()  # a nearby 0.4 kV bus


def test_bad_size_is_refused() -> None:
    for bad in (0, -5, 2.5, "10", True):
        with pytest.raises(InputError, match="n_buildings"):
            synthetic_city(bad)


def _heat_components(city: City) -> tuple[pd.Index, np.ndarray]:
    """Components of the undamaged heat network over closed, uncut branches (from the tables)."""
    nodes = city.nodes
    index = pd.Index(nodes["id"])
    b = city.branches
    open_guards = b[(b["guards"] != "") & ~b["closed"]]["guards"]
    carries = (b["network"] == "heat") & b["closed"] & (b["to_node"] != "")
    carries &= ~b["id"].isin(open_guards)
    u = index.get_indexer(b.loc[carries, "from_node"])
    v = index.get_indexer(b.loc[carries, "to_node"])
    graph = coo_matrix((np.ones(u.size), (u, v)), shape=(len(nodes), len(nodes)))
    return index, connected_components(graph, directed=False)[1]


def test_chp_losing_own_needs_takes_heat_but_a_second_source_keeps_it() -> None:
    city = city_of(12_000)
    compiled = compile_city(city)
    index, label = _heat_components(city)
    sources, deps, b = city.sources, city.dependencies, city.branches
    heat_comp = label[index.get_indexer(city.buildings["heat_node"].replace("", None))]
    heated = (city.buildings["heat_node"] != "").to_numpy()
    source_comp = label[index.get_indexer(sources["node"])]
    outcomes = set()
    for plant in sources.loc[sources["kind"] == "heat_plant"].itertuples():
        own = deps.loc[deps["asset"] == plant.id, "node"].iloc[0]
        feeds = b.loc[(b["from_node"] == own) | (b["to_node"] == own), "id"].tolist()
        assert len(feeds) == 2  # own-needs and reserve own-needs transformer
        result = assess(compiled, Damage(asset_ids=feeds))
        plant_row = int(np.flatnonzero(sources["id"] == plant.id)[0])
        assert not result.state.source_active[plant_row]
        comp = label[index.get_loc(plant.node)]
        mine = heated & (heat_comp == comp)
        second_source = (source_comp == comp).sum() > 1
        assert mine.any()
        if second_source:  # the peak boiler house keeps the whole network warm
            assert not result.building_without_heat[mine].any()
        else:
            assert result.building_without_heat[mine].all()
        assert not result.building_without_heat[~mine].any()
        assert not result.building_without_power.any()
        outcomes.add(second_source)
    assert outcomes == {True, False}


def test_centre_is_configurable() -> None:
    city = synthetic_city(3_000, seed=2, centre_lon=-0.12, centre_lat=51.5)
    assert abs(city.buildings["lon"].mean() + 0.12) < 0.02
    assert abs(city.buildings["lat"].mean() - 51.5) < 0.02
    assert city.meta["centre_lon"] == -0.12
    assert city.nodes["lon"].between(-0.3, 0.1).all()


def test_densities_are_those_of_a_real_city() -> None:
    """Residents per 10/0.4 kV cell: a 630 kVA transformer at 1-2 kW of diversified peak
    per dwelling supplies a few hundred dwellings; urban districts in Europe hold 3,000 to
    20,000 residents per km² (Paris, the densest large city, about 20,000)."""
    from warmgrid.model.synth import CELL_PITCH_M

    city = city_of(20_000)
    buildings = city.buildings
    residential = buildings[buildings["use"] == "residential"]
    transformers = city.branches[city.branches["kind"] == "trafo"]
    cells = int(transformers["name"].str.startswith("10/0.4 kV").sum())
    dwellings_per_cell = residential["apartments"].sum() / cells
    residents_per_km2 = residential["population"].sum() / (cells * CELL_PITCH_M**2 / 1e6)
    assert 100 <= dwellings_per_cell <= 600
    assert 3_000 <= residents_per_km2 <= 20_000
    # Germany: 43.1 million dwellings in 19.4 million residential buildings (2.2 each);
    # a city's stock is denser, but not by an order of magnitude.
    assert 2.2 <= residential["apartments"].mean() <= 15
