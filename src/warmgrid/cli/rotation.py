"""CLI commands: ``warmgrid rotation publish`` — a rotation schedule as JSON, CSV, ICS and
CAP files for the public (:func:`warmgrid.rotate.publish.write_schedule_files`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from warmgrid.cli.common import JsonOpt, load_city_arg
from warmgrid.cli.output import console, emit_json, esc
from warmgrid.errors import InputError

rotation_app = typer.Typer(
    no_args_is_help=True, help="Rotating outage schedules: publish them for the public."
)


def register(app: typer.Typer) -> None:
    """Add the ``rotation`` sub-group to the root app."""
    app.add_typer(rotation_app, name="rotation")


@rotation_app.command("publish")
def publish_command(
    schedule: Annotated[
        Path, typer.Argument(help="A rotation schedule: the JSON of `warmgrid rotate --json`.")
    ],
    city: Annotated[
        str, typer.Option("--city", help='A city folder, or "demo" for the demo city.')
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the files into.")],
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="When hour 0 of the schedule is: ISO 8601 with offset (default: the "
            "schedule's own start field).",
        ),
    ] = None,
    issued: Annotated[
        str | None,
        typer.Option(
            "--issued", help="Publication time (calendar DTSTAMP, CAP sent); default now."
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Write per group its off intervals on the city's clock: rotation.json and
    rotation.csv (all groups), groups/<id>.json|.csv|.ics, and one CAP alert per group
    that will be off in cap/."""
    from warmgrid.model.timezone import parse_time
    from warmgrid.rotate.publish import write_schedule_files
    from warmgrid.rotate.schedule_file import read_schedule_file

    loaded_city = load_city_arg(city)
    checked = read_schedule_file(schedule, loaded_city)
    own_start = checked.data.get("start")
    if start is None and not isinstance(own_start, str):
        raise InputError("--start", "needed: the schedule has no 'start' field")
    files = write_schedule_files(
        checked,
        loaded_city,
        parse_time(start, "--start") if start else parse_time(str(own_start), f"{schedule}.start"),
        out,
        issued=parse_time(issued, "--issued") if issued else None,
    )
    if json_out:
        emit_json({"files": [str(path) for path in files], "groups": len(checked.groups)})
        return
    console.print(
        f"{len(files)} files for {len(checked.groups)} groups written to {esc(str(out))}",
        highlight=False,
    )
    note_missing_alerts(files)


def note_missing_alerts(files: list[Path]) -> None:
    """Say so when no CAP alert was written: every off interval ended before the
    publication time (``--issued``, default now), so no alert is due."""
    if not any(path.parent.name == "cap" for path in files):
        console.print(
            "No CAP alerts written: every off interval ends before the publication time "
            "(--issued, default now).",
            highlight=False,
        )
