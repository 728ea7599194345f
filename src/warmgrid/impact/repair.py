"""Which damaged assets must be repaired to give a node its service back.

Exact semantics of :meth:`RepairSets.needs` (one pass for the whole city, then a short
check per component):

1. **Cheapest derivation.** Service reaches a component of the
   :class:`~warmgrid.impact.blocked.BlockedGraph` either from a source in it or across a
   blocked link from a component that has service; a source or a branch that depends on
   other nodes needs their service first. The cost of bringing service to a component is
   the sum of the repair costs (``asset_cost``) of the damaged assets on the way, then
   their number (so that with no costs given, the fewest assets win), each dependency
   counted with the cost of its own way. Knuth's generalisation of Dijkstra's algorithm
   to such AND/OR rules (Knuth 1977, "A generalization of Dijkstra's algorithm",
   Information Processing Letters 6(1)) finds the cheapest way to every component in
   one pass, O((c + l) log c) for c components and l blocked links.
2. **Minimal.** The damaged assets of that way are a set whose repair gives the node
   service. Because a dependency shared by two parts of a way is counted twice in (1),
   the set may hold an asset that the rest makes unnecessary; each asset is therefore
   dropped in turn, costliest first, when the node still regains service without it.
   The check grows service from the damaged state over the blocked links only, so it
   costs the size of the part of the city the repairs bring back. In a network where
   no branch or source depends on anything (usually power), every way is a simple path
   counted once, so a smaller set would be a cheaper way and the check is skipped.

The result is a set of damaged assets whose repair gives the node service, no proper
subset of which does; of several such sets it is the one on the cheapest way.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable

import numpy as np

from warmgrid.impact.blocked import BlockedGraph

Cost = tuple[float, int]  # repair cost, number of assets
ZERO: Cost = (0.0, 0)
Rule = tuple[int, ...]  # () has service; (source,) a source; (link, start) a link
Push = Callable[[int, Cost, Rule], None]


def _add(*costs: Cost) -> Cost:
    return (sum(c[0] for c in costs), sum(c[1] for c in costs))


class RepairSets:
    """Cheapest repair sets for every component of one damage state."""

    def __init__(self, graph: BlockedGraph, asset_cost: np.ndarray) -> None:
        self.graph = graph
        self.cost = asset_cost
        self.best: dict[int, Cost] = {}
        self.sets: dict[int, frozenset[int]] = {}
        compiled = graph.compiled
        n, n_b = compiled.n_nodes, compiled.n_nodes + compiled.n_branches
        gated = np.array(sorted(graph.deps_of), dtype=np.int64)
        branches, sources = gated[(gated >= n) & (gated < n_b)], gated[gated >= n_b]
        self.gated_networks = {
            *compiled.branch_network[branches - n].tolist(),
            *compiled.source_network[sources - n_b].tolist(),
        }
        self._derive()

    def _asset_cost(self, assets: Iterable[int]) -> Cost:
        chosen = [a for a in assets if self.graph.damaged[a]]
        return (float(sum(self.cost[a] for a in chosen)), len(chosen))

    def _entry(self, node: int) -> tuple[Cost, frozenset[int]]:
        """Cost and assets of entering a component at ``node`` (a damaged node needs repair)."""
        if self.graph.damaged[node]:
            return (float(self.cost[node]), 1), frozenset((node,))
        return ZERO, frozenset()

    def _derive(self) -> None:
        g = self.graph
        heap: list[tuple[float, int, int, int, Rule]] = []
        counter = 0

        def push(comp: int, cost: Cost, rule: Rule) -> None:
            nonlocal counter
            if comp in self.best:
                return
            counter += 1
            heapq.heappush(heap, (cost[0], cost[1], counter, comp, rule))

        pending = {asset: len(nodes) for asset, nodes in g.deps_of.items()}
        for comp in np.flatnonzero(g.comp_supplied).tolist():
            push(comp, ZERO, ())
        for sources in g.down_sources_of_comp.values():
            for source in sources:
                if source not in pending:
                    self._push_source(source, push)

        while heap:
            c0, c1, _, comp, rule = heapq.heappop(heap)
            if comp in self.best:
                continue
            self.best[comp] = (c0, c1)
            self.sets[comp] = self._assets_of(rule)
            for k in g.links_of_comp[comp]:
                branch = g.branch_of(k)
                if pending.get(branch, 0) == 0:
                    self._push_link(k, comp, push)
            for asset in g.watchers_of_comp.get(comp, []):
                pending[asset] -= 1
                if pending[asset]:
                    continue
                if asset in g.target_of_guard or asset < g.compiled.n_nodes:
                    continue
                if asset >= g.compiled.n_nodes + g.compiled.n_branches:
                    if g.is_source_in_service(asset):
                        self._push_source(asset, push)
                    continue
                for k in g.links_of_branch.get(asset, []):
                    for end in g.edge_comps[k]:
                        if end in self.best:
                            self._push_link(k, end, push)

    def _deps(self, asset: int) -> tuple[Cost, frozenset[int]]:
        nodes = self.graph.deps_of.get(asset, [])
        comps = [self.graph.comp_of(node) for node in nodes]
        cost = _add(ZERO, *(self.best[c] for c in comps))
        return cost, frozenset().union(*(self.sets[c] for c in comps))

    def _push_source(self, source: int, push: Push) -> None:
        node = self.graph.source_node(source)
        comp = self.graph.comp_of(node)
        entry, _ = self._entry(node)
        deps, _ = self._deps(source)
        push(comp, _add(entry, self._asset_cost([source]), deps), (source,))

    def _push_link(self, k: int, start: int, push: Push) -> None:
        g = self.graph
        end = g.other_end(k, start)
        if end in self.best:
            return
        u, v = g.end_nodes(k)
        node = v if g.comp_of(v) == end else u
        entry, _ = self._entry(node)
        branch = g.branch_of(k)
        own = self._asset_cost([branch, *g.guards_of.get(branch, [])])
        deps, _ = self._deps(branch)
        push(end, _add(self.best[start], own, entry, deps), (k, start))

    def _assets_of(self, rule: Rule) -> frozenset[int]:
        g = self.graph
        if not rule:
            return frozenset()
        if len(rule) == 1:
            source = rule[0]
            node = g.source_node(source)
            _, entry = self._entry(node)
            _, deps = self._deps(source)
            own = frozenset(a for a in (source,) if g.damaged[a])
            return entry | own | deps
        k, start = rule
        branch = g.branch_of(k)
        _, deps = self._deps(branch)
        own = frozenset(g.blockers(k))
        return self.sets[start] | own | deps

    def needs(self, node: int) -> list[int] | None:
        """A minimal set of damaged asset indices whose repair gives ``node`` service
        (sorted), ``[]`` when it has service, ``None`` when no repair brings it back."""
        g = self.graph
        comp = g.comp_of(node)
        if comp not in self.sets:
            return None
        keep = set(self.sets[comp])
        if int(g.compiled.node_network[node]) not in self.gated_networks:
            return sorted(keep)
        cutting = cut_assets(g, comp, keep)
        for asset in sorted(keep - cutting, key=lambda a: (self.cost[a], a), reverse=True):
            keep.discard(asset)
            if not restores(g, comp, keep):
                keep.add(asset)
        return sorted(keep)


def cut_assets(g: BlockedGraph, target: int, repaired: set[int]) -> set[int]:
    """Assets of ``repaired`` without which component ``target`` has no way in at all:
    every path from a component with service, or from a source, to ``target`` over links
    whose blockers are all repaired passes through them (dependencies ignored, so these
    assets are needed whatever the dependencies do)."""
    region, links, exits = {target}, [], set()
    stack = [target]
    while stack:
        comp = stack.pop()
        if g.comp_supplied[comp]:
            exits.add((comp, -1))
            continue
        for source in g.down_sources_of_comp.get(comp, []):
            if all(a in repaired for a in g.source_facts[source][1]):
                exits.add((comp, source))
        for k in g.links_of_comp[comp]:
            if all(a in repaired for a in g.link_facts[k][2]):
                links.append(k)
                other = g.other_end(k, comp)
                if other not in region:
                    region.add(other)
                    stack.append(other)
    cut = set()
    for asset in repaired:
        if not _connected_without(g, target, asset, set(links), exits):
            cut.add(asset)
    return cut


def _connected_without(
    g: BlockedGraph, target: int, asset: int, links: set[int], exits: set[tuple[int, int]]
) -> bool:
    """Whether ``target`` reaches an exit over ``links`` when ``asset`` stays broken."""
    gone = {k for k in links if asset in g.link_facts[k][2]}
    lost = g.comp_of(asset) if asset < g.compiled.n_nodes else -1
    open_exits = {comp for comp, source in exits if source != asset and comp != lost}
    if target == lost:
        return False
    adjacent: dict[int, list[int]] = {}
    for k in links - gone:
        cu, cv = g.edge_comps[k]
        if lost not in (cu, cv):
            adjacent.setdefault(cu, []).append(cv)
            adjacent.setdefault(cv, []).append(cu)
    seen, stack = {target}, [target]
    while stack:
        comp = stack.pop()
        if comp in open_exits:
            return True
        for other in adjacent.get(comp, []):
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return False


def restores(g: BlockedGraph, target: int, repaired: set[int]) -> bool:
    """Whether repairing ``repaired`` (damaged asset indices) gives component ``target``
    service: grows service from the damaged state across the links it unblocks."""
    supplied = g.comp_supplied
    served: set[int] = set()
    queue: list[int] = []

    def has_service(comp: int) -> bool:
        return comp in served or bool(supplied[comp])

    def deps_ok(deps: tuple[tuple[int, int, bool], ...]) -> bool:
        return all(
            (not broken or node in repaired) and has_service(comp) for node, comp, broken in deps
        )

    def serve(comp: int) -> None:
        if not has_service(comp):
            served.add(comp)
            queue.append(comp)

    def try_link(k: int) -> None:
        cu, cv, blockers, deps = g.link_facts[k]
        if all(a in repaired for a in blockers) and deps_ok(deps):
            if has_service(cu):
                serve(cv)
            elif has_service(cv):
                serve(cu)

    def try_source(source: int) -> None:
        comp, blockers, deps = g.source_facts[source]
        if all(a in repaired for a in blockers) and deps_ok(deps):
            serve(comp)

    def wake(asset: int) -> None:
        if asset in g.source_facts:
            try_source(asset)
            return
        links = g.links_of_branch.get(g.target_of_guard.get(asset, asset))
        if links is not None:
            for k in links:
                try_link(k)
        if asset < g.compiled.n_nodes:
            comp = g.comp_of(asset)
            for k in g.links_of_comp[comp]:
                try_link(k)
            for source in g.down_sources_of_comp.get(comp, []):
                try_source(source)

    for asset in repaired:
        wake(asset)
    while queue:
        if target in served:
            return True
        comp = queue.pop()
        for k in g.links_of_comp[comp]:
            try_link(k)
        for asset in g.watchers_of_comp.get(comp, []):
            wake(asset)
    return has_service(target)
