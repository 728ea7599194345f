"""Assessments: the impact of the confirmed damage, stored with who asked and when."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from sqlalchemy import select

from warmgrid.api.deps import CityDep, Operator, ReadSession, StoreDep, Viewer
from warmgrid.api.schemas import AssessmentIn, AssessmentOut
from warmgrid.incidents import log
from warmgrid.incidents.impact import run_impact, summarise_impact
from warmgrid.store import Store
from warmgrid.store.audit import record
from warmgrid.store.errors import NotFoundError
from warmgrid.store.models import Assessment

router = APIRouter(prefix="/assessments", tags=["assessments"])


def impact_of(store: Store, assessment_id: int, city: Any, request: Request) -> Any:
    """The impact result of a stored assessment's damaged assets (404 if unknown)."""
    with store.read() as session:
        row = session.get(Assessment, assessment_id)
        if row is None:
            raise NotFoundError("assessment", str(assessment_id))
        asset_ids = list(row.asset_ids)
    return run_impact(city, asset_ids, request.app.state.compiled_city())


@router.post("", response_model=AssessmentOut, status_code=status.HTTP_201_CREATED)
def create_assessment(
    data: AssessmentIn, who: Operator, store: StoreDep, city: CityDep, request: Request
) -> AssessmentOut:
    """Run the impact of the current confirmed damage (of the given incidents, or all)."""
    with store.read() as session:
        for incident_id in data.incident_ids or []:
            log.get_incident(session, incident_id)
        asset_ids = log.confirmed_asset_ids(session, data.incident_ids)
    result = run_impact(city, asset_ids, request.app.state.compiled_city())
    summary = summarise_impact(city, result)
    with store.write() as session:
        row = Assessment(created_by=who.actor, asset_ids=asset_ids, result=summary)
        session.add(row)
        session.flush()
        record(
            session,
            who.actor,
            "assessment.create",
            "assessment",
            row.id,
            {"asset_ids": asset_ids, "incident_ids": data.incident_ids},
        )
        return AssessmentOut.model_validate(row)


@router.get("", response_model=list[AssessmentOut])
def list_assessments(
    _: Viewer, session: ReadSession, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[AssessmentOut]:
    """Assessments, newest first."""
    rows = session.scalars(select(Assessment).order_by(Assessment.id.desc()).limit(limit))
    return [AssessmentOut.model_validate(row) for row in rows]


@router.get("/{assessment_id}", response_model=AssessmentOut)
def get_assessment(
    assessment_id: Annotated[int, Path(ge=1, le=2**31 - 1)], _: Viewer, session: ReadSession
) -> AssessmentOut:
    """One assessment."""
    row = session.get(Assessment, assessment_id)
    if row is None:
        raise NotFoundError("assessment", str(assessment_id))
    return AssessmentOut.model_validate(row)
