"""Argument parsing shared by the commands that take a CITY and damage."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from warmgrid.errors import InputError

if TYPE_CHECKING:
    from warmgrid.impact import Circle, Damage, ImpactResult
    from warmgrid.impact.damage import Area
    from warmgrid.model import City, CompiledCity
    from warmgrid.thermal.weather import Weather

CityArg = Annotated[str, typer.Argument(help='A city folder, or "demo" for the demo city.')]
DamageOpt = Annotated[
    str | None, typer.Option("--damage", help="Damaged asset ids, comma-separated.")
]
AreaOpt = Annotated[
    list[str] | None,
    typer.Option("--area", help="A damaged area LON,LAT,RADIUS_M (repeatable)."),
]
AreaFileOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--area-file",
        help="Damaged areas: a GeoJSON file of Polygons or MultiPolygons (repeatable).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def load_city_arg(city: str) -> City:
    """The CITY argument: ``demo`` for the embedded demo city, else a city folder."""
    from warmgrid.model.open import open_city

    return open_city(city)


def assess_damage(compiled: CompiledCity, damage: Damage, where: str = "--damage") -> ImpactResult:
    """The impact of ``damage`` given on the command line; an id that names no asset of
    the city is refused naming ``where`` (the ``--damage`` option, or a scenario file)."""
    from warmgrid.errors import UnknownIdError
    from warmgrid.impact import assess

    try:
        result = assess(compiled, damage)
    except UnknownIdError as error:
        raise InputError(where, f"unknown {error.kind} id {error.ident!r}") from None
    warn_empty_areas(compiled, damage)
    return result


def warn_empty_areas(compiled: CompiledCity, damage: Damage) -> None:
    """One warning line per damaged area that holds no asset of the city: an area in the
    wrong place (LAT,LON for LON,LAT, say) would otherwise read as "nothing damaged"."""
    import numpy as np

    from warmgrid.cli.output import print_warning
    from warmgrid.impact import Circle, Damage
    from warmgrid.impact.damage import damage_mask

    for number, area in enumerate(damage.areas, start=1):
        if damage_mask(compiled, Damage(areas=(area,))).any():
            continue
        lon, lat = compiled.node_lon, compiled.node_lat
        named = (
            f"--area {area.lon:g},{area.lat:g},{area.radius_m:g}"
            if isinstance(area, Circle)
            else f"damaged area {number}"
        )
        print_warning(
            f"{named}: holds no asset of the city, whose assets lie within lon "
            f"{np.nanmin(lon):.4f}…{np.nanmax(lon):.4f}, lat {np.nanmin(lat):.4f}…"
            f"{np.nanmax(lat):.4f} (positions are LON,LAT)"
        )


def parse_area(text: str) -> Circle:
    """``LON,LAT,RADIUS_M`` → :class:`Circle`."""
    from warmgrid.impact import Circle

    parts = text.split(",")
    if len(parts) != 3:
        raise InputError("--area", f"expected LON,LAT,RADIUS_M, got {text!r}")
    try:
        lon, lat, radius_m = (float(p) for p in parts)
    except ValueError:
        raise InputError(
            "--area", f"expected three numbers LON,LAT,RADIUS_M, got {text!r}"
        ) from None
    try:
        return Circle(lon, lat, radius_m)
    except InputError as error:
        raise InputError("--area", f"{text!r}: {error.problem}") from None


def parse_damage(
    damage: str | None, areas: list[str] | None, area_files: list[Path] | None = None
) -> Damage:
    """``--damage ID,ID``, repeated ``--area LON,LAT,RADIUS_M`` and ``--area-file
    F.geojson`` → :class:`Damage`."""
    from warmgrid.impact import Damage
    from warmgrid.impact.area_file import read_area_file

    ids = [part.strip() for part in (damage or "").split(",") if part.strip()]
    shapes: list[Area] = [parse_area(a) for a in areas or ()]
    for path in area_files or ():
        shapes += read_area_file(path)
    return Damage(asset_ids=tuple(ids), areas=tuple(shapes))


def constant_forecast(outdoor_temp_c: float, hours: int) -> Weather:
    """The constant forecast of ``--outdoor-temp`` (°C) over ``hours`` hours; a value the
    thermal engine refuses is named by the option."""
    from warmgrid.thermal.weather import constant_weather

    try:
        return constant_weather(outdoor_temp_c, hours)
    except InputError as error:
        raise InputError("--outdoor-temp", error.problem) from None
