"""Layered constructions: U-value, heat capacity near the room and deep in the element.

A surface may list its layers inside → outside, each with thickness (m), thermal
conductivity (W/(m·K)), density (kg/m³) and specific heat (J/(kg·K)). From them:

* the thermal transmittance ``U = 1 / (R_si + Σ d/λ + R_se)`` with the conventional surface
  resistances of EN ISO 6946:2017 Table 7 (``R_si`` 0.13 m²K/W for walls, horizontal heat
  flow; 0.10 upwards, roofs and ceilings; 0.17 downwards, floors; ``R_se`` 0.04);
* the internal areal heat capacity ``κ`` of the simplified method of ISO 13790:2008
  12.3.1.1: the layers from the room face up to the first insulating layer, the middle of
  the element or 0.10 m, whichever comes first (the *active* mass of the 5R1C mass node);
* the *deep* mass: the heat capacity of the rest of the element up to the insulation (or,
  for an element shared with a neighbour, up to its plane of symmetry), with the thermal
  resistance between the centroids of the active and the deep part. This second capacity
  is the two-node lumping of a wall of EN ISO 13786:2017 clause 6 read at long periods:
  over days (periods far above the 24 h of ISO 13790's κ) the whole layer up to the
  insulation takes part, which the single active node cannot represent (for a 0.64 m solid
  brick wall, κ is 180 of its 1,150 kJ/(m²K)).
"""

from __future__ import annotations

from dataclasses import dataclass

R_SE_M2K_PER_W = 0.04
"""External surface resistance, EN ISO 6946:2017 Table 7."""

R_SI_M2K_PER_W = {"wall": 0.13, "roof": 0.10, "floor": 0.17}
"""Internal surface resistances, EN ISO 6946:2017 Table 7: heat flow horizontal (walls),
upwards (roofs, ceilings), downwards (floors)."""

ACTIVE_DEPTH_M = 0.10
"""Largest effective thickness of the simplified method, ISO 13790:2008 12.3.1.1."""

INSULATING_CONDUCTIVITY_W_PER_MK = 0.08
"""A layer with a lower thermal conductivity counts as thermal insulation, which ends the
active and the deep mass (mineral wool, expanded and extruded polystyrene and polyurethane
foams lie at 0.02–0.05 W/(m·K); the lightest masonry and timber at 0.10–0.20)."""


@dataclass(frozen=True)
class Layer:
    """One homogeneous layer: SI units as named."""

    thickness_m: float
    conductivity_w_per_mk: float
    density_kg_per_m3: float
    specific_heat_j_per_kgk: float
    material: str = ""

    @property
    def resistance_m2k_per_w(self) -> float:
        """``d / λ``, m²K/W."""
        return self.thickness_m / self.conductivity_w_per_mk

    @property
    def capacity_j_per_m2k(self) -> float:
        """``ρ c d``, J/(m²K)."""
        return self.density_kg_per_m3 * self.specific_heat_j_per_kgk * self.thickness_m


@dataclass(frozen=True)
class ElementMass:
    """Areal heat capacities and resistances of one element, per m² of it.

    ``active_j_per_m2k`` is κ (ISO 13790 12.3.1.1); ``deep_j_per_m2k`` the capacity behind
    it up to the insulation or plane of symmetry; ``deep_r_m2k_per_w`` the resistance from the
    centroid of the active part to the centroid of the deep part (0 when there is no deep
    mass); ``active_r_m2k_per_w`` from the room face to the centroid of the active part.
    """

    active_j_per_m2k: float
    deep_j_per_m2k: float
    deep_r_m2k_per_w: float
    active_r_m2k_per_w: float = 0.0


def u_value(layers: tuple[Layer, ...], kind: str, boundary: str = "outdoor") -> float:
    """Thermal transmittance, W/(m²K), per EN ISO 6946:2017 (6.7.1 eq. 7, Table 7).

    An element on the ground gets no external surface resistance (the soil is in contact);
    an adiabatic element passes no heat and has ``U = 0``.
    """
    if boundary == "adiabatic":
        return 0.0
    r_se = 0.0 if boundary == "ground" else R_SE_M2K_PER_W
    return 1.0 / (R_SI_M2K_PER_W[kind] + sum(x.resistance_m2k_per_w for x in layers) + r_se)


def _slices(layers: tuple[Layer, ...], depth_m: float) -> list[tuple[Layer, float, float]]:
    """``(layer, start, end)`` depths from the room face of the layers cut at ``depth_m``."""
    out = []
    position = 0.0
    for layer in layers:
        end = min(position + layer.thickness_m, depth_m)
        if end > position:
            out.append((layer, position, end))
        position += layer.thickness_m
        if position >= depth_m:
            break
    return out


def _centroid(parts: list[tuple[Layer, float, float]]) -> tuple[float, float]:
    """``(capacity, resistance from the room face to the capacity centroid)`` of ``parts``."""
    capacity = 0.0
    moment = 0.0
    for layer, start, end in parts:
        rho_c = layer.density_kg_per_m3 * layer.specific_heat_j_per_kgk
        c = rho_c * (end - start)
        r_start = _resistance_to(parts, start)
        capacity += c
        moment += c * (r_start + 0.5 * (end - start) / layer.conductivity_w_per_mk)
    return capacity, (moment / capacity if capacity > 0 else 0.0)


def _resistance_to(parts: list[tuple[Layer, float, float]], depth_m: float) -> float:
    total = 0.0
    for layer, start, end in parts:
        if start >= depth_m:
            break
        total += (min(end, depth_m) - start) / layer.conductivity_w_per_mk
    return total


def _mass_depths_m(layers: tuple[Layer, ...], boundary: str) -> tuple[float, float]:
    """``(active, mass)``: depths from the room face, m, where the active part ends (the
    first insulating layer, the element's middle — its back face if ``adiabatic`` — or
    0.10 m, whichever comes first; ISO 13790 12.3.1.1) and where the mass ends (the first
    insulating layer, or the back face)."""
    thickness = sum(x.thickness_m for x in layers)
    insulation = 0.0
    for layer in layers:
        if layer.conductivity_w_per_mk < INSULATING_CONDUCTIVITY_W_PER_MK:
            break
        insulation += layer.thickness_m
    half = thickness if boundary == "adiabatic" else 0.5 * thickness
    return min(insulation, half, ACTIVE_DEPTH_M), insulation


def element_mass(layers: tuple[Layer, ...], boundary: str = "outdoor") -> ElementMass:
    """Active and deep heat capacity of an element listed inside → outside.

    Both end at the first insulating layer. For an ``adiabatic`` element (this side's share
    of a slab or party wall, up to the plane of symmetry) the deep part reaches the back face;
    otherwise the active part also stops at the element's middle (ISO 13790 12.3.1.1).
    """
    active_end, insulation = _mass_depths_m(layers, boundary)
    active = _slices(layers, active_end)
    active_c, active_r = _centroid(active)
    everything = _slices(layers, insulation)
    deep = [
        (layer, max(start, active_end), end) for layer, start, end in everything if end > active_end
    ]
    deep_c, _ = _centroid(deep)
    if deep_c <= 0:
        return ElementMass(active_c, 0.0, 0.0, active_r)
    moment = 0.0
    for layer, start, end in deep:
        rho_c = layer.density_kg_per_m3 * layer.specific_heat_j_per_kgk
        moment += (
            rho_c
            * (end - start)
            * (
                _resistance_to(everything, start)
                + 0.5 * (end - start) / layer.conductivity_w_per_mk
            )
        )
    return ElementMass(active_c, deep_c, moment / deep_c - active_r, active_r)


@dataclass(frozen=True)
class Lump:
    """One heat-holding part of an element, per m²: its heat capacity and the resistance
    from the room face to its capacity centroid."""

    capacity_j_per_m2k: float
    resistance_m2k_per_w: float


def element_lumps(layers: tuple[Layer, ...], boundary: str = "outdoor") -> tuple[Lump, ...]:
    """The heat-holding parts of an element listed inside → outside, room face first: the
    active part of :func:`element_mass` (ISO 13790 12.3.1.1: up to the first insulating
    layer, the element's middle or 0.10 m) and the deep part behind it up to the first
    insulating layer (or the back face: an ``adiabatic`` element's plane of symmetry), cut
    in two halves of its thickness. Each lump holds its slices' heat capacity at their
    centroid, so that in the steady state, where the temperature falls linearly through
    each layer, it holds their heat exactly. The two halves of the deep part give it back
    over the first day as the finite-difference model does, where one lump behind the
    active part gives it back too fast (docs/thermal-energyplus.md, "A network by element
    group")."""
    active_end, insulation = _mass_depths_m(layers, boundary)
    cuts = (active_end, active_end + 0.5 * (insulation - active_end), insulation)
    lumps = []
    start = 0.0
    for cut in cuts:
        if cut <= start + 1e-9:
            continue
        before = _slices(layers, cut)
        part = [(layer, max(a, start), b) for layer, a, b in before if b > start]
        capacity, beyond_start = _centroid(part)
        if capacity > 0:
            lumps.append(Lump(capacity, _resistance_to(before, start) + beyond_start))
        start = cut
    return tuple(lumps)
