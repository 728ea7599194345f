"""CLI command: ``plan`` — which crew repairs what, in which order, and when."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from warmgrid.cli.common import AreaOpt, DamageOpt
from warmgrid.cli.output import console, emit_json, progress, records
from warmgrid.errors import InputError

if TYPE_CHECKING:
    from warmgrid.restore.plan import Plan
    from warmgrid.restore.problem import Problem

SOLVERS = ("heuristic", "exact")


def _city_problem(
    city: str,
    damage: str | None,
    area: list[str] | None,
    crews_file: Path | None,
    speed_kmh: float,
    road_factor: float,
) -> tuple[Problem, Any, Any]:
    from warmgrid.cli.common import load_city_arg, parse_damage
    from warmgrid.impact import assess
    from warmgrid.model import compile_city
    from warmgrid.restore.from_city import problem_from_impact
    from warmgrid.restore.problem_file import load_crews

    if crews_file is None:
        raise InputError("plan", "with a CITY, give the crews with --crews FILE.json")
    spec = parse_damage(damage, area)
    if not spec.asset_ids and not spec.areas:
        raise InputError("plan", "with a CITY, give damaged assets with --damage and/or --area")
    crews = load_crews(crews_file)
    city_model = load_city_arg(city)
    result = assess(compile_city(city_model), spec)
    if not result.damaged_asset_ids:
        raise InputError("plan", "the damage hits no asset of the city: nothing to repair")
    problem = problem_from_impact(
        city_model,
        result,
        crews,
        speed_kmh=speed_kmh,
        road_factor=road_factor,
        source=str(crews_file),
    )
    return problem, city_model, result


def _print_plan(plan: Plan, payload: dict[str, Any]) -> None:
    console.print(
        f"[bold]Plan[/] ({plan.solver}, {plan.status}, {plan.solve_s:.2f} s): objective "
        f"{plan.schedule.objective:,.1f} weight·hours"
    )
    routes = Table(title="Crew routes (hours from now)")
    for column in ("crew", "task", "travel h", "start h", "end h"):
        routes.add_column(column)
    for crew, steps in payload["timeline"].items():
        for k, step in enumerate(steps):
            routes.add_row(
                crew if k == 0 else "",
                step["task"],
                f"{step['travel_h']:.2f}",
                f"{step['start_h']:.2f}",
                f"{step['end_h']:.2f}",
            )
        if not steps:
            routes.add_row(crew, "(idle)", "", "", "")
    console.print(routes)
    groups = Table(title="Restoration times of the groups")
    for column in ("group", "service", "people", "weight", "ETR h"):
        groups.add_column(column)
    order = sorted(plan.problem.groups, key=lambda g: payload["group_restored_h"][g.id])
    for g in order[:30]:
        groups.add_row(
            g.id,
            g.service or "-",
            f"{g.people:,.0f}",
            f"{g.weight:,.0f}",
            f"{payload['group_restored_h'][g.id]:.2f}",
        )
    if len(order) > 30:
        groups.add_row(f"… {len(order) - 30} more", "", "", "", "")
    console.print(groups)
    m = payload["metrics"]
    console.print(
        f"People-hours without power: {m['people_hours_without_power']:,.0f}; "
        f"without heat: {m['people_hours_without_heat']:,.0f}; all groups: "
        f"{m['people_hours_without_service']:,.0f}"
    )
    console.print(f"Customer minutes interrupted: {m['customer_minutes_interrupted']:,.0f}")
    for name, b in payload["baselines"].items():
        console.print(
            f"Baseline {name.replace('_', ' ')}: objective {b['objective']:,.1f} "
            f"(this plan is {b['plan_gain_pct']:.1f} % lower)"
        )
    if plan.note:
        console.print(f"[yellow]{plan.note}[/]")


def plan_command(
    city: Annotated[
        str | None,
        typer.Argument(help='A city folder, or "demo" (omit when using --problem).'),
    ] = None,
    problem_file: Annotated[
        Path | None, typer.Option("--problem", help="A restoration problem file (JSON).")
    ] = None,
    damage: DamageOpt = None,
    area: AreaOpt = None,
    crews_file: Annotated[
        Path | None, typer.Option("--crews", help="Crews file (JSON list of crews).")
    ] = None,
    solver: Annotated[str, typer.Option(help="exact (CP-SAT) or heuristic.")] = "heuristic",
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds for the solver.")
    ] = 10.0,
    gantt: Annotated[
        Path | None, typer.Option("--gantt", help="Write a Gantt chart (.png or .svg).")
    ] = None,
    speed_kmh: Annotated[float, typer.Option(help="Crew road speed, km/h (city).")] = 30.0,
    road_factor: Annotated[float, typer.Option(help="Road ÷ straight-line distance (city).")] = 1.4,
    seed: Annotated[int, typer.Option(help="Seed of the heuristic's random moves.")] = 0,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Plan the repairs: crew routes, restoration times, metrics and baselines."""
    from warmgrid.restore.plan import make_plan, plan_to_dict
    from warmgrid.restore.problem_file import load_problem

    if solver not in SOLVERS:
        raise InputError("--solver", f"expected one of {', '.join(SOLVERS)}, got {solver!r}")
    if not time_limit > 0:
        raise InputError("--time-limit", f"must be a positive number of seconds, got {time_limit}")
    if gantt is not None and gantt.suffix.lower() not in (".png", ".svg"):
        raise InputError("--gantt", f"the chart file must end in .png or .svg, got {gantt}")
    city_model = result = None
    if problem_file is not None:
        if city is not None or damage or area or crews_file is not None:
            raise InputError("plan", "give either --problem FILE or a CITY with damage, not both")
        problem = load_problem(problem_file)
    elif city is not None:
        problem, city_model, result = _city_problem(
            city, damage, area, crews_file, speed_kmh, road_factor
        )
    else:
        raise InputError("plan", "give --problem FILE.json, or a CITY with --damage and --crews")
    with progress(enabled=not json_out) as bar:
        if bar is not None:
            bar.add_task(f"planning ({solver})", total=None)
        plan = make_plan(problem, solver=solver, time_limit_s=time_limit, seed=seed)
    payload = plan_to_dict(plan)
    if city_model is not None and result is not None:
        from warmgrid.restore.from_city import building_etr

        payload["asset_etr_h"] = payload["task_end_h"]
        frame = building_etr(city_model, result, problem, plan.schedule)
        payload["building_etr"] = records(frame)
    if gantt is not None:
        from warmgrid.restore.plot import save_gantt

        save_gantt(plan, gantt)
        payload["gantt"] = str(gantt)
    if json_out:
        emit_json(payload)
        return
    _print_plan(plan, payload)
    if "building_etr" in payload:
        console.print(f"ETR of {len(payload['building_etr'])} buildings: see --json")
    if gantt is not None:
        console.print(f"Gantt chart written to {gantt}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("plan")(plan_command)
