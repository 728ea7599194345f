"""ASHRAE Standard 140 free-float cases 600FF and 900FF with the Denver TMY weather.

The case files under examples/bestest hold the case definitions only; nothing is fitted. The
annual minimum, maximum and mean hourly air temperatures must lie in the range of the six
reference programs of Standard 140-2020 (Table B8-5) widened by 1.5 °C.
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
REFERENCE = Path(__file__).parent / "data" / "ashrae140_freefloat_600FF_900FF.csv"
MARGIN_C = 1.5


def reference() -> dict[tuple[str, str], tuple[float, float]]:
    with open(REFERENCE, newline="") as handle:
        return {
            (row["case"], row["statistic"]): (
                float(row["reference_min"]),
                float(row["reference_max"]),
            )
            for row in csv.DictReader(handle)
        }


@pytest.fixture(scope="module")
def weather():
    return read_epw(packaged_weather_path())


@pytest.mark.parametrize("case", ["600FF", "900FF"])
def test_freefloat_within_reference_range(case: str, weather) -> None:
    building = load_building(ROOT / "examples" / "bestest" / f"{case}.toml")
    result = simulate_freefloat(building.params, weather)
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
