"""Positions of imported elements: GeoJSON points → WGS84 lon/lat arrays.

pandapower 3 and pandapipes keep an element's position in a ``geo`` column as a GeoJSON
geometry (a JSON string or an already parsed dict). Positions that are missing, not
points, or outside the WGS84 range (projected coordinates, as some grids carry) become NaN:
warmgrid then knows the element but not where it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from warmgrid.geo import EARTH_RADIUS_M


def _point(value: Any) -> tuple[float, float]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return np.nan, np.nan
    if not isinstance(value, dict) or value.get("type") != "Point":
        return np.nan, np.nan
    coords = value.get("coordinates")
    if not isinstance(coords, list | tuple) or len(coords) < 2:
        return np.nan, np.nan
    try:
        return float(coords[0]), float(coords[1])
    except (TypeError, ValueError):
        return np.nan, np.nan


def points_lonlat(values: Iterable[Any], *, latlon: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) in degrees of GeoJSON points; NaN where unknown or not WGS84.

    ``latlon=True`` reads ``[lat, lon]`` pairs, the axis order some data sets use
    against RFC 7946 (e.g. pandapipes' Schutterwald network).
    """
    pairs = np.array([_point(v) for v in values], dtype=np.float64).reshape(-1, 2)
    lon, lat = (pairs[:, 1], pairs[:, 0]) if latlon else (pairs[:, 0], pairs[:, 1])
    bad = ~((np.abs(lon) <= 180) & (np.abs(lat) <= 90))
    lon, lat = lon.copy(), lat.copy()
    lon[bad] = np.nan
    lat[bad] = np.nan
    return lon, lat


def _unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lon_r, lat_r = np.radians(lon), np.radians(lat)
    return np.column_stack(
        [np.cos(lat_r) * np.cos(lon_r), np.cos(lat_r) * np.sin(lon_r), np.sin(lat_r)]
    )


def nearest(
    lon: np.ndarray, lat: np.ndarray, target_lon: np.ndarray, target_lat: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each (lon, lat), the index of the nearest target and its distance in metres.

    Great-circle nearest neighbour through chord distance on the unit sphere (exact
    ordering); points or targets without a position give index -1 and distance NaN.
    """
    index = np.full(len(lon), -1, dtype=np.int64)
    distance = np.full(len(lon), np.nan)
    known_t = np.flatnonzero(~(np.isnan(target_lon) | np.isnan(target_lat)))
    known = np.flatnonzero(~(np.isnan(lon) | np.isnan(lat)))
    if not known_t.size or not known.size:
        return index, distance
    tree = cKDTree(_unit_vectors(target_lon[known_t], target_lat[known_t]))
    chord, hit = tree.query(_unit_vectors(lon[known], lat[known]))
    index[known] = known_t[hit]
    distance[known] = 2 * EARTH_RADIUS_M * np.arcsin(np.clip(chord / 2, 0.0, 1.0))
    return index, distance
