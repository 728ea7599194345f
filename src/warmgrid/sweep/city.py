"""What every worker of a sweep needs, computed once per city: the compiled city, each
building's cool-down curve, the crews and what the restoration plan needs, and the
freeze times of the heat pipes.

Buildings cool independently once their heat stops (one 5R1C model each,
:mod:`warmgrid.thermal.rc`), so one cool-down of every building under the chosen weather
gives, per building and hour, the hours its air has spent below 12 °C since the heat
stopped. A scenario's people-hours below 12 °C are then the sum, over the buildings it
leaves without heat, of people × those hours at the moment the plan gives the heat back
(or the horizon). The heat pipes' freeze times (:mod:`warmgrid.thermal.pipes`) depend only
on the weather, so they are computed once too; a scenario takes the earliest over the
pipes it leaves stagnant, as :func:`warmgrid.scenario.run.cool_down_under` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from warmgrid.impact.contingency import ContingencyCounts
from warmgrid.model.compile import CompiledCity
from warmgrid.restore.from_city import AssetTable, asset_table
from warmgrid.restore.problem import Crew
from warmgrid.scenario.run import forecast_weather
from warmgrid.scenario.spec import Scenario
from warmgrid.thermal.city import city_cooldown
from warmgrid.thermal.cooldown import cumulative_hours_below, hours_below
from warmgrid.thermal.pipes import NetworkFreezeResult
from warmgrid.thermal.weather import Weather

COLD_C = 12.0
"""°C: below it health risks rise sharply (WHO Regional Office for Europe, Housing, energy
and thermal comfort, 2007), as in :data:`warmgrid.thermal.cooldown.DEFAULT_THRESHOLDS_C`."""

PLAN_ITERATIONS = 20
PLAN_STALL = 4
"""Kicks of the restoration heuristic per scenario (its deterministic mode), at most and in
a row without gain: an N-k scenario has a few repairs, whose local search over every move
and swap already ends at the optimum in the cases checked against exhaustive search
(``tests/sweep/test_sweep_chain.py``)."""

PLAN_MOVES = 10_000
"""Moves (relocations, swaps) the heuristic may evaluate per scenario, at most: an N-k
scenario's plan needs a few hundred, an area strike that damages hundreds of assets
would take 10–35 times this over its 20 kicks (each kick's descent rescans every task).
On area strikes of 150–400 repairs in the demo city the plan found within the budget is
within 0–0.8 % of the unbounded search's objective, in a sixth to a twenty-fifth of its
time (docs/sweep.md)."""


@dataclass(frozen=True)
class HeatPipes:
    """The city's heat pipes: end node indices and hours until stagnant water freezes."""

    from_node: np.ndarray  # int64 node index of the compiled city, -1 if unknown
    to_node: np.ndarray
    freeze_start_h: np.ndarray  # float64 hours (inf: never within the weather)


@dataclass(frozen=True)
class SweepCity:
    """The compiled city and, per building, its cool-down with heat off from the start."""

    compiled: CompiledCity
    hours_below_cold: np.ndarray  # float64 hours below COLD_C over the horizon, no repair
    horizon_h: float
    cold_hours_by_step: np.ndarray  # float32, buildings × instants: hours below so far
    step_h: float
    hours_to_cold: np.ndarray  # float64 hours until below COLD_C (NaN: not in the horizon)
    crews: tuple[Crew, ...] = ()
    repair_h: Mapping[str, float] | None = None
    cold_urgency: float = 0.0
    assets: AssetTable | None = None
    pipes: HeatPipes | None = None
    plan_iterations: int = PLAN_ITERATIONS
    plan_stall: int = PLAN_STALL
    plan_moves: int = PLAN_MOVES
    plan_seed: int = 0
    with_plan: bool = True  # False: impact and no-repair cool-down only
    cooled: bool = True  # False: impact counts only (no cool-down, no plan)
    contingency: ContingencyCounts | None = None  # impact only: counts of a block at once

    @classmethod
    def impact_only(cls, compiled: CompiledCity) -> SweepCity:
        """The city for impact counts only: no weather, cool-down or plan (cities without
        building data for a cool-down, or the largest ensembles)."""
        empty = np.zeros(0)
        return cls(
            compiled=compiled,
            hours_below_cold=empty,
            horizon_h=0.0,
            cold_hours_by_step=np.zeros((0, 1), dtype=np.float32),
            step_h=1.0,
            hours_to_cold=empty,
            with_plan=False,
            cooled=False,
            contingency=ContingencyCounts.of(compiled),
        )

    @classmethod
    def under(
        cls,
        compiled: CompiledCity,
        scenario: Scenario,
        weather: Weather | None = None,
        *,
        with_plan: bool = True,
    ) -> SweepCity:
        """Cool every building under ``weather`` (default: ``scenario``'s forecast, over its
        horizon; otherwise the whole of ``weather``) with ``scenario``'s cool-down settings,
        and take its crews and plan settings (``with_plan`` false: no plan per scenario)."""
        settings = scenario.cooldown
        if weather is None:
            weather, hours = forecast_weather(scenario), float(scenario.weather.hours)
        else:
            hours = float(weather.hours)
        cooldown = city_cooldown(
            compiled.city.buildings,
            weather,
            hours=hours,
            step_h=settings.step_min / 60.0,
            start_temp_c=settings.set_point_c,
            thresholds_c=(COLD_C,),
            heating_radiative_fraction=settings.heating_radiative_fraction,
            branches=compiled.city.branches,
            water_temp_c=settings.water_temp_c,
        )
        by_step = cumulative_hours_below(cooldown.result, COLD_C)
        return cls(
            compiled=compiled,
            hours_below_cold=hours_below(cooldown.result, (COLD_C,))[COLD_C],
            horizon_h=hours,
            cold_hours_by_step=by_step,
            step_h=float(cooldown.result.step_h),
            hours_to_cold=cooldown.hours_to[COLD_C],
            crews=tuple(scenario.crews),
            repair_h=dict(scenario.plan.repair_h),
            cold_urgency=float(scenario.plan.cold_urgency),
            assets=asset_table(compiled.city),
            pipes=_heat_pipes(compiled, cooldown.network),
            with_plan=with_plan,
        )

    def cold_hours_until(self, rows: np.ndarray, until_h: np.ndarray) -> np.ndarray:
        """Hours buildings ``rows`` spend below 12 °C when their heat returns after
        ``until_h`` hours (NaN or beyond the horizon: the whole horizon)."""
        until = np.nan_to_num(np.asarray(until_h, dtype=np.float64), nan=self.horizon_h)
        steps = np.clip(until, 0.0, self.horizon_h) / self.step_h
        last = self.cold_hours_by_step.shape[1] - 1
        low = np.minimum(np.floor(steps).astype(np.int64), last)
        high = np.minimum(low + 1, last)
        share = steps - low
        curve = self.cold_hours_by_step
        return (1.0 - share) * curve[rows, low] + share * curve[rows, high]


def _heat_pipes(compiled: CompiledCity, network: NetworkFreezeResult | None) -> HeatPipes | None:
    if network is None or not network.pipe_ids:
        return None
    branches = compiled.city.branches.set_index("id")
    node_index = {ident: k for k, ident in enumerate(compiled.city.nodes["id"])}

    def ends(column: str) -> np.ndarray:
        return np.array(
            [node_index.get(n, -1) for n in branches.loc[network.pipe_ids, column]],
            dtype=np.int64,
        )

    return HeatPipes(ends("from_node"), ends("to_node"), network.times.hours_to_freeze_start)
