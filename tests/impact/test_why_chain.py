"""Why-chains against brute-force enumeration of supply paths on small random cities.

The oracle reads the city tables only: the base topology (in-service, closed branches
not cut by an open element switch; every pair of a three-winding transformer's sides),
every simple path from the node of an in-service source to the building's node, and,
for each source or branch on such a path that depends on a node, the supply paths of
that node in turn. An asset is *on a supply path* when it is a node, a branch (or an
element switch guarding it) or the source of one of those paths, or the node itself.
"""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st
from random_cities import random_city, random_damage

from warmgrid.impact import assess_mask
from warmgrid.impact.trace import TraceStep
from warmgrid.model import City, compile_city


class SupplyPaths:
    """Brute-force supply paths of a city's base topology."""

    def __init__(self, city: City) -> None:
        self.adjacent: dict[str, list[tuple[str, str]]] = defaultdict(list)
        cut = {
            b.guards
            for b in city.branches.itertuples()
            if b.guards and b.in_service and not b.closed
        }
        self.guards: dict[str, list[str]] = defaultdict(list)
        for b in city.branches.itertuples():
            if b.guards:
                self.guards[b.guards].append(b.id)
                continue
            if not (b.in_service and b.closed) or b.id in cut:
                continue
            ends = [e for e in (b.from_node, b.to_node, b.third_node) if e]
            for i, u in enumerate(ends):
                for v in ends[i + 1 :]:
                    self.adjacent[u].append((v, b.id))
                    self.adjacent[v].append((u, b.id))
        self.sources_at: dict[str, list[str]] = defaultdict(list)
        for s in city.sources.itertuples():
            if s.in_service:
                self.sources_at[s.node].append(s.id)
        self.needs: dict[str, list[str]] = defaultdict(list)
        for d in city.dependencies.itertuples():
            self.needs[d.asset].append(d.node)

    def on_paths(self, target: str, done: set[str] | None = None) -> set[str]:
        """Assets on a supply path or dependency chain of node ``target`` (and the node)."""
        done = set() if done is None else done
        if target in done:
            return set()
        done.add(target)
        assets: set[str] = {target}
        for start, sources in self.sources_at.items():
            for path_nodes, path_branches in self._paths(start, target):
                assets |= {*sources, *path_nodes, *path_branches}
                for branch in path_branches:
                    assets.update(self.guards[branch])
        for asset in list(assets):
            for node in self.needs[asset]:
                assets |= self.on_paths(node, done)
        return assets

    def _paths(self, start: str, target: str):
        stack = [(start, [start], [])]
        while stack:
            node, nodes, branches = stack.pop()
            if node == target:
                yield nodes, branches
                continue
            for other, branch in self.adjacent[node]:
                if other not in nodes:
                    stack.append((other, [*nodes, other], [*branches, branch]))


def _flatten(steps: list[TraceStep]) -> list[str]:
    out = []
    for step in steps:
        out.append(step.asset)
        out += _flatten(list(step.children))
    return out


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), hits=st.integers(1, 6))
def test_why_chains_name_assets_on_supply_paths_once_and_what_to_repair(seed: int, hits: int):
    city = random_city(seed, n_power=9, n_heat=7)
    compiled = compile_city(city)
    damaged = random_damage(compiled.n_assets, seed, hits)
    result = assess_mask(compiled, damaged)
    paths = SupplyPaths(city)
    needs_of = {}
    for group in result.restoration_groups():
        for row in group.building_index:
            needs_of[(group.service, int(row))] = set(group.needs)
    node_ids = city.nodes["id"].to_numpy()
    for row, building in enumerate(city.buildings["id"]):
        for service, chain in result.explain(building).items():
            node_of = (
                compiled.building_power_node
                if service == "power"
                else (compiled.building_heat_node)
            )
            named = _flatten(chain)
            assert len(named) == len(set(named)), named
            assert set(named) <= paths.on_paths(str(node_ids[node_of[row]]))
            assert needs_of.get((service, row), set()) <= set(named)
