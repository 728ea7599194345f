"""CLI command ``demo``: the default scenario on the embedded demo city, in plain words."""

from __future__ import annotations

import math
import shlex
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from warmgrid.cli.impact import print_impact
from warmgrid.cli.output import console, emit_json, esc, progress
from warmgrid.cli.switching import print_backup, print_switching
from warmgrid.cli.thermal import cooldown_payload

if TYPE_CHECKING:
    from warmgrid.impact.words import Labeller
    from warmgrid.restore.problem import Task
    from warmgrid.scenario.run import Assessment


def _when(hours: float, horizon_h: float) -> str:
    if not math.isfinite(hours):
        return f"not within the {horizon_h:g} h forecast"
    return f"after {hours:.1f} h"


def first_homes(assessment: Assessment) -> dict[str, Any]:
    """The homes' (residential buildings') first flats below 12 and 5 °C, hours (None: not
    within the forecast), and the flat position that crosses 12 °C first in homes with its
    people: what `warmgrid demo` prints and puts in its JSON."""
    cool = assessment.cooldown
    out: dict[str, Any] = {
        f"hours_to_{t}c": None
        if not math.isfinite(h := assessment.first_homes_below_h(t))
        else round(h, 2)
        for t in (12, 5)
    }
    out["coldest_position"] = out["coldest_position_people"] = None
    if cool.building_ids:
        uses = assessment.city.buildings.set_index("id").loc[cool.building_ids, "use"]
        first = cool.flats.by_position(uses.to_numpy() == "residential")[0]
        if first["hours_to_c"].get("12") is not None:
            out["coldest_position"] = first["position"]
            out["coldest_position_people"] = round(float(first["people"]))
    return out


def print_cooldown(assessment: Assessment) -> None:
    """When homes cross 12 °C, people below it after 24 and 48 h, the drain deadline."""
    import numpy as np

    from warmgrid.model.schema import CRITICAL_USES

    cool = assessment.cooldown
    horizon = assessment.scenario.weather.hours
    if not cool.building_ids:
        console.print("\n[bold]Cool-down:[/] every building keeps its heat.")
        return
    uses = assessment.city.buildings.set_index("id").loc[cool.building_ids, "use"].to_numpy()
    forecast = assessment.scenario.weather
    console.print(
        f"\n[bold]Cool-down if heat does not return[/] (outdoor {min(forecast.outdoor_temp_c):g}"
        f" to {max(forecast.outdoor_temp_c):g} °C over {horizon:g} h):"
    )
    homes = first_homes(assessment)
    below_12, below_5 = (
        _when(float("nan") if h is None else h, horizon)
        for h in (homes["hours_to_12c"], homes["hours_to_5c"])
    )
    console.print(f"  The first homes' flats fall below 12 °C {below_12}, below 5 °C {below_5}.")
    critical = np.isin(uses, CRITICAL_USES)
    if critical.any():
        hours = cool.first_flat_hours_to(12)[critical]
        if np.isfinite(hours).any():
            names = assessment.city.buildings.set_index("id").loc[cool.building_ids, "name"]
            earliest = int(np.nanargmin(hours))
            ids = np.asarray(cool.building_ids)[critical]
            name = str(names.to_numpy()[critical][earliest]) or str(ids[earliest])
            console.print(
                f"  First critical facility below 12 °C: {esc(name)} "
                f"{_when(float(hours[earliest]), horizon)}."
            )
    flats = cool.flats
    if homes["coldest_position"] is not None:
        where = homes["coldest_position"].replace("_", "-floor ", 1).replace("_", " ")
        console.print(
            f"  Coldest first: {where} flats ({homes['coldest_position_people']:,} people)."
        )
    for after in (24.0, 48.0):
        if after <= horizon:
            console.print(
                f"  People in flats below 12 °C within {after:g} h without heat: "
                f"{cool.people_below(12, after):,.0f}"
            )
    if flats.pipes is not None:
        risers = flats.pipes.hours_to_0c
        if np.isfinite(risers).any():
            console.print(
                f"  Heating risers in stairwells and top floors may start freezing after "
                f"{np.nanmin(risers):.1f} h ({int(np.isfinite(risers).sum())} buildings "
                f"within {horizon:g} h)."
            )
    if cool.network is not None and cool.network.pipe_ids:
        deadline = cool.network.drain_deadline_h
        if math.isfinite(deadline):
            console.print(
                f"  [bold red]Drain the heat network within {deadline:.1f} h[/]: water in "
                f"{esc(cool.network.first_pipe_id)} starts to freeze then.",
                highlight=False,
            )
        else:
            console.print(
                f"  The stagnant heat network does not start to freeze within {horizon:g} h."
            )


def services_back(assessment: Assessment) -> list[tuple[str, float, float]]:
    """``(service, hours, people)`` in time order: power as the plan's groups get it back,
    heat per building that lost it at its ETR, so that electrically heated homes count
    when their power is back (``Assessment.building_etr``)."""
    import numpy as np

    plan = assessment.plan
    if plan is None:
        return []
    back = [
        (group.service, float(restored_h), float(group.people))
        for group, restored_h in zip(
            plan.problem.groups, plan.schedule.group_restored_h, strict=True
        )
        if group.service != "heat"
    ]
    etr = assessment.building_etr.set_index("id")["heat_etr_h"]
    ids = assessment.city.buildings["id"].to_numpy()[assessment.impact.building_without_heat]
    hours = etr.reindex(ids).to_numpy(dtype=float)
    people = assessment.compiled.building_population[assessment.impact.building_without_heat]
    for restored_h in np.unique(hours[np.isfinite(hours)]):
        back.append(("heat", float(restored_h), float(people[hours == restored_h].sum())))
    return sorted(back, key=lambda row: (row[1], row[0] != "power"))


def print_plan(assessment: Assessment) -> None:
    """Per crew the ordered repairs, the ETR of every group, the gain over field rules."""
    from warmgrid.impact.words import Labeller

    plan = assessment.plan
    if plan is None:
        console.print("\n[bold]Restoration plan:[/] the scenario names no crews.")
        return
    words = Labeller(assessment.city)
    problem, schedule = plan.problem, plan.schedule
    start = assessment.local_start()
    console.print(
        f"\n[bold]Restoration plan[/] ({plan.solver} solver, {plan.status}, {plan.solve_s:.1f} s):"
    )
    for crew, route in zip(problem.crews, schedule.routes, strict=True):
        if not route:
            console.print(f"  {crew.id}: no task", highlight=False, markup=False)
            continue
        steps = ", then ".join(
            f"{_task_label(words, problem.tasks[t])} "
            f"({_clock(start, schedule.start_h[t])}–{_clock(start, schedule.end_h[t])})"
            for t in route
        )
        console.print(f"  {crew.id}: {steps}", highlight=False, markup=False)
    for service, restored_h, people in services_back(assessment):
        console.print(
            f"  {service.capitalize()} back for {people:,.0f} people by "
            f"{_clock(start, restored_h, etr=True)} ({restored_h:.1f} h)",
            highlight=False,
            markup=False,
        )
    gains = [
        f"{name.replace('_', ' ')} {100 * (b.objective - schedule.objective) / b.objective:.0f} %"
        for name, b in plan.baselines.items()
        if b.objective > 0
    ]
    if gains:
        console.print(
            "  People-hours without service saved against field rules: " + ", ".join(gains)
        )
    cold_first = assessment.people_cold_before_heat_back()
    if assessment.cooldown.building_ids and cold_first is not None:
        console.print(
            f"  Under this plan {cold_first:,.0f} people fall below 12 °C before their heat is "
            "back."
        )


def print_alerts(assessment: Assessment, scenario_file: str | None) -> None:
    """Headlines of the public outage alerts, and the command that writes them."""
    if not assessment.alerts:
        return
    count = len(assessment.alerts)
    console.print(f"\n[bold]Public alerts (CAP 1.2), {count} message{'s' * (count != 1)}:[/]")
    for message in assessment.alerts:
        console.print(f"  {message.infos[0].headline}", highlight=False, markup=False)
    source = "--demo" if scenario_file is None else shlex.quote(scenario_file)
    sent = assessment.local_start().isoformat()  # as listed here; compose's default is now
    console.print(
        f"  Write them with `warmgrid alert compose {source} --sent {sent} --out DIR` (XML "
        "and an Atom feed).",
        highlight=False,
        markup=False,
    )


def _task_label(words: Labeller, task: Task) -> str:
    """A repair task as ``Name (id)``; a switching step (id ``switching:`` and the first
    switch it closes) as the switching it is."""
    if task.skill == "switching":
        return f"switching, closing {words.label(task.id.removeprefix('switching:'))}"
    return words.label(task.id)


def _clock(start: datetime, hours: float, *, etr: bool = False) -> str:
    """Clock time ``hours`` after ``start`` on ``start``'s clock, with the date once it is
    another day; an ``etr`` is rounded up to the quarter hour as published."""
    from warmgrid.model.timezone import etr_time

    if etr:
        moment = etr_time(start, float(hours))
    else:
        moment = (start.astimezone(UTC) + timedelta(hours=float(hours))).astimezone(start.tzinfo)
    return moment.strftime("%H:%M" if moment.date() == start.date() else "%d %b %H:%M")


def _plan_payload(assessment: Assessment) -> dict[str, Any] | None:
    """The plan as JSON, with the published ETR of each group and each repaired asset as
    a time on the city's clock (``group_etr``, ``asset_etr``) beside their hours."""
    from warmgrid.model.timezone import etr_times
    from warmgrid.restore.plan import plan_to_dict

    if assessment.plan is None:
        return None
    payload = plan_to_dict(assessment.plan)
    start = assessment.local_start()
    payload["group_etr"] = etr_times(start, payload["group_restored_h"])
    payload["asset_etr"] = etr_times(start, payload["task_end_h"])
    return payload


def demo_command(
    scenario: Annotated[
        str | None, typer.Option(help="A scenario TOML file instead of the default one.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Run the demo city's default scenario: what is out and why, how fast homes cool,
    which repairs come first, and what to tell the public."""
    from warmgrid.scenario.run import run_scenario
    from warmgrid.scenario.spec import demo_scenario, load_scenario

    spec = load_scenario(scenario) if scenario else demo_scenario()
    with progress(not json_out) as bar:
        task = bar.add_task("assessing the scenario", total=None) if bar else None
        assessment = run_scenario(spec)
        if bar is not None and task is not None:
            bar.update(task, completed=1)
    if json_out:
        buildings = assessment.city.buildings
        names = dict(zip(buildings["id"], buildings["name"], strict=True))
        emit_json(
            {
                "scenario": spec.name,
                "timezone": assessment.city.timezone,
                "starts_at": assessment.local_start().isoformat(),
                "impact": assessment.impact.summary(),
                "cooldown": {
                    **cooldown_payload(assessment.cooldown, names),
                    "first_homes": first_homes(assessment),
                },
                "plan": _plan_payload(assessment),
                "switching": assessment.switching.summary() if assessment.switching else [],
                "backup_power": assessment.refuel_deadlines(),
                "alerts": [m.identifier for m in assessment.alerts],
            }
        )
        return
    console.rule(f"[bold]{esc(spec.name)}[/]")
    console.print(spec.description, highlight=False, markup=False)
    console.print()
    plan = assessment.plan
    tasks = plan.problem.tasks if plan else ()
    hours = {t.id: t.duration_h for t in tasks if t.skill != "switching"} if plan else None
    print_impact(assessment.impact, explain_limit=6, asset_cost=hours)
    print_switching(assessment.switching.summary() if assessment.switching else [])
    print_backup(assessment.refuel_deadlines())
    print_cooldown(assessment)
    print_plan(assessment)
    print_alerts(assessment, scenario)


def register(app: typer.Typer) -> None:
    """Add ``demo``."""
    app.command("demo")(demo_command)
