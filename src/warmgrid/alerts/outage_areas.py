"""Contiguous outage areas and the polygons around them.

Buildings closer to each other than a link distance belong to the same area (connected
components of the "closer than" graph). The area polygon is the morphological closing of
the buildings' discs (dilate by half the link distance, erode back to the margin), which
hugs the buildings and bridges the gaps between neighbours; when erosion would split it,
the convex hull of the buildings' discs is used instead. Holes are dropped (CAP polygons
are simple rings). Distances use a local equirectangular projection around the area,
accurate to well below a metre over a city (Snyder 1987, "Map Projections — A Working
Manual", USGS PP 1395, p. 90), with the IUGG mean Earth radius 6 371 008.8 m (Moritz 2000,
"Geodetic Reference System 1980", J. Geodesy 74:128).
"""

from __future__ import annotations

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree
from shapely.geometry import Polygon as ShapelyPolygon

from warmgrid.geo import LocalFrame


def contiguous_groups(
    lon_deg: np.ndarray, lat_deg: np.ndarray, link_distance_m: float
) -> np.ndarray:
    """Label of the contiguous area of each point (0..k-1): points closer than
    ``link_distance_m`` metres, directly or through a chain of such points, share a label."""
    n = len(lon_deg)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    xy = LocalFrame.around(lon_deg, lat_deg).to_xy_m(lon_deg, lat_deg)
    pairs = cKDTree(xy).query_pairs(r=link_distance_m, output_type="ndarray")
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int64)


def area_polygon_lonlat(
    lon_deg: np.ndarray,
    lat_deg: np.ndarray,
    *,
    link_distance_m: float,
    margin_m: float,
    simplify_m: float,
) -> np.ndarray:
    """Closed exterior ring (m, 2) of (lon, lat) degrees around the given buildings.

    Every building lies inside the ring at least ``margin_m - simplify_m`` metres from its
    edge (``simplify_m`` must be smaller than ``margin_m``).
    """
    if not 0.0 <= simplify_m < margin_m:
        raise ValueError("simplify_m must be at least 0 and smaller than margin_m")
    frame = LocalFrame.around(lon_deg, lat_deg)
    points = shapely.MultiPoint(frame.to_xy_m(lon_deg, lat_deg))
    reach_m = max(link_distance_m / 2.0, margin_m) * 1.01
    shape = points.buffer(reach_m).buffer(margin_m - reach_m)
    if not isinstance(shape, ShapelyPolygon) or not shape.covers(points):
        shape = points.buffer(margin_m).convex_hull
    ring = ShapelyPolygon(shape.exterior).simplify(simplify_m, preserve_topology=True)
    lon, lat = frame.to_lonlat_deg(np.asarray(ring.exterior.coords))
    return np.column_stack([lon, lat])
