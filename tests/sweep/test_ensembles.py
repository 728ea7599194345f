"""Scenario ensembles: seeded, distinct, complete, and read from users' files."""

from __future__ import annotations

import json
from math import comb
from pathlib import Path

import numpy as np
import pytest

from warmgrid.errors import InputError, WarmgridError
from warmgrid.sweep.ensembles import NO_ASSET, candidates, every_pair, from_file, sampled_nk


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_sampled_sets_are_seeded_sorted_distinct_and_in_play(compiled, k):
    first = sampled_nk(compiled, k, 500, seed=7)
    again = sampled_nk(compiled, k, 500, seed=7)
    other = sampled_nk(compiled, k, 500, seed=8)
    assert np.array_equal(first.assets, again.assets)
    assert not np.array_equal(first.assets, other.assets)
    assert first.assets.shape == (500, k)
    assert (np.diff(first.assets, axis=1) > 0).all()
    assert np.isin(first.assets, candidates(compiled)).all()


def test_sampling_covers_the_candidates_about_evenly(compiled):
    pool = candidates(compiled)
    counts = np.bincount(sampled_nk(compiled, 2, 20_000, seed=1).assets.ravel())[pool]
    expected = 2 * 20_000 / pool.size
    assert counts.min() > 0.6 * expected
    assert counts.max() < 1.4 * expected


def test_every_pair_is_each_unordered_pair_once(compiled):
    pool = candidates(compiled)
    pairs = every_pair(compiled).assets
    assert len(pairs) == comb(pool.size, 2)
    assert (pairs[:, 0] < pairs[:, 1]).all()
    assert len(np.unique(pairs, axis=0)) == len(pairs)


def test_json_and_csv_lists_give_the_same_scenarios(compiled, tmp_path: Path):
    sets = [["power.bus.6", "heat.pipe.3"], ["power.trafo.0"]]
    (tmp_path / "sets.json").write_text(json.dumps([sets[0], {"assets": sets[1]}]))
    csv_text = 'name,assets\na,"power.bus.6,heat.pipe.3"\nb,power.trafo.0\n'
    (tmp_path / "sets.csv").write_text(csv_text)
    from_json = from_file(compiled, tmp_path / "sets.json")
    from_csv = from_file(compiled, tmp_path / "sets.csv")
    assert np.array_equal(from_json.assets, from_csv.assets)
    ids = compiled.asset_ids.to_numpy()
    assert sorted(ids[from_json.assets[0]]) == sorted(sets[0])
    assert ids[from_json.assets[1, 0]] == "power.trafo.0"
    assert from_json.assets[1, 1] == NO_ASSET


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.csv", "assets\npower.bus.6\nno.such\n", "bad.csv, row 3: unknown asset id 'no.such'"),
        ("bad.csv", "ids\npower.bus.6\n", "'assets' column"),
        ("bad.json", '[["power.bus.6"], 5]', "item 2"),
        ("bad.json", "{", "cannot read JSON"),
        ("bad.json", "[]", "holds no damage sets"),
    ],
)
def test_bad_lists_name_the_file_and_row(compiled, tmp_path: Path, name, text, message):
    (tmp_path / name).write_text(text)
    with pytest.raises(WarmgridError, match=message):
        from_file(compiled, tmp_path / name)


def test_k_outside_one_to_four_is_refused(compiled):
    with pytest.raises(InputError, match="--k"):
        sampled_nk(compiled, 5, 10)
