"""The energised power network after damage as a tree of blocks joined by bridges.

Parallel branches between the same two buses are one *bundle* (their ratings add: equal
per-unit impedances share load in proportion to rating, as transformers of equal
short-circuit voltage do, IEC 60076-8 §6). A bundle whose loss splits the network is a
*bridge*; the 2-edge-connected *blocks* between bridges form a forest rooted at the block
of an active source. The flow through a bridge whose far side holds no source is exactly
the load beyond it less the generation there (``nodes.generation_mw``: generators that do
not hold a bus supplied on their own), losses aside: that is the radial tree flow the
linear screen uses
(:mod:`warmgrid.rotate.screen`). Flows inside meshed blocks, and through bridges with
sources on both sides, are left to the AC check (:mod:`warmgrid.rotate.acflow`).

Linear in the size of the network: one bridge search (igraph), one connected-components
pass and one depth-first order of the block forest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, depth_first_order

from warmgrid.impact.graph_library import load_igraph
from warmgrid.impact.propagate import SupplyState, propagate
from warmgrid.model.compile import CompiledCity

POWER = 0


@dataclass(frozen=True)
class BlockTree:
    """The block forest of one damage state. Blocks are numbered in depth-first preorder
    per island, so the subtree of block ``k`` is ``k … k + size[k] − 1``."""

    state: SupplyState
    node_block: np.ndarray  # int64 per node; -1: not an energised power node
    parent: np.ndarray  # int64 per block; -1 for an island's root
    size: np.ndarray  # int64 per block: blocks in its subtree, itself included
    island: np.ndarray  # int64 per block
    source_below: np.ndarray  # bool per block: its subtree holds an active source
    bridge_branches: list[np.ndarray]  # per block: the branches of the bundle to its parent
    bridge_rating_mva: np.ndarray  # per block: the bundle's rating (NaN: unknown or root)
    island_capacity_mw: np.ndarray  # per island: active sources' capacity (NaN: unlimited)
    generation_mw: np.ndarray  # per block: non-slack generation at its energised nodes

    @property
    def n_blocks(self) -> int:
        """Number of blocks."""
        return int(self.parent.size)

    def rotatable(self) -> np.ndarray:
        """Bool per block: a bridge leads to it and no source lies beyond it."""
        return (self.parent >= 0) & ~self.source_below

    def below(self, block: int, blocks: np.ndarray) -> np.ndarray:
        """Bool per entry of ``blocks``: in the subtree of ``block``."""
        return (blocks >= block) & (blocks < block + self.size[block])


def _bundles(u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(bundle per edge, representative edge per bundle) for edges keyed by node pair."""
    key = np.minimum(u, v).astype(np.int64) * (np.maximum(u, v).max(initial=0) + 1) + np.maximum(
        u, v
    )
    _, first, bundle = np.unique(key, return_index=True, return_inverse=True)
    return bundle.ravel(), first


def block_tree(compiled: CompiledCity, damaged: np.ndarray) -> BlockTree:
    """The block forest of the energised power network after ``damaged`` (asset mask)."""
    n = compiled.n_nodes
    state = propagate(compiled, damaged)
    power_node = state.node_supplied & (compiled.node_network == POWER)
    eu, ev, eb = compiled.edge_u, compiled.edge_v, compiled.edge_branch
    live = state.branch_active[eb] & power_node[eu] & power_node[ev] & (eu != ev)
    eu, ev, eb = eu[live], ev[live], eb[live]
    bundle, first = _bundles(eu, ev)
    rating = compiled.city.branches["rating_mva"].to_numpy(np.float64)[eb]
    bundle_rating = np.bincount(bundle, weights=rating, minlength=first.size)

    igraph = load_igraph()
    simple = igraph.Graph(n=n, edges=np.column_stack([eu[first], ev[first]]).tolist())
    is_bridge = np.zeros(first.size, dtype=bool)
    is_bridge[simple.bridges()] = True
    keep = ~is_bridge
    graph = coo_matrix(
        (np.ones(int(keep.sum()), np.int8), (eu[first][keep], ev[first][keep])), shape=(n, n)
    )
    raw_block = connected_components(graph, directed=False)[1]

    bu, bv = raw_block[eu[first][is_bridge]], raw_block[ev[first][is_bridge]]
    n_raw = int(raw_block.max()) + 1 if n else 0
    tree = coo_matrix((np.ones(bu.size, np.int8), (bu, bv)), shape=(n_raw, n_raw)).tocsr()
    source_on = state.source_active & (compiled.source_network == POWER)
    root_blocks = np.unique(raw_block[compiled.source_node[source_on]])

    order_parts, parent_parts, island_parts = [], [], []
    seen = np.zeros(n_raw, dtype=bool)
    for count, root in enumerate(root_blocks):
        if seen[root]:
            continue
        order, predecessors = depth_first_order(tree, int(root), directed=False)
        seen[order] = True
        order_parts.append(order)
        parent_parts.append(predecessors[order])
        island_parts.append(np.full(order.size, count))
    order = np.concatenate(order_parts) if order_parts else np.zeros(0, np.int64)
    number = np.full(n_raw, -1, dtype=np.int64)
    number[order] = np.arange(order.size)
    raw_parent = np.concatenate(parent_parts) if parent_parts else np.zeros(0, np.int64)
    parent = np.where(raw_parent >= 0, number[np.maximum(raw_parent, 0)], -1)
    raw_island = np.concatenate(island_parts) if island_parts else np.zeros(0, np.int64)
    island: np.ndarray = np.unique(raw_island, return_inverse=True)[1].astype(np.int64)

    node_block = np.where(power_node, number[raw_block], -1)
    size = np.ones(order.size, dtype=np.int64)
    source_below = np.zeros(order.size, dtype=bool)
    source_below[node_block[compiled.source_node[source_on]]] = True
    for k in range(order.size - 1, 0, -1):  # children come after their parent
        p = parent[k]
        if p >= 0:
            size[p] += size[k]
            source_below[p] |= source_below[k]

    bridge_of = {}
    for j in np.flatnonzero(is_bridge):
        a, b = number[raw_block[eu[first[j]]]], number[raw_block[ev[first[j]]]]
        bridge_of[(min(a, b), max(a, b))] = j
    edges_of_bundle = np.split(np.argsort(bundle, kind="stable"), np.cumsum(np.bincount(bundle)))
    bridge_branches: list[np.ndarray] = []
    bridge_rating = np.full(order.size, np.nan)
    for k in range(order.size):
        if parent[k] < 0:
            bridge_branches.append(np.zeros(0, np.int64))
            continue
        j = bridge_of[(min(k, parent[k]), max(k, parent[k]))]
        bridge_branches.append(np.unique(eb[edges_of_bundle[j]]))
        bridge_rating[k] = bundle_rating[j]

    energised = node_block >= 0
    generation = np.bincount(
        node_block[energised],
        weights=compiled.city.nodes["generation_mw"].to_numpy(np.float64)[energised],
        minlength=order.size,
    )
    capacity = compiled.city.sources["capacity_mw"].to_numpy(np.float64)
    n_islands = int(island.max()) + 1 if island.size else 0
    island_capacity = np.zeros(n_islands)
    src_island = island[node_block[compiled.source_node[source_on]]]
    np.add.at(island_capacity, src_island, capacity[source_on])  # NaN makes it unlimited
    island_capacity += np.bincount(island, weights=generation, minlength=n_islands)
    return BlockTree(
        state=state,
        node_block=node_block,
        parent=parent,
        size=size,
        island=island,
        source_below=source_below,
        bridge_branches=bridge_branches,
        bridge_rating_mva=bridge_rating,
        island_capacity_mw=island_capacity,
        generation_mw=generation,
    )
