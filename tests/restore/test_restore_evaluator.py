"""The local search's incremental evaluator agrees with full timing after any moves."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from restore_helpers import route_objective

from warmgrid.restore.bound import greedy_bound
from warmgrid.restore.heuristic import construct_by_groups
from warmgrid.restore.problem import Crew, Group, Task, Travel, build_problem
from warmgrid.restore.random_problem import random_problem
from warmgrid.restore.schedule import Evaluator


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 40),
    m=st.integers(1, 5),
    share=st.sampled_from([0.0, 0.3]),
)
def test_incremental_objective_matches_full_timing(seed: int, n: int, m: int, share: float):
    problem = random_problem(n, m, seed, precedence_share=share, with_skills=False)
    ev = Evaluator(problem, construct_by_groups(problem))
    rng = np.random.default_rng(seed)
    for _ in range(40):
        t = int(rng.integers(n))
        a = next(c for c, r in enumerate(ev.routes) if t in r)
        i = ev.routes[a].index(t)
        without = ev.routes[a][:i] + ev.routes[a][i + 1 :]
        c = int(rng.integers(m))
        base = without if c == a else ev.routes[c]
        q = int(rng.integers(len(base) + 1))
        new = [*base[:q], t, *base[q:]]
        change = {a: new} if c == a else {a: without, c: new}
        first = {a: min(i, q)} if c == a else {a: i, c: q}
        value = ev.try_change(change, first)
        routes = [change.get(k, r) for k, r in enumerate(ev.routes)]
        expected = route_objective(problem, routes)
        if math.isinf(expected):
            assert math.isinf(value)
            continue
        assert value == pytest.approx(expected, rel=1e-9)
        if rng.random() < 0.7:
            ev.accept()


def test_closed_form_bound_is_exact_for_one_crew_without_travel() -> None:
    # One crew, no travel, one task per group: the bound is Smith's rule, which is optimal.
    rng = np.random.default_rng(5)
    tasks = [Task(f"t{j}", float(rng.integers(1, 9))) for j in range(7)]
    weights = rng.integers(1, 20, size=7).astype(float)
    zero = {a: {t.id: 0.0 for t in tasks} for a in [t.id for t in tasks] + ["crew"]}
    groups = [Group(f"g{j}", weights[j], (f"t{j}",)) for j in range(7)]
    problem = build_problem(tasks, [Crew("crew")], groups, Travel(matrix_h=zero))
    order = np.argsort(-weights / problem.duration_h)
    smith = float(weights[order] @ np.cumsum(problem.duration_h[order]))
    assert greedy_bound(problem) == pytest.approx(smith)
