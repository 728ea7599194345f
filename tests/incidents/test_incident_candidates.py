"""Candidate damage: assets within a radius, checked against a brute-force haversine."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from warmgrid.errors import InputError
from warmgrid.geo import EARTH_RADIUS_M
from warmgrid.incidents.candidates import candidate_assets, city_asset_ids
from warmgrid.model.demo import demo_city


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (the independent oracle)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def city():
    return demo_city()


@given(
    east_m=st.floats(-3000, 3000),
    north_m=st.floats(-3000, 3000),
    radius_m=st.floats(10, 1500),
)
def test_nodes_within_radius_match_haversine(city, east_m, north_m, radius_m) -> None:
    lat = 50.45 + north_m / 111_195.0
    lon = 30.50 + east_m / (111_195.0 * math.cos(math.radians(50.45)))
    found = candidate_assets(city, {"type": "Point", "coordinates": [lon, lat]}, radius_m)
    nodes = {c.asset_id: c.distance_m for c in found if c.element == "node"}
    for row in city.nodes.itertuples():
        truth = haversine_m(lon, lat, row.lon, row.lat)
        if abs(truth - radius_m) < 1.0:  # within a metre of the edge: either answer
            continue
        assert (row.id in nodes) == (truth <= radius_m), (row.id, truth)
        if row.id in nodes:
            assert nodes[row.id] == pytest.approx(truth, rel=1e-3, abs=0.5)


def test_sources_and_branches_follow_their_nodes(city) -> None:
    chp = city.nodes.set_index("id").loc["power.bus.2"]
    found = candidate_assets(city, {"type": "Point", "coordinates": [chp.lon, chp.lat]}, 1.0)
    ids = {c.asset_id for c in found}
    touching = city.branches[
        (city.branches.from_node == "power.bus.2") | (city.branches.to_node == "power.bus.2")
    ]
    assert set(touching.id) <= ids
    assert all(c.distance_m <= 1.0 for c in found)
    assert [c.distance_m for c in found] == sorted(c.distance_m for c in found)


def test_a_line_counts_by_its_nearest_point_not_its_ends() -> None:
    nodes = pd.DataFrame(
        {
            "id": ["a", "b"],
            "network": ["power", "power"],
            "kind": ["bus", "bus"],
            "lon": [30.0, 30.1],
            "lat": [50.0, 50.0],
        }
    )
    branches = pd.DataFrame(
        {
            "id": ["line"],
            "network": ["power"],
            "kind": ["line"],
            "from_node": ["a"],
            "to_node": ["b"],
            "third_node": [""],
        }
    )
    sources = pd.DataFrame(columns=["id", "network", "kind", "node"])
    toy = type("Toy", (), {"nodes": nodes, "branches": branches, "sources": sources})()
    middle_north = [30.05, 50.0 + 200 / 111_195.0]  # 200 m north of the line's middle
    found = candidate_assets(toy, {"type": "Point", "coordinates": middle_north}, 250)
    assert [c.asset_id for c in found] == ["line"]
    assert found[0].distance_m == pytest.approx(200, abs=1)


def test_polygon_location_counts_inside_as_zero(city) -> None:
    square = [[30.46, 50.44], [30.48, 50.44], [30.48, 50.46], [30.46, 50.46], [30.46, 50.44]]
    found = candidate_assets(city, {"type": "Polygon", "coordinates": [square]}, 0.0)
    inside = city.nodes[city.nodes.lon.between(30.46, 30.48) & city.nodes.lat.between(50.44, 50.46)]
    assert set(inside.id) <= {c.asset_id for c in found}
    assert np.all([c.distance_m == 0 for c in found])


def test_radius_out_of_range_is_refused(city) -> None:
    with pytest.raises(InputError, match="radius_m"):
        candidate_assets(city, {"type": "Point", "coordinates": [30.5, 50.45]}, -1)


def test_asset_ids_cover_every_table(city) -> None:
    ids = city_asset_ids(city)
    assert len(ids) == len(city.nodes) + len(city.branches) + len(city.sources)
    assert {"power.trafo.0", "heat.heat_plant.0", "power.bus.0"} <= ids
