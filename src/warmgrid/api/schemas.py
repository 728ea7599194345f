"""Shapes of the API's answers (the requests use :mod:`warmgrid.incidents.domain`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from warmgrid.incidents.domain import Text
from warmgrid.store.roles import Role


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class IncidentOut(_Out):
    """An incident in its current revision."""

    id: int
    kind: str
    status: str
    title: str
    description: str
    occurred_at: datetime | None
    time_precision: str
    location: dict[str, Any] | None
    location_precision_m: float | None
    revision: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


class RevisionOut(_Out):
    """One revision: who changed what and when; ``changes`` maps field → [old, new]."""

    revision: int
    changed_at: datetime
    changed_by: str
    note: str
    changes: dict[str, Any]
    state: dict[str, Any]


class ReportOut(_Out):
    """A stored report."""

    id: int
    incident_id: int
    source_name: str
    source_kind: str
    received_at: datetime
    quoted_text: str
    figures: list[dict[str, Any]]
    certainty: str
    submitted_by: str
    created_at: datetime
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
    confirmed_at: datetime
    confirmed_by: str
    retracted_at: datetime | None
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
    created_at: datetime
    created_by: str
    asset_ids: list[str]
    result: dict[str, Any]


class PublicAlertOut(_Out):
    """A published CAP message's envelope as the public sees it (no staff identity);
    its XML is at ``…/cap``."""

    id: int
    identifier: str
    sender: str
    sent: str
    msg_type: str
    headline: str
    expires: datetime | None
    cap_references: str
    published_at: datetime | None
    superseded_by: str | None


class AlertOut(PublicAlertOut):
    """A CAP message's envelope for staff: its scope, status, incident, who drafted and
    who published it."""

    scope: str
    incident_id: int | None
    status: str
    created_at: datetime
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
    created_at: datetime
    created_by: str
    created_by_user_id: int | None
    disabled_at: datetime | None


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
    created_at: datetime
    created_by: str
    created_by_user_id: int | None
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    """A new token with its secret: shown once, stored only as a hash."""

    secret: str


class AuditOut(_Out):
    """One audit log entry."""

    id: int
    at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    detail: dict[str, Any]
