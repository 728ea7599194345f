"""Confirmed damage → the impact engine (when the city and ``warmgrid.impact`` exist)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from warmgrid.store.errors import ConflictError

CRITICAL_USES = ("hospital", "school", "care_home")


def _engine() -> tuple[Callable[..., Any], type, Callable[..., Any]]:
    try:
        from warmgrid.impact import Damage, assess
        from warmgrid.model import compile_city
    except ImportError as error:
        raise ConflictError(f"the impact engine is not available: {error}") from error
    return assess, Damage, compile_city


def summarise_impact(city: Any, asset_ids: list[str], compiled: Any = None) -> dict[str, Any]:
    """People and buildings without power and heat after ``asset_ids`` are damaged.

    ``compiled`` is the compiled city when the caller keeps one; otherwise it is built.
    """
    if city is None:
        raise ConflictError("the server runs without a city; nothing to assess")
    assess, Damage, compile_city = _engine()
    compiled = compiled if compiled is not None else compile_city(city)
    result = assess(compiled, Damage(asset_ids=list(asset_ids), areas=[]))
    buildings = city.buildings
    summary: dict[str, Any] = {
        "people_without_power": int(result.people_without_power),
        "people_without_heat": int(result.people_without_heat),
        "buildings_without_power": int(result.building_without_power.sum()),
        "buildings_without_heat": int(result.building_without_heat.sum()),
        "damaged_asset_ids": sorted(map(str, result.damaged_asset_ids)),
        "critical_without_power": {},
        "critical_without_heat": {},
    }
    use = buildings["use"].to_numpy()
    for service, mask in (
        ("power", result.building_without_power),
        ("heat", result.building_without_heat),
    ):
        summary[f"critical_without_{service}"] = {
            kind: sorted(map(str, buildings["id"].to_numpy()[mask & (use == kind)]))
            for kind in CRITICAL_USES
        }
    return summary
