"""A fine finite-difference model of one zone: a second reference for the cool-down, written
from the conventions the EnergyPlus converter follows (:mod:`warmgrid.thermal.energyplus`),
not from warmgrid's network.

It answers one question: are the differences between warmgrid's network
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
  Reference, "Simple Window Model");
* inside faces: Walton's simple natural convection by the sign of face − air
  (:data:`~warmgrid.thermal.network.CONVECTION_W_PER_M2K`, EnergyPlus ``Simple``); walls and
  windows vertical, roofs (ceilings) and floors horizontal, other tilts refused. Long-wave
  radiation by Walton's mean-radiant-temperature network (G. N. Walton, "A new algorithm
  for radiant interchange in room loads calculations", ASHRAE Transactions 86(2), 1980):
  each face joined to one node by ``h_r A_i / ((1 − ε_i)/ε_i + 1/F_i)`` with
  ``F_i = 1 / (1 − A_i F_i / Σ_j A_j F_j)`` (no face sees itself),
  ``h_r = 4σ T_m³`` at the face's and the node's temperatures;
* the air node's capacity, air change and gains as the network reads them from the file
  (:func:`~warmgrid.thermal.network.network_from_description`), the radiant share of the
  gains spread over the faces by area × emissivity (EnergyPlus' absorptance weighting);
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
from warmgrid.thermal.network import (
    CONVECTION_W_PER_M2K,
    join_conductance,
    network_from_description,
)

SLICE_M = 0.01
"""Largest slice of a layer, m."""

STEP_S = 150.0
"""Time step, s."""

STEFAN_BOLTZMANN_W_PER_M2K4 = 5.670374419e-8
"""σ (CODATA 2018)."""

GLASS_EMISSIVITY = 0.84
"""Long-wave emissivity of EnergyPlus' simple glazing, both faces of its equivalent glass
layer (EnergyPlus Engineering Reference, "Simple Window Model")."""

INNER_LAYER_EMISSIVITY = 0.9
"""Long-wave emissivity of a construction's inner layers: the converter gives the file's
``emissivity`` to the outer layer only (its thermal absorptance), 0.9 to the others."""

MAX_GLAZING_U_W_PER_M2K = 7.0
"""The largest U-factor EnergyPlus' simple glazing takes, W/(m²K)."""

_TINY_W_PER_K = 1e-9
_GROUND_W_PER_M2K = 1e6
"""Joins a ground face to the ground temperature (EnergyPlus holds the face at it)."""


@dataclass(frozen=True)
class _Face:
    """A group of surfaces of the same construction, boundary and emissivities, named after
    its first surface; ``radiation_area_m2`` is ``Σ A_i / ((1 − ε)/ε + 1/F_i)`` over them
    (Walton's network, see the module)."""

    name: str
    kind: str
    boundary: str
    area_m2: float
    radiation_area_m2: float
    inside_emissivity: float
    outside_emissivity: float
    inside_node: int
    outside_node: int


@dataclass(frozen=True)
class FineCooldown:
    """``time_h`` (n + 1,) hours from the switch-off; ``air_temp_c`` (n + 1,) °C; and
    ``face_temp_c``: per group of surfaces of the same construction, boundary and
    emissivities (named after its first surface) its inside faces' temperature (n + 1,),
    °C."""

    time_h: np.ndarray
    air_temp_c: np.ndarray
    face_temp_c: dict[str, np.ndarray]


def walton_factors(areas_m2: np.ndarray) -> np.ndarray:
    """Walton's ``F_i = 1 / (1 − A_i F_i / Σ_j A_j F_j)`` of faces of ``areas_m2`` (m²),
    iterated from 1 to a fixed point: a face's share of the mean-radiant node that it does
    not see itself in (Walton 1980, see the module); 0 for a lone face. ValueError where
    the iteration has no fixed point (a face with most of the room's area)."""
    if areas_m2.size < 2:  # a lone face sees only itself: no exchange
        return np.zeros_like(areas_m2, dtype=np.float64)
    factors = np.ones_like(areas_m2, dtype=np.float64)
    for _ in range(200):
        weighted = areas_m2 * factors
        share = weighted / weighted.sum()
        if share.max() >= 1.0:
            break
        updated = 1.0 / (1.0 - share)
        if np.max(np.abs(updated - factors)) < 1e-12:
            return updated
        factors = updated
    raise ValueError(
        "no fixed point: a face holds too large a share of the room's area, shares "
        f"{np.round(areas_m2 / areas_m2.sum(), 2).tolist()}"
    )


def glass_resistance_m2k_per_w(u_w_per_m2k: float) -> float:
    """The glass layer of EnergyPlus' simple glazing, m²K/W: ``1/U`` less the inside and
    outside film resistances it takes out (Engineering Reference, "Simple Window Model":
    ``R_i = 1/(0.359073 ln U + 6.949915)`` below 5.85 W/(m²K),
    ``1/(1.788041 U − 2.886625)`` from it; ``R_o = 1/(0.025342 U + 29.163853)``)."""
    if u_w_per_m2k < 5.85:
        inside = 1.0 / (0.359073 * math.log(u_w_per_m2k) + 6.949915)
    else:
        inside = 1.0 / (1.788041 * u_w_per_m2k - 2.886625)
    outside = 1.0 / (0.025342 * u_w_per_m2k + 29.163853)
    return 1.0 / u_w_per_m2k - inside - outside


def _checked(description: BuildingDescription) -> list[tuple[dict[str, Any], float, float]]:
    """Every surface with its inside and outside emissivity, or InputError naming the
    surface and field the fine model cannot take."""
    checked = []
    for index, surface in enumerate(description.surfaces):
        field = f"{description.source}: surfaces[{index}] ({surface['name']})"
        kind = surface["kind"]
        tilt = surface["tilt_deg"]
        flat_tilt = {"roof": 0.0, "floor": 180.0}.get(kind, 90.0)
        if (kind in ("wall", "window") or surface["boundary"] == "outdoor") and tilt != flat_tilt:
            raise InputError(
                f"{field}.tilt_deg",
                f"{flat_tilt:g} for a {kind} in the fine model (no tilted faces), got {tilt:g}",
            )
        if kind == "window":
            u_value = surface["u_w_per_m2k"]
            if not 0.0 < u_value <= MAX_GLAZING_U_W_PER_M2K:
                raise InputError(
                    f"{field}.u_w_per_m2k",
                    f"above 0 and at most {MAX_GLAZING_U_W_PER_M2K:g} W/(m²K) (EnergyPlus' "
                    f"simple glazing), got {u_value:g}",
                )
            checked.append((surface, GLASS_EMISSIVITY, GLASS_EMISSIVITY))
            continue
        if not surface["layers"]:
            raise InputError(f"{field}.layers", "the layers of every opaque surface")
        outer = float(surface["emissivity"])
        inner = outer if len(surface["layers"]) == 1 else INNER_LAYER_EMISSIVITY
        checked.append((surface, inner, outer))
    return checked


def _build(description: BuildingDescription) -> tuple[np.ndarray, np.ndarray, list[_Face]]:
    """Heat capacities (J/K, node 0 the air), the conduction matrix (W/K, one more row and
    column for the mean-radiant node) and the faces."""
    checked = _checked(description)
    try:
        factors = walton_factors(np.array([surface["area_m2"] for surface, _, _ in checked]))
    except ValueError as error:
        raise InputError(
            f"{description.source}: surfaces", f"areas the fine model takes: {error}"
        ) from None
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for (surface, inner, outer), factor in zip(checked, factors, strict=True):
        construction = (
            (surface["u_w_per_m2k"],) if surface["kind"] == "window" else tuple(surface["layers"])
        )
        key = (surface["kind"], surface["boundary"], inner, outer, construction)
        group = groups.setdefault(
            key,
            {
                "surface": surface,
                "area_m2": 0.0,
                "radiation_area_m2": 0.0,
                "emissivity": (inner, outer),
            },
        )
        group["area_m2"] += surface["area_m2"]
        if factor > 0.0:
            group["radiation_area_m2"] += surface["area_m2"] / (
                (1.0 - inner) / inner + 1.0 / factor
            )
    capacity = [0.0]
    links: list[tuple[int, int, float]] = []
    faces: list[_Face] = []
    for group in groups.values():
        surface, area = group["surface"], group["area_m2"]
        first = len(capacity)
        if surface["kind"] == "window":
            capacity += [0.0, 0.0]
            links.append(
                (first, first + 1, area / glass_resistance_m2k_per_w(surface["u_w_per_m2k"]))
            )
            last = first + 1
        else:
            capacity.append(0.0)
            last = first
            for layer in surface["layers"]:
                slices = max(2, math.ceil(layer.thickness_m / SLICE_M))
                thickness = layer.thickness_m / slices
                half_j_per_k = (
                    0.5 * layer.density_kg_per_m3 * layer.specific_heat_j_per_kgk * thickness * area
                )
                for _ in range(slices):
                    capacity.append(half_j_per_k)
                    capacity[last] += half_j_per_k
                    links.append(
                        (last, len(capacity) - 1, layer.conductivity_w_per_mk / thickness * area)
                    )
                    last = len(capacity) - 1
        faces.append(
            _Face(
                surface["name"],
                surface["kind"],
                surface["boundary"],
                area,
                group["radiation_area_m2"],
                group["emissivity"][0],
                group["emissivity"][1],
                first,
                last,
            )
        )
    n = len(capacity) + 1
    conduction = np.zeros((n, n))
    for i, j, g in links:
        join_conductance(conduction, i, j, g)
    return np.append(capacity, 0.0), conduction, faces


def _black_radiation_w_per_m2k(a_c: float, b_c: float) -> float:
    mean_k = 0.5 * (a_c + b_c) + 273.15
    return 4.0 * STEFAN_BOLTZMANN_W_PER_M2K4 * mean_k**3


def _convection_w_per_m2k(kind: str, face_minus_air_k: float) -> float:
    if kind == "roof":  # a ceiling: warmer than the air, a stable layer under it
        return CONVECTION_W_PER_M2K["reduced" if face_minus_air_k > 0 else "enhanced"]
    if kind == "floor":
        return CONVECTION_W_PER_M2K["enhanced" if face_minus_air_k > 0 else "reduced"]
    return CONVECTION_W_PER_M2K["vertical"]


def fine_cooldown(
    description: BuildingDescription,
    outdoor_temp_c: float,
    duration_h: float,
    set_point_c: float = 20.0,
    record_h: float = 1.0 / 6.0,
) -> FineCooldown:
    """The zone heated at ``set_point_c`` (air node) in the steady state under a constant
    ``outdoor_temp_c``, then free-floating for ``duration_h`` hours (a whole number of
    ``record_h``, itself a whole number of :data:`STEP_S`); temperatures every ``record_h``.

    Raises InputError, naming the file, surface and field, for what the model cannot take:
    stack and wind infiltration or scheduled ventilation, tilted walls or windows, opaque
    surfaces without layers, windows outside EnergyPlus' simple glazing; and for a
    ``duration_h`` or ``record_h`` that does not divide into steps."""
    from threadpoolctl import threadpool_limits

    if description.infiltration is not None:
        raise InputError(
            f"{description.source}: infiltration",
            "none in the fine model (constant air_changes_per_h only)",
        )
    if description.ventilation is not None:
        raise InputError(
            f"{description.source}: ventilation",
            "none in the fine model (constant air_changes_per_h only)",
        )
    per_record = round(record_h * 3600.0 / STEP_S)
    records = round(duration_h / record_h) if record_h > 0 else -1
    if per_record < 1 or not math.isclose(per_record * STEP_S, record_h * 3600.0):
        raise InputError("record_h", f"a whole number of {STEP_S:g} s steps, got {record_h:g} h")
    if records < 0 or not math.isclose(records * record_h, duration_h, abs_tol=1e-9):
        raise InputError(
            "duration_h", f"a whole number of {record_h:g} h records, got {duration_h:g}"
        )
    capacity, conduction, faces = _build(description)
    net = network_from_description(description)
    fields = description.fields
    gains_w = float(fields["internal_gains_w"])
    radiant_w = gains_w * float(fields["radiative_fraction"])
    ground_c = float(fields["ground_temp_c"])
    h_ve = float(net.base.h_ve_w_per_k[0])
    capacity[0] = float(net.c_air_j_per_k[0])
    n = capacity.size
    star = n - 1
    absorbing_m2 = sum(face.area_m2 * face.inside_emissivity for face in faces)

    def system(temp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = conduction.copy()
        drive = np.zeros(n)
        for face in faces:
            inside = face.inside_node
            h_c = _convection_w_per_m2k(face.kind, temp[inside] - temp[0])
            join_conductance(k, 0, inside, h_c * face.area_m2)
            h_r = _black_radiation_w_per_m2k(temp[inside], temp[star])
            join_conductance(k, inside, star, h_r * face.radiation_area_m2)
            drive[inside] += radiant_w * face.area_m2 * face.inside_emissivity / absorbing_m2
            outside = face.outside_node
            if face.boundary == "outdoor":
                h_out = OUTSIDE_CONVECTION_W_PER_M2K + face.outside_emissivity * (
                    _black_radiation_w_per_m2k(temp[outside], outdoor_temp_c)
                )
                k[outside, outside] += h_out * face.area_m2
                drive[outside] += h_out * face.area_m2 * outdoor_temp_c
            elif face.boundary == "ground":
                k[outside, outside] += _GROUND_W_PER_M2K * face.area_m2
                drive[outside] += _GROUND_W_PER_M2K * face.area_m2 * ground_c
        k[0, 0] += h_ve
        k[star, star] += _TINY_W_PER_K  # keeps a lone face's unused radiant node determined
        drive[0] += h_ve * outdoor_temp_c + gains_w - radiant_w
        return k, drive

    temp = np.full(n, 0.5 * (set_point_c + outdoor_temp_c))
    temp[0] = set_point_c
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(100):
            k, drive = system(temp)
            k[0, :] = 0.0
            k[0, 0] = 1.0
            drive[0] = set_point_c
            heated = np.linalg.solve(k, drive)
            converged = np.max(np.abs(heated - temp)) < 1e-9
            temp = heated
            if converged:
                break
        else:
            raise RuntimeError(f"{description.source}: the heated steady state did not converge")
        per_step = capacity / STEP_S
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
