"""Positions on the Earth: great-circle distances and the local metric projection.

One sphere for all of warmgrid: the mean Earth radius R₁ = 6,371,008.8 m of the IUGG
(H. Moritz, "Geodetic Reference System 1980", Journal of Geodesy 74 (2000) 128–133). Over
a city (tens of kilometres) distances on this sphere differ from those on the WGS84
ellipsoid by less than 0.5 %. Positions are WGS84 longitude and latitude in degrees, in
that order (GeoJSON, RFC 7946), everywhere except inside CAP messages.

* :func:`great_circle_m` — haversine distance in metres, vectorised.
* :class:`LocalFrame` — the equirectangular projection around a reference point, metres
  east and north, for geometry over a city (shapely geometries projected with
  :meth:`LocalFrame.project`: distances, buffers, hulls, areas in metres).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius R₁ (IUGG, Moritz 2000), metres."""

METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180.0
"""Metres per degree of latitude (and of longitude on the equator) on that sphere."""


def great_circle_m(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike
) -> np.ndarray:
    """Great-circle distance in metres between WGS84 positions in degrees (haversine).

    The inputs broadcast against each other like numpy arrays; a 0-d array for scalars."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = np.radians(lon2) - np.radians(lon1)
    a = np.sin(d_phi / 2.0) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(d_lambda / 2.0) ** 2
    return np.asarray(2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


@dataclass(frozen=True)
class LocalFrame:
    """Equirectangular projection centred on (``lon0_deg``, ``lat0_deg``): metres east and
    north of the centre. Within 10 km of the centre distances are within 0.1 % of the
    great-circle ones at mid latitudes."""

    lon0_deg: float
    lat0_deg: float

    @classmethod
    def around(cls, lon_deg: ArrayLike, lat_deg: ArrayLike) -> LocalFrame:
        """The frame centred on the mean position of the given points."""
        lon, lat = np.asarray(lon_deg, dtype=np.float64), np.asarray(lat_deg, dtype=np.float64)
        return cls(float(lon.mean()), float(lat.mean()))

    @property
    def metres_per_degree_lon(self) -> float:
        """Metres per degree of longitude at the centre's latitude."""
        return METRES_PER_DEGREE * math.cos(math.radians(self.lat0_deg))

    def to_xy_m(self, lon_deg: ArrayLike, lat_deg: ArrayLike) -> np.ndarray:
        """(n, 2) metres east and north of the centre."""
        x = (np.asarray(lon_deg, dtype=np.float64) - self.lon0_deg) * self.metres_per_degree_lon
        y = (np.asarray(lat_deg, dtype=np.float64) - self.lat0_deg) * METRES_PER_DEGREE
        return np.column_stack([np.ravel(x), np.ravel(y)])

    def to_lonlat_deg(self, xy_m: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Inverse of :meth:`to_xy_m`: longitudes and latitudes of (n, 2) metres."""
        xy = np.asarray(xy_m, dtype=np.float64).reshape(-1, 2)
        lon = self.lon0_deg + xy[:, 0] / self.metres_per_degree_lon
        lat = self.lat0_deg + xy[:, 1] / METRES_PER_DEGREE
        return lon, lat

    def project(self, geometry: BaseGeometry) -> BaseGeometry:
        """A shapely geometry in WGS84 degrees, in this frame's metres."""
        import shapely

        return shapely.transform(geometry, lambda lonlat: self.to_xy_m(lonlat[:, 0], lonlat[:, 1]))
