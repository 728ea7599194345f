"""The current outage state as a GeoJSON FeatureCollection (RFC 7946, WGS84 lon/lat).

Features, each with ``properties.kind``:

- ``building``: a building without power and/or heat (Point): id, name, use, people,
  ``without_power``, ``without_heat``, ``etr`` (the published ETR, rounded up to the
  quarter hour as in the alerts: ISO 8601 in the city's zone, or null);
- ``damaged_asset``: a damaged node or source (Point) or branch (LineString): id, name,
  network, asset kind;
- ``outage_area``: the area of one public outage alert (Polygon): alert identifier,
  people without power and heat, the published ETR.

The collection's foreign member ``warmgrid`` holds the totals, equal to the impact result.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from warmgrid.model.timezone import etr_time
from warmgrid.report.facts import Facts, outage_areas
from warmgrid.scenario.run import Assessment


def _point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [float(lon), float(lat)]}


def _buildings(assessment: Assessment, facts: Facts) -> list[dict[str, Any]]:
    buildings = assessment.city.buildings
    power = assessment.impact.building_without_power
    heat = assessment.impact.building_without_heat
    etr = assessment.etr_h()
    features = []
    for row in np.flatnonzero(power | heat):
        hours = float(etr[row])
        when = None if math.isnan(hours) else etr_time(facts.start, hours)
        features.append(
            {
                "type": "Feature",
                "geometry": _point(buildings["lon"].iat[row], buildings["lat"].iat[row]),
                "properties": {
                    "kind": "building",
                    "id": str(buildings["id"].iat[row]),
                    "name": str(buildings["name"].iat[row]),
                    "use": str(buildings["use"].iat[row]),
                    "people": int(buildings["population"].iat[row]),
                    "without_power": bool(power[row]),
                    "without_heat": bool(heat[row]),
                    "etr": when.isoformat(timespec="minutes") if when else None,
                },
            }
        )
    return features


def _damaged(assessment: Assessment) -> list[dict[str, Any]]:
    city = assessment.city
    damaged = set(assessment.impact.damaged_asset_ids)
    nodes = city.nodes.set_index("id")
    features = []

    def feature(geometry: dict[str, Any], row: Any, kind: str) -> dict[str, Any]:
        properties = {
            "kind": "damaged_asset",
            "id": str(row.id),
            "name": str(row.name),
            "network": str(row.network),
            "asset_kind": str(kind),
        }
        return {"type": "Feature", "geometry": geometry, "properties": properties}

    for row in city.nodes[city.nodes["id"].isin(damaged)].itertuples(index=False):
        features.append(feature(_point(row.lon, row.lat), row, row.kind))
    for row in city.sources[city.sources["id"].isin(damaged)].itertuples(index=False):
        at = nodes.loc[row.node]
        features.append(feature(_point(at["lon"], at["lat"]), row, row.kind))
    for row in city.branches[city.branches["id"].isin(damaged)].itertuples(index=False):
        ends = [nodes.loc[row.from_node], nodes.loc[row.to_node]]
        line = {
            "type": "LineString",
            "coordinates": [[float(end["lon"]), float(end["lat"])] for end in ends],
        }
        features.append(feature(line, row, row.kind))
    return features


def _areas(assessment: Assessment) -> list[dict[str, Any]]:
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in area.ring_lonlat]]},
            "properties": {
                "kind": "outage_area",
                "id": area.identifier,
                "name": area.description,
                "people_without_power": int(area.parameters.get("PeopleWithoutPower", 0)),
                "people_without_heat": int(area.parameters.get("PeopleWithoutHeat", 0)),
                "etr": area.etr,
            },
        }
        for area in outage_areas(assessment)
    ]


def outage_geojson(assessment: Assessment, facts: Facts) -> dict[str, Any]:
    """The outage state as a GeoJSON FeatureCollection (a JSON-ready dict)."""
    return {
        "type": "FeatureCollection",
        "warmgrid": {
            "city": facts.city,
            "as_of": facts.as_of.isoformat(timespec="minutes"),
            "people_without_power": facts.people_without_power,
            "people_without_heat": facts.people_without_heat,
            "buildings_without_power": facts.buildings_without_power,
            "buildings_without_heat": facts.buildings_without_heat,
            "damaged_assets": list(facts.damaged_assets),
        },
        "features": _buildings(assessment, facts) + _damaged(assessment) + _areas(assessment),
    }
