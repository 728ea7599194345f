"""The City model: tables with stable string ids, compiled to arrays for the engines."""

from warmgrid.model.city import City
from warmgrid.model.compile import CompiledCity, compile_city
from warmgrid.model.io.native import load_city, save_city

__all__ = ["City", "CompiledCity", "compile_city", "load_city", "save_city"]
