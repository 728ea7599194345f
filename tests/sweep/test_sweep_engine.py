"""The sweep in this process: the N-1 oracle, chunked resume, and the output folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from warmgrid.errors import InputError
from warmgrid.impact.assess import assess_mask
from warmgrid.impact.screen import COUNT_COLUMNS, screen_n1
from warmgrid.scenario.run import cool_down
from warmgrid.scenario.spec import demo_scenario
from warmgrid.sweep import store
from warmgrid.sweep.aggregate import rank_assets, summarise
from warmgrid.sweep.city import COLD_C
from warmgrid.sweep.engine import run_sweep
from warmgrid.sweep.ensembles import Ensemble, candidates, every_pair, sampled_nk
from warmgrid.sweep.table import SweepTable, read_table


def read_rows(out: Path) -> pd.DataFrame:
    """Every chunk file's rows, in chunk order."""
    frames = [pd.read_parquet(path) for path in sorted(out.glob("chunk-*.parquet"))]
    return pd.concat(frames, ignore_index=True)


def sweep_rows(city, ensemble: Ensemble, out: Path, chunk_size: int = 64) -> pd.DataFrame:
    run_sweep(city, ensemble, out, chunk_size)
    return read_rows(out)


def sweep_table(city, ensemble: Ensemble, out: Path) -> SweepTable:
    run = run_sweep(city, ensemble, out, 64)
    return read_table(out, run.chunks, city.compiled)


def test_single_asset_ranking_equals_n1_screening(compiled, city, tmp_path: Path):
    """Every in-play asset lost alone: the expected losses are the dominator-based N-1
    screening's, asset by asset, and the order is the screening's under the same key."""
    ensemble = Ensemble("list", candidates(compiled)[:, None])
    ranking = rank_assets(compiled, sweep_table(city, ensemble, tmp_path))
    oracle = screen_n1(compiled).set_index("id").loc[ranking["id"]]
    for column in COUNT_COLUMNS:
        assert np.array_equal(ranking[f"expected_{column}"].to_numpy(), oracle[column].to_numpy())
    assert (ranking["scenarios"] == 1).all()
    critical = oracle["critical_without_heat"] + oracle["critical_without_power"]
    heat, power = oracle["people_without_heat"].to_numpy(), oracle["people_without_power"]
    cold = ranking["expected_people_hours_below_12c"].to_numpy()
    keys = list(zip(-cold, -heat, -power.to_numpy(), -critical.to_numpy(), strict=True))
    assert keys == sorted(keys)
    assert ranking["expected_people_without_heat"].iat[0] > 0


def test_sampled_single_asset_ranking_matches_n1_where_sampled(compiled, city, tmp_path: Path):
    ranking = rank_assets(compiled, sweep_table(city, sampled_nk(compiled, 1, 300, 3), tmp_path))
    oracle = screen_n1(compiled).set_index("id").loc[ranking["id"]]
    assert np.array_equal(
        ranking["expected_people_without_heat"].to_numpy(),
        oracle["people_without_heat"].to_numpy(),
    )
    assert ranking["scenarios"].sum() == 300


def test_pairs_lose_at_least_each_asset_alone(compiled, city, tmp_path: Path):
    pool = candidates(compiled)[:24]
    first, second = np.triu_indices(pool.size, k=1)
    pairs = Ensemble("list", np.column_stack([pool[first], pool[second]]))
    rows = sweep_rows(city, pairs, tmp_path / "pairs")
    alone = screen_n1(compiled).set_index("id")["people_without_heat"]
    ids = compiled.asset_ids.to_numpy()
    worst_alone = np.maximum(
        alone.loc[ids[pool[first]]].to_numpy(), alone.loc[ids[pool[second]]].to_numpy()
    )
    assert (rows["people_without_heat"].to_numpy() >= worst_alone).all()
    assert every_pair(compiled).size > len(rows)


def test_summary_is_the_mean_and_95th_percentile(compiled, city, tmp_path: Path):
    rows = sweep_table(city, sampled_nk(compiled, 3, 200, 5), tmp_path)
    figures = summarise(rows)["people_without_heat"]
    values = np.sort(rows.figures["people_without_heat"])
    assert figures["mean"] == pytest.approx(values.mean())
    assert values[int(0.95 * (len(values) - 1))] <= figures["p95"] <= values[-1]
    assert figures["max"] == values[-1]


def test_resume_computes_only_the_missing_chunks(compiled, city, tmp_path: Path):
    ensemble = sampled_nk(compiled, 2, 250, 11)
    whole = sweep_rows(city, ensemble, tmp_path, chunk_size=50)
    assert sorted(p.name for p in tmp_path.glob("chunk-*")) == [
        f"chunk-{n:06d}.parquet" for n in range(5)
    ]
    store.chunk_path(tmp_path, 1).unlink()
    store.chunk_path(tmp_path, 4).unlink()
    done: list[int] = []
    run = run_sweep(city, ensemble, tmp_path, 50, on_chunk=done.append)
    assert (run.computed, run.skipped) == (2, 3)
    assert done == [50, 50]
    pd.testing.assert_frame_equal(read_rows(tmp_path), whole)
    assert not list(tmp_path.glob(".*tmp"))


def test_another_sweep_into_the_same_folder_is_refused(compiled, city, tmp_path: Path):
    run_sweep(city, sampled_nk(compiled, 2, 20, 1), tmp_path, 10)
    with pytest.raises(InputError, match="ensemble_fingerprint"):
        run_sweep(city, sampled_nk(compiled, 2, 20, 2), tmp_path, 10)
    with pytest.raises(InputError, match="chunk_size"):
        run_sweep(city, sampled_nk(compiled, 2, 20, 1), tmp_path, 5)


def test_people_hours_below_12c_equal_the_pipelines_cool_down(compiled, city, tmp_path: Path):
    """The per-building cool-down done once equals the scenario pipeline's cool-down of
    just the buildings a scenario leaves without heat."""
    scenario = demo_scenario()
    ensemble = sampled_nk(compiled, 2, 12, seed=9)
    rows = sweep_rows(city, ensemble, tmp_path)
    cold_rows = 0
    no_repair = rows["people_hours_below_12c_no_repair"]
    for assets, people_hours in zip(ensemble.assets, no_repair, strict=True):
        damaged = np.zeros(compiled.n_assets, dtype=bool)
        damaged[assets] = True
        impact = assess_mask(compiled, damaged)
        expected = cool_down(scenario, compiled.city, impact).people_hours[COLD_C]
        assert people_hours == pytest.approx(expected, rel=1e-9, abs=1e-6)
        cold_rows += expected > 0
    assert cold_rows > 0
