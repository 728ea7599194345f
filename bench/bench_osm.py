"""Benchmark of the OpenStreetMap import (issue 10, item 10) on the Helsinki test extract.

Times ``city_from_osm`` on ``tests/data/osm/Helsinki.osm.pbf`` (central Helsinki, 486
buildings) without and with a district-heating polygon (best of ``--repeat``, wall-clock
and CPU time of this process). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import shapely
from timing import best_of

from warmgrid.model.io.osm_io import city_from_osm

HELSINKI = Path(__file__).parents[1] / "tests" / "data" / "osm" / "Helsinki.osm.pbf"
HEAT_AREA = shapely.box(24.940, 60.168, 24.950, 60.174)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    plain_s, plain_cpu_s, city = best_of(args.repeat, lambda: city_from_osm(HELSINKI))
    heat_s, heat_cpu_s, heated = best_of(
        args.repeat, lambda: city_from_osm(HELSINKI, heat_area=HEAT_AREA)
    )
    result = {
        "benchmark": "osm_import",
        "file": HELSINKI.name,
        "buildings": len(city.buildings),
        "people": int(city.buildings["population"].sum()),
        "import_s": round(plain_s, 2),
        "import_cpu_s": round(plain_cpu_s, 2),
        "import_with_heat_network_s": round(heat_s, 2),
        "import_with_heat_network_cpu_s": round(heat_cpu_s, 2),
        "heat_network": heated.meta["inferred"]["heat_network"],
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
