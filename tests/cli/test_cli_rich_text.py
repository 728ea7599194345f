"""Text given to Rich is shown as written: brackets in data and messages, plain numbers,
intact help texts (issue 8, item 19)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.model import save_city
from warmgrid.model.demo import demo_city

runner = CliRunner()


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_error_messages_keep_their_brackets(tmp_path: Path) -> None:
    path = tmp_path / "bad.geojson"
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [200.0, 50.0]},
        "properties": {"table": "nodes", "id": "power.bus.0", "network": "power"},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    result = runner.invoke(app, ["city", "import", "--geojson", str(path), "--out", "x"])
    assert result.exit_code == 2
    assert "a Point needs [lon, lat] within WGS84 range, got [200.0, 50.0]" in _flat(result.output)


def test_asset_names_with_brackets_are_printed_whole(tmp_path: Path) -> None:
    city = replace(demo_city(), branches=demo_city().branches.copy())  # the cache stays intact
    city.branches.loc[city.branches["id"] == "power.trafo.0", "name"] = (
        "Main transformer [T1] [red]"
    )
    save_city(city, tmp_path / "c")
    result = runner.invoke(app, ["impact", str(tmp_path / "c"), "--damage", "power.trafo.0"])
    assert result.exit_code == 0, result.output
    assert "Main transformer [T1] [red] (power.trafo.0)" in _flat(result.output)


def test_numbers_in_messages_are_plain(tmp_path: Path) -> None:
    city = replace(demo_city(), buildings=demo_city().buildings.copy())  # the demo is cached
    city.buildings.loc[3, "population"] = -5
    save_city(city, tmp_path / "c")
    result = runner.invoke(app, ["city", "info", str(tmp_path / "c")])
    assert result.exit_code == 2
    text = _flat(result.output)
    assert "population must be at least 0, got -5" in text
    assert "np." not in text


def _commands(command: Any, path: tuple[str, ...] = ()):
    yield path, command
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))


def test_every_help_text_is_printed_intact() -> None:
    root = typer.main.get_command(app)
    checked = 0
    for path, command in _commands(root):
        result = runner.invoke(app, [*path, "--help"], terminal_width=400)
        assert result.exit_code == 0, (path, result.output)
        shown = _flat(result.output)
        for param in command.params:
            text = getattr(param, "help", None)
            if text:
                assert _flat(text) in shown, (path, text)
                checked += 1
    assert checked > 50
    help_text = runner.invoke(app, ["city", "import", "--help"]).output
    assert "pandapipes geo points are [lat, lon]." in _flat(help_text)


def test_help_texts_show_no_restructured_text_markup() -> None:
    """Help is plain text: a command's docstring quotes with single backticks, as the
    option texts do, never reST's double ones."""
    root = typer.main.get_command(app)
    for path, _command in _commands(root):
        shown = runner.invoke(app, [*path, "--help"], terminal_width=400).output
        assert "``" not in shown and ":func:" not in shown, (path, shown)


def test_counts_of_people_read_with_thousands_separators() -> None:
    """As the README and the tables write them (57,870), in impact and cooldown alike."""
    chp = "power.trafo.0,power.trafo.1,power.trafo.2,power.trafo.3"
    impact = _flat(runner.invoke(app, ["impact", "demo", "--damage", chp]).output)
    assert "Without heat: 192 buildings, 57,870 people" in impact
    assert "Why 192 buildings (57,870 people) have no heat" in impact
    assert "Without power or heat: 57,870 people" in impact
    cool = runner.invoke(app, ["cooldown", "demo", "--damage", chp, "--hours", "6"])
    assert "192 buildings without heat, 57,870 people" in _flat(cool.output)
