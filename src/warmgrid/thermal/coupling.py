"""Heat exchange between the flats of a block at different temperatures, and the stairwell.

:mod:`warmgrid.thermal.flats` gives each flat position (ground, middle, top × corner, inner)
a network of its own whose shared slabs and party walls are adiabatic: their back face (the
plane of symmetry with the neighbour) passes no heat, which is exact only where the
neighbour is at the same temperature. Here the positions of one class of identical buildings
form one linear network: the adiabatic node of each side of a shared element is joined to
the neighbour's through the resistance from its centroid to the plane of symmetry and on
(:func:`back_resistance_m2k_per_w`, :func:`joins`), so that a top-floor flat draws heat from
the slab of the flat below, the ground-floor flats from the middle ones, and every flat
loses heat to the unheated stairwell. Flats at one temperature pass nothing: the adiabatic
boundary is the special case of equal neighbours.

* **Slabs.** A slab is the floor of the flat above; the flat below holds only its
  ceiling's skin (:func:`~warmgrid.thermal.constructions.slab_sides`): a slab's heat goes
  up once the heating stops.
* **Floors.** A block of ``N`` storeys has a ground and a top floor and ``N − 2`` middle
  floors, all represented by the one middle position. Its slab to the ground floor (and to
  the top floor) is one of ``N − 1`` slabs: per middle flat, ``1/(N − 2)`` of a slab couples
  it to the ground flat below and as much to the top flat above, the remaining middle ↔
  middle slabs join flats at the same temperature and pass nothing. This is exact for the
  heat the outer floors draw from the middle ones in total, and spreads it evenly over the
  middle floors (in the building, the second and the last-but-one floor give most of it:
  their flats cool somewhat faster than the middle position says, the ones in between
  slower). With ``N = 2`` ground and top share one slab; a one-storey building has none.
* **Along a floor.** Each row of flats (one on each side of the stair core) has a corner
  flat at each gable; with inner flats, four party walls per floor join a corner to an inner
  flat (``min(4, 2·inner)``); the other party walls join flats of one position.
* **Stairwell.** One stair core per :data:`FLATS_PER_LANDING` flats of a floor on average
  (:func:`stair_cores`), as wide as
  :data:`STAIR_WIDTH_M` and half the block deep, over all storeys: an unheated zone (its
  air, and the stairwell's halves of the walls it shares with the flats as one mass node,
  see :func:`stairwell`) with a façade of the archetype's wall and windows, the roof and the
  floor over the basement of the archetype, and its own air change
  (:data:`STAIRWELL_AIR_CHANGES_PER_H`). Every flat has an equal share of the stair core's
  walls. The flights and landings and the mass of the stairwell's external walls are left
  out (the stairwell cools a little faster: the cautious side for the risers in it,
  :mod:`warmgrid.thermal.risers`).

The flats' rows are weighted by their number in the building (``C`` and ``K`` times the
count), so that the conductance of all interfaces between two positions is one symmetric
entry and the network stays one symmetric system ``C dx/dt = −K x + B u``, discretised
exactly as :mod:`warmgrid.thermal.network` (the flats' surface nodes eliminated exactly).
Positions a building does not have (no inner flats, no middle floors) keep weight 1 and no
interfaces: they do not touch the others.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from warmgrid.thermal import zone
from warmgrid.thermal.archetypes import SLAB_THICKNESS_M
from warmgrid.thermal.constructions import CONSTRUCTIONS, Build, half, slab_sides
from warmgrid.thermal.flats import (
    CORNERS_PER_FLOOR,
    POSITIONS,
    ClassResponse,
    alpha_beta,
    forcing,
    modal_steps,
    position_counts,
    position_floor,
)
from warmgrid.thermal.history import heated_steady, held_run, history_features, moving_states
from warmgrid.thermal.layers import R_SI_M2K_PER_W, Layer, element_lumps, element_mass
from warmgrid.thermal.network import (
    CONVECTION_W_PER_M2K,
    RADIATION_W_PER_M2K,
    NetworkParams,
    _full_matrices,
    eliminate,
    join_conductance,
    modal_of,
)
from warmgrid.thermal.rc import AIR_HEAT_CAPACITY_J_PER_M3K
from warmgrid.thermal.switched import SwitchedResponse, switched_states

if TYPE_CHECKING:
    from warmgrid.thermal.weather import Weather

FLATS_PER_LANDING = 4
"""Flats per floor served by one stair core: the usual section of the Soviet and Ukrainian
mass-housing series (1-464, 1-468, 111-121: three or four flats per landing)."""

STAIR_WIDTH_M = 2.7
"""Inner width of a stair core: two flights of 1.05 m (the least width of a flight in
residential buildings, SNiP 2.08.01-89 and DBN V.2.2-15) with the gap and the landings'
margins (assumption per type)."""

STAIRWELL_AIR_CHANGES_PER_H = 3.0
"""Air change of an unheated stairwell with the outside: the conventional rate of
EN ISO 13789:2017 (Table 7) for an unconditioned space "not airtight due to some localised
open joints or permanent ventilation openings" — the entrance door opened through the day,
the windows of old stair cores."""

NODES = zone.NODES
"""Nodes of one flat in :func:`~warmgrid.thermal.network._full_matrices`: its network by
element group (:mod:`warmgrid.thermal.zone`)."""

STAIR_AIR = len(POSITIONS) * NODES
STAIR_MASS = STAIR_AIR + 1


@dataclass(frozen=True)
class Interface:
    """``number`` interfaces of ``area_m2`` each between positions ``a`` and ``b``
    (``b`` None: the stairwell) through the shared element ``kind`` (``slab``: ``a`` below,
    ``party``, ``stair``)."""

    a: str
    b: str | None
    kind: str
    number: float
    area_m2: float


INTERFACE_GROUPS = ("stair", "party", "slab_ground", "slab_top")
"""The kinds of shared element a block joins its flats by, as :func:`interface_group`
names them."""


def interface_group(face: Interface) -> str:
    """The group of :data:`INTERFACE_GROUPS` ``face`` belongs to: the walls to the
    stairwell, the party walls, the slab over the ground floor and the slab under the top
    floor (in a two-storey block the one slab is over the ground floor)."""
    if face.b is None:
        return "stair"
    if face.kind == "party":
        return "party"
    return "slab_ground" if face.a.startswith("ground") else "slab_top"


def slab_groups(position: str, levels: int) -> tuple[str, str]:
    """The groups of :data:`INTERFACE_GROUPS` of the slabs over and under a flat of
    ``position`` in a block of ``levels`` storeys (``""``: none, or not a slab between
    flats). The middle position's are those of the floors next to the outer ones (exact for
    three storeys)."""
    floor = position.partition("_")[0]
    if levels == 1:
        return "", ""
    return {
        "ground": ("slab_ground", ""),
        "middle": ("slab_top", "slab_ground"),
        "top": ("", "slab_top" if levels > 2 else "slab_ground"),
    }[floor]


def interfaces(
    levels: int, per_floor: int, values: dict[str, float], area_m2: float
) -> list[Interface]:
    """The shared elements between the positions of a block (see the module docstring);
    ``values``: the archetype fields of :data:`~warmgrid.thermal.flats.FIELDS`, ``area_m2``
    the flat's floor area."""
    row = position_counts(np.array([levels]), np.array([per_floor]))[0]
    counts = dict(zip(POSITIONS, row, strict=True))
    depth = 0.5 * values["depth_m"]
    clear = max(values["storey_height_m"] - SLAB_THICKNESS_M, 1.0)
    out: list[Interface] = []
    for place in ("corner", "inner"):
        n = counts[f"ground_{place}"]
        if n == 0 or levels == 1:
            continue
        pairs = (("ground", "top"),) if levels == 2 else (("ground", "middle"), ("middle", "top"))
        out += [Interface(f"{lo}_{place}", f"{hi}_{place}", "slab", n, area_m2) for lo, hi in pairs]
    inner = per_floor - min(per_floor, CORNERS_PER_FLOOR)
    if inner > 0:
        walls = min(CORNERS_PER_FLOOR, 2 * inner)
        floors = {"ground": 1, "top": 1 if levels > 1 else 0, "middle": max(levels - 2, 0)}
        out += [
            Interface(f"{floor}_corner", f"{floor}_inner", "party", walls * k, depth * clear)
            for floor, k in floors.items()
            if k > 0
        ]
    share = stair_cores(per_floor) * (2.0 * depth + STAIR_WIDTH_M) * clear / per_floor
    out += [Interface(p, None, "stair", counts[p], share) for p in POSITIONS if counts[p] > 0]
    return out


LAYOUT_EXACT_LEVELS = 10
"""Storey counts up to which every count is a block of its own (:func:`block_layout`)."""

LAYOUT_EXACT_PER_FLOOR = 12
"""Flats a floor up to which every count is a block of its own (:func:`block_layout`)."""

LAYOUT_RATIO = 1.2
"""Ratio between neighbouring storey counts (and flats a floor) computed as blocks above
:data:`LAYOUT_EXACT_LEVELS` (:data:`LAYOUT_EXACT_PER_FLOOR`)."""


def block_layout(levels: np.ndarray, per_floor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(storeys, flats a floor)`` of the block that stands for buildings of ``levels``
    storeys and ``per_floor`` flats a floor: the counts themselves up to
    :data:`LAYOUT_EXACT_LEVELS` and :data:`LAYOUT_EXACT_PER_FLOOR`, above them the nearest
    (in ratio) of ``exact · 1.2^k``. Above those counts a storey or a flat more changes
    the block only through the shares of heat the outer floors draw from each middle flat
    (``1/(N − 2)``) and the inner flats give to the corners (``4/inner``): the hours of every
    position stay within 2 % of the building's own block
    (``tests/thermal/test_thermal_coupling.py``), and a city of many storey counts and
    floor sizes needs a few hundred blocks instead of one per pair. People and flats per
    position are always the building's own."""
    return _ladder(levels, LAYOUT_EXACT_LEVELS), _ladder(per_floor, LAYOUT_EXACT_PER_FLOOR)


def _ladder(count: np.ndarray, exact: int) -> np.ndarray:
    above = np.maximum(count, exact) / exact
    step = np.round(np.log(above) / np.log(LAYOUT_RATIO))
    return np.where(count <= exact, count, np.round(exact * LAYOUT_RATIO**step))


def stair_cores(per_floor: float) -> float:
    """Stair cores of a floor of ``per_floor`` flats: one per :data:`FLATS_PER_LANDING`
    flats on average, at least one. The flats a floor are themselves estimated from the
    floor area (:func:`~warmgrid.thermal.flats.floors_of`); a whole core more for the 17th
    flat of a floor would make the stairwell's share of a flat jump by a fifth with one flat
    more, where sections of four flats a landing (or more, with three) are as likely."""
    return max(1.0, per_floor / FLATS_PER_LANDING)


def layers_of(build: Build) -> tuple[Layer, ...]:
    """The :class:`~warmgrid.thermal.layers.Layer` of a build-up (inside → outside)."""
    return tuple(
        Layer(d, m.conductivity_w_per_mk, m.density_kg_per_m3, m.specific_heat_j_per_kgk)
        for m, d in build
    )


@functools.lru_cache(maxsize=256)
def back_resistance_m2k_per_w(layers: tuple[Layer, ...]) -> tuple[int, float]:
    """``(node, R)`` of this side's share of a shared element (room face → plane of
    symmetry, as :func:`~warmgrid.thermal.layers.element_lumps` reads it with
    ``boundary = "adiabatic"``): the flat's node its back hangs on — the shared group's
    mass node of its deepest lump (:func:`warmgrid.thermal.zone.lump_node`), or the
    group's face where the side holds no heat — and the resistance from there to the plane
    of symmetry, m²K/W."""
    lumps = element_lumps(layers, "adiabatic")
    total = sum(layer.resistance_m2k_per_w for layer in layers)
    if not lumps:
        return zone.face_node("shared"), total
    deepest = lumps[-1].resistance_m2k_per_w
    return zone.lump_node("shared", len(lumps) - 1), max(total - deepest, 0.0)


@functools.lru_cache(maxsize=256)
def _sides(archetype: str, kind: str) -> tuple[tuple[Layer, ...], tuple[Layer, ...]]:
    """This side's layers of ``a`` and ``b`` of an interface (a slab: ``a``'s ceiling,
    ``b``'s floor, :func:`~warmgrid.thermal.constructions.slab_sides` of a coupled
    block)."""
    cons = CONSTRUCTIONS[archetype]
    if kind == "slab":
        ceiling, floor = slab_sides(cons.slab, coupled=True)
        return layers_of(ceiling), layers_of(floor)
    party = layers_of(half(cons.party_wall))
    return party, party


def stairwell(
    levels: int, per_floor: int, values: dict[str, float], archetype: str
) -> tuple[float, float, float, float, float]:
    """``(C_air, C_mass J/K; H_air→out, H_mass→out, H_air→mass W/K)`` of a block's
    stairwell: air ``ρc·V`` (ISO 13790 9.3.1) and :data:`STAIRWELL_AIR_CHANGES_PER_H`; its
    halves of the walls to the flats (:func:`~warmgrid.thermal.layers.element_mass`, active
    and deep part together at their centroid) reached from the air by natural convection
    (:data:`~warmgrid.thermal.network.CONVECTION_W_PER_M2K`, vertical); the façade (the
    archetype's window-to-wall ratio and U-values plus the thermal-bridge surcharge), the
    roof and the floor over the basement (``b·U_floor``), whose inner faces exchange heat by
    convection with the air and by long-wave radiation
    (:data:`~warmgrid.thermal.network.RADIATION_W_PER_M2K`) with the walls to the flats,
    which face them across the stair: the star air – face – walls – outside without the
    face node (its Y–Δ transform)."""
    cores = stair_cores(per_floor)
    depth = 0.5 * values["depth_m"]
    storey = values["storey_height_m"]
    clear = max(storey - SLAB_THICKNESS_M, 1.0)
    footprint = cores * STAIR_WIDTH_M * depth
    volume = footprint * clear * levels
    facade = cores * STAIR_WIDTH_M * storey * levels
    window = float(np.clip(values["window_to_wall_ratio"], 0.0, 0.95)) * facade
    bridge = values["thermal_bridge_w_per_m2k"]
    h_c, h_r = CONVECTION_W_PER_M2K["vertical"], RADIATION_W_PER_M2K
    air_out = mass_out = air_mass = 0.0
    for u, area, kind in (
        (values["u_wall_w_per_m2k"] + bridge, facade - window, "wall"),
        (values["u_window_w_per_m2k"], window, "wall"),
        (values["u_roof_w_per_m2k"] + bridge, footprint, "roof"),
        (values["u_floor_w_per_m2k"] * values["floor_adjustment"] + bridge, footprint, "floor"),
    ):
        g_out = 1.0 / (1.0 / u - R_SI_M2K_PER_W[kind])
        total = h_c + h_r + g_out
        air_out += h_c * g_out * area / total
        mass_out += h_r * g_out * area / total
        air_mass += h_c * h_r * area / total
    walls = cores * (2.0 * depth + STAIR_WIDTH_M) * clear * levels
    c_mass, r_centroid = _centroid(layers_of(half(CONSTRUCTIONS[archetype].party_wall)))
    return (
        AIR_HEAT_CAPACITY_J_PER_M3K * volume,
        c_mass * walls,
        air_out + AIR_HEAT_CAPACITY_J_PER_M3K * STAIRWELL_AIR_CHANGES_PER_H * volume / 3600.0,
        mass_out,
        air_mass + walls / (1.0 / h_c + r_centroid),
    )


@functools.lru_cache(maxsize=256)
def _centroid(layers: tuple[Layer, ...]) -> tuple[float, float]:
    """``(C J/(m²K), R m²K/W)``: the heat capacity of a wall's side up to its insulation
    and the resistance from its face to the centroid of that capacity."""
    mass = element_mass(layers, "adiabatic")
    total = mass.active_j_per_m2k + mass.deep_j_per_m2k
    deep_r = mass.active_r_m2k_per_w + mass.deep_r_m2k_per_w
    r = (mass.active_j_per_m2k * mass.active_r_m2k_per_w + mass.deep_j_per_m2k * deep_r) / total
    return total, r


@dataclass(frozen=True)
class Block:
    """A class of identical buildings: archetype, storeys, flats per floor, the archetype
    fields of :data:`~warmgrid.thermal.flats.FIELDS` and the flat's floor area, m²."""

    archetype: str
    levels: int
    per_floor: int
    values: dict[str, float]
    area_m2: float


def joins(block: Block, cut: frozenset[str] = frozenset()) -> list[tuple[int, int, float]]:
    """``(node, node, W/K)`` of the shared elements of ``block`` between the nodes of
    :func:`block_full_matrices`: each side's deepest lump of its shared elements
    (:func:`back_resistance_m2k_per_w`). The groups of
    :data:`INTERFACE_GROUPS` in ``cut`` are left out: their elements stay adiabatic, as if
    the neighbour were at this flat's temperature (to measure what each group does).

    Between two flats: ``A / (R_back,a + R_back,b)`` (:func:`back_resistance_m2k_per_w`)
    between their nodes. A flat's nodes lump all its shared elements, which reach the room
    through one face, all their surfaces at once. An element that is a share ``φ`` of a
    flat's shared area gets on that side, per m², the rest of its own surface path in
    series, ``(1 − φ)(1/(h_c + h_r) + R_face→node)`` (:func:`_own_face_m2k_per_w`: natural
    convection ``h_c`` in the direction of the cool-down and long-wave radiation ``h_r``,
    :data:`~warmgrid.thermal.network.CONVECTION_W_PER_M2K`,
    :data:`~warmgrid.thermal.network.RADIATION_W_PER_M2K`), so that it passes heat at the
    rate of its own surface and not of all the flat's shared ones: a wall (a party wall, a
    wall to the stairwell) on both sides, vertical; a slab on its ceiling side, under which
    the air lies in a stable layer (*reduced*). On its floor side the slab is the flat
    above's floor, its whole mass (:func:`~warmgrid.thermal.constructions.slab_sides`), and
    the lumped path stands. Checked against EnergyPlus' multi-zone block
    (:mod:`warmgrid.thermal.energyplus_block`), ``bench/bench_thermal_energyplus.py`` and
    group by group ``bench/bench_thermal_block_interfaces.py``: without the ceiling's own
    path the slab over the ground floor gave the ground-floor flats up to 3.7 h, EnergyPlus'
    at most 1.0 h, and six of them crossed later than allowed; without the radiation in the
    walls' and ceilings' path 53 to 67 of the 72 flats agreed at 12 °C
    (docs/thermal-energyplus.md)."""
    index = {name: p for p, name in enumerate(POSITIONS)}
    stair_side = layers_of(half(CONSTRUCTIONS[block.archetype].party_wall))
    stair_back = sum(x.resistance_m2k_per_w for x in stair_side) - _centroid(stair_side)[1]
    out = []
    for face in interfaces(block.levels, block.per_floor, block.values, block.area_m2):
        if interface_group(face) in cut:
            continue
        total = face.number * face.area_m2
        side_a, side_b = _sides(block.archetype, face.kind)
        a = index[face.a]
        node_a, r_a = back_resistance_m2k_per_w(side_a)
        node_a += a * NODES
        wall = face.kind != "slab"
        r_a += _own_face_m2k_per_w(
            face.a, face.area_m2, side_a, r_a, block, "vertical" if wall else "reduced"
        )
        if face.b is None:
            node_b, r_b = STAIR_MASS, stair_back
        else:
            b = index[face.b]
            node_b, r_b = back_resistance_m2k_per_w(side_b)
            node_b += b * NODES
            if wall:
                r_b += _own_face_m2k_per_w(face.b, face.area_m2, side_b, r_b, block, "vertical")
        out.append((node_a, node_b, total / max(r_a + r_b, 1e-6)))
    return out


def _own_face_m2k_per_w(
    position: str,
    area_m2: float,
    side: tuple[Layer, ...],
    back_m2k_per_w: float,
    block: Block,
    direction: str,
) -> float:
    """The rest of an element's own surface path on a flat's side, m²K/W:
    ``(1 − φ)(1/(h_c + h_r) + R_face→node)`` with ``φ`` the element's share of the flat's
    shared area, ``h_c`` Walton's natural convection in ``direction``
    (:data:`~warmgrid.thermal.network.CONVECTION_W_PER_M2K`), ``h_r`` the long-wave
    radiation between room surfaces (:data:`~warmgrid.thermal.network.RADIATION_W_PER_M2K`)
    and ``R_face→node`` the layers' resistance less ``back_m2k_per_w`` (see :func:`joins`)."""
    share = min(area_m2 / _shared_area_m2(position, block), 1.0)
    to_node = sum(x.resistance_m2k_per_w for x in side) - back_m2k_per_w
    film = CONVECTION_W_PER_M2K[direction] + RADIATION_W_PER_M2K
    return (1.0 - share) * (1.0 / film + to_node)


def _shared_area_m2(position: str, block: Block) -> float:
    """Area of the shared (adiabatic) elements of a flat of ``position``, m²
    (:func:`~warmgrid.thermal.flats.flat_table`)."""
    values = block.values
    floor, corner = position_floor(position, block.levels == 1)
    depth = 0.5 * values["depth_m"]
    clear = max(values["storey_height_m"] - SLAB_THICKNESS_M, 1.0)
    party = (block.area_m2 / depth + (1.0 if corner else 2.0) * depth) * clear
    slabs = {"top": 1, "ground": 1, "middle": 2, "single": 0}[floor]
    return party + slabs * block.area_m2


def position_matrices(net: NetworkParams, heated: bool = False) -> tuple[np.ndarray, ...]:
    """``(C, K, B, G)`` of flat networks (any number of rows): the full matrices of
    :func:`~warmgrid.thermal.network._full_matrices` (``heated``: with the heated state's
    convection) with the rows' gains set to 0, ``G`` (rows, :data:`NODES`) where one watt
    of gains enters."""
    if net.zone_cooling_w_per_k is None:
        raise ValueError("a block's flats run in the network by element group")
    zero = replace(net, base=replace(net.base, internal_gains_w=np.zeros(len(net))))
    one = replace(net, base=replace(net.base, internal_gains_w=np.ones(len(net))))
    C, K, B = _full_matrices(zero, heated)
    gains = _full_matrices(one, heated)[2][:, :, 1] - B[:, :, 1]
    return C, K, B, gains


def block_full_matrices(
    flats: tuple[np.ndarray, ...],
    weight: np.ndarray,
    shared: list[tuple[int, int, float]],
    stair: tuple[float, float, float, float, float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(C, K, B)`` of all nodes of one block: :data:`NODES` per position (in
    :data:`~warmgrid.thermal.flats.POSITIONS` order, ``flats`` the six rows of
    :func:`position_matrices`, rows times ``weight``, the number of such flats), then the
    stairwell's air and mass (:func:`stairwell`), joined by ``shared`` (:func:`joins`).
    ``B`` maps ``[θ_e, 1, I.., Δθ_sky, q]`` (``q``: the gains of every flat, W). ``C`` is 0
    on the surface nodes."""
    capacity, conductance, drive, gains = flats[:4]
    n = len(POSITIONS) * NODES + 2
    C = np.zeros(n)
    K = np.zeros((n, n))
    B = np.zeros((n, drive.shape[2] + 1))
    for p in range(len(POSITIONS)):
        rows = slice(p * NODES, (p + 1) * NODES)
        C[[p * NODES + j for j in zone.KEPT]] = weight[p] * capacity[p]
        K[rows, rows] = weight[p] * conductance[p]
        B[rows, :-1] = weight[p] * drive[p]
        B[rows, -1] = weight[p] * gains[p]
    c_air, c_mass, h_out, h_mass_out, h_air_mass = stair
    C[STAIR_AIR], C[STAIR_MASS] = c_air, c_mass
    K[STAIR_AIR, STAIR_AIR] += h_out
    K[STAIR_MASS, STAIR_MASS] += h_mass_out
    B[STAIR_AIR, 0], B[STAIR_MASS, 0] = h_out, h_mass_out
    join_conductance(K, STAIR_AIR, STAIR_MASS, h_air_mass)
    for i, j, h in shared:
        join_conductance(K, i, j, h)
    return C, K, B


KEPT = [p * NODES + j for p in range(len(POSITIONS)) for j in zone.KEPT] + [
    STAIR_AIR,
    STAIR_MASS,
]
"""Nodes of :func:`block_full_matrices` that hold heat (the states)."""

AIR_STATES = [KEPT.index(p * NODES) for p in range(len(POSITIONS))] + [KEPT.index(STAIR_AIR)]
"""States of the flats' air (positions in order), then the stairwell's air."""


def block_matrices(
    full: tuple[np.ndarray, ...],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(C, K, B)`` of :data:`KEPT` states of blocks (stacked ``(m, …)`` results of
    :func:`block_full_matrices`), the surface nodes eliminated exactly."""
    C, K, B = full
    gone = [i for i in range(K.shape[1]) if i not in KEPT]
    return (C[:, KEPT], *eliminate(K, B, KEPT, gone))


@dataclass(frozen=True)
class BlockResponse:
    """Air of the flats of each block position (``flats``: rows ``block · 6 + position``,
    as :class:`~warmgrid.thermal.flats.ClassResponse`) and of each block's stairwell
    (``stair_*``, ``(blocks, steps + 1)``, °C and K/W) as ``alpha + q·beta``; ``q`` the
    gains of each flat, W."""

    flats: ClassResponse
    stair_heated_alpha: np.ndarray
    stair_heated_beta: np.ndarray
    stair_free_alpha: np.ndarray
    stair_free_beta: np.ndarray


def block_response(
    C: np.ndarray,
    K: np.ndarray,
    B: np.ndarray,
    counts: np.ndarray,
    features: np.ndarray,
    step_h: float,
    set_point_c: float,
    history: np.ndarray | None = None,
    heated_system: tuple[np.ndarray, np.ndarray] | None = None,
) -> BlockResponse:
    """Responses of blocks (:func:`block_matrices`; ``counts`` ``(m, 6)`` flats per
    position) to the shared inputs ``features`` (rows per step, see
    :func:`warmgrid.thermal.cooldown._features`), exact (modal recursion, as
    :func:`warmgrid.thermal.flats.class_response`).

    The start is the heated steady state: every flat's air at ``set_point_c``, heated at the
    air node, the stairwell unheated; with ``history`` (the inputs of the weather before
    the outage) the state at its end, stepped from that steady state with every flat's air
    held at the set point (:func:`warmgrid.thermal.history.held_run`). Where the gains
    ``q`` of a flat exceed ``q_max_w`` — the least ``q`` at which a position would need
    negative heating — every flat of the block starts from the unheated steady state
    instead (flats then start a little colder than the heated state: the cautious side).
    ``heated_system``: ``(K, B)`` with the heated state's convection, for the starts
    (:mod:`warmgrid.thermal.zone`); None: ``(K, B)``."""
    m = K.shape[0]
    air = AIR_STATES[:-1]
    warm, warm_b = (K, B) if heated_system is None else heated_system
    weather = warm_b[:, :, :-1] @ features[0]
    gains = warm_b[:, :, -1]
    heated, heating = heated_steady(
        warm, np.stack([weather, gains], axis=2), np.tile([set_point_c, 0.0], (m, 1)), air
    )
    present = counts > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        limit = np.where(heating[:, :, 1] < 0, heating[:, :, 0] / -heating[:, :, 1], np.inf)
    q_max = np.where(present, limit, np.inf).min(axis=1)
    if history is not None:
        heated[:, :, 0] = held_run(C, warm, warm_b[:, :, :-1], history, set_point_c, step_h, air)
        ones = np.ones((history.shape[0], 1))
        heated[:, :, 1] = held_run(C, warm, warm_b[:, :, -1:], ones, 0.0, step_h, air)
    free = np.linalg.solve(warm, np.stack([weather, gains], axis=2))
    starts = np.concatenate([heated, free], axis=2)
    decay, to_states, to_modes, gamma = modal_of(C, K, B, step_h * 3600.0)
    z = np.einsum("bij,bjk->bik", to_modes, starts)
    n_steps = features.shape[0]
    forced = forcing(gamma[:, :, :-1], features)
    out = modal_steps(z, decay, forced, gamma[:, :, -1], to_states[:, AIR_STATES, :])
    flats = out[:, :, :-1, :].reshape(n_steps + 1, m * len(POSITIONS), 4)
    time_h = np.arange(n_steps + 1) * step_h
    q_max_w = np.repeat(q_max, len(POSITIONS))
    return BlockResponse(
        ClassResponse(time_h, features[:, 0], *alpha_beta(flats), q_max_w=q_max_w),
        *alpha_beta(out[:, :, -1, :]),
    )


def block_system(
    net: NetworkParams, blocks: list[Block], cut: frozenset[str] = frozenset()
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """``(C, K, B, counts, (K_heated, B_heated))`` of ``blocks`` (:func:`block_matrices`,
    ``counts`` flats per position) whose positions' networks are the rows of ``net`` (six
    per block, in :data:`~warmgrid.thermal.flats.POSITIONS` order; gains ignored): the
    cool-down's system and the conductances and inputs of the heated state's convection
    (:mod:`warmgrid.thermal.zone`), on the same joins and stairwell. ``cut`` as
    :func:`joins`."""
    size = len(POSITIONS)
    every = {heated: position_matrices(net, heated) for heated in (False, True)}
    levels = np.array([b.levels for b in blocks], dtype=np.float64)
    per_floor = np.array([b.per_floor for b in blocks], dtype=np.float64)
    counts = position_counts(levels, per_floor)
    full: dict[bool, list[tuple[np.ndarray, ...]]] = {False: [], True: []}
    for g, block in enumerate(blocks):
        weight = np.where(counts[g] > 0, counts[g], 1.0)
        shared = joins(block, cut)
        stair = stairwell(block.levels, block.per_floor, block.values, block.archetype)
        for heated, matrices in every.items():
            flats = tuple(part[g * size : (g + 1) * size] for part in matrices)
            full[heated].append(block_full_matrices(flats, weight, shared, stair))
    C, K, B = block_matrices(tuple(np.stack(part) for part in zip(*full[False], strict=True)))
    _, K_heated, B_heated = block_matrices(
        tuple(np.stack(part) for part in zip(*full[True], strict=True))
    )
    return C, K, B, counts, (K_heated, B_heated)


def city_blocks(
    net: NetworkParams,
    blocks: list[Block],
    features: np.ndarray,
    step_h: float,
    set_point_c: float,
    history: np.ndarray | None = None,
) -> BlockResponse:
    """:func:`block_response` of ``blocks`` whose positions' networks are the rows of ``net``
    (six per block, in :data:`~warmgrid.thermal.flats.POSITIONS` order; gains ignored)."""
    from threadpoolctl import threadpool_limits

    # many small matrices: BLAS threads cost more than they save (816 eigen-decompositions
    # of 32 × 32: 0.13 s CPU on one thread, 0.98 s on two)
    with threadpool_limits(limits=1, user_api="blas"):
        C, K, B, counts, warm = block_system(net, blocks)
        return block_response(C, K, B, counts, features, step_h, set_point_c, history, warm)


def switched_blocks(
    net: NetworkParams,
    blocks: list[Block],
    row_block: np.ndarray,
    heat_on: np.ndarray,
    features: np.ndarray,
    step_h: float,
    set_point_c: float,
    history: np.ndarray | None = None,
) -> SwitchedResponse:
    """Rows of ``blocks`` (``row_block[r]``) whose heating is on in the steps where
    ``heat_on[r]`` is true (:func:`warmgrid.thermal.switched.switched_states`, every flat's
    air held), as one row per block row and position (row ``r · 6 + position``)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        C, K, B, _, warm = block_system(net, blocks)
        flats = AIR_STATES[:-1]
        air = switched_states(
            C, K, B, row_block, heat_on, features, step_h, set_point_c, history, flats, flats, warm
        )
    steps = air.shape[0]
    air = air.reshape(steps, -1, 2)
    return SwitchedResponse(
        time_h=np.arange(steps) * step_h,
        alpha=air[:, :, 0].T.copy(),
        beta=air[:, :, 1].T.copy(),
    )


def simulate_block(
    block: Block,
    gains_w: float,
    outdoor_temp_c: np.ndarray | float,
    step_h: float,
    hours: float,
    set_point_c: float = 20.0,
    solar_irradiance_w_per_m2: np.ndarray | None = None,
    sky_temp_depression_k: np.ndarray | float = 0.0,
    heated_before: Weather | None = None,
    cut: frozenset[str] = frozenset(),
) -> np.ndarray:
    """Air temperature of one building's flats by position and of its stairwell (rows:
    :data:`~warmgrid.thermal.flats.POSITIONS`, then the stairwell; columns: instants,
    °C) after the heating stops, stepped one step at a time with scipy's matrix exponential
    of the block (zero-order hold of the inputs, exact): the building-by-building
    counterpart of :func:`city_blocks`. ``gains_w``: each flat's gains, W; weather inputs as
    :func:`warmgrid.thermal.network.simulate_network` (solar channels of
    :data:`~warmgrid.thermal.archetypes.ARCHETYPE_CHANNELS`). The start as
    :func:`block_response`; with ``heated_before`` (a weather whose days before the outage,
    :attr:`~warmgrid.thermal.weather.Weather.before`, are known) the heated start is
    stepped through those days with every flat's air held at the set point, by the matrix
    exponential of the other states. ``cut``: interface groups left out (:func:`joins`)."""

    from warmgrid.thermal.cooldown import _features, steps_of

    net, counts, (C, K, B), (warm, warm_b) = _one_block(block, cut)
    n_steps = steps_of(step_h, hours)
    features = _features(
        net.base,
        outdoor_temp_c,
        step_h,
        n_steps,
        solar_irradiance_w_per_m2,
        sky_temp_depression_k,
    )
    u = np.column_stack([features, np.full(n_steps, gains_w)])
    heated, heating = _one_heated(warm, warm_b @ u[0], set_point_c)
    if np.all(heating[counts > 0] >= 0):
        x = heated
        known = None if heated_before is None else history_features(net.base, heated_before, step_h)
        if known is not None:
            x = _held_through(C, warm, warm_b, known, gains_w, set_point_c, step_h)
    else:
        x = np.linalg.solve(warm, warm_b @ u[0])
    phi, gamma = _exact_step(C, K, B, step_h)
    out = np.empty((len(AIR_STATES), n_steps + 1))
    out[:, 0] = x[AIR_STATES]
    for t in range(n_steps):
        x = phi @ x + gamma @ u[t]
        out[:, t + 1] = x[AIR_STATES]
    return out


def block_networks(block: Block, cut: frozenset[str] = frozenset()) -> NetworkParams:
    """The six positions' networks of one building's block (the flats of
    :func:`~warmgrid.thermal.flats.flat_table` with the slabs of a coupled block, a cut
    slab's half to each side as for flats alone; ``cut`` as :func:`joins`)."""
    from warmgrid.thermal.flats import flat_network, flat_table, position_floor, stack

    single = block.levels == 1
    nets = []
    for p in POSITIONS:
        above, below = slab_groups(p, block.levels)
        table = flat_table(
            block.values,
            block.archetype,
            *position_floor(p, single),
            coupled_slabs=(above not in cut, below not in cut),
        )
        nets.append(flat_network(table))
    return stack(nets)


def _one_block(
    block: Block, cut: frozenset[str]
) -> tuple[
    NetworkParams,
    np.ndarray,
    tuple[np.ndarray, np.ndarray, np.ndarray],
    tuple[np.ndarray, np.ndarray],
]:
    """The positions' networks (:func:`block_networks`), the flats of each position,
    ``(C, K, B)`` of one building's block and the heated state's ``(K, B)``
    (:func:`block_system`), ``cut`` as :func:`joins`."""
    net = block_networks(block, cut)
    C, K, B, counts, (K_heated, B_heated) = block_system(net, [block], cut)
    return net, counts[0], (C[0], K[0], B[0]), (K_heated[0], B_heated[0])


def block_heating_w(
    block: Block,
    gains_w: float,
    outdoor_temp_c: float,
    set_point_c: float = 20.0,
    cut: frozenset[str] = frozenset(),
) -> np.ndarray:
    """Heating power of one flat of each position (:data:`~warmgrid.thermal.flats.POSITIONS`)
    in the heated steady state of one building's block at a constant outdoor temperature
    (ideal heating at the air nodes, no sun, sky at air temperature), W: the balance the
    cool-down of :func:`simulate_block` starts from. ``cut``: as :func:`joins`."""
    from warmgrid.thermal.cooldown import _features

    net, counts, _, (K, B) = _one_block(block, cut)
    features = _features(net.base, outdoor_temp_c, 1.0, 1, None, 0.0)
    u = np.append(features[0], gains_w)
    return _one_heated(K, B @ u, set_point_c)[1] / np.where(counts > 0, counts, 1.0)


def _one_heated(
    K: np.ndarray, drive: np.ndarray, set_point_c: float
) -> tuple[np.ndarray, np.ndarray]:
    """One block's heated steady state under ``drive = B u`` (W) with every flat's air at
    ``set_point_c``: the states (°C) and the heating power of each position's flats
    (:func:`~warmgrid.thermal.history.heated_steady`, W)."""
    states, heating = heated_steady(
        K[None], drive[None, :, None], np.full((1, 1), set_point_c), AIR_STATES[:-1]
    )
    return states[0, :, 0], heating[0, :, 0]


def _exact_step(
    C: np.ndarray, K: np.ndarray, B: np.ndarray, step_h: float
) -> tuple[np.ndarray, np.ndarray]:
    """``(Φ, Γ)`` of ``C dx/dt = −K x + B u`` over ``step_h`` hours with the inputs held,
    by scipy's matrix exponential of the augmented system."""
    from scipy.linalg import expm

    size = len(C)
    augmented = np.zeros((size + B.shape[1], size + B.shape[1]))
    augmented[:size, :size] = -K / C[:, None]
    augmented[:size, size:] = B / C[:, None]
    step = expm(augmented * step_h * 3600.0)
    return step[:size, :size], step[:size, size:]


def _held_through(
    C: np.ndarray,
    K: np.ndarray,
    B: np.ndarray,
    history: np.ndarray,
    gains_w: float,
    set_point_c: float,
    step_h: float,
) -> np.ndarray:
    """The states of one block at the end of ``history`` with every flat's air held at
    ``set_point_c``, from the held steady state under its first row."""
    air = AIR_STATES[:-1]
    rest = moving_states(len(C), air)
    drive = np.column_stack([B[rest], -K[rest][:, air].sum(axis=1)])
    u = np.column_stack(
        [history, np.full(len(history), gains_w), np.full(len(history), set_point_c)]
    )
    x = _one_heated(K, B @ u[0, :-1], set_point_c)[0]
    phi, gamma = _exact_step(C[rest], K[rest][:, rest], drive, step_h)
    for row in u:
        x[rest] = phi @ x[rest] + gamma @ row
    return x
