"""The City model: tables with stable string ids, compiled to arrays for the engines.

The package itself imports nothing: each name below is loaded from its submodule on first
use (PEP 562), so that ``warmgrid.model.timezone`` or ``warmgrid.model.open`` do not pay
for pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from warmgrid.lazy import lazy_names

if TYPE_CHECKING:
    from warmgrid.model.city import City
    from warmgrid.model.compile import CompiledCity, compile_city
    from warmgrid.model.io.native import load_city, save_city

_SUBMODULE = {
    "City": "city",
    "CompiledCity": "compile",
    "compile_city": "compile",
    "load_city": "io.native",
    "save_city": "io.native",
}


__getattr__, __dir__ = lazy_names(__name__, _SUBMODULE, globals())

__all__ = ["City", "CompiledCity", "compile_city", "load_city", "save_city"]
