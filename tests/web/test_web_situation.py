"""One situation for the console, the report and the timeline: the scenario's settings
under exactly the damage confirmed in the incident log (as of now, or of a chosen time)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import lxml.html
import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from warmgrid.api import create_app
from warmgrid.impact import Damage, assess
from warmgrid.incidents import log
from warmgrid.incidents.seed import seed_if_empty
from warmgrid.model import compile_city
from warmgrid.model.demo import demo_city
from warmgrid.scenario.run import run_scenario
from warmgrid.scenario.situation import situation_scenario
from warmgrid.scenario.spec import demo_scenario
from warmgrid.store import Role, add_user, create_token, open_store
from warmgrid.store.models import DamageLink

EXTRA = "heat.pump.1"  # not in the demo scenario's damage
RETRACTED = "power.trafo.0"  # in the scenario's damage


@pytest.fixture(scope="module")
def city():
    return demo_city()


@pytest.fixture
def edited(tmp_path: Path, city) -> Iterator[tuple[TestClient, dict[str, str], dict]]:
    """The seeded demo store, then an operator confirms one more asset and retracts one
    of the scenario's (times of both kept)."""
    url = f"sqlite:///{tmp_path / 'web.db'}"
    store = open_store(url)
    seed_if_empty(store, city)
    with store.write() as session:
        user = add_user(session, "operator", Role.OPERATOR, "test")
        token = create_token(session, user, None, "test")[1]
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(url, city, store=store, scenario=demo_scenario())) as client:
        seeded = client.get("/console/figures", headers=headers).json()
        incident_id = client.get("/console/incidents", headers=headers).json()[-1]["id"]
        with store.read() as session:
            link = session.scalar(select(DamageLink).where(DamageLink.asset_id == RETRACTED))
            strike_id, link_id = link.incident_id, link.id
        added = client.post(
            "/console/damage",
            json={"incident_id": incident_id, "asset_ids": [EXTRA], "note": "seen by crew"},
            headers=headers,
        )
        assert added.status_code == 201, added.text
        with store.write() as session:
            log.retract_damage(session, strike_id, link_id, "operator#1")
        with store.read() as session:
            times = {
                link.asset_id: (link.confirmed_at, link.retracted_at)
                for link in session.scalars(select(DamageLink))
            }
        yield client, headers, {"seeded": seeded, "times": times}
    store.close()


def _people(assessment, elapsed_h: float, service: str) -> int:
    """Brute force, one building at a time: people without ``service`` ``elapsed_h``
    hours in. Power is out off the grid until its ETR, except while a backup generator
    still has fuel; heat is out on a lost heat network until its ETR, and in an
    electrically heated building while its power is out."""
    impact, buildings = assessment.impact, assessment.city.buildings
    table = assessment.building_etr
    etr = {
        name: dict(zip(table["id"], table[f"{name}_etr_h"], strict=True))
        for name in ("power", "heat")
    }
    total = 0
    for row, building in enumerate(buildings.itertuples(index=False)):
        power_back = etr["power"].get(building.id, np.nan) <= elapsed_h
        power_out = (
            impact.building_off_grid[row]
            and not power_back
            and not building.backup_fuel_h > elapsed_h
        )
        heat_out = (
            impact.building_heat_network_lost[row]
            and not etr["heat"].get(building.id, np.nan) <= elapsed_h
        ) or (building.electric_heating and power_out)
        if power_out if service == "power" else heat_out:
            total += int(building.population)
    return total


def test_console_and_report_show_the_damage_of_the_log_only(edited, city) -> None:
    client, headers, facts = edited
    figures = client.get("/console/figures", headers=headers).json()
    confirmed = sorted(asset for asset, (_, gone) in facts["times"].items() if gone is None)
    assert EXTRA in confirmed and RETRACTED not in confirmed
    oracle = assess(compile_city(city), Damage(asset_ids=tuple(confirmed), areas=()))
    seeded = facts["seeded"]
    assert figures["people_without_heat"] == oracle.people_without_heat
    assert figures["people_without_power"] == oracle.people_without_power
    assert EXTRA in figures["damaged_assets"] and RETRACTED not in figures["damaged_assets"]
    assert figures["people_without_heat"] != seeded["people_without_heat"]
    report = client.get("/report", headers=headers)
    text = " ".join(lxml.html.fromstring(report.text).find("body").itertext())
    assert f"{oracle.people_without_heat:,} people without heat" in text
    assert f"{oracle.people_without_power:,} people without power" in text


def test_the_situation_as_of_a_time_replays_the_log_and_the_plan(edited, city) -> None:
    client, headers, facts = edited
    start = demo_scenario().start
    extra_at, _ = facts["times"][EXTRA]
    retracted_at = facts["times"][RETRACTED][1]
    before = client.get(
        "/console/situation",
        params={"at": (start - timedelta(minutes=1)).isoformat()},
        headers=headers,
    ).json()
    assert before["figures"]["people_without_power"] == 0
    assert before["figures"]["damaged_assets"] == []
    assert before["incidents"] == 1  # the air-raid alert came before the strike

    six_hours = start + timedelta(hours=6)
    answer = client.get("/console/situation", params={"at": six_hours.isoformat()}, headers=headers)
    assert answer.status_code == 200, answer.text
    got = answer.json()
    assert got["elapsed_h"] == pytest.approx(6.0)
    seeded_ids = [a for a in facts["times"] if a != EXTRA]
    assessment = run_scenario(situation_scenario(demo_scenario(), city, seeded_ids, start), city)
    assert sorted(got["figures"]["damaged_assets"]) == sorted(assessment.impact.damaged_asset_ids)
    assert got["figures"]["people_without_heat"] == _people(assessment, 6.0, "heat")
    assert got["figures"]["people_without_power"] == _people(assessment, 6.0, "power")
    later = client.get(
        "/console/situation",
        params={"at": (start + timedelta(hours=40)).isoformat()},
        headers=headers,
    ).json()
    assert later["figures"]["people_without_heat"] == _people(assessment, 40.0, "heat")
    assert later["figures"]["people_without_heat"] < got["figures"]["people_without_heat"]

    moment = extra_at + (retracted_at - extra_at) / 2
    between = client.get(
        "/console/situation", params={"at": moment.isoformat()}, headers=headers
    ).json()["figures"]["damaged_assets"]
    assert EXTRA in between and RETRACTED in between
    layers = client.get("/console/layers", params={"at": six_hours.isoformat()}, headers=headers)
    states = set(layers.json()["buildings"]["state"])
    assert 0 in states and states & {2, 3}  # served, and some without heat


def test_the_timeline_lists_the_log_and_the_plan_in_order(edited) -> None:
    client, headers, _ = edited
    answer = client.get("/console/timeline", headers=headers).json()
    times = [datetime.fromisoformat(event["at"]) for event in answer["events"]]
    assert times == sorted(times)
    kinds = {event["kind"] for event in answer["events"]}
    assert {"incident", "damage", "retracted", "repair"} <= kinds
    assert datetime.fromisoformat(answer["start"]) <= demo_scenario().start
    assert datetime.fromisoformat(answer["end"]) >= max(times)


def test_a_time_without_its_offset_is_refused(edited) -> None:
    client, headers, _ = edited
    answer = client.get("/console/situation?at=2026-11-26T06:00:00", headers=headers)
    assert answer.status_code == 422 and answer.json()["field"] == "at"
    assert client.get("/console/situation?at=yesterday", headers=headers).status_code == 422
    far = client.get("/console/situation?at=0001-01-01T00:00:00%2B14:00", headers=headers)
    assert far.status_code == 422 and far.json()["field"] == "at"


def test_replayed_networks_follow_the_plan(edited, city) -> None:
    """Brute force over the plan of the damage confirmed by then: just before a repair
    ends its asset shows damaged, just after it no longer does; a branch is dead when both
    its ends are cut off by what is still broken then (assessed anew from that alone)."""
    client, headers, facts = edited
    start = demo_scenario().start
    geometry = client.get("/console/geometry", headers=headers).json()
    branch_ids = geometry["branches"]["id"]
    asset_ids = geometry["assets"]["id"]
    ends = city.branches.set_index("id")
    compiled = compile_city(city)
    plans: dict[tuple[str, ...], tuple[tuple[str, ...], dict[str, float]]] = {}

    def confirmed(at: datetime) -> tuple[str, ...]:
        return tuple(
            sorted(
                asset
                for asset, (made, gone) in facts["times"].items()
                if made <= at and (gone is None or gone > at)
            )
        )

    def plan_of(ids: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, float]]:
        if ids not in plans:
            done = run_scenario(situation_scenario(demo_scenario(), city, ids, start), city)
            tasks = done.plan.problem.tasks if done.plan else []
            end_h = done.plan.schedule.end_h if done.plan else []
            plans[ids] = (
                tuple(done.impact.damaged_asset_ids),
                {task.id: float(h) for task, h in zip(tasks, end_h, strict=True)},
            )
        return plans[ids]

    last = max(made for made, _ in facts["times"].values() if made <= start + timedelta(hours=72))
    damaged, ends_h = plan_of(confirmed(last))
    repairs = sorted(ends_h[a] for a in damaged if a in ends_h)
    assert len(repairs) >= 2
    moments = [0.5, *(h + d for h in repairs for d in (-0.05, 0.05))]
    repaired_seen = 0
    for hours in moments:
        at = start + timedelta(hours=hours)
        damaged, ends_h = plan_of(confirmed(at))
        layers = client.get(
            "/console/layers", params={"at": at.isoformat()}, headers=headers
        ).json()
        broken = {a for a in damaged if not ends_h.get(a, np.inf) <= hours}
        shown = {branch_ids[row] for row in layers["branches"]["damaged"]}
        shown |= {asset_ids[row] for row in layers["assets"]["damaged"]}
        assert shown == broken, hours
        repaired_seen += len(broken) < len(damaged)
        cut = assess(compiled, Damage(asset_ids=tuple(sorted(broken)), areas=()))
        off = set().union(*cut.unsupplied().values())
        dead = {
            ident
            for ident in branch_ids
            if ident not in broken
            and ends.at[ident, "from_node"] in off
            and ends.at[ident, "to_node"] in off
        }
        assert {branch_ids[row] for row in layers["branches"]["dead"]} == dead, hours
    assert repaired_seen >= len(repairs)  # after each repair, the map showed it repaired
