"""Baseline rotations to compare the cold-aware one with.

- **Cyclic** (the NRS 048-9 load-shedding stages and Ukrenergo's queues): the groups in a
  fixed order; every slot turns off the next groups in that order, continuing where the
  last slot stopped, until every limit holds.
- **Largest first**: every slot turns off the largest groups (by load in that slot) until
  every limit holds.

Both use the same limits (:mod:`warmgrid.rotate.screen`) as the planner.
"""

from __future__ import annotations

import numpy as np

from warmgrid.rotate.solve import Instance, check_solvable, feasible


def _fill(instance: Instance, t: int, order: list[int]) -> tuple[np.ndarray, int]:
    """Turn off groups of ``order`` until slot ``t`` is feasible; (off, how many)."""
    off = np.zeros(instance.n_groups, dtype=bool)
    taken = 0
    while not feasible(instance, t, off):
        off[order[taken]] = True
        taken += 1
    return off, taken


def cyclic(instance: Instance) -> np.ndarray:
    """The fixed cyclic rotation ``off[g, t]``."""
    check_solvable(instance)
    n_g = instance.n_groups
    schedule = np.zeros((n_g, instance.n_slots), dtype=bool)
    pointer = 0
    for t in range(instance.n_slots):
        order = [(pointer + k) % n_g for k in range(n_g)]
        schedule[:, t], taken = _fill(instance, t, order)
        pointer = (pointer + taken) % max(n_g, 1)
    return schedule


def largest_first(instance: Instance) -> np.ndarray:
    """Shed the largest groups first, ``off[g, t]``."""
    check_solvable(instance)
    schedule = np.zeros((instance.n_groups, instance.n_slots), dtype=bool)
    for t in range(instance.n_slots):
        order = np.argsort(-instance.load_mw[:, t], kind="stable").tolist()
        schedule[:, t], _ = _fill(instance, t, order)
    return schedule
