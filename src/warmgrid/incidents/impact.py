"""Confirmed damage → the impact engine: people and buildings without power and heat."""

from __future__ import annotations

from typing import Any

from warmgrid.store.errors import ConflictError

CRITICAL_USES = ("hospital", "school", "care_home")


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


def summarise_impact(city: Any, result: Any) -> dict[str, Any]:
    """JSON-ready summary of an impact result: people, buildings, critical facilities."""
    buildings = city.buildings
    use = buildings["use"].to_numpy()
    ids = buildings["id"].to_numpy()
    summary: dict[str, Any] = {
        "people_without_power": int(result.people_without_power),
        "people_without_heat": int(result.people_without_heat),
        "buildings_without_power": int(result.building_without_power.sum()),
        "buildings_without_heat": int(result.building_without_heat.sum()),
        "damaged_asset_ids": sorted(map(str, result.damaged_asset_ids)),
    }
    for service, mask in (
        ("power", result.building_without_power),
        ("heat", result.building_without_heat),
    ):
        summary[f"critical_without_{service}"] = {
            kind: sorted(map(str, ids[mask & (use == kind)])) for kind in CRITICAL_USES
        }
    return summary
