"""Impact counts of many damage sets at once (N-2 and other N-k ensembles), from one
dominator tree and the blocks of the city's supply graph.

The N-1 screening's flow graph (:mod:`warmgrid.impact.screen`) joins a virtual root to
every node through sources and branch *hub* vertices; its edges can be walked both ways,
so a node loses supply exactly when the lost assets' vertices separate it from the root.
With ``D(v)`` the dominator subtree of vertex ``v`` (what ``v``'s loss alone cuts off):

- if ``u`` lies in ``D(v)``, losing both cuts off ``D(v)`` only;
- otherwise, losing a set cuts off more than the union of the ``D(v)`` only where two of
  its vertices lie in the same biconnected *block* of the graph (a meshed ring, parallel
  lines), as every pair of vertices that separates what neither separates alone does
  (Hopcroft and Tarjan, "Efficient algorithms for graph manipulation", CACM 16, 1973).
  Every vertex of a block but its entry (the cut vertex towards the root) has that entry
  as immediate dominator, so what is cut off is ``D(w)`` for each vertex ``w`` of the
  block that the set's vertices there separate from the entry: one connected-components
  pass over that block alone.

Each count is then a sum of precomputed subtree totals over disjoint subtrees, vectorised
over a chunk of damage sets. Two cases fall back to full propagation
(:func:`warmgrid.impact.propagate.propagate`): the lost part holds a node on which a
source or branch depends (the loss cascades across networks), or two of the disjoint
subtrees split the power and heat nodes of one building (its people would be counted
twice among people without power or heat). ``tests/impact/test_contingency.py`` checks
every row against :func:`warmgrid.impact.assess.assess_mask`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import breadth_first_order, depth_first_order

from warmgrid.impact.assess import ImpactResult, assess_mask
from warmgrid.impact.propagate import propagate
from warmgrid.impact.screen import (
    COUNT_COLUMNS,
    _asset_vertices,
    _flow_graph,
    _lowest_common_ancestor,
    _subtree_totals,
    _tree_depth,
    _union_leaves,
    _Weights,
)
from warmgrid.model.compile import CompiledCity

NONE = -1
_ADDITIVE = len(COUNT_COLUMNS) - 1  # every count but the union adds up over lost nodes
_DEPENDENCY, _SPLIT = len(COUNT_COLUMNS), len(COUNT_COLUMNS) + 1  # two flag columns


def impact_counts(impact: ImpactResult) -> np.ndarray:
    """The counts of :data:`COUNT_COLUMNS` of one impact (grid supply, as the N-1
    screening has them): people, buildings and critical facilities on a node without
    power or heat, and people without either, each once."""
    compiled = impact.compiled
    people, critical = compiled.building_population, compiled.building_critical
    power, heat = impact.building_off_grid, impact.building_heat_network_lost
    return np.array(
        [
            people[power].sum(),
            people[heat].sum(),
            power.sum(),
            heat.sum(),
            (power & critical).sum(),
            (heat & critical).sum(),
            people[power | heat].sum(),
        ],
        dtype=np.int64,
    )


@dataclass(frozen=True)
class Blocks:
    """The blocks of more than two vertices, as lists of vertices and local edges."""

    of_vertex: np.ndarray  # int64 per vertex: the block it enters the tree through, or NONE
    entry: np.ndarray  # int64 per block: its cut vertex towards the root
    vertex_start: np.ndarray  # int64 per block + 1: offsets into ``vertices``
    vertices: np.ndarray  # int64 global vertex ids, block by block
    edge_start: np.ndarray  # int64 per block + 1: offsets into ``edge_u``/``edge_v``
    edge_u: np.ndarray  # int64 local vertex positions within the block
    edge_v: np.ndarray

    def cut_off(self, block: int, lost: np.ndarray) -> np.ndarray:
        """Vertices of ``block`` that losing the vertices ``lost`` separates from its
        entry (``lost`` among them)."""
        members = self.vertices[self.vertex_start[block] : self.vertex_start[block + 1]]
        u = self.edge_u[self.edge_start[block] : self.edge_start[block + 1]]
        v = self.edge_v[self.edge_start[block] : self.edge_start[block + 1]]
        gone = np.isin(members, lost)
        keep = ~gone[u] & ~gone[v]
        size = members.size
        graph = coo_matrix((np.ones(int(keep.sum()), np.int8), (u[keep], v[keep])), (size, size))
        start = int(np.flatnonzero(members == self.entry[block])[0])
        reached = np.zeros(size, dtype=bool)
        reached[breadth_first_order(graph.tocsr(), start, directed=False)[0]] = True
        return members[~reached]


def _blocks(graph_edges: np.ndarray, n_vertices: int, idom: np.ndarray) -> Blocks:
    """The blocks of the undirected flow graph reachable from the root, each keyed by
    its entry (the immediate dominator of all its other vertices)."""
    from warmgrid.impact.graph_library import load_igraph

    reachable = idom != -2
    keep = reachable[graph_edges[:, 0]] & reachable[graph_edges[:, 1]]
    edges = graph_edges[keep]
    graph = load_igraph().Graph(n=n_vertices, edges=edges.tolist(), directed=False)
    cover = [members for members in graph.biconnected_components() if len(members) > 2]
    sizes = np.array([len(members) for members in cover], dtype=np.int64)
    flat = np.fromiter((v for members in cover for v in members), np.int64, int(sizes.sum()))
    block_of = np.repeat(np.arange(sizes.size, dtype=np.int64), sizes)
    vertex_start = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    of_vertex = np.full(n_vertices, NONE, dtype=np.int64)
    if not cover:  # a radial grid
        empty = np.zeros(0, dtype=np.int64)
        return Blocks(of_vertex, empty, vertex_start, empty, vertex_start, empty, empty)
    depth = _tree_depth(np.where(idom >= 0, idom, -1))
    shallowest = np.minimum.reduceat(depth[flat], vertex_start[:-1])
    is_entry = depth[flat] == shallowest[block_of]
    entry = np.full(sizes.size, NONE, dtype=np.int64)
    entry[block_of[is_entry]] = flat[is_entry]
    of_vertex[flat[~is_entry]] = block_of[~is_entry]
    # an edge lies in the block both its ends belong to (as members or as its entry)
    u, v = edges[:, 0], edges[:, 1]
    block_u, block_v = of_vertex[u], of_vertex[v]
    in_v = (block_v >= 0) & ((block_v == block_u) | (entry[np.maximum(block_v, 0)] == u))
    in_u = (block_u >= 0) & (entry[np.maximum(block_u, 0)] == v)
    block = np.where(in_v, block_v, np.where(in_u, block_u, NONE))
    inside = np.flatnonzero(block >= 0)
    order = inside[np.argsort(block[inside], kind="stable")]
    u, v, block = u[order], v[order], block[order]
    # local position of a vertex within a block (a cut vertex has one per block)
    key = block_of * n_vertices + flat
    by_key = np.argsort(key, kind="stable")
    position = np.arange(flat.size) - vertex_start[block_of]

    def local(ends: np.ndarray) -> np.ndarray:
        found = by_key[np.searchsorted(key[by_key], block * n_vertices + ends)]
        return position[found]

    edge_start = np.searchsorted(block, np.arange(sizes.size + 1))
    edge_u, edge_v = local(u), local(v)
    return Blocks(of_vertex, entry, vertex_start, flat, edge_start, edge_u, edge_v)


@dataclass(frozen=True)
class ContingencyCounts:
    """What counting any damage set needs, computed once per city (:meth:`of`)."""

    compiled: CompiledCity
    base: np.ndarray  # int64 counts with nothing damaged
    vertex: np.ndarray  # int64 per asset: its flow-graph vertex, NONE if it carries nothing
    totals: np.ndarray  # float64 vertices × (COUNT_COLUMNS, dependency nodes, split buildings)
    first: np.ndarray  # int64 per vertex: preorder position in the dominator tree
    after: np.ndarray  # int64 per vertex: first preorder position past its subtree
    blocks: Blocks

    @classmethod
    def of(cls, compiled: CompiledCity) -> ContingencyCounts:
        """The dominator tree, subtree totals and blocks of ``compiled`` undamaged."""
        nothing = np.zeros(compiled.n_assets, dtype=bool)
        base = propagate(compiled, nothing)
        graph, root = _flow_graph(compiled, base, nothing)
        raw = np.asarray(graph.dominator(root, mode="out"), dtype=np.float64)
        idom = np.where(np.isnan(raw), -2, raw).astype(np.int64)
        supplied = base.node_supplied
        leaf = np.zeros((graph.vcount(), len(COUNT_COLUMNS) + 2))
        weights = _Weights.of(compiled).matrix[:, :_ADDITIVE]
        leaf[: compiled.n_nodes, :_ADDITIVE] = np.where(supplied[:, None], weights, 0.0)
        # people without power or heat: only buildings with every node supplied can join
        both_supplied = np.ones(compiled.building_population.size, dtype=bool)
        for nodes in (compiled.building_power_node, compiled.building_heat_node):
            both_supplied &= (nodes < 0) | supplied[np.maximum(nodes, 0)]
        people = np.where(both_supplied, compiled.building_population, 0).astype(np.float64)
        leaf[:, _ADDITIVE] = _union_leaves(compiled, supplied, idom, people)
        np.add.at(leaf[:, _DEPENDENCY], compiled.dep_node[supplied[compiled.dep_node]], 1.0)
        leaf[:, _SPLIT] = _split_leaves(compiled, supplied, idom)
        edges = np.array(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        vertex = np.where(
            np.isin(idom, (-2, -1))[_asset_vertices(compiled)], NONE, _asset_vertices(compiled)
        )
        first, after = _preorder(idom, root, _subtree_totals(idom, np.ones((idom.size, 1)))[:, 0])
        return cls(
            compiled=compiled,
            base=impact_counts(ImpactResult(compiled, nothing, base)),
            vertex=vertex,
            totals=_subtree_totals(idom, leaf),
            first=first,
            after=after,
            blocks=_blocks(edges, graph.vcount(), idom),
        )

    def counts(self, rows: np.ndarray) -> np.ndarray:
        """int64 scenarios × :data:`COUNT_COLUMNS`: the counts of each row of asset
        indices (padded with NONE), as :func:`impact_counts` of ``assess_mask``."""
        vertices = np.where(rows >= 0, self.vertex[np.maximum(rows, 0)], NONE)
        kept = self._outermost(vertices)
        block = np.where(kept >= 0, self.blocks.of_vertex[np.maximum(kept, 0)], NONE)
        ordered = np.sort(block, axis=1)
        shared = ((np.diff(ordered, axis=1) == 0) & (ordered[:, 1:] >= 0)).any(axis=1)
        out = np.empty((rows.shape[0], len(COUNT_COLUMNS)), dtype=np.int64)
        simple = np.flatnonzero(~shared)
        sums = self._sum(kept[simple])
        out[simple] = self.base + sums[:, : len(COUNT_COLUMNS)]
        for row in simple[self._unsafe(kept[simple], sums)]:
            out[row] = self._propagated(rows[row])
        for row in np.flatnonzero(shared):
            out[row] = self._through_blocks(rows[row], kept[row])
        return out

    def _outermost(self, vertices: np.ndarray) -> np.ndarray:
        """Each row's vertices without those inside another's subtree (NONE there)."""
        first = np.where(vertices >= 0, self.first[np.maximum(vertices, 0)], np.iinfo(np.int64).max)
        order = np.argsort(first, axis=1, kind="stable")
        vertices = np.take_along_axis(vertices, order, axis=1)
        first = np.take_along_axis(first, order, axis=1)
        after = np.where(vertices >= 0, self.after[np.maximum(vertices, 0)], -1)
        reach = np.maximum.accumulate(after, axis=1)
        inside = np.zeros(vertices.shape, dtype=bool)
        inside[:, 1:] = first[:, 1:] < reach[:, :-1]
        return np.where(inside | (vertices < 0), NONE, vertices)

    def _sum(self, vertices: np.ndarray) -> np.ndarray:
        """Per row, the subtree totals summed over its (disjoint) vertices."""
        present = (vertices >= 0)[:, :, None]
        return np.rint((self.totals[np.maximum(vertices, 0)] * present).sum(axis=1)).astype(
            np.int64
        )

    def _unsafe(self, vertices: np.ndarray, sums: np.ndarray) -> np.ndarray:
        """Rows whose lost part holds a dependency node, or whose subtrees may split a
        building (two of them hold one of its nodes each)."""
        splitting = (vertices >= 0) & (self.totals[np.maximum(vertices, 0), _SPLIT] > 0)
        return (sums[:, _DEPENDENCY] > 0) | (splitting.sum(axis=1) > 1)

    def _propagated(self, row: np.ndarray) -> np.ndarray:
        damaged = np.zeros(self.compiled.n_assets, dtype=bool)
        damaged[row[row >= 0]] = True
        return impact_counts(assess_mask(self.compiled, damaged))

    def _through_blocks(self, row: np.ndarray, kept: np.ndarray) -> np.ndarray:
        """A row with two or more vertices in one block: what each such block loses."""
        kept = kept[kept >= 0]
        block = self.blocks.of_vertex[kept]
        lost = [kept[block < 0]]
        for b in np.unique(block[block >= 0]):
            lost.append(self.blocks.cut_off(int(b), kept[block == b]))
        vertices = self._outermost(np.concatenate(lost)[None, :])
        sums = self._sum(vertices)
        if self._unsafe(vertices, sums)[0]:
            return self._propagated(row)
        return self.base + sums[0, : len(COUNT_COLUMNS)]


def _split_leaves(compiled: CompiledCity, supplied: np.ndarray, idom: np.ndarray) -> np.ndarray:
    """Leaf weights whose subtree totals, summed over disjoint subtrees, exceed 1 when two
    of them split a building's power and heat nodes: +1 at each node of a building with
    both supplied, −2 at their deepest common dominator."""
    power, heat = compiled.building_power_node, compiled.building_heat_node
    both = (power >= 0) & (heat >= 0)
    both[both] &= supplied[power[both]] & supplied[heat[both]]
    leaves = np.zeros(idom.size)
    np.add.at(leaves, power[both], 1.0)
    np.add.at(leaves, heat[both], 1.0)
    meet = _lowest_common_ancestor(np.where(idom >= 0, idom, -1), power[both], heat[both])
    np.add.at(leaves, meet[meet >= 0], -2.0)
    return leaves


def _preorder(idom: np.ndarray, root: int, size: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Preorder position of every vertex in the dominator tree and the position just past
    its subtree (unreachable vertices: an empty range past the end)."""
    child = np.flatnonzero(idom >= 0)
    tree = coo_matrix(
        (np.ones(child.size, np.int8), (idom[child], child)), shape=(idom.size, idom.size)
    )
    visit = depth_first_order(tree.tocsr(), root, directed=True, return_predecessors=False)
    first = np.full(idom.size, idom.size, dtype=np.int64)
    first[visit] = np.arange(visit.size)
    after = first + np.where(first < idom.size, size.astype(np.int64), 0)
    return first, after


__all__ = ["COUNT_COLUMNS", "ContingencyCounts", "impact_counts"]
