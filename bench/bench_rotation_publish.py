"""Benchmark of publishing a rotation schedule on a synthetic city: seconds per step.

A schedule of ``--groups`` groups (consecutive blocks of the city's buildings, each
group opened by one of its branches) over ``--hours`` one-hour slots with
``--off`` groups off per slot is checked against the city, turned into the public view
(off intervals on the city's clock, area names), and written as every file
(JSON, CSV, ICS per group, CAP alerts validated against the XSD). No target is set by
the issue; the API keeps the public view of the current schedule, so only
publication pays the check. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from timing import best_of

from warmgrid.model.synth import synthetic_city
from warmgrid.rotate.publish import public_schedule, write_schedule_files
from warmgrid.rotate.schedule_file import read_schedule


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--buildings", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--hours", type=int, default=48)
    parser.add_argument("--off", type=int, default=5, help="groups off in each slot")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    city = synthetic_city(args.buildings, seed=args.seed)
    ids = city.buildings["id"].tolist()
    size = len(ids) // args.groups
    people = city.buildings["population"].to_numpy()
    data = {
        "deficit_mw": 1.0,
        "groups": [
            {
                "id": f"G{k + 1}",
                "switch_off": [str(city.branches["id"].iat[k])],
                "buildings": ids[k * size : (k + 1) * size],
                "people": int(people[k * size : (k + 1) * size].sum()),
                "load_mw": 1.0,
                "critical": False,
            }
            for k in range(args.groups)
        ],
        "slots": [
            {
                "start_h": float(h),
                "end_h": float(h + 1),
                "off": [f"G{(h * args.off + j) % args.groups + 1}" for j in range(args.off)],
            }
            for h in range(args.hours)
        ],
        "people_hours_below_12c": 0.0,
        "jain_index": 1.0,
        "energy_not_served_mwh": 0.0,
        "baselines": {},
    }
    start = datetime(2026, 11, 30, 18, tzinfo=ZoneInfo(city.timezone))
    check_wall, check_cpu, schedule = best_of(args.repeat, lambda: read_schedule(data, city))
    view_wall, view_cpu, _ = best_of(args.repeat, lambda: public_schedule(schedule, city, start))
    with tempfile.TemporaryDirectory() as folder:
        write_wall, write_cpu, files = best_of(
            1, lambda: write_schedule_files(schedule, city, start, Path(folder), issued=start)
        )
    print(
        json.dumps(
            {
                "buildings": args.buildings,
                "groups": args.groups,
                "slots": args.hours,
                "files": len(files),
                "check_s": {"wall": round(check_wall, 3), "cpu": round(check_cpu, 3)},
                "public_view_s": {"wall": round(view_wall, 3), "cpu": round(view_cpu, 3)},
                "write_all_files_s": {"wall": round(write_wall, 3), "cpu": round(write_cpu, 3)},
            }
        )
    )


if __name__ == "__main__":
    main()
