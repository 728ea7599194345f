"""Damaged areas from a GeoJSON file (RFC 7946): Polygons and MultiPolygons in WGS 84.

The file holds a FeatureCollection, a Feature or a bare geometry. Every Polygon (and every
part of a MultiPolygon) becomes one :class:`~warmgrid.impact.damage.Polygon` damage area;
holes are refused (a damaged area with an undamaged island is not something warmgrid can
represent). Errors name the file, the feature and what was expected.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from warmgrid.errors import InputError
from warmgrid.impact.damage import Polygon


def _ring(ring: Any, where: str) -> tuple[tuple[float, float], ...]:
    if not isinstance(ring, list) or len(ring) < 4:
        raise InputError(where, "a polygon ring needs at least four [lon, lat] positions")
    points = []
    for position in ring:
        if not (
            isinstance(position, list)
            and len(position) in (2, 3)
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in position)
            and all(math.isfinite(v) for v in position)
            and abs(position[0]) <= 180
            and abs(position[1]) <= 90
        ):
            raise InputError(
                where, f"expected [lon, lat] positions within WGS84 range, got {position!r}"
            )
        points.append((float(position[0]), float(position[1])))
    return tuple(points)


def _polygon(rings: Any, where: str) -> Polygon:
    if not isinstance(rings, list) or not rings:
        raise InputError(where, "a Polygon needs its coordinates: a list of rings")
    if len(rings) > 1:
        raise InputError(where, "polygons with holes are not supported as damaged areas")
    polygon = Polygon(_ring(rings[0], where))
    try:
        polygon.geometry()
    except InputError as error:
        raise InputError(where, error.problem) from None
    return polygon


def _geometry(geometry: Any, where: str) -> list[Polygon]:
    if not isinstance(geometry, dict):
        raise InputError(where, "expected a GeoJSON geometry object")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        return [_polygon(coordinates, where)]
    if kind == "MultiPolygon" and isinstance(coordinates, list):
        return [_polygon(part, f"{where}, part {k}") for k, part in enumerate(coordinates)]
    raise InputError(where, f"expected a Polygon or MultiPolygon, got {kind!r}")


def areas_from_geojson(document: Any, origin: str) -> list[Polygon]:
    """The damaged areas of a parsed GeoJSON document."""
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list) or not features:
            raise InputError(f"{origin}: features", "expected at least one polygon feature")
    elif isinstance(document, dict) and document.get("type") == "Feature":
        features = [document]
    else:
        return _geometry(document, origin)
    areas = []
    for number, feature in enumerate(features):
        where = f"{origin}: feature {number}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise InputError(where, 'expected an object with "type": "Feature"')
        areas += _geometry(feature.get("geometry"), f"{where}: geometry")
    return areas


def read_area_file(path: str | Path) -> list[Polygon]:
    """Read the damaged areas of a GeoJSON file."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(str(path), f"cannot read file ({error.strerror or error})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(str(path), f"is not valid JSON ({error})") from None
    return areas_from_geojson(document, str(path))
