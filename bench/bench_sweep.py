"""Benchmark of ``warmgrid sweep``: full-chain scenarios (impact → cool-down → restoration
plan) on the demo city on 1 and 2 Dask worker processes, a 10,000-scenario full-chain
sweep, and a large impact-only N-2 sweep of the SimBench complete grid streamed to Parquet.

1. Speed-up: a sampled N-2 ensemble (``--samples``, default 2,000) in chunks of
   ``--chunk-size`` (default 50, about a second of work per task) on a ``LocalCluster`` of
   1, then of 2 worker processes on 127.0.0.1, in this run. Each cluster first runs a
   small warm-up sweep, so worker start-up and imports are not counted; the city's
   broadcast is. Also: the same ensemble's first 200 scenarios in this process, and the
   overhead of one task (chunks of one impact-only scenario against one chunk of 200).
   ``worker_cpu_share`` is the CPU time the workers got ÷ (wall time × workers): below 1
   when other processes share the cores, which caps the speed-up whatever the code does.
2. ``--full`` (default 10,000) full-chain scenarios on 2 workers.
3. ``--n2`` (default 1,000,000) sampled N-2 scenarios of SimBench's complete grid
   (``--n2-grid``, default ``1-EHVHVMVLV-mixed-all-0-sw``: extra-high to low voltage in
   one grid), impact only (``SweepCity.impact_only``: counts of a whole chunk at once,
   :mod:`warmgrid.impact.contingency`), chunks of ``--n2-chunk`` on 1, then 2 workers,
   each chunk encoded as Parquet on its worker and written by this process as it
   arrives; reports scenarios/s, the CPU seconds of the workers and of this process (the
   Dask client), the peak memory (RSS) of this process and of each worker, the bytes
   written, and the CPU seconds of reading the 1,000,000 rows back for the summary and
   the ranking. ``--n2 0`` skips it (the grid's import alone takes 20–60 s).

``--samples 0`` skips part 1 and ``--full 0`` part 2. Each part records the load average
(1 min) when it starts: wall times on a shared machine are inflated, CPU seconds less so.
So each run also gives ``client_cpu_s`` (this process, the Dask client) and the speed-up
at equal CPU share: with ``worker_cpu_share`` = workers' CPU ÷ (wall × workers), the
rate per unit of share, 2 workers against 1 (= 2 × CPU with 1 ÷ CPU with 2 when the
workers are the limit).

Prints one JSON object. The issue's goal for the speed-up on a 2-core machine is ≥ 1.7×.

    .venv/bin/python bench/bench_sweep.py [--samples N] [--full N] [--n2 N] [--n2-chunk C]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
import warnings
from pathlib import Path

from warmgrid.model import compile_city
from warmgrid.model.open import open_city
from warmgrid.scenario.spec import demo_scenario
from warmgrid.sweep.aggregate import rank_assets, summarise
from warmgrid.sweep.city import SweepCity
from warmgrid.sweep.engine import dask_client, run_sweep
from warmgrid.sweep.ensembles import Ensemble, sampled_nk
from warmgrid.sweep.table import read_table

SPEED_UP_GOAL = 1.7
OVERHEAD_SCENARIOS = 200
SIMBENCH_COMPLETE_GRID = "1-EHVHVMVLV-mixed-all-0-sw"


def timed_sweep(city, ensemble, chunk_size: int, client=None, out: Path | None = None) -> float:
    """Seconds for one sweep into a fresh folder (or ``out``)."""
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        run_sweep(city, ensemble, out or Path(scratch), chunk_size, client=client)
        return time.perf_counter() - started


def measured_sweep(city, ensemble, chunk_size: int, client, out: Path | None = None) -> dict:
    """Wall seconds, workers' and this process's CPU seconds of one sweep on ``client``."""
    workers_before, client_before = workers_cpu_s(client), time.process_time()
    seconds = timed_sweep(city, ensemble, chunk_size, client, out)
    return {
        "seconds": seconds,
        "workers_cpu_s": workers_cpu_s(client) - workers_before,
        "client_cpu_s": time.process_time() - client_before,
    }


def equal_share_speed_up(one: dict, two: dict) -> float:
    """The 1 → 2 worker speed-up had each worker got the same CPU share: rate ÷ share."""
    rate = [run["scenarios_per_s"] / run["worker_cpu_share"] for run in (one, two)]
    return round(rate[1] / rate[0], 2)


def peak_rss_mb() -> float:
    """Peak resident memory of the calling process, MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def workers_cpu_s(client) -> float:
    """CPU seconds (user + system) used so far by all the cluster's worker processes."""
    return float(sum(client.run(time.process_time).values()))


def speed_up(city: SweepCity, impact: SweepCity, samples: int, chunk_size: int) -> dict:
    """Full-chain scenarios/s on 1 and 2 workers, in this process, and the task overhead."""
    compiled = city.compiled
    ensemble = sampled_nk(compiled, 2, samples, seed=0)
    warm_up = sampled_nk(compiled, 2, 20, seed=1)
    small = sampled_nk(compiled, 2, OVERHEAD_SCENARIOS, seed=2)
    head = Ensemble("nk", ensemble.assets[:OVERHEAD_SCENARIOS])
    serial_s = timed_sweep(city, head, chunk_size)
    rate, busy, client_cpu = {}, {}, {}
    for workers in (1, 2):
        with dask_client(workers, None) as client:
            timed_sweep(city, warm_up, 10, client)
            run = measured_sweep(city, ensemble, chunk_size, client)
            rate[workers] = ensemble.size / run["seconds"]
            busy[workers] = run["workers_cpu_s"] / (run["seconds"] * workers)
            client_cpu[workers] = run["client_cpu_s"]
            if workers == 1:
                one_task_s = timed_sweep(impact, small, 1, client)
                big_tasks_s = timed_sweep(impact, small, OVERHEAD_SCENARIOS, client)
    return {
        "scenarios": ensemble.size,
        "chunk_size": chunk_size,
        "serial_scenarios_per_s": round(head.size / serial_s, 1),
        "dask_scenarios_per_s": {str(w): round(r, 1) for w, r in rate.items()},
        "scenarios_per_s_per_worker": {str(w): round(r / w, 1) for w, r in rate.items()},
        "speed_up_1_to_2_workers": round(rate[2] / rate[1], 2),
        "worker_cpu_share": {str(w): round(b, 2) for w, b in busy.items()},
        "speed_up_at_equal_cpu_share": round(rate[2] / busy[2] / (rate[1] / busy[1]), 2),
        "client_cpu_s": {str(w): round(c, 2) for w, c in client_cpu.items()},
        "speed_up_goal": SPEED_UP_GOAL,
        "scenario_ms": round(1000 / rate[1], 2),
        "task_overhead_ms": round(1000 * (one_task_s - big_tasks_s) / (OVERHEAD_SCENARIOS - 1), 2),
    }


def full_chain(city: SweepCity, scenarios: int, chunk_size: int) -> dict:
    """``scenarios`` full-chain scenarios on 2 workers."""
    ensemble = sampled_nk(city.compiled, 2, scenarios, seed=3)
    with dask_client(2, None) as client:
        timed_sweep(city, sampled_nk(city.compiled, 2, 20, seed=1), 10, client)
        load = os.getloadavg()[0]
        run = measured_sweep(city, ensemble, chunk_size, client)
    return {**worker_rate(scenarios, chunk_size, 2, run), "load_average": load}


def worker_rate(scenarios: int, chunk_size: int, workers: int, run: dict) -> dict:
    """The figures of a sweep on ``workers`` workers (:func:`measured_sweep`)."""
    seconds, cpu_s = run["seconds"], run["workers_cpu_s"]
    return {
        "scenarios": scenarios,
        "chunk_size": chunk_size,
        "workers": workers,
        "seconds": round(seconds, 1),
        "scenarios_per_s": round(scenarios / seconds, 1),
        "scenarios_per_s_per_worker": round(scenarios / seconds / workers, 1),
        "workers_cpu_s": round(cpu_s, 1),
        "worker_cpu_share": round(cpu_s / (seconds * workers), 3),
        "client_cpu_s": round(run["client_cpu_s"], 2),
        "client_cpu_s_per_million_rows": round(run["client_cpu_s"] * 1e6 / scenarios, 2),
    }


def read_back(compiled, out: Path, chunks: int) -> dict:
    """CPU seconds of reading a sweep's rows back and summarising and ranking them."""
    started = time.process_time()
    table = read_table(out, chunks, compiled)
    rank_assets(compiled, table)
    summarise(table)
    return {"rows": table.scenarios, "cpu_s": round(time.process_time() - started, 2)}


def n2_impact(scenarios: int, chunk_size: int, grid: str) -> dict:
    """``scenarios`` sampled N-2 impact-only scenarios of the SimBench ``grid`` on 1, then
    2 workers."""
    from warmgrid.model.io.pandapower_io import city_from_simbench

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compiled = compile_city(city_from_simbench(grid))
    started, cpu_started = time.perf_counter(), time.process_time()
    city = SweepCity.impact_only(compiled)  # the dominator tree and blocks, once
    prepare = {
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_s": round(time.process_time() - cpu_started, 2),
    }
    ensemble = sampled_nk(compiled, 2, scenarios, seed=4)
    runs = {}
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as out, dask_client(workers, None) as client:
            timed_sweep(city, sampled_nk(compiled, 2, 20, seed=1), 10, client)
            load = os.getloadavg()[0]
            run = measured_sweep(city, ensemble, chunk_size, client, Path(out))
            written = sum(p.stat().st_size for p in Path(out).glob("chunk-*.parquet"))
            runs[workers] = {
                **worker_rate(scenarios, chunk_size, workers, run),
                "load_average": load,
                "parquet_mb": round(written / 1e6, 1),
                "peak_rss_mb_workers": sorted(client.run(peak_rss_mb).values()),
            }
            if workers == 2:
                summary = read_back(compiled, Path(out), -(-scenarios // chunk_size))
    return {
        "city": grid,
        "assets": compiled.n_assets,
        "buildings": len(compiled.city.buildings),
        "prepare": prepare,
        "runs": {str(w): r for w, r in runs.items()},
        "speed_up_1_to_2_workers": round(runs[1]["seconds"] / runs[2]["seconds"], 2),
        "speed_up_at_equal_cpu_share": equal_share_speed_up(runs[1], runs[2]),
        "read_back_for_summary_and_ranking": summary,
        "peak_rss_mb_client": round(peak_rss_mb(), 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--chunk-size", type=int, default=50)
    parser.add_argument("--full", type=int, default=10_000)
    parser.add_argument("--n2", type=int, default=1_000_000)
    parser.add_argument("--n2-chunk", type=int, default=100_000)
    parser.add_argument("--n2-grid", default=SIMBENCH_COMPLETE_GRID, help="a SimBench code")
    args = parser.parse_args()
    compiled = compile_city(open_city("demo"))
    city = SweepCity.under(compiled, demo_scenario())
    result: dict[str, object] = {"city": compiled.city.name, "cores": os.cpu_count()}
    result["load_average_at_start"] = [round(x, 1) for x in os.getloadavg()]
    if args.samples:
        result["full_chain_speed_up"] = speed_up(
            city, SweepCity.impact_only(compiled), args.samples, args.chunk_size
        )
    if args.full:
        result["full_chain"] = full_chain(city, args.full, args.chunk_size)
    if args.n2:
        result["n2_impact_only"] = n2_impact(args.n2, args.n2_chunk, args.n2_grid)
    result["load_average_at_end"] = [round(x, 1) for x in os.getloadavg()]
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
