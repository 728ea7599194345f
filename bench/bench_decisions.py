"""Benchmark of the sweep's decisions on the demo city: the protection plan and the
warming-centre siting over a sampled N-2 ensemble (``--samples``, default 3,000).

- Protection: lazy greedy for ``--budget`` assets (default 5), its scenario evaluations
  and time; then greedy and exhaustive search for 2 assets over every asset the
  ensemble damages, and the greedy's gap (share of the best reduction it misses).
- Centres: ``--candidates`` buildings (default 40, seeded; a quarter of them given a
  backup generator, as the demo city has none), ``--count`` centres (default 5) within
  ``--walk-m`` (default 400 m: the demo city is under 5 km across, so 1 km reaches most
  of it from a few centres): the time to count the ensemble, greedy with its bound,
  CP-SAT, and the greedy's gap to the optimum.

Each scenario runs the whole chain (impact, cool-down, restoration plan), or with
``--no-plan`` impact and the no-repair cool-down only. ``--workers W`` runs the
evaluations on a local Dask cluster of W processes (after a warm-up). Prints one JSON
object; wall and CPU seconds of this process.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

import numpy as np

from warmgrid.model import compile_city
from warmgrid.model.open import open_city
from warmgrid.scenario.spec import demo_scenario
from warmgrid.sweep import centres
from warmgrid.sweep.blocks import Evaluator, map_blocks, split
from warmgrid.sweep.city import SweepCity
from warmgrid.sweep.engine import dask_client
from warmgrid.sweep.ensembles import sampled_nk
from warmgrid.sweep.protect import Choices, exhaustive, greedy


def timed(action: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and CPU seconds of one run of ``action``, and its result."""
    start, start_cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - start, time.process_time() - start_cpu, result


def seconds(wall: float, cpu: float) -> dict[str, float]:
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3)}


def protection(city: SweepCity, rows: np.ndarray, budget: int, client: Any) -> dict[str, Any]:
    evaluate = Evaluator(city, client)
    wall, cpu, values = timed(lambda: evaluate(rows))
    out: dict[str, Any] = {"baseline_evaluation": seconds(wall, cpu)}
    evaluate.evaluations = 0
    wall, cpu, plan = timed(lambda: greedy(Choices(rows, values, evaluate), budget))
    out["greedy"] = seconds(wall, cpu) | {
        "budget": budget,
        "evaluations": evaluate.evaluations,
        "reduction_share": round(plan.reduction / plan.baseline, 4),
    }
    pair = greedy(Choices(rows, values, evaluate), 2)
    evaluate.evaluations = 0
    wall, cpu, best = timed(lambda: exhaustive(Choices(rows, values, evaluate), 2))
    out["exact_2"] = seconds(wall, cpu) | {
        "assets": int(np.unique(rows).size),
        "evaluations": evaluate.evaluations,
        "greedy_gap": round((best.reduction - pair.reduction) / best.reduction, 6),
    }
    return out


def siting(
    city: SweepCity, rows: np.ndarray, args: argparse.Namespace, client: Any
) -> dict[str, Any]:
    candidates, count = args.candidates, args.count
    rng = np.random.default_rng(0)
    buildings = city.compiled.city.buildings.copy()
    chosen = np.sort(rng.choice(len(buildings), candidates, replace=False))
    buildings.loc[buildings.index[chosen[::4]], "backup_fuel_h"] = 48.0
    compiled = compile_city(dataclasses.replace(city.compiled.city, buildings=buildings))
    site = centres.siting(compiled, chosen, args.walk_m)
    wall, cpu, parts = timed(lambda: map_blocks(centres.count_block, site, split(rows), client))
    cover = centres.coverage(parts, chosen.size, rows.shape[0])
    out: dict[str, Any] = {"count_ensemble": seconds(wall, cpu), "sets": int(cover.weights.size)}
    wall, cpu, quick = timed(lambda: centres.solve_greedy(cover, count))
    out["greedy"] = seconds(wall, cpu) | {
        "served_share": round(quick.served / cover.people_without_heat, 4),
        "bound_gap": round((quick.bound - quick.served) / quick.bound, 6),
    }
    wall, cpu, best = timed(lambda: centres.solve_exact(cover, count, 120.0))
    out["cp_sat"] = seconds(wall, cpu) | {
        "proven_optimal": best.optimal,
        "greedy_gap": round((best.served - quick.served) / best.served, 6),
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=3000)
    parser.add_argument("--budget", type=int, default=5)
    parser.add_argument("--candidates", type=int, default=40)
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--walk-m", type=float, default=400.0)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--no-plan", action="store_true", help="No plan per scenario.")
    args = parser.parse_args()
    compiled = compile_city(open_city("demo"))
    city = SweepCity.under(compiled, demo_scenario(), with_plan=not args.no_plan)
    rows = sampled_nk(compiled, 2, args.samples, seed=0).assets
    with dask_client(args.workers, None) if args.workers else nullcontext() as client:
        if client is not None:
            Evaluator(city, client)(rows[:50])  # warm-up: imports on the workers
        result = {
            "city": compiled.city.name,
            "scenarios": int(rows.shape[0]),
            "workers": args.workers,
            "plan_per_scenario": not args.no_plan,
            "protection": protection(city, rows, args.budget, client),
            "centres": siting(city, rows, args, client)
            | {"candidates": args.candidates, "count": args.count, "walk_m": args.walk_m},
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
