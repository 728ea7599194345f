"""Seed an empty store with the incidents of the demo city's default scenario.

The scenario (:func:`warmgrid.scenario.spec.demo_scenario`) names the damage: CHP-5's
transformers (a strike) and debris areas. Each becomes an incident with the reports of
its sources (package data ``incidents/data/demo_sources.json``) and its confirmed
damage: the named assets, and for a debris area the assets within its radius, confirmed
on the scenario's clock (five minutes after the incident's last report), so that the
console's timeline replays the story. An air-raid alert precedes them. The assessment
of the seeded store is therefore the impact of the scenario's damage.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warmgrid.errors import InputError
from warmgrid.impact import Circle
from warmgrid.incidents import log
from warmgrid.incidents.candidates import candidate_assets
from warmgrid.incidents.domain import DamageIn, IncidentIn, IncidentPatch, ReportIn
from warmgrid.incidents.vocabulary import IncidentStatus
from warmgrid.store import Store
from warmgrid.store.models import Incident

SEED_ACTOR = "warmgrid-seed"
CONFIRMED_AFTER = timedelta(minutes=5)  # damage is confirmed this long after the last report


def demo_sources() -> dict[str, Any]:
    """The sources and their words for the demo incidents."""
    text = resources.files("warmgrid.incidents").joinpath("data", "demo_sources.json")
    return json.loads(text.read_text(encoding="utf-8"))


def _report(entry: dict[str, Any], start: datetime) -> ReportIn:
    fields = {k: v for k, v in entry.items() if k != "received_min"}
    received = start + timedelta(minutes=entry["received_min"])
    return ReportIn.model_validate({**fields, "received_at": received.isoformat()})


def _add(
    session: Session,
    data: dict[str, Any],
    reports: list[ReportIn],
    damage: list[str],
    statuses: list[str],
) -> None:
    incident = log.create_incident(session, IncidentIn.model_validate(data), SEED_ACTOR)
    for report in reports:
        log.add_report(session, incident.id, report, SEED_ACTOR)
    confirmed_at = max((r.received_at for r in reports), default=None)
    if confirmed_at is not None:
        confirmed_at += CONFIRMED_AFTER
    for asset_id in damage:
        log.confirm_damage(
            session, incident.id, DamageIn(asset_id=asset_id), SEED_ACTOR, at=confirmed_at
        )
    for status in statuses:
        patch = IncidentPatch(status=IncidentStatus(status), reason="demo scenario")
        log.revise_incident(session, incident.id, patch, SEED_ACTOR)


def _asset_point(city: Any, asset_ids: tuple[str, ...]) -> tuple[float, float]:
    """Mean position of the assets' (first) nodes, WGS84 degrees."""
    nodes = city.nodes.set_index("id")
    branches = city.branches.set_index("id")
    sources = city.sources.set_index("id")
    points = []
    for asset_id in asset_ids:
        if asset_id in branches.index:
            node = branches.at[asset_id, "from_node"]
        elif asset_id in sources.index:
            node = sources.at[asset_id, "node"]
        else:
            node = asset_id
        points.append((nodes.at[node, "lon"], nodes.at[node, "lat"]))
    lon, lat = np.mean(points, axis=0)
    return round(float(lon), 6), round(float(lat), 6)


def seed_if_empty(store: Store, city: Any = None) -> int:
    """Store the demo scenario's incidents when the store holds none; returns how many
    were added (0 when the store was not empty). Without a city nothing is seeded; any
    city other than the demo city is refused."""
    if city is None:
        return 0
    from warmgrid.model.demo import DEMO_CITY_NAME
    from warmgrid.scenario.spec import demo_scenario

    if getattr(city, "name", None) != DEMO_CITY_NAME:
        raise InputError(
            "--seed-demo",
            f"the demo incidents belong to the demo city, not to {city.name!r}",
        )
    scenario = demo_scenario()
    words = demo_sources()
    start = scenario.start
    with store.write() as session:
        if session.scalar(select(func.count()).select_from(Incident)):
            return 0
        air = words["air_threat"]
        _add(
            session,
            {
                "kind": "air_threat",
                "title": air["title"],
                "occurred_at": (start + timedelta(minutes=air["occurred_min"])).isoformat(),
                "time_precision": "minute",
            },
            [_report(entry, start) for entry in air["reports"]],
            [],
            ["confirmed", "resolved"],
        )
        lon, lat = _asset_point(city, tuple(scenario.damage.asset_ids))
        _add(
            session,
            {
                "kind": "strike",
                "title": f"{scenario.name}: {scenario.damage_labels[0]}",
                "description": scenario.description,
                "occurred_at": start.isoformat(),
                "time_precision": "minute",
                "location": {"type": "Point", "coordinates": [lon, lat]},
                "location_precision_m": 100.0,
            },
            [_report(entry, start) for entry in words["strike"]["reports"]],
            list(scenario.damage.asset_ids),
            ["confirmed"],
        )
        areas = scenario.damage.areas
        for area, label, entry in zip(
            areas, scenario.damage_labels[1:], words["debris"], strict=False
        ):
            if not isinstance(area, Circle):
                continue  # debris reports are points with a radius
            location = {"type": "Point", "coordinates": [area.lon, area.lat]}
            hit = [c.asset_id for c in candidate_assets(city, location, area.radius_m)]
            _add(
                session,
                {
                    "kind": "interception_debris",
                    "title": label,
                    "occurred_at": start.isoformat(),
                    "time_precision": "hour",
                    "location": location,
                    "location_precision_m": area.radius_m,
                },
                [_report(entry, start)],
                hit,
                ["confirmed"],
            )
        return 2 + min(len(areas), len(words["debris"]))
