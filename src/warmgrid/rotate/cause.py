"""Why there is a deficit: the limit that sets it, what it can carry against the load put
on it, and whether the city's network breaks it without the damage too.

A sources limit is an island's active sources' ``capacity_mw`` (docs/city.md: a grid
infeed's import limit, a plant's output) against the island's load plus the loss
allowance of :mod:`warmgrid.rotate.screen`; a branch limit is ``limit_pct`` % of a
bridge's ``rating_mva`` against the apparent power through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from warmgrid.model import CompiledCity
from warmgrid.rotate.screen import Limit
from warmgrid.rotate.tree import POWER, BlockTree


@dataclass(frozen=True)
class DeficitCause:
    """The limit with the largest excess, in the slot where it is largest."""

    kind: str  # "sources" (MW) or "branch" (MVA)
    names: list[str]  # the island's active source ids, or the bridge's branch ids
    available: float  # MW (the sources' capacity) or MVA (limit_pct % of the rating)
    load: float  # MW (with the loss allowance) or MVA put on it
    start_h: float  # the slot's start, hours after the plan's start
    city_limit: bool  # broken without the damage too: the city's own limit
    damaged: bool  # any asset damaged

    @property
    def unit(self) -> str:
        """MW for sources, MVA for branches."""
        return "MW" if self.kind == "sources" else "MVA"

    def to_json(self) -> dict[str, object]:
        """The ``deficit_cause`` object of ``warmgrid rotate --json`` (docs/rotate.md)."""
        return {
            "kind": self.kind,
            "names": self.names,
            "unit": self.unit,
            "available": round(self.available, 3),
            "load": round(self.load, 3),
            "start_h": self.start_h,
            "city_limit": self.city_limit,
        }


def island_sources(compiled: CompiledCity, tree: BlockTree, island: int) -> list[str]:
    """Ids of the active power sources of ``island`` of ``tree``."""
    active = tree.state.source_active & (compiled.source_network == POWER)
    block = tree.node_block[compiled.source_node]
    inside = active & (block >= 0)
    inside[inside] = tree.island[block[inside]] == island
    return compiled.city.sources["id"].to_numpy()[inside].astype(str).tolist()


def _same(limit: Limit, other: Limit) -> bool:
    """``other`` (on another damage state) is ``limit``: the same bridge, or sources
    feeding some of the same buildings."""
    if limit.block >= 0:
        return other.block >= 0 and other.name == limit.name
    return other.island >= 0 and bool((other.members & limit.members).any())


def deficit_cause(
    compiled: CompiledCity,
    limits: list[list[Limit]],
    trees: list[BlockTree],
    edges_h: np.ndarray,
    damaged: np.ndarray,
    intact_limits: Callable[[int], list[Limit]],
) -> DeficitCause | None:
    """The cause of the deficit of ``limits`` (per slot, with ``trees`` their damage
    states), or None without one; ``intact_limits(t)``: the limits slot ``t``'s load
    breaks without any damage (asked only when something is damaged)."""
    found = [(lim.excess, t, lim) for t, slot in enumerate(limits) for lim in slot]
    if not found:
        return None
    _, t, worst = max(found, key=lambda item: (item[0], -item[1]))
    if worst.block >= 0:
        names = worst.name.split(",")
        kind = "branch"
    else:
        names = island_sources(compiled, trees[t], worst.island)
        kind = "sources"
    is_damaged = bool(damaged.any())
    city_limit = not is_damaged or any(_same(worst, other) for other in intact_limits(t))
    return DeficitCause(
        kind=kind,
        names=names,
        available=worst.available,
        load=worst.available + worst.excess,
        start_h=float(edges_h[t]),
        city_limit=city_limit,
        damaged=is_damaged,
    )
