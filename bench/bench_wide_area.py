"""Wide-area benchmark: ``warmgrid impact CITY --area LON,LAT,1500`` as a whole process.

For each size, a synthetic city (seeded) is written to a temporary folder in the native
format, then the CLI runs as a child process — ``warmgrid impact FOLDER --area
LON,LAT,1500 --json`` around the city's centre — and its wall-clock time is measured from
process start to exit (loading the city, propagation, restoration groups, JSON), as
wall-clock and as the child's CPU time (the machine may be shared). The
restoration groups dominate: before they were made near-linear, the issue that asked for
this benchmark measured 15 min 47 s for the same command at 20,000 buildings. Prints ONE
JSON object with the figures and the target (≤ 10 s at 100,000 buildings).

Run: ``.venv/bin/python bench/bench_wide_area.py`` (``--sizes 20000,100000`` to choose).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = 2026
RADIUS_M = 1500.0
TARGET_S = 10.0
TARGET_SIZE = 100_000


def measure(n_buildings: int, workdir: Path) -> dict[str, object]:
    """Figures for one size: the city is written first, then ``impact`` is timed."""
    from warmgrid.model import save_city
    from warmgrid.model.synth import synthetic_city

    city = synthetic_city(n_buildings, seed=SEED)
    folder = save_city(city, workdir / f"city-{n_buildings}")
    lon, lat = float(city.nodes["lon"].mean()), float(city.nodes["lat"].mean())
    area = f"{lon:.6f},{lat:.6f},{RADIUS_M:g}"
    exe = Path(sys.executable).with_name("warmgrid")
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.run(
        [str(exe), "impact", str(folder), "--area", area, "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    wall_s = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    payload = json.loads(child.stdout)
    return {
        "buildings": n_buildings,
        "area": area,
        "impact_process_s": round(wall_s, 2),
        "impact_process_cpu_s": round(cpu_s, 2),
        "damaged_assets": len(payload["damaged_assets"]),
        "buildings_without_power": len(payload["buildings_without_power"]),
        "buildings_without_heat": len(payload["buildings_without_heat"]),
        "restoration_groups": len(payload["restoration_groups"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,100000")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="warmgrid-bench-"))
    try:
        runs = {size: measure(int(size), workdir) for size in args.sizes.split(",")}
    finally:
        shutil.rmtree(workdir)
    out: dict[str, object] = {"seed": SEED, "radius_m": RADIUS_M, "runs": runs}
    if str(TARGET_SIZE) in runs:
        seconds = runs[str(TARGET_SIZE)]["impact_process_s"]
        out["target_100k_le_10s"] = float(seconds) <= TARGET_S  # type: ignore[arg-type]
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
