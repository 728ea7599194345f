"""A whole city as one GeoJSON FeatureCollection (RFC 7946), and back.

Every row of every city table is one Feature whose ``properties`` carry all of the row's
columns plus ``table`` (nodes, branches, sources, buildings, dependencies). Geometry:

- nodes and buildings: a Point at (lon, lat); a node without a position has
  ``geometry: null``. On import the Point is the position (a point moved in a GIS moves
  the element); the ``lon``/``lat`` properties are rewritten from it.
- sources: a Point at their node; branches: a LineString through their from, to (and
  third) nodes; element switches and valves (no ``to_node``): a Point at their node;
  dependencies: ``null``. These geometries are derived from the nodes and are only
  checked for being well formed on import.

The city's name and meta travel in a foreign member ``warmgrid`` of the collection
(RFC 7946 §6.1): ``{"format": "warmgrid-city-geojson", "version": 1, "name", "meta"}``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, TypeGuard

import numpy as np
import pandas as pd

from warmgrid.errors import InputError
from warmgrid.model.city import City
from warmgrid.model.schema import TABLES

FORMAT_NAME = "warmgrid-city-geojson"
FORMAT_VERSION = 1
POINT_TABLES = ("nodes", "buildings")


def _value(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _point(lon: float, lat: float) -> dict[str, Any] | None:
    if math.isnan(lon) or math.isnan(lat):
        return None
    return {"type": "Point", "coordinates": [float(lon), float(lat)]}


def _branch_geometry(
    row: dict[str, Any], position: dict[str, tuple[float, float]]
) -> dict[str, Any] | None:
    ends = [row["from_node"], row["to_node"], row["third_node"]]
    found = [position.get(end) for end in ends if end]
    coords = [c for c in found if c is not None]
    if len(coords) < len(found) or any(math.isnan(c[0]) or math.isnan(c[1]) for c in coords):
        return None
    if len(coords) == 1:
        return {"type": "Point", "coordinates": list(coords[0])}
    return {"type": "LineString", "coordinates": [list(c) for c in coords]}


def city_to_geojson(city: City) -> dict[str, Any]:
    """The FeatureCollection of ``city`` as a JSON-ready dict."""
    nodes = city.nodes
    position = dict(
        zip(
            nodes["id"],
            zip(nodes["lon"].astype(float), nodes["lat"].astype(float), strict=True),
            strict=True,
        )
    )
    features = []
    for table in TABLES:
        for row in city.table(table).to_dict(orient="records"):
            row = {key: _value(value) for key, value in row.items()}
            if table in POINT_TABLES:
                lon, lat = (float("nan") if row[k] is None else row[k] for k in ("lon", "lat"))
                geometry = _point(lon, lat)
            elif table == "sources":
                geometry = _point(*position.get(row["node"], (float("nan"),) * 2))
            elif table == "branches":
                geometry = _branch_geometry(row, position)
            else:
                geometry = None
            features.append(
                {"type": "Feature", "geometry": geometry, "properties": {"table": table, **row}}
            )
    return {
        "type": "FeatureCollection",
        "warmgrid": {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "name": city.name,
            "meta": city.meta,
        },
        "features": features,
    }


def write_geojson(city: City, path: str | Path) -> Path:
    """Write ``city`` to ``path`` as GeoJSON; returns the path."""
    path = Path(path)
    path.write_text(json.dumps(city_to_geojson(city), ensure_ascii=False, default=str) + "\n")
    return path


def _position(value: Any) -> TypeGuard[list[float] | tuple[float, ...]]:
    return (
        isinstance(value, list | tuple)
        and len(value) in (2, 3)
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        and all(math.isfinite(v) for v in value)
        and abs(value[0]) <= 180
        and abs(value[1]) <= 90
    )


def _check_geometry(geometry: Any, where: str, table: str) -> tuple[float, float] | None:
    """The (lon, lat) of a Point geometry (None for null); raises on broken geometry."""
    if geometry is None:
        if table == "buildings":
            raise InputError(where, "geometry: a building needs a Point, got null")
        return None
    if not isinstance(geometry, dict) or "type" not in geometry:
        raise InputError(where, "geometry: expected a GeoJSON geometry object or null")
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    allowed = ("Point",) if table in POINT_TABLES else ("Point", "LineString")
    if kind not in allowed:
        raise InputError(where, f"geometry: expected {' or '.join(allowed)}, got {kind!r}")
    if kind == "Point":
        if not _position(coords):
            raise InputError(
                where, f"geometry: a Point needs [lon, lat] within WGS84 range, got {coords!r}"
            )
        return float(coords[0]), float(coords[1])
    if not isinstance(coords, list) or len(coords) < 2 or not all(_position(c) for c in coords):
        raise InputError(where, "geometry: a LineString needs two or more [lon, lat] positions")
    return None


def _features(document: Any, origin: str) -> list[Any]:
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise InputError(origin, 'expected a GeoJSON object with "type": "FeatureCollection"')
    features = document.get("features")
    if not isinstance(features, list):
        raise InputError(origin, '"features" must be a list')
    return features


def city_from_geojson(document: Any, origin: str = "geojson") -> City:
    """A City from a FeatureCollection written by :func:`city_to_geojson` (or by hand)."""
    features = _features(document, origin)
    header = document.get("warmgrid") if isinstance(document.get("warmgrid"), dict) else {}
    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
    for number, feature in enumerate(features):
        where = f"{origin}: feature {number}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise InputError(where, 'expected an object with "type": "Feature"')
        properties = feature.get("properties")
        if not isinstance(properties, dict):
            raise InputError(where, "properties: expected an object")
        table = properties.get("table")
        if table not in TABLES:
            raise InputError(
                where, f"property 'table' must be one of {', '.join(TABLES)}, got {table!r}"
            )
        ident = properties.get("id")
        if isinstance(ident, str) and ident:
            where = f"{where} (id {ident!r})"
        point = _check_geometry(feature.get("geometry"), where, table)
        for column in TABLES[table]:
            if column.required and column.name not in ("lon", "lat"):
                value = properties.get(column.name)
                if value is None or value == "":
                    raise InputError(where, f"property {column.name!r} is missing")
        row = {key: value for key, value in properties.items() if key != "table"}
        if table in POINT_TABLES:
            row["lon"], row["lat"] = point if point else (float("nan"), float("nan"))
        rows[table].append(row)
    frames = {
        table: pd.DataFrame(rows[table]) if rows[table] else None
        for table in TABLES
        if table != "nodes"
    }
    nodes = pd.DataFrame(rows["nodes"], columns=None if rows["nodes"] else ["id", "network"])
    return City.from_tables(
        str(header.get("name") or Path(origin).stem),
        nodes=nodes,
        meta=dict(header.get("meta") or {}),
        origin=origin,
        **frames,
    )


def read_geojson(path: str | Path) -> City:
    """Read a city from a GeoJSON file; broken files raise :class:`InputError`."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "does not exist or is not a file")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(str(path), f"is not valid JSON ({error})") from None
    return city_from_geojson(document, origin=str(path))
