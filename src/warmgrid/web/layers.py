"""The console's map data of an :class:`Assessment`, split into what never changes and
what does (WGS84 degrees).

:func:`geometry` is the city as columns, sent once: buildings (id, name, people,
position), branches (id, network, kind, name, both ends) and assets (nodes and sources).
:func:`situation` is the state of the situation, sent again after every change, without
any geometry: per building its service state (a code of :data:`STATES`) and
forecast hours until its air falls below 12 °C; the rows of the branches and assets that
are damaged, and of the branches that are ``dead`` (de-energised or cold on both ends);
warming centres, crews (with their first and next repair) and outage areas as GeoJSON
(RFC 7946), which are few. 100,000 buildings make 12 MB of geometry (1.2 MB gzip-packed)
and a few hundred kB of state, where one GeoJSON feature per building made 44 MB.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from warmgrid.impact import Damage, assess
from warmgrid.scenario.run import Assessment

Feature = dict[str, Any]
STATES = ("served", "power", "heat", "both")
"""Service state codes of :func:`situation`: index 0 served, 1 no power, 2 no heat, 3 both."""


def _number(value: float, digits: int = 1) -> float | None:
    return round(float(value), digits) if np.isfinite(value) else None


def _numbers(values: np.ndarray, digits: int = 1) -> list[float | None]:
    """``values`` rounded, ``None`` where not finite."""
    rounded = np.round(np.asarray(values, float), digits)
    return [v if math.isfinite(v) else None for v in rounded.tolist()]


def _collection(features: list[Feature]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _point(lon: float, lat: float, properties: dict[str, Any]) -> Feature:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": properties,
    }


def services_lost(
    assessment: Assessment, elapsed_h: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per building (city row order): without power, without heat, and hours until every
    lost service is back (NaN: unknown or nothing lost), ``elapsed_h`` hours after the
    scenario's start, when the plan has given back what it repaired by then."""
    if elapsed_h <= 0.0:
        impact = assessment.impact
        power = np.asarray(impact.building_without_power, bool)
        return power, np.asarray(impact.building_without_heat, bool), assessment.etr_h()
    outage = assessment.outage_at(elapsed_h)
    return outage.without_power, outage.without_heat, outage.etr_h


def building_states(assessment: Assessment, elapsed_h: float = 0.0) -> np.ndarray:
    """Per building: ``served``, ``power``, ``heat`` or ``both`` (the services lost),
    ``elapsed_h`` hours after the scenario's start."""
    power, heat, _ = services_lost(assessment, elapsed_h)
    return np.asarray(STATES)[_state_codes(power, heat)]


def _state_codes(power: np.ndarray, heat: np.ndarray) -> np.ndarray:
    """Index into :data:`STATES` per building."""
    return power.astype(np.int8) + 2 * heat.astype(np.int8)


def hours_to_12c(assessment: Assessment) -> np.ndarray:
    """Per building (city row order): forecast hours until its coldest flats fall below
    12 °C; NaN when it keeps its heat or stays above 12 °C within the forecast."""
    return assessment.coldest_flats_h(12.0)


def damaged_at(assessment: Assessment, elapsed_h: float = 0.0) -> tuple[str, ...]:
    """The damaged assets still broken ``elapsed_h`` hours after the scenario's start: a
    repair counts from the hour the plan ends its task (no plan: nothing is repaired)."""
    damaged = tuple(assessment.impact.damaged_asset_ids)
    plan = assessment.plan
    if elapsed_h <= 0.0 or plan is None:
        return damaged
    ends = plan.schedule.end_h
    done = {
        task.id for task, end_h in zip(plan.problem.tasks, ends, strict=True) if end_h <= elapsed_h
    }
    return tuple(asset for asset in damaged if asset not in done)


def unsupplied_at(assessment: Assessment, still_damaged: tuple[str, ...]) -> set[str]:
    """Ids of the nodes without their service while ``still_damaged`` stay broken (the
    assessment's own impact when nothing has been repaired yet)."""
    impact = assessment.impact
    if len(still_damaged) != len(impact.damaged_asset_ids):
        impact = assess(assessment.compiled, Damage(asset_ids=still_damaged, areas=()))
    return set().union(*impact.unsupplied().values())


def _rounded(values: Any) -> list[float]:
    return np.round(np.asarray(values, float), 6).tolist()


def _branch_rows(assessment: Assessment) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows of the branches that can be drawn (both ends placed), with their ends."""
    city = assessment.city
    start = city.node_lonlat(city.branches["from_node"])
    end = city.node_lonlat(city.branches["to_node"])
    rows = np.flatnonzero(np.isfinite(start).all(axis=1) & np.isfinite(end).all(axis=1))
    return rows, start[rows], end[rows]


def _asset_table(assessment: Assessment) -> dict[str, list[Any]]:
    """Nodes, then sources (at their node), as columns."""
    city = assessment.city
    nodes, sources = city.nodes, city.sources
    where = city.node_lonlat(sources["node"])
    columns = ("id", "network", "kind", "name")
    out: dict[str, list[Any]] = {
        name: nodes[name].tolist() + sources[name].tolist() for name in columns
    }
    out["lon"] = _rounded(np.concatenate([nodes["lon"].to_numpy(float), where[:, 0]]))
    out["lat"] = _rounded(np.concatenate([nodes["lat"].to_numpy(float), where[:, 1]]))
    return out


def geometry(assessment: Assessment) -> dict[str, Any]:
    """The city as columns, sent once: ``buildings`` (city row order), ``branches`` (the
    drawable ones, from ``lon0, lat0`` to ``lon1, lat1``) and ``assets`` (nodes, then
    sources); :func:`situation` refers to their rows."""
    table = assessment.city.buildings
    branches = assessment.city.branches
    rows, start, end = _branch_rows(assessment)
    return {
        "buildings": {
            "id": table["id"].tolist(),
            "name": table["name"].tolist(),
            "people": table["population"].astype(int).tolist(),
            "lon": _rounded(table["lon"]),
            "lat": _rounded(table["lat"]),
        },
        "branches": {
            **{
                name: branches[name].to_numpy()[rows].tolist()
                for name in ("id", "network", "kind", "name")
            },
            "lon0": _rounded(start[:, 0]),
            "lat0": _rounded(start[:, 1]),
            "lon1": _rounded(end[:, 0]),
            "lat1": _rounded(end[:, 1]),
        },
        "assets": _asset_table(assessment),
    }


def situation(assessment: Assessment, elapsed_h: float = 0.0) -> dict[str, Any]:
    """The state of the map ``elapsed_h`` hours after the scenario's start, without
    geometry: ``buildings.state`` (codes of :data:`STATES`) and ``buildings.h12`` per
    building; ``branches.damaged``, ``branches.dead`` and ``assets.damaged``, rows of
    :func:`geometry`'s columns (repaired by then under the plan: no longer damaged; dead
    as the networks stand with what is still broken); warming centres, crews and outage
    areas as GeoJSON."""
    power, heat, _ = services_lost(assessment, elapsed_h)
    broken = damaged_at(assessment, elapsed_h)
    unsupplied = list(unsupplied_at(assessment, broken))
    rows, _, _ = _branch_rows(assessment)
    branches = assessment.city.branches.iloc[rows]
    damaged = branches["id"].isin(broken).to_numpy()
    dead = (
        branches["from_node"].isin(unsupplied).to_numpy()
        & branches["to_node"].isin(unsupplied).to_numpy()
        & ~damaged
    )
    asset_ids = np.concatenate(
        [assessment.city.nodes["id"].to_numpy(), assessment.city.sources["id"].to_numpy()]
    )
    return {
        "buildings": {
            "state": _state_codes(power, heat).tolist(),
            "h12": _numbers(hours_to_12c(assessment)),
        },
        "branches": {
            "damaged": np.flatnonzero(damaged).tolist(),
            "dead": np.flatnonzero(dead).tolist(),
        },
        "assets": {"damaged": np.flatnonzero(np.isin(asset_ids, list(broken))).tolist()},
        "warming_centres": warming_centres(assessment),
        "crews": crews(assessment),
    }


def warming_centres(assessment: Assessment) -> dict[str, Any]:
    """The scenario's warming centres."""
    return _collection(
        [_point(c.lon, c.lat, {"name": c.name}) for c in assessment.scenario.warming_centres]
    )


def crews(assessment: Assessment) -> dict[str, Any]:
    """Crews at their depots, with their first and next repair under the plan."""
    plan = assessment.plan
    jobs: dict[str, list[dict[str, Any]]] = {}
    if plan is not None:
        problem, schedule = plan.problem, plan.schedule
        for crew, route in zip(problem.crews, schedule.routes, strict=True):
            jobs[crew.id] = [
                {
                    "task": problem.tasks[t].id,
                    "start_h": _number(schedule.start_h[t], 2),
                    "end_h": _number(schedule.end_h[t], 2),
                }
                for t in route
            ]
    features = []
    for crew in assessment.scenario.crews:
        if crew.lon is None or crew.lat is None:
            continue
        crew_jobs = jobs.get(crew.id, [])
        features.append(
            _point(
                crew.lon,
                crew.lat,
                {
                    "id": crew.id,
                    "skills": None if crew.skills is None else list(crew.skills),
                    "current": crew_jobs[0] if crew_jobs else None,
                    "next": crew_jobs[1] if len(crew_jobs) > 1 else None,
                },
            )
        )
    return _collection(features)
