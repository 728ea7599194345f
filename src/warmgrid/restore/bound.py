"""A lower bound on the optimal objective, from a linear relaxation solved with HiGHS.

Each task j is seen as a block of length ``p_j = duration_j + shortest travel into j``
on the crew that does it; blocks of one crew do not overlap and start no earlier than the
earliest crew availability ``a``. For such schedules on k parallel crews every set S of
tasks satisfies the parallel-machine inequality (Hall, Schulz, Shmoys & Wein 1997,
"Scheduling to minimize average completion time: off-line and on-line approximation
algorithms", Math. Oper. Res. 22(3), Lemma 3.2 after Queyranne 1993):

    Σ_{j∈S} p_j (C_j − a) ≥ p(S)² / (2k) + ½ Σ_{j∈S} p_j²,

applied to all tasks with k = all crews, and to each class of tasks with the same able
crews with k = their number. The LP minimises Σ weight × group time subject to group
time ≥ task end, task end ≥ earliest possible end, precedences, and these inequalities,
added as cuts for the prefixes of the current LP order until none is violated. Any plan's
objective is at least the LP optimum.

The same inequalities also give a closed-form bound (:func:`greedy_bound`): with fixed
task weights ω the minimum of Σ ω_j C_j over them is reached in Smith's order (ω/p
decreasing), with C_j − a = p(before j)/k + p_j (1/(2k) + 1/2) (Eastman, Even & Isaacs
1964, "Bounds for the optimal scheduling of n jobs on m processors", Management Science
11(2)). A group's time is at least any convex combination of its tasks' times, so
splitting its weight over its tasks gives valid task weights. :func:`lower_bound`
returns the larger of the two bounds.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np

from warmgrid.restore.problem import Problem

if TYPE_CHECKING:  # HiGHS (the ``solve`` extra) is imported when a bound is computed
    import highspy

INF = 1e30


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Keep HiGHS's one-time banner off stdout (it is written by C++ code)."""
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _new_highs() -> highspy.Highs:
    with _quiet_stdout():
        import highspy

        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def lower_bound(problem: Problem, *, max_rounds: int = 200, time_limit_s: float = 30.0) -> float:
    """Lower bound on Σ weight × group restoration hours over all feasible plans.

    Cut rounds stop when none is violated, after ``max_rounds`` rounds or after
    ``time_limit_s`` seconds; the bound is valid whenever it stops.
    """
    deadline = time.perf_counter() + time_limit_s
    p = problem
    n, n_groups = p.n_tasks, len(p.groups)
    T = p.travel_h.copy()
    T[np.arange(n), np.arange(n)] = np.inf
    min_in = T.min(axis=0)
    block = p.duration_h + min_in
    a = float(p.available_h.min())
    reach = p.available_h[None, :] + p.travel_h[n:, :].T
    earliest_end = np.where(p.eligible, reach, np.inf).min(axis=1) + p.duration_h

    h = _new_highs()
    costs = np.concatenate([np.zeros(n), p.group_weight])
    lower = np.concatenate([earliest_end, np.zeros(n_groups)])
    h.addCols(
        n + n_groups,
        costs,
        lower,
        np.full(n + n_groups, INF),
        0,
        np.zeros(0, dtype=np.int32),
        np.zeros(0, dtype=np.int32),
        np.zeros(0),
    )
    rows: list[tuple[list[int], list[float], float]] = []
    flat, offsets = p.group_needs
    for g in range(n_groups):
        for t in flat[offsets[g] : offsets[g + 1]]:
            rows.append(([n + g, int(t)], [1.0, -1.0], 0.0))
    for b, preds in enumerate(p.predecessors):
        for q in preds:
            rows.append(([b, q], [1.0, -1.0], float(p.duration_h[b])))
    _add_rows(h, rows)

    classes: list[tuple[np.ndarray, int]] = [(np.arange(n), p.n_crews)]
    patterns: dict[bytes, list[int]] = {}
    for t in range(n):
        patterns.setdefault(p.eligible[t].tobytes(), []).append(t)
    for tasks in patterns.values():
        k = int(p.eligible[tasks[0]].sum())
        if k < p.n_crews:
            classes.append((np.array(tasks), k))

    value = 0.0
    for _ in range(max_rounds):
        h.run()
        value = float(h.getInfo().objective_function_value)
        completion = np.array(h.getSolution().col_value[:n])
        cuts = []
        for members, k in classes:
            order = members[np.argsort(completion[members], kind="stable")]
            pj = block[order]
            lhs = np.cumsum(pj * (completion[order] - a))
            rhs = np.cumsum(pj) ** 2 / (2 * k) + 0.5 * np.cumsum(pj**2)
            violated = np.flatnonzero(lhs < rhs - 1e-7 * np.maximum(1.0, rhs))
            for idx in violated[:: max(1, len(violated) // 8)]:
                s = order[: idx + 1]
                cuts.append(
                    (
                        [int(j) for j in s],
                        [float(x) for x in block[s]],
                        float(rhs[idx] + a * block[s].sum()),
                    )
                )
        if not cuts or time.perf_counter() > deadline:
            break
        _add_rows(h, cuts)
    return max(value, greedy_bound(problem))


def _smith_times(block: np.ndarray, omega: np.ndarray, k: int) -> np.ndarray:
    """Task times C − a minimising Σ ω C over the parallel-machine inequalities (k crews)."""
    order = np.argsort(-omega / np.maximum(block, 1e-12), kind="stable")
    p = block[order]
    before = np.concatenate([[0.0], np.cumsum(p)[:-1]])
    out = np.empty_like(block)
    out[order] = before / k + p * (0.5 / k + 0.5)
    return out


def greedy_bound(problem: Problem, *, iterations: int = 60) -> float:
    """Closed-form lower bound from the parallel-machine inequalities (no LP).

    The split of each group's weight over its tasks is improved by Frank–Wolfe steps
    towards the task with the latest time in the current bound (the bound is concave in
    the split); every split gives a valid bound and the best one is returned.
    """
    p = problem
    n = p.n_tasks
    T = p.travel_h.copy()
    T[np.arange(n), np.arange(n)] = np.inf
    block = p.duration_h + T.min(axis=0)
    a = float(p.available_h.min())
    flat, offsets = p.group_needs
    group_of = np.repeat(np.arange(len(p.groups)), np.diff(offsets))
    share = 1.0 / np.diff(offsets)[group_of]
    classes: dict[bytes, list[int]] = {}
    for t in range(n):
        classes.setdefault(p.eligible[t].tobytes(), []).append(t)
    members = [(np.array(m), int(p.eligible[m[0]].sum())) for m in classes.values()]
    partitions = [[(np.arange(n), p.n_crews)], members]
    best = 0.0
    for partition in partitions:
        alpha = share.copy()
        for step in range(iterations):
            omega = np.zeros(n)
            np.add.at(omega, flat, alpha * p.group_weight[group_of])
            times = np.zeros(n)
            for m, k in partition:
                times[m] = _smith_times(block[m], omega[m], k)
            best = max(best, float(omega @ (times + a)))
            latest = np.zeros_like(alpha)
            c = times[flat]
            for g in range(len(p.groups)):
                lo, hi = offsets[g], offsets[g + 1]
                latest[lo + int(np.argmax(c[lo:hi]))] = 1.0
            eta = 2.0 / (step + 2.0)
            alpha = (1.0 - eta) * alpha + eta * latest
    return best


def _add_rows(h: highspy.Highs, rows: list[tuple[list[int], list[float], float]]) -> None:
    """Add rows ``Σ coef × var ≥ lower``."""
    if not rows:
        return
    starts: list[int] = []
    index: list[int] = []
    value: list[float] = []
    for cols, coefs, _ in rows:
        starts.append(len(index))
        index.extend(cols)
        value.extend(coefs)
    h.addRows(
        len(rows),
        np.array([r[2] for r in rows]),
        np.full(len(rows), INF),
        len(index),
        np.array(starts, dtype=np.int32),
        np.array(index, dtype=np.int32),
        np.array(value, dtype=float),
    )
