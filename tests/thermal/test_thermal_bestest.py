"""ASHRAE Standard 140 free-float cases 600FF, 900FF, 650FF and 950FF with the Denver TMY
weather.

The case files under examples/bestest hold the case definitions only (layers, night
ventilation of 650/950); nothing is fitted. The annual minimum, maximum and mean hourly air
temperatures must lie in the range of the six reference programs of Standard 140-2020
(Table B8-5) widened by 1.5 °C.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from warmgrid.cli.thermal import packaged_weather_path
from warmgrid.thermal.building_file import load_building
from warmgrid.thermal.freefloat import simulate_freefloat
from warmgrid.thermal.weather import read_epw

ROOT = Path(__file__).resolve().parents[2]
REFERENCES = (
    Path(__file__).parent / "data" / "ashrae140_freefloat_600FF_900FF.csv",
    Path(__file__).parent / "data" / "ashrae140_freefloat_650FF_950FF.csv",
)
MARGIN_C = 1.5


def reference() -> dict[tuple[str, str], tuple[float, float]]:
    ranges = {}
    for path in REFERENCES:
        with open(path, newline="") as handle:
            for row in csv.DictReader(handle):
                ranges[(row["case"], row["statistic"])] = (
                    float(row["reference_min"]),
                    float(row["reference_max"]),
                )
    return ranges


@pytest.fixture(scope="module")
def weather():
    return read_epw(packaged_weather_path())


@pytest.mark.parametrize("case", ["600FF", "900FF", "650FF", "950FF"])
def test_freefloat_within_reference_range(case: str, weather) -> None:
    building = load_building(ROOT / "examples" / "bestest" / f"{case}.toml")
    result = simulate_freefloat(building.params, weather, building.ventilation)
    ranges = reference()
    for statistic, value in (("min", result.min_c), ("max", result.max_c), ("mean", result.mean_c)):
        low, high = ranges[(case, statistic)]
        assert low - MARGIN_C <= value <= high + MARGIN_C, (case, statistic, value, low, high)


def test_heavy_case_swings_less(weather) -> None:
    light = simulate_freefloat(
        load_building(ROOT / "examples" / "bestest" / "600FF.toml").params, weather
    )
    heavy = simulate_freefloat(
        load_building(ROOT / "examples" / "bestest" / "900FF.toml").params, weather
    )
    assert heavy.max_c - heavy.min_c < 0.7 * (light.max_c - light.min_c)
    assert heavy.mean_c == pytest.approx(light.mean_c, abs=1.5)


def test_night_ventilation_cools(weather) -> None:
    """650FF is 600FF with a night vent fan: colder on average, and the fan only counts
    when it runs (run without the schedule it is 600FF again)."""
    vented = load_building(ROOT / "examples" / "bestest" / "650FF.toml")
    plain = load_building(ROOT / "examples" / "bestest" / "600FF.toml")
    with_fan = simulate_freefloat(vented.params, weather, vented.ventilation)
    without = simulate_freefloat(vented.params, weather)
    reference_600 = simulate_freefloat(plain.params, weather)
    assert with_fan.mean_c < without.mean_c - 3.0
    assert without.mean_c == pytest.approx(reference_600.mean_c, abs=1e-6)
