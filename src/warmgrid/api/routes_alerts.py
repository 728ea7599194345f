"""CAP alerts: drafts, publication by a second person, the public list and the feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from warmgrid.api.deps import Approver, Operator, ReadSession, StoreDep, Viewer
from warmgrid.api.schemas import AlertOut
from warmgrid.store import alert_log

CAP_MEDIA_TYPE = "application/cap+xml"
AlertId = Annotated[int, Path(ge=1, le=2**31 - 1)]

public = APIRouter(tags=["public"])
internal = APIRouter(prefix="/alert-messages", tags=["alerts"])


class DraftIn(BaseModel):
    """A CAP 1.2 message to store as a draft, optionally tied to an incident."""

    model_config = ConfigDict(extra="forbid")

    cap_xml: Annotated[str, Field(min_length=1, max_length=1_000_000)]
    incident_id: Annotated[int | None, Field(ge=1, le=2**31 - 1)] = None


@public.get("/alerts", response_model=list[AlertOut])
def published_alerts(
    session: ReadSession,
    current: Annotated[bool, Query(description="only those not superseded nor expired")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AlertOut]:
    """Published alerts, newest first (public: no token needed, drafts never shown)."""
    rows = (
        alert_log.current_public(session)[:limit]
        if current
        else alert_log.list_alerts(session, alert_log.PUBLISHED, limit)
    )
    return [AlertOut.model_validate(row) for row in rows]


@public.get("/alerts/{alert_id}", response_model=AlertOut)
def published_alert(alert_id: AlertId, session: ReadSession) -> AlertOut:
    """One published alert (public)."""
    return AlertOut.model_validate(alert_log.get_published(session, alert_id))


@public.get(
    "/alerts/{alert_id}/cap",
    response_class=Response,
    responses={200: {"content": {CAP_MEDIA_TYPE: {}}}},
)
def published_alert_cap(alert_id: AlertId, session: ReadSession) -> Response:
    """The CAP XML of one published alert (public)."""
    alert = alert_log.get_published(session, alert_id)
    return Response(content=alert.xml, media_type=CAP_MEDIA_TYPE)


@internal.get("", response_model=list[AlertOut])
def all_messages(
    _: Viewer,
    session: ReadSession,
    status_: Annotated[str | None, Query(alias="status", pattern="^(draft|published)$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> list[AlertOut]:
    """Every message, drafts included, newest first."""
    rows = alert_log.list_alerts(session, status_, limit, offset)
    return [AlertOut.model_validate(row) for row in rows]


@internal.post("", response_model=AlertOut, status_code=status.HTTP_201_CREATED)
def create_draft(data: DraftIn, who: Operator, store: StoreDep) -> AlertOut:
    """Store a CAP 1.2 message as a draft (it must pass the schema and feed rules).

    Updates and cancels are drafts of their own whose ``references`` name what they
    replace."""
    with store.write() as session:
        alert = alert_log.create_draft(
            session, data.cap_xml.encode("utf-8"), who.actor, data.incident_id
        )
        return AlertOut.model_validate(alert)


@internal.get("/{alert_id}", response_model=AlertOut)
def get_message(alert_id: AlertId, _: Viewer, session: ReadSession) -> AlertOut:
    """One message, drafts included."""
    return AlertOut.model_validate(alert_log.get_alert(session, alert_id))


@internal.get(
    "/{alert_id}/cap", response_class=Response, responses={200: {"content": {CAP_MEDIA_TYPE: {}}}}
)
def get_message_cap(alert_id: AlertId, _: Viewer, session: ReadSession) -> Response:
    """The CAP XML of one message, drafts included."""
    return Response(content=alert_log.get_alert(session, alert_id).xml, media_type=CAP_MEDIA_TYPE)


@internal.post("/{alert_id}/publish", response_model=AlertOut)
def publish(alert_id: AlertId, who: Approver, store: StoreDep) -> AlertOut:
    """Approve and publish a draft: needs an approver other than its author."""
    with store.write() as session:
        return AlertOut.model_validate(alert_log.publish(session, alert_id, who))
