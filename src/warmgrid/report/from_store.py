"""What the incident log adds to a report: incidents with their sources, published alerts."""

from __future__ import annotations

from sqlalchemy import select

from warmgrid.incidents.log import list_incidents
from warmgrid.report.facts import IssuedAlert, LoggedIncident
from warmgrid.store import Store
from warmgrid.store.alert_log import current_public
from warmgrid.store.models import Report

MAX_INCIDENTS = 50


def logged_incidents(store: Store) -> tuple[LoggedIncident, ...]:
    """The newest incidents (at most :data:`MAX_INCIDENTS`), each with its reports' sources
    as ``source (kind, certainty)``."""
    with store.read() as session:
        incidents = list_incidents(session, limit=MAX_INCIDENTS)
        ids = [incident.id for incident in incidents]
        sources: dict[int, list[str]] = {}
        reports = session.scalars(
            select(Report).where(Report.incident_id.in_(ids)).order_by(Report.id)
        )
        for report in reports:
            line = f"{report.source_name} ({report.source_kind}, {report.certainty})"
            sources.setdefault(report.incident_id, []).append(line)
        return tuple(
            LoggedIncident(
                title=incident.title,
                kind=incident.kind,
                status=incident.status,
                sources=tuple(sources.get(incident.id, ())),
            )
            for incident in incidents
        )


def published_alerts(store: Store) -> tuple[IssuedAlert, ...]:
    """The current public alerts (published, neither superseded nor expired)."""
    with store.read() as session:
        return tuple(
            IssuedAlert(
                identifier=alert.identifier,
                headlines={"": alert.headline},
                sent=alert.sent,
                status="published",
            )
            for alert in current_public(session)
        )
