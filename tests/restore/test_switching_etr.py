"""The restoration plan does the switching first, and ETRs with switching are never
later than without it."""

from __future__ import annotations

import numpy as np
import pytest

from warmgrid.impact import assess
from warmgrid.model import compile_city
from warmgrid.model.demo import demo_city
from warmgrid.restore.from_city import DEFAULT_SWITCHING_H, SWITCHING_CREW, plan_from_impact
from warmgrid.scenario.spec import demo_scenario


@pytest.mark.parametrize("solver", ["heuristic", "exact"])
def test_switching_first_and_etrs_never_later(solver: str) -> None:
    scenario, city = demo_scenario(), demo_city()
    result = assess(compile_city(city), scenario.damage)
    options = {"repair_h": dict(scenario.plan.repair_h), "solver": solver, "time_limit_s": 2.0}
    plan, with_switching = plan_from_impact(city, result, scenario.crews, **options)
    _, without = plan_from_impact(city, result, scenario.crews, switching=None, **options)

    crew = [c.id for c in plan.problem.crews].index(SWITCHING_CREW)
    (task,) = plan.schedule.routes[crew]
    assert plan.problem.tasks[task].id == "switching:power.switch.4"
    assert plan.schedule.end_h[task] == pytest.approx(DEFAULT_SWITCHING_H)

    a = with_switching.set_index("id")
    b = without.set_index("id").reindex(a.index)
    for column in ("power_etr_h", "heat_etr_h"):
        now, before = a[column].to_numpy(), b[column].to_numpy()
        known = np.isfinite(before)
        assert np.array_equal(np.isfinite(now), known)
        assert (now[known] <= before[known] + 1e-9).all()
    sooner = a["power_etr_h"].to_numpy() < b["power_etr_h"].to_numpy() - 1e-9
    # the part of Tsentr beyond the damaged cable that the tie can carry at the evening peak
    assert int(sooner.sum()) == 40
    assert a["power_etr_h"].to_numpy()[sooner] == pytest.approx(DEFAULT_SWITCHING_H)
