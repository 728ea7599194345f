"""The impact, screen and demo commands as a user runs them."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from warmgrid.cli import app

runner = CliRunner()
CHP = "power.trafo.0,power.trafo.1,power.trafo.2,power.trafo.3"


def run(*args: str):
    return runner.invoke(app, list(args))


def test_impact_json_reports_what_the_issue_asks_for():
    result = run("impact", "demo", "--damage", CHP, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    for key in (
        "unsupplied",
        "buildings_without_power",
        "buildings_without_heat",
        "people_without_power",
        "people_without_heat",
    ):
        assert key in payload
    assert payload["people_without_power"] == 0
    assert payload["people_without_heat"] > 10_000
    assert "power.bus.4" in payload["unsupplied"]["power"]
    assert payload["restoration_groups"][0]["needs"] == ["power.trafo.0"]


def test_impact_with_area_and_explanation():
    result = run(
        "impact", "demo", "--area", "30.508615,50.435881,30", "--explain", "building.224", "--json"
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["damaged_assets"] == ["power.line.53"]
    assert payload["explain"]["power"][0]["asset"] == "power.line.53"


def test_screen_json_has_one_row_per_asset():
    result = run("screen", "demo", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert len(rows) == len({r["id"] for r in rows}) > 400
    assert {"id", "people_without_power", "people_without_heat"} <= set(rows[0])
    top = json.loads(run("screen", "demo", "--top", "3", "--json").stdout)["rows"]
    assert top == rows[:3]


def test_sampled_nk_screen():
    result = run("screen", "demo", "--k", "2", "--samples", "30", "--json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["rows"]) == 30


def test_demo_prints_what_is_out_and_why(tmp_path):
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "CHP-5 network pump station" in result.output
    assert "City Hospital No. 1" in result.output
    listed = int(re.search(r"Public alerts \(CAP 1.2\), (\d+) messages", result.output)[1])
    hint = re.search(r"`warmgrid (alert compose [^`]+) --out DIR`", " ".join(result.output.split()))
    assert hint is not None, result.output
    written = run(*hint[1].split(), "--out", str(tmp_path))  # whatever the date today
    assert written.exit_code == 0, written.output
    assert listed > 0 and len(list(tmp_path.glob("*.xml"))) == listed


def test_bad_input_exits_2_with_a_message_and_no_traceback(tmp_path):
    cases = [
        (("impact", "demo", "--damage", "power.trafo.999"), "power.trafo.999"),
        (("impact", "demo", "--area", "30.5,50.4"), "LON,LAT,RADIUS_M"),
        (("impact", str(tmp_path), "--damage", "x"), "city.json"),
        (("screen", "demo", "--k", "0"), "--k"),
        (("demo", "--scenario", str(tmp_path / "missing.toml")), "missing.toml"),
    ]
    for args, needle in cases:
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert needle in result.output
        assert "Traceback" not in result.output


def test_explaining_a_building_that_is_not_out_says_so():
    result = run("impact", "demo", "--damage", "power.trafo.3", "--explain", "building.0")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "(building.0) is not out: this damage leaves it its power and heat." in text


def test_sampled_screen_refuses_no_samples_and_more_assets_than_the_city_has():
    for samples in ("0", "-4"):
        result = run("screen", "demo", "--k", "3", "--samples", samples)
        assert result.exit_code == 2, result.output
        assert f"--samples: must be at least 1, got {samples}" in result.output
    result = run("screen", "demo", "--k", "5000", "--samples", "3")
    assert result.exit_code == 2, result.output
    assert "k: the city has" in result.output
    assert "got 5000" in result.output


def test_demo_of_a_scenario_with_one_alert_says_one_message(tmp_path):
    scenario = tmp_path / "cable.toml"
    scenario.write_text(
        'name = "cable"\ncity = "demo"\nstart = "2026-11-26T04:40:00+02:00"\n'
        '[damage]\nassets = ["power.line.53"]\n[weather]\noutdoor_temp_c = -5\n'
    )
    result = run("demo", "--scenario", str(scenario))
    assert result.exit_code == 0, result.output
    assert "Public alerts (CAP 1.2), 1 message:" in result.output
