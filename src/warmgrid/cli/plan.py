"""CLI command: ``plan`` — which crew repairs what, in which order, and when."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from warmgrid.cli.common import AreaFileOpt, AreaOpt, DamageOpt
from warmgrid.cli.output import console, emit_json, esc, progress, records
from warmgrid.cli.switching import print_backup, print_switching
from warmgrid.errors import InputError

if TYPE_CHECKING:
    from warmgrid.restore.plan import Plan
    from warmgrid.restore.problem import Problem
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


def _city_problem(
    city: str,
    damage: str | None,
    area: list[str] | None,
    area_file: list[Path] | None,
    repair_hours: dict[str, float],
    crews_file: Path | None,
    speed_kmh: float,
    road_factor: float,
    scenario: Scenario | None,
) -> tuple[Problem, Any, Any]:
    from warmgrid.cli.common import load_city_arg, parse_damage
    from warmgrid.impact import assess
    from warmgrid.impact.switching import propose_switching
    from warmgrid.model import compile_city
    from warmgrid.restore.from_city import asset_table, check_repair_hours, problem_from_impact
    from warmgrid.restore.problem_file import load_crews

    if crews_file is not None:
        crews, source = load_crews(crews_file), str(crews_file)
    elif scenario is not None and scenario.crews:
        crews, source = list(scenario.crews), scenario.source
    else:
        raise InputError(
            "plan", "with a CITY, give the crews with --crews FILE.json or a --scenario with crews"
        )
    spec = parse_damage(damage, area, area_file)
    if not spec.asset_ids and not spec.areas and scenario is not None:
        spec = scenario.damage
    if not spec.asset_ids and not spec.areas:
        raise InputError(
            "plan", "with a CITY, give damaged assets with --damage, --area and/or --area-file"
        )
    city_model = load_city_arg(city)
    assets = asset_table(city_model)
    check_repair_hours(repair_hours, assets, "--repair-hours")
    result = assess(compile_city(city_model), spec)
    if not result.damaged_asset_ids:
        raise InputError("plan", "the damage hits no asset of the city: nothing to repair")
    switching = propose_switching(result)
    problem = problem_from_impact(
        city_model,
        result,
        crews,
        repair_h=repair_hours,
        speed_kmh=speed_kmh,
        road_factor=road_factor,
        source=source,
        switching=switching,
        assets=assets,
    )
    return problem, city_model, switching


def _scenario(city: str | None, scenario_file: Path | None) -> Scenario | None:
    """The scenario whose damage, crews, repair hours and start are the defaults: the file
    given, else the demo scenario for CITY ``demo``, else none."""
    from warmgrid.scenario.spec import demo_scenario, load_scenario

    if scenario_file is not None:
        return load_scenario(scenario_file)
    return demo_scenario() if city == "demo" else None


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
    solver: Annotated[str, typer.Option(help="exact (CP-SAT) or heuristic.")] = "heuristic",
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds for the solver.")
    ] = 10.0,
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
            help="A scenario TOML file whose damage, crews, repair hours and start are the "
            "defaults (CITY: default the scenario's city). With CITY demo: the demo scenario.",
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Plan the repairs: crew routes, restoration times, metrics and baselines.

    With a scenario (``--scenario FILE``, or CITY ``demo`` for the demo scenario) the
    damage, crews, repair hours and start not given on the command line are the
    scenario's; the plan weighs buildings without the scenario's cold urgency
    (``warmgrid demo`` and ``warmgrid report`` run the whole scenario)."""
    from warmgrid.alerts.captime import utc_now
    from warmgrid.model.timezone import etr_time, local_time, parse_time
    from warmgrid.restore.plan import make_plan, plan_to_dict
    from warmgrid.restore.problem import check_number
    from warmgrid.restore.problem_file import load_problem

    if solver not in SOLVERS:
        raise InputError("--solver", f"expected one of {', '.join(SOLVERS)}, got {solver!r}")
    if not time_limit > 0:
        raise InputError("--time-limit", f"must be a positive number of seconds, got {time_limit}")
    if gantt is not None and gantt.suffix.lower() not in (".png", ".svg"):
        raise InputError("--gantt", f"the chart file must end in .png or .svg, got {gantt}")
    hours = parse_repair_hours(repair_hours)
    moment = None if start is None else parse_time(start, "--start")
    city_model = switching = None
    scenario = _scenario(city, scenario_file)
    if problem_file is not None:
        if city is not None or damage or area or area_file or hours or crews_file is not None:
            raise InputError("plan", "give either --problem FILE or a CITY with damage, not both")
        if scenario_file is not None:
            raise InputError("plan", "give either --problem FILE or a --scenario, not both")
        problem = load_problem(problem_file)
    elif city is not None or scenario is not None:
        if scenario is not None:
            hours = hours or dict(scenario.plan.repair_h)
            moment = moment or scenario.start
            city = city or scenario.city
        assert city is not None
        check_number(speed_kmh, "--speed-kmh", minimum=0, strict=True)
        check_number(road_factor, "--road-factor", minimum=1.0)
        problem, city_model, switching = _city_problem(
            city, damage, area, area_file, hours, crews_file, speed_kmh, road_factor, scenario
        )
    else:
        raise InputError("plan", "give --problem FILE.json, or a CITY with --damage and --crews")
    with progress(enabled=not json_out) as bar:
        if bar is not None:
            bar.add_task(f"planning ({solver})", total=None)
        plan = make_plan(problem, solver=solver, time_limit_s=time_limit, seed=seed)
    payload = plan_to_dict(plan)
    if city_model is not None:
        moment = moment or utc_now()
    if moment is not None:
        zone = None if city_model is None else city_model.timezone
        payload["start"] = (moment if zone is None else local_time(moment, zone)).isoformat()
        payload["group_etr"] = {
            group: etr_time(moment, restored_h, zone).isoformat(timespec="minutes")
            for group, restored_h in payload["group_restored_h"].items()
        }
    if city_model is not None and switching is not None:
        from warmgrid.restore.backup import refuel_deadlines
        from warmgrid.restore.from_city import building_etr

        payload["asset_etr_h"] = payload["task_end_h"]
        frame = building_etr(city_model, switching.before, problem, plan.schedule)
        payload["building_etr"] = records(frame)
        payload["switching"] = switching.summary()
        payload["backup_power"] = refuel_deadlines(
            switching.before, frame, moment, city_model.timezone
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
