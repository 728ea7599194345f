"""A fine finite-difference model of one zone: a second reference for the cool-down, written
from the conventions the EnergyPlus converter follows (:mod:`warmgrid.thermal.energyplus`),
not from warmgrid's network.

It answers one question: are the differences between warmgrid's five-state network
(:mod:`warmgrid.thermal.network`) and EnergyPlus the network's own, or noise of the
reference? Nothing in the city's figures uses it. One zone at a constant outdoor
temperature (no sun, sky at air temperature), heated at the air node to the steady state,
then free-floating:

* each layered surface in slices of at most :data:`SLICE_M` (a node at every slice
  boundary, each holding half of its two slices' heat capacity); an ``adiabatic`` back face
  passes nothing, a ``ground`` back face sits at ``ground_temp_c`` (EnergyPlus' ``Ground``
  boundary), an ``outdoor`` one exchanges with the outdoor air by
  :data:`~warmgrid.thermal.energyplus.OUTSIDE_CONVECTION_W_PER_M2K` and by long-wave
  radiation to surroundings at the air temperature;
* windows without heat capacity: EnergyPlus' simple glazing, its glass layer the window's
  ``1/U`` less the film resistances EnergyPlus takes out of it (EnergyPlus Engineering
  Reference, "Simple Window Model": ``R_i = 1/(0.359073 ln U + 6.949915)``,
  ``R_o = 1/(0.025342 U + 29.163853)`` for U < 5.85 W/(m²K));
* inside faces: Walton's simple natural convection by the sign of face − air
  (:data:`~warmgrid.thermal.network.CONVECTION_W_PER_M2K`, EnergyPlus ``Simple``), and
  long-wave radiation between all faces with view factors ``F_ij = A_j / ΣA`` (each face
  to the area-weighted mean of all), ``h_r = ε · 4σ T_m³`` at the faces' own temperatures;
* the air node's capacity, air change and gains as the network reads them from the file
  (:func:`~warmgrid.thermal.network.network_from_description`), the radiant share of the
  gains spread over the faces by area;
* backward Euler over :data:`STEP_S` with the convection directions and ``h_r`` of the
  step before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from warmgrid.errors import InputError
from warmgrid.thermal.building_file import BuildingDescription
from warmgrid.thermal.energyplus import OUTSIDE_CONVECTION_W_PER_M2K
from warmgrid.thermal.network import CONVECTION_W_PER_M2K, network_from_description

SLICE_M = 0.01
"""Largest slice of a layer, m."""

STEP_S = 150.0
"""Time step, s."""

STEFAN_BOLTZMANN_W_PER_M2K4 = 5.670374419e-8
"""σ (CODATA 2018)."""

GLASS_EMISSIVITY = 0.84
"""Long-wave emissivity of EnergyPlus' simple glazing (its equivalent glass layer)."""

SURFACE_EMISSIVITY = 0.9
"""Long-wave emissivity of the opaque inside faces (the converter's thermal absorptance)."""

_GROUND_W_PER_M2K = 1e6
"""Joins a ground face to the ground temperature (EnergyPlus holds the face at it)."""


@dataclass(frozen=True)
class _Face:
    """One group of surfaces of the same construction and boundary, summed area, named after
    its first surface."""

    name: str
    kind: str
    boundary: str
    area_m2: float
    emissivity: float
    inside_node: int
    outside_node: int


@dataclass(frozen=True)
class FineCooldown:
    """Air temperature of a cool-down, °C at ``time_h``, and the inside faces' temperatures,
    °C, per group of surfaces of the same construction and boundary, named after the
    group's first surface."""

    time_h: np.ndarray
    air_temp_c: np.ndarray
    face_temp_c: dict[str, np.ndarray]


def _groups(description: BuildingDescription) -> list[dict[str, Any]]:
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for surface in description.surfaces:
        if surface["kind"] == "window":
            key: tuple[Any, ...] = ("window", surface["boundary"], surface["u_w_per_m2k"])
        elif surface["layers"]:
            key = (surface["kind"], surface["boundary"], tuple(surface["layers"]))
        else:
            raise InputError(
                f"{description.source}: surface {surface['name']}",
                "layers (the fine model needs the layers of every opaque surface)",
            )
        group = groups.setdefault(key, {"surface": surface, "area_m2": 0.0})
        group["area_m2"] += surface["area_m2"]
    return list(groups.values())


def _glass_resistance_m2k_per_w(u_w_per_m2k: float) -> float:
    inside = 1.0 / (0.359073 * math.log(u_w_per_m2k) + 6.949915)
    outside = 1.0 / (0.025342 * u_w_per_m2k + 29.163853)
    return 1.0 / u_w_per_m2k - inside - outside


def _build(
    description: BuildingDescription,
) -> tuple[np.ndarray, list[tuple[int, int, float]], list[_Face]]:
    """Heat capacities (J/K, node 0 the air), conduction links ``(i, j, W/K)`` and faces."""
    capacity = [0.0]
    links: list[tuple[int, int, float]] = []
    faces: list[_Face] = []
    for group in _groups(description):
        surface, area = group["surface"], group["area_m2"]
        first = len(capacity)
        if surface["kind"] == "window":
            capacity += [0.0, 0.0]
            links.append(
                (first, first + 1, area / _glass_resistance_m2k_per_w(surface["u_w_per_m2k"]))
            )
            faces.append(
                _Face(
                    surface["name"],
                    "window",
                    surface["boundary"],
                    area,
                    GLASS_EMISSIVITY,
                    first,
                    first + 1,
                )
            )
            continue
        capacity.append(0.0)
        node = first
        for layer in surface["layers"]:
            slices = max(2, math.ceil(layer.thickness_m / SLICE_M))
            thickness = layer.thickness_m / slices
            half_j_per_k = (
                0.5 * layer.density_kg_per_m3 * layer.specific_heat_j_per_kgk * thickness * area
            )
            for _ in range(slices):
                capacity.append(half_j_per_k)
                capacity[node] += half_j_per_k
                links.append(
                    (node, len(capacity) - 1, layer.conductivity_w_per_mk / thickness * area)
                )
                node = len(capacity) - 1
        faces.append(
            _Face(
                surface["name"],
                surface["kind"],
                surface["boundary"],
                area,
                SURFACE_EMISSIVITY,
                first,
                node,
            )
        )
    return np.array(capacity), links, faces


def _radiation_w_per_m2k(emissivity: float, a_c: float, b_c: float) -> float:
    mean_k = 0.5 * (a_c + b_c) + 273.15
    return emissivity * 4.0 * STEFAN_BOLTZMANN_W_PER_M2K4 * mean_k**3


def _convection_w_per_m2k(kind: str, face_minus_air_k: float) -> float:
    if kind == "roof":  # a ceiling: warmer than the air, a stable layer under it
        return CONVECTION_W_PER_M2K["reduced" if face_minus_air_k > 0 else "enhanced"]
    if kind == "floor":
        return CONVECTION_W_PER_M2K["enhanced" if face_minus_air_k > 0 else "reduced"]
    return CONVECTION_W_PER_M2K["vertical"]


def fine_cooldown(
    description: BuildingDescription,
    outdoor_temp_c: float,
    hours: float,
    set_point_c: float = 20.0,
    record_h: float = 1.0 / 6.0,
) -> FineCooldown:
    """The zone heated at ``set_point_c`` (air node) in the steady state under a constant
    ``outdoor_temp_c``, then free-floating for ``hours``; temperatures every ``record_h``
    hours (a whole number of :data:`STEP_S`)."""
    if description.infiltration is not None or description.ventilation is not None:
        raise InputError(
            description.source, "no stack and wind infiltration or scheduled ventilation"
        )
    capacity, links, faces = _build(description)
    net = network_from_description(description)
    fields = description.fields
    gains_w = float(fields["internal_gains_w"])
    radiant_w = gains_w * float(fields["radiative_fraction"])
    ground_c = float(fields["ground_temp_c"])
    h_ve = float(net.base.h_ve_w_per_k[0])
    capacity[0] = float(net.c_air_j_per_k[0])
    n = capacity.size + 1  # the last node: mean radiant temperature, no capacity
    star = n - 1
    total_area = sum(face.area_m2 for face in faces)
    conduction = np.zeros((n, n))
    for i, j, g in links:
        conduction[[i, j], [i, j]] += g
        conduction[i, j] -= g
        conduction[j, i] -= g

    def system(temp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = conduction.copy()
        drive = np.zeros(n)

        def join(i: int, j: int, g: float) -> None:
            k[i, i] += g
            k[j, j] += g
            k[i, j] -= g
            k[j, i] -= g

        for face in faces:
            inside = face.inside_node
            h_c = _convection_w_per_m2k(face.kind, temp[inside] - temp[0])
            join(0, inside, h_c * face.area_m2)
            h_r = _radiation_w_per_m2k(face.emissivity, temp[inside], temp[star])
            join(inside, star, h_r * face.area_m2)
            drive[inside] += radiant_w * face.area_m2 / total_area
            outside = face.outside_node
            if face.boundary == "outdoor":
                h_out = OUTSIDE_CONVECTION_W_PER_M2K + _radiation_w_per_m2k(
                    face.emissivity, temp[outside], outdoor_temp_c
                )
                k[outside, outside] += h_out * face.area_m2
                drive[outside] += h_out * face.area_m2 * outdoor_temp_c
            elif face.boundary == "ground":
                k[outside, outside] += _GROUND_W_PER_M2K * face.area_m2
                drive[outside] += _GROUND_W_PER_M2K * face.area_m2 * ground_c
        k[0, 0] += h_ve
        drive[0] += h_ve * outdoor_temp_c + gains_w - radiant_w
        return k, drive

    temp = np.full(n, 0.5 * (set_point_c + outdoor_temp_c))
    temp[0] = set_point_c
    for _ in range(50):
        k, drive = system(temp)
        k[0, :] = 0.0
        k[0, 0] = 1.0
        drive[0] = set_point_c
        heated = np.linalg.solve(k, drive)
        converged = np.max(np.abs(heated - temp)) < 1e-6
        temp = heated
        if converged:
            break
    per_record = round(record_h * 3600.0 / STEP_S)
    if per_record < 1 or not math.isclose(per_record * STEP_S, record_h * 3600.0):
        raise InputError("record_h", f"a whole number of {STEP_S:g} s steps, got {record_h} h")
    records = round(hours / record_h)
    per_step = np.append(capacity, 0.0) / STEP_S
    rows = [temp.copy()]
    for step in range(records * per_record):
        k, drive = system(temp)
        k[np.diag_indices(n)] += per_step
        temp = np.linalg.solve(k, drive + per_step * temp)
        if (step + 1) % per_record == 0:
            rows.append(temp.copy())
    states = np.array(rows)
    return FineCooldown(
        time_h=np.arange(records + 1) * record_h,
        air_temp_c=states[:, 0],
        face_temp_c={face.name: states[:, face.inside_node] for face in faces},
    )
