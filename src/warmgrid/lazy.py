"""Public names of a package loaded from their submodules on first use (PEP 562), so that
importing the package, or one light submodule of it, does not pay for the heavy ones."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_names(
    package: str, submodule: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of ``package`` (its ``globals()`` are
    ``namespace``): each name of ``submodule`` is imported from
    ``package.submodule[name]`` when first asked for, then kept in the namespace."""

    def attribute(name: str) -> Any:
        if name not in submodule:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{submodule[name]}"), name)
        namespace[name] = value
        return value

    def names() -> list[str]:
        return sorted([*namespace, *submodule])

    return attribute, names
