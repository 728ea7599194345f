"""CLI command ``demo``: the default scenario on the embedded demo city, in plain words."""

from __future__ import annotations

from typing import Annotated

import typer

from warmgrid.cli.impact import print_impact
from warmgrid.cli.output import console, emit_json
from warmgrid.scenario.run import run_scenario
from warmgrid.scenario.spec import demo_scenario, load_scenario


def demo_command(
    scenario: Annotated[
        str | None, typer.Option(help="A scenario TOML file instead of the default one.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Run the demo city's default scenario: what is out, why, and what to do first."""
    spec = load_scenario(scenario) if scenario else demo_scenario()
    assessment = run_scenario(spec)
    if json_out:
        emit_json({"scenario": spec.name, "impact": assessment.impact.summary()})
        return
    console.rule(f"[bold]{spec.name}[/]")
    console.print(spec.description, highlight=False)
    console.print()
    print_impact(assessment.impact)


def register(app: typer.Typer) -> None:
    """Add ``demo``."""
    app.command("demo")(demo_command)
