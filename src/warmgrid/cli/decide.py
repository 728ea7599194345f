"""CLI commands ``plan-protection`` and ``site-centres``: decisions from a finished sweep."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from warmgrid.cli.common import JsonOpt, load_city_arg
from warmgrid.cli.output import console, emit_json, esc, figure_label, progress
from warmgrid.errors import InputError

SweepArg = Annotated[Path, typer.Argument(help="The folder of a finished sweep (--out).")]
CityOpt = Annotated[
    str, typer.Option("--city", help='The sweep\'s city: a city folder, or "demo".')
]
WeatherOpt = Annotated[
    Path | None, typer.Option(help="The sweep's --weather (scenario, CSV forecast or EPW).")
]
ConditionsOpt = Annotated[
    Path | None, typer.Option(help="The sweep's --conditions (crews, plan, cool-down).")
]
WorkersOpt = Annotated[
    int,
    typer.Option(help="Local Dask worker processes (0, the default: in this process)."),
]
SchedulerOpt = Annotated[str | None, typer.Option(help="A Dask scheduler, tcp://HOST:PORT.")]


def _load(
    sweep_dir: Path, city: str, weather: Path | None, conditions: Path | None
) -> tuple[Any, Any]:
    """The sweep's city, rebuilt as the sweep built it, and its results."""
    from warmgrid.cli.sweep import _sweep_city
    from warmgrid.model import compile_city
    from warmgrid.sweep.results import read_manifest, read_sweep

    planned = bool(read_manifest(sweep_dir).get("plan", True))
    compiled = compile_city(load_city_arg(city))
    sweep_city = _sweep_city(compiled, weather, conditions, not planned)
    return sweep_city, read_sweep(sweep_dir, sweep_city)


@contextmanager
def _cluster(workers: int, scheduler: str | None) -> Iterator[Any]:
    from warmgrid.sweep.engine import dask_client

    if workers < 0:
        raise InputError("--workers", f"must be 0 or more, got {workers}")
    if workers and scheduler is not None:
        raise InputError("--workers", "give --workers or --scheduler, not both")
    if not workers and scheduler is None:
        yield None
        return
    with dask_client(workers or None, scheduler) as client:
        yield client


@contextmanager
def _progress(label: str, total: int, show: bool) -> Iterator[Callable[[int], None]]:
    """Rich progress on stderr counting scenarios evaluated (none when quiet); the total
    grows when more are evaluated than first expected."""
    with progress(show) as bar:
        if bar is None:
            yield lambda rows: None
            return
        task = bar.add_task(f"{label}: scenarios evaluated", total=total)

        def advance(rows: int) -> None:
            done = bar.tasks[0].completed + rows
            bar.update(task, completed=done, total=max(done, bar.tasks[0].total or 0))

        yield advance


def _item(compiled: Any, kinds: list[str], pick: tuple[str, int]) -> dict[str, Any]:
    """A plan's item for the JSON: a protected asset with its labels, or a spare's kind."""
    what, index = pick
    if what == "spare":
        return {"item": "spare", "kind": kinds[index]}
    city = compiled.city
    ident = str(compiled.asset_ids[index])
    for table in (city.nodes, city.branches, city.sources):
        match = table[table["id"] == ident]
        if len(match):
            row = match.iloc[0]
            return {
                "item": "protect",
                "id": ident,
                "name": str(row["name"]),
                "network": str(row["network"]),
                "kind": str(row["kind"]),
            }
    return {"item": "protect", "id": ident}


def protection_command(
    sweep_dir: SweepArg,
    budget: Annotated[
        int, typer.Option("--budget", help="Items: assets to protect and spares to stock (K).")
    ],
    spares: Annotated[
        list[str] | None,
        typer.Option("--spares", help="KIND=N: up to N spares of that asset kind (repeatable)."),
    ] = None,
    spare_factor: Annotated[
        float, typer.Option(help="Share of its hours a repair takes with a spare on hand.")
    ] = 0.5,
    city: CityOpt = "demo",
    weather: WeatherOpt = None,
    conditions: ConditionsOpt = None,
    exact: Annotated[
        bool,
        typer.Option("--exact", help="Also search every plan of K items and report the gap."),
    ] = False,
    workers: WorkersOpt = 0,
    scheduler: SchedulerOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Choose the K assets to protect (and spares to stock) that most reduce the sweep's
    expected people-hours below 12 °C (lazy greedy; --exact checks it exhaustively)."""
    from warmgrid.sweep import spares as stock
    from warmgrid.sweep.blocks import Evaluator
    from warmgrid.sweep.protect import (
        Choices,
        check_exhaustive,
        exhaustive,
        greedy,
        spare_kinds,
    )

    if budget < 1:
        raise InputError("--budget", f"must be at least 1, got {budget}")
    if not 0.0 < spare_factor <= 1.0:
        raise InputError(
            "--spare-factor",
            f"must be above 0 (a repair takes time) and at most 1, got {spare_factor}",
        )
    sweep_city, results = _load(sweep_dir, city, weather, conditions)
    compiled = sweep_city.compiled
    limits = stock.parse_spares(spares or [], compiled)
    if limits and not sweep_city.with_plan:
        raise InputError("--spares", "spares shorten repairs: they need a sweep with plans")
    kinds = list(limits)
    spare_kind = spare_kinds(results.assets, stock.asset_kinds(compiled), kinds)
    if exact:
        check_exhaustive(results.assets, budget, list(limits.values()))
    scenarios = max(results.scenarios, 1)
    expected = int((results.assets >= 0).sum())
    with (
        _cluster(workers, scheduler) as client,
        _progress("protect", expected, not json_out) as advance,
    ):
        evaluate = Evaluator(sweep_city, client, advance, spare_factor)
        choices = Choices(
            results.assets, results.people_hours, evaluate, spare_kind, tuple(limits.values())
        )
        plan = greedy(choices, budget)
        best = exhaustive(choices, budget) if exact else None
    payload: dict[str, Any] = {
        "city": compiled.city.name,
        "scenarios": results.scenarios,
        "budget": budget,
        "objective": results.metric,
        "method": "lazy greedy (CELF)",
        "spare_factor": spare_factor,
        f"expected_{results.metric}": {
            "unprotected": plan.baseline / scenarios,
            "protected": plan.remaining / scenarios,
            "reduction": plan.reduction / scenarios,
        },
        "protect": [str(compiled.asset_ids[a]) for a in plan.protected],
        "spares": plan.spares(kinds),
        "plan": [
            _item(compiled, kinds, pick) | {f"expected_reduction_{results.metric}": g / scenarios}
            for pick, g in zip(plan.picks, plan.gains, strict=True)
        ],
        "evaluations": evaluate.evaluations,
    }
    if best is not None:
        gap = (best.reduction - plan.reduction) / best.reduction if best.reduction > 0 else 0.0
        payload["exact"] = {
            "protect": [str(compiled.asset_ids[a]) for a in best.protected],
            "spares": best.spares(kinds),
            f"expected_reduction_{results.metric}": best.reduction / scenarios,
            "greedy_gap": gap,
        }
    if json_out:
        emit_json(payload)
        return
    _print_protection(payload)


def _table(title: str, texts: tuple[str, ...], numbers: tuple[str, ...]) -> Any:
    """A Rich table: text columns left, number columns right; ids fold, never cut."""
    from rich.table import Table

    table = Table(title=title)
    for column in texts:
        table.add_column(column, overflow="fold")
    for column in numbers:
        table.add_column(column, justify="right")
    return table


def _print_protection(payload: dict[str, Any]) -> None:
    metric = payload["objective"]
    figures = payload[f"expected_{metric}"]
    console.print(
        f"[bold]{len(payload['plan'])} of {payload['budget']} items[/] over "
        f"{payload['scenarios']} scenarios of {esc(payload['city'])}: expected "
        f"{figure_label(metric)} {figures['unprotected']:,.0f} → "
        f"{figures['protected']:,.0f}",
        highlight=False,
    )
    table = _table(
        "Assets to protect and spares to stock, in the order chosen",
        ("item", "id", "name", "kind"),
        ("saved",),
    )
    for item in payload["plan"]:
        table.add_row(
            item["item"],
            esc(item.get("id", "")),
            esc(item.get("name", "")),
            esc(item.get("kind", "")),
            f"{item[f'expected_reduction_{metric}']:,.0f}",
        )
    console.print(table)
    if "exact" in payload:
        exact = payload["exact"]
        items = exact["protect"] + [f"{n} spare {k}" for k, n in exact["spares"].items()]
        console.print(
            f"Exact best plan: {esc(', '.join(items))} saves "
            f"{exact[f'expected_reduction_{metric}']:,.0f}; "
            f"greedy gap {exact['greedy_gap']:.1%}",
            highlight=False,
        )


def _ids(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def centres_command(
    sweep_dir: SweepArg,
    count: Annotated[int, typer.Option("--count", help="Warming centres to choose (M).")],
    city: CityOpt = "demo",
    weather: WeatherOpt = None,
    conditions: ConditionsOpt = None,
    walk_m: Annotated[
        float, typer.Option("--walk-m", help="Walking distance to a centre, metres.")
    ] = 1000.0,
    use: Annotated[
        list[str] | None,
        typer.Option("--use", help="Candidates: buildings of this use (repeatable)."),
    ] = None,
    candidates: Annotated[
        str | None, typer.Option("--candidates", help="Candidates: building ids, comma-separated.")
    ] = None,
    min_backup_h: Annotated[
        float, typer.Option(help="Fuel hours a backup generator needs to count.")
    ] = 0.0,
    greedy_only: Annotated[
        bool, typer.Option("--greedy", help="Greedy with its bound only, no CP-SAT.")
    ] = False,
    time_limit_s: Annotated[
        float, typer.Option("--time-limit", help="Seconds CP-SAT may search.")
    ] = 60.0,
    workers: WorkersOpt = 0,
    scheduler: SchedulerOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Choose M warming centres that keep the most people without heat within walking
    distance of an open, warm, powered centre across the sweep's scenarios."""
    import numpy as np

    from warmgrid.sweep import centres
    from warmgrid.sweep.blocks import map_blocks, split

    if not time_limit_s > 0:
        raise InputError("--time-limit", f"must be positive seconds, got {time_limit_s}")
    sweep_city, results = _load(sweep_dir, city, weather, conditions)
    compiled = sweep_city.compiled
    buildings = compiled.city.buildings
    chosen_from = centres.candidate_buildings(buildings, use, _ids(candidates), min_backup_h)
    site = centres.siting(compiled, chosen_from, walk_m, min_backup_h)
    blocks = split(results.assets)
    with (
        _cluster(workers, scheduler) as client,
        _progress("centres", results.scenarios, not json_out) as advance,
    ):
        parts = map_blocks(centres.count_block, site, blocks, client, advance)
    cover = centres.coverage(parts, chosen_from.size, results.scenarios)
    choice = centres.solve_greedy(cover, count)
    method = "greedy"
    if not greedy_only and not choice.optimal:
        choice = centres.solve_exact(cover, count, time_limit_s, hint=choice)
        method = "CP-SAT"
    proof = PROOFS[method, choice.optimal]
    scenarios = max(results.scenarios, 1)
    alone = [cover.served(np.array([c])) for c in choice.chosen]
    payload = {
        "city": compiled.city.name,
        "scenarios": results.scenarios,
        "count": count,
        "walk_m": walk_m,
        "candidates": int(chosen_from.size),
        "method": method,
        "proven_optimal": choice.optimal,
        "proof": proof,
        "expected_people_without_heat": cover.people_without_heat / scenarios,
        "expected_people_served": choice.served / scenarios,
        "upper_bound_people_served": choice.bound / scenarios,
        "centres": [
            {
                "id": str(buildings["id"].iat[chosen_from[c]]),
                "name": str(buildings["name"].iat[chosen_from[c]]),
                "use": str(buildings["use"].iat[chosen_from[c]]),
                "backup_fuel_h": float(buildings["backup_fuel_h"].iat[chosen_from[c]]),
                "expected_people_served_alone": served / scenarios,
            }
            for c, served in zip(choice.chosen, alone, strict=True)
        ],
    }
    if json_out:
        emit_json(payload)
        return
    _print_centres(payload)


PROOFS = {
    ("greedy", True): "optimal: the greedy met its upper bound, so CP-SAT was not needed",
    ("greedy", False): "not proven optimal: greedy only (--greedy), the best is at most its bound",
    ("CP-SAT", True): "optimal: proven by CP-SAT",
    ("CP-SAT", False): "not proven optimal: CP-SAT's best within --time-limit",
}
"""What ``site-centres`` says of its answer, by method and whether it is proven best."""


def _print_centres(payload: dict[str, Any]) -> None:
    console.print(
        f"[bold]{payload['count']} warming centres[/] of {payload['candidates']} candidates "
        f"over {payload['scenarios']} scenarios of {esc(payload['city'])}: "
        f"{payload['expected_people_served']:,.0f} of "
        f"{payload['expected_people_without_heat']:,.0f} people without heat within "
        f"{payload['walk_m']:,.0f} m on average (at most "
        f"{payload['upper_bound_people_served']:,.0f} with any {payload['count']})",
        highlight=False,
    )
    console.print(f"Method: {payload['method']}; {payload['proof']}.", highlight=False)
    table = _table("Centres", ("id", "name", "use"), ("backup h", "served alone"))
    for centre in payload["centres"]:
        table.add_row(
            esc(centre["id"]),
            esc(centre["name"]),
            esc(centre["use"]),
            f"{centre['backup_fuel_h']:g}",
            f"{centre['expected_people_served_alone']:,.0f}",
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``plan-protection`` and ``site-centres``."""
    app.command("plan-protection")(protection_command)
    app.command("site-centres")(centres_command)
