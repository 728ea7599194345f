"""Incidents, their revisions, reports, candidate and confirmed damage."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response, status
from sqlalchemy.orm import Session

from warmgrid.api.deps import CityDep, Operator, ReadSession, StoreDep, Viewer
from warmgrid.api.schemas import CandidateOut, DamageOut, IncidentOut, ReportOut, RevisionOut
from warmgrid.errors import InputError
from warmgrid.incidents import log
from warmgrid.incidents.candidates import MAX_RADIUS_M, candidate_assets, city_asset_ids
from warmgrid.incidents.domain import (
    DamageIn,
    IncidentIn,
    IncidentKind,
    IncidentPatch,
    IncidentStatus,
    ReportIn,
)
from warmgrid.store.errors import ConflictError
from warmgrid.store.group_commit import GroupCommit

router = APIRouter(prefix="/incidents", tags=["incidents"])

IncidentId = Annotated[int, Path(ge=1, le=2**31 - 1)]
LinkId = Annotated[int, Path(ge=1, le=2**31 - 1)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[!-~]{1,200}$",
        description="Any string unique for the caller (e.g. a UUID): a retry by the same "
        "user with the same key and body returns the stored report and stores nothing twice; "
        "keys of different users never meet.",
    ),
]


@router.get("", response_model=list[IncidentOut])
def list_incidents(
    _: Viewer,
    session: ReadSession,
    status_: Annotated[IncidentStatus | None, Query(alias="status")] = None,
    kind: IncidentKind | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> list[IncidentOut]:
    """Incidents, newest first."""
    rows = log.list_incidents(session, status_, kind, limit, offset)
    return [IncidentOut.model_validate(row) for row in rows]


@router.post("", response_model=IncidentOut, status_code=status.HTTP_201_CREATED)
def create_incident(data: IncidentIn, who: Operator, store: StoreDep) -> IncidentOut:
    """Record a new incident (status ``reported``), optionally with its first report."""
    with store.write() as session:
        return IncidentOut.model_validate(log.create_incident(session, data, who.actor))


@router.get("/{incident_id}", response_model=IncidentOut)
def get_incident(incident_id: IncidentId, _: Viewer, session: ReadSession) -> IncidentOut:
    """One incident in its current revision."""
    return IncidentOut.model_validate(log.get_incident(session, incident_id))


@router.patch("/{incident_id}", response_model=IncidentOut)
def revise_incident(
    incident_id: IncidentId, patch: IncidentPatch, who: Operator, store: StoreDep
) -> IncidentOut:
    """Correct an incident or change its status; stored as a new revision."""
    with store.write() as session:
        incident = log.revise_incident(session, incident_id, patch, who.actor)
        return IncidentOut.model_validate(incident)


@router.get("/{incident_id}/revisions", response_model=list[RevisionOut])
def list_revisions(incident_id: IncidentId, _: Viewer, session: ReadSession) -> list[RevisionOut]:
    """Every revision of an incident, oldest first."""
    return [RevisionOut.model_validate(row) for row in log.revisions(session, incident_id)]


@router.get("/{incident_id}/reports", response_model=list[ReportOut])
def list_reports(incident_id: IncidentId, _: Viewer, session: ReadSession) -> list[ReportOut]:
    """The reports of an incident, oldest first."""
    return [ReportOut.model_validate(row) for row in log.list_reports(session, incident_id)]


@router.post(
    "/{incident_id}/reports",
    response_model=ReportOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": ReportOut, "description": "A retry: the report stored with this key"}
    },
)
async def add_report(
    incident_id: IncidentId,
    data: ReportIn,
    who: Operator,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Add a sourced report. The answer comes only after the report is committed.

    Reports arriving together are committed together (group commit, see
    :mod:`warmgrid.store.group_commit`); each is answered once its transaction commits.
    """

    def write(session: Session) -> tuple[ReportOut, bool]:
        row, created = log.store_report(
            session, incident_id, data, who.actor, idempotency_key, who.user_id
        )
        return ReportOut.model_validate(row), created

    group_commit: GroupCommit = request.app.state.group_commit
    out, created = await group_commit.submit(write)
    return Response(  # already a validated ReportOut: skip FastAPI's re-validation
        content=out.model_dump_json(),
        status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        media_type="application/json",
    )


@router.get("/{incident_id}/candidates", response_model=list[CandidateOut])
def list_candidates(
    incident_id: IncidentId,
    _: Viewer,
    session: ReadSession,
    city: CityDep,
    radius_m: Annotated[float | None, Query(ge=0, le=MAX_RADIUS_M)] = None,
) -> list[CandidateOut]:
    """Assets of the city within ``radius_m`` of the incident (default: its precision, or
    250 m), nearest first: candidate damage for an operator to confirm."""
    if city is None:
        raise ConflictError("the server runs without a city; no candidate assets")
    incident = log.get_incident(session, incident_id)
    if incident.location is None:
        raise ConflictError(f"incident {incident_id} has no location")
    radius = radius_m if radius_m is not None else max(incident.location_precision_m or 0, 250.0)
    found = candidate_assets(city, incident.location, radius)
    return [CandidateOut.model_validate(candidate) for candidate in found]


@router.get("/{incident_id}/damage", response_model=list[DamageOut])
def list_damage(incident_id: IncidentId, _: Viewer, session: ReadSession) -> list[DamageOut]:
    """Damage links of an incident, retracted ones included."""
    return [DamageOut.model_validate(row) for row in log.damage_links(session, incident_id)]


@router.post("/{incident_id}/damage", response_model=DamageOut, status_code=201)
def confirm_damage(
    incident_id: IncidentId, data: DamageIn, who: Operator, store: StoreDep, city: CityDep
) -> DamageOut:
    """Confirm that the incident damaged an asset of the city."""
    distance_m = None
    if city is not None:
        if data.asset_id not in city_asset_ids(city):
            raise InputError("asset_id", f"no asset {data.asset_id!r} in the city")
        with store.read() as session:
            location = log.get_incident(session, incident_id).location
        if location is not None:
            distance_m = _distance_to(city, location, data.asset_id)
    with store.write() as session:
        link = log.confirm_damage(session, incident_id, data, who.actor, distance_m)
        return DamageOut.model_validate(link)


@router.post("/{incident_id}/damage/{link_id}/retract", response_model=DamageOut)
def retract_damage(
    incident_id: IncidentId, link_id: LinkId, who: Operator, store: StoreDep
) -> DamageOut:
    """Retract a damage link (it stays in the log, marked retracted)."""
    with store.write() as session:
        return DamageOut.model_validate(
            log.retract_damage(session, incident_id, link_id, who.actor)
        )


def _distance_to(city: object, location: dict[str, Any], asset_id: str) -> float | None:
    found = candidate_assets(city, location, MAX_RADIUS_M)
    return next((c.distance_m for c in found if c.asset_id == asset_id), None)
