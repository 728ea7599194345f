"""A flat's network by element group: inside faces, layered mass, Walton's radiation.

A flat shares its slabs and party walls with neighbours at nearly its own temperature,
while its façades, windows and, on the top and ground floors, its roof or the floor over
the basement lead out. In the heated state these elements' inside faces lie degrees apart
(a middle-floor flat at −20 °C in EnergyPlus: window 4.3 °C, façade 12.2 °C, slabs and
party walls 17.7–18.4 °C), and so does the heat their mass holds. ISO 13790's star node
joins them all at one temperature; this network gives each group its own face and mass:

* groups (:data:`GROUPS`): the external walls, the external roofs and floors, and the
  shared (``adiabatic``) elements; each has an inside face without heat capacity and up
  to :data:`LUMPS` mass nodes through its layers (:func:`~warmgrid.thermal.layers.
  element_lumps`), the last one leading out through the rest of the element (``1/U − R_si``
  in all, EN ISO 6946) to the outdoor air or the ground; the shared elements pass
  nothing. Elements of a group are joined node by node in parallel. An element that gives
  ``heat_capacity_j_per_m2k`` without layers is one lump ``1/h_ms`` behind its face
  (ISO 13790 7.2.2.2, ``h_ms`` = 9.1 W/(m²K)), or halfway out where its whole path out
  is shorter;
* the windows' inside face, without heat capacity, ``1/U − R_si`` from the outdoor air;
* each face exchanges heat with the air by natural convection, Walton's simple algorithm
  (EnergyPlus' ``Simple``, :data:`~warmgrid.thermal.network.CONVECTION_W_PER_M2K`), and
  with the other faces by long-wave radiation through Walton's mean-radiant-temperature
  network (G. N. Walton, ASHRAE Transactions 86(2), 1980: each surface joined to one node
  by ``h_r A_i / ((1 − ε_i)/ε_i + 1/F_i)``, no surface seeing itself; ``h_r = 4σT³`` at
  20 °C; ε 0.9 for opaque faces, 0.84 for glass as EnergyPlus' simple glazing; where
  one surface holds so much of the room's area that Walton's iteration has no fixed point,
  ``F_i = 1 / (1 − A_i / ΣA)``, the share of the room it does not see itself in);
* the convection of horizontal faces depends on the direction of the heat flow, which
  turns when the heating stops: heated, a ceiling is colder than the air (*enhanced*) and
  a floor too (*reduced*); cooling down, both are warmer than the air, the other way
  round. The network carries both conductance matrices: the heated state and the
  history before the outage take the heated one (:func:`zone_matrices` ``heated``), the
  cool-down the other;
* the sun the roof and walls absorb and their loss to the sky enter at their outermost
  lump as a shift of the outdoor air to its sol-air temperature
  (``θ_e + R_se (α I − F_r h_r Δθ_sky)``, ASHRAE Handbook Fundamentals; ``F_r h_r`` of
  ISO 13790 eq. 46), the windows' sky loss at their face; the sun through the windows
  lands on the floor's face, as EnergyPlus puts the transmitted beam on the floor
  (``FullExterior``; over several floors by area); the radiant part of the internal gains
  on the faces by area.

Nothing in it is fitted: against EnergyPlus and against the fine finite-difference model
(:mod:`warmgrid.thermal.finite_difference`), docs/thermal-energyplus.md, "A network by
element group".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from warmgrid.errors import InputError
from warmgrid.thermal.building_file import BuildingDescription, opaque_channel, sol_air
from warmgrid.thermal.layers import R_SI_M2K_PER_W, Lump, element_lumps
from warmgrid.thermal.rc import H_MS_W_PER_M2K

GROUPS = ("wall", "horizontal", "shared")
"""Element groups: external walls; external roofs and floors; elements shared with a
neighbour (``adiabatic``)."""

LUMPS = 3
"""Mass nodes per group (:func:`~warmgrid.thermal.layers.element_lumps`)."""

AIR_NODE, RADIANT_NODE, WINDOW_NODE = 0, 1, 2
NODES = 3 + len(GROUPS) * (1 + LUMPS)
"""Air, the mean-radiant node, the windows' face, then per group its face and lumps."""


def face_node(group: str) -> int:
    """Node of the inside face of ``group``."""
    return 3 + GROUPS.index(group) * (1 + LUMPS)


def lump_node(group: str, lump: int) -> int:
    """Node of the ``lump``-th mass node of ``group`` (0: next to the face)."""
    return face_node(group) + 1 + lump


KEPT = [AIR_NODE] + [lump_node(g, k) for g in GROUPS for k in range(LUMPS)]
"""Nodes that hold heat (the states), air first."""
GONE = [i for i in range(NODES) if i not in KEPT]
"""Nodes without heat capacity, eliminated exactly."""

BLACK_RADIATION_W_PER_M2K = 4.0 * 5.670374419e-8 * 293.15**3
"""``4σT³`` at 20 °C, W/(m²K) (σ CODATA 2018)."""

OPAQUE_EMISSIVITY, GLASS_EMISSIVITY = 0.9, 0.84
"""Long-wave emissivity of the inside faces: opaque (EN ISO 6946:2017 Annex C) and
EnergyPlus' simple glazing (Engineering Reference, "Simple Window Model")."""

_TINY_W_PER_K = 1e-6
_TINY_J_PER_K = 1.0


@dataclass(frozen=True)
class ZoneMatrices:
    """One flat's network on :data:`NODES` nodes: ``capacity_j_per_k`` ``(NODES,)`` (0 on
    the faces), conductances ``cooling_w_per_k`` and ``heated_w_per_k`` ``(NODES, NODES)``
    (the convection directions of a cool-down and of the heated state), inputs
    ``drive_w`` ``(NODES, k + 3)`` mapping ``[θ_e, 1, I_1..I_k, Δθ_sky]`` of
    :func:`~warmgrid.thermal.cooldown._features` (without ventilation, internal gains
    and the ground, which :mod:`warmgrid.thermal.network` adds), ``radiant_share``
    ``(NODES,)``: where the radiant part of the gains lands, and ``ground_w_per_k``
    ``(NODES,)``: the conductance of each node to the ground."""

    capacity_j_per_k: np.ndarray
    cooling_w_per_k: np.ndarray
    heated_w_per_k: np.ndarray
    drive_w: np.ndarray
    radiant_share: np.ndarray
    ground_w_per_k: np.ndarray


def group_of(surface: dict[str, Any]) -> str:
    """The group of :data:`GROUPS` an opaque surface belongs to."""
    if surface["boundary"] == "adiabatic":
        return "shared"
    return "horizontal" if surface["kind"] in ("roof", "floor") else "wall"


def convection_w_per_m2k(kind: str, heated: bool) -> float:
    """Walton's simple natural convection at an inside face of ``kind``: ceilings (roofs)
    and floors by the direction of the heat flow, heated (face colder than the air) or
    cooling down (warmer); walls and windows vertical."""
    from warmgrid.thermal.network import CONVECTION_W_PER_M2K

    if kind == "roof":
        return CONVECTION_W_PER_M2K["enhanced" if heated else "reduced"]
    if kind == "floor":
        return CONVECTION_W_PER_M2K["reduced" if heated else "enhanced"]
    return CONVECTION_W_PER_M2K["vertical"]


def _lumps(surface: dict[str, Any]) -> tuple[Lump, ...]:
    if surface["layers"]:
        return element_lumps(surface["layers"], surface["boundary"])
    kappa = surface["heat_capacity_j_per_m2k"]
    if kappa <= 0:
        return ()
    to_lump = 1.0 / H_MS_W_PER_M2K
    if surface["boundary"] != "adiabatic":
        to_lump = min(to_lump, 0.5 * _out_resistance_m2k_per_w(surface))
    return (Lump(kappa, to_lump),)


def _inside_resistance_m2k_per_w(surface: dict[str, Any]) -> float:
    """``R_si`` of a surface (EN ISO 6946: a window's that of a wall), m²K/W."""
    return R_SI_M2K_PER_W["wall" if surface["kind"] == "window" else surface["kind"]]


def _out_resistance_m2k_per_w(surface: dict[str, Any]) -> float:
    """``1/U − R_si``: from the inside face to the outdoor air (or the ground), m²K/W."""
    return 1.0 / surface["u_w_per_m2k"] - _inside_resistance_m2k_per_w(surface)


def _check_u(description: BuildingDescription, surface: dict[str, Any]) -> None:
    """InputError, naming the file and surface, where ``U`` leaves no resistance behind the
    inside surface resistance ``R_si`` (EN ISO 6946: ``U < 1/R_si``)."""
    if _out_resistance_m2k_per_w(surface) <= 0:
        raise InputError(
            f"{description.source}: surface {surface['name']!r}: u_w_per_m2k",
            f"expected below 1/R_si = {1.0 / _inside_resistance_m2k_per_w(surface):.2f} "
            f"W/(m²K) for a {surface['kind']} (EN ISO 6946), got {surface['u_w_per_m2k']:g}",
        )


def radiation_factors(areas_m2: np.ndarray) -> np.ndarray:
    """Walton's ``F_i`` of faces of ``areas_m2``
    (:func:`~warmgrid.thermal.finite_difference.walton_factors`); where one face holds so
    much of the area that his iteration has no fixed point, or with two faces,
    ``1 / (1 − A_i / ΣA)``."""
    from warmgrid.thermal.finite_difference import walton_factors

    share = areas_m2 / areas_m2.sum()
    fallback = 1.0 / np.maximum(1.0 - share, 1e-9)
    if areas_m2.size <= 2:
        return np.where(areas_m2.size == 2, fallback, 0.0)
    try:
        return walton_factors(areas_m2)
    except ValueError:
        return fallback


def zone_matrices(description: BuildingDescription) -> ZoneMatrices:
    """The network of one flat (module docstring) from its building file. InputError where
    a surface's ``U`` is too high to leave a resistance behind its inside surface."""
    from warmgrid.thermal.network import join_conductance

    params = description.params
    channels = params.solar_channels
    inputs = len(channels) + 3
    sky = inputs - 1
    capacity = np.zeros(NODES)
    K = {heated: np.zeros((NODES, NODES)) for heated in (False, True)}
    drive = np.zeros((NODES, inputs))
    radiant = np.zeros(NODES)
    surfaces = description.surfaces
    for surface in surfaces:
        if surface["boundary"] != "adiabatic":
            _check_u(description, surface)
    factors = radiation_factors(np.array([s["area_m2"] for s in surfaces]))
    total_area = sum(s["area_m2"] for s in surfaces)
    ground = np.zeros(NODES)
    floors = [(face_node(group_of(s)), s["area_m2"]) for s in surfaces if s["kind"] == "floor"]
    for surface, factor in zip(surfaces, factors, strict=True):
        area, kind = surface["area_m2"], surface["kind"]
        window = kind == "window"
        face = WINDOW_NODE if window else face_node(group_of(surface))
        emissivity = GLASS_EMISSIVITY if window else OPAQUE_EMISSIVITY
        radiation = (
            BLACK_RADIATION_W_PER_M2K * area / ((1 - emissivity) / emissivity + 1 / factor)
            if factor > 0
            else 0.0
        )
        for heated, matrix in K.items():
            join_conductance(matrix, face, RADIANT_NODE, radiation)
            join_conductance(matrix, AIR_NODE, face, convection_w_per_m2k(kind, heated) * area)
        radiant[face] += area / total_area
        outer, out_r = face, 0.0
        if not window:
            previous_r = 0.0
            for k, lump in enumerate(_lumps(surface)):
                node = lump_node(group_of(surface), k)
                capacity[node] += lump.capacity_j_per_m2k * area
                for matrix in K.values():
                    join_conductance(
                        matrix, outer, node, area / (lump.resistance_m2k_per_w - previous_r)
                    )
                outer, previous_r = node, lump.resistance_m2k_per_w
            out_r = previous_r
        if surface["boundary"] == "adiabatic":
            continue
        h_out = area / (_out_resistance_m2k_per_w(surface) - out_r)
        for matrix in K.values():
            matrix[outer, outer] += h_out
        if surface["boundary"] == "ground":
            ground[outer] += h_out
            continue
        drive[outer, 0] += h_out
        if kind == "floor":
            continue
        sun_m2, sky_w_per_k = sol_air(surface, h_out)
        drive[outer, sky] -= sky_w_per_k
        if not window:
            drive[outer, 2 + opaque_channel(channels, surface)] += sun_m2
    windows = np.array([c.kind == "window" for c in channels])
    through = params.solar_aperture_m2[0] * windows
    if floors:
        floor_area = sum(area for _, area in floors)
        for face, area in floors:
            drive[face, 2 : 2 + len(channels)] += through * area / floor_area
    else:
        drive[:, 2 : 2 + len(channels)] += radiant[:, None] * through[None, :]
    for matrix in K.values():
        for idle in np.flatnonzero(np.diag(matrix) == 0).tolist():
            join_conductance(matrix, AIR_NODE, idle, _TINY_W_PER_K)
    kept = np.array(KEPT)
    capacity[kept] = np.maximum(capacity[kept], _TINY_J_PER_K)
    return ZoneMatrices(capacity, K[False], K[True], drive, radiant, ground)
