"""CLI commands: the HTTP server, API tokens, the incident log and alert publication."""

from __future__ import annotations

import getpass
import os
import socket
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from warmgrid.alerts.deployment import DEFAULT_SENDER
from warmgrid.cli.output import console, emit_json, esc
from warmgrid.errors import InputError, validation_message
from warmgrid.incidents.vocabulary import (
    Certainty,
    IncidentKind,
    IncidentStatus,
    SourceKind,
    TimePrecision,
)

if TYPE_CHECKING:
    from pydantic import BaseModel

    from warmgrid.store import Store

Model = TypeVar("Model", bound="BaseModel")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Store URL: sqlite:///FILE or postgresql+psycopg://… "
        "(default: $WARMGRID_DB, else ./warmgrid.db).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
CityOption = Annotated[
    str,
    typer.Option(
        "--city",
        envvar="WARMGRID_CITY",
        help="The deployment's city: 'demo', a city folder, or 'none' (default: "
        "$WARMGRID_CITY, else demo).",
    ),
]
ZoneOption = Annotated[
    str | None,
    typer.Option(
        "--timezone",
        envvar="WARMGRID_TIMEZONE",
        help="IANA time zone to show times in, e.g. Europe/Kyiv (default: "
        "$WARMGRID_TIMEZONE, else the --city's zone).",
    ),
]


def store_url(db: str | None) -> str:
    """``--db``, else ``$WARMGRID_DB``, else the SQLite file ./warmgrid.db."""
    from warmgrid.store import default_url

    url = db or os.environ.get("WARMGRID_DB") or default_url()
    return url if "://" in url else default_url(url)


def display_zone(city: str, timezone: str | None) -> str:
    """The time zone the incident commands show times in: ``--timezone``, else the zone of
    the city the server runs (``--city``, as for ``serve``), UTC for ``none``."""
    from warmgrid.model.timezone import DEFAULT_TIMEZONE, check_timezone

    if timezone:
        return check_timezone(timezone, "--timezone")
    if city == "none":
        return DEFAULT_TIMEZONE
    from warmgrid.model.open import city_timezone

    return city_timezone(city)


def _at(moment: datetime | None, zone: str) -> str | None:
    """A stored time as ISO 8601 on the clock of ``zone``, with its UTC offset."""
    from warmgrid.model.timezone import local_time

    return None if moment is None else local_time(moment, zone).isoformat()


def _clock(text: str | None, timespec: str = "seconds") -> str:
    """An ISO time from :func:`_at` for people: to the second (or ``timespec``), with its
    offset."""
    if text is None:
        return "unknown"
    return datetime.fromisoformat(text).isoformat(sep=" ", timespec=timespec)


def cli_actor() -> str:
    """The audit-log name of whoever runs the CLI."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"cli:{user}"


INCIDENT_OPTIONS = {
    "occurred_at": "--time",
    "location.Point.coordinates.0": "--lon",
    "location.Point.coordinates.1": "--lat",
    "location_precision_m": "--precision-m",
    "title": "--title",
    "description": "--description",
    "report.source_name": "--source",
    "report.quoted_text": "--text",
}
"""The option of ``incident add`` behind each field of an incident."""


def validated(
    model: type[Model], data: dict[str, Any], where: str, options: dict[str, str] | None = None
) -> Model:
    """``data`` as ``model``, or an :class:`InputError` naming the first bad field: the
    command-line option that gave it where ``options`` (field path → option) names one."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or where
        option = (options or {}).get(field)
        problem = validation_message(str(first["msg"]))
        raise InputError(option or f"{where} {field}".strip(), problem) from None


def _load_city(city: str) -> Any:
    if city == "none":
        return None
    from warmgrid.cli.common import load_city_arg

    return load_city_arg(city)


def _console_scenario(city: str, scenario: str | None) -> Any:
    """The scenario whose weather, crews and warming centres the console uses: the file
    given, else the demo city's default scenario for ``demo``, else none (no console data)."""
    from warmgrid.scenario.spec import demo_scenario, load_scenario

    if scenario:
        return load_scenario(scenario)
    return demo_scenario() if city == "demo" else None


def _demo_tokens(store: Store) -> list[tuple[str, str]]:
    """New tokens for the users demo-operator, demo-approver and demo-viewer (created when
    missing): (role, secret) pairs. Two different people, so the operator's drafts can be
    approved by the approver."""
    from sqlalchemy import select

    from warmgrid.store import Role, add_user, create_token
    from warmgrid.store.models import User

    out = []
    with store.write() as session:
        for role in (Role.OPERATOR, Role.APPROVER, Role.VIEWER):
            name = f"demo-{role.value}"
            user = session.scalar(select(User).where(User.name == name))
            user = user or add_user(session, name, role, cli_actor())
            out.append((role.value, create_token(session, user, role, cli_actor())[1]))
    return out


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    city: Annotated[
        str,
        typer.Option(
            envvar="WARMGRID_CITY",
            help="City: 'demo', a city folder, or 'none' (default: $WARMGRID_CITY, else demo).",
        ),
    ] = "demo",
    scenario: Annotated[
        str | None,
        typer.Option(help="Scenario TOML (weather, crews, warming centres) for the console."),
    ] = None,
    seed_demo: Annotated[
        bool,
        typer.Option(
            "--seed-demo",
            help="Seed an empty store with the demo scenario's incidents (demo city only).",
        ),
    ] = False,
    sender: Annotated[
        str, typer.Option(help="CAP sender of composed alerts (e.g. alerts@city.example).")
    ] = DEFAULT_SENDER,
    sender_name: Annotated[
        str | None,
        typer.Option(help="CAP senderName (default: '<city name> emergency centre')."),
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option(help="Public base URL of this server, for feed ids and links."),
    ] = None,
    demo_tokens: Annotated[
        bool, typer.Option(help="Create and print demo operator, approver and viewer tokens.")
    ] = False,
    basemap: Annotated[
        str | None,
        typer.Option(help="A local PMTiles base map (served with HTTP Range requests)."),
    ] = None,
) -> None:
    """Serve the console (/), the public page (/public) and the HTTP API (OpenAPI at
    /docs) on the store."""
    import uvicorn

    from warmgrid.alerts.deployment import Deployment
    from warmgrid.api import create_app
    from warmgrid.incidents.seed import seed_if_empty
    from warmgrid.store import open_store
    from warmgrid.web.basemap import check_basemap

    basemap_file = check_basemap(basemap) if basemap else None
    if seed_demo and city != "demo":
        raise InputError("--seed-demo", "the demo incidents belong to the demo city (--city demo)")
    listener = _bind(host, port)
    deployment = Deployment.checked(sender, sender_name, public_url)
    url = store_url(db)
    the_city = _load_city(city)
    spec = _console_scenario(city, scenario)
    store = open_store(url)
    if seed_demo:
        added = seed_if_empty(store, the_city)
        console.print(
            f"seeded the store with {added} demo incidents"
            if added
            else "the store already holds incidents: nothing seeded"
        )
    app = create_app(
        url, the_city, store=store, deployment=deployment, scenario=spec, basemap=basemap_file
    )
    if app.state.live is not None:
        app.state.live.assessment()
    address = f"http://{host}:{port}"
    _banner(f"warmgrid console on {address}/ (store: {store.dialect})")
    _banner(f"public page on {address}/public, API docs on {address}/docs")
    if demo_tokens:
        for role, secret in _demo_tokens(store):
            _banner(f"  sign in as the demo {role}: {secret}")
    console.print("Ctrl-C stops the server.")
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=1
    )
    uvicorn.Server(config).run(sockets=[listener])


def _banner(line: str) -> None:
    """A line of the server's banner as it is: addresses and tokens are copied from it, so
    never broken over lines (``soft_wrap``) nor styled."""
    console.print(line, markup=False, highlight=False, soft_wrap=True)


def _bind(host: str, port: int) -> socket.socket:
    """The server's socket, bound before anything is loaded or printed, so that a port in
    use (or an address not of this machine) is one clear error, not a banner then a
    failure."""
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise InputError(
            "--host/--port", f"cannot listen on {host}:{port} ({error.strerror or error})"
        ) from None
    return listener


incident_app = typer.Typer(no_args_is_help=True, help="The incident log.")


def _incident_dict(incident: Any, zone: str) -> dict[str, Any]:
    """An incident as JSON, its times on the clock of ``zone`` with their offset."""
    return {
        "id": incident.id,
        "kind": incident.kind,
        "status": incident.status,
        "title": incident.title,
        "description": incident.description,
        "occurred_at": _at(incident.occurred_at, zone),
        "time_precision": incident.time_precision,
        "location": incident.location,
        "location_precision_m": incident.location_precision_m,
        "revision": incident.revision,
        "updated_at": _at(incident.updated_at, zone),
        "updated_by": incident.updated_by,
    }


def _location(lon: float | None, lat: float | None) -> dict[str, Any] | None:
    if lon is None and lat is None:
        return None
    if lon is None or lat is None:
        raise InputError("--lon/--lat", "give both longitude and latitude")
    return {"type": "Point", "coordinates": [lon, lat]}


@incident_app.command("add")
def incident_add(
    kind: Annotated[IncidentKind, typer.Option(help="What happened.")],
    title: Annotated[str, typer.Option(help="One-line summary.")],
    source: Annotated[str, typer.Option(help="Who reported it (name).")],
    source_kind: Annotated[SourceKind, typer.Option(help="Kind of source.")],
    text: Annotated[str, typer.Option(help="The report, quoted as received.")],
    certainty: Annotated[Certainty, typer.Option(help="CAP certainty.")] = Certainty.UNKNOWN,
    description: Annotated[str, typer.Option(help="Longer description.")] = "",
    time: Annotated[
        str | None, typer.Option("--time", help="When it happened, ISO 8601 with zone.")
    ] = None,
    time_precision: Annotated[
        TimePrecision, typer.Option(help="How precise --time is.")
    ] = TimePrecision.UNKNOWN,
    lon: Annotated[float | None, typer.Option(help="Longitude, degrees.")] = None,
    lat: Annotated[float | None, typer.Option(help="Latitude, degrees.")] = None,
    precision_m: Annotated[float | None, typer.Option(help="Location precision, metres.")] = None,
    db: DbOption = None,
    city: CityOption = "demo",
    timezone: ZoneOption = None,
    json: JsonOption = False,
) -> None:
    """Record an incident with the report it came from."""
    from warmgrid.incidents import log
    from warmgrid.incidents.domain import IncidentIn
    from warmgrid.store import open_store

    data = validated(
        IncidentIn,
        {
            "kind": kind.value,
            "title": title,
            "description": description,
            "occurred_at": time,
            "time_precision": time_precision.value,
            "location": _location(lon, lat),
            "location_precision_m": precision_m,
            "report": {
                "source_name": source,
                "source_kind": source_kind.value,
                "received_at": datetime.now(UTC).isoformat(),
                "quoted_text": text,
                "certainty": certainty.value,
            },
        },
        "incident",
        INCIDENT_OPTIONS,
    )
    zone = display_zone(city, timezone)
    store = open_store(store_url(db))
    with store.write() as session:
        payload = _incident_dict(log.create_incident(session, data, cli_actor()), zone)
    store.close()
    if json:
        emit_json(payload)
    else:
        console.print(f"incident {payload['id']} recorded ({payload['kind']}, reported)")


@incident_app.command("list")
def incident_list(
    status: Annotated[IncidentStatus | None, typer.Option(help="Only this status.")] = None,
    kind: Annotated[IncidentKind | None, typer.Option(help="Only this kind.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100,
    db: DbOption = None,
    city: CityOption = "demo",
    timezone: ZoneOption = None,
    json: JsonOption = False,
) -> None:
    """List incidents, newest first, times on the city's clock."""
    from warmgrid.incidents import log
    from warmgrid.store import open_store

    zone = display_zone(city, timezone)
    store = open_store(store_url(db), create=False)
    with store.read() as session:
        found = log.list_incidents(session, status, kind, limit)
        rows = [_incident_dict(row, zone) for row in found]
    store.close()
    if json:
        emit_json({"timezone": zone, "incidents": rows})
        return
    if not rows:
        console.print("no incidents")
    for row in rows:  # two lines each: readable at 80 columns, times never cut
        console.print(
            f"[bold]#{row['id']}[/] {esc(row['title'])} — {esc(row['kind'])}, "
            f"{esc(row['status'])} (revision {row['revision']})",
            highlight=False,
        )
        console.print(
            f"    occurred {esc(_clock(row['occurred_at'], 'minutes'))}, "
            f"updated {esc(_clock(row['updated_at'], 'minutes'))}",
            highlight=False,
        )


@incident_app.command("show")
def incident_show(
    incident_id: Annotated[int, typer.Argument(min=1, help="Incident id.")],
    db: DbOption = None,
    city: CityOption = "demo",
    timezone: ZoneOption = None,
    json: JsonOption = False,
) -> None:
    """Show an incident with its reports, revisions and damage, times on the city's clock."""
    from warmgrid.incidents import log
    from warmgrid.store import open_store

    zone = display_zone(city, timezone)
    store = open_store(store_url(db), create=False)
    with store.read() as session:
        incident = {
            **_incident_dict(log.get_incident(session, incident_id), zone),
            "timezone": zone,
        }
        reports = [
            {
                "id": r.id,
                "source_name": r.source_name,
                "source_kind": r.source_kind,
                "received_at": _at(r.received_at, zone),
                "quoted_text": r.quoted_text,
                "figures": r.figures,
                "certainty": r.certainty,
            }
            for r in log.list_reports(session, incident_id)
        ]
        revisions: list[dict[str, Any]] = [
            {
                "revision": r.revision,
                "changed_at": _at(r.changed_at, zone),
                "changed_by": r.changed_by,
                "reason": r.note,
                "changes": r.changes,
            }
            for r in log.revisions(session, incident_id)
        ]
        damage = [
            {
                "asset_id": d.asset_id,
                "confirmed_by": d.confirmed_by,
                "retracted": bool(d.retracted_at),
            }
            for d in log.damage_links(session, incident_id)
        ]
    store.close()
    if json:
        emit_json({**incident, "reports": reports, "revisions": revisions, "damage": damage})
        return
    _print_incident(incident, reports, damage, revisions)


def _where(location: dict[str, Any] | None, precision_m: float | None) -> str:
    """An incident's location for people: a point's lon, lat or a polygon's outline."""
    if location is None:
        return "unknown"
    within = f" (within {precision_m:g} m)" if precision_m is not None else ""
    if location["type"] == "Point":
        lon, lat = location["coordinates"]
        return f"lon {lon:.6f}, lat {lat:.6f}{within}"
    outline = location["coordinates"][0]
    lon, lat = outline[0]
    return f"polygon of {len(outline) - 1} corners from lon {lon:.6f}, lat {lat:.6f}{within}"


def _print_incident(
    incident: dict[str, Any],
    reports: list[dict[str, Any]],
    damage: list[dict[str, Any]],
    revisions: list[dict[str, Any]],
) -> None:
    console.print(
        f"[bold]#{incident['id']} {esc(incident['title'])}[/] — {esc(incident['kind'])}, "
        f"{esc(incident['status'])} (revision {incident['revision']})",
        highlight=False,
    )
    console.print(
        f"  time: {_clock(incident['occurred_at'])} ({incident['timezone']}; "
        f"precision: {incident['time_precision']})",
        markup=False,
    )
    where = _where(incident["location"], incident["location_precision_m"])
    console.print(f"  location: {where}", markup=False)
    for report in reports:
        console.print(
            f"  report {report['id']}: {report['source_name']} ({report['source_kind']}, "
            f"{report['certainty']}) at {_clock(report['received_at'])}: "
            f"“{report['quoted_text']}”",
            highlight=False,
            markup=False,
        )
    for link in damage:
        state = "retracted" if link["retracted"] else "confirmed"
        console.print(f"  damage: {link['asset_id']} ({state})", highlight=False, markup=False)
    for revision in revisions:
        console.print(
            f"  revision {revision['revision']} by {revision['changed_by']} at "
            f"{_clock(revision['changed_at'])}: {', '.join(revision['changes'])} "
            f"— {revision['reason']}",
            highlight=False,
            markup=False,
        )


def alert_publish(
    alert_id: Annotated[int, typer.Argument(min=1, help="Id of the draft message.")],
    token: Annotated[
        str | None,
        typer.Option(
            envvar="WARMGRID_TOKEN",
            help="The approver's API token (approver or admin, not the author).",
        ),
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Approve and publish a draft alert (by an approver other than its author)."""
    from warmgrid.store import alert_log, authenticate, open_store
    from warmgrid.store.errors import ForbiddenError
    from warmgrid.store.roles import Role

    if not token:
        raise InputError("--token", "an approver's API token is required (or $WARMGRID_TOKEN)")
    store: Store = open_store(store_url(db), create=False)
    try:
        with store.read() as session:
            principal = authenticate(session, token)
        if principal is None:
            raise InputError("--token", "unknown or revoked API token")
        if not principal.role.allows(Role.APPROVER):
            raise ForbiddenError(f"publishing needs the approver role; token has {principal.role}")
        with store.write() as session:
            alert = alert_log.publish(session, alert_id, principal)
            payload = {
                "id": alert.id,
                "identifier": alert.identifier,
                "status": alert.status,
                "published_by": alert.published_by,
                "published_at": alert.published_at.isoformat() if alert.published_at else None,
            }
    finally:
        store.close()
    if json:
        emit_json(payload)
    else:
        console.print(f"alert {payload['id']} ({payload['identifier']}) published")


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``incident`` and ``alert publish`` to the root app."""
    from warmgrid.cli.alerts import alert_app

    app.command("serve")(serve)
    app.add_typer(incident_app, name="incident")
    alert_app.command("publish")(alert_publish)
