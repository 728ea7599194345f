"""The 5R1C network with the air's heat capacity and deep mass, for multi-day cool-downs.

ISO 13790's mass node holds the heat of the first ≤ 10 cm of each element (12.3.1.1),
which is what takes part in a day's swing. Over two or three days without heating the
rest of a thick wall or slab takes part too. This network adds to the nodes of
:mod:`warmgrid.thermal.rc` (air ``a``, surfaces ``s``, mass ``m``):

* a heat capacity on the air node: air (ρc·V) plus furniture (EN ISO 52016-1:2017, 6.5.6
  and Table B.17: internal heat capacity of the zone, default 10 kJ/(m²K) of floor area);
* ``do``: the deep mass of the elements with a path out (to outdoor air or ground), behind
  their active part, with the layer resistances between (see :mod:`warmgrid.thermal.layers`);
* ``di``: the deep mass of the adiabatic elements (this flat's share of slabs and party walls
  up to their plane of symmetry), which store heat and pass none;
* ``mi`` and a surface node ``si`` of their own for the adiabatic elements, when the mass
  comes from the elements' κ: their active mass (ISO 13790 eqs. 65–66 over those elements)
  hangs on ``si`` (element by element through its layers and a fitted resistance,
  :func:`surface_to_mass_in_w_per_k`, where ISO's ``h_ms`` joins every element alike),
  which exchanges heat with the air by natural convection and with the other surfaces by
  radiation (:func:`surface_couplings`). In the heated steady state these
  elements pass no heat and sit near the air temperature, the external ones lie in the drop
  to the outside; ISO's single mass node puts both at one temperature and undercounts the
  heat the slabs and party walls give back when the heating stops (see
  :func:`_split_mass`).

The conductance from the mass node out, ``H_tr_em`` of ISO 13790 eq. (63), is shared by the
elements in proportion to ``U·A``; an element with deep mass replaces its share by the path
mass → deep → out, with the same total resistance, so the steady state (the U-values) is
unchanged. Elements on the ground lead to a constant ground temperature.

The surface nodes have no capacity and are eliminated exactly; the remaining linear system
``C dx/dt = −K x + B u`` (states air, mass, ``do``, ``di``, ``mi``; inputs held over each
step) is
discretised exactly with the matrix exponential (zero-order hold, by the symmetric
eigen-decomposition), so any step length is stable and constant weather is solved exactly,
as in :mod:`warmgrid.thermal.cooldown`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from warmgrid.errors import InputError
from warmgrid.thermal.building_file import BuildingDescription, sky_radiation_w_per_m2k
from warmgrid.thermal.cooldown import (
    CooldownResult,
    _features,
    hours_to_threshold,
    steps_of,
    to_steps,
)
from warmgrid.thermal.layers import R_SE_M2K_PER_W, element_mass
from warmgrid.thermal.rc import (
    AIR_HEAT_CAPACITY_J_PER_M3K,
    H_IS_W_PER_M2K,
    H_MS_W_PER_M2K,
    BuildingParams,
    SolarChannel,
    air_heat_capacity_j_per_m3k,
    mass_from_elements,
)
from warmgrid.thermal.weather import Weather, channel_irradiance, sky_depression

STATES = 5
"""air, mass, deep (with a path out), deep (adiabatic), active mass of the adiabatic
elements."""

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
    ``3.45 · A_t``. ``c_mass_in_j_per_k`` / ``a_mass_in_m2``: the active mass of the
    adiabatic elements (κ·A and A_m of ISO 13790 eqs. 65–66 over those elements), a node
    ``mi`` of its own between the surface node and ``di`` (``base.c_m_j_per_k`` and
    ``base.a_m_m2`` then hold the elements with a path out only); None or 0: no such node,
    ``di`` hangs on the mass node. ``h_mass_in_w_per_k``: ``si`` to ``mi``, W/K
    (:func:`surface_to_mass_in_w_per_k`); None: ISO 13790's ``9.1 · A_in``.
    ``sun_links_m2`` ``(n, 2, k)`` and ``sky_links_w_per_k`` ``(n, 3)``: the sun on the opaque
    elements at nodes ``m`` and ``do``, m² per W/m² of each solar channel (0 in the windows'
    channels), and their and the windows' loss to the sky at nodes ``s``, ``m`` and ``do``,
    W per kelvin of sky depression, where each element meets the outside
    (:func:`outside_links`). ``window_sun_to_si_share`` / ``window_sun_to_mi_share``: the
    share of the sun through the windows that lands on ``si`` / in ``mi``
    (:func:`window_sun_shares`), the rest by ISO 13790's shares (11.3.2); None: 0.
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
    c_mass_in_j_per_k: np.ndarray | None = None
    a_mass_in_m2: np.ndarray | None = None
    h_in_air_w_per_k: np.ndarray | None = None
    h_in_surface_w_per_k: np.ndarray | None = None
    h_mass_in_w_per_k: np.ndarray | None = None
    window_sun_to_si_share: np.ndarray | None = None
    window_sun_to_mi_share: np.ndarray | None = None

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


KEPT_NODES = [0, 2, 3, 4, 5]
"""Nodes of :func:`_full_matrices` that hold heat: air, mass, deep, adiabatic deep,
adiabatic mass (the states); nodes 1 and 6 are the two surface nodes."""


def _matrices(net: NetworkParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(C, K, B)`` with the surface nodes eliminated; ``B`` maps ``[θ_e, 1, I.., Δθ_sky]``."""
    C, K, B = _full_matrices(net)
    return (C, *eliminate(K, B, KEPT_NODES, [1, 6]))


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


def _full_matrices(net: NetworkParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(C, K, B)`` of all seven nodes (a, s, m, do, di, mi, si); ``C`` holds the
    capacities of :data:`KEPT_NODES` only (the surface nodes have none)."""
    p = net.base
    n = len(p)
    k = len(p.solar_channels)
    zeros = np.zeros(n)
    h_ve, h_w = p.h_ve_w_per_k, p.h_tr_w_w_per_k
    h_is = H_IS_W_PER_M2K * p.a_t_m2 if net.h_is_w_per_k is None else net.h_is_w_per_k
    a_in = zeros if net.a_mass_in_m2 is None else net.a_mass_in_m2
    c_in = zeros if net.c_mass_in_j_per_k is None else net.c_mass_in_j_per_k
    h_a_si = zeros if net.h_in_air_w_per_k is None else net.h_in_air_w_per_k
    h_s_si = zeros if net.h_in_surface_w_per_k is None else net.h_in_surface_w_per_k
    split = a_in > 0
    h_si_mi = H_MS_W_PER_M2K * a_in if net.h_mass_in_w_per_k is None else net.h_mass_in_w_per_k
    tiny = _TINY_CONDUCTANCE_W_PER_K
    h_ms = H_MS_W_PER_M2K * p.a_m_m2
    h_md_o = np.maximum(net.h_md_out_w_per_k, tiny)
    h_md_i = np.maximum(net.h_md_in_w_per_k, tiny)
    mass_share = p.a_m_m2 / p.a_t_m2
    in_share = a_in / p.a_t_m2
    surface_share = 1.0 - mass_share - in_share - h_w / (H_MS_W_PER_M2K * p.a_t_m2)
    radiant_int = p.radiative_fraction * p.internal_gains_w
    convective = p.internal_gains_w - radiant_int
    # nodes a, s, m, do, di, mi, si; di hangs on mi where the adiabatic elements have
    # their own surface (si) and mass (mi) nodes, else on m
    K = np.zeros((n, 7, 7))
    pairs = (
        (0, 1, h_is),
        (1, 2, h_ms),
        (2, 3, h_md_o),
        (2, 4, np.where(split, 0.0, h_md_i)),
        (5, 4, np.where(split, h_md_i, 0.0)),
        (6, 5, np.maximum(np.where(split, h_si_mi, 0.0), tiny)),
        (0, 6, np.maximum(h_a_si, tiny)),
        (1, 6, np.maximum(h_s_si, tiny)),
    )
    for i, j, h in pairs:
        join_conductance(K, i, j, h)
    K[:, 0, 0] += h_ve
    K[:, 1, 1] += h_w
    K[:, 2, 2] += net.h_em_out_w_per_k + net.h_em_ground_w_per_k
    K[:, 3, 3] += net.h_do_out_w_per_k + net.h_do_ground_w_per_k
    B = np.zeros((n, 7, k + 3))
    B[:, 0, 0], B[:, 1, 0] = h_ve, h_w
    B[:, 2, 0], B[:, 3, 0] = net.h_em_out_w_per_k, net.h_do_out_w_per_k
    B[:, 0, 1] = convective
    B[:, 1, 1] = surface_share * radiant_int
    B[:, 2, 1] = mass_share * radiant_int + net.h_em_ground_w_per_k * net.ground_temp_c
    B[:, 3, 1] = net.h_do_ground_w_per_k * net.ground_temp_c
    B[:, 5, 1] = in_share * radiant_int
    windows = np.array([c.kind == "window" for c in p.solar_channels])
    to_si = zeros if net.window_sun_to_si_share is None else net.window_sun_to_si_share
    to_mi = zeros if net.window_sun_to_mi_share is None else net.window_sun_to_mi_share
    through_windows = p.solar_aperture_m2 * windows[None, :]
    by_shares = through_windows * (1.0 - to_si - to_mi)[:, None]
    B[:, 1, 2 : 2 + k] = surface_share[:, None] * by_shares
    B[:, 2, 2 : 2 + k] = mass_share[:, None] * by_shares
    B[:, 5, 2 : 2 + k] = in_share[:, None] * by_shares + to_mi[:, None] * through_windows
    B[:, 6, 2 : 2 + k] = to_si[:, None] * through_windows
    B[:, 2:4, 2 : 2 + k] += net.sun_links_m2
    B[:, 1:4, k + 2] = -net.sky_links_w_per_k
    C = np.stack(
        [
            net.c_air_j_per_k,
            p.c_m_j_per_k,
            np.maximum(net.c_deep_out_j_per_k, _TINY_CAPACITY_J_PER_K),
            np.maximum(net.c_deep_in_j_per_k, _TINY_CAPACITY_J_PER_K),
            np.maximum(c_in, _TINY_CAPACITY_J_PER_K),
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
    ``z ← decay · z + Γ_z u``, :data:`STATES` independent exact recursions per building.
    Returns ``(decay (n, S), P (n, S, S), P⁻¹ (n, S, S), Γ_z (n, S, inputs))``, S =
    :data:`STATES`."""
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
    """States (air, mass, deep, deep) with the air held at ``set_point_c`` by heating at the
    air node under the inputs ``features``; where the gains alone keep the air warmer, the
    unheated steady state."""
    from warmgrid.thermal.history import heated_steady

    _, K, B = _matrices(net)
    drive = B @ features
    heated, heating_w = heated_steady(K, drive[:, :, None], set_point_c[:, None])
    free = np.linalg.solve(K, drive[:, :, None])[:, :, 0]
    return np.where(heating_w[:, 0] >= 0, heated[:, :, 0], free)


def heating_w(net: NetworkParams, outdoor_temp_c: float, set_point_c: float = 20.0) -> np.ndarray:
    """Heating power of each building in the heated steady state at a constant outdoor
    temperature (ideal heating at the air node, no sun, sky at air temperature), W: the
    balance a cool-down of :func:`simulate_network` starts from."""
    from warmgrid.thermal.history import heated_steady

    _, K, B = _matrices(net)
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

    The start is ``start_state`` (``(n, STATES)``: air, mass, deep, adiabatic deep,
    adiabatic mass, °C; e.g. the heated history of :mod:`warmgrid.thermal.history`) or,
    when None, the heated steady state at ``start_temp_c`` under the first step's
    weather (heating at the air node, ISO 13790 C.4). Inputs as
    :func:`warmgrid.thermal.cooldown.simulate_cooldown`; ``final_mass_temp_c`` is the mass
    node at the end. ``wind_speed_m_per_s`` (constant, per step or hourly) drives the
    infiltration of buildings with a leakage area, which are stepped one step at a time with
    the infiltration of each step's start (see :func:`_simulate_leaky`).
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
        coef = np.ascontiguousarray(gamma.transpose(2, 1, 0).reshape(-1, STATES * width))
        drive = (features32.T @ coef.astype(np.float32)).reshape(n_steps, STATES, width)
        decay32 = np.ascontiguousarray(decay.T.astype(np.float32))
        air_of = np.ascontiguousarray(to_states[:, 0, :].T.astype(np.float32))
        time_major[0, lo:hi] = x[:, 0]
        scratch = np.empty(width, dtype=np.float32)
        for t in range(n_steps):
            z *= decay32
            z += drive[t]
            row = time_major[t + 1, lo:hi]
            np.multiply(air_of[0], z[0], out=row)
            for j in range(1, STATES):
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
    vertical value. Buildings whose adiabatic elements have their own node use
    :func:`surface_couplings` instead."""
    return _star_convection(description, with_adiabatic=True)


def _star_convection(description: BuildingDescription, with_adiabatic: bool) -> float:
    area = 0.0
    weighted = 0.0
    ratio = CONVECTION_W_PER_M2K["reduced"] / CONVECTION_W_PER_M2K["vertical"]
    for surface in description.surfaces:
        adiabatic = surface["boundary"] == "adiabatic"
        area += surface["area_m2"]
        if adiabatic and not with_adiabatic:
            continue
        ceiling = adiabatic and surface["kind"] == "roof"
        weighted += (ratio if ceiling else 1.0) * surface["area_m2"]
    return H_IS_W_PER_M2K * weighted / area * float(description.params.a_t_m2[0])


def surface_couplings(description: BuildingDescription) -> tuple[float, float, float]:
    """``(H_is, H_a,in, H_s,in)``, W/K, when the adiabatic elements have a surface node of
    their own (``si``, see :func:`_split_mass`): the ISO 13790 star of the other surfaces
    keeps their share of ``3.45 · A_t``; the adiabatic surfaces exchange heat with the air
    by natural convection (Walton's simple algorithm, :data:`CONVECTION_W_PER_M2K`, in the
    direction of the cool-down: a warm ceiling *reduced*, a warm floor *enhanced*, walls
    vertical) and by long-wave radiation with the other surfaces,
    ``h_r · A_in · A_out / (A_in + A_out)`` (two groups of surfaces that see each other in
    proportion to their areas; :data:`RADIATION_W_PER_M2K`)."""
    air_in = 0.0
    areas = {True: 0.0, False: 0.0}
    for surface in description.surfaces:
        adiabatic = surface["boundary"] == "adiabatic"
        areas[adiabatic] += surface["area_m2"]
        if adiabatic:
            direction = {"roof": "reduced", "floor": "enhanced"}.get(surface["kind"], "vertical")
            air_in += CONVECTION_W_PER_M2K[direction] * surface["area_m2"]
    radiation = RADIATION_W_PER_M2K * areas[True] * areas[False] / (areas[True] + areas[False])
    return _star_convection(description, with_adiabatic=False), air_in, radiation


def envelope_factor(
    description: BuildingDescription,
    params: BuildingParams,
    h_is_w_per_k: float,
    h_air_in_w_per_k: float,
    h_surface_in_w_per_k: float,
) -> float:
    """Factor on the walls' and windows' conductance of a building whose adiabatic elements
    have a surface node of their own (:func:`surface_couplings`).

    The elements' ``U`` holds the inside surface resistance (EN ISO 6946 ``R_si``), and ISO
    13790's star reaches them from the air through ``3.45 W/(m²K)`` over every surface of
    the room (7.2.2.2), a small resistance in series. With the adiabatic surfaces taken out
    of the star, the external surfaces are reached through ``3.45 W/(m²K)`` over their own
    area and, in series, through the adiabatic surfaces (``reached``), and the heated flat
    loses too little: a middle-floor corner flat of a five-storey panel block heated at
    −10 °C 9.6 % less than EnergyPlus (2,237 against 2,474 W), its walls passing 0.82 of
    ``U·A·ΔT`` where EnergyPlus' pass 0.94. The factor gives back the envelope conductance
    ``H`` (``H_tr,w + H_tr,op``) that ISO's full star would leave,
    ``1 / (1 + H (1/H_star − 1/reached))``; it is applied to the external walls and the
    windows only, as measured against EnergyPlus: every flat position of
    every archetype heated at −10 °C then loses within 3 % of EnergyPlus' heating
    (docs/thermal-energyplus.md, "Heating power of the flats alone"), where applying it to
    roofs and floors as well, or scaling it to give the full star's loss exactly, cools the
    flats too early against EnergyPlus. :func:`network_from_description` leaves it out
    where the raised opaque conductance would reach ``h_ms · A_m`` (ISO 13790 eq. 63 would
    then give a negative mass-to-outside conductance)."""
    h_out = float(params.h_tr_w_w_per_k[0] + params.h_tr_op_w_per_k[0])
    star = _star_convection(description, with_adiabatic=True)
    reached = h_is_w_per_k + h_air_in_w_per_k * h_surface_in_w_per_k / (
        h_air_in_w_per_k + h_surface_in_w_per_k
    )
    return 1.0 / (1.0 + h_out * (1.0 / star - 1.0 / reached))


def network_from_description(description: BuildingDescription) -> NetworkParams:
    """The network of one building read from a file: deep mass from the layered surfaces,
    the air node's capacity from its volume and the furniture."""
    fields = description.fields
    p, c_in, a_in = _split_mass(description)
    onto_face, into_mass = window_sun_shares(description, a_in)
    h_ms = H_MS_W_PER_M2K * float(p.a_m_m2[0])
    factor = 1.0
    if a_in > 0:
        h_is, h_a_si, h_s_si = surface_couplings(description)
        factor = envelope_factor(description, p, h_is, h_a_si, h_s_si)
    else:
        h_is, h_a_si, h_s_si = surface_convection_w_per_k(description), 0.0, 0.0
    walls_w_per_k = sum(
        s["u_w_per_m2k"] * s["area_m2"]
        for s in description.surfaces
        if s["kind"] == "wall" and s["boundary"] != "adiabatic"
    )
    raised_op = float(p.h_tr_op_w_per_k[0]) + (factor - 1.0) * walls_w_per_k
    if raised_op >= h_ms:
        factor = 1.0
    p = replace(
        p,
        h_tr_w_w_per_k=factor * p.h_tr_w_w_per_k,
        h_tr_op_w_per_k=p.h_tr_op_w_per_k + (factor - 1.0) * walls_w_per_k,
    )
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
        wall_factor = factor if surface["kind"] == "wall" else 1.0
        share = h_em * surface["u_w_per_m2k"] * wall_factor * area / h_op
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
    sun_links, sky_links = outside_links(description, p.solar_channels, links, factor)
    c_air = (
        air_heat_capacity_j_per_m3k(fields["altitude_m"]) * fields["volume_m3"]
        + fields["furniture_heat_capacity_j_per_m2k"] * fields["floor_area_m2"]
    )
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
        h_is_w_per_k=np.array([h_is]),
        c_mass_in_j_per_k=np.array([c_in]),
        a_mass_in_m2=np.array([a_in]),
        h_in_air_w_per_k=np.array([h_a_si]),
        h_in_surface_w_per_k=np.array([h_s_si]),
        h_mass_in_w_per_k=np.array([surface_to_mass_in_w_per_k(description, a_in, c_in)]),
        window_sun_to_si_share=np.array([onto_face]),
        window_sun_to_mi_share=np.array([into_mass]),
        **_leakage(description),
    )


def outside_links(
    description: BuildingDescription,
    channels: tuple[SolarChannel, ...] | list[SolarChannel],
    links: list[tuple[dict[str, Any], int, float]],
    window_factor: float,
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
    ``U·A`` times ``window_factor`` (:func:`envelope_factor`).

    Each element's outer face is at its sol-air temperature ``θ_e + R_se (α I − F_r h_r
    Δθ_sky)`` (ASHRAE Handbook Fundamentals, "Sol-air temperature"; ``F_r h_r`` of ISO 13790
    eq. 46, :func:`~warmgrid.thermal.building_file.sky_radiation_w_per_m2k`): its node takes
    ``H · R_se · α`` m² per W/m² of its channel and loses ``H · R_se · F_r h_r`` W per kelvin
    of sky depression. The heat then reaches the room through the element's layers and mass.
    """
    index = {(c.kind, c.azimuths_deg, c.tilt_deg): j for j, c in enumerate(channels)}
    sun = np.zeros((2, len(channels)))
    sky = np.zeros(3)
    outside = [(surface, node, h) for surface, node, h in links if surface["kind"] != "floor"]
    outside += [
        (surface, SURFACE_NODE, window_factor * surface["u_w_per_m2k"] * surface["area_m2"])
        for surface in description.surfaces
        if surface["kind"] == "window"
    ]
    for surface, node, h_out in outside:
        if surface["boundary"] != "outdoor":
            continue
        sky[node - SURFACE_NODE] += (
            h_out
            * R_SE_M2K_PER_W
            * sky_radiation_w_per_m2k(surface["tilt_deg"], surface["emissivity"])
        )
        if node != SURFACE_NODE:
            channel = index[("opaque", (surface["azimuth_deg"],), surface["tilt_deg"])]
            sun[node - MASS_NODE, channel] += h_out * R_SE_M2K_PER_W * surface["solar_absorptance"]
    return sun, sky


SURFACE_TO_MASS_M2K_PER_W = 0.075
"""Resistance between the surface node of the adiabatic elements (``si``) and their active
mass (``mi``) on top of each element's own layers from its room face to the centroid of
its active part, m²K/W (:func:`surface_to_mass_in_w_per_k`). ISO 13790's
``h_ms = 9.1 W/(m²K)`` (7.2.2.2) is 0.11 m²K/W from every element's surface to the mass
node, whatever its layers.

The value is fitted, not derived: against EnergyPlus' flats alone at constant −20, −10
and −5 °C (``bench/bench_thermal_energyplus.py``, EnergyPlus at three-minute steps,
:data:`~warmgrid.thermal.energyplus_run.STEPS_PER_HOUR`), 0.075 agrees in 141 of 144 cases
at 12 °C with none late, the most of the sweep (docs/thermal-energyplus.md, "Surface to
mass of the shared elements"); 0.06–0.07 agree in 139–140 with one to three flats crossing
later than allowed, 0.08 in 138. The coupled blocks would take 0.04–0.05 (64–66 of 72
flats agree at 12 °C, 1–4 late, against 53 at 0.075, none late), where 9–14 flats alone
cross later than allowed. The cold week and the example flats were not used to choose
it. It stands in for what the network leaves out:
the shared surfaces radiate to ISO's star node, which lies between the air and the
external faces, so in the heated state they sit 0.8–2.4 K warmer than the area mean of
EnergyPlus' faces (a middle-floor corner and a top-floor inner flat at −20 °C) and hold
more heat; with only the layers' conduction between surface and mass (0 here) that heat
comes back too fast and 61 of 144 flats cross 12 °C late (median 1.17 × EnergyPlus'
hours)."""


def surface_to_mass_in_w_per_k(
    description: BuildingDescription, a_in_m2: float, c_in_j_per_k: float
) -> float:
    """Conductance between the surface node of the adiabatic elements and their active mass,
    W/K: ``Σ_j A_j w_j / (R_j + R_sm)`` over the adiabatic elements with heat capacity, with
    ``w_j = κ_j A_m / C_m`` the weights of ISO 13790 eqs. (65)–(66) (``Σ A_j w_j = A_m``: a
    thin element, the 10 mm skin under a slab held by the flat above, couples in proportion
    to the heat it holds). For an element with layers ``R_j + R_sm`` is the layers'
    resistance from the room face to the centroid of its active part
    (:func:`~warmgrid.thermal.layers.element_mass`) plus :data:`SURFACE_TO_MASS_M2K_PER_W`;
    for an element that gives κ without layers it is ISO's ``1/h_ms``, so a flat of such
    elements gets ISO's ``h_ms · A_m``. ``a_in_m2``, ``c_in_j_per_k``: ISO's ``A_m`` and
    ``C_m`` of the adiabatic elements (:func:`_split_mass`; 0: no node of their own, and
    0 W/K)."""
    elements = [
        surface
        for surface in description.surfaces
        if surface["boundary"] == "adiabatic" and surface["heat_capacity_j_per_m2k"] > 0
    ]
    if a_in_m2 <= 0 or not elements:
        return 0.0
    kappa = np.array([surface["heat_capacity_j_per_m2k"] for surface in elements])
    area = np.array([surface["area_m2"] for surface in elements])
    weight = kappa * a_in_m2 / c_in_j_per_k
    to_mass = np.array(
        [
            element_mass(surface["layers"], "adiabatic").active_r_m2k_per_w
            + SURFACE_TO_MASS_M2K_PER_W
            if surface["layers"]
            else 1.0 / H_MS_W_PER_M2K
            for surface in elements
        ]
    )
    return float(np.sum(area * weight / to_mass))


def window_sun_shares(description: BuildingDescription, a_in_m2: float) -> tuple[float, float]:
    """``(onto si, into mi)``: where the sun through the windows of a building with a node of
    adiabatic elements (``a_in_m2`` > 0) lands. EnergyPlus puts the transmitted beam on the
    floor (``FullExterior``, Engineering Reference, "Solar Distribution"):

    * an adiabatic floor, the slab to the flat below, is one of the adiabatic elements:
      onto their surface node, ``(1, 0)``;
    * a floor with heat capacity over the basement or on the ground: into the active mass
      of the adiabatic elements, ``(0, 1)``. That floor's concrete lies above its fill or
      insulation and sits near the room temperature in the heated state, as the slabs and
      party walls do; ISO 13790's shares (11.3.2) hand most of the sun to the star node,
      which gives it to the air at once, and its mass node of the external elements lies
      in the drop to the outside. Against EnergyPlus (``bench/bench_thermal_energyplus.py``)
      47 of the 48 flats agree at 5 °C under the coldest week of the Denver file
      (44 with ISO's shares; 46 with the sun on the shared elements' surface node) and in
      42 and 48 under two weeks not used to choose it (41 and 46); docs/thermal-energyplus.md,
      "Where the sun lands". A file's floor with heat capacity counts as such a floor; the
      archetypes' floors over the basement are screed and concrete on fill;
    * otherwise ISO 13790's shares, ``(0, 0)``.
    """
    if a_in_m2 <= 0:
        return 0.0, 0.0
    floors = [s for s in description.surfaces if s["kind"] == "floor"]
    if any(s["boundary"] == "adiabatic" for s in floors):
        return 1.0, 0.0
    if any(s["heat_capacity_j_per_m2k"] > 0 for s in floors):
        return 0.0, 1.0
    return 0.0, 0.0


def _split_mass(description: BuildingDescription) -> tuple[BuildingParams, float, float]:
    """``(params, C_in, A_in)``: the 5R1C mass of a building whose mass comes from its
    elements' κ (ISO 13790 12.3.1.1), split into the elements with a path out (kept in
    ``params``) and the adiabatic ones (C_in J/K, A_in m², eqs. 65–66 over each group).

    In the heated steady state the adiabatic elements pass no heat: their mass sits at the
    surface node's temperature, near the air, while the mass of the external elements lies
    in the temperature drop to the outside. One node for both (ISO 13790's single ``C_m``)
    puts the slabs and party walls at the external walls' lower temperature and so counts
    too little of the heat they give back once the heating stops (EnergyPlus, heated
    ground-floor corner flat at −10 °C: slab and party walls 16.9 °C, external walls 13.0 °C,
    air 20 °C). Files that give ``thermal_class`` or ``thermal_capacity_j_per_k`` (C_m not
    the sum of the elements' κ·A), and buildings without both groups, are not split (0, 0)."""
    p = description.params
    groups: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for surface in description.surfaces:
        kappa = surface["heat_capacity_j_per_m2k"]
        if surface["kind"] != "window" and kappa > 0:
            groups[surface["boundary"] == "adiabatic"].append((surface["area_m2"], kappa))
    if not groups[True] or not groups[False]:
        return p, 0.0, 0.0
    a_out, c_out = mass_from_elements(*np.array(groups[False]).T)
    a_in, c_in = mass_from_elements(*np.array(groups[True]).T)
    if abs(c_out + c_in - float(p.c_m_j_per_k[0])) > 1e-6 * float(p.c_m_j_per_k[0]):
        return p, 0.0, 0.0
    if float(p.h_tr_op_w_per_k[0]) >= H_MS_W_PER_M2K * a_out:
        return p, 0.0, 0.0
    outer = replace(p, c_m_j_per_k=np.array([c_out]), a_m_m2=np.array([a_out]))
    return outer, c_in, a_in


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
