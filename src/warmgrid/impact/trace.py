"""Why a node has no service, and which damaged assets must be repaired to bring it back.

After propagation, the unsupplied part of the city falls into components. From the
component of a node without service, :class:`Tracer` walks across *blocked* links — a
branch that is damaged, cut by a damaged switch, ends at a damaged node, or waits for a
dependency — into neighbouring unsupplied components, and stops at supplied ones. A
source in a visited component that is down because a dependency is unserved sends the
walk on to the component of that dependency's node, across networks. Every damaged asset
met on the way is a candidate repair; :meth:`Tracer.needs` then drops candidates one at a
time while the node still regains service with the rest repaired, which leaves a minimal
set (where parallel paths exist, the cheapest to repair is kept).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from warmgrid.impact.propagate import SupplyState, propagate, usable_branches
from warmgrid.model.compile import CompiledCity
from warmgrid.model.schema import NETWORKS


@dataclass(frozen=True)
class TraceStep:
    """One reason in a chain: ``asset`` is down because of ``reason``; ``children`` go deeper."""

    asset: str
    reason: str
    children: tuple[TraceStep, ...] = ()


class Tracer:
    """Walks the unsupplied components of one damage state (built once per result)."""

    def __init__(self, compiled: CompiledCity, damaged: np.ndarray, state: SupplyState) -> None:
        self.compiled = compiled
        self.damaged = damaged
        self.state = state
        n = compiled.n_nodes
        comp = state.node_component
        self.n_comp = int(comp.max()) + 1 if n else 0
        supplied = np.zeros(self.n_comp, dtype=bool)
        supplied[comp[state.node_supplied]] = True
        self.comp_supplied = supplied

        met = np.ones(compiled.n_assets, dtype=bool)
        unmet = ~state.node_supplied[compiled.dep_node]
        met[compiled.dep_asset[unmet]] = False
        self.met = met
        usable = usable_branches(compiled, damaged) & compiled.branch_base_ok
        edge_base = compiled.branch_base_ok[compiled.edge_branch]
        edge_active = (
            usable[compiled.edge_branch]
            & met[n + compiled.edge_branch]
            & ~damaged[compiled.edge_u]
            & ~damaged[compiled.edge_v]
        )
        blocked = np.flatnonzero(edge_base & ~edge_active)
        self.blocked_edges = blocked
        cu, cv = comp[compiled.edge_u[blocked]], comp[compiled.edge_v[blocked]]
        rows = np.concatenate([cu, cv])
        cols = np.concatenate([cv, cu])
        edge_ref = np.concatenate([blocked, blocked])
        order = np.argsort(rows, kind="stable")
        self.adj_ptr = np.searchsorted(rows[order], np.arange(self.n_comp + 1))
        self.adj_comp = cols[order]
        self.adj_edge = edge_ref[order]

        guards_of: dict[int, list[int]] = {}
        for switch, target in zip(compiled.guard_switch, compiled.guard_target, strict=True):
            guards_of.setdefault(int(target), []).append(int(switch))
        self.guards_of = guards_of

        source_comp = comp[compiled.source_node]
        down = ~state.source_active
        src = np.flatnonzero(down)
        self.sources_by_comp = csr_matrix(
            (np.ones(src.size, dtype=np.int8), (source_comp[src], src)),
            shape=(self.n_comp, compiled.n_sources),
        )
        dep_order = np.argsort(compiled.dep_asset, kind="stable")
        self.dep_sorted_asset = compiled.dep_asset[dep_order]
        self.dep_sorted_node = compiled.dep_node[dep_order]

    def _id(self, asset: int) -> str:
        return str(self.compiled.asset_ids[asset])

    def _deps(self, asset: int) -> np.ndarray:
        lo, hi = np.searchsorted(self.dep_sorted_asset, [asset, asset + 1])
        return self.dep_sorted_node[lo:hi]

    def _edge_blockers(self, edge: int) -> list[int]:
        compiled, n = self.compiled, self.compiled.n_nodes
        branch = int(compiled.edge_branch[edge])
        blockers = [
            int(node)
            for node in (compiled.edge_u[edge], compiled.edge_v[edge])
            if self.damaged[node]
        ]
        if self.damaged[n + branch]:
            blockers.append(n + branch)
        blockers += [n + s for s in self.guards_of.get(branch, []) if self.damaged[n + s]]
        if not blockers and not self.met[n + branch]:
            blockers.append(n + branch)
        return blockers

    def candidates(self, node: int) -> tuple[set[int], list[TraceStep]]:
        """Damaged assets reachable through unsupplied components, and the reasons."""
        found: set[int] = set()
        seen: set[int] = set()
        steps = self._walk(node, found, seen)
        return {a for a in found if self.damaged[a]}, steps

    def _walk(self, node: int, found: set[int], seen: set[int]) -> list[TraceStep]:
        n, b = self.compiled.n_nodes, self.compiled.n_branches
        start = int(self.state.node_component[node])
        if self.comp_supplied[start] or start in seen:
            return []
        steps: list[TraceStep] = []
        stack = [start]
        seen.add(start)
        while stack:
            comp = stack.pop()
            for src in self.sources_by_comp[comp].indices:
                asset = n + b + int(src)
                steps += self._source_step(asset, found, seen)
            for k in range(self.adj_ptr[comp], self.adj_ptr[comp + 1]):
                other = int(self.adj_comp[k])
                edge = int(self.adj_edge[k])
                for blocker in self._edge_blockers(edge):
                    if blocker in found:
                        continue
                    found.add(blocker)
                    if self.damaged[blocker]:
                        steps.append(TraceStep(self._id(blocker), "damaged"))
                    else:
                        steps.append(self._dependency_step(blocker, found, seen))
                if not self.comp_supplied[other] and other not in seen:
                    seen.add(other)
                    stack.append(other)
        return steps

    def _source_step(self, asset: int, found: set[int], seen: set[int]) -> list[TraceStep]:
        compiled, n, b = self.compiled, self.compiled.n_nodes, self.compiled.n_branches
        source = asset - n - b
        if not compiled.source_ok[source]:
            return []
        node = int(compiled.source_node[source])
        hit = node if self.damaged[node] else asset
        if hit in found:
            return []
        found.add(hit)
        if self.damaged[hit]:
            return [TraceStep(self._id(hit), "damaged")]
        return [self._dependency_step(asset, found, seen)]

    def _dependency_step(self, asset: int, found: set[int], seen: set[int]) -> TraceStep:
        children: list[TraceStep] = []
        needs: list[str] = []
        for dep_node in self._deps(asset):
            if self.state.node_supplied[dep_node]:
                continue
            network = NETWORKS[int(self.compiled.node_network[dep_node])]
            needs.append(f"{network} at {self._id(int(dep_node))}")
            inner = self._walk(int(dep_node), found, seen)
            if self.damaged[dep_node] and int(dep_node) not in found:  # isolated, no edges
                found.add(int(dep_node))
                inner.append(TraceStep(self._id(int(dep_node)), "damaged"))
            children += inner
        reason = "out of service: needs " + ", ".join(needs) if needs else "out of service"
        return TraceStep(self._id(asset), reason, tuple(children))

    def needs(self, node: int, asset_cost: np.ndarray | None = None) -> list[str] | None:
        """A minimal set of damaged asset ids whose repair gives ``node`` service again.

        Candidates are dropped costliest first (``asset_cost`` per asset index, e.g. repair
        hours; then the largest index first), so that where parallel assets exist the set
        keeps the cheapest. ``None`` when repairing every damaged asset found would still
        leave the node without service (it had none before the damage either).
        """
        found, _ = self.candidates(node)
        keep = sorted(found)
        if not self._restored(node, keep):
            return None
        cost = asset_cost if asset_cost is not None else np.zeros(self.compiled.n_assets)
        for asset in sorted(found, key=lambda a: (cost[a], a), reverse=True):
            trial = [a for a in keep if a != asset]
            if self._restored(node, trial):
                keep = trial
        return [self._id(a) for a in keep]

    def _restored(self, node: int, repaired: list[int]) -> bool:
        damaged = self.damaged.copy()
        damaged[repaired] = False
        return bool(propagate(self.compiled, damaged).node_supplied[node])
