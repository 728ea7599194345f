"""Benchmark of ``warmgrid rotate``: the schedule's time, and the AC check's apart.

1. The demo city with its scenario's damage, 24 h in 1 h slots (goal ≤ 1 s).
2. A SimBench grid with a deficit in one region, 48 h in 2 h slots (goal ≤ 10 s): by
   default 1-MV-rural--0-sw with HV/MV transformer 0 lost (its parallel partner then
   carries 1.6 × the ``hL`` load). ``--code 1-complete_data-mixed-all-0-sw
   --load-scale 1`` runs the complete grid (its non-slack generators net against the
   loads, docs/city.md); ``--per-slot`` also times one AC check of each slot of the
   schedule on its own (``ac_slot_s``, after building the net once, ``ac_net_s``).

The schedule is timed without the AC check (best of ``--repeat``); the AC check's time is
that of a second run with it, less the schedule's: building the pandapower net, one power
flow per slot, and the extra flows of slots that needed one more group off. Loading the
SimBench grid is not timed. Prints one JSON object.

    .venv/bin/python bench/bench_rotate.py [--repeat N] [--code CODE] [--damage ID]
        [--load-scale X] [--per-slot]
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


def _per_slot(
    city: City, damage: Damage, plan: dict[str, Any], slot_h: float, scale: float
) -> dict[str, Any]:
    """Seconds to build the AC net, and of one AC check per slot of ``plan``."""
    from warmgrid.rotate.acflow import check_slot, power_net
    from warmgrid.rotate.slots import slot_edges, slot_loads_mw

    began = time.perf_counter()
    net = power_net(city)
    net_s = time.perf_counter() - began
    hours = plan["slots"][-1]["end_h"] if plan["slots"] else 0.0
    loads = slot_loads_mw(city.buildings, slot_edges(hours, slot_h), START, scale)
    switch_off = {g["id"]: g["switch_off"] for g in plan["groups"]}
    times = []
    for t, slot in enumerate(plan["slots"]):
        opened = [b for g in slot["off"] for b in switch_off[g]]
        began = time.perf_counter()
        check_slot(net, list(damage.asset_ids) + opened, loads[:, t], 100.0)
        times.append(round(time.perf_counter() - began, 3))
    return {"ac_net_s": round(net_s, 3), "ac_slot_s": times}


def _case(
    city: City,
    damage: Damage,
    hours: float,
    slot_h: float,
    scale: float,
    repeat: int,
    per_slot: bool = False,
) -> dict[str, Any]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        unchecked = plan_rotation(
            city, damage, start=START, hours=hours, slot_h=slot_h, load_scale=scale,
            ac_check=False,
        )  # fmt: skip
        times.append(time.perf_counter() - began)
    began = time.perf_counter()
    checked = plan_rotation(city, damage, start=START, hours=hours, slot_h=slot_h, load_scale=scale)
    ac_s = time.perf_counter() - began - min(times)
    data = checked.to_json()
    slots = _per_slot(city, damage, unchecked.to_json(), slot_h, scale) if per_slot else {}
    return {
        **slots,
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
    parser.add_argument("--per-slot", action="store_true")
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
        **_case(grid, damage, 48, 2, args.load_scale, 1, args.per_slot),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
