"""One block of scenarios → one result row per scenario.

A row counts, for the damage of one scenario, the people, buildings and critical
facilities (hospitals, schools, care homes) without power and without heat, as
:func:`warmgrid.impact.assess_mask` finds them, and the people-hours below 12 °C within
the horizon if none of the buildings without heat gets it back (see
:mod:`warmgrid.sweep.city`). Rows depend only on the city and the
scenario, never on how the ensemble is split, so a sweep gives the same rows on one
process or on a cluster.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from warmgrid.impact.assess import assess_mask
from warmgrid.impact.screen import COUNT_COLUMNS
from warmgrid.sweep.city import SweepCity
from warmgrid.sweep.ensembles import NO_ASSET

METRICS = (*COUNT_COLUMNS, "people_hours_below_12c")


def _metrics(city: SweepCity, damaged: np.ndarray) -> list[float]:
    compiled = city.compiled
    impact = assess_mask(compiled, damaged)
    people = compiled.building_population
    critical = compiled.building_critical
    # counts as N-1 screening has them (grid supply); cold as the pipeline's cool-down
    power, heat = impact.building_off_grid, impact.building_heat_network_lost
    cold = impact.building_without_heat
    return [  # in the order of METRICS
        int(people[power].sum()),
        int(people[heat].sum()),
        int(power.sum()),
        int(heat.sum()),
        int((power & critical).sum()),
        int((heat & critical).sum()),
        int(people[power | heat].sum()),  # each person once
        float(people[cold] @ city.hours_below_cold[cold]),
    ]


def evaluate_block(city: SweepCity, first: int, assets: np.ndarray) -> pd.DataFrame:
    """Rows for the scenarios ``first, first + 1, …`` whose damaged assets are the rows of
    ``assets`` (asset indices padded with ``NO_ASSET``)."""
    ids = city.compiled.asset_ids.to_numpy()
    names, metrics = [], []
    for row in assets:
        chosen = row[row != NO_ASSET]
        damaged = np.zeros(city.compiled.n_assets, dtype=bool)
        damaged[chosen] = True
        names.append(ids[chosen].tolist())
        metrics.append(_metrics(city, damaged))
    table = np.asarray(metrics, dtype=np.float64).reshape(len(metrics), len(METRICS))
    frame = pd.DataFrame(table, columns=list(METRICS))
    frame = frame.astype({column: np.int64 for column in COUNT_COLUMNS})
    frame.insert(0, "assets", pd.Series(names, dtype=object))
    frame.insert(0, "scenario", np.arange(first, first + len(assets), dtype=np.int64))
    return frame
