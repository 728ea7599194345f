"""Restoration groups against the brute-force definition: every subset of the damage.

On small random cities, every subset of the damaged assets is repaired in turn and
propagated (``assess_mask``). A group's ``needs`` must be one of the *minimal* subsets
that give every building of the group its service back (no proper subset does), and,
in the power network (where nothing depends on anything in these cities), the
cheapest of all sufficient subsets by repair cost, then by number of assets.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from random_cities import random_city, random_damage

from warmgrid.impact import assess_mask
from warmgrid.model import compile_city


def _sufficient_sets(compiled, damaged: np.ndarray, nodes: np.ndarray) -> list[frozenset[int]]:
    """Every subset of the damaged assets whose repair supplies all ``nodes``."""
    hit = np.flatnonzero(damaged).tolist()
    out = []
    for size in range(len(hit) + 1):
        for subset in combinations(hit, size):
            repaired = damaged.copy()
            repaired[list(subset)] = False
            if assess_mask(compiled, repaired).state.node_supplied[nodes].all():
                out.append(frozenset(subset))
    return out


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), hits=st.integers(1, 6))
def test_needs_are_a_minimal_sufficient_set_and_the_cheapest_in_power(seed: int, hits: int):
    compiled = compile_city(random_city(seed))
    damaged = random_damage(compiled.n_assets, seed, hits)
    cost = np.random.default_rng(seed + 1).integers(1, 6, compiled.n_assets).astype(float)
    result = assess_mask(compiled, damaged)
    costs = {str(compiled.asset_ids[a]): float(cost[a]) for a in np.flatnonzero(damaged)}
    for group in result.restoration_groups(costs):
        node_of = (
            compiled.building_power_node
            if group.service == "power"
            else (compiled.building_heat_node)
        )
        nodes = node_of[group.building_index]
        sufficient = _sufficient_sets(compiled, damaged, nodes)
        minimal = [s for s in sufficient if not any(o < s for o in sufficient)]
        needs = frozenset(compiled.asset_index(group.needs).tolist())
        assert needs in minimal
        if group.service == "power":

            def key(s: frozenset[int]) -> tuple[float, int]:
                return (sum(cost[a] for a in s), len(s))

            assert key(needs) == min(key(s) for s in sufficient)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), hits=st.integers(1, 6))
def test_buildings_left_out_are_exactly_those_no_repair_brings_back(seed: int, hits: int):
    compiled = compile_city(random_city(seed))
    damaged = random_damage(compiled.n_assets, seed, hits)
    result = assess_mask(compiled, damaged)
    everything = assess_mask(compiled, np.zeros_like(damaged)).state.node_supplied
    grouped = {(g.service, int(b)) for g in result.restoration_groups() for b in g.building_index}
    for service, node_of, lacking in (
        ("power", compiled.building_power_node, result.building_without_power),
        ("heat", compiled.building_heat_node, result.building_without_heat),
    ):
        for row in np.flatnonzero(lacking):
            assert ((service, int(row)) in grouped) == bool(everything[node_of[row]])


def test_the_cheaper_of_two_broken_ways_is_kept_even_when_it_is_one_costly_asset():
    """One line of 5 h against two lines of 3 h each: the group waits for the 5 h line."""
    from warmgrid.model.builder import CityBuilder

    city = CityBuilder("two-ways")
    grid, short, far, home = (city.node("power", 0.001 * k, 0.0) for k in range(4))
    city.source("power", "ext_grid", grid, 10.0)
    city.branch("power", "line", grid, short)
    direct = city.branch("power", "line", short, home)
    first = city.branch("power", "line", grid, far)
    second = city.branch("power", "line", far, home)
    city.building(lon=0.003, lat=0.0, population=10, power_node=home)
    compiled = compile_city(city.build())
    damaged = np.zeros(compiled.n_assets, bool)
    damaged[compiled.asset_index([direct, first, second])] = True
    groups = assess_mask(compiled, damaged).restoration_groups(
        {direct: 5.0, first: 3.0, second: 3.0}
    )
    assert [g.needs for g in groups] == [[direct]]
