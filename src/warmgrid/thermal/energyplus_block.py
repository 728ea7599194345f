"""A block of flats and its stairwell as one multi-zone EnergyPlus model, to check the heat
exchange between flats (:mod:`warmgrid.thermal.coupling`) against EnergyPlus.

The model is one column of the block: one zone per flat position (the flat of
:func:`~warmgrid.thermal.flats.flat_table`), and a stairwell zone holding this column's
share of the stair cores (``1 / flats of a position``). It stands for what warmgrid's
positions stand for when every position has the same number of flats: three storeys (one
middle floor) and eight flats a floor (four corners, four inner flats), so that each
interface joins one flat to one flat:

* the slabs ground ↔ middle and middle ↔ top (the flat's floor area), the party wall
  between the corner and the inner flat of each floor (half the block deep, a clear storey
  high) and each flat's share of the stair core's walls are ``Surface`` boundaries with the
  whole element (layers of :data:`~warmgrid.thermal.constructions.CONSTRUCTIONS`), listed
  in reverse in the other zone; what is left of each flat's shared elements stays
  ``Adiabatic`` (mirrored, as the one-zone converter);
* the stairwell's façade, window, roof and floor over the basement have the archetype's
  U-values without mass (warmgrid's stairwell counts them by U·A), its air changes
  :data:`~warmgrid.thermal.coupling.STAIRWELL_AIR_CHANGES_PER_H`, no furniture; it is not
  heated;
* everything else as :mod:`warmgrid.thermal.energyplus` (``Simple`` inside convection,
  outside convection 20 W/(m²K), ideal loads at the flats' air nodes switched off at t = 0
  after the warm-up and three heated days).
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from warmgrid.thermal.archetypes import FRAME_FRACTION, SLAB_THICKNESS_M
from warmgrid.thermal.building_file import BuildingDescription, parse_building
from warmgrid.thermal.constructions import CONSTRUCTIONS
from warmgrid.thermal.coupling import (
    STAIR_WIDTH_M,
    STAIRWELL_AIR_CHANGES_PER_H,
    Block,
    interface_group,
    interfaces,
    layers_of,
    stair_cores,
)
from warmgrid.thermal.energyplus import Zone, _materials, to_epjson
from warmgrid.thermal.energyplus_run import (
    HEATED_DAYS,
    HEATING_RATE,
    STEPS_PER_HOUR,
    constant_epw,
    epw_location,
    run_energyplus,
)
from warmgrid.thermal.flats import POSITIONS, flat_table, position_floor
from warmgrid.thermal.layers import R_SE_M2K_PER_W, R_SI_M2K_PER_W

STAIRWELL = "stairwell"
LEVELS = 3
PER_FLOOR = 8
"""The reduced block: every position has :data:`COLUMNS` flats."""
COLUMNS = 4


def reference_block(archetype: str, values: dict[str, float]) -> Block:
    """The block the multi-zone model stands for (three storeys, eight flats a floor)."""
    return Block(archetype, LEVELS, PER_FLOOR, values, CONSTRUCTIONS[archetype].flat_area_m2)


def _no_mass(u_w_per_m2k: float, kind: str) -> list[dict[str, float]]:
    """One massless layer with which an element has ``u_w_per_m2k`` (EN ISO 6946)."""
    resistance = 1.0 / u_w_per_m2k - R_SI_M2K_PER_W[kind] - R_SE_M2K_PER_W
    return [
        {
            "thickness_m": 0.1,
            "conductivity_w_per_mk": 0.1 / resistance,
            "density_kg_per_m3": 0.0,
            "specific_heat_j_per_kgk": 0.0,
        }
    ]


def stairwell_table(block: Block) -> dict[str, Any]:
    """The building-file table of this column's share of the block's stairwell (its walls
    to the flats come as interzone surfaces)."""
    values = block.values
    cores = stair_cores(block.per_floor)
    depth = 0.5 * values["depth_m"]
    storey = values["storey_height_m"]
    clear = max(storey - SLAB_THICKNESS_M, 1.0)
    footprint = cores * STAIR_WIDTH_M * depth / COLUMNS
    facade = cores * STAIR_WIDTH_M * storey * block.levels / COLUMNS
    window = float(np.clip(values["window_to_wall_ratio"], 0.0, 0.95)) * facade
    bridge = values["thermal_bridge_w_per_m2k"]
    u_floor = values["u_floor_w_per_m2k"] * values["floor_adjustment"] + bridge
    return {
        "name": f"{block.archetype} stairwell",
        "floor_area_m2": footprint,
        "volume_m3": footprint * clear * block.levels,
        "air_changes_per_h": STAIRWELL_AIR_CHANGES_PER_H,
        "internal_gains_w": 0.0,
        "furniture_heat_capacity_j_per_m2k": 0.0,
        "thermal_class": "very_light",  # for warmgrid's own reading only: no layer has mass
        "surfaces": [
            {
                "kind": "wall",
                "area_m2": facade - window,
                "azimuth_deg": 180.0,
                "layers": _no_mass(values["u_wall_w_per_m2k"] + bridge, "wall"),
            },
            {
                "kind": "window",
                "area_m2": window,
                "azimuth_deg": 180.0,
                "u_w_per_m2k": values["u_window_w_per_m2k"],
                "g_value": values["g_value"],
                "frame_fraction": FRAME_FRACTION,
            },
            {
                "kind": "roof",
                "area_m2": footprint,
                "layers": _no_mass(values["u_roof_w_per_m2k"] + bridge, "roof"),
            },
            {"kind": "floor", "area_m2": footprint, "layers": _no_mass(u_floor, "floor")},
        ],
    }


def _take(table: dict[str, Any], kind: str, area_m2: float) -> None:
    """Less ``area_m2`` of the flat's adiabatic ``kind`` (what becomes interzone)."""
    for surface in table["surfaces"]:
        if surface.get("boundary") == "adiabatic" and surface["kind"] == kind:
            surface["area_m2"] -= area_m2
            if surface["area_m2"] < -1e-9:
                raise ValueError(f"{table['name']}: interzone {kind} larger than its share")
    table["surfaces"] = [
        s
        for s in table["surfaces"]
        if not (s.get("boundary") == "adiabatic" and s["area_m2"] <= 1e-9)
    ]


def block_zones(
    block: Block, gains_w: float, cut: frozenset[str] = frozenset()
) -> tuple[tuple[Zone, ...], dict[str, Any]]:
    """The zones of the multi-zone model of ``block`` (:data:`LEVELS` storeys,
    :data:`PER_FLOOR` flats a floor) with ``gains_w`` in every flat, and the materials and
    constructions of their interzone surfaces (epJSON objects by type). The interface
    groups of :data:`~warmgrid.thermal.coupling.INTERFACE_GROUPS` in ``cut`` stay
    adiabatic in the flats (the stairwell then has no walls to the flats)."""
    if (block.levels, block.per_floor) != (LEVELS, PER_FLOOR):
        raise ValueError(f"the multi-zone model is of {LEVELS} storeys × {PER_FLOOR} flats")
    tables = {
        p: flat_table(block.values, block.archetype, *position_floor(p, False), gains_w)
        for p in POSITIONS
    }
    stair = stairwell_table(block)
    cons = CONSTRUCTIONS[block.archetype]
    model: dict[str, Any] = {}
    shared: dict[str, list[dict[str, Any]]] = {p: [] for p in (*POSITIONS, STAIRWELL)}
    for k, face in enumerate(
        interfaces(block.levels, block.per_floor, block.values, block.area_m2)
    ):
        if interface_group(face) in cut:
            continue
        other = face.b or STAIRWELL
        area = face.number * face.area_m2 / COLUMNS
        if face.kind == "slab":
            build, kind_a, kind_b = cons.slab, "roof", "floor"  # slab listed floor side first
        else:
            build, kind_a, kind_b = cons.party_wall, "wall", "wall"
        _take(tables[face.a], kind_a, area)
        # layers inside → outside from zone a: a's side first
        inside_a = layers_of(tuple(reversed(build)) if face.kind == "slab" else build)
        names = _materials(model, f"I{k}", inside_a, {})  # outside → inside for zone a
        construction_a, construction_b = f"I{k} {face.a}", f"I{k} {other}"
        for name, order in ((construction_a, names), (construction_b, names[::-1])):
            fields = {"outside_layer": order[0]}
            fields.update({f"layer_{j}": n for j, n in enumerate(order[1:], start=2)})
            model.setdefault("Construction", {})[name] = fields
        surface_a, surface_b = f"{face.a} to {other} {k}", f"{other} to {face.a} {k}"
        shared[face.a].append(_interzone(surface_a, kind_a, area, construction_a, surface_b))
        shared[other].append(
            _interzone(surface_b, kind_b, area, construction_b, surface_a, azimuth_deg=0.0)
        )
        if face.b is not None:
            _take(tables[face.b], kind_b, area)
    zones = [Zone(p, parse_building(tables[p], p), tuple(shared[p])) for p in POSITIONS] + [
        Zone(STAIRWELL, parse_building(stair, STAIRWELL), tuple(shared[STAIRWELL]), False)
    ]
    return tuple(zones), model


def _interzone(
    name: str,
    kind: str,
    area_m2: float,
    construction: str,
    partner: str,
    azimuth_deg: float = 180.0,
) -> dict[str, Any]:
    """An interzone surface of :func:`~warmgrid.thermal.energyplus._geometry` (a wall of
    the other zone faces the opposite way)."""
    return {
        "name": name,
        "kind": kind,
        "area_m2": area_m2,
        "boundary": "interzone",
        "construction": construction,
        "partner": partner,
        "azimuth_deg": azimuth_deg,
        "tilt_deg": {"roof": 0.0, "floor": 180.0}.get(kind, 90.0),
    }


def _block_model(
    block: Block,
    gains_w: float,
    weather: Path,
    start_temp_c: float,
    days: int,
    cut: frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], tuple[Zone, ...]]:
    """The epJSON model of the multi-zone block under ``weather`` (a constant EPW of
    :func:`~warmgrid.thermal.energyplus_run.constant_epw`) over ``days``, heated at
    ``start_temp_c`` for the first :data:`~warmgrid.thermal.energyplus_run.HEATED_DAYS`
    (``cut``: as :func:`block_zones`)."""
    zones, shared = block_zones(block, gains_w, cut)
    first: BuildingDescription = zones[0].description
    model = to_epjson(
        first,
        location=epw_location(weather),
        days=days,
        timesteps_per_hour=STEPS_PER_HOUR,
        sky_at_air_temp=True,
        heating=(start_temp_c, HEATED_DAYS),
        ground_temp_c=first.fields["ground_temp_c"],
        zones=zones,
    )
    for key, objects in shared.items():
        model.setdefault(key, {}).update(objects)
    model["ZoneProperty:UserViewFactors:BySurfaceName"] = {
        STAIRWELL: {
            "zone_or_zonelist_or_space_or_spacelist_name": STAIRWELL,
            "view_factors": [
                {"from_surface": a, "to_surface": b, "view_factor": f}
                for (a, b), f in enclosure_view_factors(model, STAIRWELL).items()
            ],
        }
    }
    return model, zones


def _polygon_area_m2(points: np.ndarray) -> float:
    """Area of a plane polygon, m², from its corners (``(k, 3)`` float64, m) in order: half
    the norm of the sum of the cross products of successive corners."""
    return 0.5 * float(np.linalg.norm(np.cross(points, np.roll(points, -1, axis=0)).sum(axis=0)))


def surface_areas_m2(model: dict[str, Any], zone: str) -> dict[str, float]:
    """The net area of each heat transfer surface of ``zone`` in the epJSON ``model``, m²:
    walls, roofs and floors less their windows, and the windows (empty: no surface of that
    zone in the model)."""
    areas = {}
    for name, surface in model["BuildingSurface:Detailed"].items():
        if surface["zone_name"] == zone:
            corners = [
                [v[f"vertex_{axis}_coordinate"] for axis in "xyz"] for v in surface["vertices"]
            ]
            areas[name] = _polygon_area_m2(np.array(corners))
    for name, window in model.get("FenestrationSurface:Detailed", {}).items():
        host = window["building_surface_name"]
        if host in areas:
            corners = [
                [window[f"vertex_{k}_{axis}_coordinate"] for axis in "xyz"]
                for k in range(1, window["number_of_vertices"] + 1)
            ]
            areas[name] = _polygon_area_m2(np.array(corners))
            areas[host] -= areas[name]
    return areas


def enclosure_view_factors(model: dict[str, Any], zone: str) -> dict[tuple[str, str], float]:
    """View factors ``F_ij = A_j / ΣA`` between the surfaces of ``zone`` (every pair, each
    surface with itself): reciprocal (``A_i F_ij = A_j F_ji``) and complete (``Σ_j F_ij =
    1``), so the zone's long-wave exchange conserves heat; each surface sees the area-weighted
    mean of the zone's faces. Raises ``ValueError`` when the model has no surface of
    ``zone``.

    The stairwell zone of one column is not an enclosure: its six walls to the flats, 12.9 m²
    each in the brick block, stand on a floor of 9.5 m². EnergyPlus' own
    view factors (area-weighted, surfaces facing the same way excluded; Engineering
    Reference, "Interior Solar Radiation and View Factors") then cannot be made complete
    (``FixViewFactors: View factors not complete ... zone="STAIRWELL"``) and the exchange
    does not conserve heat: in the brick block heated at −10 °C, 1,843 W entered the
    stairwell through its walls to the flats and 1,138 W left it through its façade,
    window, roof, floor and air change, and its air stood at −1.4 °C; with these factors
    at 1.0 °C (EnergyPlus' ``ZoneProperty:UserViewFactors:BySurfaceName``)."""
    areas = surface_areas_m2(model, zone)
    if not areas:
        raise ValueError(f"the model has no surface of zone {zone!r}")
    total = sum(areas.values())
    return {(a, b): areas[b] / total for a in areas for b in areas}


def block_cooldown(
    block: Block,
    gains_w: float,
    template_epw: str | Path,
    outdoor_temp_c: float,
    start_temp_c: float = 20.0,
    hours: float = 72.0,
    cut: frozenset[str] = frozenset(),
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``(time_h, air °C by zone)`` of the multi-zone block in EnergyPlus at a constant
    outdoor temperature (sky at air temperature, no sun, calm; as
    :func:`~warmgrid.thermal.energyplus_run.energyplus_cooldown`); ``cut``: as
    :func:`block_zones`."""
    days = HEATED_DAYS + math.ceil(hours / 24.0)
    with tempfile.TemporaryDirectory(prefix="warmgrid-epw-") as tmp:
        weather = constant_epw(template_epw, Path(tmp) / "constant.epw", outdoor_temp_c)
        model, zones = _block_model(block, gains_w, weather, start_temp_c, days, cut)
        temps = run_energyplus(model, weather, zones=[z.name for z in zones])
    start = HEATED_DAYS * 24 * STEPS_PER_HOUR
    n_steps = round(hours * STEPS_PER_HOUR)
    air = {
        z.name: np.concatenate([[start_temp_c], temps[j, start : start + n_steps]])
        for j, z in enumerate(zones)
    }
    if not zones[-1].heated:
        air[STAIRWELL][0] = temps[len(zones) - 1, start - 1]
    return np.arange(n_steps + 1) / STEPS_PER_HOUR, air


def block_heating_w(
    block: Block,
    gains_w: float,
    template_epw: str | Path,
    outdoor_temp_c: float,
    set_point_c: float = 20.0,
) -> dict[str, float]:
    """Heating power of each flat zone of the multi-zone block in EnergyPlus at the end of
    the heated days (ideal loads at ``set_point_c``, constant ``outdoor_temp_c``), W: the
    heated balance the cool-down starts from."""
    with tempfile.TemporaryDirectory(prefix="warmgrid-epw-") as tmp:
        weather = constant_epw(template_epw, Path(tmp) / "constant.epw", outdoor_temp_c)
        model, zones = _block_model(block, gains_w, weather, set_point_c, HEATED_DAYS + 1)
        flats = [z.name for z in zones if z.heated]
        power = run_energyplus(
            model, weather, zones=[f"{name} Ideal Loads" for name in flats], variable=HEATING_RATE
        )
    last = HEATED_DAYS * 24 * STEPS_PER_HOUR - 1
    return {name: float(power[j, last]) for j, name in enumerate(flats)}
