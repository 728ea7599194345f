"""Independent helpers for the restoration tests: plan checking and brute force."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from warmgrid.restore.problem import Problem
from warmgrid.restore.schedule import Schedule
from warmgrid.restore.validate import plan_violations


def violations(problem: Problem, schedule: Schedule) -> list[str]:
    """Validator verdict on a schedule, by ids."""
    ids = [t.id for t in problem.tasks]
    return plan_violations(
        problem,
        {problem.crews[c].id: [ids[t] for t in r] for c, r in enumerate(schedule.routes)},
        dict(zip(ids, map(float, schedule.start_h), strict=True)),
        dict(zip(ids, map(float, schedule.end_h), strict=True)),
        {g.id: float(x) for g, x in zip(problem.groups, schedule.group_restored_h, strict=True)},
        schedule.objective,
    )


def route_objective(problem: Problem, routes: Sequence[Sequence[int]]) -> float:
    """Objective of routes by fixed-point iteration of earliest starts (inf: infeasible)."""
    n = problem.n_tasks
    d, tr = problem.duration_h, problem.travel_h
    end = [0.0] * n
    for _ in range(n + 1):
        changed = False
        for c, route in enumerate(routes):
            clock, prev = problem.crews[c].available_from_h, n + c
            for t in route:
                start = max([clock + tr[prev, t]] + [end[p] for p in problem.predecessors[t]])
                if start + d[t] != end[t]:
                    end[t], changed = start + d[t], True
                clock, prev = start + d[t], t
        if not changed:
            break
    else:
        return math.inf
    for c, route in enumerate(routes):
        shift = problem.crews[c].shift_h
        limit = problem.crews[c].available_from_h + (shift if shift is not None else math.inf)
        if route and end[route[-1]] > limit + 1e-9:
            return math.inf
    # A precedence must really be met (a deadlock never settles or breaks one).
    for t in range(n):
        for p in problem.predecessors[t]:
            if end[t] - d[t] < end[p] - 1e-9:
                return math.inf
    return sum(g.weight * max(end[problem.task_index[x]] for x in g.needs) for g in problem.groups)


def brute_force(problem: Problem) -> float:
    """Best objective over every assignment of tasks to able crews and every order."""
    n, m = problem.n_tasks, problem.n_crews
    best = math.inf
    options = [[c for c in range(m) if problem.eligible[t, c]] for t in range(n)]
    for assign in itertools.product(*options):
        members = [[t for t in range(n) if assign[t] == c] for c in range(m)]
        for orders in itertools.product(*(itertools.permutations(x) for x in members)):
            best = min(best, route_objective(problem, orders))
    return best


def subset_dp_single_crew(problem: Problem) -> float:
    """Exact optimum for one crew by dynamic programming over subsets of tasks.

    With one crew, Σ weight × group time = Σ over the crew's legs (travel + repair) of the
    leg's length × the weight of the groups still waiting when the leg starts; so the
    best cost of doing set S and ending at task j depends on (S, j) only.
    """
    n = problem.n_tasks
    d, tr = problem.duration_h, problem.travel_h
    needs = [frozenset(problem.task_index[x] for x in g.needs) for g in problem.groups]
    weights = [g.weight for g in problem.groups]
    full = (1 << n) - 1

    def waiting(mask: int) -> float:
        return sum(
            w for w, s in zip(weights, needs, strict=True) if any(not mask >> t & 1 for t in s)
        )

    base = problem.crews[0].available_from_h * sum(weights)
    cost: dict[tuple[int, int], float] = {}
    for j in range(n):
        if not problem.predecessors[j]:
            cost[1 << j, j] = (tr[n, j] + d[j]) * waiting(0)
    for mask in range(1, full + 1):
        w_open = waiting(mask)
        for j in range(n):
            if (mask, j) not in cost:
                continue
            here = cost[mask, j]
            for k in range(n):
                if mask >> k & 1 or any(not mask >> p & 1 for p in problem.predecessors[k]):
                    continue
                key = (mask | 1 << k, k)
                value = here + (tr[j, k] + d[k]) * w_open
                if value < cost.get(key, math.inf):
                    cost[key] = value
    return base + min(cost[full, j] for j in range(n) if (full, j) in cost)
