"""The console's timeline: the events of the log in time order, to replay the situation.

Events are incidents (when they occurred, else when they were logged), damage confirmed
and retracted, alerts published, and the repairs of the current plan (when the plan
finishes each, on the scenario's clock: the plan starts at the scenario's start). The
situation as of a moment is :meth:`warmgrid.web.state.LiveState.assessment` with that
moment, seen ``elapsed_h`` hours after the scenario's start
(:func:`elapsed_hours`), when the plan has given back what it repaired by then.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warmgrid.impact.words import Labeller
from warmgrid.scenario.run import Assessment
from warmgrid.store.models import Alert, DamageLink, Incident

MAX_EVENTS = 2000


def elapsed_hours(assessment: Assessment, at: datetime) -> float:
    """Hours from the scenario's start to ``at`` (0 before the start)."""
    return max(0.0, (at - assessment.scenario.start).total_seconds() / 3600.0)


def _event(at: datetime, kind: str, label: str) -> dict[str, Any]:
    return {"at": at.isoformat(timespec="seconds"), "kind": kind, "label": label}


def on_clock(assessment: Assessment, at: datetime) -> datetime:
    """``at`` on the scenario's clock (the offset of its start)."""
    return at.astimezone(assessment.scenario.start.tzinfo)


def log_events(session: Session) -> list[dict[str, Any]]:
    """Incidents, damage confirmed and retracted, and alerts published, unordered."""
    events = [
        _event(row.occurred_at or row.created_at, "incident", row.title)
        for row in session.scalars(select(Incident).order_by(Incident.id).limit(MAX_EVENTS))
    ]
    for link in session.scalars(select(DamageLink).order_by(DamageLink.id).limit(MAX_EVENTS)):
        events.append(_event(link.confirmed_at, "damage", link.asset_id))
        if link.retracted_at is not None:
            events.append(_event(link.retracted_at, "retracted", link.asset_id))
    published = select(Alert).where(Alert.published_at.is_not(None)).limit(MAX_EVENTS)
    for alert in session.scalars(published.order_by(Alert.id)):
        assert alert.published_at is not None
        events.append(_event(alert.published_at, "alert", alert.headline or alert.identifier))
    return events


def repair_events(assessment: Assessment) -> list[dict[str, Any]]:
    """When the plan finishes each repair (absolute times)."""
    plan = assessment.plan
    if plan is None:
        return []
    words = Labeller(assessment.city)
    start = assessment.scenario.start
    return [
        _event(start + timedelta(hours=float(end_h)), "repair", words.label(task.id))
        for task, end_h in zip(plan.problem.tasks, plan.schedule.end_h, strict=True)
    ]


def timeline(session: Session, assessment: Assessment, now: datetime) -> dict[str, Any]:
    """The events in time order and the span to replay, on the scenario's clock: from
    the earliest of the scenario's start and the first event, to the latest of now and
    the last event."""
    events = log_events(session) + repair_events(assessment)
    for event in events:
        event["at"] = on_clock(assessment, datetime.fromisoformat(event["at"])).isoformat()
    events.sort(key=lambda event: datetime.fromisoformat(event["at"]))
    moments = [assessment.scenario.start, now] + [
        datetime.fromisoformat(event["at"]) for event in events
    ]
    return {
        "start": on_clock(assessment, min(moments)).isoformat(timespec="seconds"),
        "end": on_clock(assessment, max(moments)).isoformat(timespec="seconds"),
        "now": on_clock(assessment, now).isoformat(timespec="seconds"),
        "scenario_start": assessment.scenario.start.isoformat(timespec="seconds"),
        "events": events,
    }


def alerts_published_by(session: Session, at: datetime) -> int:
    """How many alerts had been published at ``at``."""
    query = select(func.count()).select_from(Alert).where(Alert.published_at <= at)
    return session.scalar(query) or 0


def incidents_by(session: Session, at: datetime) -> int:
    """How many incidents had occurred (or been logged, when their time is unknown) at ``at``."""
    rows = session.execute(select(Incident.occurred_at, Incident.created_at)).all()
    return sum(1 for occurred, created in rows if (occurred or created) <= at)
