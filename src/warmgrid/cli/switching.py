"""Printing the switching before repair and the backup generators' refuel deadlines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from warmgrid.cli.output import console, esc


def print_switching(steps: Sequence[dict[str, Any]]) -> None:
    """The switching steps (``SwitchingPlan.summary()``), one paragraph each."""
    if not steps:
        return
    console.print("\n[bold]Switching before repair:[/]")
    for step in steps:
        opened = ", ".join(step["open"]) or "nothing"
        unknown_load = step["unknown_load_buildings"]
        load = f"{step['load_kw']:,.0f} kW"
        if unknown_load:  # the sum leaves out the buildings without a peak load
            load = "load unknown" if unknown_load == len(step["buildings"]) else f"≥ {load}"
        console.print(
            f"  open {esc(opened)}; close {esc(', '.join(step['close']))}: power back to "
            f"{len(step['buildings']):,} buildings, {step['people']:,.0f} people, {load}",
            highlight=False,
        )
        if not step["capacity_checked"]:
            unknown = step["unknown_ratings"]
            gaps = []
            if unknown:
                more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
                gaps.append(f"no rating for {', '.join(unknown[:5])}{more}")
            if step["unknown_load_buildings"]:
                gaps.append(f"no peak load for {step['unknown_load_buildings']} buildings")
            console.print(
                f"  [yellow]capacity not checked: {esc('; '.join(gaps))}[/]", highlight=False
            )


def print_backup(entries: Sequence[dict[str, Any]]) -> None:
    """The buildings on backup generators and when their fuel runs out."""
    if not entries:
        return
    console.print("\n[bold]On backup generators:[/]")
    for entry in entries:
        when = entry.get("fuel_out") or f"{entry['fuel_h']:g} h from the start"
        etr = entry["power_etr_h"]
        grid = "grid power back: unknown" if etr is None else f"grid power back in {etr:.1f} h"
        action = "[red]refuel by[/]" if entry["refuel_needed"] else "fuel lasts until"
        console.print(
            f"  {esc(entry['name'] or entry['id'])} ({esc(entry['use'].replace('_', ' '))}): "
            f"{action} {esc(str(when).replace('T', ' '))}; {grid}",
            highlight=False,
        )
