"""Travel times between crew depots and repair sites.

Travel is either given as a matrix of hours or derived from coordinates as the
great-circle distance × a road factor ÷ a speed. The great-circle distance uses the
haversine formula on a sphere of mean Earth radius 6371.0088 km (IUGG mean radius,
Moritz 2000, "Geodetic Reference System 1980", J. Geodesy 74).
"""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088


def great_circle_km(
    lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
) -> np.ndarray:
    """Haversine great-circle distance in km between points given in WGS84 degrees.

    Inputs broadcast against each other like numpy arrays.
    """
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2.0) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def travel_hours_from_coordinates(
    from_lon: np.ndarray,
    from_lat: np.ndarray,
    to_lon: np.ndarray,
    to_lat: np.ndarray,
    speed_kmh: float,
    road_factor: float,
) -> np.ndarray:
    """Matrix of travel hours, rows = origins, columns = destinations.

    hours = great-circle km × ``road_factor`` (road distance ÷ straight-line distance,
    dimensionless, ≥ 1) ÷ ``speed_kmh`` (mean road speed of a crew vehicle, km/h).
    """
    km = great_circle_km(
        np.asarray(from_lon, dtype=float)[:, None],
        np.asarray(from_lat, dtype=float)[:, None],
        np.asarray(to_lon, dtype=float)[None, :],
        np.asarray(to_lat, dtype=float)[None, :],
    )
    return km * road_factor / speed_kmh
