"""The report's figures are the scenario pipeline's, read and never recomputed."""

from __future__ import annotations

import numpy as np
import pytest

from warmgrid.report.facts import cooldown_series


def test_key_figures_equal_the_assessment(demo_assessment, demo_facts) -> None:
    impact = demo_assessment.impact
    summary = impact.summary()
    assert demo_facts.people_without_power == summary["people_without_power"] > 0
    assert demo_facts.people_without_heat == summary["people_without_heat"] > 0
    assert demo_facts.buildings_without_power == len(summary["buildings_without_power"])
    assert demo_facts.buildings_without_heat == len(summary["buildings_without_heat"])
    assert list(demo_facts.damaged_assets) == summary["damaged_assets"]
    critical = {c.id for c in demo_facts.critical}
    assert critical == set(summary["critical_without_power"]) | set(
        summary["critical_without_heat"]
    )
    assert demo_facts.drain_deadline_h == demo_assessment.cooldown.network.drain_deadline_h


def test_etr_rows_are_the_plan_groups(demo_assessment, demo_facts) -> None:
    plan = demo_assessment.plan
    expected = sorted(
        (float(h), g.service, round(g.people))
        for g, h in zip(plan.problem.groups, plan.schedule.group_restored_h, strict=True)
    )
    assert [(r.restored_h, r.service, r.people) for r in demo_facts.etr] == expected
    tasks = {
        plan.problem.tasks[t].id: float(plan.schedule.end_h[t])
        for t in range(len(plan.problem.tasks))
    }
    assert {r.asset: r.end_h for r in demo_facts.repairs} == tasks


def test_cooldown_series_against_a_flat_by_flat_count(demo_assessment) -> None:
    series = cooldown_series(demo_assessment)
    cool = demo_assessment.cooldown
    flats = cool.flats
    etr = demo_assessment.building_etr.set_index("id")["heat_etr_h"]
    for column in (0, 4, 40, 50, 52, 96, 200, len(series.time_h) - 1):
        hour = float(series.time_h[column])
        assert series.without_plan[12.0][column] == pytest.approx(
            cool.people_below(12, hour), abs=0.5
        )
        brute = 0.0
        for row, ident in enumerate(cool.building_ids):
            back = etr.get(ident, np.nan)
            for position in range(len(flats.positions)):
                fell = flats.hours_to[12.0][row, position]
                cold = fell <= hour  # NaN: never within the forecast
                if cold and (np.isnan(back) or hour < back):
                    brute += flats.people[row, position]
        assert series.with_plan[12.0][column] == pytest.approx(brute, abs=1e-6)
    assert (series.with_plan[12.0] <= series.without_plan[12.0]).all()
    assert np.all(np.diff(series.without_plan[12.0]) >= 0)  # no heat back: never fewer
    assert series.without_plan[12.0].max() > series.with_plan[12.0].max() > 0


def test_times_are_shown_in_the_city_zone(demo_assessment) -> None:
    from dataclasses import replace

    from warmgrid.report.facts import report_facts

    city = replace(demo_assessment.city, timezone="America/New_York")
    facts = report_facts(replace(demo_assessment, city=city), next_update_h=4.0)
    start = demo_assessment.scenario.start
    assert facts.as_of == start and facts.as_of.utcoffset().total_seconds() == -5 * 3600
    assert facts.as_of.strftime("%H:%M") == "21:40"
    assert (facts.next_update - facts.as_of).total_seconds() == 4 * 3600
    unzoned = report_facts(demo_assessment)
    assert unzoned.as_of.utcoffset().total_seconds() == 2 * 3600


def test_alerts_and_incidents_may_come_as_lists(demo_assessment) -> None:
    from warmgrid.report.facts import IssuedAlert, LoggedIncident, report_facts

    alert = IssuedAlert("id-1", {"en": "Heat off"}, "2026-11-26T06:00:00+02:00", "published")
    incident = LoggedIncident("Strike", "strike", "confirmed", ("SES (emergency service)",))
    as_tuples = report_facts(demo_assessment, published=(alert,), incidents=(incident,))
    as_lists = report_facts(demo_assessment, published=[alert], incidents=[incident])
    assert as_lists.alerts == as_tuples.alerts
    assert as_lists.alerts[0] == alert and len(as_lists.alerts) == 1 + len(demo_assessment.alerts)
    assert as_lists.incidents == (incident,)
