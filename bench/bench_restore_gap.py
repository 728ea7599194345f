"""Heuristic versus proven optimum on small random restoration problems.

Random instances with 4 to 12 tasks and 1 to 3 crews (random_problem, seeds
0…N-1, 10 % of tasks with a precedence, skills on even seeds, any crew for any task on
odd seeds); the exact solver (CP-SAT) proves the optimum,
warm-started from a quick heuristic run; the heuristic is run on its own with its
default stopping rule. Instances are drawn until N_PROVEN (default 100) have a proven
optimum (at most N_PROVEN + 30 tried); the gap is measured on those. Prints one JSON
object.

    uv run python bench/bench_restore_gap.py [N_PROVEN] [EXACT_TIME_LIMIT_S]
"""

from __future__ import annotations

import json
import statistics
import sys
import time

import numpy as np

from warmgrid.restore.exact import solve_exact
from warmgrid.restore.heuristic import solve_heuristic
from warmgrid.restore.random_problem import random_problem


def main() -> None:
    wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    exact_limit_s = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    gaps, heuristic_s, exact_s, sizes = [], [], [], []
    unproven = []
    seed = -1
    while len(gaps) < wanted and seed < wanted + 29:
        seed += 1
        rng = np.random.default_rng(10_000 + seed)
        n, m = int(rng.integers(4, 13)), int(rng.integers(1, 4))
        problem = random_problem(n, m, seed, precedence_share=0.1, with_skills=seed % 2 == 0)
        t0 = time.perf_counter()
        plan = solve_heuristic(problem, time_limit_s=5.0, seed=seed)
        heuristic_s.append(time.perf_counter() - t0)
        quick = solve_heuristic(problem, time_limit_s=0.2, seed=seed + 1, max_stall=5)
        t0 = time.perf_counter()
        result = solve_exact(problem, quick, time_limit_s=exact_limit_s)
        exact_s.append(time.perf_counter() - t0)
        if result.status != "optimal":
            unproven.append(seed)
            continue
        best = min(result.schedule.objective, plan.objective)
        gaps.append(100.0 * (plan.objective - best) / best)
        sizes.append((n, m))
    out = {
        "bench": "restore_gap",
        "instances_tried": seed + 1,
        "proven_optimal": len(gaps),
        "unproven_seeds": unproven,
        "tasks_range": [min(s[0] for s in sizes), max(s[0] for s in sizes)] if sizes else None,
        "crews_range": [min(s[1] for s in sizes), max(s[1] for s in sizes)] if sizes else None,
        "mean_gap_pct": statistics.fmean(gaps) if gaps else None,
        "worst_gap_pct": max(gaps) if gaps else None,
        "heuristic_optimal_share": sum(g < 1e-6 for g in gaps) / len(gaps) if gaps else None,
        "heuristic_mean_s": statistics.fmean(heuristic_s),
        "heuristic_max_s": max(heuristic_s),
        "exact_mean_s": statistics.fmean(exact_s),
        "exact_max_s": max(exact_s),
        "targets": {"mean_gap_pct": 1.0, "worst_gap_pct": 5.0},
    }
    out["meets_targets"] = bool(gaps and out["mean_gap_pct"] <= 1.0 and out["worst_gap_pct"] <= 5.0)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
