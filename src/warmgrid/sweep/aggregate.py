"""A sweep's rows → the ensemble's summary and the asset risk ranking.

An asset's expected loss is the mean, over the scenarios that damage it, of what those
scenarios leave without service (the conditional expectation given the asset is lost).
For single-asset scenarios it is exactly what the asset's loss alone costs, the N-1
screening of :func:`warmgrid.impact.screen.screen_n1`. Its contribution is its share of
the ensemble's mean people-hours below 12 °C: each scenario's people-hours split equally
among the assets it damages, summed over the scenarios that damage the asset and divided
by the number of scenarios, so the contributions of all assets add up to the ensemble's
mean. Assets are ranked by their expected people-hours below 12 °C.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from warmgrid.model.compile import CompiledCity
from warmgrid.sweep.evaluate import METRICS

PERCENTILE = 95.0


def cold_metric(rows: pd.DataFrame) -> str:
    """The figure assets are ranked by: people-hours below 12 °C under the plan, else with
    no repair, else (impact-only rows) people without heat."""
    for column in ("people_hours_below_12c", "people_hours_below_12c_no_repair"):
        if column in rows.columns:
            return column
    return "people_without_heat"


def _metrics(rows: pd.DataFrame) -> list[str]:
    return [column for column in METRICS if column in rows.columns]


def _figure(values: np.ndarray, reduce: str) -> float | None:
    """A NaN-ignoring mean, 95th percentile or maximum; None when no value is known."""
    known = values[~np.isnan(values)]
    if not known.size:
        return None
    if reduce == "mean":
        return float(known.mean())
    if reduce == "p95":
        return float(np.percentile(known, PERCENTILE))
    return float(known.max())


def summarise(rows: pd.DataFrame) -> dict[str, dict[str, float | None]]:
    """Per metric: the mean and the 95th percentile (linear interpolation) over the
    scenarios, and the worst scenario (NaN values, e.g. no plan, left out); and the share
    of scenarios whose heat network misses its drain deadline."""
    out: dict[str, dict[str, float | None]] = {
        column: {
            reduce: _figure(rows[column].to_numpy(dtype=np.float64), reduce)
            for reduce in ("mean", "p95", "max")
        }
        for column in _metrics(rows)
    }
    if "drain_deadline_met" in rows.columns:
        missed = ~rows["drain_deadline_met"].to_numpy(dtype=bool)
        out["drain_deadline_missed"] = {"share": float(missed.mean()) if missed.size else 0.0}
    return out


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
    ``scenarios`` (how many damage it), ``expected_<metric>`` for every metric and
    ``contribution_<cold metric>``; worst first by expected people-hours below 12 °C, then
    people without heat, then without power, then critical facilities without either, then
    the order of the city's tables (impact-only rows: people without heat first)."""
    metrics = _metrics(rows)
    cold = cold_metric(rows)
    size = rows["assets"].map(len).to_numpy()
    share = rows[cold].to_numpy(dtype=np.float64) / np.maximum(size, 1)
    hits = (
        rows[["assets", *metrics]].assign(_share=share).explode("assets").dropna(subset=["assets"])
    )
    grouped = hits.groupby("assets", sort=False)
    means = grouped[metrics].mean().add_prefix("expected_")
    means[f"contribution_{cold}"] = grouped["_share"].sum() / max(len(rows), 1)
    means["scenarios"] = grouped.size()
    table = _asset_labels(compiled).merge(
        means, left_on="id", right_index=True, how="inner", validate="one_to_one"
    )
    critical = table["expected_critical_without_heat"] + table["expected_critical_without_power"]
    table = table.assign(_critical=critical).sort_values(
        [
            f"expected_{cold}",
            "expected_people_without_heat",
            "expected_people_without_power",
            "_critical",
            "order",
        ],
        ascending=[False, False, False, False, True],
        kind="stable",
    )
    return table.drop(columns=["_critical", "order"]).reset_index(drop=True)
