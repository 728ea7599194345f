"""Dependency loops are reported at import and by ``city info``; ``impact`` without damage
shows the base state (issue 8, item 18)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.impact import Damage, assess
from warmgrid.impact.loops import DependencyLoop, dependency_loops
from warmgrid.model import City, compile_city, save_city
from warmgrid.model.builder import CityBuilder
from warmgrid.model.demo import demo_city
from warmgrid.model.io.geojson_io import write_geojson

runner = CliRunner()


def loop_city(emergency_infeed: bool = False) -> City:
    """A transformer cooled by heat from a plant whose own needs it feeds."""
    city = CityBuilder("loop")
    grid = city.node("power", 30.50, 50.45, name="Grid 110 kV")
    city.source("power", "ext_grid", grid, 100.0, name="Grid infeed")
    bus = city.node("power", 30.51, 50.45, name="Plant bus 10 kV")
    trafo = city.branch("power", "trafo", grid, bus, name="Plant transformer [T1]")
    if emergency_infeed:
        city.source("power", "ext_grid", bus, 5.0, name="Diesel generator")
    header = city.node("heat", 30.51, 50.451, name="Plant header")
    plant = city.source("heat", "heat_plant", header, 50.0, name="Heat plant")
    street = city.node("heat", 30.52, 50.451, name="Street")
    city.branch("heat", "pipe", header, street, length_m=500.0)
    city.depends(plant, "power", bus)
    city.depends(trafo, "heat", street)
    city.building(
        lon=30.52, lat=50.452, population=100, use="residential", power_node=bus, heat_node=street
    )
    return city.build()


def test_a_transformer_cooled_by_the_plant_it_feeds_is_a_loop() -> None:
    assert set(dependency_loops(compile_city(loop_city()))) == {
        DependencyLoop("heat.heat_plant.0", "power", "power.bus.1"),
        DependencyLoop("power.trafo.0", "heat", "heat.junction.1"),
    }


def test_an_emergency_infeed_breaks_the_loop_and_supplies_the_building() -> None:
    compiled = compile_city(loop_city(emergency_infeed=True))
    assert dependency_loops(compiled) == []
    base = assess(compiled, Damage())
    assert base.people_without_power == 0 and base.people_without_heat == 0


def test_the_demo_city_has_no_loop() -> None:
    assert dependency_loops(compile_city(demo_city())) == []


def test_import_and_info_warn_of_the_loop(tmp_path: Path) -> None:
    source = write_geojson(loop_city(), tmp_path / "loop.geojson")
    folder = tmp_path / "loop"
    result = runner.invoke(app, ["city", "import", "--geojson", str(source), "--out", str(folder)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "warning: dependency loop: Plant transformer [T1] (power.trafo.0) needs heat" in text
    info = runner.invoke(app, ["city", "info", str(folder), "--json"])
    assert len(json.loads(info.stdout)["warnings"]) == 2
    assert "dependency loop" in runner.invoke(app, ["city", "info", str(folder)]).output
    assert (
        json.loads(runner.invoke(app, ["city", "info", "demo", "--json"]).stdout)["warnings"] == []
    )


def test_impact_without_damage_shows_the_base_state(tmp_path: Path) -> None:
    folder = save_city(loop_city(), tmp_path / "loop")
    result = runner.invoke(app, ["impact", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["people_without_power"] == 100 and payload["people_without_heat"] == 100
    text = runner.invoke(app, ["impact", str(folder)]).output
    assert "base state" in text and "Without power: 1 buildings, 100 people" in text
