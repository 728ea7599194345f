"""Times of a scenario on the city's clock, and alerts at a later ``sent`` (issue 8, item 16)."""

from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
import pytest
from typer.testing import CliRunner

from warmgrid.alerts.captime import parse_cap_time
from warmgrid.cli import app
from warmgrid.scenario.run import public_alerts, run_scenario
from warmgrid.scenario.spec import demo_scenario

runner = CliRunner()


@pytest.fixture(scope="module")
def assessment():
    return run_scenario(demo_scenario())


def _people(messages, key: str) -> int:
    return sum(int(m.parameter(key)) for m in messages)


def test_scenario_alerts_are_on_the_city_clock_with_quarter_hour_etrs(assessment) -> None:
    for message in assessment.alerts:
        assert message.sent.utcoffset() == timedelta(hours=2)  # Kyiv in November
        etr = parse_cap_time(message.parameter("ETR"))
        assert etr.utcoffset() == timedelta(hours=2)
        assert (etr.minute % 15, etr.second) == (0, 0)
        assert "(UTC+02:00)" in message.infos[0].headline


def test_later_sent_leaves_out_what_the_plan_has_restored(assessment) -> None:
    frame = assessment.building_etr.set_index("id").reindex(assessment.city.buildings["id"])
    power_etr = frame["power_etr_h"].to_numpy(float)
    heat_etr = frame["heat_etr_h"].to_numpy(float)
    known = np.concatenate([power_etr, heat_etr])
    finite = np.unique(known[np.isfinite(known)])
    assert finite.size >= 3
    first_heat = float(np.nanmin(heat_etr))
    following = finite[finite > first_heat]
    elapsed_h = (first_heat + float(following[0])) / 2  # after a heat restoration
    later = assessment.scenario.start + timedelta(hours=elapsed_h)
    messages = public_alerts(assessment, later)
    people = assessment.city.buildings["population"].to_numpy()
    power_out = assessment.impact.building_without_power & ~(power_etr <= elapsed_h)
    heat_out = assessment.impact.building_without_heat & ~(heat_etr <= elapsed_h)
    assert _people(messages, "PeopleWithoutPower") == people[power_out].sum()
    assert _people(messages, "PeopleWithoutHeat") == people[heat_out].sum()
    assert _people(messages, "PeopleWithoutHeat") < _people(assessment.alerts, "PeopleWithoutHeat")
    for message in messages:
        assert parse_cap_time(message.parameter("ETR")) > later
    everything_back = np.nanmax(known) + 1.0
    after = assessment.scenario.start + timedelta(hours=everything_back)
    assert public_alerts(assessment, after) == []


def test_compose_accepts_z_and_writes_the_city_offset() -> None:
    result = runner.invoke(
        app, ["alert", "compose", "--demo", "--json", "--sent", "2026-11-26T03:00:00Z"]
    )
    assert result.exit_code == 0, result.output
    messages = json.loads(result.stdout)["messages"]
    assert messages
    for summary in messages:
        assert summary["sent"] == "2026-11-26T05:00:00+02:00"
        assert summary["etr"].endswith(":00+02:00")
        assert parse_cap_time(summary["etr"]).minute % 15 == 0


def test_compose_after_everything_is_restored_says_so() -> None:
    result = runner.invoke(
        app, ["alert", "compose", "--demo", "--json", "--sent", "2026-12-10T12:00:00+02:00"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["messages"] == []
    assert "nothing is out any more at 2026-12-10T12:00:00+02:00" in payload["note"]


def test_demo_json_gives_clock_times_beside_the_hours() -> None:
    """``demo --json`` carries the start and every ETR on the city's clock with its offset:
    each ETR is the start plus its hours, rounded up to the next quarter hour."""
    from datetime import datetime

    result = runner.invoke(app, ["demo", "--json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["timezone"] == "Europe/Kyiv"
    start = datetime.fromisoformat(payload["starts_at"])
    assert start.utcoffset() == timedelta(hours=2)
    assert start == demo_scenario().start
    plan = payload["plan"]
    for hours_key, etr_key in (("group_restored_h", "group_etr"), ("task_end_h", "asset_etr")):
        assert set(plan[etr_key]) == set(plan[hours_key])
        for ident, hours in plan[hours_key].items():
            etr = datetime.fromisoformat(plan[etr_key][ident])
            assert etr.utcoffset() == start.utcoffset()
            assert etr.minute % 15 == 0 and etr.second == 0
            late = (etr - start) - timedelta(hours=hours)
            assert timedelta(0) <= late < timedelta(minutes=15), (ident, late)
    assert payload["impact"] and payload["alerts"]
