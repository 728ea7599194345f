"""Flats whose heating is switched on and off step by step (rotating outages), their state
carried from one period to the next.

While the heating is on, the air is held at the set point and the mass recovers under the
weather (ideal heating at the air node, :mod:`warmgrid.thermal.history`); while it is off,
the network cools freely from the state the last period left (:func:`warmgrid.thermal.
network.modal`). Both steps are exact for inputs held over a step, so a period of any
length is stepped as the engines step an outage.

Flats of one class and position differ only in their occupants' gains ``q`` (W), and the
network is linear, so under one on/off sequence every such flat's air is
``α(t) + q·β(t)`` (as :func:`warmgrid.thermal.flats.class_response`): one row per class,
position and sequence, whatever the number of flats.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from warmgrid.thermal.history import held_run, held_steady, held_step
from warmgrid.thermal.network import NetworkParams, _matrices, discretise


@dataclass(frozen=True)
class SwitchedResponse:
    """Air temperature ``alpha + q·beta`` (``(rows, steps + 1)``, °C and K/W) at ``time_h``
    of each row of :func:`switched_response`."""

    time_h: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray


def switched_response(
    net: NetworkParams,
    row_class: np.ndarray,
    heat_on: np.ndarray,
    features: np.ndarray,
    step_h: float,
    set_point_c: float,
    history: np.ndarray | None = None,
) -> SwitchedResponse:
    """Rows of classes of flats (``net``'s row ``row_class[r]``, its gains ignored) with
    the heating on in the steps where ``heat_on[r]`` (``(rows, steps)``) is true, under the
    shared inputs ``features`` (rows per step, :func:`warmgrid.thermal.cooldown._features`).
    Every row starts heated: from the end of ``history`` (the inputs of the weather before
    the first step, stepped with the heating on) or from the heated steady state under the
    first step."""
    zero = replace(net, base=replace(net.base, internal_gains_w=np.zeros(len(net))))
    one = replace(net, base=replace(net.base, internal_gains_w=np.ones(len(net))))
    C, K, b_zero = _matrices(zero)
    gains_drive = (_matrices(one)[2] - b_zero)[:, :, 1:2]
    step_s = step_h * 3600.0
    if history is None:
        weather_start = held_steady(K, b_zero @ features[0], np.full(len(net), set_point_c))
        gains_start = held_steady(K, gains_drive[:, :, 0], np.zeros(len(net)))
    else:
        weather_start = held_run(C, K, b_zero, history, set_point_c, step_h)
        ones = np.ones((history.shape[0], 1))
        gains_start = held_run(C, K, gains_drive, ones, 0.0, step_h)
    phi_free, gamma_free = discretise(zero, step_s)
    gain_free = discretise(one, step_s)[1][:, :, 1] - gamma_free[:, :, 1]
    held_weather = held_step(C, K, b_zero, step_s)
    held_gains = held_step(C, K, gains_drive, step_s)
    inputs = np.concatenate([features, np.full((features.shape[0], 1), set_point_c)], axis=1)
    forced_free = np.einsum("cik,tk->tci", gamma_free, features)
    forced_held = np.einsum("cik,tk->tci", held_weather.gamma, inputs)
    rc = np.asarray(row_class, dtype=np.int64)
    phi_f, phi_h = phi_free[rc], held_weather.phi[rc]
    gain_f, gain_h = gain_free[rc], held_gains.gamma[rc][:, :, 0]
    x = np.stack([weather_start[rc], gains_start[rc]], axis=2)
    n_steps = features.shape[0]
    air = np.empty((n_steps + 1, rc.size, 2))
    air[0] = x[:, 0, :]
    held_air = np.broadcast_to(np.array([set_point_c, 0.0]), (rc.size, 1, 2))
    for t in range(n_steps):
        free = phi_f @ x
        free[:, :, 0] += forced_free[t][rc]
        free[:, :, 1] += gain_f
        mass = phi_h @ x[:, 1:, :]
        mass[:, :, 0] += forced_held[t][rc]
        mass[:, :, 1] += gain_h
        held = np.concatenate([held_air, mass], axis=1)
        x = np.where(heat_on[:, t, None, None], held, free)
        air[t + 1] = x[:, 0, :]
    return SwitchedResponse(
        time_h=np.arange(n_steps + 1) * step_h,
        alpha=air[:, :, 0].T.copy(),
        beta=air[:, :, 1].T.copy(),
    )
