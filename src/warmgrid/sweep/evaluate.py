"""One block of scenarios → one result row per scenario (impact only).

A row counts, for the damage of one scenario, the people, buildings and critical
facilities (hospitals, schools, care homes) without power and without heat, as
:func:`warmgrid.impact.assess_mask` finds them. Rows depend only on the city and the
scenario, never on how the ensemble is split, so a sweep gives the same rows on one
process or on a cluster.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from warmgrid.impact.assess import assess_mask
from warmgrid.impact.screen import COUNT_COLUMNS
from warmgrid.model.compile import CompiledCity
from warmgrid.sweep.ensembles import NO_ASSET

ROW_COLUMNS = ("scenario", "assets", *COUNT_COLUMNS)


def _counts(compiled: CompiledCity, damaged: np.ndarray) -> list[int]:
    impact = assess_mask(compiled, damaged)
    people = compiled.building_population
    critical = compiled.building_critical
    power, heat = impact.building_without_power, impact.building_without_heat
    return [
        int(people[power].sum()),
        int(people[heat].sum()),
        int(power.sum()),
        int(heat.sum()),
        int((power & critical).sum()),
        int((heat & critical).sum()),
    ]


def evaluate_block(compiled: CompiledCity, first: int, assets: np.ndarray) -> pd.DataFrame:
    """Rows for the scenarios ``first, first + 1, …`` whose damaged assets are the rows of
    ``assets`` (asset indices padded with ``NO_ASSET``)."""
    ids = compiled.asset_ids.to_numpy()
    names, counts = [], []
    for row in assets:
        chosen = row[row != NO_ASSET]
        damaged = np.zeros(compiled.n_assets, dtype=bool)
        damaged[chosen] = True
        names.append(ids[chosen].tolist())
        counts.append(_counts(compiled, damaged))
    table = np.asarray(counts, dtype=np.int64).reshape(len(counts), len(COUNT_COLUMNS))
    frame = pd.DataFrame(table, columns=list(COUNT_COLUMNS))
    frame.insert(0, "assets", pd.Series(names, dtype=object))
    frame.insert(0, "scenario", np.arange(first, first + len(assets), dtype=np.int64))
    return frame
