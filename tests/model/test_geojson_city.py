"""GeoJSON export and import of a whole city: round trip and broken input."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import orjson
import pandas as pd
import pytest
from grid_oracles import simbench_net
from hypothesis import given, settings
from hypothesis import strategies as st

from warmgrid.errors import InputError
from warmgrid.model import City
from warmgrid.model.demo import demo_city
from warmgrid.model.io.geojson_io import (
    city_from_geojson,
    city_to_geojson,
    read_geojson,
    write_geojson,
)
from warmgrid.model.io.geojson_typed import clean_tables
from warmgrid.model.io.pandapower_io import city_from_pandapower
from warmgrid.model.schema import TABLES

nan = float("nan")


def assert_same_city(a: City, b: City) -> None:
    assert a.name == b.name
    assert a.meta == b.meta
    for table in TABLES:
        pd.testing.assert_frame_equal(a.table(table), b.table(table))


def test_demo_city_round_trips_through_a_file(tmp_path: Path) -> None:
    city = demo_city()
    path = write_geojson(city, tmp_path / "demo.geojson")
    assert_same_city(city, read_geojson(path))


def test_features_carry_every_column_and_their_table() -> None:
    city = demo_city()
    document = json.loads(json.dumps(city_to_geojson(city)))
    assert document["type"] == "FeatureCollection"
    features = document["features"]
    assert len(features) == sum(len(city.table(t)) for t in TABLES)
    by_table: dict[str, list[dict]] = {}
    for feature in features:
        by_table.setdefault(feature["properties"]["table"], []).append(feature)
    for table, columns in TABLES.items():
        assert len(by_table.get(table, [])) == len(city.table(table))
        for feature in by_table.get(table, []):
            assert {c.name for c in columns} <= set(feature["properties"])
    kinds = {t: {f["geometry"]["type"] for f in by_table[t] if f["geometry"]} for t in by_table}
    assert kinds["nodes"] == {"Point"} and kinds["buildings"] == {"Point"}
    assert kinds["sources"] == {"Point"}
    assert "LineString" in kinds["branches"]
    assert all(f["geometry"] is None for f in by_table["dependencies"])
    node = by_table["nodes"][0]
    assert node["geometry"]["coordinates"] == [node["properties"]["lon"], node["properties"]["lat"]]


def test_a_moved_point_moves_the_node() -> None:
    city = demo_city()
    document = city_to_geojson(city)
    feature = next(f for f in document["features"] if f["properties"]["table"] == "nodes")
    feature["geometry"]["coordinates"] = [10.5, 51.25]
    back = city_from_geojson(document)
    row = back.nodes.set_index("id").loc[feature["properties"]["id"]]
    assert (row["lon"], row["lat"]) == (10.5, 51.25)


@settings(max_examples=20, deadline=None)
@given(
    lon=st.floats(-180, 180, allow_nan=False),
    lat=st.floats(-90, 90, allow_nan=False),
    population=st.integers(0, 10**6),
    name=st.text(max_size=20),
    located=st.booleans(),
)
def test_round_trip_of_arbitrary_values(
    lon: float, lat: float, population: int, name: str, located: bool
) -> None:
    city = City.from_tables(
        "tiny",
        nodes=pd.DataFrame(
            {
                "id": ["power.bus.0", "power.bus.1"],
                "network": "power",
                "lon": [lon, lon if located else float("nan")],
                "lat": [lat, lat if located else float("nan")],
                "name": [name, ""],
            }
        ),
        branches=pd.DataFrame(
            {
                "id": ["power.line.0"],
                "network": "power",
                "kind": "line",
                "from_node": ["power.bus.0"],
                "to_node": ["power.bus.1"],
            }
        ),
        buildings=pd.DataFrame(
            {"id": ["b"], "lon": [lon], "lat": [lat], "population": [population], "name": [name]}
        ),
        meta={"note": name},
    )
    assert_same_city(city, city_from_geojson(json.loads(json.dumps(city_to_geojson(city)))))
    assert_file_paths_agree(city)


def assert_file_paths_agree(city: City) -> None:
    """A file written by warmgrid takes the typed fast path, and reads back as the same
    city as the plain-dict reader makes of the same text."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_geojson(city, Path(folder) / "city.geojson")
        text = path.read_bytes()
        assert clean_tables(text) is not None
        from_file = read_geojson(path)
    assert_same_city(city, from_file)
    assert_same_city(from_file, city_from_geojson(orjson.loads(text), origin=str(path)))


def test_demo_city_file_takes_the_fast_path() -> None:
    assert_file_paths_agree(demo_city())


@pytest.mark.parametrize("listed", [True, False])
def test_properties_outside_the_schema_are_kept(listed: bool, tmp_path: Path) -> None:
    """A property outside the schema becomes a column (empty where other rows lack it):
    on the fast path when the header lists it, else through the plain-dict reader."""
    document = city_to_geojson(demo_city())
    building = _first(document["features"], "buildings")
    document["features"][building]["properties"]["flat_count"] = 12
    if listed:
        document["warmgrid"]["columns"]["buildings"].append("flat_count")
    path = tmp_path / "extra.geojson"
    path.write_bytes(orjson.dumps(document))
    assert (clean_tables(path.read_bytes()) is not None) == listed
    city = read_geojson(path)
    flats = city.buildings["flat_count"]
    assert flats.iat[0] == 12 and flats.iloc[1:].isna().all()
    assert_same_city(city, city_from_geojson(document, origin=str(path)))


@pytest.mark.parametrize(
    ("table", "key", "expected"),
    [("nodes", "generation_mw", 0.0), ("buildings", "floor_area_m2", nan)],
)
def test_a_null_number_is_the_column_default_on_both_paths(
    table: str, key: str, expected: float, tmp_path: Path
) -> None:
    document = city_to_geojson(demo_city())
    row = _first(document["features"], table)
    document["features"][row]["properties"][key] = None
    path = tmp_path / "null.geojson"
    path.write_bytes(orjson.dumps(document))
    assert clean_tables(path.read_bytes()) is not None
    for city in (read_geojson(path), city_from_geojson(document)):
        value = city.table(table)[key].iat[0]
        assert value == expected or (math.isnan(expected) and math.isnan(value))


@pytest.mark.slow
@pytest.mark.xdist_group("simbench_complete")  # the net is loaded once per worker
def test_simbench_complete_grid_round_trips_through_a_file(tmp_path: Path) -> None:
    code = "1-complete_data-mixed-all-0-sw"
    city = city_from_pandapower(simbench_net(code), name=code)
    back = read_geojson(write_geojson(city, tmp_path / "grid.geojson"))
    assert_same_city(city, back)
    for table in ("nodes", "buildings"):  # positions come back bit for bit
        assert back.table(table)[["lon", "lat"]].equals(city.table(table)[["lon", "lat"]])


located_or_not = st.tuples(st.floats(-180, 180), st.floats(-90, 90)) | st.just((nan, nan))


@settings(max_examples=30, deadline=None)
@given(data=st.data(), count=st.integers(1, 6))
def test_branch_geometry_runs_through_its_nodes(data: st.DataObject, count: int) -> None:
    lon, lat = zip(
        *data.draw(st.lists(located_or_not, min_size=count, max_size=count)), strict=True
    )
    ids = [f"power.bus.{i}" for i in range(count)]
    pick = st.sampled_from(ids)
    ends = data.draw(st.lists(st.tuples(pick, pick, st.just("") | pick), min_size=1, max_size=8))
    nodes = pd.DataFrame({"id": ids, "network": "power", "lon": list(lon), "lat": list(lat)})
    branches = pd.DataFrame(
        {
            "id": [f"power.line.{i}" for i in range(len(ends))] + ["power.switch.0"],
            "network": "power",
            "kind": ["line"] * len(ends) + ["switch"],
            "from_node": [e[0] for e in ends] + [ids[0]],
            "to_node": [e[1] for e in ends] + [""],
            "third_node": [e[2] for e in ends] + [""],
            "guards": [""] * len(ends) + ["power.line.0"],
        }
    )
    buildings = pd.DataFrame({"id": ["b"], "lon": [30.5], "lat": [50.4], "population": [1]})
    city = City.from_tables("random", nodes=nodes, branches=branches, buildings=buildings)
    document = json.loads(json.dumps(city_to_geojson(city)))
    position = {i: [x, y] for i, x, y in zip(ids, lon, lat, strict=True)}
    for feature in document["features"]:
        row = feature["properties"]
        if row["table"] != "branches":
            continue
        through = [position[row[end]] for end in ("from_node", "to_node", "third_node") if row[end]]
        if any(math.isnan(v) for xy in through for v in xy):
            assert feature["geometry"] is None
        elif len(through) == 1:
            assert feature["geometry"] == {"type": "Point", "coordinates": through[0]}
        else:
            assert feature["geometry"] == {"type": "LineString", "coordinates": through}
    assert_same_city(city, city_from_geojson(document))


def test_positions_with_height_are_read() -> None:
    document = city_to_geojson(demo_city())
    node = document["features"][0]
    node["geometry"]["coordinates"] = [30.5, 50.4, 120.0]
    back = city_from_geojson(document)
    assert (back.nodes["lon"].iat[0], back.nodes["lat"].iat[0]) == (30.5, 50.4)


def _document_with(change) -> dict:
    document = json.loads(json.dumps(city_to_geojson(demo_city())))
    change(document["features"])
    return document


def _first(features: list[dict], table: str) -> int:
    return next(i for i, f in enumerate(features) if f["properties"]["table"] == table)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda fs: fs[_first(fs, "nodes")]["geometry"].update(coordinates=[200.0, 50.0]),
            r"feature 0 \(id 'power.bus.0'\): geometry: a Point needs \[lon, lat\]",
        ),
        (
            lambda fs: fs[_first(fs, "nodes")]["geometry"].update(coordinates=["x"]),
            r"feature 0 .*geometry: a Point needs",
        ),
        (
            lambda fs: fs[_first(fs, "nodes")]["geometry"].update(coordinates=[True, 50.0]),
            r"feature 0 .*geometry: a Point needs \[lon, lat\] .*got \[True, 50.0\]",
        ),
        (
            lambda fs: fs[_first(fs, "buildings")]["geometry"].update(coordinates=["30.5", 50.0]),
            r"feature \d+ \(id 'building.0'\): geometry: a Point needs",
        ),
        (
            lambda fs: fs[_first(fs, "branches")]["geometry"]["coordinates"][1].append("up"),
            r"feature \d+ \(id 'power.line.0'\): geometry: a LineString needs two or more",
        ),
        (
            lambda fs: fs[_first(fs, "nodes")].update(geometry={"type": "Polygon"}),
            r"feature 0 .*geometry: expected Point, got 'Polygon'",
        ),
        (
            lambda fs: fs[_first(fs, "buildings")].update(geometry=None),
            r"feature \d+ \(id 'building.0'\): geometry: a building needs a Point",
        ),
        (
            lambda fs: fs[_first(fs, "branches")]["geometry"].update(coordinates=[[30.0, 50.0]]),
            r"feature \d+ .*geometry: a LineString needs two or more",
        ),
        (
            lambda fs: fs[_first(fs, "branches")]["properties"].pop("from_node"),
            r"feature \d+ \(id 'power.line.0'\): property 'from_node' is missing",
        ),
        (
            lambda fs: fs[3]["properties"].pop("table"),
            r"feature 3 \(id 'power.bus.3'\): property 'table' must be one of",
        ),
        (lambda fs: fs.__setitem__(2, "nonsense"), r"feature 2: expected an object"),
        (
            lambda fs: fs[_first(fs, "branches")]["properties"].update(to_node="power.bus.9999"),
            r"to_node 'power.bus.9999' names no node",
        ),
    ],
)
def test_broken_features_are_named(change, message: str, tmp_path: Path) -> None:
    """The same message for a document given as dicts and for a file (decoded into typed
    records, or again as dicts when it does not fit them)."""
    document = _document_with(change)
    with pytest.raises(InputError, match=message):
        city_from_geojson(document)
    path = tmp_path / "broken.geojson"
    path.write_text(json.dumps(document))
    with pytest.raises(InputError, match=message):
        read_geojson(path)


def test_broken_files_are_named(tmp_path: Path) -> None:
    missing = tmp_path / "missing.geojson"
    with pytest.raises(InputError, match=r"missing\.geojson: does not exist"):
        read_geojson(missing)
    truncated = tmp_path / "cut.geojson"
    text = json.dumps(city_to_geojson(demo_city()))
    truncated.write_text(text[: len(text) // 2])
    with pytest.raises(InputError, match=r"cut\.geojson: is not valid JSON"):
        read_geojson(truncated)
    other = tmp_path / "point.geojson"
    other.write_text(json.dumps({"type": "Point", "coordinates": [0, 0]}))
    with pytest.raises(InputError, match="FeatureCollection"):
        read_geojson(other)
