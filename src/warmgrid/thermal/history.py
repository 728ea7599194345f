"""The network of :mod:`warmgrid.thermal.network` with its heating on: the air held at the
set point, the mass charged by the weather before the outage.

Ideal heating at the air node, as EnergyPlus' ideal loads in the reference runs
(docs/thermal-energyplus.md): the heating supplies whatever keeps the air at the set point,
so the air is no longer a state and the other states (mass, deep mass, the adiabatic
elements' mass) follow ``C_r dx_r/dt = −K_rr x_r − K_r0 θ_set + B_r u``, the rows and
columns of the air taken out of ``C dx/dt = −K x + B u``. Where the sun and the gains would
lift the air above the set point it is held there all the same (no heat stored beyond it:
the cautious side, the flats then start the outage with less heat).

The held system is discretised exactly as the free one (:func:`warmgrid.thermal.network.
modal_of`): ``S = C_r^-½ K_rr C_r^-½`` is symmetric (``K`` is), its eigen-decomposition
gives the matrix exponential and its integral over a step with the inputs held.

The state an outage starts from is the end of the pre-outage weather
(:attr:`warmgrid.thermal.weather.Weather.before`, :data:`~warmgrid.thermal.weather.
PRE_HISTORY_H` hours) stepped with the heating on from the held steady state under its
first hour; without that weather, the held steady state under the outage's first hour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from warmgrid.thermal.cooldown import _features, to_steps
from warmgrid.thermal.network import (
    NetworkParams,
    _infiltration_w_per_k,
    _matrices,
    _with_ventilation,
    exact_step,
)
from warmgrid.thermal.rc import BuildingParams
from warmgrid.thermal.weather import Weather, channel_irradiance, sky_depression

AIR = (0,)
"""The held states of a network: its air, state 0 (the other states, its mass nodes,
move)."""


def moving_states(size: int, air: Sequence[int]) -> list[int]:
    """The states of a system of ``size`` that move while its ``air`` states are held."""
    return [i for i in range(size) if i not in air]


def heated_steady(
    K: np.ndarray, drive: np.ndarray, set_point_c: np.ndarray, air: Sequence[int] = AIR
) -> tuple[np.ndarray, np.ndarray]:
    """The heated steady state and its heating power, for ``k`` right-hand sides at once.

    ``K`` ``(n, S, S)`` W/K, ``drive = B u`` ``(n, S, k)`` W, ``set_point_c`` ``(n, k)`` °C
    for the ``air`` states. Returns the states ``(n, S, k)``, °C, with the ``air`` states at
    the set point and the others from ``K_rr x_r = drive_r − K_ra θ_set`` (``r`` the other
    states), and the heating power at each air node ``(n, len(air), k)``, W, that holds it
    there: ``K_a x − drive_a`` (ideal heating at the air node, as EnergyPlus' ideal loads).
    A negative power: the gains alone keep that air warmer than the set point."""
    held = list(air)
    rest = moving_states(K.shape[1], air)
    rhs = drive[:, rest] - K[:, rest][:, :, held].sum(axis=2)[:, :, None] * set_point_c[:, None]
    x = np.empty(drive.shape)
    x[:, held] = set_point_c[:, None]
    x[:, rest] = np.linalg.solve(K[:, rest][:, :, rest], rhs)
    return x, K[:, held] @ x - drive[:, held]


def held_steady(
    K: np.ndarray, drive: np.ndarray, set_point_c: np.ndarray, air: Sequence[int] = AIR
) -> np.ndarray:
    """States ``(n, S)`` with the ``air`` states at ``set_point_c`` (``(n,)`` °C) in the
    steady state under ``drive = B u`` (``(n, S)``, W): :func:`heated_steady` of one
    right-hand side."""
    return heated_steady(K, drive[:, :, None], set_point_c[:, None], air)[0][:, :, 0]


@dataclass(frozen=True)
class HeldStep:
    """``x_r ← Φ x_r + Γ [u; θ_set]`` over one step, per building, ``r`` the states that
    move: ``phi (n, r, r)``, ``gamma (n, r, inputs + 1)`` (the set point as the last
    input)."""

    phi: np.ndarray
    gamma: np.ndarray


def held_step(
    C: np.ndarray, K: np.ndarray, B: np.ndarray, step_s: float, air: Sequence[int] = AIR
) -> HeldStep:
    """The exact step of the system with its ``air`` states held, for inputs held over
    ``step_s`` seconds (module docstring); ``(C, K, B)`` as
    :func:`warmgrid.thermal.network._matrices`."""
    rest = moving_states(K.shape[1], air)
    K_rest = K[:, rest]
    drive = np.concatenate([B[:, rest], -K_rest[:, :, list(air)].sum(axis=2)[:, :, None]], axis=2)
    phi, gamma = exact_step(C[:, rest], K_rest[:, :, rest], drive, step_s)
    return HeldStep(phi=phi, gamma=gamma)


def history_features(base: BuildingParams, weather: Weather, step_h: float) -> np.ndarray | None:
    """Inputs (rows per step, :func:`warmgrid.thermal.cooldown._features`) of the weather
    before the outage, ``weather.before``, for the solar channels of ``base``; None when
    it is not known or shorter than a step."""
    before = weather.before
    if before is None or before.hours < step_h:
        return None
    n_steps = int(before.hours / step_h)
    return _features(
        base,
        before.temp_air_c,
        step_h,
        n_steps,
        channel_irradiance(before, base.solar_channels),
        sky_depression(before) if before.has_sun else 0.0,
    )


def heated_history(
    net: NetworkParams,
    features: np.ndarray,
    set_point_c: np.ndarray | float,
    step_h: float,
    wind_speed_m_per_s: np.ndarray | float = 0.0,
) -> np.ndarray:
    """States ``(n, S)`` (:func:`~warmgrid.thermal.network._matrices`) at the end of
    ``features`` (rows per step, see
    :func:`warmgrid.thermal.cooldown._features`) stepped with the air held at
    ``set_point_c``, from the held steady state under the first row. Buildings with a
    leakage area take each step's infiltration at the set point and that step's outdoor
    air and wind (``wind_speed_m_per_s``: constant, per step or hourly), as
    :func:`warmgrid.thermal.network.simulate_network` does once the heating is off."""
    if net.leakage_area_cm2 is None:
        C, K, B = _matrices(net, heated=True)
        return held_run(C, K, B, features, set_point_c, step_h)
    n_steps = features.shape[0]
    wind = to_steps(wind_speed_m_per_s, step_h, n_steps, "wind_speed_m_per_s")
    set_point = np.broadcast_to(np.asarray(set_point_c, dtype=np.float64), (len(net),))
    x: np.ndarray | None = None
    for t in range(n_steps):
        leaky = _with_ventilation(
            net, _infiltration_w_per_k(net, set_point, features[t, 0], wind[t])
        )
        C, K, B = _matrices(leaky, heated=True)
        if x is None:
            x = held_steady(K, B @ features[0], set_point)
        step = held_step(C, K, B, step_h * 3600.0)
        inputs = np.concatenate(
            [np.broadcast_to(features[t], (len(net), features.shape[1])), set_point[:, None]],
            axis=1,
        )
        mass = np.einsum("bij,bj->bi", step.phi, x[:, 1:])
        mass += np.einsum("bik,bk->bi", step.gamma, inputs)
        x = np.concatenate([set_point[:, None], mass], axis=1)
    assert x is not None
    return x


def held_run(
    C: np.ndarray,
    K: np.ndarray,
    B: np.ndarray,
    features: np.ndarray,
    set_point_c: np.ndarray | float,
    step_h: float,
    air: Sequence[int] = AIR,
) -> np.ndarray:
    """:func:`heated_history` on the matrices ``(C, K, B)`` of
    :func:`warmgrid.thermal.network._matrices` (or any inputs ``B``, ``features`` of
    matching width: a response to one watt of gains is ``B`` its drive, ``features`` ones),
    the ``air`` states held (several for a block of flats,
    :mod:`warmgrid.thermal.coupling`)."""
    n = K.shape[0]
    set_point = np.broadcast_to(np.asarray(set_point_c, dtype=np.float64), (n,))
    x = held_steady(K, B @ features[0], set_point, air)
    step = held_step(C, K, B, step_h * 3600.0, air)
    inputs = np.concatenate([features, np.zeros((features.shape[0], 1))], axis=1)
    forced = np.einsum("bik,tk->tbi", step.gamma, inputs)
    forced += step.gamma[None, :, :, -1] * set_point[None, :, None]
    rest = moving_states(K.shape[1], air)
    mass = x[:, rest]
    for t in range(features.shape[0]):
        mass = np.einsum("bij,bj->bi", step.phi, mass) + forced[t]
    x[:, rest] = mass
    return x
