"""Benchmark of ``warmgrid rotate``: the schedule's time, and the AC check's apart.

1. The demo city with its scenario's damage, 24 h in 1 h slots (goal ≤ 1 s).
2. A SimBench grid with a deficit in one region, 48 h in 2 h slots (goal ≤ 10 s): by
   default 1-MV-rural--0-sw with HV/MV transformer 0 lost (its parallel partner then
   carries 1.6 × the ``hL`` load). ``--complete`` runs SimBench's complete grid
   (1-EHVHVMVLV-mixed-all-0-sw) with HV/MV transformer 44 lost and the loads of the MV
   grid MV4.202 behind it raised by 30 % (``--district``, ``--district-scale``), planned
   and AC-checked on the affected region only (``--region-only``, docs/rotate.md);
   ``--per-slot`` also times one AC check of each slot of the schedule on its own
   (``ac_slot_s``, after building the net once, ``ac_net_s``), and with
   ``--region-only`` the whole-grid AC check of the first ``--whole-slots`` slots beside
   it (``whole_ac_slot_s``).

The schedule is timed without the AC check (best of ``--repeat``); the AC check's time is
that of a second run with it, less the schedule's: building the pandapower net, one power
flow per slot, and the extra flows of slots that needed one more group off. Loading the
SimBench grid is not timed. Prints one JSON object.

    .venv/bin/python bench/bench_rotate.py [--repeat N] [--code CODE] [--damage ID]
        [--load-scale X] [--per-slot] [--complete] [--region-only] [--whole-slots N]
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
from warmgrid.rotate.plan import RotationPlan
from warmgrid.scenario.spec import demo_scenario

START = datetime.fromisoformat("2026-11-26T16:00:00+02:00")
COMPLETE = "1-EHVHVMVLV-mixed-all-0-sw"
"""SimBench's complete grid (EHV to LV, 37,587 buses). Not 1-complete_data-mixed-all-0-sw:
that is SimBench's complete *data set*, which adds 444 equivalent external grids and 416
equivalent loads and generators standing for neighbouring grids (docs/rotate.md)."""


def _per_slot(
    city: City, damage: Damage, plan: RotationPlan, slot_h: float, scale: float, slots: int
) -> list[float]:
    """Seconds of one AC check of each of the first ``slots`` slots of ``plan`` on its own
    (on the net the plan's AC check used)."""
    from warmgrid.rotate.acflow import check_slot
    from warmgrid.rotate.slots import slot_edges, slot_loads_mw

    data = plan.to_json()
    hours = data["slots"][-1]["end_h"] if data["slots"] else 0.0
    loads = slot_loads_mw(city.buildings, slot_edges(hours, slot_h), START, scale)
    switch_off = {g["id"]: g["switch_off"] for g in data["groups"]}
    times = []
    for t, slot in enumerate(data["slots"][:slots]):
        opened = [b for g in slot["off"] for b in switch_off[g]]
        began = time.perf_counter()
        check_slot(plan.ac_net, list(damage.asset_ids) + opened, loads[:, t], 100.0)
        times.append(round(time.perf_counter() - began, 3))
    return times


def _case(
    city: City,
    damage: Damage,
    hours: float,
    slot_h: float,
    scale: float,
    repeat: int,
    region_only: bool = False,
    per_slot: bool = False,
    whole_slots: int = 0,
) -> dict[str, Any]:
    times, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        plan_rotation(
            city, damage, start=START, hours=hours, slot_h=slot_h, load_scale=scale,
            ac_check=False, region_only=region_only,
        )  # fmt: skip
        times.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    began, began_cpu = time.perf_counter(), time.process_time()
    checked = plan_rotation(
        city, damage, start=START, hours=hours, slot_h=slot_h, load_scale=scale,
        region_only=region_only,
    )  # fmt: skip
    ac_s = time.perf_counter() - began - min(times)
    ac_cpu = time.process_time() - began_cpu - min(cpu)
    data = checked.to_json()
    out: dict[str, Any] = {}
    if per_slot:
        out["ac_slot_s"] = _per_slot(city, damage, checked, slot_h, scale, len(data["slots"]))
    if whole_slots:
        from warmgrid.rotate.acflow import power_net

        checked.ac_net = power_net(city)
        out["whole_ac_slot_s"] = _per_slot(city, damage, checked, slot_h, scale, whole_slots)
    return {
        **out,
        "schedule_s": round(min(times), 3),
        "schedule_cpu_s": round(min(cpu), 3),
        "ac_check_s": round(ac_s, 3),
        "ac_check_cpu_s": round(ac_cpu, 3),
        "slots": len(data["slots"]),
        "groups": len(data["groups"]),
        "deficit_mw": data["deficit_mw"],
        "ac_ok": all(c.ok(100.0) for c in checked.ac_checks),
        "people_hours_below_12c": data["people_hours_below_12c"],
        "cyclic_people_hours_below_12c": data["baselines"]["cyclic"]["people_hours_below_12c"],
        "jain_index": data["jain_index"],
    }


def _district(city: City, code: str, subnet: str, scale: float) -> int:
    """Multiply the peak loads of SimBench subnet ``subnet``'s loads by ``scale``."""
    from warmgrid.model.io.pandapower_io import simbench_net

    net = simbench_net(code)
    buses = net.bus.index[net.bus["subnet"].astype(str).str.startswith(subnet)]
    loads = {f"power.load.{i}" for i in net.load.index[net.load["bus"].isin(buses)]}
    chosen = city.buildings["id"].isin(loads).to_numpy()
    city.buildings.loc[chosen, "peak_kw"] *= scale
    return int(chosen.sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--code", default="1-MV-rural--0-sw")
    parser.add_argument("--damage", default="power.trafo.0")
    parser.add_argument("--load-scale", type=float, default=1.6)
    parser.add_argument("--complete", action="store_true")
    parser.add_argument("--district", default="MV4.202")
    parser.add_argument("--district-scale", type=float, default=1.3)
    parser.add_argument("--region-only", action="store_true")
    parser.add_argument("--per-slot", action="store_true")
    parser.add_argument("--whole-slots", type=int, default=0)
    args = parser.parse_args()
    if args.complete:
        args.code, args.damage, args.load_scale = COMPLETE, "power.trafo.44", 1.0
    out: dict[str, Any] = {
        "demo_24h_1h": _case(demo_city(), demo_scenario().damage, 24, 1, 1.0, args.repeat)
    }
    from warmgrid.model.io.pandapower_io import city_from_simbench

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grid = city_from_simbench(args.code)
        raised = _district(grid, args.code, args.district, args.district_scale)
    damage = Damage(asset_ids=(args.damage,))
    out["simbench_48h_2h"] = {
        "code": args.code,
        "damage": args.damage,
        "load_scale": args.load_scale,
        "district": args.district if raised else None,
        "district_scale": args.district_scale if raised else None,
        "region_only": args.region_only,
        "buses": len(grid.nodes),
        **_case(
            grid,
            damage,
            48,
            2,
            args.load_scale,
            1,
            args.region_only,
            args.per_slot,
            args.whole_slots,
        ),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
