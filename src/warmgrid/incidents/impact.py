"""Confirmed damage → the impact engine: people and buildings without power and heat.

The result is stored and served as :meth:`warmgrid.impact.ImpactResult.summary`, the one
JSON form of an impact that the command line prints too."""

from __future__ import annotations

from typing import Any

from warmgrid.store.errors import ConflictError


def compile_for_impact(city: Any) -> Any:
    """The compiled city the impact engine needs (409-style error without a city)."""
    if city is None:
        raise ConflictError("the server runs without a city; nothing to assess")
    from warmgrid.model import compile_city

    return compile_city(city)


def run_impact(city: Any, asset_ids: list[str], compiled: Any) -> Any:
    """:func:`warmgrid.impact.assess` of the damaged ``asset_ids`` on ``compiled``."""
    if city is None:
        raise ConflictError("the server runs without a city; nothing to assess")
    from warmgrid.impact import Damage, assess

    return assess(compiled, Damage(asset_ids=tuple(asset_ids), areas=()))
