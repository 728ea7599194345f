"""Composing CAP drafts: air-threat alerts, outage alerts, and updates, cancels and the
all-clear of published messages (new messages that reference what they replace)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Annotated, Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, Path, Request, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from warmgrid.alerts import compose
from warmgrid.alerts.outage import MAX_ETR_H
from warmgrid.api.deps import CityDep, Operator, StoreDep
from warmgrid.api.routes_assessments import impact_of
from warmgrid.api.schemas import AlertOut
from warmgrid.errors import InputError
from warmgrid.incidents.domain import Latitude, Longitude, Name, Text
from warmgrid.model.timezone import local_time
from warmgrid.store import alert_log
from warmgrid.store.errors import ConflictError, NotFoundError
from warmgrid.store.models import Alert, PlanRecord, utcnow
from warmgrid.store.tokens import Principal

router = APIRouter(prefix="/alert-messages", tags=["alerts"])
AlertId = Annotated[int, Path(ge=1, le=2**31 - 1)]
IncidentRef = Annotated[int | None, Field(ge=1, le=2**31 - 1)]
Minutes = Annotated[int, Field(ge=60, le=7 * 24 * 60)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AirThreatIn(_In):
    """A shelter alert for one district; ``polygon`` is its outline as [lon, lat] pairs."""

    district: Annotated[Name, Field(min_length=1, max_length=200)]
    polygon: Annotated[list[tuple[Longitude, Latitude]], Field(min_length=3, max_length=1000)]
    certainty: Annotated[str, Field(pattern="^(Observed|Likely|Possible)$")] = "Likely"
    expires_after_minutes: Minutes = 120
    incident_id: IncidentRef = None


class WarmingCentreIn(_In):
    """A heated, powered public place people can go to."""

    name: Annotated[Name, Field(min_length=1, max_length=200)]
    lon: Longitude
    lat: Latitude


class OutageIn(_In):
    """Outage alerts (one per contiguous area) for the buildings of an assessment; ETRs
    from a stored plan of it (``plan_id``), or one for all (``etr_hours``)."""

    assessment_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    warming_centres: Annotated[list[WarmingCentreIn], Field(max_length=100)] = []
    plan_id: Annotated[int | None, Field(ge=1, le=2**31 - 1)] = None
    etr_hours: Annotated[float | None, Field(ge=0, le=MAX_ETR_H, allow_inf_nan=False)] = None
    incident_id: IncidentRef = None

    @model_validator(mode="after")
    def _one_etr_source(self) -> OutageIn:
        if self.plan_id is not None and self.etr_hours is not None:
            raise ValueError("give plan_id or etr_hours, not both")
        return self


class UpdateIn(_In):
    """New texts for every info block (omitted ones are kept) and a new validity."""

    headline: Annotated[Name | None, Field(min_length=1, max_length=500)] = None
    description: Annotated[Name | None, Field(min_length=1, max_length=5000)] = None
    instruction: Annotated[Text | None, Field(max_length=5000)] = None
    expires_after_minutes: Minutes | None = None
    etr: Annotated[
        AwareDatetime | None,
        Field(description="A new restoration time (outage alerts; any ISO offset)"),
    ] = None
    note: Annotated[Text, Field(max_length=1000)] = ""


class CancelIn(_In):
    """Why the message is cancelled (appended to its description)."""

    reason: Annotated[Text, Field(max_length=1000)] = ""


class AllClearIn(_In):
    """The all-clear's validity."""

    expires_after_minutes: Minutes = 60


def _timezone(request: Request) -> str:
    return str(getattr(request.app.state.city, "timezone", "UTC"))


def _issuer(request: Request) -> compose.Issuer:
    city = request.app.state.city
    return request.app.state.deployment.issuer(str(getattr(city, "name", "") or ""))


def _store_drafts(
    store: Any, messages: list[compose.Message], who: Principal, incident_id: int | None
) -> list[AlertOut]:
    with store.write() as session:
        return [
            AlertOut.model_validate(
                alert_log.create_draft(
                    session, compose.to_xml(message), who.actor, incident_id, who.user_id
                )
            )
            for message in messages
        ]


def _previous(store: Any, alert_id: int) -> tuple[compose.Message, int | None]:
    with store.read() as session:
        alert: Alert = alert_log.get_alert(session, alert_id)
        if alert.status != alert_log.PUBLISHED:
            raise ConflictError(f"alert {alert_id} is a draft; only published ones are updated")
        if alert.superseded_by:
            raise ConflictError(f"alert {alert_id} is superseded by {alert.superseded_by!r}")
        return compose.from_xml(alert.xml), alert.incident_id


@router.post("/compose/air-threat", response_model=AlertOut, status_code=201)
def compose_air_threat(
    data: AirThreatIn, who: Operator, store: StoreDep, request: Request
) -> AlertOut:
    """Draft a shelter alert for a district (English and Ukrainian info blocks)."""
    message = compose.air_threat_alert(
        data.district,
        np.asarray(data.polygon, dtype=float),
        issuer=_issuer(request),
        sent=local_time(utcnow(), _timezone(request)),
        expires_after=timedelta(minutes=data.expires_after_minutes),
        certainty=data.certainty,
        incidents=[str(data.incident_id)] if data.incident_id else (),
    )
    return _store_drafts(store, [message], who, data.incident_id)[0]


def _plan_etr(store: Any, plan_id: int, assessment_id: int) -> tuple[pd.DataFrame, datetime]:
    """A stored plan's building ETR table (hours from its start, NaN unknown) and start."""
    with store.read() as session:
        plan = session.get(PlanRecord, plan_id)
        if plan is None:
            raise NotFoundError("plan", str(plan_id))
        if plan.assessment_id != assessment_id:
            raise ConflictError(
                f"plan {plan_id} is of assessment {plan.assessment_id}, not {assessment_id}"
            )
        frame = pd.DataFrame.from_records(
            plan.building_etr, columns=["id", "power_etr_h", "heat_etr_h"]
        )
        return frame.astype({"power_etr_h": float, "heat_etr_h": float}), plan.created_at


@router.post("/compose/outage", response_model=list[AlertOut], status_code=201)
def compose_outage(
    data: OutageIn, who: Operator, store: StoreDep, city: CityDep, request: Request
) -> list[AlertOut]:
    """Draft one outage alert per contiguous area of an assessment's affected buildings.

    With ``plan_id`` the ETRs are the plan's (counted from now; areas the plan has already
    restored get no alert); with ``etr_hours`` one ETR for every building; with neither
    the restoration time is "not yet known"."""
    from warmgrid.scenario.run import outage_at

    result = impact_of(store, data.assessment_id, city, request)
    sent = local_time(utcnow(), city.timezone)
    if data.plan_id is not None:
        etr, start = _plan_etr(store, data.plan_id, data.assessment_id)
        buildings = outage_at(city, result, etr, (sent - start).total_seconds() / 3600.0)
    else:
        no_plan = pd.DataFrame({"id": [], "power_etr_h": [], "heat_etr_h": []})
        buildings = outage_at(city, result, no_plan, 0.0)
        if data.etr_hours is not None:
            buildings = replace(buildings, etr_h=np.full(len(buildings.people), data.etr_hours))
    messages = compose.outage_alerts(
        buildings,
        [(c.name, c.lon, c.lat) for c in data.warming_centres],
        issuer=_issuer(request),
        sent=sent,
        options=compose.OutageAlertOptions(
            city_name=str(getattr(city, "name", "")),
            incidents=(str(data.incident_id),) if data.incident_id else (),
        ),
    )
    if not messages:
        raise ConflictError(f"assessment {data.assessment_id} leaves no building without service")
    return _store_drafts(store, messages, who, data.incident_id)


@router.post("/{alert_id}/update", response_model=AlertOut, status_code=status.HTTP_201_CREATED)
def compose_update(
    alert_id: AlertId, data: UpdateIn, who: Operator, store: StoreDep, request: Request
) -> AlertOut:
    """Draft an Update of a published message (it references the whole chain); ``etr``
    gives an outage alert a new restoration time (parameter, headline, description)."""
    previous, incident_id = _previous(store, alert_id)
    sent = local_time(utcnow(), _timezone(request))
    changes: dict[str, Any] = {
        name: getattr(data, name)
        for name in ("headline", "description", "instruction")
        if getattr(data, name) is not None
    }
    if data.expires_after_minutes is not None:
        changes["expires"] = sent.replace(microsecond=0) + timedelta(
            minutes=data.expires_after_minutes
        )
    infos = [replace(info, **changes) for info in previous.infos]
    if data.etr is not None:
        if data.etr <= sent:
            now = sent.replace(microsecond=0).isoformat()
            raise InputError("etr", f"must be after now ({now})")
        etr = local_time(data.etr, _timezone(request))
        infos = [compose.with_new_etr(info, etr) for info in infos]
    message = compose.update(previous, sent=sent, infos=infos, note=data.note)
    return _store_drafts(store, [message], who, incident_id)[0]


@router.post("/{alert_id}/cancel", response_model=AlertOut, status_code=status.HTTP_201_CREATED)
def compose_cancel(
    alert_id: AlertId, data: CancelIn, who: Operator, store: StoreDep, request: Request
) -> AlertOut:
    """Draft a Cancel of a published message."""
    previous, incident_id = _previous(store, alert_id)
    reasons = {info.language: data.reason for info in previous.infos}
    message = compose.cancel(
        previous, sent=local_time(utcnow(), _timezone(request)), reasons=reasons
    )
    return _store_drafts(store, [message], who, incident_id)[0]


@router.post("/{alert_id}/all-clear", response_model=AlertOut, status_code=status.HTTP_201_CREATED)
def compose_all_clear(
    alert_id: AlertId, data: AllClearIn, who: Operator, store: StoreDep, request: Request
) -> AlertOut:
    """Draft the all-clear of a published air-threat alert."""
    previous, incident_id = _previous(store, alert_id)
    if not any("Shelter" in info.response_types for info in previous.infos):
        raise ConflictError(f"alert {alert_id} is not a shelter alert; nothing to clear")
    message = compose.all_clear(
        previous,
        sent=local_time(utcnow(), _timezone(request)),
        expires_after=timedelta(minutes=data.expires_after_minutes),
    )
    return _store_drafts(store, [message], who, incident_id)[0]
