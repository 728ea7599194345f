"""Compile a :class:`City` into integer-indexed arrays for the engines.

Every asset gets one index in a single numbering: nodes first, then branches, then
sources (``asset = node``, ``asset = n_nodes + branch``, ``asset = n_nodes + n_branches +
source``). Branches become undirected edges between node indices; a three-winding
transformer becomes three edges (every pair of its sides, as pandapower's topology graph
has them) owned by the same branch. Element switches (``guards``) become a guard list
that cuts the branch they guard when they are open or damaged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from warmgrid.errors import UnknownIdError
from warmgrid.model.city import City
from warmgrid.model.schema import CRITICAL_USES, NETWORKS

ASSET_NODE, ASSET_BRANCH, ASSET_SOURCE = 0, 1, 2


@dataclass(frozen=True)
class CompiledCity:
    """Integer arrays of one city, as the engines read them. Built by :func:`compile_city`."""

    city: City
    asset_ids: pd.Index
    n_nodes: int
    n_branches: int
    n_sources: int
    node_network: np.ndarray  # int8, index into NETWORKS
    node_lon: np.ndarray
    node_lat: np.ndarray
    branch_network: np.ndarray
    branch_base_ok: np.ndarray  # bool: in service, closed, not cut by an open guard switch
    edge_u: np.ndarray  # int64 node index
    edge_v: np.ndarray
    edge_branch: np.ndarray  # int64 branch index owning the edge
    guard_switch: np.ndarray  # int64 branch index of an element switch
    guard_target: np.ndarray  # int64 branch index it cuts
    source_node: np.ndarray
    source_network: np.ndarray
    source_ok: np.ndarray  # bool: in service
    dep_asset: np.ndarray  # int64 asset index of the dependent asset
    dep_node: np.ndarray  # int64 node index whose service it needs
    building_power_node: np.ndarray  # int64, -1 when the building has none
    building_heat_node: np.ndarray
    building_population: np.ndarray  # int64 people
    building_customers: np.ndarray  # int64 customers (households or meters)
    building_critical: np.ndarray  # bool: hospital, school or care home
    building_electric_heating: np.ndarray  # bool: its heat needs its power
    building_backup_fuel_h: np.ndarray  # float64 hours of backup generator fuel (0: none)

    @property
    def n_assets(self) -> int:
        """Number of assets (nodes + branches + sources)."""
        return self.n_nodes + self.n_branches + self.n_sources

    def asset_index(self, ids: Sequence[str] | np.ndarray, where: str = "") -> np.ndarray:
        """Asset indices of ``ids``; raises :class:`UnknownIdError` naming the first unknown."""
        ids = list(ids)
        positions = self.asset_ids.get_indexer(ids)
        missing = np.flatnonzero(positions < 0)
        if missing.size:
            raise UnknownIdError("asset", str(ids[missing[0]]), where)
        return positions.astype(np.int64)

    @cached_property
    def building_rows(self) -> pd.Index:
        """The buildings' ids in row order, to find the rows of ids (built on first use)."""
        return pd.Index(self.city.buildings["id"].astype(str))

    def asset_kind(self, index: np.ndarray) -> np.ndarray:
        """0 for nodes, 1 for branches, 2 for sources."""
        return np.searchsorted(
            [self.n_nodes, self.n_nodes + self.n_branches], index, side="right"
        ).astype(np.int8)


def _node_positions(ids: pd.Series, node_index: pd.Index) -> np.ndarray:
    positions = np.full(len(ids), -1, dtype=np.int64)
    present = (ids != "").to_numpy()
    positions[present] = node_index.get_indexer(ids[present])
    return positions


def compile_city(city: City) -> CompiledCity:
    """Build the engines' arrays; linear in the size of the city."""
    nodes, branches, sources = city.nodes, city.branches, city.sources
    node_index = pd.Index(nodes["id"])
    network_code = {name: code for code, name in enumerate(NETWORKS)}

    from_node = _node_positions(branches["from_node"], node_index)
    to_node = _node_positions(branches["to_node"], node_index)
    third_node = _node_positions(branches["third_node"], node_index)
    branch_pos = np.arange(len(branches), dtype=np.int64)
    two = to_node >= 0
    three = third_node >= 0
    edge_u = np.concatenate([from_node[two], from_node[three], to_node[three]])
    edge_v = np.concatenate([to_node[two], third_node[three], third_node[three]])
    edge_branch = np.concatenate([branch_pos[two], branch_pos[three], branch_pos[three]])

    guards = branches["guards"].to_numpy()
    guarding = guards != ""
    guard_switch = branch_pos[guarding]
    guard_target = pd.Index(branches["id"]).get_indexer(guards[guarding]).astype(np.int64)

    closed = branches["closed"].to_numpy(dtype=bool)
    in_service = branches["in_service"].to_numpy(dtype=bool)
    base_ok = closed & in_service
    base_ok[guarding] = True  # an element switch carries no edge of its own
    open_guard = guarding & ~closed & in_service
    base_ok[guard_target[open_guard[guarding]]] = False

    asset_ids = pd.Index(np.concatenate([nodes["id"], branches["id"], sources["id"]]))
    deps = city.dependencies
    buildings = city.buildings
    return CompiledCity(
        city=city,
        asset_ids=asset_ids,
        n_nodes=len(nodes),
        n_branches=len(branches),
        n_sources=len(sources),
        node_network=nodes["network"].map(network_code).to_numpy(np.int8),
        node_lon=nodes["lon"].to_numpy(np.float64),
        node_lat=nodes["lat"].to_numpy(np.float64),
        branch_network=branches["network"].map(network_code).to_numpy(np.int8),
        branch_base_ok=base_ok,
        edge_u=edge_u,
        edge_v=edge_v,
        edge_branch=edge_branch,
        guard_switch=guard_switch,
        guard_target=guard_target,
        source_node=node_index.get_indexer(sources["node"]).astype(np.int64),
        source_network=sources["network"].map(network_code).to_numpy(np.int8),
        source_ok=sources["in_service"].to_numpy(dtype=bool),
        dep_asset=asset_ids.get_indexer(deps["asset"]).astype(np.int64),
        dep_node=node_index.get_indexer(deps["node"]).astype(np.int64),
        building_power_node=_node_positions(buildings["power_node"], node_index),
        building_heat_node=_node_positions(buildings["heat_node"], node_index),
        building_population=buildings["population"].to_numpy(np.int64),
        building_customers=buildings["customers"].to_numpy(np.int64),
        building_critical=buildings["use"].isin(CRITICAL_USES).to_numpy(),
        building_electric_heating=buildings["electric_heating"].to_numpy(dtype=bool),
        building_backup_fuel_h=buildings["backup_fuel_h"].to_numpy(dtype=np.float64),
    )
