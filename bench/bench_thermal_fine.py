"""warmgrid's network and an independent fine finite-difference model
(:mod:`warmgrid.thermal.finite_difference`) against EnergyPlus, every flat position of every
archetype at constant −20, −10 and −5 °C: hours until the air first falls below 12 and 5 °C
and whether each agrees with EnergyPlus (±15 %, or ±1 h where EnergyPlus says under 5 h).
The fine model follows the converter's conventions but not warmgrid's network, so where it
agrees and the network does not, the difference is the network's. Beside the crossings, the
air's difference, network − fine model, :data:`AFTER_H` hours after the heating stops, by
flat position (a crossing hides where on the way the two part). EnergyPlus results are
cached by input hash (`bench/bench_thermal_energyplus.py` fills the cache); the fine model
takes about a second a flat-week.

    python bench/bench_thermal_fine.py   # JSON, then a Markdown summary
"""

from __future__ import annotations

import json

import numpy as np
from bench_thermal_energyplus import (
    HOURS,
    TEMPS_C,
    THRESHOLDS_C,
    _agrees,
    _hours,
    _value,
    archetype_flat,
)

from warmgrid.cli.thermal import packaged_weather_path
from warmgrid.thermal.archetypes import ARCHETYPES
from warmgrid.thermal.energyplus_run import energyplus_cooldown
from warmgrid.thermal.finite_difference import fine_cooldown
from warmgrid.thermal.flats import POSITIONS
from warmgrid.thermal.network import network_from_description, simulate_network

AFTER_H = (1.0, 2.0, 6.0, 12.0, 24.0)
"""Hours after the switch-off at which the air of the network and of the fine model are
compared (whole multiples of both records: the network's 15-minute steps and the fine
model's 10-minute records)."""
STEP_H = 0.25


def _air_at(time_h: np.ndarray, air_c: np.ndarray, hours: float) -> float:
    index = int(np.argmin(np.abs(time_h - hours)))
    assert abs(time_h[index] - hours) < 1e-9
    return float(air_c[index])


def rows() -> list[dict]:
    path = packaged_weather_path()
    out = []
    for archetype in ARCHETYPES:
        for position in POSITIONS:
            flat = archetype_flat(archetype, position)
            net = network_from_description(flat)
            for temp in TEMPS_C:
                fine = fine_cooldown(flat, temp, HOURS)
                fine_h = _hours(fine.time_h, fine.air_temp_c)
                eplus_h = _hours(*energyplus_cooldown(flat, path, temp, hours=HOURS))
                network = simulate_network(
                    net,
                    temp,
                    step_h=STEP_H,
                    hours=HOURS,
                    sky_temp_depression_k=0.0,
                    thresholds_c=THRESHOLDS_C,
                )
                ours = network.hours_to
                row: dict = {"archetype": archetype, "position": position, "outdoor_c": temp}
                row["air_difference_k"] = {
                    f"{after:g}": round(
                        _air_at(network.time_h, network.air_temp_c[0], after)
                        - _air_at(fine.time_h, fine.air_temp_c, after),
                        3,
                    )
                    for after in AFTER_H
                }
                for t in THRESHOLDS_C:
                    eplus = _value(eplus_h[t])
                    row[f"eplus_{t:g}c_h"] = eplus
                    for side, value in (("fine", fine_h[t]), ("warmgrid", float(ours[t][0]))):
                        row[f"{side}_{t:g}c_h"] = _value(value)
                        row[f"{side}_agrees_{t:g}c"] = _agrees(_value(value), eplus)
                out.append(row)
    return out


def summary(table: list[dict]) -> dict:
    result = {}
    for side in ("fine", "warmgrid"):
        for t in THRESHOLDS_C:
            ratios = [
                r[f"{side}_{t:g}c_h"] / r[f"eplus_{t:g}c_h"]
                for r in table
                if r[f"{side}_{t:g}c_h"] and r[f"eplus_{t:g}c_h"]
            ]
            result[f"{side}_{t:g}c"] = {
                "agree": sum(r[f"{side}_agrees_{t:g}c"] for r in table),
                "cases": len(table),
                "median_ratio": round(float(np.median(ratios)), 3),
                "min_ratio": round(float(np.min(ratios)), 3),
                "max_ratio": round(float(np.max(ratios)), 3),
            }
    return result


def differences(table: list[dict]) -> dict:
    """Per flat position, per hour of :data:`AFTER_H`: the mean, least and greatest air
    difference, network − fine model (K), over the archetypes and outdoor temperatures."""
    out: dict = {}
    for position in POSITIONS:
        cases = [r["air_difference_k"] for r in table if r["position"] == position]
        out[position] = {
            f"{after:g}": {
                "mean": round(float(np.mean([c[f"{after:g}"] for c in cases])), 2),
                "min": round(float(np.min([c[f"{after:g}"] for c in cases])), 2),
                "max": round(float(np.max([c[f"{after:g}"] for c in cases])), 2),
            }
            for after in AFTER_H
        }
    return out


def differences_markdown(figures: dict) -> str:
    header = " | ".join(f"{after:g} h" for after in AFTER_H)
    lines = [f"| position | {header} |", "|---|" + "---|" * len(AFTER_H)]
    for position, by_hour in figures.items():
        cells = [f"{f['mean']:+.2f} ({f['min']:+.2f} to {f['max']:+.2f})" for f in by_hour.values()]
        lines.append(f"| {position} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def markdown(figures: dict) -> str:
    lines = [
        "| model | agree at 12 °C | ratio to EnergyPlus, 12 °C: median (range) "
        "| agree at 5 °C | ratio, 5 °C: median (range) |",
        "|---|---|---|---|---|",
    ]
    for side, name in (("warmgrid", "warmgrid's network"), ("fine", "fine finite differences")):
        cells = [name]
        for t in THRESHOLDS_C:
            f = figures[f"{side}_{t:g}c"]
            cells.append(f"{f['agree']} of {f['cases']}")
            cells.append(f"{f['median_ratio']:.2f} ({f['min_ratio']:.2f}–{f['max_ratio']:.2f})")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    table = rows()
    figures = summary(table)
    apart = differences(table)
    print(json.dumps({"flats": table, "summary": figures, "air_difference_k": apart}, indent=1))
    print(markdown(figures))
    print()
    print(differences_markdown(apart))


if __name__ == "__main__":
    main()
