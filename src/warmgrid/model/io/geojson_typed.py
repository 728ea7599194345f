"""Fast path of the GeoJSON city reader: a clean file decoded straight into columns.

msgspec (https://jcristharif.com/msgspec/) decodes each feature's ``properties`` into a
record of its table's schema (:data:`warmgrid.model.schema.TABLES`; the ``table`` property
picks the record, a property outside the schema is refused so that no column is lost) and
its geometry into a Point or LineString record. Each table's columns are then gathered
into numpy arrays and its positions checked on coordinate arrays, with no per-feature
dicts and no ``DataFrame.from_records``.

A file this path does not accept — a property of another type or outside the schema, an
empty required property, a geometry of the wrong kind or out of WGS84 range, a position
with height, no building — gives ``None``: the reader then decodes it again as plain dicts
(:mod:`warmgrid.model.io.geojson_io`), which accepts what it can and names every problem
by feature index. Both paths give the same City for the same file.
"""

from __future__ import annotations

import math
from functools import lru_cache, reduce
from itertools import chain
from operator import attrgetter, or_
from typing import Any, Literal

import msgspec
import numpy as np
import pandas as pd

from warmgrid.model.schema import TABLES, Column

POINT_TABLES = ("nodes", "buildings")
_KINDS: dict[str, Any] = {"str": str, "int": int, "bool": bool}


class _NotCleanError(Exception):
    """The file needs the plain-dict reader (which names the problem, if any)."""


def _field(column: Column) -> tuple[Any, ...]:
    """The record field of a column: floats are null when unknown (the column's default is
    filled in later, as for a missing property); positions come from the geometry."""
    if column.kind == "float":
        return (column.name, float | None, None)
    if column.required:
        return (column.name, _KINDS[column.kind])
    return (column.name, _KINDS[column.kind], column.default)


Extras = tuple[tuple[str, ...], ...]
"""Per table (in :data:`TABLES` order): the names of its columns outside the schema."""


def _row_record(table: str, extras: tuple[str, ...]) -> type[msgspec.Struct]:
    """The record of one table's properties: its schema's columns, then ``extras`` (any
    JSON value, NaN when absent, as in a table made from dicts)."""
    more = [(f"extra_{i}", Any, math.nan) for i in range(len(extras))]
    return msgspec.defstruct(
        f"{table.title()}Row",
        [*(_field(column) for column in TABLES[table]), *more],
        kw_only=True,
        tag_field="table",
        tag=table,
        rename={f"extra_{i}": name for i, name in enumerate(extras)},
        forbid_unknown_fields=True,
        gc=False,
    )


class _Point(msgspec.Struct, tag_field="type", tag="Point", gc=False):
    coordinates: tuple[float, float]


class _LineString(msgspec.Struct, tag_field="type", tag="LineString", gc=False):
    coordinates: list[tuple[float, float]]


_COORDINATES = attrgetter("coordinates")


class _Header(msgspec.Struct):
    """The collection's ``warmgrid`` member alone (the features are skipped)."""

    warmgrid: Any = None


_HEADER = msgspec.json.Decoder(_Header)


@lru_cache(maxsize=16)
def _decoder(extras: Extras) -> tuple[msgspec.json.Decoder[Any], dict[type, str]]:
    """The decoder of a collection whose tables have ``extras``, and the table of each
    row record."""
    rows = {table: _row_record(table, more) for table, more in zip(TABLES, extras, strict=True)}
    feature = msgspec.defstruct(
        "Feature",
        [
            ("type", Literal["Feature"]),
            ("properties", reduce(or_, rows.values())),
            ("geometry", _Point | _LineString | None),
        ],
        gc=False,
    )
    collection = msgspec.defstruct(
        "FeatureCollection",
        [("type", Literal["FeatureCollection"]), ("features", list[feature])],  # type: ignore[valid-type]
    )
    return msgspec.json.Decoder(collection), {record: table for table, record in rows.items()}


def _extras(header: dict[str, Any]) -> Extras:
    """The columns outside the schema that the header's ``columns`` lists per table."""
    listed = header.get("columns")
    listed = listed if isinstance(listed, dict) else {}
    extras = []
    for table, columns in TABLES.items():
        names = listed.get(table)
        known = {"table", *(column.name for column in columns)}
        more = names if isinstance(names, list) else []
        extras.append(tuple(dict.fromkeys(n for n in more if type(n) is str and n not in known)))
    return tuple(extras)


def _checked_positions(positions: list[tuple[float, float]]) -> np.ndarray:
    """(n, 2) lon/lat of positions within WGS84 range (raises otherwise)."""
    flat = chain.from_iterable(positions)
    xy = np.fromiter(flat, np.float64, count=2 * len(positions)).reshape(-1, 2)
    if not (np.isfinite(xy).all() and (np.abs(xy) <= (180, 90)).all()):
        raise _NotCleanError
    return xy


def _positions(table: str, geometries: list[Any]) -> np.ndarray | None:
    """lon/lat of a point table's rows (NaN for a node without geometry), or ``None`` for
    the other tables, whose geometries are only checked for being well formed."""
    kinds = set(map(type, geometries))
    allowed: set[type] = {_Point} if table in POINT_TABLES else {_Point, _LineString}
    if table != "buildings":
        allowed.add(type(None))
    if not kinds <= allowed:
        raise _NotCleanError
    if kinds == {_Point} and table in POINT_TABLES:
        return _checked_positions(list(map(_COORDINATES, geometries)))
    xy = _checked_positions([g.coordinates for g in geometries if type(g) is _Point])
    lines = [g.coordinates for g in geometries if type(g) is _LineString]
    if lines:
        if min(map(len, lines)) < 2:
            raise _NotCleanError
        _checked_positions(list(chain.from_iterable(lines)))
    if table not in POINT_TABLES:
        return None
    full = np.full((len(geometries), 2), np.nan)
    full[[g is not None for g in geometries]] = xy
    return full


def _column(column: Column, values: list[Any]) -> np.ndarray:
    """One column as a numpy array, unknown floats as the column's default."""
    if column.kind == "float":
        array = np.array(values, dtype=np.float64)
        if isinstance(column.default, float) and not math.isnan(column.default):
            array[np.isnan(array)] = column.default
        return array
    if column.kind == "int":
        try:
            return np.array(values, dtype=np.int64)
        except OverflowError:
            raise _NotCleanError from None
    if column.kind == "bool":
        return np.array(values, dtype=bool)
    array = np.array(values, dtype=object)
    if column.required and (array == "").any():
        raise _NotCleanError
    return array


def _frame(table: str, features: list[Any], extras: tuple[str, ...]) -> pd.DataFrame | None:
    if not features:
        return None
    rows = [feature.properties for feature in features]
    xy = _positions(table, [feature.geometry for feature in features])
    columns = {
        column.name: _column(column, list(map(attrgetter(column.name), rows)))
        for column in TABLES[table]
        if xy is None or column.name not in ("lon", "lat")
    }
    if xy is not None:
        columns["lon"], columns["lat"] = xy[:, 0], xy[:, 1]
    frame = pd.DataFrame(columns, copy=False)
    if extras:
        values = [list(map(attrgetter(f"extra_{i}"), rows)) for i in range(len(extras))]
        more = pd.DataFrame.from_records(list(zip(*values, strict=True)), columns=list(extras))
        frame[list(extras)] = more
    return frame


def clean_tables(text: bytes) -> tuple[dict[str, Any], dict[str, pd.DataFrame | None]] | None:
    """The ``warmgrid`` header and the tables (None when empty) of a clean city file, or
    ``None`` when the file needs the plain-dict reader."""
    try:
        header = _HEADER.decode(text).warmgrid
        header = header if isinstance(header, dict) else {}
        extras = _extras(header)
        decoder, table_of = _decoder(extras)
        collection = decoder.decode(text)
    except msgspec.DecodeError:
        return None
    groups: dict[str, list[Any]] = {table: [] for table in TABLES}
    for feature in collection.features:
        groups[table_of[type(feature.properties)]].append(feature)
    if not groups["buildings"]:
        return None
    try:
        frames = {
            table: _frame(table, groups[table], more)
            for table, more in zip(TABLES, extras, strict=True)
        }
    except _NotCleanError:
        return None
    return header, frames
