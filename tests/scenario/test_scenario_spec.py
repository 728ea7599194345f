"""Scenario files: the shipped default and errors that name the field."""

from __future__ import annotations

import pytest

from warmgrid.errors import InputError
from warmgrid.scenario.spec import demo_scenario, load_scenario

GOOD = """
name = "test"
city = "demo"
start = "2026-11-26T05:00:00+02:00"
[damage]
assets = ["power.trafo.0"]
[weather]
hours = 24
outdoor_temp_c = -5
[[crews]]
id = "a"
lon = 30.5
lat = 50.4
"""


def test_default_scenario_damages_chp_transformers_and_two_debris_sites():
    scenario = demo_scenario()
    assert scenario.damage.asset_ids[:3] == ("power.trafo.0", "power.trafo.1", "power.trafo.2")
    assert len(scenario.damage.areas) == 2
    assert scenario.weather.hourly_c().shape == (73,)
    assert scenario.weather.hourly_c()[12] == pytest.approx(-3.0)


def test_constant_temperature_and_defaults(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(GOOD)
    scenario = load_scenario(path)
    assert (scenario.weather.hourly_c() == -5.0).all()
    assert scenario.crews[0].available_from_h == 0.0


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (("lon = 30.5", "lon = 300.5"), "crews[0].lon"),
        (("lat = 50.4", 'lat = "north"'), "crews[0].lat"),
        (('start = "2026-11-26T05:00:00+02:00"', 'start = "2026-11-26T05:00:00"'), "time zone"),
        (('city = "demo"', ""), "city"),
        (("outdoor_temp_c = -5", "outdoor_temp_c = -95"), "weather.outdoor_temp_c"),
        (("[damage]", "[damage"), "not valid TOML"),
        (("lat = 50.4", "lat = nan"), "crews[0].lat: expected a finite number, got nan"),
        (
            ("lat = 50.4\n", "lat = 50.4\navailable_from_h = nan\n"),
            "crews[0].available_from_h: expected a finite number, got nan",
        ),
        (("hours = 24", "hours = inf"), "weather.hours: expected a finite number, got inf"),
        (
            ("lat = 50.4\n", "lat = 50.4\navailable_from_h = -1\n"),
            "crews[0].available_from_h: must be at least 0, got -1",
        ),
        (("hours = 24", "hours = 0.5"), "weather.hours: must be within [1, 1440], got 0.5"),
        (
            ("lat = 50.4\n", 'lat = 50.4\n[plan.repair_hours]\n"power.trafo.0" = nan\n'),
            "plan.repair_hours.power.trafo.0: expected a finite number, got nan",
        ),
        (
            ('start = "2026-11-26T05:00:00+02:00"', "start = 1900-01-01T00:00:00Z"),
            "start: expected a time from 1970 to 2100",
        ),
        (('start = "2026-11-26T05:00:00+02:00"', "start = 2026-11-26T05:00:00"), "time zone"),
    ],
)
def test_errors_name_file_and_field(tmp_path, change, needle):
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace(*change))
    with pytest.raises(InputError) as error:
        load_scenario(path)
    assert str(path) in str(error.value)
    assert needle in str(error.value)


def test_plan_settings_are_read_and_checked(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(GOOD + '\n[plan]\nsolver = "exact"\n[plan.repair_hours]\ntrafo = 30\n')
    scenario = load_scenario(path)
    assert scenario.plan.solver == "exact"
    assert scenario.plan.repair_h == (("trafo", 30.0),)
    path.write_text(GOOD + '\n[plan]\nsolver = "fastest"\n')
    with pytest.raises(InputError, match=r"plan\.solver"):
        load_scenario(path)


def test_an_unknown_damage_id_names_the_scenario_file(tmp_path):
    """The damage is checked against the city when the scenario runs: the message names
    the file and the id."""
    from warmgrid.scenario.run import run_scenario

    path = tmp_path / "s.toml"
    path.write_text(GOOD.replace('"power.trafo.0"', '"power.trafo.x"'))
    with pytest.raises(InputError) as error:
        run_scenario(load_scenario(path))
    assert str(path) in str(error.value) and "'power.trafo.x'" in str(error.value)


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (
            ('name = "test"', 'nmae = "test"'),
            "nmae: is not a key of the top level (known: city, cooldown, crews, damage, "
            "deployment, description, name, plan, start, warming_centres, weather); "
            "did you mean 'name'?",
        ),
        (
            ("hours = 24", "hours = 24\noutdoor_temp = -5"),
            "weather.outdoor_temp: is not a key of [weather]",
        ),
        (
            ("lat = 50.4", "lat = 50.4\nskill = ['heat']"),
            "crews[0].skill: is not a key of [crews] (known: available_from_h, id, lat, lon, "
            "skills); did you mean 'skills'?",
        ),
        (
            ('assets = ["power.trafo.0"]', "[[damage.areas]]\nlon = 30.5\nlat = 50.4\nradius = 9"),
            "damage.areas[0].radius: is not a key of [damage.areas]",
        ),
        (
            ("lat = 50.4\n", "lat = 50.4\n[plan]\ncold_urgncy = 1\n"),
            "did you mean 'cold_urgency'?",
        ),
        (("lat = 50.4\n", "lat = 50.4\n[deployment]\nurl = 'x'\n"), "deployment.url"),
    ],
    ids=["top", "weather", "crews", "areas", "plan", "deployment"],
)
def test_unknown_keys_are_refused_with_a_suggestion(tmp_path, change, needle):
    path = tmp_path / "typo.toml"
    path.write_text(GOOD.replace(*change))
    with pytest.raises(InputError) as error:
        load_scenario(path)
    assert str(error.value).startswith(f"{path}: ")
    assert needle in str(error.value)
