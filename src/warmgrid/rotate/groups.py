"""Rotatable groups built from switchable elements (lines, transformers, switches).

A *unit* is the part of the network beyond one bridge with no source behind it: opening
that bridge's branches turns exactly the unit off. For every building the nearest bridge
on its way to the source is a candidate; the units are the topmost of these candidates,
so that no unit lies inside another (in a city of 10/0.4 kV substations, each substation
and its buildings; where loads hang on the medium-voltage buses themselves, the feeder
section above them).

Units that feed a critical facility — a hospital or care home, or a bus that a pump, a
heat plant or a boiler needs (the dependencies table: water and heat pumping, a plant's
own needs) — are never rotated: each is a group of its own with ``critical`` set. Only
units behind a broken limit take part. The others are packed, in depth-first order (so
that neighbouring substations go together), into about ``queues`` groups of similar load
— Ukrenergo's six queues are the default.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from warmgrid.model.compile import CompiledCity
from warmgrid.rotate.tree import BlockTree

ROTATION_CRITICAL_USES = ("hospital", "care_home")
DEFAULT_QUEUES = 6


@dataclass(frozen=True)
class Group:
    """A rotatable (or exempt) group: the branches to open and the units' blocks."""

    id: str
    switch_off: list[str]
    blocks: np.ndarray
    critical: bool


def unit_of_block(
    tree: BlockTree, building_block: np.ndarray, within: np.ndarray | None = None
) -> np.ndarray:
    """Per block, the topmost candidate block above it or itself (-1: none); ``within``
    (bool per block) limits the candidates."""
    candidate = np.zeros(tree.n_blocks, dtype=bool)
    candidate[building_block[building_block >= 0]] = True
    candidate &= tree.rotatable()
    if within is not None:
        candidate &= within
    top = np.full(tree.n_blocks, -1, dtype=np.int64)
    for k in range(tree.n_blocks):  # preorder: parents first
        p = tree.parent[k]
        top[k] = top[p] if p >= 0 and top[p] >= 0 else (k if candidate[k] else -1)
    return top


def critical_units(
    compiled: CompiledCity, tree: BlockTree, top: np.ndarray, building_block: np.ndarray
) -> np.ndarray:
    """Bool per block: a unit (top block) holding a critical facility or a needed bus."""
    uses = compiled.city.buildings["use"].isin(ROTATION_CRITICAL_USES).to_numpy()
    blocks = [building_block[uses & (building_block >= 0)]]
    dep_nodes = compiled.dep_node[compiled.dep_node >= 0]
    blocks.append(tree.node_block[dep_nodes])
    hit = np.concatenate(blocks)
    hit = top[hit[hit >= 0]]
    critical = np.zeros(tree.n_blocks, dtype=bool)
    critical[hit[hit >= 0]] = True
    return critical


def make_groups(
    compiled: CompiledCity,
    tree: BlockTree,
    building_block: np.ndarray,
    relevant: np.ndarray,
    peak_mw: np.ndarray,
    queues: int = DEFAULT_QUEUES,
    within: np.ndarray | None = None,
) -> list[Group]:
    """Groups over the units holding a ``relevant`` building (bool per building); units
    only inside ``within`` (bool per block) when given."""
    top = unit_of_block(tree, building_block, within)
    building_unit = np.where(building_block >= 0, top[np.maximum(building_block, 0)], -1)
    units = np.unique(building_unit[relevant & (building_unit >= 0)])
    critical = critical_units(compiled, tree, top, building_block)
    unit_load = np.bincount(
        building_unit[building_unit >= 0],
        weights=peak_mw[building_unit >= 0],
        minlength=tree.n_blocks,
    )
    branch_ids = compiled.city.branches["id"].to_numpy()
    rotating = [u for u in units if not critical[u]]
    target = unit_load[rotating].sum() / max(queues, 1)
    packs: list[list[int]] = []
    load = 0.0
    for unit in rotating:  # units are numbered in depth-first order
        if not packs or load >= target - 1e-9:
            packs.append([])
            load = 0.0
        packs[-1].append(int(unit))
        load += unit_load[unit]
    groups = [
        Group(
            f"G{k + 1}",
            sorted(branch_ids[np.concatenate([tree.bridge_branches[u] for u in pack])].tolist()),
            np.array(pack, dtype=np.int64),
            False,
        )
        for k, pack in enumerate(packs)
    ]
    groups += [
        Group(
            f"C{k + 1}",
            sorted(branch_ids[tree.bridge_branches[u]].tolist()),
            np.array([u], dtype=np.int64),
            True,
        )
        for k, u in enumerate(u for u in units if critical[u])
    ]
    return groups
