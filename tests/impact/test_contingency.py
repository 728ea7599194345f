"""Counts of many damage sets from the dominator tree and blocks, against the full impact
engine (``assess_mask``) scenario by scenario."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from random_cities import random_city

from warmgrid.impact.assess import assess_mask
from warmgrid.impact.contingency import ContingencyCounts, impact_counts
from warmgrid.model import compile_city
from warmgrid.model.compile import CompiledCity
from warmgrid.model.demo import demo_city


def _engine(compiled: CompiledCity, rows: np.ndarray) -> np.ndarray:
    """The oracle: one full propagation per row."""
    out = []
    for row in rows:
        damaged = np.zeros(compiled.n_assets, dtype=bool)
        damaged[row[row >= 0]] = True
        out.append(impact_counts(assess_mask(compiled, damaged)))
    return np.array(out)


def _random_rows(n_assets: int, k: int, count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rows = np.array([rng.choice(n_assets, size=k, replace=False) for _ in range(count)])
    rows[rng.random(count) < 0.1, -1] = -1  # some shorter rows, padded
    return rows


def _block_rows(counts: ContingencyCounts, compiled: CompiledCity, limit: int) -> np.ndarray:
    """Pairs of assets whose vertices both lie in one block (the part that needs a
    connected-components pass), at most ``limit``."""
    blocks = counts.blocks.of_vertex[np.maximum(counts.vertex, 0)]
    in_block = np.flatnonzero((counts.vertex >= 0) & (blocks >= 0))
    pairs = [
        (a, b)
        for i, a in enumerate(in_block)
        for b in in_block[i + 1 :]
        if blocks[a] == blocks[b] and counts.vertex[a] != counts.vertex[b]
    ]
    rng = np.random.default_rng(0)
    chosen = rng.permutation(len(pairs))[:limit]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)[chosen]


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 4))
def test_counts_equal_the_impact_engine_on_random_cities(seed, k):
    """Meshed power and heat graphs, open switches, out-of-service elements, guards and
    dependencies across networks (cascades)."""
    compiled = compile_city(random_city(seed))
    rows = _random_rows(compiled.n_assets, k, 30, seed)
    got = ContingencyCounts.of(compiled).counts(rows)
    assert np.array_equal(got, _engine(compiled, rows))


def test_counts_equal_the_impact_engine_on_the_demo_city():
    compiled = compile_city(demo_city())
    counts = ContingencyCounts.of(compiled)
    inside = _block_rows(counts, compiled, 100)
    assert len(inside) > 10
    rows = np.concatenate([_random_rows(compiled.n_assets, 2, 300, 1), inside])
    assert np.array_equal(counts.counts(rows), _engine(compiled, rows))


@pytest.fixture(scope="module")
def meshed_grid() -> CompiledCity:
    """A SimBench high-voltage grid: meshed, one block of over 400 vertices."""
    from warmgrid.model.io.pandapower_io import city_from_simbench

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compile_city(city_from_simbench("1-HV-urban--0-sw"))


def test_counts_equal_the_impact_engine_on_a_meshed_simbench_grid(meshed_grid):
    counts = ContingencyCounts.of(meshed_grid)
    assert np.diff(counts.blocks.vertex_start).max() > 400
    inside = _block_rows(counts, meshed_grid, 300)
    rows = np.concatenate([_random_rows(meshed_grid.n_assets, 2, 300, 2), inside])
    got = counts.counts(rows)
    want = _engine(meshed_grid, rows)
    assert np.array_equal(got, want)
    base = counts.base[0]
    assert (want[len(rows) - len(inside) :, 0] > base).sum() > 10  # pairs in rings cut people
    assert (want[:, 0] > base).sum() > 50


def test_a_pair_inside_a_ring_cuts_off_more_than_each_alone(meshed_grid):
    """Two vertices of one block: neither alone cuts anyone off, both together do (the
    case that is not a union of single losses)."""
    counts = ContingencyCounts.of(meshed_grid)
    pairs = _block_rows(counts, meshed_grid, 300)
    singles = counts.counts(np.concatenate([pairs[:, :1], pairs[:, 1:]]))
    joint = counts.counts(pairs)
    alone = singles[: len(pairs)] + singles[len(pairs) :] - counts.base
    assert (joint[:, 0] > alone[:, 0]).sum() > 0


def _pairs_inside_blocks(counts: ContingencyCounts, count: int, seed: int) -> np.ndarray:
    """``count`` random pairs of assets on two vertices of one block."""
    blocks = counts.blocks.of_vertex[np.maximum(counts.vertex, 0)]
    in_block = np.flatnonzero((counts.vertex >= 0) & (blocks >= 0))
    rng = np.random.default_rng(seed)
    pairs = []
    while len(pairs) < count:
        first = rng.choice(in_block)
        mates = in_block[
            (blocks[in_block] == blocks[first]) & (counts.vertex[in_block] != counts.vertex[first])
        ]
        if mates.size:
            pairs.append((first, rng.choice(mates)))
    return np.array(pairs, dtype=np.int64)


@pytest.mark.slow
def test_counts_equal_the_impact_engine_on_the_simbench_complete_grid():
    """SimBench's complete grid (1-EHVHVMVLV-mixed-all-0-sw, the N-2 benchmark's grid):
    meshed at extra-high and high voltage, blocks of thousands of vertices. Random pairs,
    and pairs inside one block (a search of that block); about a minute."""
    from warmgrid.model.io.pandapower_io import city_from_simbench

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compiled = compile_city(city_from_simbench("1-EHVHVMVLV-mixed-all-0-sw"))
    counts = ContingencyCounts.of(compiled)
    assert np.diff(counts.blocks.vertex_start).max() > 1000
    inside = _pairs_inside_blocks(counts, 80, seed=5)
    rows = np.concatenate([_random_rows(compiled.n_assets, 2, 80, 6), inside])
    want = _engine(compiled, rows)
    assert np.array_equal(counts.counts(rows), want)
    assert (want[len(rows) - len(inside) :, 0] > counts.base[0]).any()  # rings cut people
