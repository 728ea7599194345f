"""Argument parsing shared by the commands that take a CITY and damage."""

from __future__ import annotations

from typing import Annotated

import typer

from warmgrid.errors import InputError
from warmgrid.impact import Circle, Damage
from warmgrid.model import City
from warmgrid.model.open import open_city

CityArg = Annotated[str, typer.Argument(help='A city folder, or "demo" for the demo city.')]
DamageOpt = Annotated[
    str | None, typer.Option("--damage", help="Damaged asset ids, comma-separated.")
]
AreaOpt = Annotated[
    list[str] | None,
    typer.Option("--area", help="A damaged area LON,LAT,RADIUS_M (repeatable)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def load_city_arg(city: str) -> City:
    """The CITY argument: ``demo`` for the embedded demo city, else a city folder."""
    return open_city(city)


def parse_area(text: str) -> Circle:
    """``LON,LAT,RADIUS_M`` → :class:`Circle`."""
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


def parse_damage(damage: str | None, areas: list[str] | None) -> Damage:
    """``--damage ID,ID`` and repeated ``--area LON,LAT,RADIUS_M`` → :class:`Damage`."""
    ids = [part.strip() for part in (damage or "").split(",") if part.strip()]
    return Damage(asset_ids=tuple(ids), areas=tuple(parse_area(a) for a in areas or ()))
