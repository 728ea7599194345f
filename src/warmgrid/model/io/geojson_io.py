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
(RFC 7946 §6.1): ``{"format": "warmgrid-city-geojson", "version": 1, "name", "timezone",
"meta", "columns"}``; ``timezone`` (an IANA name) is "UTC" when absent, unless the
importer is told; ``columns`` lists each table's columns, so that the reader's fast path
knows the ones outside the schema (optional: without it such a file is read the slow way).

Both directions work column-wise: geometries are built from and checked against numpy
coordinate arrays and orjson (https://github.com/ijl/orjson) writes the text. Reading
decodes a clean file straight into each table's columns with msgspec
(:mod:`warmgrid.model.io.geojson_typed`); a file that does not fit the schema there is
decoded again with orjson into plain dicts, whose rows become tables in one pandas call,
so that every problem is named exactly as for hand-made dicts. A broken
feature is named by its index and id; when a file has several problems, structural ones
(not a Feature, no properties, unknown table) are reported before geometry and property
ones.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import Any, TypeGuard

import numpy as np
import orjson
import pandas as pd

from warmgrid.errors import InputError
from warmgrid.model.city import City
from warmgrid.model.io.geojson_typed import POINT_TABLES, clean_tables
from warmgrid.model.schema import TABLES
from warmgrid.model.timezone import DEFAULT_TIMEZONE

FORMAT_NAME = "warmgrid-city-geojson"
FORMAT_VERSION = 1
BRANCH_ENDS = ("from_node", "to_node", "third_node")
JSON_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


@contextmanager
def _bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small objects are made.

    Building or parsing a large city creates no reference cycles, but each allocation
    burst triggers full collections that scan every object made so far, which doubles
    the time (measured on the SimBench complete grid).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _column_values(values: pd.Series) -> list[Any]:
    """A column as JSON-ready Python values (non-finite floats become ``None``)."""
    if values.dtype.kind != "f":
        return values.tolist()
    finite = np.isfinite(values.to_numpy())
    if finite.all():
        return values.tolist()
    boxed = values.to_numpy().astype(object)
    boxed[~finite] = None
    return boxed.tolist()


def _points(lon: np.ndarray, lat: np.ndarray) -> list[dict[str, Any] | None]:
    """Point geometries at (lon, lat); ``None`` where either is unknown."""
    located = (np.isfinite(lon) & np.isfinite(lat)).tolist()
    coordinates = np.column_stack([lon, lat]).tolist()
    return [
        {"type": "Point", "coordinates": xy} if ok else None
        for xy, ok in zip(coordinates, located, strict=True)
    ]


def _node_positions(nodes: pd.DataFrame, ids: pd.Series) -> np.ndarray:
    """(n, 2) lon/lat of the nodes named by ``ids`` (NaN for "" or an unknown id)."""
    found = pd.Index(nodes["id"]).get_indexer(ids)
    lonlat = np.column_stack([nodes["lon"].to_numpy(float), nodes["lat"].to_numpy(float)])
    positions = np.full((len(ids), 2), np.nan)
    positions[found >= 0] = lonlat[found[found >= 0]]
    return positions


def _branch_geometries(branches: pd.DataFrame, nodes: pd.DataFrame) -> list[Any]:
    """A LineString through each branch's from, to (and third) node; a Point for an
    element switch or valve; ``None`` when an end has no position."""
    present = np.column_stack([(branches[end] != "").to_numpy() for end in BRANCH_ENDS])
    ends = np.stack([_node_positions(nodes, branches[end]) for end in BRANCH_ENDS], axis=1)
    drawable = (~np.isnan(ends).any(axis=2) | ~present).all(axis=1)
    geometries: list[Any] = [None] * len(branches)
    for pattern in np.unique(present[drawable], axis=0):
        rows = np.flatnonzero(drawable & (present == pattern).all(axis=1))
        coordinates = ends[rows][:, pattern].tolist()
        if pattern.sum() == 1:
            shaped = [{"type": "Point", "coordinates": xy[0]} for xy in coordinates]
        else:
            shaped = [{"type": "LineString", "coordinates": line} for line in coordinates]
        for row, geometry in zip(rows.tolist(), shaped, strict=True):
            geometries[row] = geometry
    return geometries


def _geometries(city: City, table: str) -> list[Any]:
    frame = city.table(table)
    if table in POINT_TABLES:
        return _points(frame["lon"].to_numpy(float), frame["lat"].to_numpy(float))
    if table == "sources":
        xy = _node_positions(city.nodes, frame["node"])
        return _points(xy[:, 0], xy[:, 1])
    if table == "branches":
        return _branch_geometries(frame, city.nodes)
    return [None] * len(frame)


def city_to_geojson(city: City) -> dict[str, Any]:
    """The FeatureCollection of ``city`` as a JSON-ready dict."""
    features: list[dict[str, Any]] = []
    for table in TABLES:
        frame = city.table(table)
        keys = ("table", *(str(column) for column in frame.columns))
        columns = [[table] * len(frame), *(_column_values(frame[c]) for c in frame.columns)]
        features.extend(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": dict(zip(keys, row, strict=True)),
            }
            for geometry, row in zip(
                _geometries(city, table), zip(*columns, strict=True), strict=True
            )
        )
    return {
        "type": "FeatureCollection",
        "warmgrid": {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "name": city.name,
            "timezone": city.timezone,
            "meta": city.meta,
            "columns": {table: [str(c) for c in city.table(table).columns] for table in TABLES},
        },
        "features": features,
    }


def write_geojson(city: City, path: str | Path) -> Path:
    """Write ``city`` to ``path`` as GeoJSON (UTF-8); returns the path."""
    path = Path(path)
    with _bulk():
        text = orjson.dumps(city_to_geojson(city), default=str, option=JSON_OPTIONS)
    path.write_bytes(text + b"\n")
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


def _positions(values: list[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """lon, lat and validity of GeoJSON positions ([lon, lat] or [lon, lat, z], WGS84).

    Fast path: when every value is a list of JSON numbers of one length, numpy converts
    them at once; anything else (and only then) is checked position by position.
    """
    try:
        numbers_only = set(map(type, chain.from_iterable(values))) <= {int, float}
        array = np.array(values, dtype=np.float64) if numbers_only else None
    except (TypeError, ValueError, OverflowError):
        array = None
    if array is None or array.ndim != 2 or array.shape[1] not in (2, 3):
        valid = np.fromiter(map(_position, values), bool, count=len(values))
        array = np.full((len(values), 2), np.nan)
        if valid.any():
            array[valid] = [values[i][:2] for i in np.flatnonzero(valid)]
        return array[:, 0], array[:, 1], valid
    lon, lat = array[:, 0], array[:, 1]
    valid = np.isfinite(array).all(axis=1) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    return lon, lat, valid


def _checked_geometries(
    geometries: list[Any], table: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """lon and lat of the Point geometries (NaN elsewhere) and the mask of broken ones."""
    count = len(geometries)
    kinds = np.array(
        [
            "null" if g is None else (g.get("type", "?") if type(g) is dict else "?")
            for g in geometries
        ],
        dtype=object,
    )
    allowed = ["Point"] if table in POINT_TABLES else ["Point", "LineString"]
    nullable = table != "buildings"
    broken = ~pd.Series(kinds).isin([*allowed, *(["null"] if nullable else [])]).to_numpy()
    lon, lat = np.full(count, np.nan), np.full(count, np.nan)
    points = np.flatnonzero(kinds == "Point")
    if points.size:
        xs, ys, ok = _positions([geometries[i].get("coordinates") for i in points])
        lon[points], lat[points] = xs, ys
        broken[points[~ok]] = True
    lines = np.flatnonzero(kinds == "LineString")
    if lines.size:
        coordinates = [geometries[i].get("coordinates") for i in lines]
        listed = np.array([type(c) is list and len(c) >= 2 for c in coordinates], dtype=bool)
        drawn = [c for c, ok in zip(coordinates, listed, strict=True) if ok]
        owner = np.repeat(lines[listed], np.fromiter(map(len, drawn), np.int64, len(drawn)))
        _, _, ok = _positions(list(chain.from_iterable(drawn)))
        broken[lines[~listed]] = True
        broken[owner[~ok]] = True
    return lon, lat, broken


def _header(document: Any, origin: str) -> tuple[dict[str, Any], list[Any]]:
    """The ``warmgrid`` member (empty when absent) and the features of a collection."""
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise InputError(origin, 'expected a GeoJSON object with "type": "FeatureCollection"')
    header, features = document.get("warmgrid"), document.get("features")
    if not isinstance(features, list):
        raise InputError(origin, '"features" must be a list')
    return (header if isinstance(header, dict) else {}), features


def _parts(features: list[Any]) -> tuple[list[Any], list[Any], list[Any]]:
    """Per feature: its ``type``, ``properties`` and ``geometry`` (None when absent or when
    the feature is not an object)."""
    return tuple(  # type: ignore[return-value]
        [f.get(key) if type(f) is dict else None for f in features]
        for key in ("type", "properties", "geometry")
    )


def _where(origin: str, number: int, properties: Any = None) -> str:
    where = f"{origin}: feature {number}"
    ident = properties.get("id") if isinstance(properties, dict) else None
    return f"{where} (id {ident!r})" if isinstance(ident, str) and ident else where


def _first(mask: np.ndarray | list[bool]) -> int | None:
    hits = np.flatnonzero(np.asarray(mask, dtype=bool))
    return int(hits[0]) if hits.size else None


def _structure(types: list[Any], properties: list[Any], origin: str) -> np.ndarray:
    """The table of every feature; raises on the first broken feature."""
    bad = _first([kind != "Feature" for kind in types])
    if bad is not None:
        raise InputError(_where(origin, bad), 'expected an object with "type": "Feature"')
    bad = _first([type(p) is not dict for p in properties])
    if bad is not None:
        raise InputError(_where(origin, bad), "properties: expected an object")
    tables = np.array([p.get("table") for p in properties], dtype=object)
    bad = _first(~pd.Series(tables).isin(list(TABLES)).to_numpy())
    if bad is not None:
        raise InputError(
            _where(origin, bad, properties[bad]),
            f"property 'table' must be one of {', '.join(TABLES)}, got {tables[bad]!r}",
        )
    return tables


def _keys(records: list[dict[str, Any]]) -> list[str]:
    """Every key of ``records``: the first one's in its order, then the others sorted."""
    first = list(records[0])
    return first + sorted(set().union(*records).difference(first))


def _all_strings(values: pd.Series) -> bool:
    return pd.api.types.infer_dtype(values, skipna=False) == "string"


def _table_frame(
    table: str, rows: np.ndarray, all_geometries: list[Any], properties: list[Any], origin: str
) -> pd.DataFrame | None:
    """The rows of one table (features ``rows``), geometry and required columns checked."""
    numbers = rows.tolist()
    geometries = [all_geometries[i] for i in numbers]
    lon, lat, broken = _checked_geometries(geometries, table)
    bad = _first(broken)
    if bad is not None:
        number = int(rows[bad])
        _check_geometry(geometries[bad], _where(origin, number, properties[number]), table)
    if not rows.size:
        return None
    records = [properties[i] for i in numbers]
    columns = [key for key in _keys(records) if key != "table"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for column in TABLES[table]:
        if not column.required or column.name in ("lon", "lat"):
            continue
        if column.name in frame.columns:
            values = frame[column.name]
            missing = values.to_numpy(dtype=object) == ""
            if values.dtype == object and not _all_strings(values):
                missing |= values.isna().to_numpy()
        else:
            missing = np.ones(len(frame), dtype=bool)
        bad = _first(missing)
        if bad is not None:
            number = int(rows[bad])
            raise InputError(
                _where(origin, number, properties[number]),
                f"property {column.name!r} is missing",
            )
    if table in POINT_TABLES:
        frame["lon"], frame["lat"] = lon, lat
    return frame


def city_from_geojson(document: Any, origin: str = "geojson", timezone: str | None = None) -> City:
    """A City from a FeatureCollection written by :func:`city_to_geojson` (or by hand, as
    dicts); ``timezone`` overrides the collection's (default "UTC")."""
    header, features = _header(document, origin)
    types, properties, geometries = _parts(features)
    tables = _structure(types, properties, origin)
    frames = {
        table: _table_frame(table, np.flatnonzero(tables == table), geometries, properties, origin)
        for table in TABLES
    }
    if frames["buildings"] is None:
        raise InputError(
            f"{origin}: features",
            f"no building among {len(features)} features; a city needs at least one "
            '(a Feature with properties.table = "buildings" and a Point)',
        )
    return _city(header, frames, origin, timezone)


def _city(
    header: dict[str, Any],
    frames: dict[str, pd.DataFrame | None],
    origin: str,
    timezone: str | None,
) -> City:
    nodes = frames.pop("nodes")
    return City.from_tables(
        str(header.get("name") or Path(origin).stem),
        nodes=nodes if nodes is not None else pd.DataFrame(columns=["id", "network"]),
        meta=dict(header.get("meta") or {}),
        timezone=timezone or header.get("timezone", DEFAULT_TIMEZONE),
        origin=origin,
        **frames,
    )


def read_geojson(path: str | Path, timezone: str | None = None) -> City:
    """Read a city from a GeoJSON file; broken files raise :class:`InputError`.

    A clean file is decoded straight into columns
    (:func:`~warmgrid.model.io.geojson_typed.clean_tables`); any other is decoded again
    as plain dicts and read by :func:`city_from_geojson`, which names its problems.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "does not exist or is not a file")
    text = path.read_bytes()
    with _bulk():
        clean = clean_tables(text)
        if clean is not None:
            return _city(*clean, origin=str(path), timezone=timezone)
        try:
            document = orjson.loads(text)
        except orjson.JSONDecodeError as error:
            raise InputError(str(path), f"is not valid JSON ({error})") from None
        return city_from_geojson(document, origin=str(path), timezone=timezone)
