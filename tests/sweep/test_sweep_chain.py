"""The full chain per scenario (impact → cool-down → plan) against the scenario pipeline."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from warmgrid.impact.damage import Damage
from warmgrid.scenario.run import run_scenario
from warmgrid.scenario.spec import demo_scenario
from warmgrid.sweep.city import COLD_C, SweepCity
from warmgrid.sweep.ensembles import sampled_nk
from warmgrid.sweep.evaluate import evaluate_block

HEAT_BACK_STEP_H = 1.0 / 600.0  # 6 s: the oracle's integration step


def hours_below_until(fell_h: float, until_h: float) -> float:
    """Hours from a flat's fall below 12 °C (NaN: never) to ``until_h``, counted in steps
    of 6 s."""
    grid = np.arange(0.0, until_h, HEAT_BACK_STEP_H) + HEAT_BACK_STEP_H / 2
    return float((grid >= fell_h).sum() * HEAT_BACK_STEP_H)


def test_rows_match_the_scenario_pipeline(compiled, city):
    """People-hours below 12 °C under the plan, the last home back and the drain deadline
    equal what the scenario pipeline gives for the same damage (its heuristic plan with a
    time limit; these small problems have one best plan)."""
    base = demo_scenario()
    ensemble = sampled_nk(compiled, 2, 40, seed=21)
    rows = evaluate_block(city, 0, ensemble.assets)
    chosen = rows[rows["people_without_heat"] > 0].head(4)
    assert len(chosen) == 4
    slow_cold = 0
    for row in chosen.itertuples():
        scenario = replace(
            base,
            damage=Damage(asset_ids=tuple(row.assets)),
            plan=replace(base.plan, solver="heuristic", time_limit_s=2.0),
        )
        assessment = run_scenario(scenario, compiled.city)
        cool = assessment.cooldown
        etr = assessment.building_etr.set_index("id")
        heat_back = etr["heat_etr_h"].reindex(cool.building_ids).fillna(city.horizon_h)
        flats = cool.flats
        counted = [
            (k, p)
            for k in range(len(cool.building_ids))
            for p in range(len(flats.positions))
            if flats.flats[k, p]
        ]
        expected = sum(
            flats.people[k, p]
            * hours_below_until(
                flats.hours_to[COLD_C][k, p], min(float(heat_back.iloc[k]), city.horizon_h)
            )
            for k, p in counted
        )
        # the oracle counts each flat's hours in whole steps: off by at most one step a flat
        step_error = HEAT_BACK_STEP_H * sum(flats.people[k, p] for k, p in counted)
        assert abs(row.people_hours_below_12c - expected) <= step_error
        slow_cold += cool.people_hours[COLD_C] > row.people_hours_below_12c
        assert row.drain_deadline_h == pytest.approx(cool.network.drain_deadline_h)
        homes = compiled.city.buildings["population"].to_numpy() > 0
        power_etr = etr["power_etr_h"].reindex(compiled.city.buildings["id"]).to_numpy()
        fuel_h = compiled.building_backup_fuel_h
        runs_out = assessment.impact.building_on_backup & (fuel_h < power_etr)
        back = np.fmax(assessment.etr_h(), np.where(runs_out, power_etr, np.nan))[homes]
        assert row.last_home_back_h == pytest.approx(np.nanmax(back))
        assert row.drain_deadline_met == (etr["heat_etr_h"].max() <= row.drain_deadline_h)
    assert slow_cold > 0  # the plan saves people-hours that no repair would cost


def test_rows_do_not_depend_on_the_split(compiled, city):
    ensemble = sampled_nk(compiled, 3, 24, seed=5)
    whole = evaluate_block(city, 0, ensemble.assets)
    parts = pd.concat(
        [
            evaluate_block(city, 0, ensemble.assets[:7]),
            evaluate_block(city, 7, ensemble.assets[7:]),
        ],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(whole, parts)


def test_plan_never_costs_more_than_no_repair(compiled, city):
    rows = evaluate_block(city, 0, sampled_nk(compiled, 2, 30, seed=8).assets)
    planned = rows["people_hours_below_12c"].to_numpy()
    assert (planned <= rows["people_hours_below_12c_no_repair"].to_numpy() + 1e-6).all()
    assert (rows["last_home_back_h"] >= 0).all()


def test_impact_only_rows_lack_the_plan(compiled):
    city = SweepCity.under(compiled, demo_scenario(), with_plan=False)
    rows = evaluate_block(city, 0, sampled_nk(compiled, 2, 5, seed=1).assets)
    assert "people_hours_below_12c" not in rows.columns
    assert "drain_deadline_met" not in rows.columns
    assert "people_hours_below_12c_no_repair" in rows.columns
    counts = evaluate_block(
        SweepCity.impact_only(compiled), 0, sampled_nk(compiled, 2, 5, 1).assets
    )
    pd.testing.assert_frame_equal(counts, rows[counts.columns])


def test_impact_only_blocks_equal_one_propagation_per_row(compiled):
    """The impact-only block (every row at once, ``ContingencyCounts``) gives the rows
    that one propagation per row gives, with gaps anywhere in a row (a protected asset
    taken out) and the asset names in order."""
    fast = SweepCity.impact_only(compiled)
    slow = replace(fast, contingency=None)
    assets = sampled_nk(compiled, 3, 200, seed=5).assets
    assets[np.random.default_rng(0).random(assets.shape) < 0.2] = -1
    pd.testing.assert_frame_equal(evaluate_block(fast, 7, assets), evaluate_block(slow, 7, assets))
