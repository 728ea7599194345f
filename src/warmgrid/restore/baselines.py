"""Dispatching rules used in field practice, reported beside the optimised plan.

All three dispatch the same way: the crew that is free first takes the next open task it
can do (skill, shift, every task it comes after already given out); they differ in which
task is "next":

- ``fcfs`` — first come, first served: tasks in the order they were reported (file
  order);
- ``nearest`` — nearest site next: the task the crew can reach soonest;
- ``most_people`` — most people first: the task whose groups hold the most people.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from warmgrid.errors import WarmgridError
from warmgrid.restore.problem import Problem
from warmgrid.restore.schedule import EPS_H, Schedule, simulate

BASELINES = ("fcfs", "nearest", "most_people")

Rule = Callable[[int, int, np.ndarray], np.ndarray]


def dispatch(problem: Problem, rule: str) -> list[list[int]]:
    """Routes from a dispatching rule (one of :data:`BASELINES`)."""
    n, m = problem.n_tasks, problem.n_crews
    T, d = problem.travel_h, problem.duration_h
    people = np.zeros(n)
    for t, groups in enumerate(problem.task_groups):
        people[t] = sum(problem.groups[g].people for g in groups)
    order_key = np.arange(n, dtype=float)
    open_ = np.ones(n, dtype=bool)
    missing_preds = np.array([len(p) for p in problem.predecessors])
    ready_h = np.zeros(n)
    free = problem.available_h.copy()
    pos = np.arange(n, n + m)
    active = np.ones(m, dtype=bool)
    routes: list[list[int]] = [[] for _ in range(m)]
    idle_turns = 0
    while open_.any():
        if not active.any():
            left = problem.tasks[int(np.flatnonzero(open_)[0])].id
            raise WarmgridError(
                f"{problem.source}: the crews cannot finish every task within their shifts "
                f"(task {left!r} is left over by the {rule} rule)"
            )
        c = int(np.flatnonzero(active)[np.argmin(free[active])])
        cand = np.flatnonzero(open_ & (missing_preds == 0) & problem.eligible[:, c])
        if len(cand):
            ready = ready_h[cand]
            arrive = free[c] + T[pos[c], cand]
            finish = np.maximum(arrive, ready) + d[cand]
            ok = finish <= problem.shift_end_h[c] + EPS_H
            cand, arrive, finish = cand[ok], arrive[ok], finish[ok]
        if len(cand) == 0:
            others = active.copy()
            others[c] = False
            blocked = open_ & (missing_preds > 0) & problem.eligible[:, c]
            if blocked.any() and others.any() and idle_turns < 2 * m:
                idle_turns += 1
                free[c] = np.nextafter(np.min(free[others]), np.inf)
            else:
                active[c] = False
            continue
        idle_turns = 0
        if rule == "fcfs":
            k = int(np.argmin(order_key[cand]))
        elif rule == "nearest":
            k = int(np.lexsort((order_key[cand], arrive))[0])
        elif rule == "most_people":
            k = int(np.lexsort((order_key[cand], -people[cand]))[0])
        else:
            raise ValueError(f"unknown rule {rule!r}")
        t = int(cand[k])
        routes[c].append(t)
        open_[t] = False
        free[c] = finish[k]
        pos[c] = t
        for s in problem.successors[t]:
            missing_preds[s] -= 1
            ready_h[s] = max(ready_h[s], finish[k])
    return routes


def baseline(problem: Problem, rule: str) -> Schedule:
    """The timed plan that a dispatching rule gives."""
    return simulate(problem, dispatch(problem, rule))


def all_baselines(problem: Problem) -> dict[str, Schedule]:
    """Every baseline's timed plan, by rule name."""
    return {rule: baseline(problem, rule) for rule in BASELINES}
