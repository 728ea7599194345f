"""The unsupplied part of a city as a small graph: components joined by blocked links.

After propagation (:func:`~warmgrid.impact.propagate.propagate`), every node lies in a
component over the links usable in that state. A component either has service or has
none as a whole, and repairs only ever add service, so a component stays one piece
whatever is repaired. The engines that ask "what must be repaired" and "why is this
out" therefore work on the components and on the *blocked* links between them only: a
branch's edge that is in the city's base topology (in service, closed, not cut by an
open switch) but unusable now because the branch is damaged, an element switch guarding
it is damaged, one of its end nodes is damaged, or a dependency of the branch is not
served. A damaged node is a component of its own. Building this graph is linear in the
size of the city; it usually has a few thousand members even for wide damage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from warmgrid.impact.propagate import SupplyState, usable_branches
from warmgrid.model.compile import CompiledCity

DepFacts = tuple[tuple[int, int, bool], ...]  # (node, its component, node damaged)
Facts = tuple[int, int, tuple[int, ...], DepFacts]  # components, damaged blockers, deps


def _group_by(keys: np.ndarray, values: np.ndarray, n: int) -> list[list[int]]:
    """``out[k]`` = the values whose key is ``k`` (in order), for ``k`` in ``range(n)``."""
    out: list[list[int]] = [[] for _ in range(n)]
    for key, value in zip(keys.tolist(), values.tolist(), strict=True):
        out[key].append(value)
    return out


@dataclass
class BlockedGraph:
    """Components of one supply state and the blocked links between them.

    Indices: ``k`` numbers the blocked links (``edge[k]`` is the compiled edge), ``c``
    the components, assets follow the compiled numbering.
    """

    compiled: CompiledCity
    damaged: np.ndarray
    state: SupplyState
    n_comp: int = field(init=False)
    comp_supplied: np.ndarray = field(init=False)
    met: np.ndarray = field(init=False)
    edge: np.ndarray = field(init=False)
    edge_comps: list[tuple[int, int]] = field(init=False)
    links_of_comp: list[list[int]] = field(init=False)
    links_of_branch: dict[int, list[int]] = field(init=False)
    deps_of: dict[int, list[int]] = field(init=False)
    watchers_of_comp: dict[int, list[int]] = field(init=False)
    down_sources_of_comp: dict[int, list[int]] = field(init=False)
    guards_of: dict[int, list[int]] = field(init=False)
    target_of_guard: dict[int, int] = field(init=False)
    link_facts: list[Facts] = field(init=False)
    source_facts: dict[int, tuple[int, tuple[int, ...], DepFacts]] = field(init=False)

    def __post_init__(self) -> None:
        compiled, damaged, state = self.compiled, self.damaged, self.state
        n = compiled.n_nodes
        comp = state.node_component
        self.n_comp = int(comp.max()) + 1 if n else 0
        supplied = np.zeros(self.n_comp, dtype=bool)
        supplied[comp[state.node_supplied]] = True
        self.comp_supplied = supplied

        met = np.ones(compiled.n_assets, dtype=bool)
        met[compiled.dep_asset[~state.node_supplied[compiled.dep_node]]] = False
        self.met = met
        usable = usable_branches(compiled, damaged)
        edge_active = (
            usable[compiled.edge_branch]
            & met[n + compiled.edge_branch]
            & ~damaged[compiled.edge_u]
            & ~damaged[compiled.edge_v]
        )
        blocked = np.flatnonzero(compiled.branch_base_ok[compiled.edge_branch] & ~edge_active)
        self.edge = blocked
        cu, cv = comp[compiled.edge_u[blocked]], comp[compiled.edge_v[blocked]]
        self.edge_comps = list(zip(cu.tolist(), cv.tolist(), strict=True))
        ks = np.arange(blocked.size)
        between = cu != cv  # a link inside one component explains and restores nothing
        self.links_of_comp = _group_by(
            np.concatenate([cu[between], cv[between]]),
            np.concatenate([ks[between], ks[between]]),
            self.n_comp,
        )
        self.links_of_branch = {}
        for k, branch in enumerate(compiled.edge_branch[blocked].tolist()):
            self.links_of_branch.setdefault(n + branch, []).append(k)

        self.deps_of = {}
        dep_pairs = zip(compiled.dep_asset.tolist(), compiled.dep_node.tolist(), strict=True)
        for asset, node in dep_pairs:
            self.deps_of.setdefault(asset, []).append(node)
        self.watchers_of_comp = {}
        for asset, nodes in self.deps_of.items():
            for node in nodes:
                self.watchers_of_comp.setdefault(int(comp[node]), []).append(asset)
        n_b = n + compiled.n_branches
        self.down_sources_of_comp = {}
        for source in np.flatnonzero(~state.source_active & compiled.source_ok).tolist():
            key = int(comp[compiled.source_node[source]])
            self.down_sources_of_comp.setdefault(key, []).append(n_b + source)
        self.guards_of = {}
        self.target_of_guard = {}
        for switch, target in zip(
            compiled.guard_switch.tolist(), compiled.guard_target.tolist(), strict=True
        ):
            self.guards_of.setdefault(n + target, []).append(n + switch)
            self.target_of_guard[n + switch] = n + target
        self.link_facts = [
            (*self.edge_comps[k], tuple(self.blockers(k)), self.dep_facts(self.branch_of(k)))
            for k in range(blocked.size)
        ]
        self.source_facts = {}
        for sources in self.down_sources_of_comp.values():
            for source in sources:
                node = self.source_node(source)
                blockers = tuple(a for a in (source, node) if damaged[a])
                self.source_facts[source] = (self.comp_of(node), blockers, self.dep_facts(source))

    def dep_facts(self, asset: int) -> DepFacts:
        """Per node ``asset`` depends on: the node, its component, whether it is damaged."""
        return tuple(
            (node, self.comp_of(node), bool(self.damaged[node]))
            for node in self.deps_of.get(asset, [])
        )

    def comp_of(self, node: int) -> int:
        """The component of node ``node``."""
        return int(self.state.node_component[node])

    def other_end(self, k: int, comp: int) -> int:
        """The component at the other end of link ``k`` from ``comp``."""
        cu, cv = self.edge_comps[k]
        return cv if cu == comp else cu

    def branch_of(self, k: int) -> int:
        """Asset index of the branch that owns link ``k``."""
        return self.compiled.n_nodes + int(self.compiled.edge_branch[self.edge[k]])

    def end_nodes(self, k: int) -> tuple[int, int]:
        """Node indices at the two ends of link ``k``."""
        e = int(self.edge[k])
        return int(self.compiled.edge_u[e]), int(self.compiled.edge_v[e])

    def blockers(self, k: int) -> list[int]:
        """Damaged assets that block link ``k``: its end nodes, its branch, the element
        switches guarding the branch."""
        branch = self.branch_of(k)
        assets = [*self.end_nodes(k), branch, *self.guards_of.get(branch, [])]
        return [a for a in assets if self.damaged[a]]

    def source_node(self, asset: int) -> int:
        """Node index of the source with asset index ``asset``."""
        compiled = self.compiled
        return int(compiled.source_node[asset - compiled.n_nodes - compiled.n_branches])

    def is_source_in_service(self, asset: int) -> bool:
        """Whether the source with asset index ``asset`` is in service."""
        compiled = self.compiled
        return bool(compiled.source_ok[asset - compiled.n_nodes - compiled.n_branches])
