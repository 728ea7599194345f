"""The rotation solver against exhaustive search, and its properties on random instances.

Instances are built directly (reliefs in whole kW, costs in hundredths of people-hours) so
that the solver's integer model and the float evaluation agree exactly. The oracle
enumerates every schedule of a small instance, keeps those that meet every limit with
irreducible slots, and takes the lexicographic minimum of the same objective.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from warmgrid.rotate.baselines import cyclic, largest_first
from warmgrid.rotate.solve import Instance, feasible, objective, solve


def _instance(seed: int, n_groups: int, n_slots: int, n_limits: int = 2) -> Instance:
    rng = np.random.default_rng(seed)
    load = rng.integers(1, 6, size=(n_groups, n_slots)).astype(np.float64)  # MW
    relief, excess = [], []
    for t in range(n_slots):
        share = rng.integers(0, 2, size=(n_limits, n_groups)).astype(np.float64)
        share[0] = 1.0  # the island limit sees every group
        matrix = share * load[:, t]
        relief.append(matrix)
        excess.append(np.floor(matrix.sum(axis=1) * rng.uniform(0.0, 0.7, n_limits)))
    people = rng.integers(0, 4, size=n_groups)
    grace = rng.integers(0, 3, size=n_groups)
    hours = np.arange(n_slots + 1)
    cost = people[:, None] * np.maximum(0, hours[None, :] - grace[:, None]) ** 2.0  # convex
    return Instance(
        slot_h=np.ones(n_slots),
        relief=relief,
        excess=excess,
        load_mw=load,
        cold_cost=cost,
        switches=rng.integers(1, 3, size=n_groups),
    )


def _irreducible(instance: Instance, t: int, off: np.ndarray) -> bool:
    for g in np.flatnonzero(off):
        fewer = off.copy()
        fewer[g] = False
        if feasible(instance, t, fewer):
            return False
    return True


def _exhaustive(instance: Instance) -> tuple[float, ...]:
    n_g, n_t = instance.n_groups, instance.n_slots
    columns = []
    for t in range(n_t):
        ok = [
            np.array(bits, dtype=bool)
            for bits in itertools.product([False, True], repeat=n_g)
            if feasible(instance, t, np.array(bits, dtype=bool))
            and _irreducible(instance, t, np.array(bits, dtype=bool))
        ]
        columns.append(ok)
    best = None
    for choice in itertools.product(*columns):
        value = objective(instance, np.column_stack(choice))
        best = value if best is None or value < best else best
    assert best is not None
    return best


def test_solver_equals_exhaustive_search_on_small_instances() -> None:
    for seed in range(12):
        instance = _instance(seed, n_groups=3, n_slots=4)
        off = solve(instance)
        assert objective(instance, off) == _exhaustive(instance), seed


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_groups=st.integers(1, 5),
    n_slots=st.integers(1, 6),
)
def test_schedule_meets_every_limit_sheds_no_more_than_needed_and_beats_cyclic(
    seed: int, n_groups: int, n_slots: int
) -> None:
    instance = _instance(seed, n_groups, n_slots)
    off = solve(instance)
    base = cyclic(instance)
    for t in range(n_slots):
        assert feasible(instance, t, off[:, t])
        assert _irreducible(instance, t, off[:, t])  # a cheaper feasible slot would fail this
        assert feasible(instance, t, base[:, t])
        assert feasible(instance, t, largest_first(instance)[:, t])
    assert objective(instance, off)[0] <= objective(instance, base)[0]


def test_equal_groups_get_hours_off_within_one_slot_of_each_other() -> None:
    n_groups, n_slots = 5, 7
    relief = [np.ones((1, n_groups)) for _ in range(n_slots)]
    instance = Instance(
        slot_h=np.full(n_slots, 2.0),
        relief=relief,
        excess=[np.array([2.0]) for _ in range(n_slots)],  # two groups off in every slot
        load_mw=np.ones((n_groups, n_slots)),
        cold_cost=np.zeros((n_groups, 2 * n_slots + 1)),
        switches=np.ones(n_groups, dtype=np.int64),
    )
    hours = solve(instance) @ instance.slot_h
    assert hours.sum() == 2 * n_slots * 2.0
    assert hours.max() - hours.min() <= 2.0
