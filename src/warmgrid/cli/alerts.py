"""CLI commands: ``warmgrid alert validate|compose`` (``publish`` is added by the API part).

The ``alert`` sub-group is :data:`alert_app`; other modules add their commands to it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from warmgrid.alerts.captime import CapTimeError, format_cap_time, parse_cap_time, utc_now
from warmgrid.alerts.compose import (
    Issuer,
    Message,
    OutageAlertOptions,
    OutageBuildings,
    WarmingCentre,
    outage_alerts,
    to_xml,
)
from warmgrid.alerts.feed import atom_feed
from warmgrid.alerts.validate import CapReport, validate_cap
from warmgrid.cli.output import console, emit_json, err_console, progress
from warmgrid.errors import InputError, WarmgridError

alert_app = typer.Typer(
    no_args_is_help=True, help="Public alerts (CAP 1.2): compose, validate, publish."
)

EXIT_INVALID = 1
DEMO_DAMAGE = (
    "power.trafo.0",
    "power.trafo.1",
    "power.trafo.2",
    "power.trafo.3",
)
"""Demo scenario damage: CHP-5's three unit transformers and its reserve own-needs
transformer (the plant loses its grid connection and its own needs)."""
DEFAULT_SENDER = "warmgrid@city.invalid"


def register(app: typer.Typer) -> None:
    """Add the ``alert`` sub-group to the root app."""
    app.add_typer(alert_app, name="alert")


def _read(path: Path) -> bytes | str:
    """The file's bytes, or the reason it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as error:
        return error.strerror or str(error)


@alert_app.command("validate")
def validate_command(
    files: Annotated[list[Path], typer.Argument(help="CAP 1.2 or 1.1 XML files.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    feed_rules: Annotated[
        bool, typer.Option("--feed-rules", help="Also apply public-aggregator feed rules.")
    ] = False,
) -> None:
    """Check CAP files: XSD, specification rules (and feed rules). Exit 0 only if all valid;
    1 if any is invalid; 2 if a file cannot be read."""
    reports: list[CapReport] = []
    unreadable: list[tuple[str, str]] = []
    for path in files:
        data = _read(path)
        if isinstance(data, str):
            unreadable.append((str(path), data))
            continue
        reports.append(validate_cap(data, source=str(path), feed_rules=feed_rules))
    if json_out:
        emit_json(
            {
                "valid": bool(reports) and all(r.valid for r in reports) and not unreadable,
                "files": [r.to_dict() for r in reports],
                "unreadable": [{"source": s, "problem": p} for s, p in unreadable],
            }
        )
    else:
        for report in reports:
            _print_report(report)
    if unreadable:
        source, problem = unreadable[0]
        more = f" (and {len(unreadable) - 1} more unreadable files)" if len(unreadable) > 1 else ""
        raise InputError(source, f"cannot read: {problem}{more}")
    if not all(r.valid for r in reports):
        raise typer.Exit(EXIT_INVALID)


def _print_report(report: CapReport) -> None:
    version = f"CAP {report.version}" if report.version else "not CAP 1.1/1.2"
    if report.valid:
        console.print(f"[green]valid[/]   {report.source} ({version})", highlight=False)
        return
    console.print(f"[red]invalid[/] {report.source} ({version})", highlight=False)
    for error in report.errors:
        console.print(f"  - {error}", highlight=False, markup=False)


def _demo_inputs(etr_hours: float | None) -> tuple[OutageBuildings, list[WarmingCentre], str]:
    """Outage inputs of the demo scenario: CHP-5 transformers damaged."""
    from warmgrid.impact import Damage, assess
    from warmgrid.model import compile_city
    from warmgrid.model.demo import demo_city

    city = demo_city()
    result = assess(compile_city(city), Damage(asset_ids=DEMO_DAMAGE))
    buildings = city.buildings
    power, heat = result.building_without_power, result.building_without_heat
    served = ~(power | heat)
    centres = [
        WarmingCentre(str(row.name), float(row.lon), float(row.lat))
        for row, ok in zip(buildings.itertuples(), served, strict=True)
        if ok and row.use in ("school", "hospital")
    ]
    etr = np.full(len(buildings), np.nan if etr_hours is None else etr_hours)
    return (
        OutageBuildings(
            lon_deg=buildings["lon"].to_numpy(float),
            lat_deg=buildings["lat"].to_numpy(float),
            people=buildings["population"].to_numpy(np.int64),
            without_power=power,
            without_heat=heat,
            etr_hours=etr,
        ),
        centres,
        city.name,
    )


def _parse_sent(text: str | None) -> datetime:
    if text is None:
        return utc_now()
    try:
        return parse_cap_time(text)
    except CapTimeError as error:
        raise InputError("--sent", str(error)) from None


def _summary(message: Message, report: CapReport, file: str | None) -> dict[str, Any]:
    info = message.infos[0]
    return {
        "identifier": message.identifier,
        "msg_type": message.msg_type,
        "sent": format_cap_time(message.sent),
        "headline": info.headline,
        "event": info.event,
        "area": info.areas[0].description if info.areas else "",
        "etr": message.parameter("ETR"),
        "people_without_power": int(message.parameter("PeopleWithoutPower") or 0),
        "people_without_heat": int(message.parameter("PeopleWithoutHeat") or 0),
        "languages": [i.language for i in message.infos],
        "valid": report.valid,
        "errors": report.errors,
        "file": file,
    }


@alert_app.command("compose")
def compose_command(
    demo: Annotated[
        bool, typer.Option("--demo", help="Compose the demo scenario's outage alerts.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write <identifier>.xml and feed.atom here.")
    ] = None,
    etr_hours: Annotated[
        float | None,
        typer.Option("--etr-hours", help="ETR for every affected building, hours after sent."),
    ] = None,
    sent: Annotated[
        str | None, typer.Option("--sent", help="Sent time, YYYY-MM-DDThh:mm:ss±hh:mm.")
    ] = None,
    sender: Annotated[str, typer.Option("--sender", help="CAP sender id.")] = DEFAULT_SENDER,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Compose CAP 1.2 outage alerts (one per contiguous outage area, English and
    Ukrainian), validate each against the XSD and feed rules, and write them."""
    if not demo:
        raise WarmgridError("alert compose: only --demo is available from the command line")
    if etr_hours is not None and not etr_hours >= 0.0:
        raise InputError("--etr-hours", f"expected hours ≥ 0, got {etr_hours}")
    moment = _parse_sent(sent)
    with progress(enabled=not json_out) as bar:
        task = bar.add_task("assessing the demo scenario", total=None) if bar else None
        buildings, centres, city_name = _demo_inputs(etr_hours)
        if bar is not None and task is not None:
            bar.update(task, description="composing alerts")
        messages = outage_alerts(
            buildings,
            centres,
            issuer=Issuer(sender=sender, sender_name=f"{city_name} emergency centre"),
            sent=moment,
            options=OutageAlertOptions(city_name=""),
        )
    files: dict[str, str] = {}
    if out is not None:
        files = _write(out, messages, moment)
    summaries = []
    for message in messages:
        report = validate_cap(to_xml(message), source=message.identifier, feed_rules=True)
        if not report.valid:
            raise WarmgridError(
                f"composed message {message.identifier} is invalid: {report.errors}"
            )
        summaries.append(_summary(message, report, files.get(message.identifier)))
    note = "ETR unknown: no restoration plan given (use --etr-hours)" if etr_hours is None else ""
    if json_out:
        emit_json(
            {
                "scenario": "demo",
                "damage": list(DEMO_DAMAGE),
                "messages": summaries,
                "feed": files.get("feed"),
                "warming_centres": [c.name for c in centres],
                "note": note,
            }
        )
        return
    _print_summaries(summaries, files.get("feed"), note)


def _write(out: Path, messages: list[Message], moment: datetime) -> dict[str, str]:
    try:
        out.mkdir(parents=True, exist_ok=True)
        files = {}
        for message in messages:
            path = out / f"{message.identifier}.xml"
            path.write_bytes(to_xml(message))
            files[message.identifier] = str(path)
        feed_path = out / "feed.atom"
        feed_path.write_bytes(
            atom_feed(
                messages,
                feed_id=f"urn:warmgrid:feed:{messages[0].sender if messages else 'none'}",
                title="warmgrid public alerts",
                self_url=(out.resolve() / "feed.atom").as_uri(),
                updated=moment,
            )
        )
        files["feed"] = str(feed_path)
        return files
    except OSError as error:
        raise InputError(str(out), f"cannot write: {error.strerror or error}") from None


def _print_summaries(summaries: list[dict[str, Any]], feed: str | None, note: str) -> None:
    table = Table(title=f"{len(summaries)} outage alerts (CAP 1.2, valid)")
    for column in ("identifier", "event", "area", "ETR", "file"):
        table.add_column(column)
    for s in summaries:
        table.add_row(s["identifier"], s["event"], s["area"], s["etr"], s["file"] or "")
    console.print(table)
    if feed:
        console.print(f"Atom feed: {feed}", highlight=False)
    if note:
        err_console.print(f"note: {note}", highlight=False)
