"""Imported power grids agree with pandapower's own topology on who is unsupplied.

Oracle: ``pandapower.topology.unsupplied_buses`` on a copy of the net where the damaged
buses, lines and transformers are out of service and the damaged switches are open.
"""

from __future__ import annotations

import copy
from functools import cache

import numpy as np
import pandapower as pp
import pandapower.networks as pn
import pandapower.topology as top
import pytest
from grid_oracles import damaged_copy, our_unsupplied, pick_damage, simbench_net
from hypothesis import given, settings
from hypothesis import strategies as st

from warmgrid.errors import InputError
from warmgrid.model import compile_city
from warmgrid.model.io.pandapower_io import city_from_pandapower

SMALL_GRIDS = (
    "1-LV-rural1--0-sw",
    "1-MV-urban--0-sw",
    pytest.param("1-HV-mixed--0-sw", marks=pytest.mark.slow),  # ~15 s to load
)
DAMAGE = {"bus": 2, "line": 3, "trafo": 1, "switch": 4}


def _check_random_damage(code: str, trials: int, counts: dict[str, int], seed: int) -> int:
    net = simbench_net(code)
    compiled = compile_city(city_from_pandapower(net, name=code))
    rng = np.random.default_rng(seed)
    nonempty = 0
    for _ in range(trials):
        ids = pick_damage(net, "power", rng, counts)
        with damaged_copy(net, "power", ids) as damaged:
            expected = {int(b) for b in top.unsupplied_buses(damaged)}
        assert our_unsupplied(compiled, "power", "bus", ids, set()) == expected, ids
        nonempty += bool(expected)
    return nonempty


@pytest.mark.parametrize("code", SMALL_GRIDS)
def test_undamaged_grid_matches_pandapower(code: str) -> None:
    net = simbench_net(code)
    compiled = compile_city(city_from_pandapower(net, name=code))
    expected = {int(b) for b in top.unsupplied_buses(net)}
    assert our_unsupplied(compiled, "power", "bus", [], set()) == expected


@pytest.mark.parametrize("code", SMALL_GRIDS)
def test_random_damage_matches_pandapower(code: str) -> None:
    nonempty = _check_random_damage(code, trials=15, counts=DAMAGE, seed=7)
    assert nonempty >= 5  # the damage sets do cut buses off, so the comparison has teeth


@pytest.mark.slow
@pytest.mark.xdist_group("simbench_complete")  # the net is loaded once per worker
def test_random_damage_matches_pandapower_on_complete_grid() -> None:
    code = "1-complete_data-mixed-all-0-sw"
    net = simbench_net(code)
    compiled = compile_city(city_from_pandapower(net, name=code))
    expected = {int(b) for b in top.unsupplied_buses(net)}
    assert our_unsupplied(compiled, "power", "bus", [], set()) == expected
    counts = {"bus": 30, "line": 60, "trafo": 8, "switch": 60}
    nonempty = _check_random_damage(code, 8, counts, seed=11)
    assert nonempty == 8


@settings(max_examples=25, deadline=None)
@given(
    out_buses=st.sets(st.integers(0, 143), max_size=6),
    out_lines=st.sets(st.integers(0, 146), max_size=6),
    flipped=st.sets(st.integers(0, 304), max_size=12),
    damage_seed=st.integers(0, 2**16),
)
def test_out_of_service_and_switch_states_match_pandapower(
    out_buses: set[int], out_lines: set[int], flipped: set[int], damage_seed: int
) -> None:
    """Elements out of service and switches toggled *in the source net* are imported so
    that the undamaged and damaged states both agree with pandapower."""
    net = copy.deepcopy(simbench_net("1-MV-urban--0-sw"))
    bus_index, line_index = net.bus.index.to_numpy(), net.line.index.to_numpy()
    net.bus.loc[bus_index[list(out_buses)], "in_service"] = False
    net.line.loc[line_index[list(out_lines)], "in_service"] = False
    switch_index = net.switch.index.to_numpy()[list(flipped)]
    net.switch.loc[switch_index, "closed"] = ~net.switch.loc[switch_index, "closed"]
    compiled = compile_city(city_from_pandapower(net, name="mv"))
    skip = {int(b) for b in bus_index[list(out_buses)]}
    assert our_unsupplied(compiled, "power", "bus", [], skip) == set(top.unsupplied_buses(net))
    ids = pick_damage(net, "power", np.random.default_rng(damage_seed), DAMAGE)
    with damaged_copy(net, "power", ids) as damaged:
        expected = {int(b) for b in top.unsupplied_buses(damaged)}
    assert our_unsupplied(compiled, "power", "bus", ids, skip) == expected


@cache
def _multivoltage() -> pp.pandapowerNet:
    return pn.example_multivoltage()


def multivoltage() -> pp.pandapowerNet:
    """A fresh copy of pandapower's example_multivoltage (slow to build, so built once)."""
    return copy.deepcopy(_multivoltage())


def _multivoltage_with_t3_switches() -> pp.pandapowerNet:
    net = multivoltage()
    trafo = net.trafo3w.iloc[0]
    for side in ("hv_bus", "mv_bus", "lv_bus"):
        pp.create_switch(net, bus=int(trafo[side]), element=0, et="t3", closed=True)
    # a second switch in series on the medium-voltage side
    pp.create_switch(net, bus=int(trafo["mv_bus"]), element=0, et="t3", closed=True)
    return net


@settings(max_examples=15, deadline=None)
@given(
    opened=st.sets(st.sampled_from(["hv", "mv", "mv2", "lv"]), max_size=3),
    side_bus_damaged=st.sets(st.sampled_from(["hv_bus", "mv_bus", "lv_bus"]), max_size=2),
    extra_seed=st.integers(0, 2**16),
)
def test_three_winding_transformer_sides_match_pandapower(
    opened: set[str], side_bus_damaged: set[str], extra_seed: int
) -> None:
    """A switch or bus lost at one side of a trafo3w leaves the other two sides coupled."""
    net = _multivoltage_with_t3_switches()
    t3 = net.switch.index[net.switch.et == "t3"].to_numpy()
    side_switch = dict(zip(["hv", "mv", "lv", "mv2"], t3, strict=True))
    for side in opened:
        net.switch.loc[side_switch[side], "closed"] = False
    # the grid is fed at the 110 kV side only; feed the low side too so that hv-lv matters
    pp.create_ext_grid(net, bus=int(net.trafo3w.at[0, "lv_bus"]))
    compiled = compile_city(city_from_pandapower(net, name="multivoltage"))
    ids = [f"power.bus.{int(net.trafo3w.at[0, side])}" for side in side_bus_damaged]
    ids += pick_damage(net, "power", np.random.default_rng(extra_seed), {"line": 2, "impedance": 1})
    with damaged_copy(net, "power", ids) as damaged:
        expected = {int(b) for b in top.unsupplied_buses(damaged)}
    assert our_unsupplied(compiled, "power", "bus", ids, set()) == expected


def test_three_winding_switch_must_sit_at_a_side() -> None:
    net = multivoltage()
    row = len(net.switch)
    net.switch.loc[row] = net.switch.iloc[0]
    net.switch.loc[row, ["bus", "element", "et"]] = [0, 0, "t3"]
    with pytest.raises(InputError, match=f"switch {row}: bus 0 is not a side of trafo3w 0"):
        city_from_pandapower(net, name="bad")


def test_only_slack_generators_are_sources() -> None:
    net = multivoltage()
    for slack in (False, True):
        net.gen.loc[0, "slack"] = slack
        city = city_from_pandapower(net, name="mv")
        expected_sources = {"power.ext_grid.0"} | ({"power.gen.0"} if slack else set())
        assert set(city.sources["id"]) == expected_sources
        ids = ["power.ext_grid.0"]
        with damaged_copy(net, "power", ids) as damaged:
            expected = {int(b) for b in top.unsupplied_buses(damaged)}
        assert our_unsupplied(compile_city(city), "power", "bus", ids, set()) == expected
        assert bool(expected) != slack  # without a slack generator the grid is dark


def test_ids_keep_pandapower_tables_and_indices() -> None:
    net = multivoltage()
    city = city_from_pandapower(net, name="mv")
    ids = set(city.asset_ids())
    assert {f"power.bus.{i}" for i in net.bus.index} <= ids
    assert {f"power.line.{i}" for i in net.line.index} <= ids
    assert {"power.trafo3w.0", "power.impedance.0", "power.ext_grid.0"} <= ids
    assert {f"power.switch.{i}" for i in net.switch.index} <= ids
    guarded = city.branches.set_index("id").loc[
        [f"power.switch.{i}" for i in net.switch.index[net.switch.et == "l"]], "guards"
    ]
    lines = net.switch.element[net.switch.et == "l"].to_numpy()
    assert list(guarded) == [f"power.line.{int(e)}" for e in lines]
    # example_multivoltage has no coordinates: loads cannot be placed, and say so
    assert city.meta["loads_without_position"] == len(net.load)
    assert len(city.buildings) == 0
