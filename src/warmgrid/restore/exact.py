"""Exact restoration planning with OR-Tools CP-SAT.

Model (times in integer seconds, ``TIME_SCALE`` per hour):

- one start variable per task; end = start + duration;
- per crew c, a Boolean ``x[t, c]`` "crew c does task t" (only for crews with the skill),
  exactly one per task;
- per crew, a circuit (``AddCircuit``) through its depot and the tasks it may do: the arc
  depot → t means t is its first task (start ≥ available + travel from the depot), arc
  t → u means u follows t (start_u ≥ end_t + travel t→u); a task's self-loop is taken
  when the crew does not do it, the depot's self-loop when the crew does nothing. This
  carries sequence-dependent travel exactly;
- with a shift, ``x[t, c]`` ⇒ end_t ≤ available + shift;
- precedences: start_b ≥ end_a;
- each group's restoration time ≥ the end of every task it needs;
- objective: minimise Σ weight × restoration time.

The heuristic's plan is given as a complete hint (``AddHint``), so the solver starts from
it and never returns worse. The returned plan is re-timed in exact (floating) hours.

Durations, travel, availability and shift ends are rounded *down* to whole seconds, and
non-integer weights down to 1/100: every exact plan, its start times rounded down, is
then a plan of the model with an objective no larger (⌊a + b⌋ ≥ ⌊a⌋ + ⌊b⌋), so the
model's bound is a lower bound of the exact problem and never exceeds the objective of
any plan, the reported one included. The status is ``optimal`` when CP-SAT proves the
model optimal: the plan is then optimal at one-second resolution, and objective −
lower bound is what the rounding leaves (a few weight-seconds per task).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from warmgrid.restore.problem import Problem
from warmgrid.restore.schedule import Schedule, simulate

if TYPE_CHECKING:  # OR-Tools (the ``solve`` extra) is imported when a problem is solved
    from ortools.sat.python import cp_model

TIME_SCALE = 3600
MAX_ARCS = 60_000


@dataclass(frozen=True)
class ExactResult:
    """The exact solver's plan, proof status and bound."""

    schedule: Schedule
    status: str
    lower_bound: float
    solve_s: float
    used_model: bool


def model_size(problem: Problem) -> int:
    """Number of arc literals the circuit model would need."""
    counts = problem.eligible.sum(axis=0)
    return int(np.sum(counts * (counts + 1)))


def _seconds_down(hours: np.ndarray) -> np.ndarray:
    """Whole seconds, rounded down (a float a hair below a whole second counts as it)."""
    return np.floor(np.asarray(hours) * TIME_SCALE + 1e-6).astype(np.int64)


def _int_times(
    routes: list[list[int]],
    d: np.ndarray,
    tr: np.ndarray,
    avail: np.ndarray,
    preds: tuple[tuple[int, ...], ...],
) -> np.ndarray:
    """Earliest integer starts for given routes (fixed-point iteration; small problems)."""
    n = len(d)
    start = np.zeros(n, dtype=np.int64)
    for _ in range(n + 2):
        changed = False
        for c, route in enumerate(routes):
            clock, prev = int(avail[c]), n + c
            for t in route:
                s = clock + int(tr[prev, t])
                for p in preds[t]:
                    s = max(s, int(start[p] + d[p]))
                if s != start[t]:
                    start[t], changed = s, True
                clock, prev = s + int(d[t]), t
        if not changed:
            break
    return start


def _add_ordering(
    model: cp_model.CpModel,
    x: dict[tuple[int, int], cp_model.IntVar],
    start: list[cp_model.IntVar],
    d: np.ndarray,
    min_in: np.ndarray,
    avail: np.ndarray,
    n: int,
    m: int,
) -> None:
    """Linear-ordering literals per crew, for a strong linear relaxation.

    ``y[t, u, c]`` holds when crew c does t and then, later, u. A task then ends no
    earlier than the crew's start plus, for every earlier task, its duration and its
    shortest possible incoming travel (Potts 1980, "An algorithm for the single machine
    sequencing problem with precedence constraints", Math. Prog. Study 13 — the linear
    ordering formulation, whose relaxation for one crew without travel is already tight
    pair by pair).
    """
    work = d + min_in
    for c in range(m):
        tasks_c = [t for t in range(n) if (t, c) in x]
        y: dict[tuple[int, int], cp_model.IntVar] = {}
        for i, t in enumerate(tasks_c):
            for u in tasks_c[i + 1 :]:
                y[t, u] = model.new_bool_var(f"y{t}_{u}_{c}")
                y[u, t] = model.new_bool_var(f"y{u}_{t}_{c}")
                both = [x[t, c], x[u, c]]
                model.add_bool_or([x[t, c].negated(), x[u, c].negated(), y[t, u], y[u, t]])
                model.add_bool_or([y[t, u].negated(), y[u, t].negated()])
                for lit in (y[t, u], y[u, t]):
                    model.add_implication(lit, both[0])
                    model.add_implication(lit, both[1])
                model.add(start[u] >= start[t] + int(d[t])).only_enforce_if(y[t, u])
                model.add(start[t] >= start[u] + int(d[u])).only_enforce_if(y[u, t])
        for u in tasks_c:
            before = [(y[t, u], int(work[t])) for t in tasks_c if t != u]
            model.add(
                start[u] >= int(avail[c] + min_in[u]) + sum(w * lit for lit, w in before)
            ).only_enforce_if(x[u, c])


def _break_crew_symmetry(
    problem: Problem, model: cp_model.CpModel, x: dict[tuple[int, int], cp_model.IntVar]
) -> None:
    """Order interchangeable crews (same depot, skills, availability and shift).

    Among such crews, crew k+1 may take task t only if crew k takes some task before t
    (by index): any plan can be relabelled to satisfy this, so no optimum is lost.
    """
    n = problem.n_tasks
    classes: dict[tuple[object, ...], list[int]] = {}
    for c, crew in enumerate(problem.crews):
        key = (
            tuple(problem.travel_h[n + c]),
            tuple(problem.eligible[:, c]),
            crew.available_from_h,
            crew.shift_h,
        )
        classes.setdefault(key, []).append(c)
    for members in classes.values():
        for a, b in itertools.pairwise(members):
            tasks = [t for t in range(n) if (t, a) in x]
            for k, t in enumerate(tasks):
                earlier = [x[u, a] for u in tasks[:k]]
                model.add_bool_or([*earlier, x[t, b].negated()])


def solve_exact(
    problem: Problem,
    hint: Schedule,
    *,
    time_limit_s: float = 10.0,
    workers: int = 2,
    seed: int = 0,
) -> ExactResult:
    """Solve with CP-SAT, warm-started from ``hint`` (a feasible plan, e.g. the heuristic's).

    Problems whose circuit model would exceed :data:`MAX_ARCS` arc literals are not
    modelled: the hint is returned with status ``feasible`` and ``used_model`` False.
    """
    if model_size(problem) > MAX_ARCS:
        return ExactResult(hint, "feasible", -math.inf, 0.0, used_model=False)
    n, m = problem.n_tasks, problem.n_crews
    d = _seconds_down(problem.duration_h)
    tr = _seconds_down(problem.travel_h)
    avail = _seconds_down(problem.available_h)
    shift_end = [
        None if not math.isfinite(x) else math.floor(x * TIME_SCALE + 1e-6)
        for x in problem.shift_end_h
    ]
    weights = problem.group_weight
    w_scale = 1 if np.allclose(weights, np.rint(weights)) else 100
    w_int = np.floor(weights * w_scale + 1e-9).astype(np.int64)
    horizon = int(avail.max() + np.sum(d) + np.sum(tr.max(axis=0))) + 1

    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    earliest = [
        int(min(avail[c] + tr[n + c, t] for c in range(m) if problem.eligible[t, c]))
        for t in range(n)
    ]
    start = [model.new_int_var(earliest[t], horizon, f"s{t}") for t in range(n)]
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    arcs: dict[tuple[int, int, int], cp_model.IntVar] = {}
    for t in range(n):
        for c in range(m):
            if problem.eligible[t, c]:
                x[t, c] = model.new_bool_var(f"x{t}_{c}")
        model.add_exactly_one(x[t, c] for c in range(m) if (t, c) in x)
    for c in range(m):
        tasks_c = [t for t in range(n) if (t, c) in x]
        if not tasks_c:
            continue
        circuit: list[tuple[int, int, cp_model.LiteralT]] = []
        idle = model.new_bool_var(f"idle{c}")
        circuit.append((0, 0, idle))
        for t in tasks_c:
            first = model.new_bool_var(f"f{c}_{t}")
            last = model.new_bool_var(f"l{c}_{t}")
            arcs[c, -1, t] = first
            arcs[c, t, -1] = last
            circuit += [(0, t + 1, first), (t + 1, 0, last), (t + 1, t + 1, x[t, c].negated())]
            model.add(start[t] >= int(avail[c] + tr[n + c, t])).only_enforce_if(first)
            if shift_end[c] is not None:
                model.add(start[t] + int(d[t]) <= shift_end[c]).only_enforce_if(x[t, c])
            for u in tasks_c:
                if u == t:
                    continue
                lit = model.new_bool_var(f"a{c}_{t}_{u}")
                arcs[c, t, u] = lit
                circuit.append((t + 1, u + 1, lit))
                model.add(start[u] >= start[t] + int(d[t] + tr[t, u])).only_enforce_if(lit)
        model.add_circuit(circuit)
    min_in = tr.copy()
    min_in[np.arange(n), np.arange(n)] = np.iinfo(np.int64).max
    min_in = min_in.min(axis=0)
    busy = []
    for c in range(m):
        intervals = [
            model.new_optional_interval_var(
                start[t] - int(min_in[t]),
                int(d[t] + min_in[t]),
                start[t] + int(d[t]),
                x[t, c],
                f"i{t}_{c}",
            )
            for t in range(n)
            if (t, c) in x
        ]
        model.add_no_overlap(intervals)
    for t in range(n):
        busy.append(
            model.new_interval_var(
                start[t] - int(min_in[t]), int(d[t] + min_in[t]), start[t] + int(d[t]), f"b{t}"
            )
        )
    if m > 1:
        model.add_cumulative(busy, [1] * n, m)
    _add_ordering(model, x, start, d, min_in, avail, n, m)
    _break_crew_symmetry(problem, model, x)
    for b, preds in enumerate(problem.predecessors):
        for a in preds:
            model.add(start[b] >= start[a] + int(d[a]))
    flat, offsets = problem.group_needs
    done = []
    for g in range(len(problem.groups)):
        needs = [int(t) for t in flat[offsets[g] : offsets[g + 1]]]
        lb = max(earliest[t] + int(d[t]) for t in needs)
        cg = model.new_int_var(lb, horizon, f"g{g}")
        for t in needs:
            model.add(cg >= start[t] + int(d[t]))
        done.append(cg)
    model.minimize(sum(int(w_int[g]) * done[g] for g in range(len(done))))

    routes = [list(r) for r in hint.routes]
    hint_start = _int_times(routes, d, tr, avail, problem.predecessors)
    for t in range(n):
        model.add_hint(start[t], int(hint_start[t]))
    for (t, c), var in x.items():
        model.add_hint(var, int(hint.crew_of[t] == c))
    on_arc = set()
    for c, hinted in enumerate(routes):
        if hinted:
            on_arc |= {(c, -1, hinted[0]), (c, hinted[-1], -1)}
            on_arc |= {(c, a, b) for a, b in itertools.pairwise(hinted)}
    for key, var in arcs.items():
        model.add_hint(var, int(key in on_arc))
    for g, cg in enumerate(done):
        members = flat[offsets[g] : offsets[g + 1]]
        model.add_hint(cg, int(np.max(hint_start[members] + d[members])))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(max(time_limit_s, 0.01))
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    code = solver.solve(model)
    bound = solver.best_objective_bound / (TIME_SCALE * w_scale)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ExactResult(hint, "feasible", -math.inf, solver.wall_time, used_model=True)
    succ: list[dict[int, int]] = [{} for _ in range(m)]
    for (c, a, u), lit in arcs.items():
        if solver.boolean_value(lit):
            succ[c][a] = u
    found: list[list[int]] = []
    for c in range(m):
        route: list[int] = []
        here = succ[c].get(-1, -1)
        while here != -1 and len(route) <= n:
            route.append(here)
            here = succ[c].get(here, -1)
        found.append(route)
    schedule = simulate(problem, found)
    if hint.objective < schedule.objective:
        schedule = hint
    status = "optimal" if code == cp_model.OPTIMAL else "feasible"
    return ExactResult(schedule, status, bound, solver.wall_time, used_model=True)
