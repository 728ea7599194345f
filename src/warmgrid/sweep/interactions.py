"""True N-2 interactions: pairs of assets whose joint loss is much worse than the sum of
each loss alone.

The classic case is redundancy: two parallel feeders, either of which carries the load,
cost nothing alone and a district together. A pair ``(a, b)`` interacts when

    joint − (alone_a + alone_b) ≥ RATIO × (alone_a + alone_b)   and
    joint − (alone_a + alone_b) ≥ MIN_EXCESS,

on the people-hours below 12 °C of the sweep's rows (or any other figure of a row). The
relative test says "much worse" (``RATIO`` = 0.5: half as bad again as the two losses
added); the absolute floor keeps pairs whose losses are tiny from counting (``MIN_EXCESS``
= 1,000 people-hours: about 40 people for a day below 12 °C). Both are warmgrid's planning
choices, not a norm, and can be set per call. On impact-only rows the figure is people
without heat and the floor :data:`MIN_EXCESS_PEOPLE` = 40 people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from warmgrid.sweep.table import SweepTable

RATIO = 0.5
MIN_EXCESS = 1000.0
MIN_EXCESS_PEOPLE = 40.0


def min_excess_for(metric: str) -> float:
    """The absolute floor of the excess for ``metric`` (people-hours or people)."""
    return MIN_EXCESS if metric.startswith("people_hours") else MIN_EXCESS_PEOPLE


def pair_assets(table: SweepTable) -> np.ndarray:
    """The asset indices found in the two-asset scenarios of ``table``, ascending."""
    return np.unique(table.assets[table.sizes == 2, :2])


def interactions(
    table: SweepTable,
    alone: np.ndarray,
    metric: str,
    ids: np.ndarray,
    *,
    ratio: float = RATIO,
    min_excess: float | None = None,
) -> pd.DataFrame:
    """The interacting pairs among the two-asset scenarios of ``table``, worst excess first.

    ``alone[i]`` is ``metric`` when asset ``i`` alone is lost (needed for the
    :func:`pair_assets`), ``ids[i]`` its id. Columns: ``first``, ``second`` (ids),
    ``joint``, ``alone_first``, ``alone_second``, ``excess`` (joint minus the sum) and
    ``ratio`` (excess ÷ the sum; inf when the sum is 0). ``min_excess`` defaults to
    :func:`min_excess_for` the metric.
    """
    floor = min_excess_for(metric) if min_excess is None else min_excess
    pairs = table.sizes == 2
    first, second = table.assets[pairs, 0], table.assets[pairs, 1]
    joint = table.figures[metric][pairs].astype(np.float64)
    a, b = alone[first], alone[second]
    excess = joint - (a + b)
    keep = (excess >= ratio * (a + b)) & (excess >= floor)
    a, b, excess = a[keep], b[keep], excess[keep]
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(a + b > 0, excess / (a + b), np.where(excess > 0, np.inf, 0.0))
    found = pd.DataFrame(
        {
            "first": ids[first[keep]],
            "second": ids[second[keep]],
            "joint": joint[keep],
            "alone_first": a,
            "alone_second": b,
            "excess": excess,
            "ratio": relative,
        }
    )
    return found.sort_values(
        ["excess", "first", "second"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
