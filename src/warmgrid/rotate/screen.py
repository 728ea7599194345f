"""The linear capacity screen: which limits a slot's load breaks, and by how much.

Two kinds of limit, both linear in the buildings' loads (so turning a group off lowers
each by exactly the group's load behind it):

- an island's load (MW) plus :data:`LOSS_ALLOWANCE` of it for the network's losses
  against the capacity of its active sources (``capacity_mw``) plus its generation
  (``nodes.generation_mw``);
- the apparent power (MVA) through a bridge with no source beyond it (the radial tree
  flow of :mod:`warmgrid.rotate.tree`: the load beyond it less the generation there, at
  the loads' cos φ) against ``limit_pct`` % of its rating. Where generation beyond a
  bridge exceeds the load the bridge exports; turning loads off cannot relieve an export,
  so only imports are limits.

Losses and reactive flows of meshed parts are left to the AC check of every final slot.
Cost per slot: one cumulative sum over the blocks in depth-first order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from warmgrid.rotate.tree import BlockTree

LOSS_ALLOWANCE = 0.02
"""Network losses as a share of an island's load at the evening peak: the AC check of the
demo city measures 1.3 %; distribution networks lose a few per cent of their energy, most
of it in the peak hours (IEA/World Bank transmission and distribution loss statistics)."""


@dataclass(frozen=True)
class Limit:
    """One broken limit: the buildings whose load counts against it, and the excess."""

    name: str  # e.g. "island 0 sources" or a bridge's branch ids
    members: np.ndarray  # bool per building
    excess: float  # MW (sources) or MVA (branches) above the limit
    available: float  # MW (the sources' capacity) or MVA (limit_pct % of the rating)
    per_mw: float  # what one MW of building load counts against it
    block: int = -1  # the block a bridge leads to (-1: an island's sources)
    island: int = -1  # the island of a sources limit (-1: a bridge)


def broken_limits(
    tree: BlockTree,
    building_block: np.ndarray,
    load_mw: np.ndarray,
    power_factor: float,
    limit_pct: float,
    branch_ids: np.ndarray,
) -> list[Limit]:
    """Limits that ``load_mw`` (per building, one slot) breaks; ``building_block`` is each
    building's block (-1: not supplied), ``power_factor`` the loads' cos φ."""
    served = building_block >= 0
    limits: list[Limit] = []
    island_of = np.where(served, tree.island[np.maximum(building_block, 0)], -1)
    island_load = np.bincount(
        island_of[served], weights=load_mw[served], minlength=tree.island_capacity_mw.size
    ) * (1.0 + LOSS_ALLOWANCE)
    for island in np.flatnonzero(island_load > tree.island_capacity_mw + 1e-9):
        excess = float(island_load[island] - tree.island_capacity_mw[island])
        limits.append(
            Limit(
                f"island {island} sources",
                island_of == island,
                excess,
                float(tree.island_capacity_mw[island]),
                1.0 + LOSS_ALLOWANCE,
                island=int(island),
            )
        )
    per_block = (
        np.bincount(building_block[served], weights=load_mw[served], minlength=tree.n_blocks)
        - tree.generation_mw
    ) / power_factor
    cumulative = np.concatenate([[0.0], np.cumsum(per_block)])
    blocks = np.arange(tree.n_blocks)
    below = cumulative[blocks + tree.size] - cumulative[blocks]
    allowed = tree.bridge_rating_mva * limit_pct / 100.0
    with np.errstate(invalid="ignore"):
        over = tree.rotatable() & (below > allowed + 1e-9)
    for block in np.flatnonzero(over):
        names = ",".join(branch_ids[tree.bridge_branches[block]])
        limits.append(
            Limit(
                names,
                tree.below(int(block), building_block),
                float(below[block] - allowed[block]),
                float(allowed[block]),
                1.0 / power_factor,
                block=int(block),
            )
        )
    return limits
