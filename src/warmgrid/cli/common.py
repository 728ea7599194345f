"""Argument parsing shared by the commands that take a CITY and damage."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from warmgrid.errors import InputError

if TYPE_CHECKING:
    from warmgrid.impact import Circle, Damage
    from warmgrid.model import City

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
    from warmgrid.model.open import open_city

    return open_city(city)


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
    return Circle(lon, lat, radius_m)


def parse_damage(damage: str | None, areas: list[str] | None) -> Damage:
    """``--damage ID,ID`` and repeated ``--area LON,LAT,RADIUS_M`` → :class:`Damage`."""
    from warmgrid.impact import Damage

    ids = [part.strip() for part in (damage or "").split(",") if part.strip()]
    return Damage(asset_ids=tuple(ids), areas=tuple(parse_area(a) for a in areas or ()))
