"""Dependency loops: assets whose service depends, through the networks, on themselves.

Example: a transformer needs heat (cooling) from a plant whose own needs are fed through
that transformer. warmgrid's propagation (:func:`warmgrid.impact.propagate.propagate`)
computes the *least* fixed point: a node is supplied only when a chain of working elements
reaches it from a source, so such a loop never supplies itself and its buildings count as
unsupplied, even with no damage. A loop is usually an error in the city's data (a missing
infeed or emergency supply), so it is reported when a city is imported and by
``warmgrid city info``.

Detection: the *greatest* fixed point (start with every dependency met and withdraw,
until nothing changes, the assets whose needed service is missing) supplies the loops that
the least fixed point does not; every dependency whose node differs between the two is on
a loop.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from warmgrid.impact.assess import assess_mask
from warmgrid.model.compile import CompiledCity
from warmgrid.model.schema import NETWORKS


@dataclass(frozen=True)
class DependencyLoop:
    """A dependency on a loop: ``asset`` needs ``service`` at ``node``, whose supply
    depends in turn on ``asset``."""

    asset: str
    service: str
    node: str


def _supplied(compiled: CompiledCity, withdrawn: np.ndarray) -> np.ndarray:
    return assess_mask(compiled, withdrawn).state.node_supplied


def dependency_loops(compiled: CompiledCity) -> list[DependencyLoop]:
    """Every dependency of the city that lies on a dependency loop (none for most cities)."""
    if compiled.dep_asset.size == 0:
        return []
    least = _supplied(compiled, np.zeros(compiled.n_assets, dtype=bool))
    free = replace(
        compiled, dep_asset=compiled.dep_asset[:0], dep_node=compiled.dep_node[:0]
    )  # dependencies are applied by hand below
    withdrawn = np.zeros(compiled.n_assets, dtype=bool)
    while True:
        greatest = _supplied(free, withdrawn)
        unmet = np.zeros(compiled.n_assets, dtype=bool)
        unmet[compiled.dep_asset[~greatest[compiled.dep_node]]] = True
        if not (unmet & ~withdrawn).any():
            break
        withdrawn |= unmet
    on_loop = np.flatnonzero(greatest[compiled.dep_node] & ~least[compiled.dep_node])
    node_ids = compiled.city.nodes["id"].to_numpy()
    return [
        DependencyLoop(
            asset=str(compiled.asset_ids[compiled.dep_asset[k]]),
            service=NETWORKS[int(compiled.node_network[compiled.dep_node[k]])],
            node=str(node_ids[compiled.dep_node[k]]),
        )
        for k in on_loop
    ]
