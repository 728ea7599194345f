"""A restoration problem built from the demo city and an impact result."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from warmgrid.errors import InputError
from warmgrid.impact import Damage, assess
from warmgrid.model import compile_city
from warmgrid.model.demo import demo_city
from warmgrid.restore.from_city import (
    CRITICAL_FACTOR,
    DEFAULT_REPAIR_H,
    building_etr,
    problem_from_impact,
)
from warmgrid.restore.heuristic import solve_heuristic
from warmgrid.restore.problem import Crew

DAMAGE = ("power.trafo.3", "heat.pipe.7", "heat.pump.0", "power.ext_grid.0")
CREWS = [
    Crew("e", 30.50, 50.45, frozenset({"electrical"})),
    Crew("h", 30.52, 50.46, frozenset({"heat"}), available_from_h=1.0),
]


@pytest.fixture(scope="module")
def case():
    city = demo_city()
    result = assess(compile_city(city), Damage(asset_ids=DAMAGE))
    return city, result


def test_tasks_from_damaged_assets(case) -> None:
    city, result = case
    problem = problem_from_impact(city, result, CREWS)
    assert [t.id for t in problem.tasks] == list(result.damaged_asset_ids)
    by_id = {t.id: t for t in problem.tasks}
    assert by_id["power.trafo.3"].duration_h == DEFAULT_REPAIR_H["trafo"]
    assert by_id["heat.pump.0"].duration_h == DEFAULT_REPAIR_H["pump"]
    assert by_id["power.trafo.3"].skill == "electrical"
    assert by_id["heat.pipe.7"].skill == "heat"
    pipe = city.branches.set_index("id").loc["heat.pipe.7"]
    nodes = city.nodes.set_index("id")
    lon = (nodes.at[pipe.from_node, "lon"] + nodes.at[pipe.to_node, "lon"]) / 2
    assert by_id["heat.pipe.7"].lon == pytest.approx(lon)
    grid = city.sources.set_index("id").loc["power.ext_grid.0"]
    assert by_id["power.ext_grid.0"].lat == pytest.approx(nodes.at[grid.node, "lat"])


def test_group_weights_count_people_and_critical_use(case) -> None:
    city, result = case
    problem = problem_from_impact(city, result, CREWS, critical_factor={"hospital": 50.0})
    people = city.buildings["population"].to_numpy(float)
    use = city.buildings["use"].to_numpy()
    factor = np.array([({**CRITICAL_FACTOR, "hospital": 50.0}).get(u, 1.0) for u in use])
    groups = {g.id: g for g in result.restoration_groups()}
    assert problem.groups
    for g in problem.groups:
        members = groups[g.id].building_index
        assert g.people == pytest.approx(people[members].sum())
        assert g.weight == pytest.approx((people * factor)[members].sum())
        assert g.customers == city.buildings["customers"].to_numpy()[members].sum()
        assert g.customers > len(members)  # households, not buildings
        assert set(g.needs) == set(groups[g.id].needs)
    has_power = (city.buildings["power_node"] != "").to_numpy()
    served = city.buildings["customers"].to_numpy()[has_power].sum()
    assert problem.customers_served["power"] == served
    doubled = problem_from_impact(
        city,
        result,
        CREWS,
        critical_factor={"hospital": 50.0},
        building_factor=np.full(len(people), 2.0),
    )
    assert doubled.group_weight == pytest.approx(2 * problem.group_weight)


def test_overrides_and_bad_input(case) -> None:
    city, result = case
    problem = problem_from_impact(city, result, CREWS, repair_h={"trafo": 1.5, "heat.pipe.7": 20.0})
    by_id = {t.id: t for t in problem.tasks}
    assert by_id["power.trafo.3"].duration_h == 1.5
    assert by_id["heat.pipe.7"].duration_h == 20.0
    with pytest.raises(InputError, match="no crew has skill 'heat'"):
        problem_from_impact(city, result, CREWS[:1])
    with pytest.raises(InputError, match="one per building"):
        problem_from_impact(city, result, CREWS, building_factor=np.ones(3))


def test_a_repair_hours_key_that_names_nothing_is_refused(case) -> None:
    """A typo in a scenario's [plan.repair_hours] (or the API's repair_hours) would leave
    the planning default in force unnoticed."""
    city, result = case
    for typo in ("trafoo", "power.trafo.99"):
        with pytest.raises(InputError, match=f"city.toml: repair hours: '{typo}' is neither"):
            problem_from_impact(city, result, CREWS, repair_h={typo: 12.0}, source="city.toml")
    branches = city.branches.copy()
    branches.loc[branches["id"] == "heat.pipe.7", "kind"] = "culvert"  # a kind of this city
    culvert_city = dataclasses.replace(city, branches=branches)
    problem = problem_from_impact(culvert_city, result, CREWS, repair_h={"culvert": 9.0})
    assert {t.id: t.duration_h for t in problem.tasks}["heat.pipe.7"] == 9.0


def test_building_etr_follows_the_plan(case) -> None:
    city, result = case
    problem = problem_from_impact(city, result, CREWS)
    schedule = solve_heuristic(problem, time_limit_s=0.5)
    etr = building_etr(city, result, problem, schedule).set_index("id")
    ends = dict(zip([t.id for t in problem.tasks], schedule.end_h, strict=True))
    for group in result.restoration_groups():
        expected = max(ends[a] for a in group.needs)
        ids = city.buildings["id"].to_numpy()[group.building_index]
        assert etr.loc[ids, f"{group.service}_etr_h"].to_numpy() == pytest.approx(expected)
    lost = result.building_without_power | result.building_without_heat
    assert len(etr) == int(lost.sum())


def test_plan_from_impact_in_one_call(case) -> None:
    from warmgrid.restore.from_city import plan_from_impact

    city, result = case
    plan, etr = plan_from_impact(city, result, CREWS, time_limit_s=0.5, road_factor=1.2)
    assert plan.problem.travel.road_factor == 1.2
    assert plan.status == "feasible"
    assert set(etr.columns) == {"id", "power_etr_h", "heat_etr_h"}
    assert etr[["power_etr_h", "heat_etr_h"]].max().max() <= plan.schedule.end_h.max()


def test_demo_scenario_ends_with_a_plan() -> None:
    from warmgrid.restore.from_city import SWITCHING_CREW, plan_from_impact
    from warmgrid.scenario.spec import demo_scenario

    scenario = demo_scenario()
    city = demo_city()
    result = assess(compile_city(city), scenario.damage)
    plan, etr = plan_from_impact(city, result, scenario.crews, time_limit_s=1.0)
    assert [c.id for c in plan.problem.crews] == [*(c.id for c in scenario.crews), SWITCHING_CREW]
    assert sorted(t for r in plan.schedule.routes for t in r) == list(range(plan.problem.n_tasks))
    assert len(etr) == int((result.building_off_grid | result.building_without_heat).sum())


def test_people_waiting_for_power_and_heat_are_counted_once(case) -> None:
    from warmgrid.restore.plan import metrics, restoration_curve

    city, result = case
    problem = problem_from_impact(city, result, CREWS)
    schedule = solve_heuristic(problem, time_limit_s=0.5)
    etr = building_etr(city, result, problem, schedule)
    people = dict(zip(city.buildings["id"], city.buildings["population"], strict=True))
    last = etr[["power_etr_h", "heat_etr_h"]].max(axis=1)  # NaN: service not lost
    waiting = etr["id"].map(people).to_numpy(float)
    curve = restoration_curve(problem, schedule)
    assert curve[0]["people_without_power_or_heat"] == pytest.approx(waiting.sum())
    assert curve[0]["people_without_power_or_heat"] <= city.buildings["population"].sum()
    assert metrics(problem, schedule)["people_hours_without_power_or_heat"] == pytest.approx(
        float(waiting @ last.to_numpy())
    )
    for point in curve:
        still = waiting[last.to_numpy() > point["t_h"]].sum()
        assert point["people_without_power_or_heat"] == pytest.approx(still)
