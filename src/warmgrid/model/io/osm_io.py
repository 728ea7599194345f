"""A city from an OpenStreetMap extract (``.osm.pbf``): buildings, power sites, and a
plausible grid and heat network where OpenStreetMap has none.

What comes from OpenStreetMap (read with pyrosm, https://pyrosm.readthedocs.io):

- every building (``building=*``) with its footprint; position = footprint centroid,
  footprint area on the local UTM projection (pyproj);
- storeys: ``building:levels``, else ``height`` ÷ :data:`STOREY_HEIGHT_M`, else
  :data:`DEFAULT_STOREYS` (counted in the report);
- use from the ``building``, ``amenity``, ``healthcare`` and ``social_facility`` tags
  (:func:`building_uses`); an untyped building (``building=yes``) without an amenity,
  shop or office is taken as residential (counted in the report);
- power substations and transformers (``power=substation|transformer``, any geometry).

What is inferred, and reported in ``meta["inferred"]``:

- people: residential floor area (footprint × storeys × :data:`NET_TO_GROSS`) ÷ the
  country's dwelling floor area per person (:data:`FLOOR_AREA_PER_PERSON_M2`); care homes
  and hospitals house their residents and patients by :data:`FLOOR_AREA_PER_BED_M2`;
  schools and other buildings house nobody (people at work are not counted, as for the
  grid importers);
- the power grid: each substation is a 10 kV bus with a grid infeed (what feeds it is
  outside the extract); each transformer site is a 0.4 kV bus joined to its nearest
  substation by a transformer; each building hangs on its nearest site. Without any site
  in the extract, one substation is placed at the buildings' centroid;
- a heat network where buildings say ``heating=district`` or lie in a user polygon: a
  heat plant at the nearest of them to their centroid, powered from its nearest power
  site, and pipes along the minimum spanning tree of their positions (the shortest
  network that reaches them all).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from warmgrid.errors import InputError
from warmgrid.model.city import City

STOREY_HEIGHT_M = 3.0  # storey height to turn a building's ``height`` into storeys (assumption)
MIN_FOOTPRINT_M2 = 1.0  # a smaller outline is broken (cut at the extract's edge)
DEFAULT_STOREYS = 2  # storeys of a building with neither levels nor height (assumption)
NET_TO_GROSS = 0.8  # dwelling floor area ÷ footprint × storeys: walls, stairs (assumption)
# Dwelling floor area per resident, m², by ISO 3166 country code:
# FI 41.7 (2023, Statistics Finland, "Finland in Figures: Housing", floor area per person);
# DE 47.4 (2022, Destatis, Wohnfläche je Einwohner); others: 40 (assumption, the order of
# the two above).
FLOOR_AREA_PER_PERSON_M2 = {"FI": 41.7, "DE": 47.4}
DEFAULT_FLOOR_AREA_PER_PERSON_M2 = 40.0
# Gross floor area per bed in care homes and hospitals, m² (assumption: 40-60 m² per care
# home place and about 100 m² per hospital bed are common planning orders).
FLOOR_AREA_PER_BED_M2 = {"care_home": 50.0, "hospital": 100.0}

RESIDENTIAL_BUILDINGS = {
    "residential", "apartments", "house", "detached", "semidetached_house", "terrace",
    "dormitory", "bungalow", "farm", "cabin", "houseboat", "static_caravan",
}  # fmt: skip
SCHOOLS = {"school", "kindergarten", "college", "university"}
HOSPITALS = {"hospital"}
CARE_HOMES = {"nursing_home", "assisted_living", "group_home"}


def building_uses(tags: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """warmgrid use per building from its OSM tags, and the mask of uses guessed for
    untyped buildings (``building=yes`` without amenity, shop or office → residential).

    ``tags`` has the columns ``building``, ``amenity``, ``healthcare``,
    ``social_facility``, ``shop``, ``office`` (missing = NaN).
    """

    def column(name: str) -> pd.Series:
        values = tags[name] if name in tags else pd.Series(np.nan, index=tags.index)
        return values.fillna("").astype(str)

    building, amenity = column("building"), column("amenity")
    healthcare, social = column("healthcare"), column("social_facility")
    shop, office = column("shop"), column("office")
    use = np.full(len(tags), "other", dtype=object)
    guessed = (building == "yes") & (amenity == "") & (shop == "") & (office == "")
    guessed &= (healthcare == "") & (social == "")
    use[(building.isin(RESIDENTIAL_BUILDINGS) | guessed).to_numpy()] = "residential"
    use[(building.isin(SCHOOLS) | amenity.isin(SCHOOLS)).to_numpy()] = "school"
    care = social.isin(CARE_HOMES) | amenity.isin(CARE_HOMES) | building.isin(CARE_HOMES)
    use[care.to_numpy()] = "care_home"
    hospital = building.isin(HOSPITALS) | amenity.isin(HOSPITALS) | healthcare.isin(HOSPITALS)
    use[hospital.to_numpy()] = "hospital"
    return use, guessed.to_numpy()


def _numbers(values: pd.Series) -> np.ndarray:
    """OSM numbers ("5", "12.5 m", "3;4") as floats, NaN where unreadable."""
    text = values.astype("string").str.extract(r"^\s*(\d+(?:[.,]\d+)?)")[0]
    return pd.to_numeric(text.str.replace(",", "."), errors="coerce").to_numpy(np.float64)


def _storeys(buildings: pd.DataFrame) -> tuple[np.ndarray, dict[str, int]]:
    levels = _numbers(buildings.get("building:levels", pd.Series(np.nan, buildings.index)))
    height = _numbers(buildings.get("height", pd.Series(np.nan, buildings.index)))
    from_height = np.round(height / STOREY_HEIGHT_M)
    storeys = np.where(levels >= 1, np.round(levels), np.nan)
    by_height = np.isnan(storeys) & (from_height >= 1)
    storeys[by_height] = from_height[by_height]
    default = np.isnan(storeys)
    storeys[default] = DEFAULT_STOREYS
    counts = {
        "storeys_from_levels": int((levels >= 1).sum()),
        "storeys_from_height": int(by_height.sum()),
        "storeys_assumed": int(default.sum()),
    }
    return storeys.astype(np.int64), counts


def _country(buildings: pd.DataFrame, country: str | None) -> str | None:
    if country:
        return country.upper()
    given = buildings.get("addr:country")
    if given is None or given.dropna().empty:
        return None
    return str(given.dropna().str.upper().mode().iat[0])


def people_in_buildings(
    use: np.ndarray, floor_area_m2: np.ndarray, country: str | None
) -> tuple[np.ndarray, float]:
    """Residents per building (int) and the floor area per person used (m²); a building
    of unknown floor area (NaN) houses nobody."""
    per_person = FLOOR_AREA_PER_PERSON_M2.get(country or "", DEFAULT_FLOOR_AREA_PER_PERSON_M2)
    floor_area_m2 = np.nan_to_num(floor_area_m2, nan=0.0)
    people = np.zeros(len(use))
    residential = use == "residential"
    people[residential] = floor_area_m2[residential] * NET_TO_GROSS / per_person
    for kind, per_bed in FLOOR_AREA_PER_BED_M2.items():
        rows = use == kind
        people[rows] = floor_area_m2[rows] / per_bed
    people = np.rint(people).astype(np.int64)
    people[(use == "residential") & (floor_area_m2 > 0)] = np.maximum(
        people[(use == "residential") & (floor_area_m2 > 0)], 1
    )
    return people, per_person


@dataclass
class _Read:
    buildings: Any  # GeoDataFrame in WGS84
    power: Any  # GeoDataFrame or None


def _read(path: Path, bbox: tuple[float, float, float, float] | None) -> _Read:
    import warnings

    from pyrosm import OSM
    from pyrosm.exceptions import PBFException

    if not path.is_file():
        raise InputError(str(path), "does not exist or is not a file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            osm = OSM(str(path), bounding_box=list(bbox) if bbox else None)
            buildings = osm.get_buildings()
            power = osm.get_data_by_custom_criteria(
                custom_filter={"power": ["substation", "transformer"]},
                keep_nodes=True,
                keep_ways=True,
                keep_relations=True,
            )
    except (PBFException, OSError, ValueError) as error:
        reason = str(error).split(";")[0]
        raise InputError(
            str(path), f"is not a readable OpenStreetMap PBF file ({reason})"
        ) from None
    if buildings is None or len(buildings) == 0:
        raise InputError(str(path), "holds no buildings" + (" in --bbox" if bbox else ""))
    return _Read(buildings, power)


def _projected(frame: Any) -> Any:
    return frame.to_crs(frame.estimate_utm_crs())


def _nearest(from_xy: np.ndarray, to_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest ``to_xy`` point for each ``from_xy`` point and its distance."""
    from scipy.spatial import cKDTree

    distance, index = cKDTree(to_xy).query(from_xy)
    return index, distance


def _spanning_tree(xy: np.ndarray) -> np.ndarray:
    """Edges (i, j) of the minimum spanning tree of points ``xy`` (metres)."""
    from scipy.sparse.csgraph import minimum_spanning_tree
    from scipy.spatial import Delaunay

    count = len(xy)
    if count < 2:
        return np.empty((0, 2), dtype=np.int64)
    if count < 4:
        pairs = np.array([(i, j) for i in range(count) for j in range(i + 1, count)])
    else:  # the Euclidean minimum spanning tree lies within the Delaunay triangulation
        simplices = Delaunay(xy, qhull_options="QJ").simplices
        pairs = np.concatenate([simplices[:, [0, 1]], simplices[:, [1, 2]], simplices[:, [0, 2]]])
        pairs = np.unique(np.sort(pairs, axis=1), axis=0)
    from scipy.sparse import coo_matrix

    length = np.hypot(*(xy[pairs[:, 0]] - xy[pairs[:, 1]]).T) + 1e-3
    graph = coo_matrix((length, (pairs[:, 0], pairs[:, 1])), shape=(count, count))
    tree = minimum_spanning_tree(graph).tocoo()
    return np.column_stack([tree.row, tree.col]).astype(np.int64)


def _heated(buildings: Any, lon: np.ndarray, lat: np.ndarray, heat_area: Any) -> np.ndarray:
    """Buildings on district heat: ``heating=district`` in their tags, or their centroid
    (``lon``, ``lat``) in the polygon ``heat_area``."""
    import shapely

    tags = buildings.get("tags", pd.Series(None, index=buildings.index)).fillna("{}")
    declared = tags.map(lambda text: json.loads(text).get("heating") == "district")
    if "heating" in buildings:
        declared |= buildings["heating"].eq("district")
    in_area = np.zeros(len(buildings), dtype=bool)
    if heat_area is not None:
        in_area = shapely.contains_xy(heat_area, lon, lat)
    return declared.to_numpy(bool) | in_area


def read_heat_area(path: Path) -> Any:
    """The union of the Polygons in a GeoJSON file (WGS84), for ``--heat-area``."""
    import shapely

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(str(path), f"is not a readable GeoJSON file ({error})") from None
    features = document.get("features", [document]) if isinstance(document, dict) else []
    shapes = []
    for number, feature in enumerate(features):
        geometry = feature.get("geometry", feature) if isinstance(feature, dict) else None
        try:
            shape = shapely.geometry.shape(geometry)
        except (AttributeError, TypeError, ValueError, shapely.errors.GEOSException):
            raise InputError(
                f"{path}: feature {number}", "geometry: not a GeoJSON geometry"
            ) from None
        if shape.geom_type not in ("Polygon", "MultiPolygon") or not shape.is_valid:
            raise InputError(f"{path}: feature {number}", "geometry: expected a valid Polygon")
        shapes.append(shape)
    if not shapes:
        raise InputError(str(path), "holds no Polygon")
    return shapely.union_all(shapes)


def city_from_osm(
    path: str | Path,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    country: str | None = None,
    heat_area: Any = None,
    name: str | None = None,
) -> City:
    """A City from an OpenStreetMap PBF extract (see the module docstring).

    ``bbox`` = (min lon, min lat, max lon, max lat) keeps what lies inside; ``country``
    (ISO 3166 code) chooses the floor area per person, else the buildings' most common
    ``addr:country``; ``heat_area`` is a shapely (Multi)Polygon of district heating.
    """
    path = Path(path)
    read = _read(path, bbox)
    raw = read.buildings.reset_index(drop=True)
    metric = _projected(raw)
    footprint_m2 = metric.geometry.area.to_numpy()
    # Outlines cut at the extract's edge can collapse to a line: their area is unknown.
    no_footprint = footprint_m2 < MIN_FOOTPRINT_M2
    footprint_m2 = np.where(no_footprint, np.nan, footprint_m2)
    centre = metric.geometry.centroid
    centre_xy = np.column_stack([centre.x, centre.y])
    lonlat = centre.to_crs(4326)
    storeys, storey_counts = _storeys(raw)
    use, guessed = building_uses(raw)
    floor_area_m2 = footprint_m2 * storeys
    chosen_country = _country(raw, country)
    people, per_person = people_in_buildings(use, floor_area_m2, chosen_country)
    osm_ids = raw["id"].astype(np.int64).astype(str)
    names = raw["name"].fillna("").astype(str) if "name" in raw else ""

    sites, site_report = _power_sites(read.power, metric.crs, centre_xy)
    site_index, site_distance = _nearest(centre_xy, sites["xy"])
    nodes = pd.DataFrame(
        {
            "id": sites["id"],
            "network": "power",
            "kind": "bus",
            "name": sites["name"],
            "lon": sites["lon"],
            "lat": sites["lat"],
            "voltage_kv": sites["voltage_kv"],
        }
    )
    substations = np.flatnonzero(sites["voltage_kv"] == 10.0)
    sources = pd.DataFrame(
        {
            "id": [f"power.ext_grid.{i}" for i in range(substations.size)],
            "network": "power",
            "kind": "ext_grid",
            "node": sites["id"][substations],
            "name": "grid infeed (inferred)",
        }
    )
    transformers = np.flatnonzero(sites["voltage_kv"] == 0.4)
    branches = None
    if transformers.size:
        feeding, feed_m = _nearest(sites["xy"][transformers], sites["xy"][substations])
        branches = pd.DataFrame(
            {
                "id": [f"power.trafo.{i}" for i in range(transformers.size)],
                "network": "power",
                "kind": "trafo",
                "from_node": sites["id"][substations][feeding],
                "to_node": sites["id"][transformers],
                "length_m": feed_m,
            }
        )
    buildings = pd.DataFrame(
        {
            "id": "osm.building." + osm_ids,
            "name": names,
            "lon": lonlat.x.to_numpy(),
            "lat": lonlat.y.to_numpy(),
            "population": people,
            "use": use,
            "floor_area_m2": np.round(floor_area_m2, 1),
            "storeys": storeys,
            "power_node": sites["id"][site_index],
            "heat_node": "",
        }
    )
    heated = _heated(raw, lonlat.x.to_numpy(), lonlat.y.to_numpy(), heat_area)
    heat = _heat_network(heated, centre_xy, lonlat, sites, buildings)
    nodes = pd.concat([nodes, heat.nodes], ignore_index=True)
    pieces = [frame for frame in (branches, heat.branches) if frame is not None]
    branches = pd.concat(pieces, ignore_index=True) if pieces else None
    sources = pd.concat([sources, heat.sources], ignore_index=True)
    inferred = {
        "buildings": len(raw),
        "buildings_without_footprint": int(no_footprint.sum()),
        **storey_counts,
        "residential_guessed_from_building_yes": int(guessed.sum()),
        "country": chosen_country,
        "floor_area_per_person_m2": per_person,
        "people": int(people.sum()),
        **site_report,
        "building_to_site_max_m": round(float(site_distance.max()), 1),
        "building_to_site_mean_m": round(float(site_distance.mean()), 1),
        "district_heated_buildings": int(heated.sum()),
        "heat_network": heat.report,
    }
    return City.from_tables(
        name or path.name.split(".")[0],
        nodes=nodes,
        branches=branches,
        sources=sources,
        buildings=buildings,
        dependencies=heat.dependencies,
        meta={
            "source": "openstreetmap",
            "osm_file": path.name,
            "bbox": list(bbox) if bbox else None,
            "inferred": inferred,
        },
        origin=str(path),
    )


def _power_sites(
    power: Any, crs: Any, building_xy: np.ndarray
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Power sites (substations 10 kV, transformers 0.4 kV) in the projection ``crs``."""
    import geopandas as gpd

    rows: list[tuple[str, str, float, float, float]] = []
    if power is not None and len(power):
        located = power.to_crs(crs)
        points = located.geometry.representative_point()
        for kind, point, osm_id, label in zip(
            located["power"],
            points,
            located["id"],
            located.get("name", [None] * len(located)),
            strict=True,
        ):
            voltage = 10.0 if kind == "substation" else 0.4
            rows.append(
                (
                    f"osm.{kind}.{int(osm_id)}",
                    label if isinstance(label, str) else "",
                    point.x,
                    point.y,
                    voltage,
                )
            )
    found = {
        "substations_in_osm": sum(r[4] == 10.0 for r in rows),
        "transformers_in_osm": sum(r[4] == 0.4 for r in rows),
    }
    if not any(r[4] == 10.0 for r in rows):
        x, y = building_xy.mean(axis=0)
        rows.append(("inferred.substation.0", "substation (inferred)", x, y, 10.0))
    found["substations_inferred"] = int(not found["substations_in_osm"])
    ids, names, xs, ys, voltages = (np.array(column) for column in zip(*rows, strict=True))
    lonlat = gpd.GeoSeries(gpd.points_from_xy(xs.astype(float), ys.astype(float)), crs=crs).to_crs(
        4326
    )
    return (
        {
            "id": ids.astype(object),
            "name": names.astype(object),
            "xy": np.column_stack([xs, ys]).astype(float),
            "lon": lonlat.x.to_numpy(),
            "lat": lonlat.y.to_numpy(),
            "voltage_kv": voltages.astype(float),
        },
        found,
    )


@dataclass
class _Heat:
    nodes: pd.DataFrame | None
    branches: pd.DataFrame | None
    sources: pd.DataFrame | None
    dependencies: pd.DataFrame | None
    report: dict[str, Any]


def _heat_network(
    heated: np.ndarray,
    building_xy: np.ndarray,
    lonlat: Any,
    sites: dict[str, np.ndarray],
    buildings: pd.DataFrame,
) -> _Heat:
    """A junction per heated building, a plant at the most central one, pipes along the
    minimum spanning tree; the plant needs power at its nearest power site."""
    rows = np.flatnonzero(heated)
    if not rows.size:
        return _Heat(None, None, None, None, {"built": False})
    xy = building_xy[rows]
    plant = int(np.argmin(np.hypot(*(xy - xy.mean(axis=0)).T)))
    junctions = np.array([f"heat.junction.{i}" for i in range(rows.size)], dtype=object)
    nodes = pd.DataFrame(
        {
            "id": junctions,
            "network": "heat",
            "kind": "junction",
            "lon": lonlat.x.to_numpy()[rows],
            "lat": lonlat.y.to_numpy()[rows],
        }
    )
    edges = _spanning_tree(xy)
    branches = pd.DataFrame(
        {
            "id": [f"heat.pipe.{i}" for i in range(len(edges))],
            "network": "heat",
            "kind": "pipe",
            "from_node": junctions[edges[:, 0]] if len(edges) else [],
            "to_node": junctions[edges[:, 1]] if len(edges) else [],
            "length_m": np.hypot(*(xy[edges[:, 0]] - xy[edges[:, 1]]).T) if len(edges) else [],
            "name": "pipe (inferred)",
        }
    )
    buildings.loc[rows, "heat_node"] = junctions
    power_site, _ = _nearest(xy[[plant]], sites["xy"])
    sources = pd.DataFrame(
        {
            "id": ["heat.heat_plant.0"],
            "network": "heat",
            "kind": "heat_plant",
            "node": [junctions[plant]],
            "name": ["heat plant (inferred)"],
        }
    )
    dependencies = pd.DataFrame(
        {"asset": ["heat.heat_plant.0"], "service": ["power"], "node": [sites["id"][power_site[0]]]}
    )
    length_km = float(branches["length_m"].sum()) / 1000.0 if len(edges) else 0.0
    report = {
        "built": True,
        "junctions": int(rows.size),
        "pipes": len(edges),
        "pipe_length_km": round(length_km, 2),
        "plant_at": str(buildings["id"].iat[rows[plant]]),
    }
    return _Heat(nodes, branches, sources, dependencies, report)


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``MINLON,MINLAT,MAXLON,MAXLAT`` → a tuple; raises :class:`InputError`."""
    parts = text.split(",")
    try:
        values = tuple(float(part) for part in parts)
    except ValueError:
        values = ()
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise InputError("--bbox", f"expected MINLON,MINLAT,MAXLON,MAXLAT, got {text!r}")
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
        raise InputError(
            "--bbox", f"expected MINLON < MAXLON and MINLAT < MAXLAT in WGS84, got {text!r}"
        )
    return min_lon, min_lat, max_lon, max_lat
