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

from collections.abc import Collection

import numpy as np
import pandas as pd

from warmgrid.model.compile import CompiledCity
from warmgrid.sweep.ensembles import NO_ASSET
from warmgrid.sweep.evaluate import METRICS
from warmgrid.sweep.table import SweepTable

PERCENTILE = 95.0


def cold_metric(columns: Collection[str]) -> str:
    """The figure among ``columns`` that assets are ranked by: people-hours below 12 °C
    under the plan, else with no repair, else (impact-only rows) people without heat."""
    for column in ("people_hours_below_12c", "people_hours_below_12c_no_repair"):
        if column in columns:
            return column
    return "people_without_heat"


def _metrics(columns: Collection[str]) -> list[str]:
    return [column for column in METRICS if column in columns]


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


def summarise(table: SweepTable) -> dict[str, dict[str, float | None]]:
    """Per metric: the mean and the 95th percentile (linear interpolation) over the
    scenarios, and the worst scenario (NaN values, e.g. no plan, left out); and the share
    of scenarios whose heat network misses its drain deadline."""
    figures = table.figures
    out: dict[str, dict[str, float | None]] = {
        column: {
            reduce: _figure(figures[column].astype(np.float64), reduce)
            for reduce in ("mean", "p95", "max")
        }
        for column in _metrics(figures)
    }
    if "drain_deadline_met" in figures:
        missed = ~figures["drain_deadline_met"].astype(bool)
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


def _per_asset_mean(hit: np.ndarray, values: np.ndarray, n_assets: int) -> np.ndarray:
    """Per asset, the NaN-ignoring mean of ``values`` (one per hit) over its hits."""
    known = ~np.isnan(values)
    sums = np.bincount(hit[known], weights=values[known], minlength=n_assets)
    counts = np.bincount(hit[known], minlength=n_assets)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts


def rank_assets(compiled: CompiledCity, table: SweepTable) -> pd.DataFrame:
    """One row per asset damaged in some scenario: ``id``, ``name``, ``network``, ``kind``,
    ``expected_<metric>`` for every metric, ``contribution_<cold metric>`` and
    ``scenarios`` (how many damage it); worst first by expected people-hours below 12 °C,
    then people without heat, then without power, then critical facilities without
    either, then the order of the city's tables (impact-only rows: people without heat
    first). Per-asset sums over the hits (scenario, damaged asset) by ``np.bincount``."""
    figures, n_assets = table.figures, compiled.n_assets
    metrics, cold = _metrics(figures), cold_metric(figures)
    damaged = table.assets != NO_ASSET
    hit = table.assets[damaged]
    scenario = np.nonzero(damaged)[0]
    scenarios = np.bincount(hit, minlength=n_assets)
    ranked = scenarios > 0
    columns = {
        f"expected_{metric}": _per_asset_mean(
            hit, figures[metric].astype(np.float64)[scenario], n_assets
        )[ranked]
        for metric in metrics
    }
    share = np.nan_to_num(figures[cold].astype(np.float64)) / np.maximum(table.sizes, 1)
    contribution = np.bincount(hit, weights=share[scenario], minlength=n_assets)
    columns[f"contribution_{cold}"] = contribution[ranked] / max(table.scenarios, 1)
    columns["scenarios"] = scenarios[ranked]
    labels = _asset_labels(compiled)[ranked].reset_index(drop=True)
    ranking = pd.concat([labels, pd.DataFrame(columns)], axis=1)
    critical = (
        ranking["expected_critical_without_heat"] + ranking["expected_critical_without_power"]
    )
    ranking = ranking.assign(_critical=critical).sort_values(
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
    return ranking.drop(columns=["_critical", "order"]).reset_index(drop=True)
