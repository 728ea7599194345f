"""Benchmark of ``warmgrid sweep``: impact-only scenarios per second per worker on the
demo city, the speed-up from 1 to 2 Dask worker processes, and the cost of one task.

Runs a sampled N-2 ensemble (``--samples``, default 4,000, chunks of ``--chunk-size``)
in this process, then on a ``LocalCluster`` of 1 and of 2 worker processes on 127.0.0.1.
Each cluster first runs a small warm-up sweep, so worker start-up and imports are not
counted; the city's broadcast is. The per-task overhead is the extra time per task of a
sweep in chunks of one scenario over the same sweep in large chunks. Prints one JSON
object. The issue's goal for the speed-up on a 2-core machine is ≥ 1.7×.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from warmgrid.model import compile_city
from warmgrid.model.open import open_city
from warmgrid.scenario.spec import demo_scenario
from warmgrid.sweep.city import SweepCity
from warmgrid.sweep.engine import dask_client, run_sweep
from warmgrid.sweep.ensembles import sampled_nk

SPEED_UP_GOAL = 1.7
OVERHEAD_SCENARIOS = 200


def timed_sweep(city, ensemble, chunk_size: int, client=None) -> float:
    """Seconds for one sweep into a fresh folder."""
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        run_sweep(city, ensemble, Path(out), chunk_size, client=client)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=4000)
    parser.add_argument("--chunk-size", type=int, default=100)
    args = parser.parse_args()
    compiled = compile_city(open_city("demo"))
    city = SweepCity.under(compiled, demo_scenario())
    ensemble = sampled_nk(compiled, 2, args.samples, seed=0)
    warm_up = sampled_nk(compiled, 2, 20, seed=1)
    small = sampled_nk(compiled, 2, OVERHEAD_SCENARIOS, seed=2)
    serial_s = timed_sweep(city, ensemble, args.chunk_size)
    result: dict[str, object] = {
        "city": compiled.city.name,
        "scenarios": ensemble.size,
        "chunk_size": args.chunk_size,
        "cores": os.cpu_count(),
        "serial_scenarios_per_s": round(ensemble.size / serial_s, 1),
    }
    per_worker = {}
    for workers in (1, 2):
        with dask_client(workers, None) as client:
            timed_sweep(city, warm_up, 10, client)
            seconds = timed_sweep(city, ensemble, args.chunk_size, client)
            per_worker[workers] = ensemble.size / seconds
            if workers == 1:
                one_task_s = timed_sweep(city, small, 1, client)
                big_tasks_s = timed_sweep(city, small, OVERHEAD_SCENARIOS, client)
                overhead_ms = 1000 * (one_task_s - big_tasks_s) / (OVERHEAD_SCENARIOS - 1)
    result["dask_scenarios_per_s"] = {str(w): round(r, 1) for w, r in per_worker.items()}
    result["scenarios_per_s_per_worker"] = {str(w): round(r / w, 1) for w, r in per_worker.items()}
    result["speed_up_1_to_2_workers"] = round(per_worker[2] / per_worker[1], 2)
    result["speed_up_goal"] = SPEED_UP_GOAL
    result["scenario_ms"] = round(1000 / per_worker[1], 3)
    result["task_overhead_ms"] = round(overhead_ms, 3)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
