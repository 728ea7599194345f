"""The solvers against independent oracles: brute force, subset DP, Horn's algorithm."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from restore_helpers import brute_force, route_objective, subset_dp_single_crew, violations

from warmgrid.restore.bound import lower_bound
from warmgrid.restore.exact import solve_exact
from warmgrid.restore.heuristic import solve_heuristic
from warmgrid.restore.problem import Crew, Group, Task, Travel, build_problem
from warmgrid.restore.random_problem import random_problem


def tiny_problem(seed: int, n: int, m: int, *, shift: bool = False):
    """Random tiny problem with a travel matrix, skills, a precedence and shared groups."""
    rng = np.random.default_rng(seed)
    tasks = []
    for i in range(n):
        after = (f"t{int(rng.integers(i))}",) if i > 0 and rng.random() < 0.25 else ()
        skill = str(rng.choice(["e", "h"])) if m > 1 else None
        tasks.append(Task(f"t{i}", float(rng.integers(1, 9)) / 2, skill=skill, after=after))
    crews = [
        Crew(
            f"c{k}",
            skills=None if k == 0 else frozenset({"e"}),
            available_from_h=float(rng.integers(0, 3)) / 2,
            shift_h=60.0 if shift else None,
        )
        for k in range(m)
    ]
    ids = [t.id for t in tasks] + [c.id for c in crews]
    matrix = {a: {t.id: float(rng.integers(0, 5)) / 4 for t in tasks if t.id != a} for a in ids}
    groups = [
        Group(
            f"g{k}",
            float(rng.integers(1, 20)),
            tuple(sorted({f"t{int(x)}" for x in rng.integers(n, size=rng.integers(1, 3))})),
        )
        for k in range(n)
    ]
    return build_problem(tasks, crews, groups, Travel(matrix_h=matrix))


@pytest.mark.parametrize("seed", range(6))
def test_exact_equals_brute_force_on_tiny_instances(seed: int) -> None:
    n, m = (5, 2) if seed % 2 else (6, 2)
    problem = tiny_problem(seed, n, m, shift=seed == 3)
    best = brute_force(problem)
    hint = solve_heuristic(problem, time_limit_s=1.0, seed=seed)
    result = solve_exact(problem, hint, time_limit_s=20.0)
    assert result.status == "optimal"
    assert result.schedule.objective == pytest.approx(best, rel=1e-6)
    assert violations(problem, result.schedule) == []
    assert hint.objective >= best - 1e-6
    assert lower_bound(problem) <= best + 1e-6


@pytest.mark.parametrize("seed", range(4))
def test_exact_and_heuristic_match_subset_dp_for_one_crew(seed: int) -> None:
    problem = tiny_problem(100 + seed, 8, 1)
    best = subset_dp_single_crew(problem)
    hint = solve_heuristic(problem, time_limit_s=1.0)
    result = solve_exact(problem, hint, time_limit_s=20.0)
    assert result.status == "optimal"
    assert result.schedule.objective == pytest.approx(best, rel=1e-6)
    assert hint.objective == pytest.approx(best, rel=0.02)
    assert route_objective(problem, result.schedule.routes) == pytest.approx(best, rel=1e-9)


def horn_optimum(duration: list[float], weight: list[float], parent: list[int]) -> float:
    """Horn (1972) for one machine, out-tree precedences, Σ w C.

    With a dummy root (index n) above the tree roots: repeatedly take the non-root
    (composite) job of highest weight ÷ duration, and append it to its parent composite;
    the dummy root's sequence is optimal.
    """
    n = len(duration)
    seq = {j: [j] for j in range(n + 1)}
    seq[n] = []
    p = dict(enumerate(duration)) | {n: 0.0}
    w = dict(enumerate(weight)) | {n: 0.0}
    par = {j: (parent[j] if parent[j] >= 0 else n) for j in range(n)}
    while par:
        j = max(par, key=lambda j: w[j] / p[j])
        i = par.pop(j)
        seq[i] += seq.pop(j)
        p[i] += p.pop(j)
        w[i] += w.pop(j)
        for k in par:
            if par[k] == j:
                par[k] = i
    clock, total = 0.0, 0.0
    for t in seq[n]:
        clock += duration[t]
        total += weight[t] * clock
    return total


@pytest.mark.parametrize("seed", range(4))
def test_exact_matches_horn_on_one_crew_with_tree_precedences(seed: int) -> None:
    rng = np.random.default_rng(200 + seed)
    n = 9
    duration = [float(x) for x in rng.integers(1, 10, size=n)]
    weight = [float(x) for x in rng.integers(1, 30, size=n)]
    parent = [-1] + [int(rng.integers(j)) if rng.random() < 0.6 else -1 for j in range(1, n)]
    tasks = [
        Task(f"t{j}", duration[j], after=(f"t{parent[j]}",) if parent[j] >= 0 else ())
        for j in range(n)
    ]
    ids = [t.id for t in tasks] + ["crew"]
    zero = {a: {t.id: 0.0 for t in tasks} for a in ids}
    groups = [Group(f"g{j}", weight[j], (f"t{j}",)) for j in range(n)]
    problem = build_problem(tasks, [Crew("crew")], groups, Travel(matrix_h=zero))
    best = horn_optimum(duration, weight, parent)
    hint = solve_heuristic(problem, time_limit_s=1.0)
    result = solve_exact(problem, hint, time_limit_s=20.0)
    assert result.status == "optimal"
    assert result.schedule.objective == pytest.approx(best, rel=1e-9)
    assert subset_dp_single_crew(problem) == pytest.approx(best, rel=1e-9)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 25),
    m=st.integers(1, 4),
    share=st.sampled_from([0.0, 0.2, 0.5]),
)
def test_heuristic_plans_are_valid_and_no_worse_than_baselines(
    seed: int, n: int, m: int, share: float
) -> None:
    from warmgrid.restore.baselines import all_baselines

    problem = random_problem(n, m, seed, precedence_share=share)
    plan = solve_heuristic(problem, time_limit_s=0.5, seed=seed)
    assert violations(problem, plan) == []
    assert route_objective(problem, plan.routes) == pytest.approx(plan.objective, rel=1e-9)
    for name, schedule in all_baselines(problem).items():
        assert violations(problem, schedule) == [], name
        assert plan.objective <= schedule.objective + 1e-6, name
    assert lower_bound(problem) <= plan.objective * (1 + 1e-9)


def test_exact_solver_returns_hint_for_too_large_models() -> None:
    problem = random_problem(300, 10, 1)
    hint = solve_heuristic(problem, time_limit_s=0.5)
    result = solve_exact(problem, hint, time_limit_s=1.0)
    assert not result.used_model
    assert result.status == "feasible"
    assert result.schedule.objective == hint.objective
    assert math.isinf(result.lower_bound)


def test_binding_shift_is_honoured_by_every_solver() -> None:
    tasks = [Task(f"t{i}", 3.0) for i in range(4)]
    crews = [Crew("short", shift_h=4.0), Crew("long", available_from_h=1.0)]
    ids = [t.id for t in tasks] + [c.id for c in crews]
    matrix = {a: {t.id: 0.5 for t in tasks if t.id != a} for a in ids}
    groups = [Group(f"g{i}", float(10 - i), (f"t{i}",)) for i in range(4)]
    problem = build_problem(tasks, crews, groups, Travel(matrix_h=matrix))
    best = brute_force(problem)
    plan = solve_heuristic(problem, time_limit_s=0.5)
    result = solve_exact(problem, plan, time_limit_s=10.0)
    for schedule in (plan, result.schedule):
        assert violations(problem, schedule) == []
        assert len(schedule.routes[0]) == 1
    assert result.status == "optimal"
    assert result.schedule.objective == pytest.approx(best)


def test_shifts_too_short_for_the_work_are_reported() -> None:
    from warmgrid.errors import WarmgridError

    tasks = [Task(f"t{i}", 3.0) for i in range(3)]
    crews = [Crew("only", shift_h=7.0)]
    matrix = {a: {t.id: 0.0 for t in tasks} for a in ["t0", "t1", "t2", "only"]}
    groups = [Group("g", 1.0, ("t0", "t1", "t2"))]
    problem = build_problem(tasks, crews, groups, Travel(matrix_h=matrix))
    with pytest.raises(WarmgridError, match="shift"):
        solve_heuristic(problem, time_limit_s=0.5)
