"""Benchmark of ``warmgrid rotate``: the schedule's time, and the AC check's apart.

1. The demo city with its scenario's damage, 24 h in 1 h slots (goal ≤ 1 s).
2. A SimBench grid with a deficit in one region, 48 h in 2 h slots (goal ≤ 10 s): by
   default 1-MV-rural--0-sw with HV/MV transformer 0 lost (its parallel partner then
   carries 1.6 × the ``hL`` load). ``--code 1-complete_data-mixed-all-0-sw`` runs the
   complete grid; there the screen also flags extra-high-voltage bridges whose loads
   are in fact fed by non-slack generators, which the city model does not carry yet
   (docs/rotate.md, "Limits").

The schedule is timed without the AC check (best of ``--repeat``); the AC check's time is
that of a second run with it, less the schedule's: building the pandapower net, one power
flow per slot, and the extra flows of slots that needed one more group off. Loading the
SimBench grid is not timed. Prints one JSON object.

    .venv/bin/python bench/bench_rotate.py [--repeat N] [--code CODE] [--damage ID]
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from datetime import datetime
from typing import Any

from warmgrid.impact import Damage
from warmgrid.model import City
from warmgrid.model.demo import demo_city
from warmgrid.rotate import plan_rotation
from warmgrid.scenario.spec import demo_scenario

START = datetime.fromisoformat("2026-11-26T16:00:00+02:00")


def _case(
    city: City, damage: Damage, hours: float, slot_h: float, scale: float, repeat: int
) -> dict[str, Any]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        plan_rotation(
            city, damage, start=START, hours=hours, slot_h=slot_h, load_scale=scale,
            ac_check=False,
        )  # fmt: skip
        times.append(time.perf_counter() - began)
    began = time.perf_counter()
    checked = plan_rotation(city, damage, start=START, hours=hours, slot_h=slot_h, load_scale=scale)
    ac_s = time.perf_counter() - began - min(times)
    data = checked.to_json()
    return {
        "schedule_s": round(min(times), 3),
        "ac_check_s": round(ac_s, 3),
        "slots": len(data["slots"]),
        "groups": len(data["groups"]),
        "deficit_mw": data["deficit_mw"],
        "ac_ok": all(c.ok(100.0) for c in checked.ac_checks),
        "people_hours_below_12c": data["people_hours_below_12c"],
        "cyclic_people_hours_below_12c": data["baselines"]["cyclic"]["people_hours_below_12c"],
        "jain_index": data["jain_index"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--code", default="1-MV-rural--0-sw")
    parser.add_argument("--damage", default="power.trafo.0")
    parser.add_argument("--load-scale", type=float, default=1.6)
    args = parser.parse_args()
    out: dict[str, Any] = {
        "demo_24h_1h": _case(demo_city(), demo_scenario().damage, 24, 1, 1.0, args.repeat)
    }
    from warmgrid.model.io.pandapower_io import city_from_simbench

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grid = city_from_simbench(args.code)
    damage = Damage(asset_ids=(args.damage,))
    out["simbench_48h_2h"] = {
        "code": args.code,
        "damage": args.damage,
        "load_scale": args.load_scale,
        "buses": len(grid.nodes),
        **_case(grid, damage, 48, 2, args.load_scale, 1),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
