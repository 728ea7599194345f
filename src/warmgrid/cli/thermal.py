"""CLI commands: ``cooldown`` (homes and heat network after damage) and ``freefloat``
(a year without heating for one building)."""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from warmgrid.cli.common import (
    AreaFileOpt,
    AreaOpt,
    CityArg,
    DamageOpt,
    JsonOpt,
    assess_damage,
    load_city_arg,
    parse_damage,
)
from warmgrid.cli.output import console, emit_json, esc, print_warning, progress
from warmgrid.errors import InputError

if TYPE_CHECKING:
    from warmgrid.scenario.spec import CooldownSettings
    from warmgrid.thermal.city import CityCooldown
    from warmgrid.thermal.weather import Weather

DENVER_EPW = "725650TYCST.epw"


def packaged_weather_path() -> Path:
    """The Denver TMY weather file shipped with warmgrid (the ASHRAE Standard 140 weather)."""
    return Path(str(resources.files("warmgrid.thermal") / "data" / DENVER_EPW))


def _weather(
    outdoor_temp: float | None,
    weather_file: Path | None,
    hours: float,
    start_hour: int,
    location: tuple[float, float] | None = None,
) -> Weather:
    """Constant or file weather for the horizon; a CSV's sun is placed at ``location``."""
    from warmgrid.cli.common import constant_forecast
    from warmgrid.thermal.weather import read_weather

    needed = math.ceil(hours)
    if outdoor_temp is not None:
        return constant_forecast(outdoor_temp, needed)
    assert weather_file is not None
    latitude, longitude = location if location is not None else (None, None)
    weather = read_weather(weather_file, latitude=latitude, longitude=longitude)
    if start_hour + needed > weather.hours and weather.source.lower().endswith(".csv"):
        raise InputError(
            str(weather_file),
            f"{weather.hours} hourly rows; from hour {start_hour} the horizon needs {needed}",
        )
    return weather.window(start_hour, needed)


def _hours(value: float) -> float | None:
    return None if not math.isfinite(value) else round(float(value), 2)


def cooldown_payload(cool: CityCooldown, names: dict[str, str]) -> dict[str, Any]:
    """JSON form of a city cool-down: every figure from the buildings' flats."""
    import numpy as np

    horizon = cool.horizon_h
    flats = cool.flats
    thresholds: dict[str, Any] = {}
    for threshold, hours in cool.hours_to.items():
        thresholds[f"{threshold:g}"] = {
            "first_building_h": _hours(cool.first_flat_crossing_h(threshold)),
            "buildings_reached": int(np.isfinite(hours).sum()),
            "people_below_at_end": cool.people_below(threshold, horizon),
            "people_hours_below": round(cool.people_hours[threshold], 1),
        }
    within = [h for h in (24.0, 48.0) if h <= horizon + 1e-9]
    after = {f"{h:g}h": cool.people_below(12.0, h) for h in within}
    network = None
    if cool.network is not None:
        network = {
            "pipe_sections": len(cool.network.pipe_ids),
            "drain_deadline_h": _hours(cool.network.drain_deadline_h),
            "first_pipe_id": cool.network.first_pipe_id,
        }
    risers = flats.pipes
    end_c = cool.mean_temp_end_c()
    buildings = [
        {
            "id": ident,
            "name": names.get(ident, ""),
            "population": int(cool.population[i]),
            **{f"first_flat_hours_to_{t:g}c": _hours(h[i]) for t, h in cool.hours_to.items()},
            "risers_hours_to_0c": None if risers is None else _hours(risers.hours_to_0c[i]),
            "air_temp_end_c": None if math.isnan(end_c[i]) else round(float(end_c[i]), 2),
            "flats": [
                {
                    "position": position,
                    "flats": int(flats.flats[i, p]),
                    "people": round(float(flats.people[i, p]), 1),
                    "hours_to_12c": _hours(flats.hours_to[12.0][i, p]),
                }
                for p, position in enumerate(flats.positions)
                if flats.flats[i, p] > 0
            ],
        }
        for i, ident in enumerate(cool.building_ids)
    ]
    positions = [
        {
            **row,
            "people_below_12c_within": {
                f"{h:g}h": _people_in(cool, row["position"], h) for h in within
            },
        }
        for row in flats.by_position()
    ]
    return {
        "horizon_h": horizon,
        "step_h": cool.step_h,
        "buildings_without_heat": len(cool.building_ids),
        "people_without_heat": int(np.nansum(cool.population)),
        "thresholds": thresholds,
        "people_below_12c_after": after,
        "heat_network": network,
        "flats": positions,
        "risers_first_freeze_h": None
        if risers is None or not np.isfinite(risers.hours_to_0c).any()
        else _hours(float(np.nanmin(risers.hours_to_0c))),
        "buildings": buildings,
    }


def _people_in(cool: CityCooldown, position: str, after_h: float) -> int:
    """People in flats of ``position`` below 12 °C within ``after_h`` hours."""
    from warmgrid.thermal.people import people_below_within

    p = cool.flats.positions.index(position)
    hours = cool.flats.hours_to[12.0][:, p : p + 1]
    return round(float(people_below_within(hours, cool.flats.people[:, p : p + 1], after_h).sum()))


def cooldown_command(
    city: CityArg,
    damage: DamageOpt = None,
    area: AreaOpt = None,
    area_file: AreaFileOpt = None,
    outdoor_temp: Annotated[
        float | None,
        typer.Option(
            "--outdoor-temp",
            help="Constant outdoor temperature, °C (default without --weather: that of a "
            "scenario file without [weather]).",
        ),
    ] = None,
    weather_file: Annotated[
        Path | None,
        typer.Option("--weather", help="Weather: an EPW file or an hourly CSV (temp_air_c)."),
    ] = None,
    hours: Annotated[float, typer.Option(help="Horizon, hours.")] = 72.0,
    step_min: Annotated[
        float | None, typer.Option(help="Time step, minutes (default: as in scenarios).")
    ] = None,
    start_hour: Annotated[int, typer.Option(help="First hour of the weather file used.")] = 0,
    set_point: Annotated[
        float | None,
        typer.Option(help="Indoor temperature before, °C (default: as in scenarios)."),
    ] = None,
    water_temp: Annotated[
        float | None,
        typer.Option(
            help="Heat-network water temperature when flow stops, °C (default: as in scenarios)."
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """How fast the homes cut off from heat get cold, and when to drain the heat network.

    Runs the cool-down step of the scenario pipeline with the scenario files' settings,
    defaults and limits (`[cooldown]` of a scenario file). Without damage it is the
    base state of the city, as for `warmgrid impact`: only buildings already without
    heat cool down."""
    from warmgrid.model import compile_city
    from warmgrid.scenario.run import cool_down_under
    from warmgrid.scenario.spec import DEFAULT_OUTDOOR_TEMP_C

    settings = _cooldown_settings(
        {
            "set_point_c": ("--set-point", set_point),
            "water_temp_c": ("--water-temp", water_temp),
            "step_min": ("--step-min", step_min),
        }
    )
    _check_hours(hours)
    if settings.step_min / 60 > hours:
        raise InputError("--hours", f"shorter than one step of {settings.step_min:g} min")
    if start_hour < 0:
        raise InputError("--start-hour", f"expected 0 or more, got {start_hour}")
    spec = parse_damage(damage, area, area_file)
    if outdoor_temp is not None and weather_file is not None:
        raise InputError("cooldown", "give either --outdoor-temp or --weather, not both")
    if weather_file is None and outdoor_temp is None:
        outdoor_temp = DEFAULT_OUTDOOR_TEMP_C
    compiled = compile_city(load_city_arg(city))
    buildings_all = compiled.city.buildings
    location = None
    if len(buildings_all):
        location = (float(buildings_all["lat"].mean()), float(buildings_all["lon"].mean()))
    weather = _weather(outdoor_temp, weather_file, hours, start_hour, location)
    impact = assess_damage(compiled, spec)
    city_model = compiled.city
    with progress(not json_out) as bar:
        task = bar.add_task("cool-down", total=None) if bar else None
        cool = cool_down_under(city_model, impact, weather, hours, settings)
        if bar is not None and task is not None:
            bar.update(task, completed=1, total=1)
    buildings = city_model.buildings
    names = dict(zip(buildings["id"].astype(str), buildings["name"].astype(str), strict=True))
    payload = cooldown_payload(cool, names)
    payload["city"] = city_model.name
    payload["damaged_asset_ids"] = impact.damaged_asset_ids
    payload["weather"] = weather.source
    payload["outdoor_temp_c"] = outdoor_temp
    if json_out:
        emit_json(payload)
        return
    _print_cooldown(payload)


def _check_hours(hours: float) -> None:
    """``--hours``: a horizon of more than 0 h and at most a leap year."""
    if not (math.isfinite(hours) and 0 < hours <= 24 * 366):
        raise InputError("--hours", f"expected 0 < hours <= 8784, got {hours:g}")


def _cooldown_settings(given: dict[str, tuple[str, float | None]]) -> CooldownSettings:
    """The scenario files' cool-down settings with the values given on the command line
    (setting → (option, value or None)), each checked against the same limits."""
    from dataclasses import replace

    from warmgrid.scenario.spec import COOLDOWN_LIMITS, CooldownSettings

    changes: dict[str, float] = {}
    for key, (option, value) in given.items():
        if value is None:
            continue
        low, high = COOLDOWN_LIMITS[key]
        if not (math.isfinite(value) and low <= value <= high):
            raise InputError(option, f"expected {low:g} to {high:g}, got {value:g}")
        changes[key] = value
    return replace(CooldownSettings(), **changes)


def _print_cooldown(payload: dict[str, Any]) -> None:
    def when(value: float | None) -> str:
        return "not within the horizon" if value is None else f"{value:g} h"

    if not payload["damaged_asset_ids"]:
        console.print("[bold]Damaged:[/] nothing: the base state of the city")
    if not payload["buildings_without_heat"]:
        console.print("No building is without heat: nothing cools down.")
        return
    console.print(
        f"[bold]{payload['buildings_without_heat']:,} buildings without heat, "
        f"{payload['people_without_heat']:,.0f} people[/] (weather: {esc(payload['weather'])}"
        + ("" if payload["outdoor_temp_c"] is None else f" {payload['outdoor_temp_c']:g} °C")
        + f", horizon {payload['horizon_h']:g} h)"
    )
    table = Table(title="Indoor air temperature of the flats")
    for column in ("below", "first flat", "buildings", "people at end", "people-hours"):
        table.add_column(column, justify="right")
    for threshold, row in payload["thresholds"].items():
        table.add_row(
            f"{threshold} °C",
            when(row["first_building_h"]),
            f"{row['buildings_reached']:,}",
            f"{row['people_below_at_end']:,.0f}",
            f"{row['people_hours_below']:,.0f}",
        )
    console.print(table)
    within = list(payload["people_below_12c_after"])
    positions = Table(title="Flats by position, coldest first")
    for column in ("position", "flats", "people", "first below 12 °C"):
        positions.add_column(column, justify="right")
    for after in within:
        positions.add_column(f"people below 12 °C within {_hours_label(after)}", justify="right")
    for row in payload["flats"]:
        if row["flats"]:
            positions.add_row(
                row["position"].replace("_", " "),
                f"{row['flats']:,}",
                f"{row['people']:,.0f}",
                when(row["hours_to_c"].get("12")),
                *(f"{row['people_below_12c_within'][after]:,.0f}" for after in within),
            )
    console.print(positions)
    network = payload["heat_network"]
    if network and network["pipe_sections"]:
        console.print(
            f"[bold]Heat network:[/] {network['pipe_sections']} stagnant pipe sections; "
            f"drain before freezing starts: {when(network['drain_deadline_h'])}"
            + (f" (first: {esc(network['first_pipe_id'])})" if network["first_pipe_id"] else ""),
            highlight=False,
        )
    if payload["risers_first_freeze_h"] is not None:
        freezing = sum(1 for b in payload["buildings"] if b["risers_hours_to_0c"] is not None)
        console.print(
            "[bold]Heating risers[/] in stairwells and top floors may start freezing after "
            f"{payload['risers_first_freeze_h']:g} h ({freezing:,} buildings within "
            f"{payload['horizon_h']:g} h)"
        )
    for after, people in payload["people_below_12c_after"].items():
        console.print(f"People in flats below 12 °C within {_hours_label(after)}: {people:,.0f}")
    if not payload["people_below_12c_after"]:
        console.print(
            f"People in flats below 12 °C within 24 h: beyond the {payload['horizon_h']:g} h "
            "horizon (see the table above for the people at its end)"
        )
    key = "first_flat_hours_to_12c"
    coldest = sorted(
        (b for b in payload["buildings"] if b.get(key) is not None), key=lambda b: b[key]
    )[:5]
    if coldest:
        console.print("First flats below 12 °C (building: position, hours, people there):")
    for building in coldest:
        first = min(
            (f for f in building["flats"] if f["hours_to_12c"] is not None),
            key=lambda f: f["hours_to_12c"],
        )
        console.print(
            f"  {building['name'] or building['id']}: {first['position'].replace('_', ' ')} "
            f"after {building[key]} h, {first['people']:,.0f} people in {first['flats']} flats",
            highlight=False,
            markup=False,
        )


def freefloat_command(
    building: Annotated[Path, typer.Option("--building", help="Building description (TOML).")],
    weather_file: Annotated[
        Path | None,
        typer.Option("--weather", help="EPW weather file (default: the Denver TMY of ASHRAE 140)."),
    ] = None,
    outdoor_temp: Annotated[
        float | None, typer.Option("--outdoor-temp", help="Constant outdoor temperature, °C.")
    ] = None,
    start_temp: Annotated[
        float | None,
        typer.Option("--start-temp", help="Heated indoor air temperature when heating stops, °C."),
    ] = None,
    hours: Annotated[
        float | None,
        typer.Option("--hours", help="Cool-down horizon with --start-temp, h (default 72)."),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """A year without heating (annual min, max, mean indoor air temperature), or with
    --start-temp the hours until the air falls below 18, 15, 12, 10, 5 and 0 °C."""
    from warmgrid.cli.common import constant_forecast
    from warmgrid.thermal.building_file import load_building
    from warmgrid.thermal.cooldown import DEFAULT_THRESHOLDS_C
    from warmgrid.thermal.defaults import HORIZON_H
    from warmgrid.thermal.freefloat import simulate_freefloat
    from warmgrid.thermal.weather import read_weather

    description = load_building(building)
    if outdoor_temp is not None and weather_file is not None:
        raise InputError("--outdoor-temp", "give either --weather or --outdoor-temp, not both")
    if start_temp is not None:
        horizon_h = HORIZON_H if hours is None else hours
        _check_hours(horizon_h)
        _cooldown_settings({"set_point_c": ("--start-temp", start_temp)})
        if outdoor_temp is not None and start_temp <= outdoor_temp:
            raise InputError(
                "--start-temp",
                f"expected above the outdoor temperature ({outdoor_temp:g} °C), "
                f"got {start_temp:g} °C",
            )
        if description.ventilation is not None:
            print_warning(
                f"{description.source}: [scheduled_ventilation] is used by the one-year run "
                "(without --start-temp) only; the cool-down keeps air_changes_per_h"
            )
        _print_building_cooldown(
            description, weather_file, outdoor_temp, start_temp, horizon_h, json_out
        )
        return
    if hours is not None:
        raise InputError("--hours", "applies with --start-temp; without it the run is a year")
    if description.infiltration is not None:
        print_warning(
            f"{description.source}: [infiltration] is used by the cool-down (--start-temp) "
            "only; the one-year run keeps air_changes_per_h"
        )
    path = weather_file if weather_file is not None else packaged_weather_path()
    weather = read_weather(path) if outdoor_temp is None else constant_forecast(outdoor_temp, 8760)
    result = simulate_freefloat(description.params, weather, description.ventilation)
    hourly = result.hourly_air_temp_c
    payload: dict[str, Any] = {
        "building": description.name,
        "weather": str(path),
        "hours": int(hourly.size),
        "min_c": round(result.min_c, 2),
        "max_c": round(result.max_c, 2),
        "mean_c": round(result.mean_c, 2),
        "hours_below_c": {f"{t:g}": int((hourly < t).sum()) for t in DEFAULT_THRESHOLDS_C},
    }
    if json_out:
        emit_json(payload)
        return
    console.print(
        f"[bold]{esc(payload['building'])}[/], free-floating over {payload['hours']} h",
        highlight=False,
    )
    console.print(
        f"indoor air: min {payload['min_c']} °C, max {payload['max_c']} °C, "
        f"mean {payload['mean_c']} °C"
    )
    for threshold, count in payload["hours_below_c"].items():
        console.print(f"  hours below {threshold} °C: {count}")


def _print_building_cooldown(
    description: Any,
    weather_file: Path | None,
    outdoor_temp: float | None,
    start_temp: float,
    hours: float,
    json_out: bool,
) -> None:
    from warmgrid.thermal.network import building_cooldown

    path = weather_file if weather_file is not None else packaged_weather_path()
    weather = _weather(outdoor_temp, path, hours, 0)
    payload = {
        "building": description.name,
        "weather": "constant" if outdoor_temp is not None else str(path),
        "outdoor_temp_c": outdoor_temp,
        "start_temp_c": start_temp,
        "hours": hours,
        "hours_to_c": building_cooldown(description, weather, start_temp, hours),
        "flats": _building_flats(description, weather, start_temp, hours),
    }
    if json_out:
        emit_json(payload)
        return
    console.print(f"[bold]{payload['building']}[/]: heating off at {start_temp:g} °C")
    for threshold, value in payload["hours_to_c"].items():
        when = f"after {value} h" if value is not None else f"not within {hours:g} h"
        console.print(f"  below {threshold} °C {when}")
    for flat in payload["flats"]:
        twelve = flat["hours_to_c"]["12"]
        when = f"after {twelve} h" if twelve is not None else f"not within {hours:g} h"
        console.print(f"  {flat['position'].replace('_', ' ')} flats below 12 °C {when}")


def _building_flats(
    description: Any, weather: Weather, start_temp: float, hours: float
) -> list[dict[str, Any]]:
    """``{position, hours_to_c}`` of the flats of a building file with a ``[flats]`` table
    (worst first); empty without one."""
    import numpy as np

    from warmgrid.thermal.flats import city_flats
    from warmgrid.thermal.network import FREEFLOAT_THRESHOLDS_C

    spec = description.flats
    if spec is None:
        return []
    flats = city_flats(
        np.array([spec.archetype], dtype=object),
        np.array([description.fields["floor_area_m2"]]),
        np.array([float(spec.storeys)]),
        np.array([spec.people]),
        weather,
        hours,
        0.25,
        start_temp,
        thresholds_c=FREEFLOAT_THRESHOLDS_C,
    )
    return [
        {"position": row["position"], "flats": row["flats"], "hours_to_c": row["hours_to_c"]}
        for row in flats.by_position()
        if row["flats"]
    ]


def register(app: typer.Typer) -> None:
    """Add ``cooldown`` and ``freefloat``."""
    app.command("cooldown")(cooldown_command)
    app.command("freefloat")(freefloat_command)


def _hours_label(key: str) -> str:
    """A JSON key of hours (``"24h"``) as the text shows hours (``"24 h"``)."""
    return f"{key.removesuffix('h')} h"
