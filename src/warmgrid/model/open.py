"""Open a city by name: ``demo`` for the embedded demo city, else a city folder."""

from __future__ import annotations

from pathlib import Path

from warmgrid.model.city import City
from warmgrid.model.demo import demo_city
from warmgrid.model.io.native import load_city

DEMO = "demo"


def open_city(name_or_path: str) -> City:
    """``demo`` for the embedded demo city, else the path of a city folder."""
    if name_or_path == DEMO:
        return demo_city()
    return load_city(Path(name_or_path))
