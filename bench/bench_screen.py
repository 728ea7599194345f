"""N-1 screening and single-scenario speed on SimBench 1-complete_data-mixed-all-0-sw.

That code is SimBench's complete *data set*: the complete grid's buses and branches with
451 infeeds and 416 loads standing in for neighbouring grids, not one grid (the complete
grid is 1-EHVHVMVLV-mixed-all-0-sw; ``--code`` runs it).

Prints one JSON object. Targets (issue 2): N-1 of every asset in at most 2 s wall after
import, at least 5,000 times faster than running ``pandapower.topology.unsupplied_buses``
once per contingency (timed here on a sample of contingencies, in the same run, and
extrapolated); one damage scenario in at most 50 ms after compile.

    .venv/bin/python bench/bench_screen.py [--code CODE] [--baseline-samples N]
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np
import pandapower.topology as top

from warmgrid.impact import Damage, assess
from warmgrid.impact.screen import screen_n1
from warmgrid.model import compile_city
from warmgrid.model.io.pandapower_io import city_from_simbench

warnings.simplefilter("ignore")


def _toggle(net, asset_id: str, out: bool) -> None:
    """Take one pandapower element out (or back in) the way warmgrid damages it."""
    _, table, index = asset_id.split(".")
    frame = getattr(net, table)
    if table == "switch":
        frame.at[int(index), "closed"] = not out
    else:
        frame.at[int(index), "in_service"] = not out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", default="1-complete_data-mixed-all-0-sw")
    parser.add_argument("--baseline-samples", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    import simbench

    net = simbench.get_simbench_net(args.code)
    started = time.perf_counter()
    city = city_from_simbench(args.code)
    import_s = time.perf_counter() - started

    started = time.perf_counter()
    compiled = compile_city(city)
    compile_s = time.perf_counter() - started

    started = time.perf_counter()
    frame = screen_n1(compiled)
    screen_s = time.perf_counter() - started

    rng = np.random.default_rng(args.seed)
    scenario_times = []
    for _ in range(20):
        ids = compiled.asset_ids[rng.choice(compiled.n_assets, size=5, replace=False)]
        started = time.perf_counter()
        assess(compiled, Damage(asset_ids=list(ids)))
        scenario_times.append(time.perf_counter() - started)

    baseline_ids = [
        i
        for i in compiled.asset_ids[rng.permutation(compiled.n_assets)]
        if i.split(".")[1] in ("bus", "line", "trafo", "switch")
    ][: args.baseline_samples]
    baseline_times = []
    for asset_id in baseline_ids:
        _toggle(net, asset_id, out=True)
        started = time.perf_counter()
        top.unsupplied_buses(net)
        baseline_times.append(time.perf_counter() - started)
        _toggle(net, asset_id, out=False)
    baseline_total_s = float(np.mean(baseline_times)) * len(frame)
    print(
        json.dumps(
            {
                "grid": args.code,
                "buses": int((city.nodes["network"] == "power").sum()),
                "branches": int(compiled.n_branches),
                "assets_screened": len(frame),
                "import_s": round(import_s, 3),
                "compile_s": round(compile_s, 3),
                "n1_screen_s": round(screen_s, 3),
                "n1_target_s": 2.0,
                "scenario_median_ms": round(1000 * float(np.median(scenario_times)), 2),
                "scenario_max_ms": round(1000 * float(np.max(scenario_times)), 2),
                "scenario_target_ms": 50.0,
                "baseline_unsupplied_buses_s_per_contingency": round(
                    float(np.mean(baseline_times)), 4
                ),
                "baseline_samples": len(baseline_times),
                "baseline_extrapolated_s": round(baseline_total_s, 1),
                "speedup_vs_baseline": round(baseline_total_s / screen_s, 1),
                "speedup_target": 5000,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
