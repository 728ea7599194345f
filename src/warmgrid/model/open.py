"""Open a city by name: ``demo`` for the embedded demo city, else a city folder.

Imports only what a name needs: :func:`city_timezone` reads no table and loads no pandas.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from warmgrid.model.io.manifest import read_manifest
from warmgrid.model.timezone import DEFAULT_TIMEZONE, check_timezone

if TYPE_CHECKING:
    from warmgrid.model.city import City

DEMO = "demo"
DEMO_TIMEZONE = "Europe/Kyiv"


def open_city(name_or_path: str) -> City:
    """``demo`` for the embedded demo city, else the path of a city folder."""
    if name_or_path == DEMO:
        from warmgrid.model.demo import demo_city

        return demo_city()
    from warmgrid.model.io.native import load_city

    return load_city(Path(name_or_path))


def city_timezone(name_or_path: str) -> str:
    """The IANA time zone of ``demo`` or of a city folder, read from its ``city.json``
    without loading the tables."""
    if name_or_path == DEMO:
        return DEMO_TIMEZONE
    folder = Path(name_or_path)
    zone = read_manifest(folder).get("timezone", DEFAULT_TIMEZONE)
    return check_timezone(zone, f"{folder / 'city.json'}: timezone")
