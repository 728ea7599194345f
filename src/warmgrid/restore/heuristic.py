"""Fast restoration heuristic: urgency-ordered list scheduling plus local search.

1. **Construction.** Groups are taken in order of weighted urgency — weight ÷ the work
   still needed to serve them (duration plus the shortest possible travel into each
   missing task), the ratio of Smith's rule (Smith 1956, "Various optimizers for
   single-stage production", Naval Res. Logist. Q. 3) — and their missing tasks (with any
   tasks those must come after) go to the crew that can finish each soonest. A task-level
   variant and the field dispatching rules are built too; the best start wins.
2. **Local search.** Moves of one task to another position of any crew (its own or
   another), and swaps of two tasks within or between crews, each judged on the exact
   objective. Candidates are restricted to positions next to the task's nearest
   neighbours (granular neighbourhoods, Toth & Vigo 2003, INFORMS J. Computing 15(4)).
3. **Iterated local search.** Random kicks (a few tasks moved at random) followed by
   local search, keeping the best plan, until the time limit or until many kicks in a
   row bring nothing. With an iteration budget instead (``iterations`` kicks), the
   clock is never read: the plan depends only on the problem and the seed, as a sweep
   split over any number of processes needs.
"""

from __future__ import annotations

import math
import time

import numpy as np

from warmgrid.errors import WarmgridError
from warmgrid.restore.baselines import BASELINES, dispatch
from warmgrid.restore.problem import Problem
from warmgrid.restore.schedule import EPS_H, Evaluator, InfeasiblePlanError, Schedule, simulate

#: Above this many tasks the field rules are tried as starting plans only when the
#: urgency rules fail (on large problems they start far worse and cost search time).
LARGE_TASKS = 300


def _entry_travel_h(problem: Problem) -> np.ndarray:
    """The shortest travel into each task from any other task or depot, hours."""
    T = problem.travel_h.copy()
    n = problem.n_tasks
    T[np.arange(n), np.arange(n)] = np.inf
    return T.min(axis=0)


def _topo_rank(problem: Problem) -> np.ndarray:
    """A topological rank of the tasks under the precedences (Kahn's algorithm)."""
    n = problem.n_tasks
    indeg = np.array([len(p) for p in problem.predecessors])
    rank = np.zeros(n, dtype=np.int64)
    queue = [t for t in range(n) if indeg[t] == 0]
    k = 0
    while queue:
        t = queue.pop()
        rank[t] = k
        k += 1
        for s in problem.successors[t]:
            indeg[s] -= 1
            if indeg[s] == 0:
                queue.append(s)
    return rank


class _Builder:
    """Appends tasks to crew routes, each to the crew that finishes it soonest."""

    def __init__(self, problem: Problem) -> None:
        self.p = problem
        n, m = problem.n_tasks, problem.n_crews
        self.free = problem.available_h.copy()
        self.pos = np.arange(n, n + m)
        self.end = np.zeros(n)
        self.done = np.zeros(n, dtype=bool)
        self.routes: list[list[int]] = [[] for _ in range(m)]

    def place(self, t: int) -> None:
        p = self.p
        ready = max((self.end[q] for q in p.predecessors[t]), default=0.0)
        finish = np.maximum(self.free + p.travel_h[self.pos, t], ready) + p.duration_h[t]
        finish = np.where(p.eligible[t] & (finish <= p.shift_end_h + EPS_H), finish, math.inf)
        c = int(np.argmin(finish))
        if not math.isfinite(finish[c]):
            raise WarmgridError(
                f"{p.source}: no crew can fit task {p.tasks[t].id!r} into its shift "
                "after the work before it"
            )
        self.routes[c].append(t)
        self.free[c] = finish[c]
        self.end[t] = finish[c]
        self.pos[c] = t
        self.done[t] = True

    def place_with_ancestors(self, tasks: list[int], rank: np.ndarray) -> list[int]:
        p = self.p
        todo: set[int] = set()
        stack = [t for t in tasks if not self.done[t]]
        while stack:
            t = stack.pop()
            if t in todo:
                continue
            todo.add(t)
            stack.extend(q for q in p.predecessors[t] if not self.done[q])
        placed = sorted(todo, key=lambda t: (rank[t], -p.duration_h[t]))
        for t in placed:
            self.place(t)
        return placed


def construct_by_groups(problem: Problem) -> list[list[int]]:
    """Routes from group urgency: weight ÷ remaining work, highest first."""
    p = problem
    rank = _topo_rank(p)
    cost = p.duration_h + _entry_travel_h(p)
    flat, offsets = p.group_needs
    n_groups = len(p.groups)
    remaining = np.add.reduceat(cost[flat], offsets[:-1]) if n_groups else np.zeros(0)
    missing = np.diff(offsets)
    open_groups = missing > 0
    b = _Builder(p)
    while open_groups.any():
        ratio = np.where(open_groups, p.group_weight / np.maximum(remaining, 1e-9), -np.inf)
        g = int(np.argmax(ratio))
        needs = [int(t) for t in flat[offsets[g] : offsets[g + 1]]]
        for t in b.place_with_ancestors(needs, rank):
            for h in p.task_groups[t]:
                remaining[h] -= cost[t]
                missing[h] -= 1
                if missing[h] == 0:
                    open_groups[h] = False
    rest = [t for t in np.argsort(rank, kind="stable") if not b.done[t]]
    for t in rest:
        b.place(int(t))
    return b.routes


def construct_by_tasks(problem: Problem) -> list[list[int]]:
    """Routes from task urgency: weight of the groups needing a task ÷ its work."""
    p = problem
    rank = _topo_rank(p)
    ratio = p.task_weight / np.maximum(p.duration_h + _entry_travel_h(p), 1e-9)
    b = _Builder(p)
    for t in np.argsort(-ratio, kind="stable"):
        b.place_with_ancestors([int(t)], rank)
    return b.routes


class _Search:
    """Granular local search and iterated local search over an :class:`Evaluator`."""

    def __init__(
        self,
        problem: Problem,
        routes: list[list[int]],
        rng: np.random.Generator,
        max_moves: float = math.inf,
    ) -> None:
        self.p = problem
        self.moves = 0  # moves evaluated so far, against ``max_moves``
        self.max_moves = max_moves
        self.ev = Evaluator(problem, routes)
        self.rng = rng
        n = problem.n_tasks
        k = min(n - 1, 10 if n <= 200 else 6)
        travel = problem.travel_h[:n, :n] + problem.travel_h[:n, :n].T
        travel[np.arange(n), np.arange(n)] = np.inf
        self.near = np.argsort(travel, axis=1)[:, :k] if k > 0 else np.zeros((n, 0), int)
        self.small = n <= 15

    def where(self) -> tuple[np.ndarray, np.ndarray]:
        n = self.p.n_tasks
        crew = np.zeros(n, dtype=np.int64)
        pos = np.zeros(n, dtype=np.int64)
        for c, route in enumerate(self.ev.routes):
            for i, t in enumerate(route):
                crew[t], pos[t] = c, i
        return crew, pos

    def _relocations(self, t: int, crew: np.ndarray, pos: np.ndarray) -> list[tuple[int, int]]:
        """(crew, insertion index in the route without t) candidates for task t."""
        eligible = self.p.eligible[t]
        if self.small:
            return [
                (c, q)
                for c, route in enumerate(self.ev.routes)
                if eligible[c]
                for q in range(len(route) - (1 if crew[t] == c else 0) + 1)
            ]
        out: set[tuple[int, int]] = set()
        for u in self.near[t]:
            c = int(crew[u])
            if not eligible[c]:
                continue
            q = int(pos[u]) - (1 if crew[t] == c and pos[t] < pos[u] else 0)
            out.add((c, q))
            out.add((c, q + 1))
        c0 = int(crew[t])
        size = len(self.ev.routes[c0]) - 1
        for q in range(max(0, int(pos[t]) - 3), min(size, int(pos[t]) + 3) + 1):
            out.add((c0, q))
        for c in range(self.p.n_crews):
            if eligible[c] and not self.ev.routes[c]:
                out.add((c, 0))
        return sorted(out)

    def _swap_partners(self, t: int) -> list[int]:
        if self.small:
            return list(range(t + 1, self.p.n_tasks))
        return [int(u) for u in self.near[t]]

    def descend(self, deadline: float) -> bool:
        """First-improvement descent to a local optimum; False if the deadline stopped it."""
        improved = True
        while improved:
            improved = False
            crew, pos = self.where()
            for t in self.rng.permutation(self.p.n_tasks):
                if self.stopped(deadline):
                    return False
                t = int(t)
                if self._try_relocate(t, crew, pos) or self._try_swap(t, crew, pos):
                    improved = True
                    crew, pos = self.where()
        return True

    def stopped(self, deadline: float) -> bool:
        """The move budget is spent or the wall-clock deadline has passed."""
        if self.moves >= self.max_moves:
            return True
        return deadline < math.inf and time.perf_counter() > deadline

    def _try(self, change: dict[int, list[int]], first: dict[int, int] | None = None) -> float:
        self.moves += 1
        return self.ev.try_change(change, first)

    def _try_relocate(self, t: int, crew: np.ndarray, pos: np.ndarray) -> bool:
        ev = self.ev
        a, i = int(crew[t]), int(pos[t])
        without = ev.routes[a][:i] + ev.routes[a][i + 1 :]
        best = ev.value - 1e-9 * max(1.0, abs(ev.value))
        for c, q in self._relocations(t, crew, pos):
            if c == a:
                if q == i:
                    continue
                change = {a: [*without[:q], t, *without[q:]]}
                first = {a: min(i, q)}
            else:
                route = ev.routes[c]
                change = {a: without, c: [*route[:q], t, *route[q:]]}
                first = {a: i, c: q}
            if self._try(change, first) < best:
                ev.accept()
                return True
        return False

    def _try_swap(self, t: int, crew: np.ndarray, pos: np.ndarray) -> bool:
        ev, p = self.ev, self.p
        a, i = int(crew[t]), int(pos[t])
        best = ev.value - 1e-9 * max(1.0, abs(ev.value))
        for u in self._swap_partners(t):
            b, j = int(crew[u]), int(pos[u])
            if a == b:
                route = list(ev.routes[a])
                route[i], route[j] = route[j], route[i]
                change = {a: route}
                first = {a: min(i, j)}
            else:
                if not (p.eligible[t, b] and p.eligible[u, a]):
                    continue
                ra, rb = list(ev.routes[a]), list(ev.routes[b])
                ra[i], rb[j] = u, t
                change = {a: ra, b: rb}
                first = {a: i, b: j}
            if self._try(change, first) < best:
                ev.accept()
                return True
        return False

    def kick(self, strength: int) -> None:
        """Move a few random tasks to random feasible positions."""
        ev, p = self.ev, self.p
        for _ in range(strength):
            for _attempt in range(10):
                t = int(self.rng.integers(p.n_tasks))
                crew, pos = self.where()
                a, i = int(crew[t]), int(pos[t])
                without = ev.routes[a][:i] + ev.routes[a][i + 1 :]
                options = np.flatnonzero(p.eligible[t])
                c = int(self.rng.choice(options))
                base = without if c == a else ev.routes[c]
                q = int(self.rng.integers(len(base) + 1))
                new = [*base[:q], t, *base[q:]]
                change = {a: new} if c == a else {a: without, c: new}
                if math.isfinite(self._try(change)):
                    ev.accept()
                    break


def solve_heuristic(
    problem: Problem,
    *,
    time_limit_s: float = 5.0,
    seed: int = 0,
    max_stall: int | None = None,
    iterations: int | None = None,
    max_moves: int | None = None,
) -> Schedule:
    """A good feasible plan within ``time_limit_s`` seconds (wall clock), or, given
    ``iterations``, after at most that many kicks whatever the time (deterministic: the
    same problem and seed give the same plan on any machine, under any load).

    Stops earlier when ``max_stall`` kicks in a row (default: 30 + 3 × tasks, at most
    300) have not improved the best plan, or, given ``max_moves``, once that many moves
    (relocations, swaps, kicks) have been evaluated: a deterministic bound on the work
    that grows with the problem, where kicks alone do not (each kick's descent scans
    every task's neighbourhood again).
    """
    if iterations is not None and iterations < 0:
        raise WarmgridError(f"iteration budget must be 0 or more, got {iterations}")
    if iterations is None:
        deadline = time.perf_counter() + max(time_limit_s, 0.01)
        budget = math.inf
    else:
        deadline, budget = math.inf, iterations
    rng = np.random.default_rng(seed)
    starts = []
    for build in (construct_by_groups, construct_by_tasks):
        try:
            starts.append(build(problem))
        except WarmgridError:
            continue
    for rule in BASELINES if problem.n_tasks <= LARGE_TASKS or not starts else ():
        try:
            starts.append(dispatch(problem, rule))
        except WarmgridError:
            continue
    if not starts:
        raise WarmgridError(
            f"{problem.source}: found no way for the crews to finish every task within their shifts"
        )
    scored = [(simulate(problem, r).objective, k) for k, r in enumerate(starts)]
    first_routes = [list(r) for r in starts[min(scored)[1]]]
    best_routes = first_routes
    search = _Search(problem, best_routes, rng, math.inf if max_moves is None else max_moves)
    search.descend(deadline)
    best_value = search.ev.value
    best_routes = [list(r) for r in search.ev.routes]
    stall_limit = max_stall if max_stall is not None else min(300, 30 + 3 * problem.n_tasks)
    stall = kicks = 0
    while kicks < budget and stall < stall_limit and problem.n_tasks > 1:
        if search.stopped(deadline):
            break
        kicks += 1
        search.ev = Evaluator(problem, best_routes)
        search.kick(int(_kick_size(problem.n_tasks, rng)))
        finished = search.descend(deadline)
        if search.ev.value < best_value - 1e-9 * max(1.0, abs(best_value)):
            best_value = search.ev.value
            best_routes = [list(r) for r in search.ev.routes]
            stall = 0
        else:
            stall += 1
        if not finished:
            break
    try:
        return simulate(problem, best_routes)
    except InfeasiblePlanError:
        # Only with zero-length work and travel can the search's timing accept routes
        # that wait on each other in a cycle; fall back to the constructed plan.
        return simulate(problem, first_routes)


def _kick_size(n_tasks: int, rng: np.random.Generator) -> int:
    """Number of tasks a kick moves: 1 to 3 on small problems, up to 2 % on large ones."""
    top = max(3, n_tasks // 50)
    return int(rng.integers(1, top + 1))
