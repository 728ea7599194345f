"""Typed SQLAlchemy 2 tables of the warmgrid store.

Nothing here is ever deleted: incidents change through new rows in
``incident_revisions``, alerts are immutable once published, and every write leaves an
``audit_log`` row (who, when, what).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite keeps no zone, PostgreSQL keeps ``timestamptz``; both come back as aware UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: warmgrid stores only timezone-aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (needed by the migrations)."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class User(Base):
    """A person with an account: tokens are issued to a user, whose role caps theirs.

    ``created_by_user_id`` is the account that provisioned this one (``None`` when it
    was added from the command line of the server): the two-person rule refuses an
    approval through an account or token that the author provisioned.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    disabled_at: Mapped[datetime | None] = mapped_column(default=None)


class ApiToken(Base):
    """An API token of a user: only the SHA-256 of its secret is kept.

    ``name`` is a label for the token (by default its user's name); ``role`` is at most
    the user's role.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


class Incident(Base):
    """The current state of an incident; its history is in :class:`IncidentRevision`."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime | None] = mapped_column(default=None)
    time_precision: Mapped[str] = mapped_column(String(20))
    location: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    location_precision_m: Mapped[float | None] = mapped_column(Float, default=None)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200))


class IncidentRevision(Base):
    """One append-only revision of an incident: the full state after the change."""

    __tablename__ = "incident_revisions"
    __table_args__ = (UniqueConstraint("incident_id", "revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict[str, Any]] = mapped_column()
    state: Mapped[dict[str, Any]] = mapped_column()


class Report(Base):
    """A sourced report about an incident, stored exactly as received.

    An idempotency key is scoped to the user who sent it.
    """

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("submitted_by_user_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    source_name: Mapped[str] = mapped_column(String(300))
    source_kind: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column()
    quoted_text: Mapped[str] = mapped_column(Text)
    figures: Mapped[list[Any]] = mapped_column()
    certainty: Mapped[str] = mapped_column(String(20))
    submitted_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), default=None)
    request_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    submitted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


class DamageLink(Base):
    """An asset of the city that an incident damaged, as confirmed by an operator.

    A retracted link keeps its row (``retracted_at`` set); nothing is deleted.
    """

    __tablename__ = "damage_links"
    __table_args__ = (UniqueConstraint("incident_id", "asset_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    asset_id: Mapped[str] = mapped_column(String(200))
    distance_m: Mapped[float | None] = mapped_column(Float, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_by: Mapped[str] = mapped_column(String(200))
    retracted_at: Mapped[datetime | None] = mapped_column(default=None)
    retracted_by: Mapped[str | None] = mapped_column(String(200), default=None)


class AssessmentRecord(Base):
    """The impact of the confirmed damage at one moment (a summary, stored as JSON)."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    asset_ids: Mapped[list[Any]] = mapped_column()
    result: Mapped[dict[str, Any]] = mapped_column()


class PlanRecord(Base):
    """A restoration plan for an assessment: crews in, schedule and ETRs out.

    Plan hours count from ``created_at``; ``result`` is
    :func:`warmgrid.restore.plan.plan_to_dict`; ``building_etr`` lists the buildings that
    lost a service with their ``power_etr_h`` and ``heat_etr_h`` (``None``: unknown or not
    lost).
    """

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    crews: Mapped[list[Any]] = mapped_column()
    settings: Mapped[dict[str, Any]] = mapped_column()
    result: Mapped[dict[str, Any]] = mapped_column()
    building_etr: Mapped[list[Any]] = mapped_column()


class Alert(Base):
    """A CAP message. Drafts become immutable once an approver publishes them.

    ``scope`` is the CAP ``scope`` (``Public``, ``Restricted`` or ``Private``): only
    ``Public`` messages are ever shown on the public endpoints.
    """

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identifier: Mapped[str] = mapped_column(String(300), unique=True)
    sender: Mapped[str] = mapped_column(String(300))
    sent: Mapped[str] = mapped_column(String(40))
    msg_type: Mapped[str] = mapped_column(String(20))
    headline: Mapped[str] = mapped_column(Text, default="")
    expires: Mapped[datetime | None] = mapped_column(default=None)
    cap_references: Mapped[str] = mapped_column(Text, default="")
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), default=None)
    xml: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    published_by: Mapped[str | None] = mapped_column(String(200), default=None)
    superseded_by: Mapped[str | None] = mapped_column(String(300), default=None)
    scope: Mapped[str] = mapped_column(String(20), default="Public")
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    published_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


class AuditEntry(Base):
    """One write: who did what to which record, and when."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str] = mapped_column(String(300))
    detail: Mapped[dict[str, Any]] = mapped_column()


class RotationRecord(Base):
    """A published rotation schedule; the newest row is the current one.

    ``schedule`` is the JSON object of ``warmgrid rotate --json`` as checked by
    :func:`warmgrid.rotate.schedule_file.read_schedule`; its slot hours count from
    ``starts_at``. Replacing the schedule adds a row; none is deleted.
    """

    __tablename__ = "rotations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    starts_at: Mapped[datetime] = mapped_column()
    schedule: Mapped[dict[str, Any]] = mapped_column()


class BrowserSessionRecord(Base):
    """A browser signed in with an API token (the console's session cookie).

    Only the SHA-256 of the session id is kept, so a copy of the store signs nobody in.
    The session acts as its token: revoking the token (or disabling its user) ends it.
    ``ended_at`` is set on sign-out.
    """

    __tablename__ = "browser_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
