"""warmgrid against measured cool-downs: the Baumit Viva research-park test houses (Wopfing,
Austria), heating off for 48 h from 21 °C at −12 °C outdoor (winter 2016) and at +3 °C
(February 2020), as published by Baumit. The example files hold the wall build-ups; roof,
floor, window and air-tightness are assumptions (examples/plausibility/*.toml).

    python bench/bench_thermal_plausibility.py          # JSON, then a Markdown table
"""

from __future__ import annotations

import json
from pathlib import Path

from warmgrid.thermal.building_file import load_building
from warmgrid.thermal.network import network_from_description, simulate_network

ROOT = Path(__file__).resolve().parents[1]
START_C = 21.0
HOURS = 48.0
MEASURED_C = {
    # (file, outdoor °C): (measured indoor air after 48 h, °C, what was published)
    ("viva_brick_uninsulated", -12.0): (4.0, "uninsulated brick house: 4 °C"),
    ("viva_brick_uninsulated", 3.0): (10.0, "uninsulated 25 cm brick (house 3): about 10 °C"),
    ("viva_brick_insulated", -12.0): (16.0, "insulated massive houses: 15-17 °C"),
    ("viva_brick_insulated", 3.0): (17.0, "insulated solid houses: 17 °C on average"),
    ("viva_concrete_insulated", -12.0): (16.0, "insulated massive houses: 15-17 °C"),
    ("viva_concrete_insulated", 3.0): (17.0, "insulated solid houses: 17 °C on average"),
}


def main() -> None:
    rows = []
    for (name, outdoor_c), (measured_c, published) in MEASURED_C.items():
        building = load_building(ROOT / "examples" / "plausibility" / f"{name}.toml")
        result = simulate_network(
            network_from_description(building),
            outdoor_c,
            hours=HOURS,
            start_temp_c=START_C,
            sky_temp_depression_k=0.0,
        )
        rows.append(
            {
                "house": name,
                "outdoor_c": outdoor_c,
                "measured_c": measured_c,
                "published": published,
                "warmgrid_c": round(float(result.air_temp_c[0, -1]), 1),
            }
        )
    print(json.dumps(rows, indent=1))
    print("| house | outdoor °C | measured after 48 h | warmgrid after 48 h |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r['house']} | {r['outdoor_c']:g} | {r['published']} | {r['warmgrid_c']} °C |")


if __name__ == "__main__":
    main()
