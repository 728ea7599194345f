"""Open a city by name: ``demo`` for the embedded demo city, else a city folder."""

from __future__ import annotations

from pathlib import Path

from warmgrid.model.city import City
from warmgrid.model.demo import TIMEZONE as DEMO_TIMEZONE
from warmgrid.model.demo import demo_city
from warmgrid.model.io.native import load_city, read_manifest
from warmgrid.model.timezone import DEFAULT_TIMEZONE, check_timezone

DEMO = "demo"


def open_city(name_or_path: str) -> City:
    """``demo`` for the embedded demo city, else the path of a city folder."""
    if name_or_path == DEMO:
        return demo_city()
    return load_city(Path(name_or_path))


def city_timezone(name_or_path: str) -> str:
    """The IANA time zone of ``demo`` or of a city folder, read from its ``city.json``
    without loading the tables."""
    if name_or_path == DEMO:
        return DEMO_TIMEZONE
    folder = Path(name_or_path)
    zone = read_manifest(folder).get("timezone", DEFAULT_TIMEZONE)
    return check_timezone(zone, f"{folder / 'city.json'}: timezone")
