"""Switching before repair against pandapower: the proposal restores as much load as an
exhaustive search over every switch state, judged by pandapower's AC power flow, and the
proposed switch states load nothing above its rating with voltages within 0.9–1.1 p.u."""

from __future__ import annotations

import copy
import itertools
import math

import numpy as np
import pandapower as pp
import pandas as pd
import pytest

from warmgrid.impact import assess
from warmgrid.impact.damage import Damage
from warmgrid.impact.switching import propose_switching
from warmgrid.model import compile_city
from warmgrid.model.io.pandapower_io import city_from_pandapower

LOAD_MW = 1.0
COS_PHI = 0.95
TRUNK_KA = 4.8 / (math.sqrt(3) * 20.0)  # 4.8 MVA at 20 kV


def _feeders(trunk_b_ka: float) -> pp.pandapowerNet:
    """Two 20 kV feeders A and B of three 1 MW sections each, from one 110/20 kV
    substation; every section cable has a load-break switch at its far end and a
    normally open tie joins the feeders' ends. B's first cable carries ``trunk_b_ka``."""
    net = pp.create_empty_network()
    hv = pp.create_bus(net, 110.0, geodata=(0.0, 0.0))
    pp.create_ext_grid(net, hv, vm_pu=1.02)
    ends = []
    for f, name in enumerate("AB"):
        head = pp.create_bus(net, 20.0, geodata=(0.01 * f, 0.0))
        pp.create_transformer(net, hv, head, std_type="40 MVA 110/20 kV")
        previous = head
        for k in range(3):
            bus = pp.create_bus(net, 20.0, geodata=(0.01 * f, 0.01 * (k + 1)), name=f"{name}{k}")
            max_i = trunk_b_ka if (name == "B" and k == 0) else 0.6
            line = pp.create_line_from_parameters(
                net, previous, bus, 1.0, 0.1, 0.1, 300.0, max_i, name=f"{name} cable {k}"
            )
            pp.create_switch(net, bus, line, et="l", closed=True)
            q = LOAD_MW * math.tan(math.acos(COS_PHI))
            pp.create_load(net, bus, LOAD_MW, q)
            previous = bus
        ends.append(previous)
    pp.create_switch(net, ends[0], ends[1], et="b", closed=False, name="tie")
    return net


def _city(net: pp.pandapowerNet) -> object:
    """The imported city, with ratings and peak loads taken from the net."""
    city = city_from_pandapower(net, name="feeders")
    branches = city.branches.set_index("id")
    for i, row in net.line.iterrows():
        vn = net.bus.at[row.from_bus, "vn_kv"]
        branches.loc[f"power.line.{i}", "rating_mva"] = math.sqrt(3) * vn * row.max_i_ka
    for i, row in net.trafo.iterrows():
        branches.loc[f"power.trafo.{i}", "rating_mva"] = row.sn_mva
    buildings = city.buildings.set_index("id")
    for i, row in net.load.iterrows():
        buildings.loc[f"power.load.{i}", "peak_kw"] = row.p_mw * 1000.0
    city.branches = branches.reset_index()
    city.buildings = buildings.reset_index()
    city.sources["capacity_mw"] = 100.0  # the 110 kV infeed is not a limit here
    return city


def _served_mw(net: pp.pandapowerNet, damaged_line: int, closed: dict[int, bool]) -> float | None:
    """Load served (MW) with the switch states ``closed`` and the damaged cable out, or
    None when pandapower's AC power flow fails, overloads or leaves 0.9–1.1 p.u."""
    trial = copy.deepcopy(net)
    trial.line.loc[damaged_line, "in_service"] = False
    for index, state in closed.items():
        trial.switch.loc[index, "closed"] = state
    try:
        pp.runpp(trial, numba=False)
    except pp.powerflow.LoadflowNotConverged:
        return None
    lit = trial.res_bus.vm_pu.notna() & (trial.res_bus.vm_pu > 0)
    vm = trial.res_bus.vm_pu[lit]
    if ((vm < 0.9) | (vm > 1.1)).any():
        return None
    for table in ("res_line", "res_trafo"):
        loading = getattr(trial, table).loading_percent.fillna(0.0)
        if (loading > 100.0 + 1e-6).any():
            return None
    return float(trial.load.p_mw[lit.loc[trial.load.bus].to_numpy()].sum())


def _topological_mw(net: pp.pandapowerNet, damaged_line: int, closed: dict[int, bool]) -> float:
    """Load connected to the grid infeed with these switch states (union-find)."""
    parent = {int(b): int(b) for b in net.bus.index}

    def root(b: int) -> int:
        while parent[b] != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        return b

    cut = {int(s.element) for i, s in net.switch.iterrows() if s.et == "l" and not closed[i]}
    pairs = [(int(t.hv_bus), int(t.lv_bus)) for t in net.trafo.itertuples()]
    pairs += [
        (int(line.from_bus), int(line.to_bus))
        for i, line in net.line.iterrows()
        if i != damaged_line and i not in cut
    ]
    pairs += [
        (int(s.bus), int(s.element)) for i, s in net.switch.iterrows() if s.et == "b" and closed[i]
    ]
    for a, b in pairs:
        parent[root(a)] = root(b)
    fed = {root(int(b)) for b in net.ext_grid.bus}
    loads = zip(net.load.bus, net.load.p_mw, strict=True)
    return float(sum(p for bus, p in loads if root(int(bus)) in fed))


def _exhaustive_mw(net: pp.pandapowerNet, damaged_line: int) -> float:
    """The most load any switch state serves within limits: every state, in decreasing
    order of the load it connects, until pandapower accepts one (no state can serve
    more than it connects)."""
    switches = list(net.switch.index)
    states = [
        dict(zip(switches, combo, strict=True))
        for combo in itertools.product((False, True), repeat=len(switches))
    ]
    ranked = sorted(((_topological_mw(net, damaged_line, s), k) for k, s in enumerate(states)))
    best = 0.0
    for connected, k in reversed(ranked):
        if connected <= best + 1e-9:
            break
        served = _served_mw(net, damaged_line, states[k])
        if served is not None:
            best = max(best, served)
    return best


def _proposed_states(net: pp.pandapowerNet, proposal: object) -> dict[int, bool]:
    closed = dict(net.switch.closed.astype(bool).items())
    for step in proposal.steps:
        for ident in step.close:
            closed[int(ident.rsplit(".", 1)[1])] = True
        for ident in step.open:
            closed[int(ident.rsplit(".", 1)[1])] = False
    return closed


@pytest.mark.parametrize(
    ("trunk_b_ka", "damaged_line", "restored_loads"),
    [
        (0.6, 0, 3),  # B can carry all of A's dark part
        (TRUNK_KA, 0, 1),  # B's first cable takes one more section only
        (0.6, 1, 2),  # damage mid-feeder: the first section stays on A
        (TRUNK_KA / 2, 0, 0),  # B's cable is already full: the tie stays open
    ],
)
def test_proposal_restores_as_much_as_exhaustive_search(
    trunk_b_ka: float, damaged_line: int, restored_loads: int
) -> None:
    net = _feeders(trunk_b_ka)
    if trunk_b_ka < TRUNK_KA:  # a cable already loaded beyond 3 MW: no switching helps
        net.line.loc[3, "max_i_ka"] = 3.5 / (math.sqrt(3) * 20.0)
    city = _city(net)
    result = assess(compile_city(city), Damage(asset_ids=[f"power.line.{damaged_line}"]))
    proposal = propose_switching(result)

    restored = sum(len(step.building_index) for step in proposal.steps)
    assert restored == restored_loads
    lit_before = 6 - int(result.building_without_power.sum())
    assert (lit_before + restored) * LOAD_MW == pytest.approx(_exhaustive_mw(net, damaged_line))
    served = _served_mw(net, damaged_line, _proposed_states(net, proposal))
    assert served == pytest.approx((lit_before + restored) * LOAD_MW)
    for step in proposal.steps:
        assert not step.unknown_ratings and not step.unknown_load_buildings
        assert step.open  # what the tie feeds is cut off from what stays dark
    if restored_loads == 6 - lit_before:  # all fed through the tie: the cable is isolated
        assert proposal.steps[0].open == (f"power.switch.{damaged_line}",)


def test_unknown_ratings_are_named_not_assumed() -> None:
    net = _feeders(0.6)
    city = _city(net)
    city.branches["rating_mva"] = np.where(
        city.branches["id"] == "power.line.3", np.nan, city.branches["rating_mva"]
    )
    city.buildings["peak_kw"] = np.where(
        city.buildings["id"] == "power.load.2", np.nan, city.buildings["peak_kw"]
    )
    result = assess(compile_city(city), Damage(asset_ids=["power.line.0"]))
    (step,) = propose_switching(result).steps
    summary = step.to_dict(city.buildings["id"].to_numpy())
    assert summary["capacity_checked"] is False
    assert summary["unknown_ratings"] == ["power.line.3"]
    assert summary["unknown_load_buildings"] == 1
    assert isinstance(pd.Series(summary["buildings"]).iloc[0], str)
