"""CLI command: ``rotate`` — rotating outages when what is left cannot carry the load."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table

from warmgrid.cli.common import AreaFileOpt, AreaOpt, CityArg, DamageOpt, JsonOpt
from warmgrid.cli.output import console, emit_json, esc

if TYPE_CHECKING:
    from datetime import datetime

    from warmgrid.rotate import RotationPlan
    from warmgrid.rotate.cause import DeficitCause


def _start(text: str | None, timezone: str) -> datetime:
    """``--start`` (ISO 8601 with an offset), or the next full hour on the city's clock."""
    from datetime import datetime, timedelta

    from warmgrid.model.timezone import local_time, parse_time

    if text is not None:
        return parse_time(text, "--start")
    now = local_time(datetime.now().astimezone(), timezone)
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def _clock(start: datetime, hours: float) -> str:
    """``start`` + ``hours`` as weekday and local time, e.g. ``Thu 18:00``."""
    from datetime import timedelta

    return (start + timedelta(hours=hours)).strftime("%a %H:%M")


def cause_line(cause: DeficitCause, start: datetime, limit_pct: float) -> str:
    """One line naming the deficit's cause: the supply available against the load."""
    names = ", ".join(cause.names[:3]) + (" …" if len(cause.names) > 3 else "")
    if cause.kind == "sources":
        what = f"the supply of {names} (capacity_mw) is {cause.available:,.2f} MW"
        load = f"{cause.load:,.2f} MW of load (losses included)"
    else:
        what = f"{names} may carry {cause.available:,.2f} MVA ({limit_pct:g} % of the rating)"
        load = f"{cause.load:,.2f} MVA"
    if not cause.damaged:
        why = "no damage: the limit is the city's own"
    elif cause.city_limit:
        why = "the city's own limit, broken without the damage too"
    else:
        why = "after the damage"
    return f"Cause: {what} against {load} at {_clock(start, cause.start_h)}; {why}."


def print_plan(plan: RotationPlan) -> None:
    """Groups, slots and the comparison with the baselines, as tables."""
    data: dict[str, Any] = plan.to_json()
    if not data["slots"]:
        console.print("[bold green]No deficit:[/] what is left carries the load; no rotation.")
        return
    console.print(
        f"[bold]Deficit:[/] up to {data['deficit_mw']:.2f} MW (sources) or MVA (lines and "
        "transformers) more than what is left can carry"
    )
    if plan.deficit_cause is not None:
        line = cause_line(plan.deficit_cause, plan.start, plan.limit_pct)
        console.print(esc(line), soft_wrap=True, highlight=False)
    groups = Table(title="Groups", box=box.SIMPLE_HEAD)
    for column in ("group", "buildings", "people", "load MW", "opens"):
        groups.add_column(column, justify="left" if column in ("group", "opens") else "right")
    for group in data["groups"]:
        name = f"{group['id']} (critical, never off)" if group["critical"] else group["id"]
        opens = ", ".join(group["switch_off"][:3]) + (" …" if len(group["switch_off"]) > 3 else "")
        groups.add_row(
            esc(name), f"{len(group['buildings']):,}", f"{group['people']:,}",
            f"{group['load_mw']:.2f}", esc(opens),
        )  # fmt: skip
    console.print(groups)
    exempt = data["exempt_homes"]
    console.print(
        f"Homes exempt only because they share a feeder with a critical facility: "
        f"{exempt['buildings']:,} buildings, {exempt['people']:,} people"
    )
    slots = Table(title="Schedule (the city's clock)", box=box.SIMPLE_HEAD)
    for column in ("slot", "from", "until", "groups off"):
        slots.add_column(column, justify="right" if column == "slot" else "left")
    for number, slot in enumerate(data["slots"], start=1):
        slots.add_row(
            str(number), _clock(plan.start, slot["start_h"]), _clock(plan.start, slot["end_h"]),
            esc(", ".join(slot["off"]) or "—"),
        )  # fmt: skip
    console.print(slots)
    compare = Table(title="Compared with the baselines", box=box.SIMPLE_HEAD)
    for column in ("schedule", "people-h < 12 °C", "Jain", "MWh not served", "switchings"):
        compare.add_column(column, justify="left" if column == "schedule" else "right")
    rows = {"cold-aware": data, "cyclic": data["baselines"]["cyclic"]}
    rows["largest first"] = data["baselines"]["largest_first"]
    for name, figures in rows.items():
        compare.add_row(
            name, f"{figures['people_hours_below_12c']:,.0f}", f"{figures['jain_index']:.3f}",
            f"{figures['energy_not_served_mwh']:,.1f}", f"{figures['switching_operations']:,}",
        )  # fmt: skip
    console.print(compare)
    failed = [k + 1 for k, check in enumerate(plan.ac_checks) if not check.converged]
    if data["ac_check"]:
        worst = max(check["max_loading_pct"] or 0.0 for check in data["ac_check"])
        lowest = min(check["min_vm_pu"] or 1.0 for check in data["ac_check"])
        console.print(
            f"AC power flow of every slot: highest line or transformer loading {worst:.1f} %, "
            f"lowest voltage {lowest:.3f} p.u."
        )
    over = [
        k + 1
        for k, check in enumerate(plan.ac_checks)
        if check.converged and not check.ok(plan.limit_pct)
    ]
    if over:
        console.print(f"[bold red]Slots beyond a limit even with every group off: {over}[/]")
    if failed:
        console.print(f"[bold red]AC power flow did not converge in slots {failed}[/]")


def rotate_command(
    city: CityArg,
    damage: DamageOpt = None,
    area: AreaOpt = None,
    area_file: AreaFileOpt = None,
    load_scale: Annotated[
        float, typer.Option("--load-scale", help="Multiply every load (P and Q).")
    ] = 1.0,
    hours: Annotated[float, typer.Option("--hours", help="Horizon, hours.")] = 24.0,
    slot_h: Annotated[float, typer.Option("--slot-h", help="Slot length, hours.")] = 1.0,
    limit_pct: Annotated[
        float, typer.Option("--limit-pct", help="Highest loading of lines and transformers, %.")
    ] = 100.0,
    start: Annotated[
        str | None,
        typer.Option("--start", help="First slot's start, ISO 8601 (default: the next hour)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Also publish the schedule into this folder: JSON, CSV, an ICS calendar "
            "and a CAP alert per group (as `warmgrid rotation publish`).",
        ),
    ] = None,
    outdoor_temp: Annotated[
        float | None,
        typer.Option(
            "--outdoor-temp", help="Constant outdoor temperature forecast, °C (default −5)."
        ),
    ] = None,
    region_only: Annotated[
        bool,
        typer.Option(
            "--region-only",
            help="Plan for, and AC-check, only the region fed through the limits the "
            "damage breaks (for a regional deficit in a large grid).",
        ),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Rotating outages when what is left after damage cannot carry the load: groups,
    a schedule that keeps homes above 12 °C where possible, and the baselines."""
    from warmgrid.cli.common import constant_forecast, load_city_arg, parse_damage
    from warmgrid.rotate import plan_rotation

    spec = parse_damage(damage, area, area_file)
    city_model = load_city_arg(city)
    plan = plan_rotation(
        city_model,
        spec,
        start=_start(start, city_model.timezone),
        hours=hours,
        slot_h=slot_h,
        limit_pct=limit_pct,
        load_scale=load_scale,
        region_only=region_only,
        weather=None if outdoor_temp is None else constant_forecast(outdoor_temp, int(hours) + 1),
    )
    files = []
    if out is not None:
        from warmgrid.rotate.publish import write_schedule_files

        files = write_schedule_files(plan.to_json(), city_model, plan.start, out)
    if json_out:
        emit_json(plan.to_json())
        return
    print_plan(plan)
    if files:
        from warmgrid.cli.rotation import note_missing_alerts

        console.print(f"{len(files)} files written to {esc(str(out))}", highlight=False)
        note_missing_alerts(files)


def register(app: typer.Typer) -> None:
    """Add ``rotate``."""
    app.command("rotate")(rotate_command)
