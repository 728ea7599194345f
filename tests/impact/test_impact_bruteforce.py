"""``assess`` against an independent fixed-point search over the city tables.

The reference below reads only the five tables of a synthetic city (no compiled arrays,
no impact code): it grows the set of supplied nodes from the active sources by a plain
breadth-first search, re-evaluates every dependency, and repeats until nothing changes
(the least fixed point of the rule in docs/architecture.md). Switch and valve states are flipped at
random before the comparison, so open ties, open valves and element switches are
exercised as well as damage.
"""

from __future__ import annotations

from collections import defaultdict, deque
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from warmgrid.impact import Damage, assess
from warmgrid.model import City, compile_city
from warmgrid.model.synth import synthetic_city

TABLE_NAMES = ("nodes", "branches", "sources", "buildings", "dependencies")


def reference_supplied(city: City, damaged: set[str]) -> set[str]:
    """Ids of the nodes with service, by repeated breadth-first search over the tables.

    A branch joins every pair of its ends (a three-winding transformer joins each pair
    of its three sides, as pandapower's topology graph does); a pair is usable when the
    branch is in service, closed, undamaged, its dependencies are served, no element
    switch guarding it is open or damaged, and neither end of the pair is damaged.
    """
    needs: dict[str, list[str]] = defaultdict(list)
    for dep in city.dependencies.itertuples():
        needs[dep.asset].append(dep.node)
    cut: set[str] = set()
    pairs: list[tuple[str, str, str]] = []
    for br in city.branches.itertuples():
        if br.guards:
            if br.id in damaged or (br.in_service and not br.closed):
                cut.add(br.guards)
            continue
        if not (br.in_service and br.closed) or br.id in damaged:
            continue
        ends = [end for end in (br.from_node, br.to_node, br.third_node) if end]
        pairs += [(br.id, a, b) for i, a in enumerate(ends) for b in ends[i + 1 :]]
    usable_pairs = [
        (asset, a, b)
        for asset, a, b in pairs
        if asset not in cut and a not in damaged and b not in damaged
    ]
    sources = [
        (s.id, s.node)
        for s in city.sources.itertuples()
        if s.in_service and s.id not in damaged and s.node not in damaged
    ]
    supplied: set[str] = set()
    while True:

        def met(asset: str, supplied: set[str] = supplied) -> bool:
            return all(node in supplied for node in needs[asset])

        adjacency: dict[str, list[str]] = defaultdict(list)
        for asset, a, b in usable_pairs:
            if met(asset):
                adjacency[a].append(b)
                adjacency[b].append(a)
        reached = {node for ident, node in sources if met(ident)}
        queue = deque(reached)
        while queue:
            for other in adjacency[queue.popleft()]:
                if other not in reached:
                    reached.add(other)
                    queue.append(other)
        if reached == supplied:
            return supplied
        supplied = reached


@cache
def base_city(n: int, seed: int) -> City:
    return synthetic_city(n, seed=seed)


def with_flipped_switches(city: City, flips: list[int]) -> City:
    branches = city.branches.copy()
    switchable = branches.index[branches["kind"].isin(["switch", "valve"])]
    for k in flips:
        row = switchable[k % len(switchable)]
        branches.loc[row, "closed"] = not branches.loc[row, "closed"]
    tables = {t: city.table(t) for t in TABLE_NAMES} | {"branches": branches}
    return City.from_tables(city.name, **tables)


def cascading_assets(city: City) -> list[str]:
    """Assets whose loss cascades: dependency nodes, what feeds them, transformers, sources."""
    dep_nodes = set(city.dependencies["node"])
    b = city.branches
    feeding = b[b["from_node"].isin(dep_nodes) | b["to_node"].isin(dep_nodes)]["id"]
    kinds = b[b["kind"].isin(["trafo", "trafo3w", "pump"])]["id"]
    return sorted(dep_nodes | set(feeding) | set(kinds) | set(city.sources["id"]))


def switching_assets(city: City) -> list[str]:
    """Switches and valves: element switches (breakers, sectioning valves) and ties."""
    b = city.branches
    return sorted(b.loc[b["kind"].isin(["switch", "valve"]), "id"])


@settings(max_examples=40)
@given(
    n=st.integers(1, 900),
    seed=st.integers(0, 3),
    flips=st.lists(st.integers(0, 10_000), max_size=4),
    data=st.data(),
)
def test_assess_equals_bruteforce_fixed_point(n, seed, flips, data) -> None:
    city = with_flipped_switches(base_city(n, seed), flips)
    every = city.asset_ids().tolist()
    damaged = data.draw(st.sets(st.sampled_from(cascading_assets(city)), min_size=1, max_size=3))
    damaged |= data.draw(st.sets(st.sampled_from(switching_assets(city)), max_size=2))
    damaged |= data.draw(st.sets(st.sampled_from(every), max_size=3))
    result = assess(compile_city(city), Damage(asset_ids=sorted(damaged)))

    supplied = reference_supplied(city, damaged)
    nodes = city.nodes
    for service, got in result.unsupplied().items():
        expected = set(nodes.loc[(nodes["network"] == service) & ~nodes["id"].isin(supplied), "id"])
        assert set(got) == expected, service
    buildings = city.buildings
    for column, lacking in (
        ("power_node", result.building_without_power),
        ("heat_node", result.building_without_heat),
    ):
        expected = (buildings[column] != "") & ~buildings[column].isin(supplied)
        assert (lacking == expected.to_numpy()).all(), column


def test_reference_sees_the_chp_cascade() -> None:
    """The oracle itself: cutting a CHP's own needs leaves its heat header unsupplied."""
    city = base_city(600, 0)
    plant = city.sources[city.sources["kind"] == "heat_plant"].iloc[0]
    own = city.dependencies.loc[city.dependencies["asset"] == plant["id"], "node"].iloc[0]
    supplied_before = reference_supplied(city, set())
    assert supplied_before == set(city.nodes["id"])
    supplied_after = reference_supplied(city, {own})
    assert plant["node"] not in supplied_after
    assert own not in supplied_after
