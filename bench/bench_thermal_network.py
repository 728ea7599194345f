"""Speed of the network engine (air capacity and deep mass, :mod:`warmgrid.thermal.network`)
on a whole city resolved into flats by position (:func:`warmgrid.thermal.flats.city_flats`):
buildings from the archetype library (seed 7, as bench_thermal.py) × 72 h at 15-minute
steps, Denver January weather with sun (heated through the three days before, as the flats
engine starts), hours to 18/12/5/0 °C for every flat position of every building (its flats
exchanging heat with each other and the stairwell, :mod:`warmgrid.thermal.coupling`) and
the risers' hours to 0 °C. Then, as the check that the class responses change nothing, the
coupled block of a sample of buildings is stepped one step at a time with scipy's matrix
exponential (from the same heated start) and the largest difference in hours is
reported. Prints one JSON object: wall and CPU time, peak RSS, the check.

    python bench/bench_thermal_network.py [N_BUILDINGS] [SAMPLE]
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

import numpy as np
import pandas as pd
from bench_thermal import HOURS, START_HOUR, STEP_H, city

from warmgrid.cli.thermal import packaged_weather_path
from warmgrid.thermal.archetypes import (
    ARCHETYPE_CHANNELS,
    OCCUPANT_SENSIBLE_GAIN_W,
    archetype_values,
)
from warmgrid.thermal.constructions import CONSTRUCTIONS
from warmgrid.thermal.cooldown import (
    DEFAULT_THRESHOLDS_C,
    CooldownResult,
    hours_to_threshold,
)
from warmgrid.thermal.coupling import (
    Block,
    block_layout,
    simulate_block,
)
from warmgrid.thermal.flats import (
    FIELDS,
    POSITIONS,
    city_flats,
    floors_of,
)
from warmgrid.thermal.weather import channel_irradiance, read_epw, sky_depression


def largest_difference_h(flats, keys, area, storeys, population, weather, sample: int) -> float:
    """Largest |hours to a threshold| between the city engine and sampled buildings' blocks
    stepped one by one."""
    rng = np.random.default_rng(11)
    rows = rng.choice(len(keys), size=sample, replace=False)
    inverse, unique = pd.factorize(keys[rows])
    values = archetype_values(inverse, list(unique))
    flat_area = np.array([CONSTRUCTIONS[str(k)].flat_area_m2 for k in keys[rows]])
    levels, per_floor = block_layout(*floors_of(storeys[rows], area[rows], flat_area))
    worst = 0.0
    for i, row in enumerate(rows):
        fields = {name: float(values[name][i]) for name in FIELDS}
        gains = OCCUPANT_SENSIBLE_GAIN_W * population[row] / flats.flats[row].sum()
        block = Block(
            str(keys[row]),
            int(levels[i]),
            int(per_floor[i]),
            fields,
            CONSTRUCTIONS[str(keys[row])].flat_area_m2,
        )
        air = simulate_block(
            block,
            gains,
            weather.temp_air_c,
            STEP_H,
            HOURS,
            solar_irradiance_w_per_m2=channel_irradiance(weather, ARCHETYPE_CHANNELS),
            sky_temp_depression_k=sky_depression(weather),
            heated_before=weather,
        )[: len(POSITIONS)]
        result = CooldownResult(
            time_h=np.arange(air.shape[1]) * STEP_H, air_temp_c=air, step_h=STEP_H
        )
        hours = hours_to_threshold(result, DEFAULT_THRESHOLDS_C)
        for p in range(len(POSITIONS)):
            if flats.flats[row, p] == 0:
                continue
            for threshold in DEFAULT_THRESHOLDS_C:
                a, b = float(hours[threshold][p]), flats.hours_to[threshold][row, p]
                if np.isnan(a) != np.isnan(b):
                    return float("inf")
                if not np.isnan(a):
                    worst = max(worst, abs(a - b))
    return worst


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    sample = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    weather = read_epw(packaged_weather_path()).window(START_HOUR, int(HOURS))
    chosen, area, storeys, population = city(n)
    keys = np.asarray(chosen, dtype=object)
    cpu_started = time.process_time()
    started = time.perf_counter()
    flats = city_flats(
        keys, area, storeys, population, weather, HOURS, STEP_H, 20.0, water_temp_c=50.0
    )
    finished = time.perf_counter()
    cpu = time.process_time() - cpu_started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    difference = largest_difference_h(flats, keys, area, storeys, population, weather, sample)
    print(
        json.dumps(
            {
                "buildings": n,
                "flat_positions": int((flats.flats > 0).sum()),
                "hours": HOURS,
                "step_h": STEP_H,
                "wall_s": round(finished - started, 3),
                "cpu_s": round(cpu, 3),
                "peak_rss_mb": round(rss, 1),
                "load_average": os.getloadavg()[0],
                "buildings_with_a_flat_below_12c": int(np.isfinite(flats.worst_hours_to(12)).sum()),
                "check_buildings": sample,
                "check_largest_difference_h": difference,
            }
        )
    )


if __name__ == "__main__":
    main()
