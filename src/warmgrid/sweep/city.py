"""What every worker of a sweep needs, computed once per city: the compiled city, the
cool-down of each building's flats, the crews and what the restoration plan needs, and the
freeze times of the heat pipes.

Buildings cool independently once their heat stops, so one cool-down of every building
under the chosen weather, resolved into its flats by position as in the scenario pipeline
(:func:`warmgrid.thermal.city.city_cooldown`), gives the hours until each flat falls below
12 °C and its people. A scenario's people-hours below 12 °C are then, over the buildings it
leaves without heat, the people-hours of their flats until the plan gives the heat back (or
the horizon): :func:`warmgrid.thermal.people.people_hours_below`, the function the scenario
pipeline's figures use. The heat pipes' freeze times (:mod:`warmgrid.thermal.pipes`) depend only
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
from warmgrid.thermal.people import people_hours_below
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
    cold_flats_h: np.ndarray  # buildings × flat positions: hours until below COLD_C (NaN: not)
    cold_flats_people: np.ndarray  # buildings × flat positions: people in those flats
    horizon_h: float
    hours_to_cold: np.ndarray  # float64 hours until the first flat is below COLD_C (NaN: not)
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
            cold_flats_h=np.zeros((0, 0)),
            cold_flats_people=np.zeros((0, 0)),
            horizon_h=0.0,
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
            branches=compiled.city.branches,
            water_temp_c=settings.water_temp_c,
        )
        return cls(
            compiled=compiled,
            cold_flats_h=cooldown.flats.hours_to[COLD_C],
            cold_flats_people=cooldown.flats.people,
            horizon_h=hours,
            hours_to_cold=cooldown.first_flat_hours_to(COLD_C),
            crews=tuple(scenario.crews),
            repair_h=dict(scenario.plan.repair_h),
            cold_urgency=float(scenario.plan.cold_urgency),
            assets=asset_table(compiled.city),
            pipes=_heat_pipes(compiled, cooldown.network),
            with_plan=with_plan,
        )

    def people_hours_until(self, rows: np.ndarray, until_h: np.ndarray | float) -> np.ndarray:
        """People-hours below 12 °C of buildings ``rows`` when their heat returns after
        ``until_h`` hours (per building or one for all; NaN or beyond the horizon: the whole
        horizon)."""
        return people_hours_below(
            self.cold_flats_h[rows], self.cold_flats_people[rows], until_h, self.horizon_h
        )


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
