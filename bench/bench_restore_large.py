"""Restoration heuristic on large problems: 1,000 tasks, 50 crews.

For each seed: the heuristic's wall time (target ≤ 5 s on a 2-core machine; it runs with
a 4.5 s limit), its objective, its gap to a lower bound (linear relaxation with
parallel-crew cuts solved with HiGHS, or the closed-form bound from the same
inequalities, whichever is larger — see warmgrid.restore.bound), and its gain over each
field baseline (first come first served, nearest site next, most people first),
measured in the same run. Prints one JSON object.

    uv run python bench/bench_restore_large.py [N_SEEDS]
"""

from __future__ import annotations

import json
import statistics
import sys
import time

from warmgrid.restore.baselines import BASELINES, baseline
from warmgrid.restore.bound import lower_bound
from warmgrid.restore.heuristic import solve_heuristic
from warmgrid.restore.random_problem import random_problem

N_TASKS, N_CREWS = 1000, 50


def main() -> None:
    seeds = range(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    runs = []
    for seed in seeds:
        problem = random_problem(N_TASKS, N_CREWS, seed, precedence_share=0.05)
        t0 = time.perf_counter()
        plan = solve_heuristic(problem, time_limit_s=4.5, seed=seed)
        plan_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        bound = lower_bound(problem, time_limit_s=10.0)
        bound_s = time.perf_counter() - t0
        base = {}
        for rule in BASELINES:
            t0 = time.perf_counter()
            schedule = baseline(problem, rule)
            base[rule] = {
                "objective": schedule.objective,
                "seconds": time.perf_counter() - t0,
                "plan_gain_pct": 100.0 * (schedule.objective - plan.objective) / schedule.objective,
            }
        runs.append(
            {
                "seed": seed,
                "plan_s": plan_s,
                "objective": plan.objective,
                "lower_bound": bound,
                "gap_to_bound_pct": 100.0 * (plan.objective - bound) / bound,
                "bound_s": bound_s,
                "baselines": base,
            }
        )
    out = {
        "bench": "restore_large",
        "tasks": N_TASKS,
        "crews": N_CREWS,
        "precedence_share": 0.05,
        "plan_s_max": max(r["plan_s"] for r in runs),
        "plan_s_target": 5.0,
        "gap_to_bound_pct_mean": statistics.fmean(r["gap_to_bound_pct"] for r in runs),
        "gain_over_baseline_pct_mean": {
            rule: statistics.fmean(r["baselines"][rule]["plan_gain_pct"] for r in runs)
            for rule in BASELINES
        },
        "runs": runs,
    }
    out["meets_time_target"] = out["plan_s_max"] <= 5.0
    print(json.dumps(out))


if __name__ == "__main__":
    main()
