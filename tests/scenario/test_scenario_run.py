"""The default scenario end to end: impact → cool-down → plan → ETRs → alerts."""

from __future__ import annotations

import numpy as np
import pytest

from warmgrid.alerts.cap_xml import to_xml
from warmgrid.alerts.validate import validate_cap
from warmgrid.restore.validate import plan_violations
from warmgrid.scenario.run import cold_urgency_factor, run_scenario
from warmgrid.scenario.spec import demo_scenario


@pytest.fixture(scope="module")
def assessment():
    return run_scenario(demo_scenario())


def test_cooldown_covers_exactly_the_buildings_without_heat(assessment):
    lacking = assessment.city.buildings["id"][assessment.impact.building_without_heat]
    assert assessment.cooldown.building_ids == lacking.tolist()
    assert assessment.cooldown.network is not None


def test_plan_is_valid_and_groups_wait_for_the_quickest_parallel_repair(assessment):
    plan = assessment.plan
    problem, schedule = plan.problem, plan.schedule
    routes = {
        problem.crews[c].id: [problem.tasks[t].id for t in r] for c, r in enumerate(schedule.routes)
    }
    start = {t.id: schedule.start_h[k] for k, t in enumerate(problem.tasks)}
    end = {t.id: schedule.end_h[k] for k, t in enumerate(problem.tasks)}
    restored = {g.id: schedule.group_restored_h[k] for k, g in enumerate(problem.groups)}
    assert plan_violations(problem, routes, start, end, restored) == []
    heat = [g for g in problem.groups if g.service == "heat" and g.people > 50_000]
    assert [g.needs for g in heat] == [("power.trafo.3",)]  # 12 h, not a 48 h unit transformer
    assert plan.status == "optimal"


def test_building_etr_is_the_restoration_time_of_its_group(assessment):
    etr = assessment.etr_h()
    lost = assessment.impact.building_without_power | assessment.impact.building_without_heat
    assert np.isfinite(etr[lost]).all()
    assert np.isnan(etr[~lost]).all()
    assert etr[lost].max() <= max(assessment.plan.schedule.group_restored_h) + 1e-9


def test_alerts_are_valid_cap_with_the_plan_etr(assessment):
    assert len(assessment.alerts) >= 2
    for message in assessment.alerts:
        report = validate_cap(to_xml(message), feed_rules=True)
        assert report.valid, report.errors
        assert message.parameter("ETR")


def test_cold_urgency_raises_weights_of_homes_that_cool_first(assessment):
    factor = cold_urgency_factor(
        assessment.city,
        assessment.impact,
        assessment.cooldown,
        1.0,
        assessment.scenario.weather.hours,
    )
    cold = assessment.impact.building_without_heat
    assert (factor[~cold] == 1.0).all()
    hours = assessment.cooldown.first_flat_hours_to(12.0)
    crossing = np.isfinite(hours)
    assert crossing.any()
    assert (factor[cold][crossing] > 1.0).all() and (factor[cold] <= 2.0).all()
    assert (factor[cold][~crossing] == 1.0).all()
    order = np.argsort(np.nan_to_num(hours, nan=1e9))
    assert np.all(np.diff(factor[cold][order]) <= 1e-12)  # sooner cold → larger weight
    # the weights follow each building's coldest flat
    flats = assessment.cooldown.flats.hours_to[12.0]
    np.testing.assert_array_equal(hours[crossing], np.nanmin(flats[crossing], axis=1))
