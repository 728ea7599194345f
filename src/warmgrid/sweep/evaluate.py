"""One block of scenarios → one result row per scenario, through the whole chain:
impact → cool-down → restoration plan.

A row counts, for the damage of one scenario, the people, buildings and critical
facilities (hospitals, schools, care homes) without power and without heat, as
:func:`warmgrid.impact.assess_mask` finds them. The restoration plan is the scenario
pipeline's (:func:`warmgrid.restore.from_city.problem_from_impact`, weighted by how soon
homes get cold as in :func:`warmgrid.scenario.run.restoration_plan`), solved by the
heuristic in its deterministic mode (an iteration budget and a seed), so rows depend
only on the city and the scenario, never on how the ensemble is split or on the load of
the machine. From the plan's restoration times and the flats' cool-down of
:class:`~warmgrid.sweep.city.SweepCity` a row gets:

- ``people_hours_below_12c``: Σ over the flats, people × hours from the flat's fall below
  12 °C until the plan gives the building its heat back (the horizon if never), as the
  scenario pipeline counts them (:mod:`warmgrid.thermal.people`); reheating after that is
  not counted;
- ``people_hours_below_12c_no_repair``: the same if nothing is repaired within the horizon;
- ``last_home_back_h``: hours until the last home (a building with people) that lost a
  service has every service back (0: none lost; NaN: no crews, so no plan);
- ``drain_deadline_h``: hours until the first stagnant heat pipe starts to freeze (inf:
  none does within the weather), and ``drain_deadline_met``: the plan gives every
  building its heat back, and so restarts circulation, before that deadline.

A sweep without plan (``SweepCity.with_plan`` false) has no ``people_hours_below_12c``,
``last_home_back_h`` and ``drain_deadline_met``; an impact-only one
(:meth:`SweepCity.impact_only`, for very large ensembles) has the counts only, computed
for a whole block at once by :class:`warmgrid.impact.contingency.ContingencyCounts`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from warmgrid.impact.assess import ImpactResult, assess_mask
from warmgrid.impact.contingency import impact_counts
from warmgrid.impact.screen import COUNT_COLUMNS
from warmgrid.impact.switching import propose_switching
from warmgrid.restore.from_city import building_etr_h, problem_from_impact
from warmgrid.restore.heuristic import solve_heuristic
from warmgrid.scenario.run import urgency_factor
from warmgrid.sweep.city import SweepCity
from warmgrid.sweep.ensembles import NO_ASSET

PLAN_COLUMNS = (
    "people_hours_below_12c",
    "people_hours_below_12c_no_repair",
    "last_home_back_h",
)
METRICS = (*COUNT_COLUMNS, *PLAN_COLUMNS)
"""The figures summarised over an ensemble and averaged per asset (those in the rows)."""
DRAIN_COLUMNS = ("drain_deadline_h", "drain_deadline_met")
NO_PLAN = (*COUNT_COLUMNS, "people_hours_below_12c_no_repair", "drain_deadline_h")


def row_columns(city: SweepCity) -> tuple[str, ...]:
    """The figures of a row of ``city``'s sweep, in order."""
    if not city.cooled:
        return COUNT_COLUMNS
    return (*METRICS, *DRAIN_COLUMNS) if city.with_plan else NO_PLAN


def _building_etr(city: SweepCity, impact: ImpactResult) -> dict[str, np.ndarray] | None:
    """Per service, hours until each building gets it back under the plan (switching
    before repair first, as in the scenario pipeline); None without crews or damage."""
    if not city.crews or not impact.damaged.any():
        return None
    heat = impact.building_without_heat
    factor = urgency_factor(heat, city.hours_to_cold[heat], city.cold_urgency, city.horizon_h)
    problem = problem_from_impact(
        city.compiled.city,
        impact,
        city.crews,
        repair_h=city.repair_h,
        building_factor=factor,
        assets=city.assets,
        source="sweep",
        switching=propose_switching(impact),  # as the scenario pipeline: switching first
    )
    schedule = solve_heuristic(
        problem,
        iterations=city.plan_iterations,
        max_stall=city.plan_stall,
        max_moves=city.plan_moves,
        seed=city.plan_seed,
    )
    return building_etr_h(impact, problem, schedule)


def _drain_deadline_h(city: SweepCity, impact: ImpactResult) -> float:
    """Hours until the first heat pipe touching a node without heat starts to freeze."""
    pipes = city.pipes
    if pipes is None:
        return float("inf")
    cold = ~impact.state.node_supplied
    ends_cold = np.zeros(pipes.from_node.size, dtype=bool)
    for ends in (pipes.from_node, pipes.to_node):
        known = ends >= 0
        ends_cold[known] |= cold[ends[known]]
    return float(pipes.freeze_start_h[ends_cold].min(initial=np.inf))


def _row(city: SweepCity, damaged: np.ndarray) -> list[float]:
    compiled = city.compiled
    impact = assess_mask(compiled, damaged)
    people = compiled.building_population
    # counts as N-1 screening has them (grid supply); cold as the pipeline's cool-down
    power, heat = impact.building_off_grid, impact.building_heat_network_lost
    cold = impact.building_without_heat
    counts: list[float] = impact_counts(impact).tolist()
    if not city.cooled:
        return counts
    cold_rows = np.flatnonzero(cold)
    no_repair = float(city.people_hours_until(cold_rows, city.horizon_h).sum())
    drain_h = _drain_deadline_h(city, impact)
    if not city.with_plan:
        return [*counts, no_repair, drain_h]
    etr = _building_etr(city, impact)
    if etr is None:
        below, last_back = no_repair, (0.0 if not (power | heat).any() else np.nan)
        met = not np.isfinite(drain_h)
    else:
        below = float(city.people_hours_until(cold_rows, etr["heat"][cold_rows]).sum())
        # a building whose backup generator lasts until its grid power is back loses nothing
        fuel_h = compiled.building_backup_fuel_h
        bridged = impact.building_on_backup & ~(fuel_h < np.nan_to_num(etr["power"], nan=np.inf))
        homes = ((power & ~bridged) | heat) & (people > 0)
        back = np.fmax(etr["power"], etr["heat"])[homes]
        last_back = float(np.nanmax(back)) if np.isfinite(back).any() else 0.0
        heat_back = etr["heat"][heat]  # the heat network's buildings: its drain deadline
        last_heat = float(np.nanmax(heat_back)) if np.isfinite(heat_back).any() else 0.0
        met = bool(last_heat <= drain_h and not np.isnan(heat_back).any())
    return [  # in the order of METRICS, then DRAIN_COLUMNS
        *counts,
        below,
        no_repair,
        last_back,
        drain_h,
        float(met),
    ]


def evaluate_block(city: SweepCity, first: int, assets: np.ndarray) -> pd.DataFrame:
    """Rows for the scenarios ``first, first + 1, …`` whose damaged assets are the rows of
    ``assets`` (asset indices padded with ``NO_ASSET``)."""
    ids = city.compiled.asset_ids.to_numpy()
    names = ids[np.maximum(assets, 0)].tolist()
    for row in np.flatnonzero((assets == NO_ASSET).any(axis=1)):  # the shorter scenarios
        names[row] = ids[assets[row][assets[row] != NO_ASSET]].tolist()
    values: np.ndarray | list[list[float]]
    if city.contingency is not None:  # impact only: every row at once
        values = city.contingency.counts(assets)
    else:
        values = []
        for row in assets:
            damaged = np.zeros(city.compiled.n_assets, dtype=bool)
            damaged[row[row != NO_ASSET]] = True
            values.append(_row(city, damaged))
    columns = list(row_columns(city))
    table = np.asarray(values, dtype=np.float64).reshape(len(assets), len(columns))
    frame = pd.DataFrame(table, columns=columns)
    frame = frame.astype({column: np.int64 for column in COUNT_COLUMNS})
    if city.with_plan:
        frame["drain_deadline_met"] = frame["drain_deadline_met"].astype(bool)
    frame.insert(0, "assets", pd.Series(names, dtype=object))
    frame.insert(0, "scenario", np.arange(first, first + len(assets), dtype=np.int64))
    return frame
