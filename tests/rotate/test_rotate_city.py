"""Rotation on real networks, judged by pandapower (AC power flow, topology).

The SimBench case: in 1-MV-rural--0-sw the two 25 MVA HV/MV transformers share the load
through closed bus couplers; with transformer 0 damaged every load stays connected, and at
1.6 × the ``hL`` load the survivor is overloaded. The demo city lives under a 20 MW
consumption limit below its evening peak.
"""

from __future__ import annotations

import copy
import itertools
from datetime import datetime
from functools import cache
from typing import Any

import numpy as np
import pandapower.topology as top
import pytest

from warmgrid.impact import Damage, assess
from warmgrid.model import City, compile_city
from warmgrid.model.demo import demo_city
from warmgrid.model.io.pandapower_io import city_from_simbench
from warmgrid.rotate import RotationPlan, plan_rotation
from warmgrid.rotate.acflow import SlotCheck, check_slot, power_net
from warmgrid.rotate.slots import slot_edges, slot_loads_mw
from warmgrid.scenario.spec import demo_scenario
from warmgrid.thermal.weather import constant_weather

MV_RURAL = "1-MV-rural--0-sw"
EVENING = datetime.fromisoformat("2026-11-26T16:00:00+02:00")


@cache
def rural() -> City:
    return city_from_simbench(MV_RURAL)


@cache
def demo_plan() -> RotationPlan:
    return plan_rotation(demo_city(), demo_scenario().damage, start=EVENING, hours=12.0, slot_h=2.0)


@cache
def rural_plan(repaired_at_h: float | None = None) -> RotationPlan:
    repaired = {"power.trafo.0": repaired_at_h} if repaired_at_h is not None else None
    return plan_rotation(
        rural(),
        Damage(asset_ids=("power.trafo.0",)),
        start=EVENING,
        hours=6.0,
        slot_h=2.0,
        load_scale=1.6,
        repaired_at_h=repaired,
    )


def _assert_contract(plan: RotationPlan, hours: float, slot_h: float) -> None:
    data = plan.to_json()
    slots = data["slots"]
    assert slots[0]["start_h"] == 0.0 and slots[-1]["end_h"] == hours
    for before, after in itertools.pairwise(slots):
        assert before["end_h"] == after["start_h"]
    assert all(0 < s["end_h"] - s["start_h"] <= slot_h for s in slots)
    critical = {g["id"] for g in data["groups"] if g["critical"]}
    assert critical.isdisjoint(g for s in slots for g in s["off"])
    for name in ("people_hours_below_12c", "jain_index", "energy_not_served_mwh"):
        assert name in data and set(data["baselines"]) == {"cyclic", "largest_first"}
        assert name in data["baselines"]["cyclic"]
    assert all(check["converged"] for check in data["ac_check"])
    assert data["people_hours_below_12c"] <= data["baselines"]["cyclic"]["people_hours_below_12c"]


def _peak_without_rotation(city: City, damage: Damage, hours: float, scale: float) -> SlotCheck:
    """The AC check of the busiest slot with every group on."""
    loads = slot_loads_mw(city.buildings, slot_edges(hours, 2.0), EVENING, scale)
    damaged = assess(compile_city(city), damage).damaged_asset_ids
    peak = int(np.argmax(loads.sum(axis=0)))
    return check_slot(power_net(city), damaged, loads[:, peak], 100.0)


def test_simbench_parallel_transformer_loss_is_overloaded_and_the_rotation_fits() -> None:
    city = rural()
    damage = Damage(asset_ids=("power.trafo.0",))
    impact = assess(compile_city(city), damage)
    assert not impact.building_without_power.any()  # every load is still connected
    plan = rural_plan()
    assert plan.deficit_mw > 0
    _assert_contract(plan, 6.0, 2.0)
    for check in plan.ac_checks:
        assert check.ok(100.0), check  # pandapower: ≤ 100 %, 0.9–1.1 p.u.
    unrotated = _peak_without_rotation(city, damage, 6.0, 1.6)
    assert unrotated.max_loading_pct > 100.0  # the deficit is real
    assert all(s["off"] for s in plan.slots()[1:])  # the evening peak slots


def test_deficit_cause_is_the_surviving_transformer_after_the_damage() -> None:
    """With one of the two HV/MV transformers lost the other one's rating sets the
    deficit; intact, the pair carries the load, so the damage is the cause."""
    plan = rural_plan()
    cause = plan.deficit_cause
    assert cause is not None and cause.kind == "branch" and cause.unit == "MVA"
    assert not cause.city_limit and cause.damaged
    branches = rural().branches.set_index("id")
    assert "power.trafo.0" not in cause.names
    assert cause.available == pytest.approx(branches.loc[cause.names, "rating_mva"].sum())
    assert cause.load - cause.available == pytest.approx(plan.deficit_mw)


def test_region_only_plans_and_checks_as_the_whole_grid_where_the_damage_is_all() -> None:
    whole = rural_plan()
    region = plan_rotation(
        rural(), Damage(asset_ids=("power.trafo.0",)), start=EVENING, hours=6.0, slot_h=2.0,
        load_scale=1.6, region_only=True,
    )  # fmt: skip
    assert region.to_json()["groups"] == whole.to_json()["groups"]
    assert region.slots() == whole.slots()
    assert region.ac_net is not None and whole.ac_net is not None
    assert len(region.ac_net.net.bus) < len(whole.ac_net.net.bus)  # the HV side is cut
    for part, full in zip(region.ac_checks, whole.ac_checks, strict=True):
        assert part.ok(100.0)
        assert abs(part.max_loading_pct - full.max_loading_pct) <= 1.0
        assert abs(part.min_vm_pu - full.min_vm_pu) <= 0.01


def test_repair_ends_the_rotation_slot_by_slot() -> None:
    plan = rural_plan(repaired_at_h=4.0)  # the transformer is back from the third slot
    slots = plan.slots()
    assert slots[1]["off"] and not slots[2]["off"]


def test_demo_groups_match_pandapower_topology_and_the_schedule_holds() -> None:
    city = demo_city()
    plan = demo_plan()
    _assert_contract(plan, 12.0, 2.0)
    assert all(check.ok(100.0) for check in plan.ac_checks)
    base = assess(compile_city(city), demo_scenario().damage)
    net = power_net(city)
    bus_of = {ident: index for ident, (table, index) in net.elements.items() if table == "bus"}
    node_bus = city.buildings["power_node"].map(bus_of)

    def dark(opened: list[str]) -> set[int]:
        cut = copy.deepcopy(net.net)
        for ident in [*base.damaged_asset_ids, *opened]:
            table, index = net.elements.get(ident, (None, None))
            if table == "switch":
                cut.switch.at[index, "closed"] = False
            elif table is not None:
                cut[table].at[index, "in_service"] = False
        return set(top.unsupplied_buses(cut))

    before = dark([])
    for group in plan.to_json()["groups"]:
        if group["critical"]:
            continue
        lost = city.buildings["id"][node_bus.isin(dark(group["switch_off"]) - before)]
        assert sorted(group["buildings"]) == sorted(lost), group["id"]
    ids = [b for g in plan.to_json()["groups"] for b in g["buildings"]]
    assert len(ids) == len(set(ids))  # groups are disjoint


def test_demo_deficit_is_real_without_rotation() -> None:
    check = _peak_without_rotation(demo_city(), demo_scenario().damage, 12.0, 1.0)
    assert check.converged and not check.infeed_ok


def test_no_deficit_gives_an_empty_schedule() -> None:
    plan = plan_rotation(demo_city(), Damage(), start=EVENING, hours=4.0, load_scale=0.3)
    data = plan.to_json()
    assert data["deficit_mw"] == 0 and data["slots"] == [] and data["groups"] == []


def test_demo_exempt_homes_are_counted() -> None:
    exempt = demo_plan().exempt_homes
    assert exempt["buildings"] > 0 and exempt["people"] > 0


def test_cold_aware_schedule_is_strictly_better_than_cyclic_in_a_deep_cold_deficit() -> None:
    """The demo at 1.6 × its load and −20 °C outdoors (docs/rotate.md): groups are off for
    hours; the cyclic rotation leaves electrically heated homes below 12 °C, the
    cold-aware schedule keeps its off-time on groups whose homes keep their heat."""
    plan = plan_rotation(
        demo_city(),
        demo_scenario().damage,
        start=EVENING,
        hours=24.0,
        slot_h=1.0,
        load_scale=1.6,
        weather=constant_weather(-20.0, 25),
        ac_check=False,
    )
    data: Any = plan.to_json()
    cyclic = data["baselines"]["cyclic"]["people_hours_below_12c"]
    assert data["people_hours_below_12c"] < cyclic
    assert cyclic - data["people_hours_below_12c"] > 100.0


def test_slots_in_the_same_state_share_a_power_flow_with_the_same_result() -> None:
    """Over 48 h the second day repeats the first day's hours (the same loads); where a
    slot also has the same groups off, the plan reuses the power flow. Every slot's
    check equals a power flow run afresh on a fresh net."""
    city = rural()
    plan = plan_rotation(
        city, Damage(asset_ids=("power.trafo.0",)), start=EVENING, hours=48.0, slot_h=2.0,
        load_scale=1.6,
    )  # fmt: skip
    loads = slot_loads_mw(city.buildings, slot_edges(48.0, 2.0), EVENING, 1.6)
    groups = {g["id"]: g["switch_off"] for g in plan.groups}
    states = {(loads[:, t].tobytes(), plan.off[:, t].tobytes()) for t in range(24)}
    assert len(states) < 24  # some slots do share a state
    net = power_net(city)
    for t, slot in enumerate(plan.slots()):
        opened = [i for g in slot["off"] for i in groups[g]]  # type: ignore[attr-defined]
        fresh = check_slot(net, ["power.trafo.0", *opened], loads[:, t], 100.0)
        assert plan.ac_checks[t] == fresh
