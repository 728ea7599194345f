"""Bad files and options are refused with exit 2 and a message naming the field
(issue 8, item 8: CLI and file side)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from warmgrid.cli import app

SAMPLE = Path(__file__).resolve().parents[1] / "restore" / "data" / "sample_problem.json"
runner = CliRunner()


def _refused(args: list[str], *needles: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    text = " ".join(result.output.split())
    for needle in needles:
        assert needle in text, text


def _with(change: Any) -> dict[str, Any]:
    data = json.loads(SAMPLE.read_text())
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "needles"),
    [
        (
            lambda d: d["tasks"][0].update(duration_h=1e9),
            ["tasks[0] (id 'trafo-north').duration_h", "at most 8760"],
        ),
        (
            lambda d: d["groups"][1].update(weight=1e300),
            ["groups[1] (id 'north-homes').weight", "at most 1e+09"],
        ),
        (lambda d: d.update(groups=[]), ["groups", "at least one group"]),
        (
            lambda d: d["crews"][1].update(available_from_h=1e12),
            ["crews[1] (id 'heat-1').available_from_h"],
        ),
    ],
    ids=["task_1e9_hours", "weight_1e300", "no_groups", "crew_available_in_1e12_hours"],
)
def test_plan_file_with_absurd_values_is_refused_naming_the_field(
    tmp_path: Path, change: Any, needles: list[str]
) -> None:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(_with(change)))
    _refused(["plan", "--problem", str(path)], *needles)


def test_empty_feature_collection_is_not_a_city(tmp_path: Path) -> None:
    path = tmp_path / "empty.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    _refused(
        ["city", "import", "--geojson", str(path), "--out", str(tmp_path / "c")],
        "features",
        "no building",
    )
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize(
    "area", ["30.5,50.4,inf", "30.5,50.4,nan", "30.5,nan,100", "inf,50.4,100", "30.5,50.4,-1"]
)
def test_non_finite_area_is_refused_naming_the_option(area: str) -> None:
    _refused(["impact", "demo", "--area", area], "--area", area)


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "--problem", str(SAMPLE)],
        ["screen", "demo", "--k", "2", "--samples", "3"],
        ["sweep", "demo", "--k", "2", "--samples", "3", "--out", "never-written"],
    ],
    ids=["plan", "screen", "sweep"],
)
def test_a_negative_seed_is_refused_naming_the_option(args: list[str]) -> None:
    _refused([*args, "--seed", "-1"], "--seed", "greater than or equal to 0")
    assert not Path("never-written").exists()


@pytest.mark.parametrize(
    "command", [["impact"], ["cooldown"], ["plan"], ["export", "--geojson", "never.geojson"]]
)
def test_an_unknown_damage_id_names_the_option(command: list[str]) -> None:
    args = [command[0], "demo", *command[1:], "--damage", "power.trafo.0,nope"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert " ".join(result.output.split()) == "error: --damage: unknown asset id 'nope'"


def test_an_unknown_damage_id_of_a_scenario_names_the_file(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text(
        'name = "x"\ncity = "demo"\nstart = "2026-11-26T04:40:00+02:00"\n'
        '[damage]\nassets = ["nope"]\n[[crews]]\nid = "a"\nlon = 30.5\nlat = 50.4\n'
    )
    _refused(["plan", "--scenario", str(scenario)], f"{scenario}: damage: unknown asset id 'nope'")


@pytest.mark.parametrize(
    "command",
    [
        ["demo", "--scenario"],
        ["plan", "--scenario"],
        ["report", "demo", "--out", "never.html", "--scenario"],
        ["alert", "compose"],
    ],
    ids=["demo", "plan", "report", "alert-compose"],
)
def test_a_folder_given_as_the_scenario_file_is_named(command: list[str], tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    _refused([*command, str(folder)], f"{folder}: is a folder; expected a scenario TOML file")
    assert not Path("never.html").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["rotate", "demo", "--damage", "power.trafo.0", "--hours", "2"],
        ["cooldown", "demo", "--damage", "power.trafo.3"],
    ],
    ids=["rotate", "cooldown"],
)
@pytest.mark.parametrize("temp", ["99", "-120", "nan"])
def test_an_impossible_outdoor_temperature_names_the_option(command: list[str], temp: str) -> None:
    result = runner.invoke(app, [*command, "--outdoor-temp", temp])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert text.startswith(
        "error: --outdoor-temp: expected a temperature between -90 and 60 °C, got"
    ), text
    assert "outdoor_temp_c" not in text


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["incident", "list", "--status", "nope"], "'--status': 'nope' is not one of 'reported'"),
        (
            ["incident", "add", "--kind", "volcano", "--title", "x", "--source", "s"],
            "'--kind': 'volcano' is not one of 'air_threat'",
        ),
    ],
    ids=["status", "kind"],
)
def test_a_value_outside_a_vocabulary_is_named_without_pydantic_words(
    args: list[str], needle: str, tmp_path: Path
) -> None:
    result = runner.invoke(app, [*args, "--db", f"sqlite:///{tmp_path / 'none.db'}"])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert needle in text and "Value error" not in text
    assert not (tmp_path / "none.db").exists()


def test_an_area_that_holds_no_asset_is_warned_about() -> None:
    """Latitude and longitude swapped put the debris site thousands of km away: the answer is
    still "nothing damaged", but one warning line says the area hit nothing."""
    swapped = runner.invoke(app, ["impact", "demo", "--area", "50.4359,30.5086,30", "--json"])
    assert swapped.exit_code == 0, swapped.output
    assert json.loads(swapped.stdout)["damaged_assets"] == []
    warning = " ".join(swapped.stderr.split())
    assert warning.startswith("warning: --area 50.4359,30.5086,30: holds no asset of the city")
    assert "(positions are LON,LAT)" in warning
    right = runner.invoke(app, ["impact", "demo", "--area", "30.5086,50.4359,30", "--json"])
    assert json.loads(right.stdout)["damaged_assets"] and "warning" not in right.stderr
