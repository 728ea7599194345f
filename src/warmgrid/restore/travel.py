"""Travel times between crew depots and repair sites.

Travel is either given as a matrix of hours or derived from coordinates as the
great-circle distance (:func:`warmgrid.geo.great_circle_m`) × a road factor ÷ a speed.
"""

from __future__ import annotations

import numpy as np

from warmgrid.geo import great_circle_m


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
    metres = great_circle_m(
        np.asarray(from_lon, dtype=float)[:, None],
        np.asarray(from_lat, dtype=float)[:, None],
        np.asarray(to_lon, dtype=float)[None, :],
        np.asarray(to_lat, dtype=float)[None, :],
    )
    return metres / 1000.0 * road_factor / speed_kmh
