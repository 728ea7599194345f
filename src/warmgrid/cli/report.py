"""CLI commands ``report`` (situation report: HTML, PDF, HXL CSV) and ``export`` (GeoJSON)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from warmgrid.cli.common import (
    AreaFileOpt,
    AreaOpt,
    CityArg,
    DamageOpt,
    JsonOpt,
    load_city_arg,
    parse_damage,
)
from warmgrid.cli.output import emit_json, err_console, progress
from warmgrid.errors import InputError

if TYPE_CHECKING:
    from warmgrid.report.facts import IssuedAlert, LoggedIncident
    from warmgrid.scenario.spec import Scenario

OutOpt = Annotated[Path, typer.Option("--out", help="The file to write (.html, .pdf or .csv).")]
LangOpt = Annotated[str, typer.Option("--lang", help="Language of the report: en or uk.")]
ScenarioOpt = Annotated[
    Path | None, typer.Option("--scenario", help="A scenario TOML file run on CITY.")
]
DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="A store (file or URL) whose incidents and alerts to include."),
]


def _scenario(city: str, scenario: Path | None) -> Scenario:
    """The scenario to run: the file given (on CITY), or the demo city's default one."""
    from dataclasses import replace

    from warmgrid.scenario.spec import demo_scenario, load_scenario

    if scenario is not None:
        return replace(load_scenario(scenario), city=city)
    if city != "demo":
        raise InputError("--scenario", f"a report on {city!r} needs a scenario file")
    return demo_scenario()


def _damage_scenario(
    city: str, damage: str | None, area: list[str] | None, area_file: list[Path] | None
) -> Scenario:
    """A scenario of ``--damage``/``--area``/``--area-file`` on CITY now, with default
    settings."""
    from dataclasses import replace

    from warmgrid.scenario.spec import parse_scenario

    spec = parse_damage(damage, area, area_file)
    if not spec.asset_ids and not spec.areas:
        raise InputError("export", "give damaged assets with --damage, --area and/or --area-file")
    now = datetime.now(UTC).replace(microsecond=0)
    base = parse_scenario({"name": "damage", "city": city, "start": now}, "--damage")
    return replace(base, damage=spec)


def report_command(
    city: CityArg,
    out: OutOpt,
    scenario: ScenarioOpt = None,
    lang: LangOpt = "en",
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="html, pdf or hxl (CSV); default: from --out's suffix."),
    ] = None,
    number: Annotated[int, typer.Option(help="The report's number in its series.", min=1)] = 1,
    next_update_hours: Annotated[
        float, typer.Option(help="Hours after the report's time of the next update.", min=0.5)
    ] = 6.0,
    db: DbOpt = None,
) -> None:
    """Write the situation report (OCHA shape, 1-3 pages) of a scenario: HTML, PDF or
    HXL-tagged CSV of the affected areas and buildings."""
    from warmgrid.report.html import check_language
    from warmgrid.report.write import check_writable, report_format, write_bytes

    check_language(lang)
    kind = report_format(out, fmt)
    check_writable(out)
    spec = _scenario(city, scenario)
    published: tuple[IssuedAlert, ...] = ()
    incidents: tuple[LoggedIncident, ...] = ()
    if db is not None:
        from warmgrid.cli.incidents import store_url
        from warmgrid.report.from_store import logged_incidents, published_alerts
        from warmgrid.store import open_store

        store = open_store(store_url(db), create=False)
        try:
            published, incidents = published_alerts(store), logged_incidents(store)
        finally:
            store.close()
    from warmgrid.report.facts import report_facts
    from warmgrid.report.write import render
    from warmgrid.scenario.run import run_scenario

    with progress(True) as bar:
        task = bar.add_task("writing the report", total=None) if bar else None
        assessment = run_scenario(spec)
        facts = report_facts(
            assessment,
            number=number,
            next_update_h=next_update_hours,
            published=published,
            incidents=incidents,
        )
        write_bytes(out, render(assessment, facts, kind, lang))
        if bar is not None and task is not None:
            bar.update(task, completed=1)
    err_console.print(f"wrote {out}", highlight=False)


def export_command(
    city: CityArg,
    geojson: Annotated[Path, typer.Option("--geojson", help="The GeoJSON file to write.")],
    damage: DamageOpt = None,
    area: AreaOpt = None,
    area_file: AreaFileOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Write the outage state after the damage as GeoJSON: buildings without power or heat,
    damaged assets and outage areas."""
    from warmgrid.report.write import check_writable, write_json

    check_writable(geojson)
    spec = _damage_scenario(city, damage, area, area_file)
    from warmgrid.model import compile_city
    from warmgrid.report.facts import report_facts
    from warmgrid.report.geojson import outage_geojson
    from warmgrid.scenario.run import run_scenario

    city_model = load_city_arg(spec.city)
    compiled = compile_city(city_model)
    compiled.asset_index(spec.damage.asset_ids, where="--damage")
    assessment = run_scenario(spec, city_model, compiled=compiled)
    payload = outage_geojson(assessment, report_facts(assessment))
    write_json(geojson, payload)
    if json_out:
        emit_json({"geojson": str(geojson), **payload["warmgrid"]})
    else:
        err_console.print(f"wrote {geojson}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``report`` and ``export``."""
    app.command("report")(report_command)
    app.command("export")(export_command)
