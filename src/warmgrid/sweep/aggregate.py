"""A sweep's rows → the ensemble's summary and the asset risk ranking.

An asset's expected loss is the mean, over the scenarios that damage it, of what those
scenarios leave without service (the conditional expectation given the asset is lost).
For single-asset scenarios it is exactly what the asset's loss alone costs, the N-1
screening of :func:`warmgrid.impact.screen.screen_n1`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from warmgrid.model.compile import CompiledCity
from warmgrid.sweep.evaluate import METRICS

PERCENTILE = 95.0


def summarise(rows: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per metric: the mean and the 95th percentile (linear interpolation) over the
    scenarios, and the worst scenario."""
    return {
        column: {
            "mean": float(rows[column].mean()) if len(rows) else 0.0,
            "p95": float(np.percentile(rows[column], PERCENTILE)) if len(rows) else 0.0,
            "max": float(rows[column].max()) if len(rows) else 0.0,
        }
        for column in METRICS
    }


def _asset_labels(compiled: CompiledCity) -> pd.DataFrame:
    city = compiled.city
    tables = (city.nodes, city.branches, city.sources)
    return pd.DataFrame(
        {
            "id": compiled.asset_ids.to_numpy(),
            "name": np.concatenate([t["name"].astype(str).to_numpy() for t in tables]),
            "network": np.concatenate([t["network"].to_numpy() for t in tables]),
            "kind": np.concatenate([t["kind"].to_numpy() for t in tables]),
            "order": np.arange(compiled.n_assets),
        }
    )


def rank_assets(compiled: CompiledCity, rows: pd.DataFrame) -> pd.DataFrame:
    """One row per asset damaged in some scenario: ``id``, ``name``, ``network``, ``kind``,
    ``scenarios`` (how many damage it) and ``expected_<metric>`` for every metric;
    worst first by people without heat, then without power, then critical facilities
    without either, then the order of the city's tables."""
    hits = rows[["assets", *METRICS]].explode("assets").dropna(subset=["assets"])
    grouped = hits.groupby("assets", sort=False)
    means = grouped[list(METRICS)].mean().add_prefix("expected_")
    means["scenarios"] = grouped.size()
    table = _asset_labels(compiled).merge(
        means, left_on="id", right_index=True, how="inner", validate="one_to_one"
    )
    critical = table["expected_critical_without_heat"] + table["expected_critical_without_power"]
    table = table.assign(_critical=critical).sort_values(
        ["expected_people_without_heat", "expected_people_without_power", "_critical", "order"],
        ascending=[False, False, False, True],
        kind="stable",
    )
    return table.drop(columns=["_critical", "order"]).reset_index(drop=True)
