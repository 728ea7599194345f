"""Warming-centre siting: CP-SAT and greedy against brute force over every M-subset,
counted scenario by scenario from the impact engine (not through the set reduction)."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warmgrid.errors import InputError
from warmgrid.geo import great_circle_m
from warmgrid.impact.assess import assess_mask
from warmgrid.model import compile_city
from warmgrid.model.compile import CompiledCity
from warmgrid.model.open import open_city
from warmgrid.sweep import centres
from warmgrid.sweep.blocks import map_blocks, split
from warmgrid.sweep.ensembles import NO_ASSET, sampled_nk


@pytest.fixture(scope="module")
def compiled() -> CompiledCity:
    """The demo city with a backup generator in every fifth of the schools and halls."""
    city = open_city("demo")
    buildings = city.buildings.copy()
    buildings.loc[buildings.index[::37], "backup_fuel_h"] = 48.0
    buildings.loc[buildings.index[::74], "backup_fuel_h"] = 6.0
    return compile_city(dataclasses.replace(city, buildings=buildings))


def brute_force(
    compiled: CompiledCity,
    rows: np.ndarray,
    candidates: np.ndarray,
    count: int,
    walk_m: float,
    min_backup_h: float,
) -> int:
    """The best total, over every ``count``-subset of the candidates, of the people
    without heat with an open chosen centre within ``walk_m``, scenario by scenario."""
    b = compiled.city.buildings
    lon, lat = b["lon"].to_numpy(), b["lat"].to_numpy()
    near = great_circle_m(lon[:, None], lat[:, None], lon[candidates], lat[candidates]) <= walk_m
    fuel = b["backup_fuel_h"].to_numpy()[candidates]
    backup = (fuel > 0) & (fuel >= min_backup_h)
    people = compiled.building_population
    states = []
    for row in rows:
        damaged = np.zeros(compiled.n_assets, dtype=bool)
        damaged[row[row != NO_ASSET]] = True
        impact = assess_mask(compiled, damaged)
        cold = impact.building_without_heat
        powered = ~impact.building_without_power
        states.append((cold, (powered & ~cold)[candidates] | backup))
    best = 0
    for chosen in itertools.combinations(range(candidates.size), count):
        total = 0
        for cold, open_now in states:
            usable = [c for c in chosen if open_now[c]]
            served = cold & near[:, usable].any(axis=1)
            total += int(people[served].sum())
        best = max(best, total)
    return best


def cover_of(compiled, rows, candidates, walk_m, min_backup_h=0.0) -> centres.Coverage:
    site = centres.siting(compiled, candidates, walk_m, min_backup_h)
    parts = map_blocks(centres.count_block, site, split(rows, 17))
    return centres.coverage(parts, candidates.size, rows.shape[0])


@pytest.mark.parametrize(("count", "walk_m", "min_backup_h"), [(1, 800.0, 0.0), (3, 600.0, 12.0)])
def test_cp_sat_equals_brute_force_on_the_demo_city(compiled, count, walk_m, min_backup_h):
    rows = sampled_nk(compiled, 2, 60, seed=9).assets
    rng = np.random.default_rng(2)
    candidates = np.sort(rng.choice(compiled.city.buildings.shape[0], 9, replace=False))
    candidates = np.union1d(candidates, np.flatnonzero(compiled.city.buildings["backup_fuel_h"]))
    cover = cover_of(compiled, rows, candidates, walk_m, min_backup_h)
    exact = centres.solve_exact(cover, count, time_limit_s=30)
    oracle = brute_force(compiled, rows, candidates, count, walk_m, min_backup_h)
    assert exact.optimal and exact.served == oracle == exact.bound
    assert cover.served(np.array(exact.chosen)) == oracle
    quick = centres.solve_greedy(cover, count)
    assert quick.served <= oracle <= quick.bound
    assert oracle > 0


def test_a_centre_counts_without_heat_only_with_its_own_backup():
    """Damage that leaves a school without heat: as a centre it serves nobody in that
    scenario, unless it has a backup generator; then it serves its cold neighbours."""
    city = open_city("demo")
    school = int(np.flatnonzero(city.buildings["id"] == "building.52")[0])
    served = []
    for fuel_h in (0.0, 24.0):
        buildings = city.buildings.copy()
        buildings.loc[buildings.index[school], "backup_fuel_h"] = fuel_h
        compiled = compile_city(dataclasses.replace(city, buildings=buildings))
        heat_node = buildings["heat_node"].iat[school]
        row = compiled.asset_index([heat_node])[None, :]
        cover = cover_of(compiled, row, np.array([school]), 1000.0)
        assert cover.people_without_heat > 0
        served.append(cover.served(np.array([0])))
    assert served[0] == 0 < served[1]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    candidates=st.integers(2, 8),
    count=st.integers(1, 4),
)
def test_greedy_is_within_its_bound_and_the_1_minus_1_over_e_guarantee(seed, candidates, count):
    count = min(count, candidates)
    rng = np.random.default_rng(seed)
    sets = rng.random((12, candidates)) < 0.3
    sets[~sets.any(axis=1), 0] = True
    cover = centres.Coverage(sets, rng.integers(1, 100, 12), 5, 2000)
    best = max(cover.served(np.array(c)) for c in itertools.combinations(range(candidates), count))
    quick = centres.solve_greedy(cover, count)
    assert len(set(quick.chosen)) == count
    assert (1 - 1 / np.e) * best <= quick.served <= best <= quick.bound
    exact = centres.solve_exact(cover, count, time_limit_s=10, hint=quick)
    assert exact.optimal and exact.served == best


def test_no_candidates_and_bad_counts_are_refused(compiled):
    demo = open_city("demo").buildings
    without_backup = demo.assign(backup_fuel_h=0.0)
    with pytest.raises(InputError, match="backup_fuel_h"):
        centres.candidate_buildings(without_backup)
    with pytest.raises(InputError, match=r"building\.nowhere"):
        centres.candidate_buildings(demo, ids=["building.nowhere"])
    with pytest.raises(InputError, match="--walk-m"):
        centres.siting(compiled, np.array([0]), 0.0)
    cover = centres.Coverage(np.ones((1, 2), dtype=bool), np.array([5]), 1, 5)
    with pytest.raises(InputError, match="--count"):
        centres.solve_greedy(cover, 3)
