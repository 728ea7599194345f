"""Switching before repair on the demo city reads the buildings' loads as the rotation
planner does (model/loads.py), so the tie's capacity is checked; pandapower's AC power flow
of the exported network is the oracle."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from warmgrid.impact import assess
from warmgrid.impact.flows import building_load_kw
from warmgrid.impact.switching import propose_switching
from warmgrid.model import City, compile_city
from warmgrid.model.demo import demo_city
from warmgrid.rotate.acflow import check_slot, exported_power_net
from warmgrid.scenario.spec import demo_scenario

TIE = "power.switch.4"


def _ac_max_loading(city: City, opened: list[str], closed: list[str]) -> float:
    """Highest line or transformer loading (%) of the AC power flow with the demo's
    damage and ``opened`` out, ``closed`` closed, every building at its peak."""
    power = exported_power_net(city)
    for ident in closed:
        power.net.switch.at[power.elements[ident][1], "closed"] = True
    damage = list(demo_scenario().damage.asset_ids)
    load_mw = np.nan_to_num(building_load_kw(compile_city(city))) / 1000.0
    check = check_slot(power, damage + opened, load_mw, 100.0)
    assert check.converged
    return check.max_loading_pct


def test_the_demo_tie_feeds_what_the_screen_lets_it_and_the_ac_flow_agrees() -> None:
    city = demo_city()
    before = assess(compile_city(city), demo_scenario().damage)
    plan = propose_switching(before)
    (step,) = plan.steps
    assert step.close == (TIE,)
    summary = step.to_dict(city.buildings["id"].to_numpy())
    assert summary["capacity_checked"] and summary["load_kw"] > 0
    dark = int(before.building_without_power.sum())
    assert 0 < len(step.building_index) < dark
    assert _ac_max_loading(city, list(step.open), [TIE]) <= 100.0


def test_switching_is_refused_when_the_tie_would_overload() -> None:
    city = replace(demo_city(), branches=demo_city().branches.copy())  # the cache stays intact
    before = assess(compile_city(city), demo_scenario().damage)
    (step,) = propose_switching(before).steps
    smallest = float(np.min(building_load_kw(before.compiled)[step.building_index])) / 1000.0
    weak = city.branches["kind"].isin(["line", "trafo"]).to_numpy()
    city.branches.loc[weak, "rating_mva"] = smallest / 2
    refused = propose_switching(assess(compile_city(city), demo_scenario().damage))
    assert refused.steps == ()
