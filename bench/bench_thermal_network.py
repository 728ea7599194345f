"""Speed of the network engine (air capacity and deep mass, :mod:`warmgrid.thermal.network`)
on a whole city: buildings from the archetype library (seed 7, as bench_thermal.py) × 72 h at
15-minute steps, Denver January weather with sun. The archetypes have no layers, so each
building gets deep mass of the size a thick wall gives (twice the ISO active mass behind
half of the mass-to-outside resistance, and its active mass again in shared slabs). Prints
one JSON object: wall and CPU time per phase, peak RSS.

    python bench/bench_thermal_network.py [N_BUILDINGS]
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

import numpy as np
from bench_thermal import HOURS, START_HOUR, STEP_H, city

from warmgrid.cli.thermal import packaged_weather_path
from warmgrid.thermal.archetypes import archetype_parameters
from warmgrid.thermal.cooldown import DEFAULT_THRESHOLDS_C
from warmgrid.thermal.network import NetworkParams, simulate_network
from warmgrid.thermal.rc import H_MS_W_PER_M2K, air_heat_capacity_j_per_m3k
from warmgrid.thermal.weather import channel_irradiance, read_epw, sky_depression


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    weather = read_epw(packaged_weather_path()).window(START_HOUR, int(HOURS))
    chosen, area, storeys, population = city(n)
    cpu_started = time.process_time()
    started = time.perf_counter()
    params = archetype_parameters(chosen, area, storeys, population=population)
    h_ms = H_MS_W_PER_M2K * params.a_m_m2
    h_em = 1.0 / (1.0 / params.h_tr_op_w_per_k - 1.0 / h_ms)
    zeros = np.zeros(n)
    net = NetworkParams(
        base=params,
        c_air_j_per_k=air_heat_capacity_j_per_m3k(0.0) * 2.7 * area + 10_000.0 * area,
        h_em_out_w_per_k=0.5 * h_em,
        h_em_ground_w_per_k=zeros,
        c_deep_out_j_per_k=2.0 * params.c_m_j_per_k,
        h_md_out_w_per_k=h_em,
        h_do_out_w_per_k=h_em,
        h_do_ground_w_per_k=zeros,
        c_deep_in_j_per_k=params.c_m_j_per_k.copy(),
        h_md_in_w_per_k=0.2 * h_ms,
        ground_temp_c=np.full(n, 8.0),
    )
    after_params = time.perf_counter()
    irradiance = channel_irradiance(weather, params.solar_channels)
    after_sun = time.perf_counter()
    result = simulate_network(
        net,
        weather.temp_air_c,
        step_h=STEP_H,
        hours=HOURS,
        solar_irradiance_w_per_m2=irradiance,
        sky_temp_depression_k=sky_depression(weather),
        thresholds_c=DEFAULT_THRESHOLDS_C,
    )
    finished = time.perf_counter()
    print(
        json.dumps(
            {
                "buildings": n,
                "hours": HOURS,
                "step_h": STEP_H,
                "wall_s": round(finished - started, 3),
                "cpu_s": round(time.process_time() - cpu_started, 3),
                "phases_s": {
                    "parameters": round(after_params - started, 3),
                    "irradiance": round(after_sun - after_params, 3),
                    "simulate_network": round(finished - after_sun, 3),
                },
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "load_average": os.getloadavg()[0],
                "buildings_below_12c_at_end": int(np.sum(result.hours_to[12.0] >= 0)),
            }
        )
    )


if __name__ == "__main__":
    main()
