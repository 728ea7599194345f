"""Contingency screening: N-1 over every asset, N-k by seeded sampling.

N-1 uses dominators. Build a flow graph from a virtual root through every active source
to its node, and through every active branch as a *hub* vertex joined to its end nodes;
a node loses service when one asset is lost exactly when that asset's vertex dominates
it (every path from the root passes through it). One Lengauer–Tarjan pass (igraph, in C)
and one sweep up the dominator tree give, for every asset at once, the people and
critical facilities it alone keeps supplied.

Dependencies across networks are the exception: if an asset dominates a node on which
a source or a branch depends, its loss cascades. Those assets (the dominator-tree
ancestors of dependency nodes, usually few) are recomputed exactly with
:func:`warmgrid.impact.propagate.propagate`. The result equals recomputing every
contingency from scratch; ``tests/impact`` checks that by brute force.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from warmgrid.errors import InputError
from warmgrid.impact.graph_library import load_igraph
from warmgrid.impact.propagate import SupplyState, propagate
from warmgrid.model.compile import CompiledCity
from warmgrid.model.schema import NETWORKS

if TYPE_CHECKING:
    import igraph as ig

Progress = Callable[[int], None]

COUNT_COLUMNS = (
    "people_without_power",
    "people_without_heat",
    "buildings_without_power",
    "buildings_without_heat",
    "critical_without_power",
    "critical_without_heat",
    "people_without_power_or_heat",
)
UNION = COUNT_COLUMNS.index("people_without_power_or_heat")
# Internal columns: the counts above, then critical facilities losing power or heat, each
# facility once (the ``critical_lost`` column of :func:`screen_n1`).
_COLUMNS = (*COUNT_COLUMNS, "critical_lost")
CRITICAL_UNION = _COLUMNS.index("critical_lost")


@dataclass(frozen=True)
class _Weights:
    """Per node: what losing it costs (people, buildings, critical facilities); the
    union columns (people and critical facilities losing power or heat, each once) are
    left to :meth:`lost` and :func:`_union_leaves`, since they depend on both nodes of a
    building."""

    matrix: np.ndarray  # float64, nodes × _COLUMNS
    compiled: CompiledCity

    @classmethod
    def of(cls, compiled: CompiledCity) -> _Weights:
        matrix = np.zeros((compiled.n_nodes, len(_COLUMNS)))
        people = compiled.building_population.astype(np.float64)
        critical = compiled.building_critical.astype(np.float64)
        for offset, nodes in ((0, compiled.building_power_node), (1, compiled.building_heat_node)):
            on = nodes >= 0
            for column, values in ((offset, people), (offset + 2, 1.0), (offset + 4, critical)):
                weights = np.broadcast_to(values, people.shape)[on]
                matrix[:, column] += np.bincount(
                    nodes[on], weights=weights, minlength=compiled.n_nodes
                )
        return cls(matrix, compiled)

    def lost(self, before: np.ndarray, after: np.ndarray) -> np.ndarray:
        """Totals over nodes supplied before and not after."""
        out = self.matrix[before & ~after].sum(axis=0)
        losing = np.zeros(self.compiled.building_population.size, dtype=bool)
        for nodes in (self.compiled.building_power_node, self.compiled.building_heat_node):
            on = nodes >= 0
            node = np.maximum(nodes, 0)
            losing |= on & before[node] & ~after[node]
        out[UNION] = float(self.compiled.building_population[losing].sum())
        out[CRITICAL_UNION] = float(np.count_nonzero(losing & self.compiled.building_critical))
        return out


def _lowest_common_ancestor(parent: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per pair, the deepest common ancestor of ``a`` and ``b`` in a forest given by
    parent pointers (-1 where the two share none). Vectorised climbing, one step of
    depth per round."""
    depth = _tree_depth(parent)
    a, b = a.copy(), b.copy()
    while True:
        deeper_a = (a >= 0) & (b >= 0) & (depth[np.maximum(a, 0)] > depth[np.maximum(b, 0)])
        deeper_b = (a >= 0) & (b >= 0) & (depth[np.maximum(b, 0)] > depth[np.maximum(a, 0)])
        level = (a >= 0) & (b >= 0) & ~deeper_a & ~deeper_b & (a != b)
        if not (deeper_a.any() or deeper_b.any() or level.any()):
            return np.where((a >= 0) & (b >= 0), a, -1)
        a = np.where(deeper_a | level, parent[np.maximum(a, 0)], a)
        b = np.where(deeper_b | level, parent[np.maximum(b, 0)], b)


def _union_leaves(
    compiled: CompiledCity, supplied: np.ndarray, idom: np.ndarray, people: np.ndarray
) -> np.ndarray:
    """Leaf weights whose dominator-subtree totals count each building's ``people``
    (float64 per building: its people, or 1 for a critical facility) once when it loses
    power or heat: + people at each supplied node of a building, − people at the deepest
    common dominator of its two nodes (an asset above both would otherwise count them
    twice)."""
    leaves = np.zeros(idom.size)
    has = []
    for nodes in (compiled.building_power_node, compiled.building_heat_node):
        ok = (nodes >= 0) & supplied[np.maximum(nodes, 0)]
        np.add.at(leaves, nodes[ok], people[ok])
        has.append(ok)
    both = has[0] & has[1]
    parent = np.where(idom >= 0, idom, -1)
    meet = _lowest_common_ancestor(
        parent, compiled.building_power_node[both], compiled.building_heat_node[both]
    )
    np.add.at(leaves, meet[meet >= 0], -people[both][meet >= 0])
    return leaves


def _flow_graph(
    compiled: CompiledCity, base: SupplyState, damaged: np.ndarray
) -> tuple[ig.Graph, int]:
    n, b, s = compiled.n_nodes, compiled.n_branches, compiled.n_sources
    root = n + b + s
    edge_ok = (
        base.branch_active[compiled.edge_branch]
        & ~damaged[compiled.edge_u]
        & ~damaged[compiled.edge_v]
    )
    hub = n + compiled.edge_branch[edge_ok]
    u, v = compiled.edge_u[edge_ok], compiled.edge_v[edge_ok]
    sources = np.flatnonzero(base.source_active)
    tails = np.concatenate([u, hub, v, hub, np.full(sources.size, root), n + b + sources])
    heads = np.concatenate([hub, u, hub, v, n + b + sources, compiled.source_node[sources]])
    graph = load_igraph().Graph(
        n=root + 1, edges=np.column_stack([tails, heads]).tolist(), directed=True
    )
    return graph, root


def _tree_depth(parent: np.ndarray) -> np.ndarray:
    """Depth of every vertex of a forest given by parent pointers (-1 at roots).

    Pointer jumping (list ranking): each round adds the depth already known at the
    current ancestor and jumps to that ancestor's ancestor, so ⌈log2(height)⌉ rounds.
    """
    depth = (parent >= 0).astype(np.int64)
    ancestor = parent.copy()
    while True:
        active = np.flatnonzero(ancestor >= 0)
        if not active.size:
            return depth
        up = ancestor[active]
        depth_next = depth.copy()
        depth_next[active] += depth[up]
        ancestor_next = ancestor.copy()
        ancestor_next[active] = ancestor[up]
        depth, ancestor = depth_next, ancestor_next


def _subtree_totals(idom: np.ndarray, leaf_weights: np.ndarray) -> np.ndarray:
    """Sum of weights over each vertex's dominator subtree (unreachable vertices: zero).

    Adds the totals of the deepest level into their parents, then the next level up, each
    level in one vectorised step.
    """
    parent = np.where(idom >= 0, idom, -1)
    reachable = (idom >= 0) | (idom == -1)
    totals = np.where(reachable[:, None], leaf_weights, 0.0)
    depth = _tree_depth(parent)
    members = np.flatnonzero(parent >= 0)
    order = members[np.argsort(-depth[members], kind="stable")]
    boundaries = np.flatnonzero(np.diff(depth[order])) + 1
    for level in np.split(order, boundaries):
        np.add.at(totals, parent[level], totals[level])
    return totals


def _dependency_ancestors(idom: np.ndarray, root: int, dep_vertices: np.ndarray) -> np.ndarray:
    """Vertices that dominate at least one dependency node (their loss may cascade)."""
    marked = np.zeros(idom.size, dtype=bool)
    for vertex in dep_vertices:
        current = int(vertex)
        while current != root and current >= 0 and not marked[current]:
            marked[current] = True
            current = int(idom[current])
    return marked


def _asset_vertices(compiled: CompiledCity) -> np.ndarray:
    """The flow-graph vertex whose loss is the loss of each asset."""
    n = compiled.n_nodes
    vertex = np.arange(compiled.n_assets, dtype=np.int64)
    vertex[n + compiled.guard_switch] = n + compiled.guard_target
    return vertex


def screen_n1(
    compiled: CompiledCity,
    base_damaged: np.ndarray | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """N-1: for every asset, what its loss alone (on top of ``base_damaged``) costs.

    Returns one row per asset (``id``, ``table``, ``network``, ``kind`` and the counts of
    :data:`COUNT_COLUMNS`, all *new* losses relative to the base state), sorted with the
    worst first: people losing power or heat (each person once), then critical facilities
    losing power or heat (``critical_lost``, each facility once), then the order of the
    city's tables.
    """
    damaged = (
        np.zeros(compiled.n_assets, dtype=bool) if base_damaged is None else base_damaged.copy()
    )
    base = propagate(compiled, damaged)
    graph, root = _flow_graph(compiled, base, damaged)
    raw = np.asarray(graph.dominator(root, mode="out"), dtype=np.float64)
    idom = np.where(np.isnan(raw), -2, raw).astype(np.int64)  # -1: the root, -2: unreachable
    weights = _Weights.of(compiled)
    leaf = np.zeros((graph.vcount(), len(_COLUMNS)))
    leaf[: compiled.n_nodes] = np.where(base.node_supplied[:, None], weights.matrix, 0.0)
    for column, per_building in (
        (UNION, compiled.building_population),
        (CRITICAL_UNION, compiled.building_critical),
    ):
        leaf[:, column] = _union_leaves(
            compiled, base.node_supplied, idom, per_building.astype(np.float64)
        )
    totals = _subtree_totals(idom, leaf)

    vertex = _asset_vertices(compiled)
    counts = totals[vertex]
    counts[damaged] = 0.0
    marked = _dependency_ancestors(idom, root, np.unique(compiled.dep_node))
    cascading = marked[vertex] & ~damaged
    for done, asset in enumerate(np.flatnonzero(cascading)):
        trial = damaged.copy()
        trial[asset] = True
        after = propagate(compiled, trial).node_supplied
        counts[asset] = weights.lost(base.node_supplied, after)
        if progress is not None:
            progress(done + 1)
    return _table(compiled, counts)


def _table(compiled: CompiledCity, counts: np.ndarray) -> pd.DataFrame:
    city = compiled.city
    counts = np.rint(counts).astype(np.int64)
    critical_lost = counts[:, CRITICAL_UNION]
    order = np.lexsort((np.arange(compiled.n_assets), -critical_lost, -counts[:, UNION]))
    table = np.repeat(
        np.array(["nodes", "branches", "sources"]),
        [compiled.n_nodes, compiled.n_branches, compiled.n_sources],
    )
    columns = {
        "id": compiled.asset_ids.to_numpy()[order],
        "table": table[order],
        "network": np.concatenate(
            [city.nodes["network"], city.branches["network"], city.sources["network"]]
        )[order],
        "kind": np.concatenate([city.nodes["kind"], city.branches["kind"], city.sources["kind"]])[
            order
        ],
    }
    for k, column in enumerate(COUNT_COLUMNS):
        columns[column] = counts[order, k]
    columns["critical_lost"] = critical_lost[order]
    return pd.DataFrame(columns)


def screen_nk(
    compiled: CompiledCity,
    k: int,
    samples: int,
    seed: int = 0,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """N-k by sampling: ``samples`` random sets of ``k`` distinct in-service assets.

    Returns one row per sampled set (``assets`` as a comma-separated id list, the counts
    of :data:`COUNT_COLUMNS` and ``critical_lost``, critical facilities losing power or
    heat, each once), worst first. The same seed gives the same sets.
    """
    rng = np.random.default_rng(seed)
    base = propagate(compiled, np.zeros(compiled.n_assets, dtype=bool))
    weights = _Weights.of(compiled)
    candidates = np.flatnonzero(_in_play(compiled, base))
    if k > candidates.size:
        raise InputError("k", f"the city has {candidates.size} assets in service to lose, got {k}")
    rows = []
    for sample in range(samples):
        chosen = rng.choice(candidates, size=k, replace=False)
        damaged = np.zeros(compiled.n_assets, dtype=bool)
        damaged[chosen] = True
        lost = weights.lost(base.node_supplied, propagate(compiled, damaged).node_supplied)
        rows.append([",".join(compiled.asset_ids[np.sort(chosen)]), *np.rint(lost).astype(int)])
        if progress is not None:
            progress(sample + 1)
    frame = pd.DataFrame(rows, columns=["assets", *_COLUMNS])
    return frame.sort_values(
        "people_without_power_or_heat", ascending=False, kind="stable"
    ).reset_index(drop=True)


def _in_play(compiled: CompiledCity, base: SupplyState) -> np.ndarray:
    """Assets whose loss can matter: supplied nodes, active branches and sources."""
    return np.concatenate([base.node_supplied, base.branch_active, base.source_active])


__all__ = ["COUNT_COLUMNS", "NETWORKS", "screen_n1", "screen_nk"]
