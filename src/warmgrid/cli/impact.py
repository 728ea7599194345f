"""CLI commands: ``impact`` (one damage scenario) and ``screen`` (N-1 / N-k)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.table import Table

from warmgrid.cli.common import (
    AreaFileOpt,
    AreaOpt,
    CityArg,
    DamageOpt,
    JsonOpt,
    assess_damage,
    load_city_arg,
    parse_damage,
)
from warmgrid.cli.output import console, emit_json, esc, progress, records
from warmgrid.cli.switching import print_backup, print_switching
from warmgrid.errors import InputError

if TYPE_CHECKING:
    from warmgrid.impact import ImpactResult


def print_impact(
    result: ImpactResult,
    explain_limit: int = 3,
    asset_cost: Mapping[str, float] | None = None,
) -> None:
    """Human-readable summary: counts, critical facilities and why they are out.

    ``asset_cost`` (e.g. repair hours) picks, of parallel damaged assets, the one named
    as bringing service back (see ``ImpactResult.restoration_groups``)."""
    from warmgrid.impact.words import Labeller

    city = result.compiled.city
    words = Labeller(city)
    buildings = city.buildings
    damaged = ", ".join(map(words.label, result.damaged_asset_ids))
    if not result.damaged.any():
        damaged = "nothing: the base state of the city (who is unsupplied already)"
    console.print(f"[bold]Damaged:[/] {esc(damaged)}", highlight=False)
    for service, lacking, people in (
        ("power", result.building_without_power, result.people_without_power),
        ("heat", result.building_without_heat, result.people_without_heat),
    ):
        console.print(
            f"[bold]Without {service}:[/] {int(lacking.sum()):,} buildings, {people:,.0f} people"
        )
        critical = result.critical_without(service)
        for ident in critical:
            use = buildings.loc[buildings["id"] == ident, "use"].iat[0].replace("_", " ")
            console.print(f"  {esc(use)}: {esc(words.label(ident))}", highlight=False)
    either = result.people_without_power_or_heat
    console.print(f"[bold]Without power or heat:[/] {either:,.0f} people")
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
            f"\n[bold]Why {len(group.building_index):,} buildings ({people:,} people) have no "
            f"{group.service}:[/]"
        )
        for line in words.describe(chain):
            console.print("  " + line, highlight=False, markup=False)
        needs = ", ".join(map(words.label, group.needs))
        console.print(f"  [green]Repairing {esc(needs)} brings it back.[/]", highlight=False)
    electric = (
        result.compiled.building_electric_heating
        & result.building_without_power
        & ~result.building_heat_network_lost
    )
    if electric.any():
        people = int(result.compiled.building_population[electric].sum())
        console.print(
            f"\n[bold]Why {int(electric.sum()):,} buildings ({people:,} people) have no heat:[/]"
        )
        console.print(
            "  They heat electrically and have no power (above): their heat comes back with it."
        )


def impact_command(
    city: CityArg,
    damage: DamageOpt = None,
    area: AreaOpt = None,
    area_file: AreaFileOpt = None,
    explain: Annotated[
        str | None, typer.Option(help="Also explain why this building is out.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Who is without power and heat after the damage, and why (without damage: who is
    unsupplied already, in the city's base state)."""
    spec = parse_damage(damage, area, area_file)
    from warmgrid.impact.switching import propose_switching
    from warmgrid.impact.words import Labeller, steps_to_dict
    from warmgrid.model import compile_city
    from warmgrid.restore.backup import refuel_deadlines

    result = assess_damage(compile_city(load_city_arg(city)), spec)
    switching = propose_switching(result)
    backup = refuel_deadlines(result)
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
        payload["switching"] = switching.summary()
        payload["backup_power"] = backup
        if explain:
            payload["explain"] = {k: steps_to_dict(v) for k, v in chains.items()}
        emit_json(payload)
        return
    print_impact(result)
    print_switching(switching.summary())
    print_backup(backup)
    words = Labeller(result.compiled.city)
    if explain:
        name = esc(words.label(explain))
        if not chains:
            console.print(
                f"\n[bold]{name} is not out:[/] this damage leaves it its power and heat.",
                highlight=False,
            )
        for service, steps in chains.items():
            console.print(f"\n[bold]{name} has no {service}:[/]", highlight=False)
            for line in words.describe(steps):
                console.print("  " + line, highlight=False, markup=False)


def screen_command(
    city: CityArg,
    top: Annotated[int | None, typer.Option(help="Only the K worst rows.")] = None,
    k: Annotated[int, typer.Option("--k", help="Assets lost at once (1: N-1).")] = 1,
    samples: Annotated[int, typer.Option(help="Sampled sets for N-k (k > 1).")] = 1000,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the N-k sampling.")] = 0,
    json_out: JsonOpt = False,
) -> None:
    """Rank assets by what their loss costs: N-1 over every asset, or sampled N-k."""
    from warmgrid.impact.screen import COUNT_COLUMNS, screen_n1, screen_nk
    from warmgrid.model import compile_city

    if k < 1:
        raise InputError("--k", f"must be at least 1, got {k}")
    if k > 1 and samples < 1:
        raise InputError("--samples", f"must be at least 1, got {samples}")
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
        emit_json({"k": k, "rows": records(frame)})
        return
    table = Table(
        title=f"N-{k} screening of {esc(compiled.city.name)}" + (" (sampled)" if k > 1 else ""),
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    key = "id" if k == 1 else "assets"
    shown = frame.head(top or 20)
    cells = [str(value).split(",") for value in shown[key]]  # N-k: one id per line
    longest = max((len(ident) for ids in cells for ident in ids), default=2)
    table.add_column(key, min_width=longest, no_wrap=True)  # ids are never cut
    for column in COUNT_COLUMNS:
        what, _, service = column.partition("_without_")
        what = {"buildings": "bldgs", "critical": "crit."}.get(what, what)
        lines = [what, "no", *service.replace("_or_", " or_").split("_")]
        header = "\n".join(lines)  # narrow columns: seven counts fit 80 characters
        table.add_column(header, justify="right", min_width=max(map(len, header.split("\n"))))
    for ids, row in zip(cells, shown.itertuples(index=False), strict=True):
        record = row._asdict()
        table.add_row(esc("\n".join(ids)), *(esc(record[c]) for c in COUNT_COLUMNS))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``impact`` and ``screen``."""
    app.command("impact")(impact_command)
    app.command("screen")(screen_command)
