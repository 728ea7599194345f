"""The current rotation schedule (rotating outages): operators publish it, the public reads
it, looks up their building's group and downloads its calendar.

``PUT /rotation`` takes the JSON object of ``warmgrid rotate --json``, checked against the
city (:func:`warmgrid.rotate.schedule_file.read_schedule`); every answer of the public
routes is :func:`warmgrid.rotate.publish.public_schedule`, the serialiser of the published
files too, with no staff identity.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from warmgrid.api.deps import CityDep, Operator, ReadSession, StoreDep, Viewer
from warmgrid.api.routes_compose import _issuer, _store_drafts
from warmgrid.api.schemas import AlertOut
from warmgrid.errors import UnknownIdError
from warmgrid.incidents.domain import Name
from warmgrid.model.timezone import local_time, parse_time
from warmgrid.rotate.publish import csv_source, csv_text, file_stem, public_schedule
from warmgrid.rotate.schedule_file import RotationSchedule, read_schedule
from warmgrid.store.audit import record
from warmgrid.store.errors import ConflictError
from warmgrid.store.models import RotationRecord, utcnow

internal = APIRouter(prefix="/rotation", tags=["rotation"])
public = APIRouter(prefix="/public/rotation", tags=["public"])
MAX_MATCHES = 10
ISO_TIME = Annotated[
    str | None,
    Query(
        min_length=10,
        max_length=40,
        description="ISO 8601 time with a UTC offset, e.g. 2026-11-30T18:00:00+02:00",
    ),
]
ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"


class NotPublishedError(UnknownIdError):
    """Nothing published matches the request (HTTP 404), said in one sentence."""

    def __init__(self, message: str) -> None:
        Exception.__init__(self, message)
        self.kind, self.ident = "rotation", ""


def _city(city: Any) -> Any:
    if city is None:
        raise ConflictError("the server runs without a city (warmgrid serve --city …)")
    return city


def latest_rotation(session: Session) -> RotationRecord | None:
    """The newest published rotation schedule, if any."""
    query = select(RotationRecord).order_by(RotationRecord.id.desc()).limit(1)
    return session.scalars(query).first()


def current_rotation(session: Session) -> RotationRecord:
    """The newest published rotation schedule; 404 when there is none."""
    row = latest_rotation(session)
    if row is None:
        raise NotPublishedError(
            "no rotation schedule is published: no building is on rotating outages"
        )
    return row


def _published(
    row: RotationRecord, city: Any, request: Request
) -> tuple[RotationSchedule, dict[str, Any]]:
    """The checked schedule of ``row`` and its public view, kept for the current row
    (checking a schedule of a large city against it takes a good part of a second)."""
    views: dict[int, tuple[RotationSchedule, dict[str, Any]]] | None = getattr(
        request.app.state, "rotation_views", None
    )
    if views is None:
        views = request.app.state.rotation_views = {}
    if row.id not in views:
        schedule = read_schedule(row.schedule, city)
        views.clear()
        views[row.id] = (schedule, _view(schedule, row, city))
    return views[row.id]


def _view(schedule: RotationSchedule, row: RotationRecord, city: Any) -> dict[str, Any]:
    shown = public_schedule(schedule, city, row.starts_at)
    return {**shown, "updated": local_time(row.created_at, city.timezone).isoformat()}


@internal.put("")
def put_rotation(
    who: Operator,
    store: StoreDep,
    city: CityDep,
    schedule: Annotated[dict[str, Any], Body(description="The JSON of `warmgrid rotate --json`.")],
    start: ISO_TIME = None,
) -> dict[str, Any]:
    """Publish a rotation schedule (it replaces the current one). Slot hours count from
    ``start`` (default: the schedule's own ``start`` field, else the current hour)."""
    city = _city(city)
    checked = read_schedule(schedule, city)
    if start is not None:
        starts_at = parse_time(start, "start")
    elif isinstance(schedule.get("start"), str):
        starts_at = parse_time(schedule["start"], "schedule.start")
    else:
        starts_at = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    with store.write() as session:
        row = RotationRecord(
            created_at=utcnow(),
            created_by=who.actor,
            created_by_user_id=who.user_id,
            starts_at=starts_at,
            schedule=dict(checked.data),
        )
        session.add(row)
        session.flush()
        record(
            session,
            who.actor,
            "rotation.publish",
            "rotation",
            row.id,
            {
                "groups": len(checked.groups),
                "slots": len(checked.slots),
                "start": starts_at.isoformat(),
            },
        )
        return {"id": row.id, **_view(checked, row, city)}


@internal.get("")
def get_rotation(
    _: Viewer, session: ReadSession, city: CityDep, request: Request
) -> dict[str, Any] | None:
    """The current schedule as stored (branch ids included), who published it and when,
    and ``public``: what the public page shows of it (for the console's board); ``null``
    when none is published."""
    city = _city(city)
    row = latest_rotation(session)
    if row is None:
        return None
    return {
        "id": row.id,
        "created_at": local_time(row.created_at, city.timezone).isoformat(),
        "created_by": row.created_by,
        "start": local_time(row.starts_at, city.timezone).isoformat(),
        "schedule": row.schedule,
        "public": _published(row, city, request)[1],
    }


@internal.post("/alerts", response_model=list[AlertOut], status_code=201)
def draft_rotation_alerts(
    who: Operator,
    store: StoreDep,
    city: CityDep,
    request: Request,
    incident_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> list[AlertOut]:
    """Draft the CAP alerts of the current rotation, sent now: one per group still to be
    off (:mod:`warmgrid.rotate.cap`); another person publishes them, as every alert."""
    from warmgrid.rotate.cap import rotation_alerts

    city = _city(city)
    with store.read() as session:
        row = current_rotation(session)
        schedule, shown = _published(row, city, request)
    now = datetime.now(UTC).replace(microsecond=0)
    messages = rotation_alerts(schedule, city, shown, issued=now, issuer=_issuer(request))
    if not messages:
        raise ConflictError("no group of the published rotation is still to be off")
    return _store_drafts(store, messages, who, incident_id)


@public.get("")
def public_rotation(session: ReadSession, city: CityDep, request: Request) -> dict[str, Any]:
    """The published rotation: groups with their area names and off intervals on the
    city's clock (no sign-in)."""
    city = _city(city)
    return _published(current_rotation(session), city, request)[1]


def _next_off(intervals: list[dict[str, Any]], now: datetime) -> dict[str, Any] | None:
    return next((i for i in intervals if datetime.fromisoformat(i["finish"]) > now), None)


@public.get("/lookup")
def lookup(
    session: ReadSession,
    city: CityDep,
    request: Request,
    q: Annotated[Name, Query(min_length=1, max_length=200, description="Building id or name.")],
    at: ISO_TIME = None,
) -> dict[str, Any]:
    """Which group is my building in: buildings whose id is ``q`` or whose name (address)
    contains it, each with its group, the next off interval after ``at`` (default now) and
    the link to its calendar. 404 with a sentence when nothing matches."""
    city = _city(city)
    schedule, published = _published(current_rotation(session), city, request)
    now = parse_time(at, "at") if at else datetime.now(UTC)
    table = city.buildings
    needle = q.strip().lower()
    exact = table["id"].str.lower() == needle
    named = table["name"].str.lower().str.contains(needle, regex=False)
    rows = table[exact] if exact.any() else table[named]
    if rows.empty:
        raise NotPublishedError(f"no building has the id {q.strip()!r} or a name containing it")
    member = {b: g.id for g in schedule.groups for b in g.buildings}
    groups = {g["id"]: g for g in published["groups"]}
    matches = []
    for building in rows.head(MAX_MATCHES).itertuples(index=False):
        group = groups.get(member.get(building.id, ""))
        matches.append(
            {
                "id": building.id,
                "name": building.name,
                "group": None
                if group is None
                else {k: group[k] for k in ("id", "area_name", "critical", "people", "buildings")},
                "next_off": _next_off(group["off"], now) if group else None,
                "off": group["off"] if group else [],
                "calendar": str(request.url_for("group_calendar", group_id=group["id"]).path)
                if group and group["off"]
                else None,
            }
        )
    return {
        "query": q,
        "timezone": published["timezone"],
        "matches": matches,
        "more": len(rows) > MAX_MATCHES,
    }


@public.get(
    "/schedule.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}}
)
def schedule_csv(
    session: ReadSession,
    city: CityDep,
    request: Request,
    group: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> Response:
    """The off intervals as CSV (``area_name,start,finish,stage,source``; one group's
    with ``group``), as ``warmgrid rotation publish`` writes them."""
    city = _city(city)
    shown = _published(current_rotation(session), city, request)[1]
    if group is not None and group not in {g["id"] for g in shown["groups"]}:
        raise NotPublishedError(f"no rotation group {group!r} in the published schedule")
    text = csv_text(shown, csv_source(city.name), None if group is None else {group})
    return Response(content=text, media_type="text/csv; charset=utf-8")


@public.get(
    "/groups/{group_id}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
    name="group_calendar",
)
def group_calendar(
    group_id: Annotated[str, Path(min_length=1, max_length=200)],
    session: ReadSession,
    city: CityDep,
    request: Request,
) -> Response:
    """A group's off intervals as an iCalendar file (RFC 5545) to add to a calendar."""
    from warmgrid.rotate.ics import group_calendar as calendar_of

    city = _city(city)
    row = current_rotation(session)
    published = _published(row, city, request)[1]
    group = next((g for g in published["groups"] if g["id"] == group_id), None)
    if group is None:
        raise NotPublishedError(f"no rotation group {group_id!r} in the published schedule")
    if not group["off"]:
        raise ConflictError(f"group {group_id!r} is never off in the published rotation")
    body = calendar_of(published, group, row.created_at)
    return Response(
        content=body,
        media_type=ICS_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="rotation-{file_stem(group_id)}.ics"'
        },
    )
