"""``warmgrid demo``: its text and its JSON say the same and account for everyone."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from warmgrid.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_demo_names_the_homes_first_flats_in_text_and_json() -> None:
    """The demo's first homes' flats (residential buildings only, not the hospital's or the
    schools' rooms): the JSON's ``first_homes`` against the buildings' own flats in the same
    JSON, and the text says the same."""
    from warmgrid.model.demo import demo_city

    city = demo_city().buildings
    homes = set(city.loc[city["use"] == "residential", "id"])
    payload = json.loads(run("demo", "--json").stdout)["cooldown"]
    flats = [
        flat
        for building in payload["buildings"]
        if building["id"] in homes
        for flat in building["flats"]
        if flat["hours_to_12c"] is not None
    ]
    coldest = min(flats, key=lambda flat: flat["hours_to_12c"])
    first = payload["first_homes"]
    assert first["hours_to_12c"] == pytest.approx(coldest["hours_to_12c"], abs=0.01)
    assert first["coldest_position"] == coldest["position"]
    in_position = [
        flat["people"]
        for building in payload["buildings"]
        if building["id"] in homes
        for flat in building["flats"]
        if flat["position"] == coldest["position"]
    ]
    rounding = 0.05 * len(in_position) + 0.5
    assert first["coldest_position_people"] == pytest.approx(sum(in_position), abs=rounding)
    text = " ".join(run("demo").stdout.split())
    where = coldest["position"].replace("_", "-floor ", 1).replace("_", " ")
    assert f"fall below 12 °C after {first['hours_to_12c']:.1f} h" in text
    assert f"Coldest first: {where} flats ({first['coldest_position_people']:,} people)" in text


def test_demo_accounts_for_everyone_without_heat() -> None:
    """Every building without heat is explained and every person without heat gets a time
    when it is back, the electrically heated homes without power too (their heat returns
    with their power)."""
    impact = json.loads(run("demo", "--json").stdout)["impact"]
    text = " ".join(run("demo").stdout.split())
    explained = [
        int(n.replace(",", ""))
        for n in re.findall(r"Why ([\d,]+) buildings \([\d,]+ people\) have no heat", text)
    ]
    assert sum(explained) == len(impact["buildings_without_heat"])
    assert "They heat electrically and have no power" in text
    back = [int(n.replace(",", "")) for n in re.findall(r"Heat back for ([\d,]+) people", text)]
    assert sum(back) == impact["people_without_heat"]
