"""CLI command ``demo``: the default scenario on the embedded demo city, in plain words."""

from __future__ import annotations

from typing import Annotated

import numpy as np
import typer

from warmgrid.cli.impact import print_impact
from warmgrid.cli.output import console, emit_json
from warmgrid.cli.thermal import cooldown_payload
from warmgrid.scenario.run import Assessment, run_scenario
from warmgrid.scenario.spec import demo_scenario, load_scenario


def _when(hours: float, horizon_h: float) -> str:
    if not np.isfinite(hours):
        return f"not within the {horizon_h:g} h forecast"
    return f"after {hours:.1f} h"


def print_cooldown(assessment: Assessment) -> None:
    """When homes cross 12 °C, people below it after 24 and 48 h, the drain deadline."""
    cool = assessment.cooldown
    horizon = assessment.scenario.weather.hours
    if not cool.building_ids:
        console.print("\n[bold]Cool-down:[/] every building keeps its heat.")
        return
    uses = assessment.city.buildings.set_index("id").loc[cool.building_ids, "use"].to_numpy()
    residential = uses == "residential"
    forecast = assessment.scenario.weather
    console.print(
        f"\n[bold]Cool-down[/] (outdoor {min(forecast.outdoor_temp_c):g} to "
        f"{max(forecast.outdoor_temp_c):g} °C over {horizon:g} h):"
    )
    below_12 = _when(cool.first_crossing_h(12, residential), horizon)
    below_5 = _when(cool.first_crossing_h(5, residential), horizon)
    console.print(f"  The first apartments fall below 12 °C {below_12}, below 5 °C {below_5}.")
    for after in (24.0, 48.0):
        if after <= horizon:
            console.print(f"  People below 12 °C after {after:g} h: {cool.people_below(12, after)}")
    if cool.network is not None and cool.network.pipe_ids:
        deadline = cool.network.drain_deadline_h
        if np.isfinite(deadline):
            console.print(
                f"  [bold red]Drain the heat network within {deadline:.1f} h[/]: water in "
                f"{cool.network.first_pipe_id} starts to freeze then."
            )
        else:
            console.print(
                f"  The stagnant heat network does not start to freeze within {horizon:g} h."
            )


def demo_command(
    scenario: Annotated[
        str | None, typer.Option(help="A scenario TOML file instead of the default one.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Run the demo city's default scenario: what is out, why, how fast homes cool."""
    spec = load_scenario(scenario) if scenario else demo_scenario()
    assessment = run_scenario(spec)
    if json_out:
        names = dict(
            zip(assessment.city.buildings["id"], assessment.city.buildings["name"], strict=True)
        )
        emit_json(
            {
                "scenario": spec.name,
                "impact": assessment.impact.summary(),
                "cooldown": cooldown_payload(assessment.cooldown, names),
            }
        )
        return
    console.rule(f"[bold]{spec.name}[/]")
    console.print(spec.description, highlight=False)
    console.print()
    print_impact(assessment.impact)
    print_cooldown(assessment)


def register(app: typer.Typer) -> None:
    """Add ``demo``."""
    app.command("demo")(demo_command)
