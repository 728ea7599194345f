"""Flats whose heating is switched on and off step by step (rotating outages), their state
carried from one period to the next.

While the heating is on, the air is held at the set point and the mass recovers under the
weather (ideal heating at the air node, :mod:`warmgrid.thermal.history`); while it is off,
the network cools freely from the state the last period left (:func:`warmgrid.thermal.
network.modal`). Both steps are exact for inputs held over a step, so a period of any
length is stepped as the engines step an outage.

Flats of one class and position differ only in their occupants' gains ``q`` (W), and the
network is linear, so under one on/off sequence every such flat's air is
``α(t) + q·β(t)`` (as :func:`warmgrid.thermal.flats.class_response`): one row per class
and sequence, whatever the number of flats. The systems are the coupled blocks of a
building's flats and stairwell (:func:`warmgrid.thermal.coupling.switched_blocks`), every
flat's air held while the heat is on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from warmgrid.thermal.history import held_run, held_steady, held_step, moving_states
from warmgrid.thermal.network import exact_step


@dataclass(frozen=True)
class SwitchedResponse:
    """Air temperature ``alpha + q·beta`` (``(rows, steps + 1)``, °C and K/W) at ``time_h``
    of each row of :func:`warmgrid.thermal.coupling.switched_blocks`."""

    time_h: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray


def switched_states(
    C: np.ndarray,
    K: np.ndarray,
    B: np.ndarray,
    row_class: np.ndarray,
    heat_on: np.ndarray,
    features: np.ndarray,
    step_h: float,
    set_point_c: float,
    history: np.ndarray | None,
    air: Sequence[int],
    read: list[int],
    heated_system: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """The states ``read`` of rows of systems ``C dx/dt = −K x + B u`` (stacked per class;
    ``B``'s last column takes one watt of gains) stepped with the ``air`` states held at
    the set point in the steps where ``heat_on[r]`` is true and free in the others (as
    the module docstring): ``(steps + 1, rows, read, 2)``, the response to the
    weather from the heated start (°C) and to one watt of gains (K/W). ``heated_system``:
    ``(K, B)`` while heated (the heated state's convection, :mod:`warmgrid.thermal.zone`);
    None: ``(K, B)``."""
    n = K.shape[0]
    warm, warm_b = (K, B) if heated_system is None else heated_system
    weather_drive, gains_drive = warm_b[:, :, :-1], warm_b[:, :, -1:]
    step_s = step_h * 3600.0
    if history is None:
        weather_start = held_steady(warm, weather_drive @ features[0], np.full(n, set_point_c), air)
        gains_start = held_steady(warm, gains_drive[:, :, 0], np.zeros(n), air)
    else:
        weather_start = held_run(C, warm, weather_drive, history, set_point_c, step_h, air)
        ones = np.ones((history.shape[0], 1))
        gains_start = held_run(C, warm, gains_drive, ones, 0.0, step_h, air)
    phi_free, gamma_free = exact_step(C, K, B, step_s)
    held_weather = held_step(C, warm, weather_drive, step_s, air)
    held_gains = held_step(C, warm, gains_drive, step_s, air)
    inputs = np.concatenate([features, np.full((features.shape[0], 1), set_point_c)], axis=1)
    forced_free = np.einsum("cik,tk->tci", gamma_free[:, :, :-1], features)
    forced_held = np.einsum("cik,tk->tci", held_weather.gamma, inputs)
    rc = np.asarray(row_class, dtype=np.int64)
    rest = moving_states(K.shape[1], air)
    phi_f, phi_h = phi_free[rc], held_weather.phi[rc]
    gain_f, gain_h = gamma_free[rc][:, :, -1], held_gains.gamma[rc][:, :, 0]
    x = np.stack([weather_start[rc], gains_start[rc]], axis=2)
    n_steps = features.shape[0]
    out = np.empty((n_steps + 1, rc.size, len(read), 2))
    out[0] = x[:, read, :]
    held = np.empty_like(x)
    held[:, list(air), :] = [set_point_c, 0.0]
    for t in range(n_steps):
        free = phi_f @ x
        free[:, :, 0] += forced_free[t][rc]
        free[:, :, 1] += gain_f
        mass = phi_h @ x[:, rest, :]
        mass[:, :, 0] += forced_held[t][rc]
        mass[:, :, 1] += gain_h
        held[:, rest, :] = mass
        x = np.where(heat_on[:, t, None, None], held, free)
        out[t + 1] = x[:, read, :]
    return out
