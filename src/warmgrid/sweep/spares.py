"""Spare parts pre-positioned: the repairs they shorten.

A spare of an asset kind (a transformer, a pump) kept in stock spares the time to find,
order and bring the part, so the repair of one damaged asset of that kind takes
``factor`` × its planned hours (``repair_h`` of the scenario by asset id or kind, else
:data:`warmgrid.restore.from_city.DEFAULT_REPAIR_H`). The default factor, one half, is a
planning parameter of warmgrid, not a published figure: a utility should set its own
from its records of repairs with and without parts on hand.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import numpy as np

from warmgrid.errors import InputError
from warmgrid.model.compile import CompiledCity
from warmgrid.restore.from_city import DEFAULT_REPAIR_H, asset_table
from warmgrid.sweep.city import SweepCity

DEFAULT_SPARE_FACTOR = 0.5
"""Share of its planned hours a repair takes with a spare on hand (planning parameter)."""


def asset_kinds(compiled: CompiledCity) -> np.ndarray:
    """The kind (``trafo``, ``pipe``, …) of every asset, in the compiled city's order."""
    city = compiled.city
    tables = (city.nodes, city.branches, city.sources)
    return np.concatenate([t["kind"].astype(str).to_numpy() for t in tables])


def parse_spares(texts: Iterable[str], compiled: CompiledCity) -> dict[str, int]:
    """``--spares kind=N`` (repeatable) → kind → the most spares of it the plan may stock."""
    known = set(asset_kinds(compiled).tolist())
    limits: dict[str, int] = {}
    for text in texts:
        kind, _, count = text.partition("=")
        kind = kind.strip()
        try:
            limit = int(count)
        except ValueError:
            raise InputError("--spares", f"expected KIND=N, got {text!r}") from None
        if kind not in known:
            raise InputError("--spares", f"no asset of kind {kind!r} in the city")
        if limit < 1:
            raise InputError("--spares", f"{kind}: expected at least 1 spare, got {limit}")
        limits[kind] = limit
    return limits


def with_spares(city: SweepCity, asset_ids: Iterable[str], factor: float) -> SweepCity:
    """``city`` with the repairs of ``asset_ids`` taking ``factor`` × their hours."""
    hours = dict(city.repair_h or {})
    assets = city.assets if city.assets is not None else asset_table(city.compiled.city)
    for ident in asset_ids:
        kind = assets[ident][1]
        hours[ident] = factor * float(hours.get(ident, hours.get(kind, DEFAULT_REPAIR_H[kind])))
    return dataclasses.replace(city, repair_h=hours)
