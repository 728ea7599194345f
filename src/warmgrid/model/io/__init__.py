"""Reading and writing cities: the native folder format, pandapower/SimBench, pandapipes
and GeoJSON (see docs/city.md)."""

from warmgrid.model.io.geojson_io import (
    city_from_geojson,
    city_to_geojson,
    read_geojson,
    write_geojson,
)
from warmgrid.model.io.native import load_city, save_city
from warmgrid.model.io.pandapipes_io import (
    city_from_pandapipes,
    couple,
    read_pandapipes_file,
    schutterwald_city,
)
from warmgrid.model.io.pandapower_io import (
    city_from_pandapower,
    city_from_simbench,
    read_pandapower_file,
)

__all__ = [
    "city_from_geojson",
    "city_from_pandapipes",
    "city_from_pandapower",
    "city_from_simbench",
    "city_to_geojson",
    "couple",
    "load_city",
    "read_geojson",
    "read_pandapipes_file",
    "read_pandapower_file",
    "save_city",
    "schutterwald_city",
    "write_geojson",
]
