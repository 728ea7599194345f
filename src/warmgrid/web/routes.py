"""Data routes of the console (``/console/…``, signed in) and the public page (``/public/…``).

Reads need the viewer role, damage and alert drafts the operator role, exactly as the API
(the same dependencies: a bearer token or the session cookie with its CSRF header).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from warmgrid.alerts.cap_xml import from_xml, to_xml
from warmgrid.api.deps import Operator, ReadSession, StoreDep, Viewer
from warmgrid.api.schemas import AlertOut
from warmgrid.errors import InputError
from warmgrid.impact import Circle, Damage, Polygon, assess
from warmgrid.incidents import log
from warmgrid.incidents.domain import DamageIn, Latitude, Longitude, Name, Text
from warmgrid.scenario.run import Assessment, public_alerts
from warmgrid.store import alert_log
from warmgrid.store.errors import ConflictError
from warmgrid.web import figures, layers, timeline
from warmgrid.web.events import event_stream
from warmgrid.web.public import PublicView, alert_card
from warmgrid.web.state import LiveState, dumps

console = APIRouter(prefix="/console", tags=["console"])
public = APIRouter(prefix="/public", tags=["public"])
events = APIRouter(tags=["console"])
BuildingId = Annotated[str, Path(min_length=1, max_length=200)]
GZIP_MIN_BYTES = 65_536
JSON_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {}}}}


def _live(request: Request) -> LiveState:
    live: LiveState | None = request.app.state.live
    if live is None:
        raise ConflictError(
            "the server runs without a city or a scenario (warmgrid serve --city … --scenario …)"
        )
    return live


class CircleIn(BaseModel):
    """A circle: centre in WGS84 degrees and radius in metres."""

    model_config = ConfigDict(extra="forbid")

    lon: Longitude
    lat: Latitude
    radius_m: Annotated[float, Field(gt=0, le=5000, allow_inf_nan=False)]


class DamageEdit(BaseModel):
    """Damage an operator marks for an incident: assets by id, a circle or a polygon."""

    model_config = ConfigDict(extra="forbid")

    incident_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    asset_ids: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=200)]], Field(max_length=1000)
    ] = []
    circle: CircleIn | None = None
    polygon: Annotated[
        list[tuple[Longitude, Latitude]] | None, Field(min_length=3, max_length=1000)
    ] = None
    note: Annotated[Text, Field(max_length=2000)] = ""


def _json(body: bytes) -> Response:
    return Response(content=body, media_type="application/json")


def _packed(request: Request, body: bytes, packed: bytes | None = None) -> Response:
    """JSON, gzip-encoded when the client takes it and the body is large (``packed``:
    ``body`` already compressed, else it is compressed here at the fastest level)."""
    if len(body) < GZIP_MIN_BYTES or "gzip" not in request.headers.get("accept-encoding", ""):
        return _json(body)
    return Response(
        content=packed if packed is not None else gzip.compress(body, 1),
        media_type="application/json",
        headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
    )


@console.get("/figures", response_class=Response, responses=JSON_RESPONSE)
def get_figures(_: Viewer, request: Request) -> Response:
    """Key figures of the current situation."""
    return _json(_live(request).json("figures", figures.key_figures))


def _layers(assessment: Assessment, elapsed_h: float = 0.0) -> dict[str, Any]:
    return {
        **layers.situation(assessment, elapsed_h),
        "outage_areas": {
            "type": "FeatureCollection",
            "features": [
                feature
                for number, message in enumerate(assessment.alerts, start=1)
                for feature in alert_card(number, message)["areas"]
            ],
        },
    }


def _as_of(at: datetime | None) -> datetime | None:
    """``at`` in UTC; an :class:`InputError` without an offset or outside 1970–2200."""
    if at is None:
        return None
    expected = "a time with its UTC offset between 1970 and 2200, e.g. 2026-11-26T06:00:00+02:00"
    if at.tzinfo is None or not 1970 <= at.year <= 2200:
        raise InputError("at", expected)
    return at.astimezone(UTC)


AsOf = Annotated[
    datetime | None,
    Query(description="ISO 8601 time with offset: the situation as of then (the timeline)."),
]


@console.get("/geometry", response_class=Response, responses=JSON_RESPONSE)
def get_geometry(_: Viewer, request: Request) -> Response:
    """The city's buildings, branches and assets as columns (positions, ids, names), which
    never change while the server runs; ``/console/layers`` refers to their rows."""
    return _packed(request, *_live(request).geometry(layers.geometry))


@console.get("/layers", response_class=Response, responses=JSON_RESPONSE)
def get_layers(_: Viewer, request: Request, at: AsOf = None) -> Response:
    """The state of the map (building states and hours to 12 °C, rows of damaged and dead
    branches and damaged assets of ``/console/geometry``; warming centres, crews and
    outage areas as GeoJSON) now, or as of ``at`` with what the plan repaired by then."""
    live = _live(request)
    when = _as_of(at)
    if when is None:
        return _packed(request, live.json("layers", _layers))
    assessment = live.assessment(when)
    return _packed(request, dumps(_layers(assessment, timeline.elapsed_hours(assessment, when))))


@console.get("/timeline")
def get_timeline(_: Viewer, request: Request, session: ReadSession) -> dict[str, Any]:
    """The log's events in time order (incidents, damage, published alerts, the plan's
    repairs) and the span the console's timeline replays."""
    now = datetime.now(UTC).replace(microsecond=0)
    return timeline.timeline(session, _live(request).assessment(), now)


@console.get("/situation")
def get_situation(
    _: Viewer, request: Request, session: ReadSession, at: AsOf = None
) -> dict[str, Any]:
    """The situation as of ``at`` (default: now): the damage confirmed in the log then,
    run through the scenario pipeline, with what the plan had repaired by then; its key
    figures, and the incidents and published alerts of the log by then."""
    when = _as_of(at) or datetime.now(UTC).replace(microsecond=0)
    assessment = _live(request).assessment(when)
    elapsed_h = timeline.elapsed_hours(assessment, when)
    return {
        "at": timeline.on_clock(assessment, when).isoformat(timespec="seconds"),
        "elapsed_h": round(elapsed_h, 3),
        "figures": figures.key_figures(assessment, elapsed_h),
        "incidents": timeline.incidents_by(session, when),
        "published_alerts": timeline.alerts_published_by(session, when),
    }


@console.get("/buildings/{building_id}")
def get_building(building_id: BuildingId, _: Viewer, request: Request) -> dict[str, Any]:
    """One building: why it lacks a service, people, critical use, ETR, hours to 12 °C."""
    return figures.building_details(_live(request).assessment(), building_id)


@console.get("/cooldown", response_class=Response, responses=JSON_RESPONSE)
def get_cooldown(_: Viewer, request: Request) -> Response:
    """People below 12 °C and 5 °C over the forecast, with and without the plan."""
    return _json(_live(request).json("cooldown", figures.cooldown_chart))


@console.get("/plan", response_class=Response, responses=JSON_RESPONSE)
def get_plan(_: Viewer, request: Request) -> Response:
    """The restoration plan: crews' timelines, curve, ETR per group (null: no plan)."""
    return _json(_live(request).json("plan", figures.plan_board))


@console.get("/incidents")
def get_incidents(_: Viewer, session: ReadSession) -> list[dict[str, Any]]:
    """The incident log: incidents with their reports, revisions and confirmed damage."""
    out = []
    for incident in log.list_incidents(session, limit=500):
        out.append(
            {
                "id": incident.id,
                "kind": incident.kind,
                "status": incident.status,
                "title": incident.title,
                "occurred_at": incident.occurred_at.isoformat() if incident.occurred_at else None,
                "location": incident.location,
                "revision": incident.revision,
                "reports": [
                    {
                        "source_name": r.source_name,
                        "source_kind": r.source_kind,
                        "certainty": r.certainty,
                        "received_at": r.received_at.isoformat(),
                        "quoted_text": r.quoted_text,
                    }
                    for r in log.list_reports(session, incident.id)
                ],
                "revisions": [
                    {
                        "revision": v.revision,
                        "changed_at": v.changed_at.isoformat(),
                        "changed_by": v.changed_by,
                        "note": v.note,
                        "changes": v.changes,
                    }
                    for v in log.revisions(session, incident.id)
                ],
                "damage": [
                    {
                        "asset_id": d.asset_id,
                        "confirmed_by": d.confirmed_by,
                        "confirmed_at": d.confirmed_at.isoformat(),
                        "note": d.note,
                        "retracted": d.retracted_at is not None,
                    }
                    for d in log.damage_links(session, incident.id)
                ],
            }
        )
    return out


def _assets_of(edit: DamageEdit, compiled: Any) -> list[str]:
    known = set(compiled.asset_ids.tolist())
    for k, asset in enumerate(edit.asset_ids):
        if asset not in known:
            raise InputError(f"asset_ids[{k}]", f"no asset {asset!r} in the city")
    found = list(edit.asset_ids)
    areas: list[Any] = []
    if edit.circle is not None:
        areas.append(Circle(edit.circle.lon, edit.circle.lat, edit.circle.radius_m))
    if edit.polygon is not None:
        areas.append(Polygon(tuple(edit.polygon)))
    if areas:
        found += assess(compiled, Damage(asset_ids=(), areas=tuple(areas))).damaged_asset_ids
    if not found:
        raise InputError("asset_ids", "name an asset, a circle or a polygon that holds one")
    return list(dict.fromkeys(found))


@console.post("/damage", status_code=201)
def mark_damage(edit: DamageEdit, who: Operator, store: StoreDep, request: Request) -> dict:
    """Confirm damage for an incident (recorded in the incident log with who, when and
    why) and answer the key figures of the new situation."""
    live = _live(request)
    assets = _assets_of(edit, request.app.state.compiled_city())
    with store.write() as session:
        current = {
            d.asset_id
            for d in log.damage_links(session, edit.incident_id)
            if d.retracted_at is None
        }
        added = [a for a in assets if a not in current]
        for asset in added:
            log.confirm_damage(
                session, edit.incident_id, DamageIn(asset_id=asset, note=edit.note), who.actor
            )
    return {"added": added, "figures": json.loads(live.json("figures", figures.key_figures))}


@console.post("/alerts/draft", response_model=list[AlertOut], status_code=201)
def draft_alerts(
    who: Operator,
    store: StoreDep,
    request: Request,
    incident_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> list[AlertOut]:
    """Draft the public outage alerts of the current situation, sent now, one per area
    still out. A scenario whose forecast window does not hold the present (a replay of a
    past situation, or a rehearsal) is drafted as if it started now."""
    assessment = _live(request).assessment()
    scenario = assessment.scenario
    now = datetime.now(scenario.start.tzinfo).replace(microsecond=0)
    elapsed_h = (now - scenario.start).total_seconds() / 3600.0
    if not 0.0 <= elapsed_h <= scenario.weather.hours:
        assessment = replace(assessment, scenario=replace(scenario, start=now))
    messages = public_alerts(assessment, now, deployment=request.app.state.deployment)
    if not messages:
        raise ConflictError("no building is without power or heat now; nothing to announce")
    with store.write() as session:
        return [
            AlertOut.model_validate(
                alert_log.create_draft(
                    session, to_xml(message), who.actor, incident_id, who.user_id
                )
            )
            for message in messages
        ]


@console.get("/alerts/{alert_id}/preview")
def preview_alert(
    alert_id: Annotated[int, Path(ge=1, le=2**31 - 1)], _: Viewer, session: ReadSession
) -> dict[str, Any]:
    """A message (draft or published) as the public would read it, with its CAP XML."""
    alert = alert_log.get_alert(session, alert_id)
    card = alert_card(alert.id, from_xml(alert.xml))
    return {
        **card,
        "status": alert.status,
        "created_by": alert.created_by,
        "cap_xml": alert.xml.decode("utf-8"),
    }


@events.get("/events", response_class=StreamingResponse, include_in_schema=False)
def get_events(_: Viewer, request: Request) -> StreamingResponse:
    """Server-sent events: ``change`` after every write, so pages refresh themselves."""
    return event_stream(request, request.app.state.changes)


@public.get("/data")
def public_data(session: ReadSession, request: Request) -> dict[str, Any]:
    """Published alerts with their outage areas, the warming centres, and where the
    city's buildings stand (as [lon, lat] of squares of about 100 m, for the base map;
    no sign-in)."""
    view: PublicView = request.app.state.public_view
    city = request.app.state.city
    return {
        "city": str(getattr(city, "name", "")),
        "alerts": view.alerts(session),
        "warming_centres": [{"name": c.name, "lon": c.lon, "lat": c.lat} for c in view.centres],
        "buildings": view.building_points,
    }


@public.get("/buildings")
def public_buildings(
    session: ReadSession,
    request: Request,
    q: Annotated[Name | None, Query(min_length=1, max_length=200)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
) -> list[dict[str, Any]]:
    """When is my building back: buildings by name or id (or the nearest to a point),
    each with the published alert covering it and the nearest warming centres."""
    if q is None and (lon is None or lat is None):
        raise InputError(
            "lat" if lon is not None else "lon", "give q (a name or id), or both lon and lat"
        )
    view: PublicView = request.app.state.public_view
    return view.find_buildings(view.alerts(session), q, lon, lat)
