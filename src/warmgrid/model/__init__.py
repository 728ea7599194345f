"""The City model: tables with stable string ids, compiled to arrays for the engines.

The package itself imports nothing: each name below is loaded from its submodule on first
use (PEP 562), so that ``warmgrid.model.timezone`` or ``warmgrid.model.open`` do not pay
for pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    """The public name ``name``, imported from its submodule on first use."""
    if name not in _SUBMODULE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_SUBMODULE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_SUBMODULE])


__all__ = ["City", "CompiledCity", "compile_city", "load_city", "save_city"]
