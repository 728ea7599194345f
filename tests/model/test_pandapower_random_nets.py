"""Random small pandapower nets: every element kind and state against ``unsupplied_buses``.

Hypothesis draws the buses, lines, transformers (two- and three-winding), impedances,
bus-bus and element switches (line, trafo, trafo3w side), external grids and generators,
with random in-service flags and switch states, and a random damage set.
"""

from __future__ import annotations

import warnings

import pandapower as pp
import pandapower.topology as top
import pytest
from grid_oracles import damaged_copy, our_unsupplied
from hypothesis import given, note, settings
from hypothesis import strategies as st

from warmgrid.model import compile_city
from warmgrid.model.io.pandapower_io import city_from_pandapower


@st.composite
def random_net(draw: st.DrawFn) -> pp.pandapowerNet:
    n_bus = draw(st.integers(3, 14))
    bus = st.integers(0, n_bus - 1)
    net = pp.create_empty_network()
    for i in range(n_bus):
        pp.create_bus(net, vn_kv=20.0, in_service=draw(st.booleans()) or i % 3 != 0)
    flag = st.sampled_from([True, True, True, False])  # mostly in service / closed
    for _ in range(draw(st.integers(0, 14))):
        a, b = draw(bus), draw(bus)
        pp.create_line_from_parameters(net, a, b, 1.0, 0.1, 0.1, 10.0, 1.0, in_service=draw(flag))
    for _ in range(draw(st.integers(0, 3))):
        a, b = draw(bus), draw(bus)
        pp.create_transformer_from_parameters(
            net, a, b, 1.0, 20.0, 20.0, 0.1, 6.0, 0.0, 0.0, in_service=draw(flag)
        )
    for _ in range(draw(st.integers(0, 2))):
        hv, mv, lv = draw(bus), draw(bus), draw(bus)
        pp.create_transformer3w_from_parameters(
            net, hv, mv, lv, 20.0, 20.0, 20.0, 1, 1, 1, 6, 6, 6, 0.1, 0.1, 0.1, 0, 0,
            in_service=draw(flag),
        )  # fmt: skip
    for _ in range(draw(st.integers(0, 2))):
        pp.create_impedance(net, draw(bus), draw(bus), 0.1, 0.1, 1.0, in_service=draw(flag))
    for _ in range(draw(st.integers(0, 6))):
        pp.create_switch(net, draw(bus), draw(bus), et="b", closed=draw(flag))
    element_switches = []
    for table, code in (("line", "l"), ("trafo", "t")):
        for index in net[table].index:
            if draw(st.booleans()):
                side = "from_bus" if table == "line" else "hv_bus"
                element_switches.append((int(net[table].at[index, side]), int(index), code))
    for index in net.trafo3w.index:
        for side in ("hv_bus", "mv_bus", "lv_bus"):
            if draw(st.booleans()):
                element_switches.append((int(net.trafo3w.at[index, side]), int(index), "t3"))
    for b, element, code in element_switches:
        pp.create_switch(net, b, element, et=code, closed=draw(flag))
    for _ in range(draw(st.integers(0, 2))):
        pp.create_ext_grid(net, draw(bus), in_service=draw(flag))
    for _ in range(draw(st.integers(0, 2))):
        pp.create_gen(net, draw(bus), 1.0, slack=draw(st.booleans()), in_service=draw(flag))
    return net


def check_against_unsupplied_buses(net: pp.pandapowerNet, data: st.DataObject) -> None:
    """Undamaged and randomly damaged states agree with pandapower."""
    for table in ("bus", "line", "trafo", "trafo3w", "impedance", "switch", "ext_grid", "gen"):
        if len(net[table]):
            note(f"{table}:\n{net[table].to_string()}")
    compiled = compile_city(city_from_pandapower(net, name="random"))
    out = {int(b) for b in net.bus.index[~net.bus.in_service]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = {int(b) for b in top.unsupplied_buses(net)}
    assert our_unsupplied(compiled, "power", "bus", [], out) == expected
    ids = []
    for table in ("bus", "line", "trafo", "trafo3w", "impedance", "switch"):
        rows = net[table].index.tolist()
        if rows:
            chosen = data.draw(st.lists(st.sampled_from(rows), max_size=2, unique=True))
            ids += [f"power.{table}.{int(i)}" for i in chosen]
    with damaged_copy(net, "power", ids) as damaged, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = {int(b) for b in top.unsupplied_buses(damaged)}
    assert our_unsupplied(compiled, "power", "bus", ids, out) == expected, ids


@settings(max_examples=12, deadline=None)
@given(net=random_net(), data=st.data())
def test_random_nets_match_unsupplied_buses(net: pp.pandapowerNet, data: st.DataObject) -> None:
    check_against_unsupplied_buses(net, data)


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(net=random_net(), data=st.data())
def test_many_random_nets_match_unsupplied_buses(
    net: pp.pandapowerNet, data: st.DataObject
) -> None:
    check_against_unsupplied_buses(net, data)
