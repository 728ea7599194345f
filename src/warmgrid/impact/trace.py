"""Why a node has no service: the failed assets on its supply paths, once each.

A *supply path* of a node is a simple path in the city's base topology (in service,
closed elements, damage ignored) from the node of an in-service source to that node; a
*dependency chain* continues from a source or branch on such a path that depends on
another node to the supply paths of that node. The why-chain of a node names only the
failed assets on these: the damaged ones (and the element switches guarding a branch
on the path), and the sources and branches out of service because a dependency has no
service, with the chain of that dependency below them. Each asset is named once.

On the :class:`~warmgrid.impact.blocked.BlockedGraph` (components joined by blocked
links, plus one vertex standing for every source), a link lies on a simple path from
the sources to the node's component exactly when its biconnected block lies on the path
between them in the block-cut tree (Hopcroft and Tarjan 1973, "Algorithm 447: efficient
algorithms for graph manipulation", CACM 16(6)); the walk from the node's component
crosses those links only and stops at components that have service.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from warmgrid.impact.blocked import BlockedGraph
from warmgrid.model.schema import NETWORKS


@dataclass(frozen=True)
class TraceStep:
    """One reason in a chain: ``asset`` is down because of ``reason``; ``children`` go deeper."""

    asset: str
    reason: str
    children: tuple[TraceStep, ...] = ()


class BlockCutTree:
    """Which links of a blocked graph lie on a simple path from the sources to a component."""

    def __init__(self, graph: BlockedGraph) -> None:
        from warmgrid.impact.graph_library import load_igraph

        igraph = load_igraph()  # only needed to explain, which most commands do not

        self.graph = graph
        self.sources = graph.n_comp  # the vertex standing for every in-service source
        pairs = {
            tuple(sorted(graph.edge_comps[k]))
            for c in range(graph.n_comp)
            for k in graph.links_of_comp[c]
        }
        comps = graph.state.node_component[graph.compiled.source_node[graph.compiled.source_ok]]
        pairs |= {(int(c), self.sources) for c in np.unique(comps)}
        g = igraph.Graph(n=graph.n_comp + 1, edges=sorted(pairs))
        blocks, cut_vertices = g.biconnected_components(return_articulation_points=True)
        self.blocks_of: dict[int, list[int]] = {}
        for b, members in enumerate(blocks):
            for v in members:
                self.blocks_of.setdefault(v, []).append(b)
        n_blocks = len(blocks)
        self.tree_vertex = {v: n_blocks + i for i, v in enumerate(cut_vertices)}
        tree_edges = [(b, self.tree_vertex[v]) for v in cut_vertices for b in self.blocks_of[v]]
        self.tree = igraph.Graph(n=n_blocks + len(cut_vertices), edges=tree_edges)
        self.n_blocks = n_blocks

    def _tree_node(self, vertex: int) -> int | None:
        if vertex in self.tree_vertex:
            return self.tree_vertex[vertex]
        blocks = self.blocks_of.get(vertex)
        return blocks[0] if blocks else None

    def blocks_towards(self, comp: int) -> set[int]:
        """Blocks on the path from the sources' vertex to ``comp`` in the block-cut tree."""
        start, end = self._tree_node(self.sources), self._tree_node(comp)
        if start is None or end is None:
            return set()
        path = self.tree.get_shortest_paths(start, end)[0]
        return {t for t in path if t < self.n_blocks}

    def on_path(self, a: int, b: int, blocks: set[int]) -> bool:
        """Whether the pair of vertices ``a``, ``b`` shares a block in ``blocks``."""
        shared = set(self.blocks_of.get(a, ())) & set(self.blocks_of.get(b, ()))
        return bool(shared & blocks)


class Tracer:
    """Builds why-chains over the blocked graph of one damage state."""

    def __init__(self, graph: BlockedGraph) -> None:
        self.graph = graph

    @cached_property
    def tree(self) -> BlockCutTree:
        """The block-cut tree of the blocked graph (built on first use)."""
        return BlockCutTree(self.graph)

    def _id(self, asset: int) -> str:
        return str(self.graph.compiled.asset_ids[asset])

    def chain(self, node: int) -> list[TraceStep]:
        """The why-chain of node ``node`` (empty when it has service)."""
        g = self.graph
        if g.state.node_supplied[node]:
            return []
        found: set[int] = set()
        steps: list[TraceStep] = []
        if g.damaged[node]:
            found.add(node)
            steps.append(TraceStep(self._id(node), "damaged"))
        return steps + self._walk(node, found)

    def _name(self, asset: int, found: set[int]) -> list[TraceStep]:
        if asset in found:
            return []
        found.add(asset)
        return [self._dependency_step(asset, found)]

    def _link_blockers(self, k: int) -> list[int]:
        g = self.graph
        branch = g.branch_of(k)
        waiting = [] if g.met[branch] or branch in g.blockers(k) else [branch]
        return g.blockers(k) + waiting

    def _walk(self, node: int, found: set[int]) -> list[TraceStep]:
        g, tree = self.graph, self.tree
        start = g.comp_of(node)
        blocks = tree.blocks_towards(start)
        steps: list[TraceStep] = []
        seen = {start}
        stack = [start]
        while stack:
            comp = stack.pop()
            if tree.on_path(comp, tree.sources, blocks):
                for source in g.down_sources_of_comp.get(comp, []):
                    source_node = g.source_node(source)
                    if g.damaged[source_node]:
                        steps += self._name(source_node, found)
                    if g.damaged[source] or not g.met[source] or not g.damaged[source_node]:
                        steps += self._name(source, found)  # its own damage or dependency
            for k in g.links_of_comp[comp]:
                other = g.other_end(k, comp)
                if not tree.on_path(comp, other, blocks):
                    continue
                for blocker in self._link_blockers(k):
                    steps += self._name(blocker, found)
                if not g.comp_supplied[other] and other not in seen:
                    seen.add(other)
                    stack.append(other)
        return steps

    def _dependency_step(self, asset: int, found: set[int]) -> TraceStep:
        """``asset`` is damaged or waits for a dependency; unserved dependencies below."""
        g = self.graph
        children: list[TraceStep] = []
        needs: list[str] = []
        for dep_node in g.deps_of.get(asset, []):
            if g.state.node_supplied[dep_node]:
                continue
            network = NETWORKS[int(g.compiled.node_network[dep_node])]
            needs.append(f"{network} at {self._id(dep_node)}")
            children += self._name(dep_node, found) if g.damaged[dep_node] else []
            children += self._walk(dep_node, found)
        if g.damaged[asset]:
            reason = "damaged"
        elif needs:
            reason = "out of service: needs " + ", ".join(needs)
        else:
            reason = "out of service"
        return TraceStep(self._id(asset), reason, tuple(children))
