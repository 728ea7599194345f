"""Service propagation: which nodes are supplied, given damaged assets.

A node has service when it is undamaged, connected to an active source of its network
through undamaged, closed, in-service branches, and every dependency of the sources and
branches on that path is served (docs/architecture.md, "Semantics worth stating once"). This is the
least fixed point of that rule: a heat plant whose own-needs bus is fed only by the
plant itself is not supplied (it would need a black start).

Cost: one connected-components pass over the whole city (scipy, linear in nodes plus
edges), then a fixed-point loop over the *components* and the dependency-gated elements
only. The loop runs once per level of the longest dependency chain (a heat plant needing
power is one level), so the work is linear in the size of the city times that depth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from warmgrid.model.compile import CompiledCity


@dataclass(frozen=True)
class SupplyState:
    """The outcome of propagation for one damage set."""

    node_supplied: np.ndarray  # bool per node
    source_active: np.ndarray  # bool per source: undamaged, in service, dependencies served
    branch_active: np.ndarray  # bool per branch: usable in this state
    node_component: np.ndarray  # int64 per node: component over usable branches


def _components(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(u.size, dtype=np.int8), (u, v)), shape=(n, n)).tocsr()
    return connected_components(graph, directed=False)[1].astype(np.int64)


def usable_branches(compiled: CompiledCity, damaged: np.ndarray) -> np.ndarray:
    """Branches that can carry service, ignoring dependencies: in service, closed,
    undamaged, and not cut by an open or damaged element switch."""
    n, b = compiled.n_nodes, compiled.n_branches
    damaged_branch = damaged[n : n + b]
    usable = compiled.branch_base_ok & ~damaged_branch
    cut_targets = compiled.guard_target[damaged_branch[compiled.guard_switch]]
    usable[cut_targets] = False
    return usable


def dependencies_met(
    compiled: CompiledCity, node_supplied: np.ndarray, n_assets: int
) -> np.ndarray:
    """Per asset: True when every dependency it declares is served (no dependency: True)."""
    unmet = ~node_supplied[compiled.dep_node]
    unmet_count = np.bincount(compiled.dep_asset[unmet], minlength=n_assets)
    return unmet_count == 0


def propagate(compiled: CompiledCity, damaged: np.ndarray) -> SupplyState:
    """Supply state of every node for a boolean damage mask over assets."""
    n, b = compiled.n_nodes, compiled.n_branches
    damaged_node = damaged[:n]
    damaged_source = damaged[n + b :]

    usable = usable_branches(compiled, damaged)
    edge_usable = (
        usable[compiled.edge_branch]
        & ~damaged_node[compiled.edge_u]
        & ~damaged_node[compiled.edge_v]
    )
    dependent = np.zeros(compiled.n_assets, dtype=bool)
    dependent[compiled.dep_asset] = True
    edge_gated = dependent[n + compiled.edge_branch]
    free_edges = edge_usable & ~edge_gated
    component = _components(n, compiled.edge_u[free_edges], compiled.edge_v[free_edges])

    source_possible = compiled.source_ok & ~damaged_source & ~damaged_node[compiled.source_node]
    gated_edges = np.flatnonzero(edge_usable & edge_gated)

    n_comp = int(component.max()) + 1 if n else 0
    merged = np.arange(n_comp, dtype=np.int64)
    met = dependencies_met(compiled, np.zeros(n, dtype=bool), compiled.n_assets)
    while True:
        active_sources = source_possible & met[n + b :]
        active_edges = gated_edges[met[n + compiled.edge_branch[gated_edges]]]
        if active_edges.size:
            cu = component[compiled.edge_u[active_edges]]
            cv = component[compiled.edge_v[active_edges]]
            merged = _components(n_comp, cu, cv)
        comp_supplied = np.zeros(n_comp, dtype=bool)
        comp_supplied[merged[component[compiled.source_node[active_sources]]]] = True
        node_supplied = comp_supplied[merged[component]] & ~damaged_node
        met_next = dependencies_met(compiled, node_supplied, compiled.n_assets)
        if np.array_equal(met_next, met):
            break
        met = met_next

    branch_active = usable & met[n : n + b]
    return SupplyState(
        node_supplied=node_supplied,
        source_active=source_possible & met[n + b :],
        branch_active=branch_active,
        node_component=merged[component],
    )
