"""Shapes of the API's answers (the requests use :mod:`warmgrid.incidents.domain`)."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime
from typing import Annotated, Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from warmgrid.incidents.domain import Text
from warmgrid.model.timezone import local_time
from warmgrid.store.roles import Role

#: The IANA time zone that answers show times in: the city's, set per request by
#: :func:`set_response_zone` (UTC without a city).
RESPONSE_ZONE: ContextVar[str] = ContextVar("warmgrid_response_zone", default="UTC")


def _in_response_zone(moment: datetime) -> str:
    return local_time(moment, RESPONSE_ZONE.get()).isoformat()


#: A time in an answer: ISO 8601 on the city's clock, with its UTC offset.
Moment = Annotated[datetime, PlainSerializer(_in_response_zone, return_type=str, when_used="json")]


async def set_response_zone(request: Request) -> None:
    """Answers of this request show times in the time zone of the app's city."""
    RESPONSE_ZONE.set(str(getattr(request.app.state.city, "timezone", None) or "UTC"))


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class IncidentOut(_Out):
    """An incident in its current revision."""

    id: int
    kind: str
    status: str
    title: str
    description: str
    occurred_at: Moment | None
    time_precision: str
    location: dict[str, Any] | None
    location_precision_m: float | None
    revision: int
    created_at: Moment
    created_by: str
    updated_at: Moment
    updated_by: str


class RevisionOut(_Out):
    """One revision: who changed what, when and why (``reason``); ``changes`` maps field →
    [old, new]."""

    revision: int
    changed_at: Moment
    changed_by: str
    reason: str = Field(validation_alias="note")
    changes: dict[str, Any]
    state: dict[str, Any]


class ReportOut(_Out):
    """A stored report."""

    id: int
    incident_id: int
    source_name: str
    source_kind: str
    received_at: Moment
    quoted_text: str
    figures: list[dict[str, Any]]
    certainty: str
    submitted_by: str
    created_at: Moment
    idempotency_key: str | None


class CandidateOut(_Out):
    """An asset of the city near the incident."""

    asset_id: str
    element: str
    network: str
    kind: str
    distance_m: float


class DamageOut(_Out):
    """An asset confirmed (or once confirmed, then retracted) as damaged by an incident."""

    id: int
    incident_id: int
    asset_id: str
    distance_m: float | None
    note: str
    confirmed_at: Moment
    confirmed_by: str
    retracted_at: Moment | None
    retracted_by: str | None


class AssessmentIn(BaseModel):
    """Which incidents' confirmed damage to assess (all open incidents when omitted)."""

    model_config = ConfigDict(extra="forbid")

    incident_ids: Annotated[
        list[Annotated[int, Field(ge=1, le=2**31 - 1)]] | None, Field(max_length=1000)
    ] = None


class AssessmentOut(_Out):
    """The impact of confirmed damage at one moment."""

    id: int
    created_at: Moment
    created_by: str
    asset_ids: list[str]
    result: dict[str, Any]


class BuildingEtrOut(BaseModel):
    """A building that lost a service: hours from the plan's start until each service is
    back (``None``: not lost, or no repair brings it back) and the published ETR times
    (city clock, rounded up to the quarter hour)."""

    id: str
    power_etr_h: float | None
    heat_etr_h: float | None
    power_etr: str | None
    heat_etr: str | None


class PlanOut(BaseModel):
    """A stored restoration plan: ``starts_at`` is its hour 0 (city clock); ``asset_etr``
    the published time each damaged asset is repaired; ``result`` the whole plan (crew
    timeline, group restoration hours, metrics, baselines)."""

    id: int
    assessment_id: int
    created_at: Moment
    created_by: str
    starts_at: Moment
    crews: list[dict[str, Any]]
    settings: dict[str, Any]
    status: str
    solver: str
    objective: float
    asset_etr: dict[str, str]
    result: dict[str, Any]
    building_etr: list[BuildingEtrOut]


class PublicAlertOut(_Out):
    """A published CAP message's envelope as the public sees it (no staff identity);
    its XML is at ``…/cap``."""

    id: int
    identifier: str
    sender: str
    sent: str
    msg_type: str
    headline: str
    expires: Moment | None
    cap_references: str
    published_at: Moment | None
    superseded_by: str | None


class AlertOut(PublicAlertOut):
    """A CAP message's envelope for staff: its scope, status, incident, who drafted and
    who published it."""

    scope: str
    incident_id: int | None
    status: str
    created_at: Moment
    created_by: str
    published_by: str | None


class UserIn(BaseModel):
    """A new user account (a person); tokens are then issued to it."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[Text, Field(min_length=1, max_length=100, pattern=r"^[^#]*[^#\s][^#]*$")]
    role: Role


class MeOut(BaseModel):
    """The caller of a request."""

    user_id: int
    name: str
    role: Role
    token_id: int


class UserOut(_Out):
    """A user account; ``created_by_user_id`` is the account that provisioned it."""

    id: int
    name: str
    role: str
    created_at: Moment
    created_by: str
    created_by_user_id: int | None
    disabled_at: Moment | None


class TokenIn(BaseModel):
    """A new API token for a user: ``role`` defaults to the user's (and cannot exceed it);
    ``name`` labels the token (default: the user's name)."""

    model_config = ConfigDict(extra="forbid")

    user_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    role: Role | None = None
    name: Annotated[
        Text | None, Field(min_length=1, max_length=100, pattern=r"^[^#]*[^#\s][^#]*$")
    ] = None


class TokenOut(_Out):
    """A token's record (never its secret)."""

    id: int
    name: str
    role: str
    user_id: int
    created_at: Moment
    created_by: str
    created_by_user_id: int | None
    revoked_at: Moment | None


class NewTokenOut(TokenOut):
    """A new token with its secret: shown once, stored only as a hash."""

    secret: str


class AuditOut(_Out):
    """One audit log entry."""

    id: int
    at: Moment
    actor: str
    action: str
    target_type: str
    target_id: str
    detail: dict[str, Any]
