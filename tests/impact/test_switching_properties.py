"""Properties of switching before repair: it never darkens what is lit, and it never
closes a tie that would load a branch beyond its rating (radial loads recomputed here by
cutting each branch and summing what lies beyond it)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from random_cities import random_city, random_damage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from warmgrid.impact import assess_mask
from warmgrid.impact.flows import POWER_FACTOR
from warmgrid.impact.switching import propose_switching
from warmgrid.model import City, compile_city
from warmgrid.model.builder import CityBuilder


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), hits=st.integers(1, 4))
def test_switching_never_darkens_a_lit_building(seed: int, hits: int) -> None:
    city = random_city(seed)
    rng = np.random.default_rng(seed)
    city.buildings["peak_kw"] = np.where(
        rng.random(len(city.buildings)) < 0.2, np.nan, rng.uniform(10, 500, len(city.buildings))
    )
    city.branches["rating_mva"] = rng.uniform(0.05, 2.0, len(city.branches))
    compiled = compile_city(city)
    before = assess_mask(compiled, random_damage(compiled.n_assets, seed, hits))
    plan = propose_switching(before)
    after = plan.after
    assert not (before.state.node_supplied & ~after.state.node_supplied).any()
    assert not (after.building_without_power & ~before.building_without_power).any()
    assert not (after.building_without_heat & ~before.building_without_heat).any()
    restored = np.zeros(len(city.buildings), dtype=bool)
    for step in plan.steps:
        assert not restored[step.building_index].any()  # each building restored once
        restored[step.building_index] = True
    assert np.array_equal(restored, before.building_off_grid & ~after.building_off_grid)


def _radial_city(seed: int) -> City:
    """A substation with three radial feeders of switched cable sections, random
    ratings and loads, and normally open ties between random nodes of two feeders."""
    rng = np.random.default_rng(seed)
    city = CityBuilder(f"radial-{seed}")
    head = city.node("power", 0.0, 0.0)
    city.source("power", "ext_grid", head, 1000.0)
    feeders = []
    for f in range(3):
        previous, nodes = head, []
        for k in range(int(rng.integers(2, 6))):
            node = city.node("power", 0.01 * f, 0.01 * (k + 1))
            cable = city.branch(
                "power", "line", previous, node, rating_mva=float(rng.uniform(0.5, 6.0))
            )
            city.branch("power", "switch", node, guards=cable)
            for _ in range(int(rng.integers(1, 3))):
                city.building(
                    lon=0.01 * f,
                    lat=0.01 * (k + 1),
                    population=int(rng.integers(1, 200)),
                    power_node=node,
                    peak_kw=float(rng.uniform(50, 800)),
                )
            nodes.append(node)
            previous = node
        feeders.append(nodes)
    for a in range(3):  # from every feeder's end to a node of another feeder
        b = (a + int(rng.integers(1, 3))) % 3
        ends = (feeders[a][-1], feeders[b][int(rng.integers(len(feeders[b])))])
        city.branch("power", "switch", *ends, closed=False)
    return city.build()


def _loads_beyond_mva(after: object) -> np.ndarray:
    """Per line: the peak load of the lit buildings cut off from the source when that
    line alone is removed, MVA (cos φ of warmgrid's screen)."""
    compiled = after.compiled
    n = compiled.n_nodes
    lit = after.state.node_supplied
    active = after.state.branch_active[compiled.edge_branch] & lit[compiled.edge_u]
    kw = compiled.city.buildings["peak_kw"].to_numpy(float)
    node = compiled.building_power_node
    node_kw = np.bincount(node[lit[node]], weights=kw[lit[node]], minlength=n)
    source = compiled.source_node[0]
    out = np.zeros(compiled.n_branches)
    for e in np.flatnonzero(active):
        keep = active.copy()
        keep[e] = False
        graph = coo_matrix(
            (np.ones(int(keep.sum())), (compiled.edge_u[keep], compiled.edge_v[keep])),
            shape=(n, n),
        )
        comp = connected_components(graph, directed=False)[1]
        beyond = lit & (comp != comp[source])
        out[compiled.edge_branch[e]] = node_kw[beyond].sum() / 1000.0 / POWER_FACTOR
    return out


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_tie_never_overloads_a_branch(seed: int) -> None:
    city = _radial_city(seed)
    compiled = compile_city(city)
    lines = np.flatnonzero((city.branches["kind"] == "line").to_numpy())
    damaged = np.zeros(compiled.n_assets, dtype=bool)
    damaged[compiled.n_nodes + lines[seed % lines.size]] = True
    before = assess_mask(compiled, damaged)
    plan = propose_switching(before)
    rating = city.branches["rating_mva"].to_numpy(float)  # switches: none
    after = _loads_beyond_mva(plan.after)
    grew = (after > _loads_beyond_mva(before) + 1e-9) & np.isfinite(rating)
    assert (after[grew] <= rating[grew] + 1e-9).all()
    for step in plan.steps:
        assert step.unknown_ratings == () and step.unknown_load_buildings == 0
