"""Impact benchmark on synthetic cities: one damage scenario at 1,000,000 and 100,000 buildings.

For each size, in a fresh child process (so that peak memory is that size's own):
generate the city (seeded), compile it, then time ``assess`` for one scenario — two
110 kV lines, both 110/10 kV transformers of a substation, a 10 kV feeder cable, the
own-needs and reserve own-needs transformers of a CHP plant, and a circle of 800 m
around a building — and the headline figures a user reads (buildings and people without
power and heat, critical facilities), as wall-clock and as process CPU time (the machine
may be shared). Prints ONE JSON object with the figures, the
targets (assess ≤ 1 s and peak RSS ≤ 4 GB at 1,000,000 buildings) and the 1M/100k ratios.

Run: ``.venv/bin/python bench/bench_impact.py`` (``--sizes 1000000,100000`` to choose).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

SEED = 2026
REPEATS = 7
ASSESS_TARGET_S = 1.0
RSS_TARGET_GB = 4.0


def _peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB on Linux


def scenario(city, seed: int):
    """The damage: a few HV/MV assets, a CHP's own-needs supply and one area."""
    import numpy as np

    from warmgrid.impact import Circle, Damage

    rng = np.random.default_rng(seed)
    b = city.branches
    hv_lines = b.loc[(b["name"] == "110 kV line"), "id"].to_numpy()
    substation = rng.choice(b.loc[b["name"] == "110/10 kV T1", "from_node"].to_numpy())
    substation_trafos = b.loc[(b["from_node"] == substation) & b["kind"].str.startswith("trafo")]
    cables = b.loc[(b["kind"] == "line") & (b["name"] == ""), "id"].to_numpy()
    plant = city.sources.loc[city.sources["kind"] == "heat_plant", "id"].iloc[0]
    own_needs = city.dependencies.loc[city.dependencies["asset"] == plant, "node"].iloc[0]
    chp_trafos = b.loc[(b["from_node"] == own_needs) | (b["to_node"] == own_needs), "id"]
    ids = [
        *rng.choice(hv_lines, size=2, replace=False),
        *substation_trafos["id"],
        rng.choice(cables),
        *chp_trafos,
    ]
    centre = city.buildings.iloc[int(rng.integers(len(city.buildings)))]
    area = Circle(lon=float(centre["lon"]), lat=float(centre["lat"]), radius_m=800.0)
    return Damage(asset_ids=[str(i) for i in ids], areas=(area,))


def measure(n_buildings: int) -> dict:
    """Figures for one size (run in a child process)."""
    from warmgrid.impact import assess
    from warmgrid.model import compile_city
    from warmgrid.model.synth import synthetic_city

    started, cpu_started = time.perf_counter(), time.process_time()
    city = synthetic_city(n_buildings, seed=SEED)
    generated, cpu_generated = time.perf_counter(), time.process_time()
    compiled = compile_city(city)
    compiled_at, cpu_compiled = time.perf_counter(), time.process_time()
    damage = scenario(city, SEED)

    assess_s, assess_cpu_s, with_figures_s = [], [], []
    for _ in range(REPEATS):
        t0, c0 = time.perf_counter(), time.process_time()
        result = assess(compiled, damage)
        t1, c1 = time.perf_counter(), time.process_time()
        figures = {
            "damaged_assets": int(result.damaged.sum()),
            "buildings_without_power": int(result.building_without_power.sum()),
            "buildings_without_heat": int(result.building_without_heat.sum()),
            "people_without_power": result.people_without_power,
            "people_without_heat": result.people_without_heat,
            "critical_without_power": len(result.critical_without("power")),
            "critical_without_heat": len(result.critical_without("heat")),
        }
        t2 = time.perf_counter()
        assess_s.append(t1 - t0)
        assess_cpu_s.append(c1 - c0)
        with_figures_s.append(t2 - t0)
    return {
        "buildings": len(city.buildings),
        "nodes": len(city.nodes),
        "branches": len(city.branches),
        "generate_s": round(generated - started, 2),
        "compile_s": round(compiled_at - generated, 2),
        "generate_cpu_s": round(cpu_generated - cpu_started, 2),
        "compile_cpu_s": round(cpu_compiled - cpu_generated, 2),
        "assess_first_s": round(assess_s[0], 4),
        "assess_median_s": round(statistics.median(assess_s), 4),
        "assess_max_s": round(max(assess_s), 4),
        "assess_cpu_median_s": round(statistics.median(assess_cpu_s), 4),
        "assess_cpu_max_s": round(max(assess_cpu_s), 4),
        "assess_with_figures_median_s": round(statistics.median(with_figures_s), 4),
        "peak_rss_gb": round(_peak_rss_gb(), 3),
        "scenario": figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,100000")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    runs = {}
    for size in (int(s) for s in args.sizes.split(",")):
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(size)],
            check=True,
            capture_output=True,
            text=True,
        )
        runs[str(size)] = json.loads(child.stdout)
    out: dict = {"seed": SEED, "repeats": REPEATS, "runs": runs}
    if "1000000" in runs:
        big = runs["1000000"]
        out["targets"] = {
            "assess_median_le_1s": big["assess_median_s"] <= ASSESS_TARGET_S,
            "assess_max_le_1s": big["assess_max_s"] <= ASSESS_TARGET_S,
            "peak_rss_le_4gb": big["peak_rss_gb"] <= RSS_TARGET_GB,
        }
        if "100000" in runs:
            small = runs["100000"]
            out["ratio_1m_over_100k"] = {
                key: round(big[key] / small[key], 2)
                for key in ("generate_s", "compile_s", "assess_median_s")
            }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
