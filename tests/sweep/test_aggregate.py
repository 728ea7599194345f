"""The summary and the ranking computed from the Parquet columns (asset indices and
figure arrays, no row decoded into Python objects) against pandas over every row: the
conditional means by exploding each scenario's asset list and grouping, the percentiles
by numpy over the rows."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warmgrid.impact.screen import COUNT_COLUMNS
from warmgrid.sweep import store
from warmgrid.sweep.aggregate import PERCENTILE, rank_assets, summarise
from warmgrid.sweep.evaluate import METRICS, PLAN_COLUMNS
from warmgrid.sweep.table import read_table


def random_rows(ids: np.ndarray, scenarios: int, seed: int) -> pd.DataFrame:
    """Rows as a full-chain sweep writes them: 1–4 distinct assets among the first 40 of
    the city, integer-valued figures (so sums are exact whatever their order), some last
    homes back unknown (NaN)."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 5, scenarios)
    assets = [list(rng.choice(ids[:40], size=k, replace=False)) for k in sizes]
    frame = pd.DataFrame(
        {column: rng.integers(0, 500, scenarios) for column in COUNT_COLUMNS}
        | {column: rng.integers(0, 5000, scenarios).astype(np.float64) for column in PLAN_COLUMNS}
    )
    frame.loc[rng.random(scenarios) < 0.2, "last_home_back_h"] = np.nan
    frame["drain_deadline_h"] = rng.integers(1, 100, scenarios).astype(np.float64)
    frame["drain_deadline_met"] = rng.random(scenarios) < 0.7
    frame.insert(0, "assets", pd.Series(assets, dtype=object))
    frame.insert(0, "scenario", np.arange(scenarios, dtype=np.int64))
    return frame


def pandas_ranking(rows: pd.DataFrame) -> pd.DataFrame:
    """Per asset: NaN-ignoring means over the scenarios that damage it, the contribution
    (each scenario's people-hours split equally among its assets, ÷ scenarios) and the
    count; by pandas' explode and groupby."""
    cold = "people_hours_below_12c"
    hits = rows.assign(_share=rows[cold] / rows["assets"].map(len)).explode("assets")
    grouped = hits.groupby("assets")
    table = grouped[list(METRICS)].mean().add_prefix("expected_")
    table[f"contribution_{cold}"] = grouped["_share"].sum() / len(rows)
    table["scenarios"] = grouped.size()
    return table


def chunked(rows: pd.DataFrame, out: Path, chunk_size: int) -> int:
    """Write ``rows`` as the sweep does (Parquet bytes per chunk); the number of chunks."""
    chunks = -(-len(rows) // chunk_size)
    for chunk in range(chunks):
        part = rows.iloc[chunk * chunk_size : (chunk + 1) * chunk_size].reset_index(drop=True)
        store.write_chunk(out, chunk, store.encode_rows(part))
    return chunks


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), scenarios=st.integers(1, 300), chunk=st.integers(1, 120))
def test_aggregates_from_columns_equal_pandas_over_every_row(compiled, seed, scenarios, chunk):
    rows = random_rows(compiled.asset_ids.to_numpy(), scenarios, seed)
    with tempfile.TemporaryDirectory() as folder:
        table = read_table(Path(folder), chunked(rows, Path(folder), chunk), compiled)
    ranking = rank_assets(compiled, table)
    oracle = pandas_ranking(rows).loc[ranking["id"]]
    contribution = "contribution_people_hours_below_12c"
    for column in oracle.columns.drop(contribution):  # integer-valued sums: exact
        assert np.array_equal(
            ranking[column].to_numpy(), oracle[column].to_numpy(), equal_nan=True
        ), column
    assert np.allclose(ranking[contribution], oracle[contribution], rtol=1e-12, atol=0)
    assert set(ranking["id"]) == set(rows["assets"].explode())
    summary = summarise(table)
    for column in METRICS:
        values = rows[column].dropna().to_numpy(dtype=np.float64)
        if not values.size:
            assert summary[column] == {"mean": None, "p95": None, "max": None}
            continue
        assert summary[column]["mean"] == pytest.approx(values.mean(), rel=1e-12)
        assert summary[column]["p95"] == np.percentile(values, PERCENTILE)
        assert summary[column]["max"] == values.max()
    missed = 1 - rows["drain_deadline_met"].mean()
    assert summary["drain_deadline_missed"]["share"] == pytest.approx(missed)


def test_the_written_chunk_is_the_file_pandas_writes(city, tmp_path: Path):
    """The bytes a worker encodes read back as the rows, with the schema ``to_parquet``
    gives (pandas metadata included)."""
    from warmgrid.sweep.engine import encoded_block
    from warmgrid.sweep.ensembles import sampled_nk
    from warmgrid.sweep.evaluate import evaluate_block

    assets = sampled_nk(city.compiled, 2, 30, seed=2).assets
    rows = evaluate_block(city, 5, assets)
    store.write_chunk(tmp_path, 0, encoded_block(city, 5, assets))
    rows.to_parquet(tmp_path / "pandas.parquet", index=False)
    written = pd.read_parquet(store.chunk_path(tmp_path, 0))
    pd.testing.assert_frame_equal(written, pd.read_parquet(tmp_path / "pandas.parquet"))
    pd.testing.assert_frame_equal(written.drop(columns="assets"), rows.drop(columns="assets"))
    assert written["assets"].map(list).tolist() == rows["assets"].tolist()
