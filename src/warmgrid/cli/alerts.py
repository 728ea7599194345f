"""CLI commands: ``warmgrid alert validate|compose`` (``publish`` is added by the API part).

The ``alert`` sub-group is :data:`alert_app`; other modules add their commands to it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

import typer
from rich.table import Table

from warmgrid.alerts.captime import format_cap_time, utc_now
from warmgrid.cli.output import console, emit_json, err_console, esc, progress
from warmgrid.errors import InputError, WarmgridError

if TYPE_CHECKING:
    from warmgrid.alerts.deployment import Deployment
    from warmgrid.alerts.message import Message
    from warmgrid.alerts.validate import CapReport

alert_app = typer.Typer(
    no_args_is_help=True, help="Public alerts (CAP 1.2): compose, validate, publish."
)

EXIT_INVALID = 1


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
    from warmgrid.alerts.validate import validate_cap

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
        console.print(f"[green]valid[/]   {esc(report.source)} ({version})", highlight=False)
        return
    console.print(f"[red]invalid[/] {esc(report.source)} ({version})", highlight=False)
    for error in report.errors:
        console.print(f"  - {error}", highlight=False, markup=False)


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
    scenario: Annotated[
        Path | None, typer.Argument(help="A scenario TOML file (or use --demo).")
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Use the demo city's default scenario.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write <identifier>.xml and feed.atom here.")
    ] = None,
    etr_hours: Annotated[
        float | None,
        typer.Option(
            "--etr-hours",
            help="ETR for every affected building, hours after sent (default: from the "
            "scenario's restoration plan).",
        ),
    ] = None,
    sent: Annotated[
        str | None,
        typer.Option(
            "--sent",
            help="Sent time, ISO 8601 with a UTC offset (…+02:00 or …Z; default: now). "
            "Shown on the city's clock.",
        ),
    ] = None,
    sender: Annotated[
        str | None, typer.Option("--sender", help="CAP sender id (default: the scenario's).")
    ] = None,
    sender_name: Annotated[
        str | None,
        typer.Option("--sender-name", help="CAP senderName (default: the scenario's)."),
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option(
            "--public-url",
            help="Where the --out folder is served (feed ids and links; default: the "
            "scenario's; without one the feed uses URN ids and relative links).",
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Compose the outage alerts of a scenario: one CAP 1.2 message per contiguous outage
    area (English and Ukrainian), each validated against the XSD and the feed rules."""
    from warmgrid.alerts.cap_xml import to_xml
    from warmgrid.alerts.deployment import Deployment
    from warmgrid.alerts.outage import MAX_ETR_H
    from warmgrid.alerts.validate import validate_cap
    from warmgrid.model.timezone import local_time, parse_time
    from warmgrid.scenario.run import public_alerts, run_scenario
    from warmgrid.scenario.spec import demo_scenario, load_scenario

    if demo == (scenario is not None):
        raise WarmgridError("alert compose: give a SCENARIO file or --demo (one of them)")
    if etr_hours is not None and not 0.0 <= etr_hours <= MAX_ETR_H:
        raise InputError("--etr-hours", f"expected 0 to {MAX_ETR_H:g} hours, got {etr_hours}")
    moment = utc_now() if sent is None else parse_time(sent, "--sent")
    spec = load_scenario(scenario) if scenario is not None else demo_scenario()
    base = spec.deployment
    deployment = Deployment.checked(
        sender or base.sender, sender_name or base.sender_name, public_url or base.public_url
    )
    with progress(enabled=not json_out) as bar:
        task = bar.add_task("assessing the scenario", total=None) if bar else None
        assessment = run_scenario(spec)
        if bar is not None and task is not None:
            bar.update(task, description="composing alerts")
        messages = public_alerts(assessment, moment, deployment=deployment, etr_hours=etr_hours)
        messages_sent = local_time(moment, assessment.city.timezone)
    files = _write(out, messages, moment, deployment) if out is not None else {}
    summaries = []
    for message in messages:
        report = validate_cap(to_xml(message), source=message.identifier, feed_rules=True)
        if not report.valid:
            raise WarmgridError(
                f"composed message {message.identifier} is invalid: {report.errors}"
            )
        summaries.append(_summary(message, report, files.get(message.identifier)))
    note = (
        "ETR unknown: the scenario has no crews (use --etr-hours)"
        if etr_hours is None and assessment.plan is None
        else ""
    )
    if not messages and assessment.alerts:
        note = (
            f"nothing is out any more at {format_cap_time(messages_sent)} under the plan (the "
            f"scenario starts {format_cap_time(assessment.local_start())}); see --sent"
        )
    if json_out:
        emit_json(
            {
                "scenario": spec.name,
                "messages": summaries,
                "feed": files.get("feed"),
                "warming_centres": [c.name for c in spec.warming_centres],
                "note": note,
            }
        )
        return
    _print_summaries(summaries, files.get("feed"), note)


def _feed(messages: list[Message], moment: datetime, deployment: Deployment) -> bytes:
    """The Atom feed of ``messages`` written beside them: ids and links under the public
    URL, or (without one) URN ids and links relative to the feed, never ``file://``."""
    from warmgrid.alerts.feed import atom_feed, entry_for

    if deployment.public_url:
        base = deployment.public_url
        return atom_feed(
            messages,
            feed_id=f"{base}feed.atom",
            title="warmgrid public alerts",
            self_url=f"{base}feed.atom",
            updated=moment,
        )
    entries = [
        replace(
            entry_for(message, f"{quote(message.identifier, safe='')}.xml"),
            id=f"urn:warmgrid:alert:{quote(message.sender, safe='@')}:"
            f"{quote(message.identifier, safe='')}",
        )
        for message in messages
    ]
    return atom_feed(
        entries,
        feed_id=f"urn:warmgrid:feed:{quote(deployment.sender, safe='@')}",
        title="warmgrid public alerts",
        self_url="feed.atom",
        updated=moment,
    )


def _write(
    out: Path, messages: list[Message], moment: datetime, deployment: Deployment
) -> dict[str, str]:
    from warmgrid.alerts.cap_xml import to_xml

    if out.exists() and not out.is_dir():
        raise InputError(str(out), "is a file; name a folder to write the alerts into")
    try:
        out.mkdir(parents=True, exist_ok=True)
        files = {}
        for message in messages:
            path = out / f"{message.identifier}.xml"
            path.write_bytes(to_xml(message))
            files[message.identifier] = str(path)
        feed_path = out / "feed.atom"
        feed_path.write_bytes(_feed(messages, moment, deployment))
        files["feed"] = str(feed_path)
        return files
    except OSError as error:
        raise InputError(str(out), f"cannot write: {error.strerror or error}") from None


def _print_summaries(summaries: list[dict[str, Any]], feed: str | None, note: str) -> None:
    table = Table(title=f"{len(summaries)} outage alerts (CAP 1.2, English + Ukrainian, valid)")
    for column in ("area", "event", "without power", "without heat", "ETR"):
        table.add_column(column, justify="right" if column.startswith("without") else "left")
    for s in summaries:
        table.add_row(
            esc(s["area"]),
            esc(s["event"]),
            f"{s['people_without_power']:,}",
            f"{s['people_without_heat']:,}",
            esc(s["etr"]),
        )
    if summaries:
        console.print(table)
    for s in summaries:
        if s["file"]:
            console.print(f"wrote {s['file']}", highlight=False, markup=False)
    if feed:
        console.print(f"wrote {feed} (Atom feed)", highlight=False, markup=False)
    if note:
        err_console.print(f"note: {note}", highlight=False, markup=False)
