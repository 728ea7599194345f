"""Benchmark: cool-down of 1,000,000 buildings over 72 h at 15-minute steps.

Buildings are drawn from the archetype library with a fixed seed (random archetype, floor
area, storeys and population), the weather is 72 h of the packaged Denver TMY file from
15 January (with sun). Timed: parameters from archetypes, irradiance on the archetype
surfaces, the simulation with the hours to 18/12/5/0 °C found block by block while each
block's trajectory is in the processor cache (``thresholds_c``), and the call to
``hours_to_threshold`` that returns them. Target: at most 5 s and 4 GB.

Baseline, measured in the same run: the ISO 13790 Annex C.3 update written directly
(Crank–Nicolson mass step, then surface and air nodes, float64 over all buildings at once)
on 100,000 buildings; compared per building-step.

Prints one JSON object. ``cpu_s`` (processor time of this process) is given beside the wall
time because the machine may be shared; ``load_average_1min`` tells how busy it was, and
``first_touch_output_size_s`` is the time this machine takes to write a fresh array the size
of the trajectories once (memory the kernel must hand over page by page);
``simulate_cooldown_again_s`` repeats the simulation in the same process, where that memory
has been handed over already. The per building-step figures compare that repeat with the
baseline. ``two_pass_again_s`` times, in the same process, the former way: the simulation
alone, then ``hours_to_threshold`` over the whole trajectory array (same results).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

import numpy as np

from warmgrid.cli.thermal import packaged_weather_path
from warmgrid.thermal.archetypes import ARCHETYPES, archetype_parameters
from warmgrid.thermal.cooldown import DEFAULT_THRESHOLDS_C, hours_to_threshold, simulate_cooldown
from warmgrid.thermal.rc import H_IS_W_PER_M2K, H_MS_W_PER_M2K, BuildingParams
from warmgrid.thermal.weather import channel_irradiance, read_epw, sky_depression

N_BUILDINGS = 1_000_000
HOURS = 72.0
STEP_H = 0.25
BASELINE_BUILDINGS = 100_000
START_HOUR = 24 * 14  # 15 January


def city(n: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Random buildings: archetype key, floor area, storeys, population."""
    rng = np.random.default_rng(seed)
    keys = np.array(list(ARCHETYPES))
    chosen = keys[rng.integers(0, len(keys), n)]
    storeys = np.array([ARCHETYPES[k].storeys for k in keys])[rng.integers(0, len(keys), n)]
    area = rng.uniform(300.0, 1200.0, n) * storeys
    population = rng.poisson(area / 25.0)
    return chosen, area, storeys.astype(float), population


def baseline_iso_c3(params: BuildingParams, outdoor: np.ndarray, step_h: float) -> np.ndarray:
    """ISO 13790 C.3 as written in the standard (eqs. C.4-C.11), one array op at a time."""
    h_ve = params.h_ve_w_per_k
    h_is = H_IS_W_PER_M2K * params.a_t_m2
    h_ms = H_MS_W_PER_M2K * params.a_m_m2
    h_w = params.h_tr_w_w_per_k
    h_em = 1.0 / (1.0 / params.h_tr_op_w_per_k - 1.0 / h_ms)
    h_1 = 1.0 / (1.0 / h_ve + 1.0 / h_is)
    h_2 = h_1 + h_w
    h_3 = 1.0 / (1.0 / h_2 + 1.0 / h_ms)
    c = params.c_m_j_per_k / (step_h * 3600.0)
    phi_ia = 0.5 * params.internal_gains_w
    phi_m = params.a_m_m2 / params.a_t_m2 * phi_ia
    phi_st = (1 - params.a_m_m2 / params.a_t_m2 - h_w / (9.1 * params.a_t_m2)) * phi_ia
    theta_m = np.full(len(params), 18.0)
    out = np.empty((outdoor.size, len(params)), dtype=np.float32)
    for t, theta_e in enumerate(outdoor):
        phi_mtot = (
            phi_m
            + h_em * theta_e
            + h_3 * (phi_st + h_w * theta_e + h_1 * (phi_ia / h_ve + theta_e)) / h_2
        )
        new = (theta_m * (c - 0.5 * (h_3 + h_em)) + phi_mtot) / (c + 0.5 * (h_3 + h_em))
        mean = 0.5 * (new + theta_m)
        theta_s = (h_ms * mean + phi_st + h_w * theta_e + h_1 * (theta_e + phi_ia / h_ve)) / (
            h_ms + h_w + h_1
        )
        out[t] = (h_is * theta_s + h_ve * theta_e + phi_ia) / (h_is + h_ve)
        theta_m = new
    return out


def main() -> None:
    weather = read_epw(packaged_weather_path()).window(START_HOUR, int(HOURS))
    keys, area, storeys, population = city(N_BUILDINGS)

    cpu_started = time.process_time()
    started = time.perf_counter()
    params = archetype_parameters(keys, area, storeys, population=population)
    after_params = time.perf_counter()
    irradiance = channel_irradiance(weather, params.solar_channels)
    after_sun = time.perf_counter()
    result = simulate_cooldown(
        params,
        weather.temp_air_c,
        step_h=STEP_H,
        hours=HOURS,
        solar_irradiance_w_per_m2=irradiance,
        sky_temp_depression_k=sky_depression(weather),
        thresholds_c=DEFAULT_THRESHOLDS_C,
    )
    after_sim = time.perf_counter()
    crossings = hours_to_threshold(result)
    finished = time.perf_counter()
    cpu_s = time.process_time() - cpu_started
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

    steps = round(HOURS / STEP_H)
    sub = archetype_parameters(
        keys[:BASELINE_BUILDINGS], area[:BASELINE_BUILDINGS], storeys[:BASELINE_BUILDINGS]
    )
    outdoor = np.interp(
        (np.arange(steps) + 0.5) * STEP_H, np.arange(int(HOURS)) + 0.5, weather.temp_air_c
    )
    base_start = time.perf_counter()
    baseline_iso_c3(sub, outdoor, STEP_H)
    base_s = time.perf_counter() - base_start

    del result
    warm_start = time.perf_counter()
    warm = simulate_cooldown(
        params,
        weather.temp_air_c,
        step_h=STEP_H,
        hours=HOURS,
        solar_irradiance_w_per_m2=irradiance,
        sky_temp_depression_k=sky_depression(weather),
        thresholds_c=DEFAULT_THRESHOLDS_C,
    )
    warm_s = time.perf_counter() - warm_start
    del warm
    two_pass_start = time.perf_counter()
    alone = simulate_cooldown(
        params,
        weather.temp_air_c,
        step_h=STEP_H,
        hours=HOURS,
        solar_irradiance_w_per_m2=irradiance,
        sky_temp_depression_k=sky_depression(weather),
    )
    second_pass = hours_to_threshold(alone)
    two_pass_s = time.perf_counter() - two_pass_start
    same = all(np.array_equal(second_pass[t], crossings[t], equal_nan=True) for t in crossings)
    del alone, second_pass
    touch_start = time.perf_counter()
    scratch = np.empty((steps + 1, N_BUILDINGS), dtype=np.float32)
    scratch.fill(0.0)
    first_touch_s = time.perf_counter() - touch_start
    del scratch

    ours_ns = warm_s / (N_BUILDINGS * steps) * 1e9
    base_ns = base_s / (BASELINE_BUILDINGS * steps) * 1e9
    payload = {
        "benchmark": "thermal cool-down",
        "buildings": N_BUILDINGS,
        "hours": HOURS,
        "step_h": STEP_H,
        "steps": steps,
        "wall_s": round(finished - started, 3),
        "cpu_s": round(cpu_s, 3),
        "phases_s": {
            "archetype_parameters": round(after_params - started, 3),
            "solar_irradiance": round(after_sun - after_params, 3),
            "simulate_cooldown": round(after_sim - after_sun, 3),
            "hours_to_threshold": round(finished - after_sim, 3),
        },
        "peak_rss_mb": round(peak_rss_mb, 1),
        "simulate_cooldown_again_s": round(warm_s, 3),
        "two_pass_again_s": round(two_pass_s, 3),
        "two_pass_same_crossings": bool(same),
        "first_touch_output_size_s": round(first_touch_s, 3),
        "target": {"wall_s": 5.0, "peak_rss_mb": 4096.0},
        "within_target": bool(finished - started <= 5.0 and peak_rss_mb <= 4096.0),
        "ns_per_building_step": round(ours_ns, 3),
        "baseline_iso_c3_ns_per_building_step": round(base_ns, 3),
        "speedup_vs_baseline": round(base_ns / ours_ns, 2),
        "buildings_below_12c_at_end": int(np.isfinite(crossings[12.0]).sum()),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
    }
    print(json.dumps(payload))


if __name__ == "__main__":
    main()
