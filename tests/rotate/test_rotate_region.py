"""SimBench's complete grid: a regional deficit, its rotation checked by pandapower's AC
power flow slot by slot, and the region-only AC check against the whole-grid one.

The case: 1-EHVHVMVLV-mixed-all-0-sw (SimBench's complete grid, 37,587 buses), HV/MV
transformer 44 (HV2-MV4.202-Trafo1) lost; its partner 45 is left to feed the MV grid
MV4.202 alone. SimBench's substations are n-1 secure at ``hL`` (the partner would carry
about 95 %), so the district's loads are raised by 30 % (electric heaters switched on
when its heat fails), which overloads the partner. Every load stays connected.

Slow (about a minute): reading the complete grid alone takes 20–40 s.
"""

from __future__ import annotations

import copy
import warnings
from datetime import datetime
from typing import Any

import numpy as np
import pytest

from warmgrid.impact import Damage, assess_mask, damage_mask
from warmgrid.model import City, compile_city
from warmgrid.rotate import plan_rotation
from warmgrid.rotate.acflow import PowerNet, check_slot, cut_elements, power_net
from warmgrid.rotate.plan import RotationPlan
from warmgrid.rotate.region import region_net
from warmgrid.rotate.slots import slot_edges, slot_loads_mw

pytestmark = pytest.mark.slow

CODE = "1-EHVHVMVLV-mixed-all-0-sw"
DAMAGE = Damage(asset_ids=("power.trafo.44",))
PARTNER = 45
DISTRICT = "MV4.202"
SURGE = 1.3
START = datetime.fromisoformat("2026-11-26T16:00:00+01:00")
HOURS, SLOT_H = 48.0, 2.0
LOADING_TOLERANCE_PCT = 1.0
VM_TOLERANCE_PU = 0.01  # the boundary bus rises ~0.005 p.u. when the district is shed


@pytest.fixture(scope="module")
def city() -> City:
    from warmgrid.model.io.pandapower_io import city_from_simbench, simbench_net

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grid = city_from_simbench(CODE)
        net = simbench_net(CODE)
    district = net.bus.index[net.bus["subnet"].astype(str).str.startswith(DISTRICT)]
    loads = {f"power.load.{i}" for i in net.load.index[net.load["bus"].isin(district)]}
    surge = grid.buildings["id"].isin(loads).to_numpy()
    assert surge.sum() > 50
    grid.buildings.loc[surge, "peak_kw"] *= SURGE
    return grid


@pytest.fixture(scope="module")
def plan(city: City) -> RotationPlan:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return plan_rotation(
            city, DAMAGE, start=START, hours=HOURS, slot_h=SLOT_H, region_only=True
        )


def _flow(power: PowerNet, cut: list[str], load_mw: np.ndarray) -> Any:
    """A copy of ``power.net`` after pandapower's power flow with ``cut`` out."""
    import pandapower as pp

    work = PowerNet(copy.deepcopy(power.net), power.elements, power.load_row, power.tan_phi, {})
    cut_elements(work, cut)
    rows = power.load_row >= 0
    work.net.load.loc[power.load_row[rows], "p_mw"] = load_mw[rows]
    work.net.load.loc[power.load_row[rows], "q_mvar"] = load_mw[rows] * power.tan_phi[rows]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pp.runpp(work.net, numba=False)
    return work.net


def test_every_load_stays_connected(city: City) -> None:
    compiled = compile_city(city)
    after = assess_mask(compiled, damage_mask(compiled, DAMAGE))
    assert not after.building_without_power.any()


def test_every_slot_passes_the_ac_check_and_without_rotation_the_partner_is_overloaded(
    city: City, plan: RotationPlan
) -> None:
    data = plan.to_json()
    assert data["deficit_mw"] > 0
    assert data["slots"][-1]["end_h"] == HOURS and len(data["slots"]) == HOURS / SLOT_H
    assert any(slot["off"] for slot in data["slots"])
    assert len(plan.ac_checks) == len(data["slots"])
    for k, check in enumerate(plan.ac_checks):
        assert check.ok(100.0), (k, check)
    # no slot sheds every group: two of the three always suffice at this load
    assert all(len(slot["off"]) < len(data["groups"]) for slot in data["slots"])
    # without rotation, the same slots overload the partner (whole-grid AC flow)
    whole = power_net(city)
    loads = slot_loads_mw(city.buildings, slot_edges(HOURS, SLOT_H), START, 1.0)
    peak = int(np.argmax(loads.sum(axis=0)))
    net = _flow(whole, list(DAMAGE.asset_ids), loads[:, peak])
    assert net.res_trafo.at[PARTNER, "loading_percent"] > 100.0
    region = _region_net(city, whole)
    assert not check_slot(region, list(DAMAGE.asset_ids), loads[:, peak], 100.0).ok(100.0)


def _region_net(city: City, whole: PowerNet) -> PowerNet:
    from warmgrid.rotate.tree import block_tree

    compiled = compile_city(city)
    mask = damage_mask(compiled, DAMAGE)
    tree = block_tree(compiled, mask)
    partner = np.flatnonzero(
        [str(f"power.trafo.{PARTNER}") in city.branches["id"].to_numpy()[b] for b in
         tree.bridge_branches]
    )  # fmt: skip
    assert partner.size == 1
    inside = np.zeros(tree.n_blocks, dtype=bool)
    root = int(partner[0])
    inside[root : root + tree.size[root]] = True
    return region_net(compiled, tree, inside, whole, list(DAMAGE.asset_ids))


def test_region_only_flow_gives_the_whole_grid_loadings(city: City, plan: RotationPlan) -> None:
    whole = power_net(city)
    region = _region_net(city, whole)
    data = plan.to_json()
    switch_off = {g["id"]: g["switch_off"] for g in data["groups"]}
    loads = slot_loads_mw(city.buildings, slot_edges(HOURS, SLOT_H), START, 1.0)
    peak = int(np.argmax(loads.sum(axis=0)))
    busiest = max(range(len(data["slots"])), key=lambda t: len(data["slots"][t]["off"]))
    for t, off in ((peak, data["slots"][peak]["off"]), (busiest, data["slots"][busiest]["off"]),
                   (peak, [])):  # fmt: skip
        cut = list(DAMAGE.asset_ids) + [b for g in off for b in switch_off[g]]
        full = _flow(whole, cut, loads[:, t])
        part = _flow(region, cut, loads[:, t])
        for table in ("line", "trafo"):
            res = part[f"res_{table}"]["loading_percent"].dropna()
            assert res.size
            gap = (full[f"res_{table}"]["loading_percent"].reindex(res.index) - res).abs()
            assert gap.max() <= LOADING_TOLERANCE_PCT, (table, t, off, gap.max())
        vm = part.res_bus["vm_pu"].dropna()
        assert (full.res_bus["vm_pu"].reindex(vm.index) - vm).abs().max() <= VM_TOLERANCE_PU
