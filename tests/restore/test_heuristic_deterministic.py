"""The heuristic's deterministic mode: an iteration budget and a seed, never the clock."""

from __future__ import annotations

import itertools
import time

import pytest
from restore_helpers import brute_force

from warmgrid.errors import WarmgridError
from warmgrid.restore.heuristic import solve_heuristic
from warmgrid.restore.random_problem import random_problem


def _plan(problem, **options):
    schedule = solve_heuristic(problem, seed=3, **options)
    return schedule.objective, [list(route) for route in schedule.routes]


def test_iteration_budget_ignores_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = random_problem(16, 3, 7)
    calm = _plan(problem, iterations=20)
    ticks = itertools.count()
    # a clock that jumps an hour per reading: a time limit would stop at once
    monkeypatch.setattr(time, "perf_counter", lambda: 3600.0 * next(ticks))
    assert _plan(problem, iterations=20) == calm
    rushed = _plan(problem, time_limit_s=1.0)
    assert rushed[0] >= calm[0]


def test_same_seed_same_plan_and_budget_helps() -> None:
    problem = random_problem(14, 3, 11)
    assert _plan(problem, iterations=15) == _plan(problem, iterations=15)
    none, some = _plan(problem, iterations=0), _plan(problem, iterations=30)
    assert some[0] <= none[0]


@pytest.mark.parametrize("seed", range(4))
def test_deterministic_mode_finds_the_optimum_of_tiny_problems(seed: int) -> None:
    problem = random_problem(5, 2, seed)
    best = brute_force(problem)
    assert solve_heuristic(problem, iterations=50, seed=seed).objective == pytest.approx(best)


def test_negative_budget_is_refused() -> None:
    with pytest.raises(WarmgridError, match="iteration budget"):
        solve_heuristic(random_problem(3, 1, 0), iterations=-1)


def test_move_budget_bounds_the_work_and_ignores_the_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A move budget stops the search deterministically: counted moves stay within one
    task's neighbourhood of it, the same budget gives the same plan under any clock, a
    larger budget never gives a worse plan, and one that never binds changes nothing."""
    from warmgrid.restore.schedule import Evaluator

    problem = random_problem(30, 3, 5)
    counted = []
    original = Evaluator.try_change

    def counting(self, *args, **kwargs):
        counted.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Evaluator, "try_change", counting)
    unbounded = _plan(problem, iterations=5)
    needed = len(counted)
    assert _plan(problem, iterations=5, max_moves=needed + 1) == unbounded
    counted.clear()
    small = _plan(problem, iterations=5, max_moves=needed // 10)
    assert needed // 10 <= len(counted) <= needed // 10 + 30 * 20  # one task's moves more
    larger = _plan(problem, iterations=5, max_moves=needed // 2)
    assert unbounded[0] <= larger[0] <= small[0]
    ticks = itertools.count()
    monkeypatch.setattr(time, "perf_counter", lambda: 3600.0 * next(ticks))
    assert _plan(problem, iterations=5, max_moves=needed // 10) == small
