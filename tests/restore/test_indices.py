"""SAIFI, SAIDI and CAIDI of one event against hand-computed values (IEEE Std 1366)."""

from __future__ import annotations

import math

import pytest

from warmgrid.restore.plan import metrics
from warmgrid.restore.problem import Crew, Group, Task, Travel, build_problem
from warmgrid.restore.schedule import simulate


def _plan(customers_served: dict[str, float] | None):
    tasks = [Task("switching", 0.05), Task("cable", 2.0)]
    crews = [Crew("a"), Crew("b")]
    ids = ["switching", "cable", "a", "b"]
    zero = {x: {t.id: 0.0 for t in tasks if t.id != x} for x in ids}
    groups = [
        Group("momentary", 50.0, ("switching",), people=120, customers=50, service="power"),
        Group("street", 100.0, ("cable",), people=230, customers=100, service="power"),
        Group("block", 30.0, ("cable",), people=70, customers=30, service="heat"),
    ]
    problem = build_problem(
        tasks, crews, groups, Travel(matrix_h=zero), customers_served=customers_served
    )
    return problem, simulate(problem, [[0], [1]])


def test_event_indices_equal_hand_computed_values():
    problem, schedule = _plan({"power": 1000, "heat": 200})
    m = metrics(problem, schedule)
    # power: the 3-minute interruption is momentary and left out; 100 customers × 120 min
    assert m["saifi_power"] == pytest.approx(100 / 1000)
    assert m["saidi_power_min"] == pytest.approx(100 * 120 / 1000)
    assert m["caidi_power_min"] == pytest.approx(120.0)
    # heat: 30 customers of 200 for 120 min
    assert m["saifi_heat"] == pytest.approx(30 / 200)
    assert m["saidi_heat_min"] == pytest.approx(30 * 120 / 200)
    assert m["caidi_heat_min"] == pytest.approx(120.0)
    assert m["caidi_power_min"] == pytest.approx(m["saidi_power_min"] / m["saifi_power"])
    # CMI counts customers, all interruptions: 50 × 3 + 100 × 120 + 30 × 120
    assert m["customer_minutes_interrupted"] == pytest.approx(150 + 12000 + 3600)


def test_no_indices_without_customers_served_and_no_caidi_without_interruptions():
    problem, schedule = _plan(None)
    assert not any(k.startswith(("saifi", "saidi", "caidi")) for k in metrics(problem, schedule))
    problem, schedule = _plan({"power": 1000, "heat": 200, "cooling": 10})
    m = metrics(problem, schedule)
    assert m["saifi_cooling"] == 0.0
    assert math.isnan(m["caidi_cooling_min"])
