"""The 5R1C building model of EN ISO 13790:2008 Annex C, as arrays over many buildings.

Every building is three nodes — indoor air ``θ_air``, a star node for the inner
surfaces ``θ_s`` and the building mass ``θ_m`` (heat capacity ``C_m``) — joined to the
outdoor air ``θ_e`` by five conductances (ISO 13790 Figure C.1):

* ``H_ve``     air ↔ outdoors (ventilation and infiltration, clause 9.3),
* ``H_tr_is``  air ↔ surfaces, ``h_is · A_t`` with ``h_is = 3.45 W/(m²·K)`` (7.2.2.2, eq. 9),
* ``H_tr_w``   surfaces ↔ outdoors (windows, which have no mass, 8.3),
* ``H_tr_ms``  surfaces ↔ mass, ``h_ms · A_m`` with ``h_ms = 9.1 W/(m²·K)`` (12.2.2, eq. 64),
* ``H_tr_em``  mass ↔ outdoors, from the opaque elements: ``1/H_tr_em = 1/H_tr_op −
  1/H_tr_ms`` (12.2.2, eq. 63).

Internal gains are split into a convective part at the air node and a radiative part that,
with the solar gains, is shared between the mass and the surface nodes in proportion to
``A_m/A_t`` (Annex C.2, eqs. C.1–C.3; the standard uses a radiative fraction of 0.5, here it
is a parameter of each building). The heating is delivered at the air node (C.4).

The air and surface nodes carry no capacity, so within a time step with constant inputs the
mass temperature relaxes exactly exponentially towards its equilibrium. This module
reduces each building to the coefficients of that relaxation; :mod:`warmgrid.thermal.cooldown`
steps it. The exact exponential replaces the Crank–Nicolson step of C.3 and is stable for
any time step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from warmgrid.errors import InputError

H_IS_W_PER_M2K = 3.45
"""Heat transfer coefficient air ↔ surfaces, ISO 13790:2008 7.2.2.2 eq. (9)."""

H_MS_W_PER_M2K = 9.1
"""Heat transfer coefficient surfaces ↔ mass, ISO 13790:2008 12.2.2 eq. (64)."""

LAMBDA_AT = 4.5
"""Ratio of internal surface area to floor area, ISO 13790:2008 7.2.2.2."""

AIR_HEAT_CAPACITY_J_PER_M3K = 1200.0
"""Volumetric heat capacity of air at sea level, ISO 13790:2008 9.3.1 (ρ_a·c_a)."""

SEA_LEVEL_PRESSURE_PA = 101325.0

ISO_RADIATIVE_FRACTION = 0.5
"""Share of the internal gains that is radiative in ISO 13790:2008 Annex C eq. (C.1)."""

MassClass = Literal["very_light", "light", "medium", "heavy", "very_heavy"]

MASS_CLASSES: dict[str, tuple[float, float]] = {
    "very_light": (2.5, 80_000.0),
    "light": (2.5, 110_000.0),
    "medium": (2.5, 165_000.0),
    "heavy": (3.0, 260_000.0),
    "very_heavy": (3.5, 370_000.0),
}
"""ISO 13790:2008 Table 12: class → (A_m per m² floor, C_m in J/K per m² floor)."""

SOLAR_CHANNEL_KINDS = ("window", "opaque")


@dataclass(frozen=True)
class SolarChannel:
    """A family of sunlit surfaces whose irradiance is averaged over ``azimuths_deg``.

    ``kind`` is ``"window"`` (irradiance transmitted by glazing of ``panes`` panes, relative
    to normal incidence) or ``"opaque"`` (irradiance on the outer face). Azimuths in degrees
    clockwise from north (180 = south), tilt in degrees from horizontal. Archetypes use one
    channel for the windows spread evenly over the four façades.
    """

    kind: str
    azimuths_deg: tuple[float, ...]
    tilt_deg: float
    panes: int = 2


@dataclass(frozen=True)
class BuildingParams:
    """5R1C parameters of ``n`` buildings, one array element per building.

    Conductances in W/K, capacity in J/K, areas in m², gains in W.
    ``solar_aperture_m2`` has shape ``(n, k)``: the effective collecting area of each
    building for each of the ``k`` entries of ``solar_channels`` (for windows
    ``g · (1 − F_F) · A_w``, for opaque elements ``α · R_se · U · A``, ISO 13790 11.3.4).
    ``sky_loss_w_per_k`` is ``Σ F_r · R_se · U · A · h_r`` (ISO 13790 11.3.5, eq. 46): times
    the difference between outdoor air and sky temperature it gives the thermal radiation
    to the sky.
    """

    floor_area_m2: np.ndarray
    h_ve_w_per_k: np.ndarray
    h_tr_w_w_per_k: np.ndarray
    h_tr_op_w_per_k: np.ndarray
    c_m_j_per_k: np.ndarray
    a_m_m2: np.ndarray
    a_t_m2: np.ndarray
    internal_gains_w: np.ndarray
    radiative_fraction: np.ndarray
    solar_aperture_m2: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    sky_loss_w_per_k: np.ndarray | None = None
    solar_channels: tuple[SolarChannel, ...] = ()

    def __post_init__(self) -> None:
        n = np.shape(self.floor_area_m2)[0] if np.ndim(self.floor_area_m2) else 1
        for name in (
            "floor_area_m2",
            "h_ve_w_per_k",
            "h_tr_w_w_per_k",
            "h_tr_op_w_per_k",
            "c_m_j_per_k",
            "a_m_m2",
            "a_t_m2",
            "internal_gains_w",
            "radiative_fraction",
        ):
            value = np.broadcast_to(np.asarray(getattr(self, name), dtype=np.float64), (n,))
            object.__setattr__(self, name, value)
        aperture = np.asarray(self.solar_aperture_m2, dtype=np.float64)
        if aperture.size == 0:
            aperture = np.zeros((n, len(self.solar_channels)))
        if aperture.shape != (n, len(self.solar_channels)):
            raise InputError(
                "solar_aperture_m2",
                f"expected shape ({n}, {len(self.solar_channels)}), got {aperture.shape}",
            )
        object.__setattr__(self, "solar_aperture_m2", aperture)
        sky = np.zeros(n) if self.sky_loss_w_per_k is None else self.sky_loss_w_per_k
        object.__setattr__(
            self, "sky_loss_w_per_k", np.broadcast_to(np.asarray(sky, dtype=np.float64), (n,))
        )
        _check_params(self)

    def __len__(self) -> int:
        return int(self.floor_area_m2.shape[0])


def _check_params(p: BuildingParams) -> None:
    checks = (
        ("floor_area_m2", p.floor_area_m2, "> 0", p.floor_area_m2 > 0),
        ("c_m_j_per_k", p.c_m_j_per_k, "> 0", p.c_m_j_per_k > 0),
        ("a_m_m2", p.a_m_m2, "> 0", p.a_m_m2 > 0),
        ("a_t_m2", p.a_t_m2, "> 0", p.a_t_m2 > 0),
        ("h_ve_w_per_k", p.h_ve_w_per_k, ">= 0", p.h_ve_w_per_k >= 0),
        ("h_tr_w_w_per_k", p.h_tr_w_w_per_k, ">= 0", p.h_tr_w_w_per_k >= 0),
        ("h_tr_op_w_per_k", p.h_tr_op_w_per_k, ">= 0", p.h_tr_op_w_per_k >= 0),
        ("internal_gains_w", p.internal_gains_w, ">= 0", p.internal_gains_w >= 0),
        (
            "radiative_fraction",
            p.radiative_fraction,
            "between 0 and 1",
            (p.radiative_fraction >= 0) & (p.radiative_fraction <= 1),
        ),
        (
            "h_tr_op_w_per_k",
            p.h_tr_op_w_per_k,
            "below H_tr_ms = 9.1·A_m (ISO 13790 eq. 63)",
            p.h_tr_op_w_per_k < H_MS_W_PER_M2K * p.a_m_m2,
        ),
        (
            "a_m_m2",
            p.a_m_m2,
            "at most A_t, the internal surface area",
            p.a_m_m2 <= p.a_t_m2,
        ),
    )
    for name, values, expected, ok in checks:
        bad = ~(ok & np.isfinite(values))
        if bad.any():
            index = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"building {index}, {name}",
                f"expected {expected}, got {float(values[index])!r}",
            )


def standard_pressure_pa(altitude_m: float | np.ndarray = 0.0) -> np.ndarray:
    """Standard-atmosphere pressure at an altitude, Pa: ``101.325 kPa · (1 − 2.25577e-5·z)^5.2559``
    (ASHRAE Handbook—Fundamentals 2017, chapter 1, eq. 3)."""
    z = np.asarray(altitude_m, dtype=np.float64)
    return SEA_LEVEL_PRESSURE_PA * (1.0 - 2.25577e-5 * z) ** 5.2559


def air_heat_capacity_j_per_m3k(altitude_m: float | np.ndarray = 0.0) -> np.ndarray:
    """Volumetric heat capacity of air at a site's altitude, J/(m³·K).

    ISO 13790 9.3.1 takes ``ρ_a·c_a = 1200 J/(m³·K)`` at sea level; the density scales
    with the standard-atmosphere pressure (:func:`standard_pressure_pa`).
    """
    return AIR_HEAT_CAPACITY_J_PER_M3K * standard_pressure_pa(altitude_m) / SEA_LEVEL_PRESSURE_PA


def ventilation_w_per_k(
    volume_m3: np.ndarray | float,
    air_changes_per_h: np.ndarray | float,
    altitude_m: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Ventilation heat transfer coefficient ``H_ve = ρ_a c_a · n · V / 3600``, W/K.

    ISO 13790:2008 9.3.1 eq. (21), with the air heat capacity at the site altitude.
    """
    return (
        air_heat_capacity_j_per_m3k(altitude_m)
        * np.asarray(air_changes_per_h, dtype=np.float64)
        * np.asarray(volume_m3, dtype=np.float64)
        / 3600.0
    )


def mass_class(name: str, floor_area_m2: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """``(A_m in m², C_m in J/K)`` of a mass class of ISO 13790:2008 Table 12."""
    if name not in MASS_CLASSES:
        raise InputError("thermal_class", f"expected one of {sorted(MASS_CLASSES)}, got {name!r}")
    a_m_per_m2, c_m_per_m2 = MASS_CLASSES[name]
    area = np.asarray(floor_area_m2, dtype=np.float64)
    return a_m_per_m2 * area, c_m_per_m2 * area


def mass_from_elements(
    areas_m2: np.ndarray, heat_capacity_j_per_m2k: np.ndarray
) -> tuple[float, float]:
    """``(A_m, C_m)`` from element areas and internal areal heat capacities κ_j.

    ISO 13790:2008 12.3.1.1 eqs. (65) and (66): ``C_m = Σ κ_j A_j``,
    ``A_m = C_m² / Σ κ_j² A_j``; κ_j per EN ISO 13786 (or its simplified effective-thickness
    method of ISO 13790 12.3.1.1).
    """
    areas = np.asarray(areas_m2, dtype=np.float64)
    kappa = np.asarray(heat_capacity_j_per_m2k, dtype=np.float64)
    c_m = float(np.sum(kappa * areas))
    denominator = float(np.sum(kappa**2 * areas))
    if c_m <= 0 or denominator <= 0:
        raise InputError("surfaces.heat_capacity_j_per_m2k", "the elements hold no heat capacity")
    return c_m**2 / denominator, c_m


@dataclass(frozen=True)
class RelaxationCoefficients:
    """Per-building coefficients of the reduced 5R1C model (all arrays of shape ``(n,)``).

    With the outdoor temperature ``θ_e`` and gains held over a step, the mass temperature
    obeys ``C_m dθ_m/dt = −K (θ_m − θ_e − g)`` where ``g = w_ia Φ_ia + w_rs Φ_rs`` and the
    air temperature is ``θ_air = θ_e + P (θ_m − θ_e) + v_ia Φ_ia + v_rs Φ_rs``; ``Φ_ia`` is
    the convective and ``Φ_rs`` the radiative-plus-solar gain.
    """

    k_w_per_k: np.ndarray
    w_ia: np.ndarray
    w_rs: np.ndarray
    p: np.ndarray
    v_ia: np.ndarray
    v_rs: np.ndarray
    h_em: np.ndarray


def relaxation_coefficients(params: BuildingParams) -> RelaxationCoefficients:
    """Eliminate the air and surface nodes (ISO 13790:2008 Annex C.3, eqs. C.6–C.11)."""
    h_ve = params.h_ve_w_per_k
    h_is = H_IS_W_PER_M2K * params.a_t_m2
    h_ms = H_MS_W_PER_M2K * params.a_m_m2
    h_w = params.h_tr_w_w_per_k
    h_op = params.h_tr_op_w_per_k
    with np.errstate(divide="ignore"):
        h_em = np.where(h_op > 0, 1.0 / (1.0 / np.where(h_op > 0, h_op, 1.0) - 1.0 / h_ms), 0.0)
    r = h_is / (h_is + h_ve)
    h_1 = h_ve * r
    h_2 = h_1 + h_w
    s = h_ms + h_2
    h_3 = h_ms * h_2 / s
    k = h_3 + h_em
    mass_share = params.a_m_m2 / params.a_t_m2
    surface_share = 1.0 - mass_share - h_w / (H_MS_W_PER_M2K * params.a_t_m2)
    return RelaxationCoefficients(
        k_w_per_k=k,
        w_ia=(h_ms / s) * r / k,
        w_rs=(mass_share + (h_ms / s) * surface_share) / k,
        p=r * h_ms / s,
        v_ia=r * r / s + 1.0 / (h_is + h_ve),
        v_rs=r * surface_share / s,
        h_em=h_em,
    )


def heated_mass_temp_c(
    params: BuildingParams,
    set_point_c: float | np.ndarray,
    outdoor_temp_c: float,
    convective_gains_w: np.ndarray,
    radiant_gains_w: np.ndarray,
    heating_radiative_fraction: float | np.ndarray = 0.0,
    coeffs: RelaxationCoefficients | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``(θ_m, θ_air)`` in the steady state with the air held at ``set_point_c`` by heating.

    ISO 13790:2008 C.4 delivers the heating at the air node (``heating_radiative_fraction =
    0``). Radiators give part of their heat by radiation; a fraction ``f`` is then shared
    between surface and mass like the radiant gains (C.2). With the air fixed the surface
    temperature is linear in the radiant heat, ``θ_s = θ_s0 + β f Φ``, and the air-node
    balance gives the heating power in closed form ``Φ = Φ_0 / (1 − f + H_tr_is β f)``.
    Where the gains alone would keep the air above the set-point, the unheated steady state
    is returned instead. ``coeffs``: :func:`relaxation_coefficients` of ``params`` when the
    caller has them already.
    """
    if coeffs is None:
        coeffs = relaxation_coefficients(params)
    h_is = H_IS_W_PER_M2K * params.a_t_m2
    h_ms = H_MS_W_PER_M2K * params.a_m_m2
    h_w = params.h_tr_w_w_per_k
    h_op = params.h_tr_op_w_per_k
    fraction = np.asarray(heating_radiative_fraction, dtype=np.float64)
    if np.any((fraction < 0) | (fraction > 1)):
        raise InputError("heating_radiative_fraction", "expected a value between 0 and 1")
    mass_share = params.a_m_m2 / params.a_t_m2
    surface_share = 1.0 - mass_share - h_w / (H_MS_W_PER_M2K * params.a_t_m2)
    to_mass = h_ms / (h_ms + coeffs.h_em)
    beta = (surface_share + to_mass * mass_share) / (h_is + h_w + h_op)
    set_point = np.asarray(set_point_c, dtype=np.float64)
    theta_s0 = (
        h_is * set_point
        + (h_w + h_op) * outdoor_temp_c
        + (surface_share + to_mass * mass_share) * radiant_gains_w
    ) / (h_is + h_w + h_op)
    heating_base = (
        (params.h_ve_w_per_k + h_is) * set_point
        - h_is * theta_s0
        - params.h_ve_w_per_k * outdoor_temp_c
        - convective_gains_w
    )
    heating_w = heating_base / (1.0 - fraction + h_is * beta * fraction)
    radiant = radiant_gains_w + fraction * heating_w
    theta_s = theta_s0 + beta * fraction * heating_w
    theta_m_heated = (h_ms * theta_s + coeffs.h_em * outdoor_temp_c + mass_share * radiant) / (
        h_ms + coeffs.h_em
    )
    theta_m_free = outdoor_temp_c + coeffs.w_ia * convective_gains_w + coeffs.w_rs * radiant_gains_w
    theta_air_free = (
        outdoor_temp_c
        + coeffs.p * (theta_m_free - outdoor_temp_c)
        + coeffs.v_ia * convective_gains_w
        + coeffs.v_rs * radiant_gains_w
    )
    heated = heating_w >= 0
    return (
        np.where(heated, theta_m_heated, theta_m_free),
        np.where(heated, set_point, theta_air_free),
    )
