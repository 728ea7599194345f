"""CLI command: ``plan`` — which crew repairs what, in which order, and when."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from warmgrid.cli.common import AreaFileOpt, AreaOpt, DamageOpt
from warmgrid.cli.output import console, emit_json, esc, progress, records
from warmgrid.cli.switching import print_backup, print_switching
from warmgrid.errors import InputError

if TYPE_CHECKING:
    from datetime import datetime

    import pandas as pd

    from warmgrid.restore.plan import Plan
    from warmgrid.scenario.spec import Scenario

SOLVERS = ("heuristic", "exact")


def parse_repair_hours(text: str | None) -> dict[str, float]:
    """``--repair-hours KIND=H,ID=H`` → {asset kind or id: hours}."""
    from warmgrid.restore.problem import check_repair_h

    hours: dict[str, float] = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError("--repair-hours", f"expected KIND=HOURS or ID=HOURS, got {item!r}")
        try:
            number: object = float(value)
        except ValueError:
            number = value
        hours[key.strip()] = check_repair_h(number, f"--repair-hours {key.strip()}")
    return hours


def _city_plan(
    scenario: Scenario,
    damage: str | None,
    area: list[str] | None,
    area_file: list[Path] | None,
    repair_hours: dict[str, float],
    crews_file: Path | None,
    travel: tuple[float, float, int],
    show_progress: bool,
) -> tuple[Plan, Any, Any, pd.DataFrame]:
    """The scenario pipeline's plan (:func:`warmgrid.scenario.run.restoration_plan`) of
    ``scenario`` with the options given on the command line in place of its damage,
    crews and repair hours: the plan, the city, the switching and the building ETRs.
    ``travel``: crew speed (km/h), road factor and the heuristic's seed."""
    from warmgrid.cli.common import assess_damage, load_city_arg, parse_damage
    from warmgrid.impact.switching import propose_switching
    from warmgrid.model import compile_city
    from warmgrid.restore.from_city import asset_table, check_repair_hours
    from warmgrid.restore.problem_file import load_crews
    from warmgrid.scenario.run import cool_down, restoration_plan

    where = f"{scenario.source}: damage"
    if crews_file is not None:
        scenario = replace(scenario, crews=tuple(load_crews(crews_file)), source=str(crews_file))
    elif not scenario.crews:
        raise InputError(
            "plan", "with a CITY, give the crews with --crews FILE.json or a --scenario with crews"
        )
    spec = parse_damage(damage, area, area_file)
    if spec.asset_ids or spec.areas:
        scenario, where = replace(scenario, damage=spec), "--damage"
    if not scenario.damage.asset_ids and not scenario.damage.areas:
        raise InputError(
            "plan", "with a CITY, give damaged assets with --damage, --area and/or --area-file"
        )
    if repair_hours:
        scenario = replace(
            scenario, plan=replace(scenario.plan, repair_h=tuple(repair_hours.items()))
        )
    city_model = load_city_arg(scenario.city)
    assets = asset_table(city_model)
    check_repair_hours(repair_hours, assets, "--repair-hours")
    result = assess_damage(compile_city(city_model), scenario.damage, where)
    if not result.damaged_asset_ids:
        raise InputError("plan", "the damage hits no asset of the city: nothing to repair")
    switching = propose_switching(result)
    with progress(enabled=show_progress) as bar:
        if bar is not None:
            bar.add_task(f"planning ({scenario.plan.solver})", total=None)
        cooldown = (
            cool_down(scenario, city_model, result) if scenario.plan.cold_urgency > 0 else None
        )
        plan, etr = restoration_plan(
            scenario,
            city_model,
            result,
            cooldown,
            switching,
            assets,
            speed_kmh=travel[0],
            road_factor=travel[1],
            seed=travel[2],
        )
    assert plan is not None  # crews and damage were checked above
    return plan, city_model, switching, etr


def _scenario(
    city: str | None,
    scenario_file: Path | None,
    start: datetime | None,
    solver: str | None,
    time_limit: float | None,
) -> Scenario:
    """The scenario whose damage, crews, repair hours, plan settings and start are the
    defaults (the file given, else the demo scenario for CITY ``demo``, else warmgrid's
    defaults for CITY starting now), with ``start``, ``solver`` and ``time_limit`` in
    place of its own where given."""
    from warmgrid.alerts.captime import utc_now
    from warmgrid.scenario.spec import demo_scenario, load_scenario, parse_scenario

    if scenario_file is not None:
        scenario = load_scenario(scenario_file)
    elif city == "demo":
        scenario = demo_scenario()
    else:
        scenario = parse_scenario({"name": "plan", "city": city, "start": utc_now()}, "plan")
    settings = replace(
        scenario.plan,
        solver=solver or scenario.plan.solver,
        time_limit_s=scenario.plan.time_limit_s if time_limit is None else time_limit,
    )
    return replace(
        scenario, city=city or scenario.city, start=start or scenario.start, plan=settings
    )


def _print_plan(plan: Plan, payload: dict[str, Any]) -> None:
    console.print(
        f"[bold]Plan[/] ({plan.solver}, {plan.status}, {plan.solve_s:.2f} s): objective "
        f"{plan.schedule.objective:,.1f} weight·hours"
    )
    since = f"hours after {payload['start']}" if "start" in payload else "hours from the start"
    routes = Table(title=f"Crew routes ({since})")
    for column in ("crew", "task", "travel h", "start h", "end h"):
        routes.add_column(column)
    for crew, steps in payload["timeline"].items():
        for k, step in enumerate(steps):
            routes.add_row(
                esc(crew) if k == 0 else "",
                esc(step["task"]),
                f"{step['travel_h']:.2f}",
                f"{step['start_h']:.2f}",
                f"{step['end_h']:.2f}",
            )
        if not steps:
            routes.add_row(esc(crew), "(idle)", "", "", "")
    console.print(routes)
    groups = Table(title="Restoration times of the groups")
    clock = payload.get("group_etr", {})
    for column in ("group", "service", "people", "weight", "ETR h", *(("ETR",) if clock else ())):
        groups.add_column(column)
    order = sorted(plan.problem.groups, key=lambda g: payload["group_restored_h"][g.id])
    for g in order[:30]:
        groups.add_row(
            esc(g.id),
            esc(g.service or "-"),
            f"{g.people:,.0f}",
            f"{g.weight:,.0f}",
            f"{payload['group_restored_h'][g.id]:.2f}",
            *((esc(clock[g.id].replace("T", " ")),) if clock else ()),
        )
    if len(order) > 30:
        groups.add_row(f"… {len(order) - 30} more", "", "", "", "")
    console.print(groups)
    m = payload["metrics"]
    console.print(
        f"People-hours without power: {m['people_hours_without_power']:,.0f}; "
        f"without heat: {m['people_hours_without_heat']:,.0f}; without power or heat: "
        f"{m['people_hours_without_power_or_heat']:,.0f}"
    )
    console.print(f"Customer minutes interrupted: {m['customer_minutes_interrupted']:,.0f}")
    for name, b in payload["baselines"].items():
        console.print(
            f"Baseline {name.replace('_', ' ')}: objective {b['objective']:,.1f} "
            f"(this plan is {b['plan_gain_pct']:.1f} % lower)"
        )
    if plan.note:
        console.print(f"[yellow]{esc(plan.note)}[/]")


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
    area_file: AreaFileOpt = None,
    repair_hours: Annotated[
        str | None,
        typer.Option(
            "--repair-hours",
            help="Repair hours by asset kind or id, e.g. trafo=12,power.trafo.0=48 "
            "(others: warmgrid's planning defaults).",
        ),
    ] = None,
    crews_file: Annotated[
        Path | None, typer.Option("--crews", help="Crews file (JSON list of crews).")
    ] = None,
    solver: Annotated[
        str | None,
        typer.Option(help="exact (CP-SAT) or heuristic (default: the scenario's, else heuristic)."),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit", help="Seconds for the solver (default: the scenario's, else 10)."
        ),
    ] = None,
    gantt: Annotated[
        Path | None, typer.Option("--gantt", help="Write a Gantt chart (.png or .svg).")
    ] = None,
    speed_kmh: Annotated[float, typer.Option(help="Crew road speed, km/h (city).")] = 30.0,
    road_factor: Annotated[float, typer.Option(help="Road ÷ straight-line distance (city).")] = 1.4,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the heuristic's random moves.")] = 0,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="Start of the plan, ISO 8601 with a UTC offset (…+02:00 or …Z); ETRs are "
            "then also given as times, on the city's clock (with a CITY, default: the "
            "scenario's start, else now).",
        ),
    ] = None,
    scenario_file: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            help="A scenario TOML file whose damage, crews, repair hours, plan settings "
            "(solver, time limit, cold urgency) and start are the defaults (CITY: default the "
            "scenario's city). With CITY demo: the demo scenario.",
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Plan the repairs: crew routes, restoration times, metrics and baselines.

    With a scenario (`--scenario FILE`, or CITY `demo` for the demo scenario) the
    damage, crews, repair hours, solver, time limit and start not given on the command
    line are the scenario's, and homes are weighed by its cold urgency: `plan demo` is
    the plan of `warmgrid demo` (the same scenario pipeline)."""
    from warmgrid.model.timezone import etr_time, local_time, parse_time
    from warmgrid.restore.plan import make_plan, plan_to_dict
    from warmgrid.restore.problem import check_number
    from warmgrid.restore.problem_file import load_problem

    if solver is not None and solver not in SOLVERS:
        raise InputError("--solver", f"expected one of {', '.join(SOLVERS)}, got {solver!r}")
    if time_limit is not None and not time_limit > 0:
        raise InputError("--time-limit", f"must be a positive number of seconds, got {time_limit}")
    if gantt is not None and gantt.suffix.lower() not in (".png", ".svg"):
        raise InputError("--gantt", f"the chart file must end in .png or .svg, got {gantt}")
    hours = parse_repair_hours(repair_hours)
    moment = None if start is None else parse_time(start, "--start")
    city_model = switching = etr = None
    if problem_file is not None:
        if city is not None or damage or area or area_file or hours or crews_file is not None:
            raise InputError("plan", "give either --problem FILE or a CITY with damage, not both")
        if scenario_file is not None:
            raise InputError("plan", "give either --problem FILE or a --scenario, not both")
        problem = load_problem(problem_file)
        with progress(enabled=not json_out) as bar:
            if bar is not None:
                bar.add_task(f"planning ({solver or 'heuristic'})", total=None)
            plan = make_plan(
                problem,
                solver=solver or "heuristic",
                time_limit_s=10.0 if time_limit is None else time_limit,
                seed=seed,
            )
    elif city is not None or scenario_file is not None:
        check_number(speed_kmh, "--speed-kmh", minimum=0, strict=True)
        check_number(road_factor, "--road-factor", minimum=1.0)
        scenario = _scenario(city, scenario_file, moment, solver, time_limit)
        plan, city_model, switching, etr = _city_plan(
            scenario,
            damage,
            area,
            area_file,
            hours,
            crews_file,
            (speed_kmh, road_factor, seed),
            show_progress=not json_out,
        )
        moment = scenario.start
    else:
        raise InputError("plan", "give --problem FILE.json, or a CITY with --damage and --crews")
    payload = plan_to_dict(plan)
    if moment is not None:
        zone = None if city_model is None else city_model.timezone
        payload["start"] = (moment if zone is None else local_time(moment, zone)).isoformat()
        payload["group_etr"] = {
            group: etr_time(moment, restored_h, zone).isoformat(timespec="minutes")
            for group, restored_h in payload["group_restored_h"].items()
        }
    if city_model is not None and switching is not None and etr is not None:
        from warmgrid.restore.backup import refuel_deadlines

        payload["asset_etr_h"] = payload["task_end_h"]
        payload["building_etr"] = records(etr)
        payload["switching"] = switching.summary()
        payload["backup_power"] = refuel_deadlines(
            switching.before, etr, moment, city_model.timezone
        )
    if gantt is not None:
        from warmgrid.restore.plot import save_gantt

        save_gantt(plan, gantt)
        payload["gantt"] = str(gantt)
    if json_out:
        emit_json(payload)
        return
    _print_plan(plan, payload)
    print_switching(payload.get("switching", []))
    print_backup(payload.get("backup_power", []))
    if "building_etr" in payload:
        console.print(f"ETR of {len(payload['building_etr'])} buildings: see --json")
    if gantt is not None:
        console.print(f"Gantt chart written to {gantt}", markup=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("plan")(plan_command)
