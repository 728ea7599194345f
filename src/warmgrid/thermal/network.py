"""The 5R1C network with the air's heat capacity and deep mass, for multi-day cool-downs.

ISO 13790's mass node holds the heat of the first ≤ 10 cm of each element (12.3.1.1),
which is what takes part in a day's swing. Over two or three days without heating the
rest of a thick wall or slab takes part too. This network adds to the nodes of
:mod:`warmgrid.thermal.rc` (air ``a``, surfaces ``s``, mass ``m``):

* a heat capacity on the air node: air (ρc·V) plus furniture (EN ISO 52016-1:2017, 6.5.6
  and Table B.17: internal heat capacity of the zone, default 10 kJ/(m²K) of floor area);
* ``do``: the deep mass of the elements with a path out (to outdoor air or ground), behind
  their active part, with the layer resistances between (see :mod:`warmgrid.thermal.layers`);
* ``di``: the deep mass of any adiabatic elements, which store heat and pass none.

A flat, which shares elements with its neighbours (:func:`by_element_group`), runs instead
in the network by element group of :mod:`warmgrid.thermal.zone`: faces of their own for
the external walls, the external roofs and floors, the shared elements and the windows,
long-wave radiation between them and up to three mass nodes a group. This module holds
both behind one interface (:func:`_matrices`, :func:`modal`, :func:`simulate_network`);
the heated state and the history take a flat's conductances with the heated state's
convection (``heated``).

The conductance from the mass node out, ``H_tr_em`` of ISO 13790 eq. (63), is shared by the
elements in proportion to ``U·A``; an element with deep mass replaces its share by the path
mass → deep → out, with the same total resistance, so the steady state (the U-values) is
unchanged. Elements on the ground lead to a constant ground temperature.

The nodes without heat capacity are eliminated exactly; the remaining linear system
``C dx/dt = −K x + B u`` (states air, mass, ``do``, ``di``, or a flat's air and mass nodes;
inputs held over each step) is
discretised exactly with the matrix exponential (zero-order hold, by the symmetric
eigen-decomposition), so any step length is stable and constant weather is solved exactly,
as in :mod:`warmgrid.thermal.cooldown`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from warmgrid.errors import InputError
from warmgrid.thermal import zone
from warmgrid.thermal.building_file import BuildingDescription, opaque_channel, sol_air
from warmgrid.thermal.cooldown import (
    CooldownResult,
    _features,
    hours_to_threshold,
    steps_of,
    to_steps,
)
from warmgrid.thermal.layers import element_mass
from warmgrid.thermal.rc import (
    AIR_HEAT_CAPACITY_J_PER_M3K,
    H_IS_W_PER_M2K,
    H_MS_W_PER_M2K,
    BuildingParams,
    SolarChannel,
    air_heat_capacity_j_per_m3k,
)
from warmgrid.thermal.weather import Weather, channel_irradiance, sky_depression

STATES = 4
"""States of the network of a building that shares no elements: air, mass, deep (with a
path out), deep (adiabatic). A flat's network by element group has
``len(warmgrid.thermal.zone.KEPT)``."""

CONVECTION_W_PER_M2K = {"vertical": 3.076, "reduced": 0.948, "enhanced": 4.040}
"""Natural convection at room surfaces, the simple algorithm of Walton (Thermal Analysis
Research Program reference manual, NBSIR 83-2655, 1983), EnergyPlus' ``Simple`` inside
convection (Engineering Reference, "Inside heat balance"): vertical surfaces; horizontal
surfaces with heat flowing downwards (a ceiling warmer than the air, a floor colder than the
air: stable air layer, *reduced*) and upwards (*enhanced*)."""

RADIATION_W_PER_M2K = 5.13
"""Long-wave radiation between room surfaces, ``h_r = ε · 4σT_m³`` with ε = 0.9 at
T_m = 20 °C (EN ISO 6946:2017 Annex C; the ``h_ri`` of EN ISO 52016-1:2017)."""

SURFACE_NODE, MASS_NODE, DEEP_OUT_NODE = 1, 2, 3
"""Nodes of :func:`_full_matrices` where the elements meet the outside: the surface node
``s`` (the windows), the mass node ``m`` (elements without deep mass) and the deep node
``do``."""

_TINY_CAPACITY_J_PER_K = 1.0
_TINY_CONDUCTANCE_W_PER_K = 1e-6


@dataclass(frozen=True)
class NetworkParams:
    """Per-building arrays (shape ``(n,)``), W/K and J/K, on top of the 5R1C ``base``.

    ``h_em_out_w_per_k`` / ``h_em_ground_w_per_k``: mass node → outdoor air / ground directly;
    ``h_md_out`` mass → deep (``do``); ``h_do_out`` / ``h_do_ground`` deep → outdoor / ground;
    ``h_md_in`` mass → adiabatic deep (``di``). ``leakage_area_cm2``, ``stack_coefficient``,
    ``wind_coefficient``: infiltration by stack and wind (see
    :class:`~warmgrid.thermal.building_file.Infiltration`), or None. ``h_is_w_per_k``: air
    to surface node (see :func:`surface_convection_w_per_k`); None: ISO 13790's
    ``3.45 · A_t``. ``sun_links_m2`` ``(n, 2, k)`` and ``sky_links_w_per_k`` ``(n, 3)``: the
    sun on the opaque elements at nodes ``m`` and ``do``, m² per W/m² of each solar channel
    (0 in the windows' channels), and their and the windows' loss to the sky at nodes
    ``s``, ``m`` and ``do``, W per kelvin of sky depression, where each element meets the
    outside (:func:`outside_links`).

    A flat's network by element group (:mod:`warmgrid.thermal.zone`) holds its matrices
    instead, ``(n, zone.NODES, …)``: ``zone_capacity_j_per_k``, the conductances of the
    cool-down (``zone_cooling_w_per_k``) and of the heated state (``zone_heated_w_per_k``),
    the inputs ``zone_drive_w`` and where the radiant gains land (``zone_radiant_share``)
    and the ground leads (``zone_ground_w_per_k``), as
    :class:`~warmgrid.thermal.zone.ZoneMatrices`; the fields above then stay 0 but for
    ``base``, ``c_air_j_per_k``, ``ground_temp_c`` and the infiltration.
    """

    base: BuildingParams
    c_air_j_per_k: np.ndarray
    h_em_out_w_per_k: np.ndarray
    h_em_ground_w_per_k: np.ndarray
    c_deep_out_j_per_k: np.ndarray
    h_md_out_w_per_k: np.ndarray
    h_do_out_w_per_k: np.ndarray
    h_do_ground_w_per_k: np.ndarray
    c_deep_in_j_per_k: np.ndarray
    h_md_in_w_per_k: np.ndarray
    ground_temp_c: np.ndarray
    sun_links_m2: np.ndarray
    sky_links_w_per_k: np.ndarray
    leakage_area_cm2: np.ndarray | None = None
    stack_coefficient: np.ndarray | None = None
    wind_coefficient: np.ndarray | None = None
    h_is_w_per_k: np.ndarray | None = None
    zone_capacity_j_per_k: np.ndarray | None = None
    zone_cooling_w_per_k: np.ndarray | None = None
    zone_heated_w_per_k: np.ndarray | None = None
    zone_drive_w: np.ndarray | None = None
    zone_radiant_share: np.ndarray | None = None
    zone_ground_w_per_k: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.base)


def join_conductance(K: np.ndarray, i: int, j: int, h_w_per_k: float | np.ndarray) -> None:
    """Add a conductance between nodes ``i`` and ``j`` to the conductance matrix ``K`` in
    place (``(…, n, n)``: one matrix, or one per building with ``h_w_per_k`` per
    building), keeping it symmetric with zero row sums apart from the boundary terms."""
    K[..., i, i] += h_w_per_k
    K[..., j, j] += h_w_per_k
    K[..., i, j] -= h_w_per_k
    K[..., j, i] -= h_w_per_k


KEPT_NODES = [0, 2, 3, 4]
"""Nodes of :func:`_full_matrices` that hold heat: air, mass, deep, adiabatic deep (the
states); node 1 is the surface node."""


def _matrices(
    net: NetworkParams, heated: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(C, K, B)`` with the surface nodes eliminated; ``B`` maps ``[θ_e, 1, I.., Δθ_sky]``.
    ``heated``: a flat's network (:mod:`warmgrid.thermal.zone`) with the convection of the
    heated state, for the heated start and the history before the outage."""
    C, K, B = _full_matrices(net, heated)
    kept, gone = layout(net)
    return (C, *eliminate(K, B, kept, gone))


def layout(net: NetworkParams) -> tuple[list[int], list[int]]:
    """``(kept, gone)``: the nodes of :func:`_full_matrices` that hold heat (air first) and
    those eliminated, for the network of ``net``."""
    if net.zone_cooling_w_per_k is not None:
        return zone.KEPT, zone.GONE
    return KEPT_NODES, [1]


def _zone_full_matrices(
    net: NetworkParams, heated: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_full_matrices` of flats' networks by element group (:mod:`warmgrid.thermal.
    zone`): their matrices with the ventilation and the internal gains of ``net.base``."""
    assert net.zone_capacity_j_per_k is not None and net.zone_drive_w is not None
    assert net.zone_cooling_w_per_k is not None and net.zone_heated_w_per_k is not None
    assert net.zone_radiant_share is not None and net.zone_ground_w_per_k is not None
    p = net.base
    K = (net.zone_heated_w_per_k if heated else net.zone_cooling_w_per_k).copy()
    B = net.zone_drive_w.copy()
    K[:, zone.AIR_NODE, zone.AIR_NODE] += p.h_ve_w_per_k
    B[:, zone.AIR_NODE, 0] += p.h_ve_w_per_k
    radiant = p.radiative_fraction * p.internal_gains_w
    B[:, :, 1] += radiant[:, None] * net.zone_radiant_share
    B[:, zone.AIR_NODE, 1] += p.internal_gains_w - radiant
    B[:, :, 1] += net.zone_ground_w_per_k * net.ground_temp_c[:, None]
    C = net.zone_capacity_j_per_k[:, zone.KEPT].copy()
    C[:, 0] = net.c_air_j_per_k
    return C, K, B


def eliminate(
    K: np.ndarray, B: np.ndarray, keep: list[int], gone: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """``(K, B)`` (stacked, ``(n, nodes, …)``) with the nodes ``gone`` (no heat capacity)
    eliminated exactly by their steady balance; the result is symmetrised."""
    k_kg = K[:, keep][:, :, gone]
    solve = np.linalg.solve(
        K[:, gone][:, :, gone], np.concatenate([K[:, gone][:, :, keep], B[:, gone]], axis=2)
    )
    K_red = K[:, keep][:, :, keep] - k_kg @ solve[:, :, : len(keep)]
    B_red = B[:, keep] - k_kg @ solve[:, :, len(keep) :]
    return 0.5 * (K_red + np.swapaxes(K_red, 1, 2)), B_red


def _full_matrices(
    net: NetworkParams, heated: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(C, K, B)`` of all five nodes (a, s, m, do, di); ``C`` holds the capacities of
    :data:`KEPT_NODES` only (the surface node has none). A flat's network by element
    group: its nodes (:data:`warmgrid.thermal.zone.NODES`, ``C`` on
    :data:`warmgrid.thermal.zone.KEPT`), with the heated state's convection if
    ``heated``."""
    if net.zone_cooling_w_per_k is not None:
        return _zone_full_matrices(net, heated)
    p = net.base
    n = len(p)
    k = len(p.solar_channels)
    h_ve, h_w = p.h_ve_w_per_k, p.h_tr_w_w_per_k
    h_is = H_IS_W_PER_M2K * p.a_t_m2 if net.h_is_w_per_k is None else net.h_is_w_per_k
    tiny = _TINY_CONDUCTANCE_W_PER_K
    mass_share = p.a_m_m2 / p.a_t_m2
    surface_share = 1.0 - mass_share - h_w / (H_MS_W_PER_M2K * p.a_t_m2)
    radiant_int = p.radiative_fraction * p.internal_gains_w
    K = np.zeros((n, 5, 5))
    pairs = (
        (0, 1, h_is),
        (1, 2, H_MS_W_PER_M2K * p.a_m_m2),
        (2, 3, np.maximum(net.h_md_out_w_per_k, tiny)),
        (2, 4, np.maximum(net.h_md_in_w_per_k, tiny)),
    )
    for i, j, h in pairs:
        join_conductance(K, i, j, h)
    K[:, 0, 0] += h_ve
    K[:, 1, 1] += h_w
    K[:, 2, 2] += net.h_em_out_w_per_k + net.h_em_ground_w_per_k
    K[:, 3, 3] += net.h_do_out_w_per_k + net.h_do_ground_w_per_k
    B = np.zeros((n, 5, k + 3))
    B[:, 0, 0], B[:, 1, 0] = h_ve, h_w
    B[:, 2, 0], B[:, 3, 0] = net.h_em_out_w_per_k, net.h_do_out_w_per_k
    B[:, 0, 1] = p.internal_gains_w - radiant_int
    B[:, 1, 1] = surface_share * radiant_int
    B[:, 2, 1] = mass_share * radiant_int + net.h_em_ground_w_per_k * net.ground_temp_c
    B[:, 3, 1] = net.h_do_ground_w_per_k * net.ground_temp_c
    windows = np.array([c.kind == "window" for c in p.solar_channels])
    through_windows = p.solar_aperture_m2 * windows[None, :]
    B[:, 1, 2 : 2 + k] = surface_share[:, None] * through_windows
    B[:, 2, 2 : 2 + k] = mass_share[:, None] * through_windows
    B[:, 2:4, 2 : 2 + k] += net.sun_links_m2
    B[:, 1:4, k + 2] = -net.sky_links_w_per_k
    C = np.stack(
        [
            net.c_air_j_per_k,
            p.c_m_j_per_k,
            np.maximum(net.c_deep_out_j_per_k, _TINY_CAPACITY_J_PER_K),
            np.maximum(net.c_deep_in_j_per_k, _TINY_CAPACITY_J_PER_K),
        ],
        axis=1,
    )
    return C, K, B


def discretise(net: NetworkParams, step_s: float) -> tuple[np.ndarray, np.ndarray]:
    """``(Φ, Γ)`` of ``x ← Φ x + Γ u`` for inputs held over ``step_s`` seconds (exact).

    ``C⁻¹K`` is similar to the symmetric ``S = C^-½ K C^-½`` (K is symmetric: the surface
    node's elimination keeps it so), whose eigen-decomposition ``S = V Λ Vᵀ`` gives the
    matrix exponential ``Φ = P e^{−Λ Δt} P⁻¹`` with ``P = C^-½ V`` and its integral over the
    step in closed form, for all buildings at once (see :func:`modal`).
    """
    return exact_step(*_matrices(net), step_s)


def exact_step(
    C: np.ndarray, K: np.ndarray, B: np.ndarray, step_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`discretise` of stacked capacities ``C`` (J/K), symmetric conductances ``K``
    (W/K) and input matrices ``B`` of any number of states."""
    decay, to_states, to_modes, gamma = modal_of(C, K, B, step_s)
    return (to_states * decay[:, None, :]) @ to_modes, to_states @ gamma


def modal(
    net: NetworkParams, step_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The step in modal coordinates ``z = P⁻¹ x`` (``P = C^-½ V``, see :func:`discretise`):
    ``z ← decay · z + Γ_z u``, S independent exact recursions per building. Returns
    ``(decay (n, S), P (n, S, S), P⁻¹ (n, S, S), Γ_z (n, S, inputs))``, S the states of the
    network (:data:`STATES`, or ``len(warmgrid.thermal.zone.KEPT)`` for flats)."""
    return modal_of(*_matrices(net), step_s)


def modal_of(
    C: np.ndarray, K: np.ndarray, B: np.ndarray, step_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`modal` of stacked capacities ``C`` (J/K), symmetric conductances ``K`` (W/K)
    and input matrices ``B`` of any number of states."""
    if np.any(C <= 0):
        raise InputError("c_air_j_per_k", "expected positive heat capacities")
    root = np.sqrt(C)
    rates, V = np.linalg.eigh(K / root[:, :, None] / root[:, None, :])
    rates = np.maximum(rates, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        integral = np.where(rates * step_s > 1e-12, -np.expm1(-rates * step_s) / rates, step_s)
    to_states = V / root[:, :, None]
    to_modes = np.swapaxes(V, 1, 2) * root[:, None, :]
    gamma = integral[:, :, None] * (np.swapaxes(V, 1, 2) @ (B / root[:, :, None]))
    return np.exp(-rates * step_s), to_states, to_modes, gamma


def steady_state(net: NetworkParams, features: np.ndarray, set_point_c: np.ndarray) -> np.ndarray:
    """States (:func:`_matrices`, air first) with the air held at ``set_point_c`` by heating at the
    air node under the inputs ``features``; where the gains alone keep the air warmer, the
    unheated steady state."""
    from warmgrid.thermal.history import heated_steady

    _, K, B = _matrices(net, heated=True)
    drive = B @ features
    heated, heating_w = heated_steady(K, drive[:, :, None], set_point_c[:, None])
    free = np.linalg.solve(K, drive[:, :, None])[:, :, 0]
    return np.where(heating_w[:, 0] >= 0, heated[:, :, 0], free)


def heating_w(net: NetworkParams, outdoor_temp_c: float, set_point_c: float = 20.0) -> np.ndarray:
    """Heating power of each building in the heated steady state at a constant outdoor
    temperature (ideal heating at the air node, no sun, sky at air temperature), W: the
    balance a cool-down of :func:`simulate_network` starts from."""
    from warmgrid.thermal.history import heated_steady

    _, K, B = _matrices(net, heated=True)
    drive = B @ _features(net.base, outdoor_temp_c, 1.0, 1, None, 0.0)[0]
    set_point = np.full((len(net), 1), set_point_c)
    return heated_steady(K, drive[:, :, None], set_point)[1][:, 0, 0]


def _infiltration_w_per_k(
    net: NetworkParams, air_c: np.ndarray, outdoor_c: float, wind_m_per_s: float
) -> np.ndarray:
    """``ρc · A_L/1000 · √(C_s |Δθ| + C_w U²)``, W/K (ISO 13790 9.3.1 ρc at sea level)."""
    assert net.leakage_area_cm2 is not None
    assert net.stack_coefficient is not None and net.wind_coefficient is not None
    flow_m3_per_s = (
        net.leakage_area_cm2
        / 1000.0
        * np.sqrt(
            net.stack_coefficient * np.abs(air_c - outdoor_c)
            + net.wind_coefficient * wind_m_per_s**2
        )
    )
    return AIR_HEAT_CAPACITY_J_PER_M3K * flow_m3_per_s


def _with_ventilation(net: NetworkParams, extra_w_per_k: np.ndarray) -> NetworkParams:
    base = net.base
    return replace(net, base=replace(base, h_ve_w_per_k=base.h_ve_w_per_k + extra_w_per_k))


def _simulate_leaky(
    net: NetworkParams,
    features: np.ndarray,
    wind: np.ndarray,
    start: np.ndarray,
    step_h: float,
    start_state: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Air temperatures ``(steps + 1, n)`` and final mass with infiltration by stack and
    wind: the infiltration of each step is taken at the air temperature the step starts
    from (then exact within the step), the network discretised again each step."""
    n_steps = features.shape[0]
    if start_state is None:
        h_start = _infiltration_w_per_k(net, start, features[0, 0], wind[0])
        x = steady_state(_with_ventilation(net, h_start), features[0], start).T
    else:
        x = start_state.T.copy()
    air = np.empty((n_steps + 1, len(net)))
    air[0] = x[0]
    for t in range(n_steps):
        h_inf = _infiltration_w_per_k(net, x[0], features[t, 0], wind[t])
        phi, gamma = discretise(_with_ventilation(net, h_inf), step_h * 3600.0)
        x = np.einsum("bij,jb->ib", phi, x) + (gamma @ features[t]).T
        air[t + 1] = x[0]
    return air, x[1]


def simulate_network(
    net: NetworkParams,
    outdoor_temp_c: np.ndarray | float,
    step_h: float = 0.25,
    hours: float = 72.0,
    start_temp_c: float | np.ndarray = 20.0,
    solar_irradiance_w_per_m2: np.ndarray | None = None,
    sky_temp_depression_k: np.ndarray | float = 11.0,
    thresholds_c: tuple[float, ...] | None = None,
    block_size: int = 16384,
    wind_speed_m_per_s: np.ndarray | float = 0.0,
    start_state: np.ndarray | None = None,
) -> CooldownResult:
    """Indoor air temperature of all buildings after the heating stops at t = 0.

    The start is ``start_state`` (``(n, S)``, °C: the states of :func:`_matrices`, air
    first; e.g. the heated history of :mod:`warmgrid.thermal.history`) or,
    when None, the heated steady state at ``start_temp_c`` under the first step's
    weather (heating at the air node, ISO 13790 C.4). Inputs as
    :func:`warmgrid.thermal.cooldown.simulate_cooldown`; ``final_mass_temp_c`` is state 1
    at the end (the mass node; a flat's external walls' first lump).
    ``wind_speed_m_per_s`` (constant, per step or hourly) drives the infiltration of
    buildings with a leakage area, which are stepped one step at a time with the
    infiltration of each step's start (see :func:`_simulate_leaky`).
    """
    n_steps = steps_of(step_h, hours)
    n = len(net)
    features = _features(
        net.base, outdoor_temp_c, step_h, n_steps, solar_irradiance_w_per_m2, sky_temp_depression_k
    )
    start = np.broadcast_to(np.asarray(start_temp_c, dtype=np.float64), (n,)).copy()
    time_major = np.empty((n_steps + 1, n), dtype=np.float32)
    final_mass = np.empty(n)
    features32 = features.T.astype(np.float32)
    leaky = net.leakage_area_cm2 is not None
    if leaky:
        wind = to_steps(wind_speed_m_per_s, step_h, n_steps, "wind_speed_m_per_s")
        air, final_mass = _simulate_leaky(net, features, wind, start, step_h, start_state)
        time_major[:] = air
    for lo in range(0, 0 if leaky else n, block_size):
        hi = min(lo + block_size, n)
        block = _slice(net, lo, hi)
        decay, to_states, to_modes, gamma = modal(block, step_h * 3600.0)
        if start_state is None:
            x = steady_state(block, features[0], start[lo:hi])
        else:
            x = np.asarray(start_state[lo:hi], dtype=np.float64)
        z = np.einsum("bij,bj->ib", to_modes, x).astype(np.float32)
        width = hi - lo
        states = decay.shape[1]
        coef = np.ascontiguousarray(gamma.transpose(2, 1, 0).reshape(-1, states * width))
        drive = (features32.T @ coef.astype(np.float32)).reshape(n_steps, states, width)
        decay32 = np.ascontiguousarray(decay.T.astype(np.float32))
        air_of = np.ascontiguousarray(to_states[:, 0, :].T.astype(np.float32))
        time_major[0, lo:hi] = x[:, 0]
        scratch = np.empty(width, dtype=np.float32)
        for t in range(n_steps):
            z *= decay32
            z += drive[t]
            row = time_major[t + 1, lo:hi]
            np.multiply(air_of[0], z[0], out=row)
            for j in range(1, states):
                np.multiply(air_of[j], z[j], out=scratch)
                row += scratch
        final_mass[lo:hi] = np.einsum("bj,jb->b", to_states[:, 1, :], z)
    time_h = np.arange(n_steps + 1, dtype=np.float64) * step_h
    result = CooldownResult(
        time_h=time_h,
        air_temp_c=time_major.T,
        step_h=float(step_h),
        final_mass_temp_c=final_mass,
    )
    if thresholds_c is None:
        return result
    return CooldownResult(
        time_h=time_h,
        air_temp_c=result.air_temp_c,
        step_h=float(step_h),
        final_mass_temp_c=final_mass,
        hours_to=hours_to_threshold(result, thresholds_c),
    )


def _slice(net: NetworkParams, lo: int, hi: int) -> NetworkParams:
    p = net.base
    base = BuildingParams(
        floor_area_m2=p.floor_area_m2[lo:hi],
        h_ve_w_per_k=p.h_ve_w_per_k[lo:hi],
        h_tr_w_w_per_k=p.h_tr_w_w_per_k[lo:hi],
        h_tr_op_w_per_k=p.h_tr_op_w_per_k[lo:hi],
        c_m_j_per_k=p.c_m_j_per_k[lo:hi],
        a_m_m2=p.a_m_m2[lo:hi],
        a_t_m2=p.a_t_m2[lo:hi],
        internal_gains_w=p.internal_gains_w[lo:hi],
        radiative_fraction=p.radiative_fraction[lo:hi],
        solar_aperture_m2=p.solar_aperture_m2[lo:hi],
        sky_loss_w_per_k=None if p.sky_loss_w_per_k is None else p.sky_loss_w_per_k[lo:hi],
        solar_channels=p.solar_channels,
    )
    fields: dict[str, Any] = {
        name: None if getattr(net, name) is None else getattr(net, name)[lo:hi]
        for name in NetworkParams.__dataclass_fields__
        if name != "base"
    }
    return NetworkParams(base=base, **fields)


def surface_convection_w_per_k(description: BuildingDescription) -> float:
    """Air to the one surface node of all surfaces, W/K: ISO 13790's ``3.45 · A_t``
    (7.2.2.2), less for an adiabatic ceiling, the warm slab to the flat above, under which
    the air lies in a stable layer during a cool-down: heat flows downwards and natural
    convection is 0.948 instead of 3.076 W/(m²K) on vertical surfaces
    (:data:`CONVECTION_W_PER_M2K`), so its share of the area counts with that ratio. Floors
    keep ISO's coupling: once the heating stops they are warmer than the air (EnergyPlus,
    ground-floor corner flat at −10 °C after 2 h: floor over the basement 13.4 °C, air
    12.9 °C), heat flows upwards and convection is enhanced (4.04), within a third of the
    vertical value."""
    area = 0.0
    weighted = 0.0
    ratio = CONVECTION_W_PER_M2K["reduced"] / CONVECTION_W_PER_M2K["vertical"]
    for surface in description.surfaces:
        area += surface["area_m2"]
        ceiling = surface["boundary"] == "adiabatic" and surface["kind"] == "roof"
        weighted += (ratio if ceiling else 1.0) * surface["area_m2"]
    return H_IS_W_PER_M2K * weighted / area * float(description.params.a_t_m2[0])


def network_from_description(description: BuildingDescription) -> NetworkParams:
    """The network of one building read from a file: deep mass from the layered surfaces,
    the air node's capacity from its volume and the furniture. A flat (a building that
    shares elements with neighbours, :func:`by_element_group`) gets the network by element
    group of :mod:`warmgrid.thermal.zone`."""
    fields = description.fields
    c_air = (
        air_heat_capacity_j_per_m3k(fields["altitude_m"]) * fields["volume_m3"]
        + fields["furniture_heat_capacity_j_per_m2k"] * fields["floor_area_m2"]
    )
    if by_element_group(description):
        return _zone_network(description, float(c_air))
    p = description.params
    h_ms = H_MS_W_PER_M2K * float(p.a_m_m2[0])
    h_op = float(p.h_tr_op_w_per_k[0])
    h_em = 1.0 / (1.0 / h_op - 1.0 / h_ms) if h_op > 0 else 0.0
    sums = dict.fromkeys(
        ("em_out", "em_ground", "c_do", "md_out", "do_out", "do_ground", "c_di", "md_in"), 0.0
    )
    links: list[tuple[dict[str, Any], int, float]] = []
    for surface in description.surfaces:
        if surface["kind"] == "window":
            continue
        area, boundary = surface["area_m2"], surface["boundary"]
        mass = element_mass(surface["layers"], boundary) if surface["layers"] else None
        if mass is not None and not (mass.deep_j_per_m2k > 0 and mass.deep_r_m2k_per_w > 0):
            mass = None
        if boundary == "adiabatic":
            if mass is not None:
                sums["c_di"] += mass.deep_j_per_m2k * area
                sums["md_in"] += area / mass.deep_r_m2k_per_w
            continue
        share = h_em * surface["u_w_per_m2k"] * area / h_op
        where = "ground" if boundary == "ground" else "out"
        if mass is None or share <= 0:
            sums[f"em_{where}"] += share
            links.append((surface, MASS_NODE, max(share, 0.0)))
            continue
        r_em = 1.0 / share
        r_md = min(mass.deep_r_m2k_per_w / area, 0.5 * r_em)
        sums["c_do"] += mass.deep_j_per_m2k * area
        sums["md_out"] += 1.0 / r_md
        sums[f"do_{where}"] += 1.0 / (r_em - r_md)
        links.append((surface, DEEP_OUT_NODE, 1.0 / (r_em - r_md)))
    sun_links, sky_links = outside_links(description, p.solar_channels, links)
    return NetworkParams(
        base=p,
        c_air_j_per_k=np.array([float(c_air)]),
        h_em_out_w_per_k=np.array([sums["em_out"]]),
        h_em_ground_w_per_k=np.array([sums["em_ground"]]),
        c_deep_out_j_per_k=np.array([sums["c_do"]]),
        h_md_out_w_per_k=np.array([sums["md_out"]]),
        h_do_out_w_per_k=np.array([sums["do_out"]]),
        h_do_ground_w_per_k=np.array([sums["do_ground"]]),
        c_deep_in_j_per_k=np.array([sums["c_di"]]),
        h_md_in_w_per_k=np.array([sums["md_in"]]),
        ground_temp_c=np.array([fields["ground_temp_c"]]),
        sun_links_m2=sun_links[None],
        sky_links_w_per_k=sky_links[None],
        h_is_w_per_k=np.array([surface_convection_w_per_k(description)]),
        **_leakage(description),
    )


def by_element_group(description: BuildingDescription) -> bool:
    """Whether a building runs in the network by element group
    (:mod:`warmgrid.thermal.zone`): it shares elements with neighbours (``adiabatic``
    surfaces: a flat) and its mass comes from its elements' κ (no ``thermal_class`` or
    ``thermal_capacity_j_per_k`` in the file)."""
    opaque = [s for s in description.surfaces if s["kind"] != "window"]
    if not any(s["boundary"] == "adiabatic" for s in opaque):
        return False
    c_m = sum(s["heat_capacity_j_per_m2k"] * s["area_m2"] for s in opaque)
    given = float(description.params.c_m_j_per_k[0])
    return c_m > 0 and abs(c_m - given) <= 1e-6 * given


def _zone_network(description: BuildingDescription, c_air_j_per_k: float) -> NetworkParams:
    """:func:`network_from_description` of a flat: the network by element group."""
    matrices = zone.zone_matrices(description)
    p = description.params
    zeros = np.zeros(1)
    return NetworkParams(
        base=p,
        c_air_j_per_k=np.array([c_air_j_per_k]),
        h_em_out_w_per_k=zeros,
        h_em_ground_w_per_k=zeros,
        c_deep_out_j_per_k=zeros,
        h_md_out_w_per_k=zeros,
        h_do_out_w_per_k=zeros,
        h_do_ground_w_per_k=zeros,
        c_deep_in_j_per_k=zeros,
        h_md_in_w_per_k=zeros,
        ground_temp_c=np.array([description.fields["ground_temp_c"]]),
        sun_links_m2=np.zeros((1, 2, len(p.solar_channels))),
        sky_links_w_per_k=np.zeros((1, 3)),
        zone_capacity_j_per_k=matrices.capacity_j_per_k[None],
        zone_cooling_w_per_k=matrices.cooling_w_per_k[None],
        zone_heated_w_per_k=matrices.heated_w_per_k[None],
        zone_drive_w=matrices.drive_w[None],
        zone_radiant_share=matrices.radiant_share[None],
        zone_ground_w_per_k=matrices.ground_w_per_k[None],
        **_leakage(description),
    )


def outside_links(
    description: BuildingDescription,
    channels: tuple[SolarChannel, ...] | list[SolarChannel],
    links: list[tuple[dict[str, Any], int, float]],
) -> tuple[np.ndarray, np.ndarray]:
    """``(sun (2, k), sky (3,))`` of :class:`NetworkParams` (``sun_links_m2``,
    ``sky_links_w_per_k``): the sun the roof and walls absorb, and their and the windows'
    long-wave loss to the sky, entered where each element meets the outdoor air, as EN ISO
    52016-1:2017 enters them at each element's external surface node, and not on the room's
    nodes by ISO 13790's shares (11.3.2), which hand them to the room at once.

    ``links``: ``(surface, node, H)`` for each opaque element with a path out (those on
    the ground or under the floor see neither sun nor sky and are skipped): its node next to
    the outside (:data:`MASS_NODE` or :data:`DEEP_OUT_NODE`) and the conductance ``H``, W/K,
    from that node out. The windows meet the outside at :data:`SURFACE_NODE`, with their
    ``U·A``.

    Each element's outer face is at its sol-air temperature
    (:func:`~warmgrid.thermal.building_file.sol_air`): its node takes ``H · R_se · α`` m² per
    W/m² of its channel and loses ``H · R_se · F_r h_r`` W per kelvin of sky depression. The
    heat then reaches the room through the element's layers and mass.
    """
    sun = np.zeros((2, len(channels)))
    sky = np.zeros(3)
    outside = [(surface, node, h) for surface, node, h in links if surface["kind"] != "floor"]
    outside += [
        (surface, SURFACE_NODE, surface["u_w_per_m2k"] * surface["area_m2"])
        for surface in description.surfaces
        if surface["kind"] == "window"
    ]
    for surface, node, h_out in outside:
        if surface["boundary"] != "outdoor":
            continue
        sun_m2, sky_w_per_k = sol_air(surface, h_out)
        sky[node - SURFACE_NODE] += sky_w_per_k
        if node != SURFACE_NODE:
            sun[node - MASS_NODE, opaque_channel(channels, surface)] += sun_m2
    return sun, sky


def _leakage(description: BuildingDescription) -> dict[str, np.ndarray]:
    infiltration = description.infiltration
    if infiltration is None:
        return {}
    return {
        "leakage_area_cm2": np.array([infiltration.leakage_area_cm2]),
        "stack_coefficient": np.array([infiltration.stack_coefficient]),
        "wind_coefficient": np.array([infiltration.wind_coefficient]),
    }


FREEFLOAT_THRESHOLDS_C = (18.0, 15.0, 12.0, 10.0, 5.0, 0.0)
"""Thresholds of ``warmgrid freefloat --start-temp``."""


def weather_cooldown(
    description: BuildingDescription,
    weather: Weather,
    start_temp_c: float,
    hours: float,
    step_h: float = 0.25,
) -> CooldownResult:
    """The indoor air of one building after the heating stops under ``weather``, every
    ``step_h`` hours (``air_temp_c`` ``(1, steps + 1)``), with the hours to each of
    :data:`FREEFLOAT_THRESHOLDS_C`.

    With sun (a weather file) the solar gains and sky of the weather count; a constant
    outdoor temperature has no sun and the sky at air temperature. The building starts
    from its heated history under ``weather.before`` where known
    (:mod:`warmgrid.thermal.history`), else from the heated steady state.
    """
    from warmgrid.thermal.history import heated_history, history_features

    net = network_from_description(description)
    channels = net.base.solar_channels
    sky = sky_depression(weather) if weather.has_sun else 0.0
    if description.infiltration is not None and weather.wind_speed_m_per_s is None:
        raise InputError(
            f"{weather.source}: wind_speed",
            f"missing in some records; {description.source}: infiltration needs the wind",
        )
    before = history_features(net.base, weather, step_h)
    start_state = None
    if before is not None:
        assert weather.before is not None
        wind = weather.before.wind_speed_m_per_s
        start_state = heated_history(
            net, before, start_temp_c, step_h, 0.0 if wind is None else wind
        )
    return simulate_network(
        net,
        weather.temp_air_c,
        step_h=step_h,
        hours=hours,
        start_temp_c=start_temp_c,
        solar_irradiance_w_per_m2=channel_irradiance(weather, channels),
        sky_temp_depression_k=sky,
        thresholds_c=FREEFLOAT_THRESHOLDS_C,
        wind_speed_m_per_s=0.0
        if weather.wind_speed_m_per_s is None
        else weather.wind_speed_m_per_s,
        start_state=start_state,
    )


def building_cooldown(
    description: BuildingDescription,
    weather: Weather,
    start_temp_c: float,
    hours: float,
    step_h: float = 0.25,
) -> dict[str, float | None]:
    """Hours until the indoor air of one building first falls below each of
    :data:`FREEFLOAT_THRESHOLDS_C` after the heating stops (None: not within ``hours``),
    from :func:`weather_cooldown`."""
    result = weather_cooldown(description, weather, start_temp_c, hours, step_h)
    assert result.hours_to is not None
    return {
        f"{t:g}": (None if np.isnan(v[0]) else round(float(v[0]), 2))
        for t, v in result.hours_to.items()
    }
