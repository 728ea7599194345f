"""Cascades across networks, areas, explanations and restoration groups."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from random_cities import random_city, random_damage

from warmgrid.errors import InputError, UnknownIdError
from warmgrid.impact import Circle, Damage, Polygon, assess, assess_mask
from warmgrid.model import compile_city
from warmgrid.model.builder import CityBuilder
from warmgrid.model.demo import at, demo_city

CHP_TRANSFORMERS = ["power.trafo.0", "power.trafo.1", "power.trafo.2", "power.trafo.3"]


def two_plant_city():
    """Power grid feeding a CHP own-needs bus and a boiler; both heat a shared network
    split by a valve, with one building on each side and one only the CHP reaches."""
    city = CityBuilder("two plants")
    grid = city.node("power", 30.0, 50.0)
    own_needs = city.node("power", 30.01, 50.0)
    district = city.node("power", 30.02, 50.0)
    city.source("power", "ext_grid", grid, 100.0)
    city.branch("power", "trafo", grid, own_needs)
    city.branch("power", "line", grid, district)
    chp_header, boiler_header, far_end = (
        city.node("heat", 30.0 + k / 100, 50.01) for k in range(3)
    )
    chp = city.source("heat", "heat_plant", chp_header, 200.0)
    boiler = city.source("heat", "boiler", boiler_header, 20.0)
    city.depends(chp, "power", own_needs)
    city.depends(boiler, "power", district)
    city.branch("heat", "pipe", chp_header, boiler_header)
    city.branch("heat", "pipe", chp_header, far_end)
    for node in (chp_header, boiler_header, far_end):
        city.building(lon=30.0, lat=50.0, population=100, power_node=district, heat_node=node)
    return city.build()


def test_heat_plant_losing_own_needs_power_takes_heat_away():
    compiled = compile_city(demo_city())
    result = assess(compiled, Damage(asset_ids=CHP_TRANSFORMERS))
    chp_heated = compiled.building_heat_node >= 0
    assert result.people_without_power == 0
    assert result.people_without_heat > 0
    # every building on the CHP network is cold, the boiler network keeps heat
    boiler_district = (
        demo_city()
        .buildings["name"]
        .str.startswith(("Tsentr", "Richkovyi", "School No. 3", "Care Home No. 2"))
    )
    assert not result.building_without_heat[boiler_district.to_numpy()].any()
    assert result.building_without_heat[chp_heated & ~boiler_district.to_numpy()].all()


def test_second_heat_source_keeps_the_buildings_it_reaches():
    compiled = compile_city(two_plant_city())
    result = assess(compiled, Damage(asset_ids=["power.trafo.0"]))
    assert result.building_without_heat.tolist() == [False, False, False]  # boiler reaches all
    cut = assess(compiled, Damage(asset_ids=["power.trafo.0", "heat.pipe.0"]))
    assert cut.building_without_heat.tolist() == [True, False, True]
    both = assess(compiled, Damage(asset_ids=["power.line.0"]))
    assert both.building_without_power.all()
    assert both.building_without_heat.tolist() == [False, False, False]  # CHP still runs


def test_circle_and_polygon_areas_hit_nodes_and_crossing_branches():
    compiled = compile_city(two_plant_city())
    circle = assess(compiled, Damage(areas=[Circle(30.005, 50.0, 100.0)]))
    assert set(circle.damaged_asset_ids) == {"power.trafo.0", "power.line.0"}
    square = Polygon(((30.009, 49.999), (30.011, 49.999), (30.011, 50.001), (30.009, 50.001)))
    hit = assess(compiled, Damage(areas=[square]))
    assert set(hit.damaged_asset_ids) == {"power.bus.1", "power.trafo.0", "power.line.0"}


def test_bad_areas_and_ids_are_named():
    compiled = compile_city(two_plant_city())
    with pytest.raises(UnknownIdError, match=r"power\.trafo\.99"):
        assess(compiled, Damage(asset_ids=["power.trafo.99"]))
    bowtie = Polygon(((0, 0), (1, 1), (1, 0), (0, 1)))
    with pytest.raises(InputError, match="not a valid polygon"):
        assess(compiled, Damage(areas=[bowtie]))
    with pytest.raises(InputError, match="radius"):
        Circle(30.0, 50.0, -5.0)


def test_demo_explanation_names_the_chain_across_networks():
    result = assess(compile_city(demo_city()), Damage(asset_ids=CHP_TRANSFORMERS))
    chain = result.explain("building.0")["heat"]
    flat = []

    def walk(steps):
        for step in steps:
            flat.append((step.asset, step.reason))
            walk(step.children)

    walk(chain)
    assert ("heat.pump.0", "out of service: needs power at power.bus.4") in flat
    assert {a for a, r in flat if r == "damaged"} == set(CHP_TRANSFORMERS)


@settings(max_examples=30)
@given(seed=st.integers(0, 2**31 - 1), hits=st.integers(1, 5))
def test_restoration_needs_are_sufficient_and_minimal(seed: int, hits: int):
    compiled = compile_city(random_city(seed))
    damaged = random_damage(compiled.n_assets, seed, hits)
    result = assess_mask(compiled, damaged)
    for group in result.restoration_groups():
        nodes = (
            compiled.building_power_node
            if group.service == "power"
            else compiled.building_heat_node
        )[group.building_index]
        needs = compiled.asset_index(group.needs)
        assert damaged[needs].all()
        repaired = damaged.copy()
        repaired[needs] = False
        assert assess_mask(compiled, repaired).state.node_supplied[nodes].all()
        for asset in needs:
            partial = repaired.copy()
            partial[asset] = True
            assert not assess_mask(compiled, partial).state.node_supplied[nodes].all()


def test_area_positions_of_demo_scenario_hit_what_the_scenario_says():
    lon, lat = at(610, -1570)
    result = assess(compile_city(demo_city()), Damage(areas=[Circle(lon, lat, 30.0)]))
    assert result.damaged_asset_ids == ["power.line.53"]


def _haversine_m(lon1, lat1, lon2, lat2):
    """Great-circle distance (haversine) in metres, an independent check of the projection."""
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * np.arcsin(np.sqrt(a))


@settings(max_examples=40)
@given(
    seed=st.integers(0, 10_000),
    lon=st.floats(0.0, 0.05),
    lat=st.floats(0.0, 0.05),
    radius_m=st.floats(50.0, 3000.0),
)
def test_circle_hits_the_nodes_within_the_radius(seed, lon, lat, radius_m):
    compiled = compile_city(random_city(seed))
    hit = assess(compiled, Damage(areas=[Circle(lon, lat, radius_m)])).damaged[: compiled.n_nodes]
    distance = _haversine_m(lon, lat, compiled.node_lon, compiled.node_lat)
    clear = np.abs(distance - radius_m) > 0.002 * radius_m  # leave the rim to rounding
    assert np.array_equal(hit[clear], (distance <= radius_m)[clear])


@settings(max_examples=40)
@given(
    seed=st.integers(0, 10_000),
    corners=st.lists(
        st.tuples(st.floats(-0.01, 0.06), st.floats(-0.01, 0.06)), min_size=3, max_size=3
    ),
)
def test_polygon_hits_equal_shapely_element_by_element(seed, corners):
    from shapely.geometry import LineString, Point
    from shapely.geometry import Polygon as ShapelyPolygon

    shape = ShapelyPolygon(corners)
    if not shape.is_valid or shape.area < 1e-8:
        return
    compiled = compile_city(random_city(seed))
    damaged = assess(compiled, Damage(areas=[Polygon(tuple(corners))])).damaged
    n = compiled.n_nodes
    for node in range(n):
        point = Point(compiled.node_lon[node], compiled.node_lat[node])
        assert damaged[node] == shape.intersects(point)
    expected_branch = np.zeros(compiled.n_branches, bool)
    for u, v, branch in zip(compiled.edge_u, compiled.edge_v, compiled.edge_branch, strict=True):
        segment = LineString(
            [
                (compiled.node_lon[u], compiled.node_lat[u]),
                (compiled.node_lon[v], compiled.node_lat[v]),
            ]
        )
        expected_branch[branch] |= shape.intersects(segment)
    assert np.array_equal(damaged[n : n + compiled.n_branches], expected_branch)


@settings(max_examples=30)
@given(seed=st.integers(0, 2**31 - 1), hits=st.integers(1, 6))
def test_people_without_power_or_heat_counts_each_person_once(seed: int, hits: int):
    compiled = compile_city(random_city(seed))
    damaged = random_damage(compiled.n_assets, seed, hits)
    summary = assess_mask(compiled, damaged).summary()
    lacking = set(summary["buildings_without_power"]) | set(summary["buildings_without_heat"])
    people = dict(zip(compiled.city.buildings["id"], compiled.building_population, strict=True))
    assert summary["people_without_power_or_heat"] == sum(people[b] for b in lacking)
    assert summary["people_without_power_or_heat"] <= sum(people.values())
