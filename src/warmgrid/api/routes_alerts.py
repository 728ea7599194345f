"""CAP alerts: drafts, publication by a second person, the public list and the feed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from warmgrid.alerts.feed import atom_feed
from warmgrid.api.deps import Approver, Operator, ReadSession, StoreDep, Viewer
from warmgrid.api.feed_cache import FeedCache
from warmgrid.api.schemas import AlertOut, PublicAlertOut
from warmgrid.store import Store, alert_log

CAP_MEDIA_TYPE = "application/cap+xml"
ATOM_MEDIA_TYPE = "application/atom+xml"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
AlertId = Annotated[int, Path(ge=1, le=2**31 - 1)]

public = APIRouter(tags=["public"])
internal = APIRouter(prefix="/alert-messages", tags=["alerts"])


class DraftIn(BaseModel):
    """A CAP 1.2 message to store as a draft, optionally tied to an incident."""

    model_config = ConfigDict(extra="forbid")

    cap_xml: Annotated[str, Field(min_length=1, max_length=1_000_000)]
    incident_id: Annotated[int | None, Field(ge=1, le=2**31 - 1)] = None


@public.get("/alerts", response_model=list[PublicAlertOut])
def published_alerts(
    session: ReadSession,
    current: Annotated[bool, Query(description="only those not superseded nor expired")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[PublicAlertOut]:
    """Published alerts of ``Public`` scope, newest first (public: no token needed;
    drafts, ``Restricted`` and ``Private`` messages and staff names are never shown)."""
    rows = (
        alert_log.current_public(session)[:limit]
        if current
        else alert_log.list_alerts(session, alert_log.PUBLISHED, limit, public_only=True)
    )
    return [PublicAlertOut.model_validate(row) for row in rows]


@public.get("/alerts/{alert_id}", response_model=PublicAlertOut)
def published_alert(alert_id: AlertId, session: ReadSession) -> PublicAlertOut:
    """One published alert of ``Public`` scope (public)."""
    return PublicAlertOut.model_validate(alert_log.get_public(session, alert_id))


@public.get(
    "/alerts/{alert_id}/cap",
    response_class=Response,
    responses={200: {"content": {CAP_MEDIA_TYPE: {}}}},
)
def published_alert_cap(alert_id: AlertId, session: ReadSession) -> Response:
    """The CAP XML of one published alert of ``Public`` scope (public)."""
    alert = alert_log.get_public(session, alert_id)
    return Response(content=alert.xml, media_type=CAP_MEDIA_TYPE)


def _build_feed(store: Store, cache: FeedCache, base_url: str) -> bytes:
    with store.read() as session:
        ids = alert_log.current_public_ids(session)
        key = tuple(ids)
        body = cache.same(base_url, key)
        if body is not None:
            return body
        alerts = [alert_log.get_public(session, alert_id) for alert_id in ids]
        items = [(alert.xml, {"url": f"{base_url}alerts/{alert.id}/cap"}) for alert in alerts]
        updated = max((a.published_at for a in alerts if a.published_at), default=EPOCH)
    body = atom_feed(
        items,
        feed_id=f"{base_url}feed.atom",
        title="warmgrid: current public alerts",
        self_url=f"{base_url}feed.atom",
        updated=updated,
    )
    cache.put(base_url, key, body)
    return body


@public.get(
    "/feed.atom",
    response_class=Response,
    responses={200: {"content": {ATOM_MEDIA_TYPE: {}}}},
)
async def feed(request: Request) -> Response:
    """The Atom feed of the current public alerts (published, not superseded nor expired)."""
    cache: FeedCache = request.app.state.feed
    base_url = request.app.state.deployment.public_url or str(request.base_url)
    body = cache.fresh(base_url)
    if body is None:
        body = await run_in_threadpool(_build_feed, request.app.state.store, cache, base_url)
    return Response(content=body, media_type=ATOM_MEDIA_TYPE)


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
            session, data.cap_xml.encode("utf-8"), who.actor, data.incident_id, who.user_id
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
def publish(alert_id: AlertId, who: Approver, store: StoreDep, request: Request) -> AlertOut:
    """Approve and publish a draft: needs an approver other than its author."""
    with store.write() as session:
        out = AlertOut.model_validate(alert_log.publish(session, alert_id, who))
    request.app.state.feed.clear()
    return out
