"""The incident log: append-only operations on a store session.

Every function writes an audit entry in the same transaction as its change; incidents
change only through new revisions; reports and damage links are never deleted.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from warmgrid.incidents.domain import (
    DamageIn,
    IncidentIn,
    IncidentKind,
    IncidentPatch,
    IncidentStatus,
    ReportIn,
    check_transition,
)
from warmgrid.store.audit import record
from warmgrid.store.errors import ConflictError, NotFoundError
from warmgrid.store.models import DamageLink, Incident, IncidentRevision, Report, utcnow

STATE_FIELDS = (
    "kind",
    "status",
    "title",
    "description",
    "occurred_at",
    "time_precision",
    "location",
    "location_precision_m",
)


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def incident_state(incident: Incident) -> dict[str, Any]:
    """The revisable fields of ``incident`` as JSON-ready values."""
    state = {name: getattr(incident, name) for name in STATE_FIELDS}
    if state["occurred_at"] is not None:
        state["occurred_at"] = state["occurred_at"].isoformat()
    return state


def create_incident(session: Session, data: IncidentIn, actor: str) -> Incident:
    """Store a new incident (status ``reported``) with revision 1 and its first report."""
    now = utcnow()
    incident = Incident(
        kind=data.kind.value,
        status=IncidentStatus.REPORTED.value,
        title=data.title,
        description=data.description,
        occurred_at=_utc(data.occurred_at),
        time_precision=data.time_precision.value,
        location=data.location.model_dump(mode="json") if data.location else None,
        location_precision_m=data.location_precision_m,
        revision=1,
        created_at=now,
        created_by=actor,
        updated_at=now,
        updated_by=actor,
    )
    session.add(incident)
    session.flush()
    state = incident_state(incident)
    session.add(
        IncidentRevision(
            incident_id=incident.id,
            revision=1,
            changed_at=now,
            changed_by=actor,
            note="created",
            changes={name: [None, value] for name, value in state.items()},
            state=state,
        )
    )
    record(session, actor, "incident.create", "incident", incident.id, state)
    if data.report is not None:
        add_report(session, incident.id, data.report, actor)
    return incident


def get_incident(session: Session, incident_id: int) -> Incident:
    """The incident with ``incident_id``, or :class:`NotFoundError`."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFoundError("incident", str(incident_id))
    return incident


def list_incidents(
    session: Session,
    status: IncidentStatus | None = None,
    kind: IncidentKind | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Incident]:
    """Incidents, newest first, optionally filtered."""
    query = select(Incident).order_by(Incident.id.desc()).limit(limit).offset(offset)
    if status is not None:
        query = query.where(Incident.status == status.value)
    if kind is not None:
        query = query.where(Incident.kind == kind.value)
    return list(session.scalars(query))


def revise_incident(
    session: Session, incident_id: int, patch: IncidentPatch, actor: str
) -> Incident:
    """Apply a correction as a new revision (who, when, what changed, and why)."""
    incident = get_incident(session, incident_id)
    before = incident_state(incident)
    requested = patch.changed_fields()
    if "status" in requested:
        check_transition(IncidentStatus(incident.status), IncidentStatus(requested["status"]))
    for name in requested:
        value = getattr(patch, name)
        if name == "location":
            value = value.model_dump(mode="json") if value is not None else None
        elif name == "occurred_at":
            value = _utc(value)
        elif hasattr(value, "value"):
            value = value.value
        setattr(incident, name, value)
    if incident.occurred_at is None and incident.time_precision != "unknown":
        raise ConflictError("time_precision other than 'unknown' needs occurred_at")
    if incident.location is None and incident.location_precision_m is not None:
        raise ConflictError("location_precision_m needs a location")
    after = incident_state(incident)
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if not changes:
        return incident
    now = utcnow()
    incident.revision += 1
    incident.updated_at = now
    incident.updated_by = actor
    session.add(
        IncidentRevision(
            incident_id=incident.id,
            revision=incident.revision,
            changed_at=now,
            changed_by=actor,
            note=patch.reason,
            changes=changes,
            state=after,
        )
    )
    record(
        session,
        actor,
        "incident.revise",
        "incident",
        incident.id,
        {"revision": incident.revision, "changes": changes, "reason": patch.reason},
    )
    return incident


def revisions(session: Session, incident_id: int) -> list[IncidentRevision]:
    """Every revision of an incident, oldest first."""
    get_incident(session, incident_id)
    return list(
        session.scalars(
            select(IncidentRevision)
            .where(IncidentRevision.incident_id == incident_id)
            .order_by(IncidentRevision.revision)
        )
    )


def _request_digest(incident_id: int, dumped: dict[str, Any]) -> str:
    payload = json.dumps({"incident_id": incident_id, **dumped}, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


_REPORTS = cast(Table, Report.__table__)
_INSERT_REPORT = {
    "sqlite": sqlite_insert(_REPORTS)
    .on_conflict_do_nothing(index_elements=["submitted_by_user_id", "idempotency_key"])
    .returning(_REPORTS.c.id),
    "postgresql": postgresql_insert(_REPORTS)
    .on_conflict_do_nothing(index_elements=["submitted_by_user_id", "idempotency_key"])
    .returning(_REPORTS.c.id),
}
_KEY_USED = select(_REPORTS).where(
    _REPORTS.c.idempotency_key == bindparam("key"),
    _REPORTS.c.submitted_by_user_id == bindparam("user_id"),
)


def store_report(
    session: Session,
    incident_id: int,
    data: ReportIn,
    actor: str,
    idempotency_key: str | None = None,
    user_id: int | None = None,
) -> tuple[dict[str, Any], bool]:
    """Store a report; returns its row (column name → value) and whether it is new.

    With an ``idempotency_key`` (scoped to the sender, ``user_id``, which it then
    needs) a retried request returns the row stored the first time and stores
    nothing; the same key with a different report is a conflict. This
    is the hot path of report submission, in SQLAlchemy Core (no ORM objects): one
    ``INSERT … ON CONFLICT DO NOTHING`` on the unique key (a concurrent twin waits for
    the first and then inserts nothing) and the audit ``INSERT``.
    """
    if idempotency_key is not None and user_id is None:
        raise ConflictError("an Idempotency-Key needs a user to scope it to")
    connection = session.connection()
    dumped = data.model_dump(mode="json")
    digest = _request_digest(incident_id, dumped)
    row: dict[str, Any] = {
        "incident_id": incident_id,
        "source_name": data.source_name,
        "source_kind": dumped["source_kind"],
        "received_at": data.received_at.astimezone(UTC),
        "quoted_text": data.quoted_text,
        "figures": dumped["figures"],
        "certainty": dumped["certainty"],
        "submitted_by": actor,
        "created_at": utcnow(),
        "idempotency_key": idempotency_key,
        "request_sha256": digest,
        "submitted_by_user_id": user_id,
    }
    statement = _INSERT_REPORT[connection.dialect.name]
    try:
        report_id = connection.scalar(statement, row)
    except IntegrityError as error:  # the one constraint left: the incident must exist
        raise NotFoundError("incident", str(incident_id)) from error
    if report_id is None:
        key = idempotency_key or ""
        existing = (
            connection.execute(_KEY_USED, {"key": key, "user_id": user_id}).mappings().first()
        )
        if existing is None:
            raise ConflictError(f"Idempotency-Key {key!r} is in use; retry")
        if existing["request_sha256"] != digest:
            raise ConflictError(f"Idempotency-Key {key!r} was already used for a different report")
        return dict(existing), False
    record(
        session,
        actor,
        "report.create",
        "report",
        report_id,
        {"incident_id": incident_id, "idempotency_key": idempotency_key},
    )
    return {"id": report_id, **row}, True


def add_report(
    session: Session,
    incident_id: int,
    data: ReportIn,
    actor: str,
    idempotency_key: str | None = None,
    user_id: int | None = None,
) -> tuple[Report, bool]:
    """Store a report; returns it and whether it was new (see :func:`store_report`)."""
    row, created = store_report(session, incident_id, data, actor, idempotency_key, user_id)
    if created:
        return Report(**row), True
    existing = session.get(Report, row["id"])
    if existing is None:  # pragma: no cover - the row was read in this transaction
        raise NotFoundError("report", str(row["id"]))
    return existing, False


def list_reports(session: Session, incident_id: int) -> list[Report]:
    """The reports of an incident, oldest first."""
    get_incident(session, incident_id)
    return list(
        session.scalars(select(Report).where(Report.incident_id == incident_id).order_by(Report.id))
    )


def count_reports(session: Session) -> int:
    """How many reports the store holds."""
    return session.scalar(select(func.count()).select_from(Report)) or 0


def confirm_damage(
    session: Session,
    incident_id: int,
    data: DamageIn,
    actor: str,
    distance_m: float | None = None,
    at: datetime | None = None,
) -> DamageLink:
    """Link an asset to an incident as confirmed damage (again, if it was retracted),
    confirmed now or ``at`` (a replayed log, such as the demo's, gives its own time)."""
    incident = get_incident(session, incident_id)
    if incident.status == IncidentStatus.RULED_OUT.value:
        raise ConflictError(f"incident {incident_id} is ruled out; it damaged nothing")
    link = session.scalar(
        select(DamageLink).where(
            DamageLink.incident_id == incident_id, DamageLink.asset_id == data.asset_id
        )
    )
    if link is not None and link.retracted_at is None:
        raise ConflictError(f"asset {data.asset_id!r} is already confirmed for this incident")
    if link is None:
        link = DamageLink(incident_id=incident_id, asset_id=data.asset_id, confirmed_by=actor)
        session.add(link)
    link.distance_m = distance_m
    link.note = data.note
    link.confirmed_at = at or utcnow()
    link.confirmed_by = actor
    link.retracted_at = None
    link.retracted_by = None
    session.flush()
    record(
        session,
        actor,
        "damage.confirm",
        "damage_link",
        link.id,
        {"incident_id": incident_id, "asset_id": data.asset_id, "note": data.note},
    )
    return link


def retract_damage(session: Session, incident_id: int, link_id: int, actor: str) -> DamageLink:
    """Mark a damage link as retracted (the row and its history stay)."""
    link = session.get(DamageLink, link_id)
    if link is None or link.incident_id != incident_id:
        raise NotFoundError("damage link", str(link_id))
    if link.retracted_at is not None:
        raise ConflictError(f"damage link {link_id} is already retracted")
    link.retracted_at = utcnow()
    link.retracted_by = actor
    record(
        session,
        actor,
        "damage.retract",
        "damage_link",
        link.id,
        {"incident_id": incident_id, "asset_id": link.asset_id},
    )
    return link


def damage_links(session: Session, incident_id: int) -> list[DamageLink]:
    """Every damage link of an incident (retracted ones too), oldest first."""
    get_incident(session, incident_id)
    return list(
        session.scalars(
            select(DamageLink).where(DamageLink.incident_id == incident_id).order_by(DamageLink.id)
        )
    )


def confirmed_asset_ids(
    session: Session, incident_ids: list[int] | None = None, as_of: datetime | None = None
) -> list[str]:
    """Asset ids of current confirmed damage (not retracted, incident not ruled out);
    with ``as_of``, of the damage confirmed at that moment: confirmed by then, not yet
    retracted, its incident not ruled out by then (after its revisions up to then). A
    link retracted and confirmed again counts from its last confirmation."""
    query = (
        select(DamageLink.asset_id, DamageLink.incident_id)
        .join(Incident, Incident.id == DamageLink.incident_id)
        .distinct()
        .order_by(DamageLink.asset_id)
    )
    if incident_ids is not None:
        query = query.where(DamageLink.incident_id.in_(incident_ids))
    if as_of is None:
        query = query.where(DamageLink.retracted_at.is_(None), Incident.status != "ruled_out")
        return list(dict.fromkeys(row.asset_id for row in session.execute(query)))
    query = query.where(
        DamageLink.confirmed_at <= as_of,
        or_(DamageLink.retracted_at.is_(None), DamageLink.retracted_at > as_of),
    )
    rows = session.execute(query).all()
    ruled_out = _ruled_out_as_of(session, {row.incident_id for row in rows}, as_of)
    return list(dict.fromkeys(row.asset_id for row in rows if row.incident_id not in ruled_out))


def _ruled_out_as_of(session: Session, incident_ids: set[int], as_of: datetime) -> set[int]:
    """Which of ``incident_ids`` were ruled out at ``as_of`` (by their last revision then)."""
    if not incident_ids:
        return set()
    status: dict[int, str] = {}
    for revision in session.scalars(
        select(IncidentRevision)
        .where(IncidentRevision.incident_id.in_(incident_ids), IncidentRevision.changed_at <= as_of)
        .order_by(IncidentRevision.incident_id, IncidentRevision.revision)
    ):
        status[revision.incident_id] = str(revision.state.get("status", ""))
    return {ident for ident, value in status.items() if value == IncidentStatus.RULED_OUT.value}
