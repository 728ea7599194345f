"""Seed an empty store with the incidents of the demo city's default situation."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from sqlalchemy import func, select

from warmgrid.incidents import log
from warmgrid.incidents.candidates import city_asset_ids
from warmgrid.incidents.domain import (
    DamageIn,
    IncidentIn,
    IncidentPatch,
    IncidentStatus,
    ReportIn,
)
from warmgrid.store import Store
from warmgrid.store.models import Incident

SEED_ACTOR = "warmgrid-seed"


def demo_incidents() -> list[dict[str, Any]]:
    """The seed incidents (package data ``incidents/data/demo_incidents.json``)."""
    text = resources.files("warmgrid.incidents").joinpath("data", "demo_incidents.json")
    return json.loads(text.read_text(encoding="utf-8"))["incidents"]


def _status_path(target: IncidentStatus) -> list[IncidentStatus]:
    if target == IncidentStatus.RESOLVED:
        return [IncidentStatus.CONFIRMED, IncidentStatus.RESOLVED]
    if target == IncidentStatus.REPORTED:
        return []
    return [target]


def seed_if_empty(store: Store, city: Any = None) -> int:
    """Store the demo incidents, their sourced reports and confirmed damage when the
    store holds no incident yet; returns how many incidents were added (0 if not empty).
    Damage to assets the city lacks is skipped."""
    known = city_asset_ids(city) if city is not None else None
    with store.write() as session:
        if session.scalar(select(func.count()).select_from(Incident)):
            return 0
        entries = demo_incidents()
        for entry in entries:
            fields = {k: v for k, v in entry.items() if k not in ("status", "damage", "reports")}
            incident = log.create_incident(session, IncidentIn.model_validate(fields), SEED_ACTOR)
            for report in entry.get("reports", []):
                log.add_report(session, incident.id, ReportIn.model_validate(report), SEED_ACTOR)
            for asset_id in entry.get("damage", []):
                if known is None or asset_id in known:
                    log.confirm_damage(
                        session, incident.id, DamageIn(asset_id=asset_id), SEED_ACTOR
                    )
            for status in _status_path(IncidentStatus(entry.get("status", "reported"))):
                log.revise_incident(
                    session, incident.id, IncidentPatch(status=status, note="seed"), SEED_ACTOR
                )
        return len(entries)
