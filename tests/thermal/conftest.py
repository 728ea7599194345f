"""Shared oracle of the thermal tests: every node of a network integrated by scipy."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from scipy.integrate import solve_ivp


def _radau(C: np.ndarray, K: np.ndarray, drive: np.ndarray, kept, start, hours: np.ndarray):
    """``C dx/dt = drive − K x`` on all nodes by scipy's Radau from ``start`` on the nodes
    ``kept`` (the surface nodes, ``C = 0``, get 100 J/K and start in balance), read at
    ``hours``."""
    kept = list(kept)
    capacity = np.where(C > 0, C, 100.0)
    surface = [i for i in range(len(C)) if i not in kept]
    x0 = np.zeros(len(C))
    x0[kept] = start
    x0[surface] = np.linalg.solve(
        K[np.ix_(surface, surface)], drive[surface] - K[np.ix_(surface, kept)] @ start
    )
    return solve_ivp(
        lambda _t, x: (drive - K @ x) / capacity,
        (0, hours[-1] * 3600),
        x0,
        method="Radau",
        t_eval=hours * 3600,
        rtol=1e-9,
        atol=1e-9,
        dense_output=True,
    )


@pytest.fixture
def radau_all_nodes() -> Callable:
    """:func:`_radau`."""
    return _radau
