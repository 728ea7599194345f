"""CLI commands: ``impact`` (one damage scenario) and ``screen`` (N-1 / N-k)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import numpy as np
import typer
from rich.table import Table

from warmgrid.cli.common import (
    AreaOpt,
    CityArg,
    DamageOpt,
    JsonOpt,
    load_city_arg,
    parse_damage,
)
from warmgrid.cli.output import console, emit_json, progress
from warmgrid.errors import InputError
from warmgrid.impact import ImpactResult, assess
from warmgrid.impact.words import Labeller, steps_to_dict
from warmgrid.model import compile_city


def print_impact(
    result: ImpactResult,
    explain_limit: int = 3,
    asset_cost: Mapping[str, float] | None = None,
) -> None:
    """Human-readable summary: counts, critical facilities and why they are out.

    ``asset_cost`` (e.g. repair hours) picks, of parallel damaged assets, the one named
    as bringing service back (see ``ImpactResult.restoration_groups``)."""
    city = result.compiled.city
    words = Labeller(city)
    buildings = city.buildings
    console.print(f"[bold]Damaged:[/] {', '.join(map(words.label, result.damaged_asset_ids))}")
    for service, lacking, people in (
        ("power", result.building_without_power, result.people_without_power),
        ("heat", result.building_without_heat, result.people_without_heat),
    ):
        console.print(
            f"[bold]Without {service}:[/] {int(lacking.sum())} buildings, {people} people"
        )
        critical = result.critical_without(service)
        for ident in critical:
            use = buildings.loc[buildings["id"] == ident, "use"].iat[0].replace("_", " ")
            console.print(f"  {use}: {words.label(ident)}")
    console.print(f"[bold]Without power or heat:[/] {result.people_without_power_or_heat} people")
    shown: set[tuple[str, ...]] = set()
    for group in result.restoration_groups(asset_cost):
        key = (group.service, *group.needs)
        if key in shown or len(shown) >= explain_limit:
            continue
        shown.add(key)
        first = str(buildings["id"].iat[int(group.building_index[0])])
        chain = result.explain(first).get(group.service, [])
        people = int(result.compiled.building_population[group.building_index].sum())
        console.print(
            f"\n[bold]Why {len(group.building_index)} buildings ({people} people) have no "
            f"{group.service}:[/]"
        )
        for line in words.describe(chain):
            console.print("  " + line, highlight=False)
        needs = ", ".join(map(words.label, group.needs))
        console.print(f"  [green]Repairing {needs} brings it back.[/]", highlight=False)


def impact_command(
    city: CityArg,
    damage: DamageOpt = None,
    area: AreaOpt = None,
    explain: Annotated[
        str | None, typer.Option(help="Also explain why this building is out.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Who is without power and heat after the damage, and why."""
    spec = parse_damage(damage, area)
    if not spec.asset_ids and not spec.areas:
        raise InputError("impact", "give damaged assets with --damage and/or --area")
    result = assess(compile_city(load_city_arg(city)), spec)
    chains = result.explain(explain) if explain else {}
    with progress(not json_out) as bar:
        task = bar.add_task("restoration groups") if bar else None

        def advance(done: int, total: int) -> None:
            if bar is not None and task is not None:
                bar.update(task, completed=done, total=total)

        groups = result.restoration_groups(progress=advance)
    if json_out:
        payload = result.summary()
        payload["restoration_groups"] = [
            {"service": g.service, "buildings": len(g.building_index), "needs": g.needs}
            for g in groups
        ]
        if explain:
            payload["explain"] = {k: steps_to_dict(v) for k, v in chains.items()}
        emit_json(payload)
        return
    print_impact(result)
    words = Labeller(result.compiled.city)
    for service, steps in chains.items():
        console.print(f"\n[bold]{words.label(explain)} has no {service}:[/]")
        for line in words.describe(steps):
            console.print("  " + line, highlight=False)


def screen_command(
    city: CityArg,
    top: Annotated[int | None, typer.Option(help="Only the K worst rows.")] = None,
    k: Annotated[int, typer.Option("--k", help="Assets lost at once (1: N-1).")] = 1,
    samples: Annotated[int, typer.Option(help="Sampled sets for N-k (k > 1).")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the N-k sampling.")] = 0,
    json_out: JsonOpt = False,
) -> None:
    """Rank assets by what their loss costs: N-1 over every asset, or sampled N-k."""
    from warmgrid.impact.screen import COUNT_COLUMNS, screen_n1, screen_nk

    if k < 1:
        raise InputError("--k", f"must be at least 1, got {k}")
    if top is not None and top < 1:
        raise InputError("--top", f"must be at least 1, got {top}")
    compiled = compile_city(load_city_arg(city))
    with progress(not json_out) as bar:
        total = samples if k > 1 else None
        task = bar.add_task("screening", total=total) if bar else None

        def advance(done: int) -> None:
            if bar is not None and task is not None:
                bar.update(task, completed=done)

        if k == 1:
            frame = screen_n1(compiled, progress=advance)
        else:
            frame = screen_nk(compiled, k, samples, seed, progress=advance)
    if top is not None:
        frame = frame.head(top)
    if json_out:
        emit_json({"k": k, "rows": frame.to_dict(orient="records")})
        return
    table = Table(
        title=f"N-{k} screening of {compiled.city.name}" + (" (sampled)" if k > 1 else "")
    )
    key = "id" if k == 1 else "assets"
    table.add_column(key)
    for column in COUNT_COLUMNS:
        table.add_column(column.replace("_without_", " w/o ").replace("_", " "), justify="right")
    for row in frame.head(top or 20).itertuples(index=False):
        record = row._asdict()
        table.add_row(str(record[key]), *(str(np.int64(record[c])) for c in COUNT_COLUMNS))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``impact`` and ``screen``."""
    app.command("impact")(impact_command)
    app.command("screen")(screen_command)
