"""Radial load flows: the load each power branch and source carries in a supply state.

A linear screen, not a power flow: distribution networks are operated radially (meshes
are opened at normally-open points), so the load a branch carries is the sum of the
peak loads of the buildings beyond it (kW; :func:`building_load_kw`: the winter evening
peak as the rotation planner reads it, :func:`warmgrid.model.loads.peak_kw`). The radial paths are
a breadth-first tree from the active sources over the active branches; branches in
parallel between the same two nodes (parallel transformers) share the flow in proportion
to their ratings (equally when a rating is unknown). A three-winding transformer carries
the sum of the flows through its windings in the tree (what its high-voltage winding
carries). Losses and voltage drop are neglected: pandapower's AC power flow is the check
(``tests/impact/test_switching_oracle.py``).

Apparent power is taken as real power ÷ :data:`POWER_FACTOR`: customers keep
cos φ ≥ 0.9 (VDE-AR-N 4100:2019, the German technical connection rules for low
voltage), so ``P / 0.9`` bounds the load's MVA from above.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import breadth_first_order

from warmgrid.impact.propagate import SupplyState
from warmgrid.model.compile import CompiledCity

POWER_FACTOR = 0.9
"""Lowest power factor of customers' loads (VDE-AR-N 4100:2019): MVA = MW ÷ 0.9."""


@dataclass(frozen=True)
class RadialFlows:
    """Loads carried in one supply state (kW of buildings' peak load)."""

    branch_kw: np.ndarray  # float64 per branch (0 where it carries nothing)
    component_kw: np.ndarray  # float64 per node component of the state: load it serves
    component_capacity_mw: np.ndarray  # float64 per component: Σ active sources (NaN: unknown)

    def branch_mva(self) -> np.ndarray:
        """Apparent power per branch, MVA (``branch_kw`` ÷ 1000 ÷ :data:`POWER_FACTOR`)."""
        return self.branch_kw / 1000.0 / POWER_FACTOR


def building_load_kw(compiled: CompiledCity) -> np.ndarray:
    """Winter evening peak per building, kW: ``buildings.peak_kw`` where given, else the
    estimate from use and floor area (:func:`warmgrid.model.loads.peak_kw`, the loads the
    rotation planner reads); NaN where neither a peak nor a floor area is known."""
    from warmgrid.model.loads import peak_kw

    buildings = compiled.city.buildings
    area = buildings["floor_area_m2"].to_numpy(np.float64)
    unknown = np.isnan(buildings["peak_kw"].to_numpy(np.float64)) & ~(area > 0)
    return np.where(unknown, np.nan, peak_kw(buildings))


def radial_flows(
    compiled: CompiledCity, state: SupplyState, building_kw: np.ndarray
) -> RadialFlows:
    """Loads carried by every branch and every lit component of ``state``.

    ``building_kw``: peak load per building, kW (unknown loads count as 0)."""
    n = compiled.n_nodes
    power = compiled.node_network == 0
    lit = state.node_supplied & power
    node = compiled.building_power_node
    on = (node >= 0) & lit[np.maximum(node, 0)]
    node_kw = np.bincount(node[on], weights=np.nan_to_num(building_kw[on]), minlength=n)

    u, v, owner = compiled.edge_u, compiled.edge_v, compiled.edge_branch
    active = state.branch_active[owner] & lit[u] & lit[v]
    u, v, owner = u[active], v[active], owner[active]
    root = n
    sources = compiled.source_node[state.source_active & (compiled.source_network == 0)]
    rows = np.concatenate([u, v, np.full(sources.size, root)])
    cols = np.concatenate([v, u, sources])
    graph = coo_matrix((np.ones(rows.size), (rows, cols)), shape=(n + 1, n + 1)).tocsr()
    order, parent = breadth_first_order(graph, root, directed=True, return_predecessors=True)
    subtree_kw = np.append(node_kw, 0.0)
    for child in order[:0:-1]:
        subtree_kw[parent[child]] += subtree_kw[child]

    branch_kw = np.zeros(compiled.n_branches)
    tree = (parent[u] == v) | (parent[v] == u)
    if tree.any():
        u, v, owner = u[tree], v[tree], owner[tree]
        child = np.where(parent[v] == u, v, u)
        rating = compiled.city.branches["rating_mva"].to_numpy(dtype=np.float64)[owner]
        pair = np.minimum(u, v) * (n + 1) + np.maximum(u, v)
        _, pair_id = np.unique(pair, return_inverse=True)
        share = np.where(np.isnan(rating), 1.0, rating)
        known = np.bincount(pair_id, weights=np.isnan(rating)) == 0
        share = np.where(known[pair_id], share, 1.0)
        total = np.bincount(pair_id, weights=share)
        with np.errstate(invalid="ignore", divide="ignore"):
            fraction = np.where(total[pair_id] > 0, share / total[pair_id], 1.0)
        np.add.at(branch_kw, owner, subtree_kw[child] * fraction)

    comp = state.node_component
    n_comp = int(comp.max()) + 1 if n else 0
    component_kw = np.bincount(comp, weights=node_kw, minlength=n_comp)
    capacity = compiled.city.sources["capacity_mw"].to_numpy(dtype=np.float64)
    feeding = state.source_active & (compiled.source_network == 0)
    source_comp = comp[compiled.source_node[feeding]]
    component_capacity = np.bincount(source_comp, weights=capacity[feeding], minlength=n_comp)
    return RadialFlows(branch_kw, component_kw, component_capacity)
