"""What the heat exchange between the flats of a block and with its stairwell changes
(:mod:`warmgrid.thermal.coupling`): hours until each flat position of a typical block of
each residential archetype (its own storeys, eight flats a floor, two occupants a flat)
first falls below 12 and 5 °C at constant −20, −10 and −5 °C (no sun), coupled and with
adiabatic shared elements, and the stairwell's air at the start and after 24 and 72 h.
Prints one JSON object, then the Markdown table of docs/thermal.md.

    python bench/bench_thermal_coupling.py
"""

from __future__ import annotations

import json
import math

import numpy as np

from warmgrid.thermal.archetypes import ARCHETYPES
from warmgrid.thermal.constructions import CONSTRUCTIONS
from warmgrid.thermal.flats import POSITIONS, city_flats
from warmgrid.thermal.weather import constant_weather

RESIDENTIAL = ("panel_5", "panel_9", "panel_16", "brick_prewar", "modern_insulated")
TEMPS_C = (-20.0, -10.0, -5.0)
HOURS = 168.0
PER_FLOOR = 8


def _value(x: float) -> float | None:
    return None if math.isnan(x) else round(float(x), 1)


def rows() -> list[dict]:
    keys = np.array(RESIDENTIAL, dtype=object)
    storeys = np.array([float(ARCHETYPES[k].storeys) for k in RESIDENTIAL])
    area = storeys * PER_FLOOR * np.array([CONSTRUCTIONS[k].flat_area_m2 for k in RESIDENTIAL])
    people = 2.0 * storeys * PER_FLOOR
    out = []
    for temp in TEMPS_C:
        args = (keys, area, storeys, people, constant_weather(temp, int(HOURS)), HOURS, 0.25, 20.0)
        coupled = city_flats(*args, water_temp_c=50.0)
        alone = city_flats(*args, water_temp_c=50.0, coupled=False)
        for b, archetype in enumerate(RESIDENTIAL):
            for p, position in enumerate(POSITIONS):
                row = {"archetype": archetype, "outdoor_c": temp, "position": position}
                for t in (12.0, 5.0):
                    row[f"coupled_{t:g}c_h"] = _value(coupled.hours_to[t][b, p])
                    row[f"adiabatic_{t:g}c_h"] = _value(alone.hours_to[t][b, p])
                out.append(row)
            out.append(
                {
                    "archetype": archetype,
                    "outdoor_c": temp,
                    "position": "risers",
                    "coupled_stairwell_0c_h": _value(coupled.pipes.stairwell_h[b]),
                    "adiabatic_stairwell_0c_h": _value(alone.pipes.stairwell_h[b]),
                }
            )
    return out


def markdown(table: list[dict]) -> str:
    lines = [
        "| archetype | outdoor | position | 12 °C: coupled / adiabatic (h) "
        "| 5 °C: coupled / adiabatic (h) |",
        "|---|---|---|---|---|",
    ]
    for r in table:
        if r["position"] == "risers":
            cells = [
                f"{r['coupled_stairwell_0c_h'] or '—'} / {r['adiabatic_stairwell_0c_h'] or '—'}"
            ]
            lines.append(
                f"| {r['archetype']} | {r['outdoor_c']:g} °C | stairwell riser at 0 °C | "
                f"{cells[0]} | |"
            )
            continue
        cells = [
            " / ".join(
                "—" if r[f"{side}_{t:g}c_h"] is None else f"{r[f'{side}_{t:g}c_h']:g}"
                for side in ("coupled", "adiabatic")
            )
            for t in (12.0, 5.0)
        ]
        lines.append(
            f"| {r['archetype']} | {r['outdoor_c']:g} °C | {r['position']} | {cells[0]} "
            f"| {cells[1]} |"
        )
    return "\n".join(lines)


def main() -> None:
    table = rows()
    print(json.dumps({"per_floor": PER_FLOOR, "hours": HOURS, "rows": table}, indent=1))
    print(markdown(table))


if __name__ == "__main__":
    main()
