"""Candidate damage: the assets of a city within a radius of an incident's location.

Distances are computed in a local equirectangular projection centred on the incident,
with the IUGG mean Earth radius 6 371 008.8 m (Moritz 2000, Geodetic Reference System
1980); within a few kilometres its error is far below the precision of any report.
Nodes and sources are points; branches (lines, pipes, transformers…) are the straight
segments through their end nodes (a three-winding transformer has three).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape

from warmgrid.errors import InputError
from warmgrid.geo import LocalFrame

MAX_RADIUS_M = 50_000.0


@dataclass(frozen=True)
class Candidate:
    """An asset near an incident: ``element`` is node, branch or source."""

    asset_id: str
    element: str
    network: str
    kind: str
    distance_m: float


def _branch_shape(ends: np.ndarray, node_row: dict[str, int], node_xy: np.ndarray) -> Any:
    """A branch as the segment(s) through its end nodes; a point for a one-ended element
    (e.g. a switch that guards a line)."""
    points = [node_xy[node_row[node]] for node in ends if node in node_row]
    if len(points) == 1:
        return shapely.points(points[0])
    return shapely.linestrings(points)


def candidate_assets(city: Any, location: dict[str, Any], radius_m: float) -> list[Candidate]:
    """Assets of ``city`` within ``radius_m`` metres of ``location`` (GeoJSON), nearest first.

    A polygon location counts distance from its outline (0 inside).
    """
    if not 0 <= radius_m <= MAX_RADIUS_M or math.isnan(radius_m):
        raise InputError("radius_m", f"must be between 0 and {MAX_RADIUS_M:.0f} m")
    geometry = shape(location)
    centre = geometry.centroid
    frame = LocalFrame(centre.x, centre.y)
    area = frame.project(geometry)

    nodes = city.nodes
    node_xy = frame.to_xy_m(nodes["lon"].to_numpy(float), nodes["lat"].to_numpy(float))
    node_row = {node_id: row for row, node_id in enumerate(nodes["id"])}
    found: list[Candidate] = []

    def keep(ids: Any, geoms: np.ndarray, element: str, networks: Any, kinds: Any) -> None:
        distances = shapely.distance(geoms, area)
        for asset_id, distance, network, kind in zip(ids, distances, networks, kinds, strict=True):
            if distance <= radius_m:
                found.append(Candidate(str(asset_id), element, str(network), str(kind), distance))

    keep(
        nodes["id"],
        shapely.points(node_xy),
        "node",
        nodes["network"],
        nodes["kind"],
    )
    branches = city.branches
    if len(branches):
        ends = branches[["from_node", "to_node", "third_node"]].to_numpy(str)
        shapes = [_branch_shape(row, node_row, node_xy) for row in ends]
        keep(branches["id"], np.array(shapes), "branch", branches["network"], branches["kind"])
    sources = city.sources
    if len(sources):
        points = shapely.points(node_xy[[node_row[n] for n in sources["node"]]])
        keep(sources["id"], points, "source", sources["network"], sources["kind"])
    found.sort(key=lambda candidate: (candidate.distance_m, candidate.asset_id))
    return found


def city_asset_ids(city: Any) -> set[str]:
    """Every asset id of ``city`` (nodes, branches, sources)."""
    return {
        *map(str, city.nodes["id"]),
        *map(str, city.branches["id"]),
        *map(str, city.sources["id"]),
    }
