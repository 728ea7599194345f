"""People-hours below 12 °C of a group's off-runs, from the cool-down engine.

The homes that lose heat when a group is off are those the impact engine says lose heat
when the group's branches open (electric heating, heat plants and pumps on its feeders),
beyond those the damage already left without heat. An off-run of a group from slot
``s`` for ``L`` slots costs the people-hours its homes spend below 12 °C from the run's
start to its end, simulated by :func:`warmgrid.thermal.city.city_cooldown` with the
scenario pipeline's default settings under the forecast from the run's start. A run
starts at the heating set point: the heating has had at least one slot to bring the air
back, and below 12 °C stops when the heat comes back (radiators and heaters at full
output warm the air within minutes). The cost of a schedule is the sum over its runs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from warmgrid.scenario.spec import CooldownSettings
from warmgrid.thermal.city import city_cooldown
from warmgrid.thermal.weather import Weather

COLD_C = 12.0
"""Below 12 °C indoors health risks rise sharply (WHO Regional Office for Europe, Housing,
energy and thermal comfort, 2007)."""


def _cumulative_hours_below(air_c: np.ndarray, step_h: float, threshold_c: float) -> np.ndarray:
    """Per building and instant, hours below ``threshold_c`` since the start (the
    temperature linear between instants, as :func:`warmgrid.thermal.cooldown.hours_below`)."""
    temps = air_c.astype(np.float64)
    first, second = temps[:, :-1], temps[:, 1:]
    low = np.minimum(first, second)
    span = np.abs(second - first)
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(
            span > 0,
            np.clip((threshold_c - low) / span, 0.0, 1.0),
            (low < threshold_c).astype(np.float64),
        )
    cumulative = np.cumsum(fraction, axis=1) * step_h
    return np.concatenate([np.zeros((temps.shape[0], 1)), cumulative], axis=1)


def run_costs(
    buildings: pd.DataFrame,
    members: list[np.ndarray],
    weather: Weather,
    edges_h: np.ndarray,
    settings: CooldownSettings,
) -> np.ndarray:
    """``cost[g, s, e]``: people-hours below 12 °C of group ``g`` off from slot ``s`` up to
    (not including) slot ``e`` (``e > s``; zero elsewhere). ``members[g]`` holds the rows
    of ``buildings`` that lose heat when group ``g`` is off; ``edges_h`` the slot edges
    (hours after the start, integers)."""
    n_slots = edges_h.size - 1
    cost = np.zeros((len(members), n_slots, n_slots + 1))
    rows = np.unique(np.concatenate([*members, np.zeros(0, np.int64)]))
    if rows.size == 0:
        return cost
    chosen = buildings.iloc[rows].reset_index(drop=True)
    people = chosen["population"].to_numpy(np.float64)
    local = [np.searchsorted(rows, m) for m in members]
    step_h = settings.step_min / 60.0
    for s in range(n_slots):
        start, hours = int(edges_h[s]), float(edges_h[-1] - edges_h[s])
        cool = city_cooldown(
            chosen,
            weather.window(start, int(np.ceil(hours))),
            hours=hours,
            step_h=step_h,
            start_temp_c=settings.set_point_c,
            thresholds_c=(COLD_C,),
            heating_radiative_fraction=settings.heating_radiative_fraction,
        )
        below = _cumulative_hours_below(cool.result.air_temp_c, step_h, COLD_C)
        at_edge = np.round((edges_h[s + 1 :] - edges_h[s]) / step_h).astype(np.int64)
        weighted = people[:, None] * below[:, np.minimum(at_edge, below.shape[1] - 1)]
        for g, rows_g in enumerate(local):
            cost[g, s, s + 1 :] = weighted[rows_g].sum(axis=0)
    return cost
