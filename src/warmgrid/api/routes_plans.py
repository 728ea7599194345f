"""Restoration plans: an assessment plus crews → which crew repairs what, when, and the
estimated restoration time (ETR) of every building, stored."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, status
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select

from warmgrid.api.deps import CityDep, Operator, ReadSession, StoreDep, Viewer
from warmgrid.api.routes_assessments import impact_of
from warmgrid.api.schemas import BuildingEtrOut, PlanOut
from warmgrid.errors import InputError
from warmgrid.incidents.domain import Latitude, Longitude, Name
from warmgrid.model.timezone import etr_time, etr_times, local_time
from warmgrid.store.audit import record
from warmgrid.store.errors import ConflictError, NotFoundError
from warmgrid.store.models import PlanRecord, utcnow

router = APIRouter(prefix="/plans", tags=["plans"])
PlanId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Hours = Annotated[float, Field(ge=0, le=24 * 365, allow_inf_nan=False)]


def _repair_hours(value: float) -> float:
    """The one rule for repair hours (:func:`warmgrid.restore.problem.check_repair_h`)."""
    from warmgrid.restore.problem import check_repair_h

    try:
        return check_repair_h(value, "repair hours")
    except InputError as error:
        raise ValueError(error.problem) from None


class CrewIn(BaseModel):
    """A repair crew at its depot; ``skills`` empty: every skill (``electrical``,
    ``heat``)."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[Name, Field(max_length=100)]
    lon: Longitude
    lat: Latitude
    skills: Annotated[list[Annotated[Name, Field(max_length=50)]], Field(max_length=10)] = []
    available_from_h: Hours = 0.0
    shift_h: Annotated[float | None, Field(gt=0, le=24 * 14, allow_inf_nan=False)] = None


class PlanIn(BaseModel):
    """Plan the repairs of an assessment's damage with these crews. ``repair_hours``
    overrides the planning defaults by asset kind (e.g. ``{"trafo": 12}``)."""

    model_config = ConfigDict(extra="forbid")

    assessment_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    crews: Annotated[list[CrewIn], Field(min_length=1, max_length=200)]
    solver: Literal["heuristic", "exact"] = "heuristic"
    time_limit_s: Annotated[float, Field(gt=0, le=60, allow_inf_nan=False)] = 10.0
    repair_hours: Annotated[
        dict[
            Annotated[str, Field(min_length=1, max_length=40)],
            Annotated[float, AfterValidator(_repair_hours)],
        ],
        Field(max_length=50),
    ] = {}

    @model_validator(mode="after")
    def _unique_crews(self) -> PlanIn:
        ids = [crew.id for crew in self.crews]
        if len(set(ids)) != len(ids):
            raise ValueError("crew ids must be unique")
        return self


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _at(start: datetime, hours: float | None) -> str | None:
    return None if hours is None else etr_time(start, hours).isoformat()


def plan_out(row: PlanRecord, timezone: str) -> PlanOut:
    """A stored plan with its ETRs as times on the city's clock (rounded up to the
    quarter hour, as published)."""
    start = local_time(row.created_at, timezone)
    buildings = [
        BuildingEtrOut.model_validate(
            {
                **entry,
                "power_etr": _at(start, entry["power_etr_h"]),
                "heat_etr": _at(start, entry["heat_etr_h"]),
            }
        )
        for entry in row.building_etr
    ]
    task_end_h: dict[str, float] = row.result["task_end_h"]
    return PlanOut(
        id=row.id,
        assessment_id=row.assessment_id,
        created_at=row.created_at,
        created_by=row.created_by,
        starts_at=start,
        crews=row.crews,
        settings=row.settings,
        status=row.result["status"],
        solver=row.result["solver"],
        objective=row.result["objective"],
        asset_etr=etr_times(start, task_end_h),
        result=row.result,
        building_etr=buildings,
    )


@router.post("", response_model=PlanOut, status_code=status.HTTP_201_CREATED)
def create_plan(
    data: PlanIn, who: Operator, store: StoreDep, city: CityDep, request: Request
) -> PlanOut:
    """Plan the repairs of an assessment's damaged assets with the given crews; plan hours
    count from now. The plan and every building's ETR are stored."""
    from warmgrid.restore.from_city import plan_from_impact
    from warmgrid.restore.plan import plan_to_dict
    from warmgrid.restore.problem import Crew

    impact = impact_of(store, data.assessment_id, city, request)
    if not impact.damaged.any():
        raise ConflictError(f"assessment {data.assessment_id} has no damage: nothing to repair")
    crews = [
        Crew(
            id=c.id,
            lon=c.lon,
            lat=c.lat,
            skills=frozenset(c.skills) or None,
            available_from_h=c.available_from_h,
            shift_h=c.shift_h,
        )
        for c in data.crews
    ]
    plan, etr = plan_from_impact(
        city,
        impact,
        crews,
        solver=data.solver,
        time_limit_s=data.time_limit_s,
        repair_h=data.repair_hours or None,
        source=f"assessment {data.assessment_id}",
    )
    result = plan_to_dict(plan)
    buildings = [
        {
            "id": str(row.id),
            "power_etr_h": _finite(row.power_etr_h),
            "heat_etr_h": _finite(row.heat_etr_h),
        }
        for row in etr.itertuples(index=False)
    ]
    with store.write() as session:
        row = PlanRecord(
            assessment_id=data.assessment_id,
            created_at=utcnow(),
            created_by=who.actor,
            crews=[c.model_dump() for c in data.crews],
            settings={
                "solver": data.solver,
                "time_limit_s": data.time_limit_s,
                "repair_hours": data.repair_hours,
            },
            result=_json_safe(result),
            building_etr=buildings,
        )
        session.add(row)
        session.flush()
        record(
            session,
            who.actor,
            "plan.create",
            "plan",
            row.id,
            {"assessment_id": data.assessment_id, "crews": len(crews), "status": plan.status},
        )
        return plan_out(row, city.timezone)


def _json_safe(value: Any) -> Any:
    """``value`` with NaN and infinities as ``None`` (JSON has no such numbers)."""
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@router.get("", response_model=list[PlanOut])
def list_plans(
    _: Viewer,
    session: ReadSession,
    city: CityDep,
    assessment_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[PlanOut]:
    """Plans, newest first (optionally of one assessment)."""
    query = select(PlanRecord).order_by(PlanRecord.id.desc()).limit(limit)
    if assessment_id is not None:
        query = query.where(PlanRecord.assessment_id == assessment_id)
    return [plan_out(row, _timezone(city)) for row in session.scalars(query)]


@router.get("/{plan_id}", response_model=PlanOut)
def get_plan(plan_id: PlanId, _: Viewer, session: ReadSession, city: CityDep) -> PlanOut:
    """One plan."""
    row = session.get(PlanRecord, plan_id)
    if row is None:
        raise NotFoundError("plan", str(plan_id))
    return plan_out(row, _timezone(city))


def _timezone(city: Any) -> str:
    return str(getattr(city, "timezone", "UTC"))
