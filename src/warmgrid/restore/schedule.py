"""Timing of a plan: from crew routes (ordered task lists) to start and end times.

For given routes the earliest times are optimal, since the objective only grows with
end times: each task starts as soon as its crew has arrived (travel from the previous
task, or from the depot at ``available_from_h``) and every task it comes after has
ended. :func:`simulate` computes these times for any routes; :class:`Evaluator` does the
same repeatedly and fast for the local search.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from warmgrid.errors import WarmgridError
from warmgrid.restore.problem import Problem

EPS_H = 1e-9
QUICK_ROUNDS = 4


class InfeasiblePlanError(WarmgridError):
    """Routes that cannot be carried out (skill, shift, or a precedence deadlock)."""


@dataclass(frozen=True)
class Schedule:
    """A timed plan. Task-indexed arrays follow the problem's task order; hours."""

    routes: tuple[tuple[int, ...], ...]
    crew_of: np.ndarray
    travel_h: np.ndarray
    start_h: np.ndarray
    end_h: np.ndarray
    group_restored_h: np.ndarray
    objective: float


def _times(problem: Problem, routes: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Start and end times by propagation in topological order; raises on a deadlock."""
    n = problem.n_tasks
    preds, succs = problem.predecessors, problem.successors
    nxt = [-1] * n
    prev_row = [-1] * n
    indeg = [len(p) for p in preds]
    for c, route in enumerate(routes):
        prev = n + c
        for t in route:
            prev_row[t] = prev
            if prev < n:
                indeg[t] += 1
                nxt[prev] = t
            prev = t
    if min(prev_row, default=0) < 0:
        raise InfeasiblePlanError("a task is in no route")
    legs = problem.travel_h[np.array(prev_row), np.arange(n)].tolist()
    d = problem.duration_h.tolist()
    avail = problem.available_h.tolist()
    ready_at = [avail[r - n] if r >= n else 0.0 for r in prev_row]
    start = [0.0] * n
    end = [0.0] * n
    queue = deque(t for t in range(n) if indeg[t] == 0)
    done = 0
    while queue:
        t = queue.popleft()
        done += 1
        s = ready_at[t] + legs[t]
        for p in preds[t]:
            if end[p] > s:
                s = end[p]
        start[t] = s
        e = s + d[t]
        end[t] = e
        u = nxt[t]
        if u >= 0:
            ready_at[u] = e
            indeg[u] -= 1
            if indeg[u] == 0:
                queue.append(u)
        for u in succs[t]:
            indeg[u] -= 1
            if indeg[u] == 0:
                queue.append(u)
    if done < n:
        stuck = [problem.tasks[t].id for t in range(n) if indeg[t] > 0][:5]
        raise InfeasiblePlanError(
            "the crews' task orders and the precedences wait on each other "
            f"(deadlock around {', '.join(stuck)})"
        )
    return np.array(start), np.array(end)


def check_routes(problem: Problem, routes: Sequence[Sequence[int]]) -> None:
    """Raise :class:`InfeasiblePlanError` unless every task is routed once to an able crew."""
    if len(routes) != problem.n_crews:
        raise InfeasiblePlanError(f"expected {problem.n_crews} routes, got {len(routes)}")
    seen = np.zeros(problem.n_tasks, dtype=int)
    for c, route in enumerate(routes):
        for t in route:
            seen[t] += 1
            if not problem.eligible[t, c]:
                raise InfeasiblePlanError(
                    f"crew {problem.crews[c].id!r} lacks skill {problem.tasks[t].skill!r} "
                    f"for task {problem.tasks[t].id!r}"
                )
    bad = np.flatnonzero(seen != 1)
    if len(bad):
        raise InfeasiblePlanError(
            f"task {problem.tasks[bad[0]].id!r} is routed {seen[bad[0]]} times, expected once"
        )


def simulate(problem: Problem, routes: Sequence[Sequence[int]]) -> Schedule:
    """Earliest times for the given routes; raises :class:`InfeasiblePlanError`."""
    check_routes(problem, routes)
    start, end = _times(problem, routes)
    n = problem.n_tasks
    crew_of = np.zeros(n, dtype=np.int64)
    travel = np.zeros(n)
    for c, route in enumerate(routes):
        prev = n + c
        for t in route:
            crew_of[t] = c
            travel[t] = problem.travel_h[prev, t]
            prev = t
        if route and end[route[-1]] > problem.shift_end_h[c] + EPS_H:
            raise InfeasiblePlanError(
                f"crew {problem.crews[c].id!r} ends at {end[route[-1]]:.2f} h, "
                f"after its shift ends at {problem.shift_end_h[c]:.2f} h"
            )
    group_h = problem.group_completion_h(end)
    return Schedule(
        routes=tuple(tuple(int(t) for t in r) for r in routes),
        crew_of=crew_of,
        travel_h=travel,
        start_h=start,
        end_h=end,
        group_restored_h=group_h,
        objective=float(problem.group_weight @ group_h),
    )


class Evaluator:
    """Objective of candidate routes, fast, for the local search.

    Holds the current routes and task end times. :meth:`try_change` evaluates replacing
    the routes of a few crews and keeps the result pending; :meth:`accept` makes it
    current. Without precedences each crew's times depend on its own route only, so a
    change re-times only the crews it touches.
    """

    def __init__(self, problem: Problem, routes: Sequence[Sequence[int]]) -> None:
        self.problem = problem
        self.n = problem.n_tasks
        self.T = problem.travel_h.tolist()
        self.d = problem.duration_h.tolist()
        self.avail = problem.available_h.tolist()
        self.shift_end = (problem.shift_end_h + EPS_H).tolist()
        self.flat, offsets = problem.group_needs
        self.starts = offsets[:-1]
        self.weight = problem.group_weight
        self.general = problem.has_precedences
        self.routes: list[list[int]] = [list(r) for r in routes]
        end = self._full_end(self.routes)
        if end is None:
            raise InfeasiblePlanError("the starting routes are infeasible")
        self.end = end
        self.completion = self._completion(end)
        self.value = float(self.weight @ self.completion)
        self.crew_of = np.zeros(self.n, dtype=np.int64)
        for c, route in enumerate(self.routes):
            self.crew_of[route] = c
        self.max_rounds = sum(len(p) for p in problem.predecessors) + 2
        self._pending: tuple[dict[int, list[int]], np.ndarray, np.ndarray, float] | None = None

    def _completion(self, end: np.ndarray) -> np.ndarray:
        if len(self.weight) == 0:
            return np.zeros(0)
        return np.maximum.reduceat(end[self.flat], self.starts)

    def _objective_after(self, end: np.ndarray) -> tuple[float, np.ndarray]:
        """Objective and group times for new end times."""
        completion = self._completion(end)
        return float(self.weight @ completion), completion

    def _crew_end(self, c: int, route: list[int], first: int = 0) -> list[float] | None:
        """End times of ``route[first:]``; the prefix is unchanged from the current routes."""
        if first > 0:
            prev = route[first - 1]
            t_now = float(self.end[prev])
        else:
            t_now = self.avail[c]
            prev = self.n + c
        T, d = self.T, self.d
        out = []
        for t in route[first:]:
            t_now += T[prev][t] + d[t]
            out.append(t_now)
            prev = t
        if out and out[-1] > self.shift_end[c]:
            return None
        return out

    def _full_end(self, routes: list[list[int]]) -> np.ndarray | None:
        if self.general:
            try:
                _, end = _times(self.problem, routes)
            except InfeasiblePlanError:
                return None
            for c, route in enumerate(routes):
                if route and end[route[-1]] > self.shift_end[c]:
                    return None
            return end
        end = np.zeros(self.n)
        for c, route in enumerate(routes):
            ends = self._crew_end(c, route)
            if ends is None:
                return None
            end[route] = ends
        return end

    def try_change(
        self, changed: dict[int, list[int]], first: dict[int, int] | None = None
    ) -> float:
        """Objective if the routes of the crews in ``changed`` were replaced (inf: infeasible).

        ``first[c]`` may say from which position crew c's new route differs from its
        current one (the tasks before it keep their times unless precedences move them).
        """
        first = first or {}
        if self.general:
            end = self._propagate(changed, first)
            if end is None:
                return math.inf
        else:
            end = self.end.copy()
            for c, route in changed.items():
                k = first.get(c, 0)
                ends = self._crew_end(c, route, k)
                if ends is None:
                    return math.inf
                end[route[k:]] = ends
        value, completion = self._objective_after(end)
        self._pending = (changed, end, completion, value)
        return value

    def _propagate(self, changed: dict[int, list[int]], first: dict[int, int]) -> np.ndarray | None:
        """Re-time changed crews, then every crew whose tasks wait on a moved end time.

        A fixed-point iteration over crews; if it has not settled after a few rounds, the
        times are computed afresh in topological order, which also finds deadlocks.
        """
        end = self.end.copy()
        crew_of = self.crew_of.copy()
        for c, route in changed.items():
            crew_of[route] = c
        T, d, preds, succs = self.T, self.d, self.problem.predecessors, self.problem.successors
        for c, route in changed.items():
            for i, t in enumerate(route):
                for q in preds[t]:
                    if crew_of[q] == c and route.index(q) > i:
                        return None
        dirty = set(changed)
        for round_ in range(QUICK_ROUNDS):
            if not dirty:
                return end
            next_dirty: set[int] = set()
            for c in dirty:
                route = changed.get(c, self.routes[c])
                k = first.get(c, 0) if round_ == 0 else 0
                if k > 0:
                    prev = route[k - 1]
                    clock = float(end[prev])
                else:
                    clock = self.avail[c]
                    prev = self.n + c
                for t in route[k:]:
                    s = clock + T[prev][t]
                    for q in preds[t]:
                        if end[q] > s:
                            s = end[q]
                    e = s + d[t]
                    if e != end[t]:
                        end[t] = e
                        for u in succs[t]:
                            next_dirty.add(int(crew_of[u]))
                    clock, prev = e, t
                if route and clock > self.shift_end[c]:
                    return None
            dirty = next_dirty
        if not dirty:
            return end
        return self._full_end([changed.get(c, r) for c, r in enumerate(self.routes)])

    def accept(self) -> None:
        """Make the last evaluated change current."""
        assert self._pending is not None
        changed, end, completion, value = self._pending
        for c, route in changed.items():
            self.routes[c] = route
            self.crew_of[route] = c
        self.end, self.completion, self.value = end, completion, value
        self._pending = None
