"""The affected region of a damage, and its AC power flow with an equivalent slack.

The *region* is the part of the energised power network fed through the limits that the
damage breaks (:func:`caused_limits`: broken with the damage and not without it, or by
more): the subtree of the block forest (:mod:`warmgrid.rotate.tree`) beyond each
innermost such bridge (a bridge further up that the damage also overloads is relieved by
the same rotation, or is not the damage's deficit), or the whole island where a source's
capacity is short. With one of two HV/MV
transformers lost, that is everything the remaining one feeds (the substation's MV grid
with the LV grids below it). Limits that a large grid breaks already without the damage
elsewhere (SimBench's complete grid in its ``hL`` case overloads extra-high-voltage lines)
are outside it. Its *boundary* buses are the upstream ends of the bridges into it.

The region's power flow (:func:`region_power_net`) is pandapower's on the region's buses
alone, each boundary bus an ext_grid held at the voltage magnitude and angle that the
whole-grid power flow of the damage state gives it (a Thévenin-free equivalent: exact
when the region's own load does not move the boundary voltage;
``tests/rotate/test_rotate_region.py`` bounds the difference on SimBench's complete grid).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from warmgrid.errors import InputError
from warmgrid.model.compile import CompiledCity
from warmgrid.rotate.acflow import PowerNet, cut_elements
from warmgrid.rotate.screen import Limit
from warmgrid.rotate.tree import BlockTree


def caused_limits(with_damage: list[Limit], without_damage: list[Limit]) -> list[Limit]:
    """The limits of ``with_damage`` that the damage breaks: not broken without it, or
    broken by more."""
    before = {limit.name: limit.excess for limit in without_damage}
    return [lim for lim in with_damage if lim.excess > before.get(lim.name, 0.0) + 1e-6]


def region_blocks(tree: BlockTree, limits: list[Limit]) -> np.ndarray:
    """Bool per block of ``tree``: beyond an innermost bridge of ``limits`` (one with no
    other bridge of ``limits`` beyond it), or in the island of a sources limit."""
    inside = np.zeros(tree.n_blocks, dtype=bool)
    bridges = np.array([lim.block for lim in limits if lim.block >= 0], dtype=np.int64)
    for limit in limits:
        if limit.block >= 0:
            if (tree.below(limit.block, bridges) & (bridges != limit.block)).any():
                continue  # not innermost: the region is the smaller one beyond it
            inside[limit.block : limit.block + tree.size[limit.block]] = True
        else:
            inside |= tree.island == limit.island
    return inside


def region_boundary(tree: BlockTree, compiled: CompiledCity, inside: np.ndarray) -> np.ndarray:
    """Node indices just outside the region: the upstream ends of the bridges into it."""
    roots = np.flatnonzero(inside & ~inside[np.maximum(tree.parent, 0)] & (tree.parent >= 0))
    out: set[int] = set()
    for root in roots.tolist():
        for branch in tree.bridge_branches[root].tolist():
            for column in ("from_node", "to_node", "third_node"):
                node = compiled.city.branches[column].iat[branch]
                if not node:
                    continue
                k = int(compiled.asset_ids.get_loc(node))
                if tree.node_block[k] == tree.parent[root]:
                    out.add(k)
    return np.array(sorted(out), dtype=np.int64)


def _buses(power: PowerNet, node_ids: np.ndarray) -> list[int]:
    return [
        power.elements[i][1]
        for i in node_ids.tolist()
        if power.elements.get(i, ("", -1))[0] == "bus"
    ]


def region_power_net(
    power: PowerNet, node_ids: np.ndarray, boundary_ids: np.ndarray, cut_ids: list[str]
) -> PowerNet:
    """The region's own pandapower net: its buses (``node_ids``) and the boundary buses
    (``boundary_ids``), each boundary bus a slack at the voltage of the whole-grid power
    flow with ``cut_ids`` out (module docstring)."""
    import pandapower as pp

    net = power.net
    boundary = _buses(power, boundary_ids)
    buses = sorted(set(_buses(power, node_ids)) | set(boundary))
    saved = {t: net[t].copy() for t in ("bus", "line", "trafo", "trafo3w", "switch", "ext_grid")}
    try:
        cut_elements(power, cut_ids)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                pp.runpp(net, numba=False)
            except pp.LoadflowNotConverged:
                raise InputError(
                    "--region-only",
                    "the whole grid's AC power flow with the damage does not converge, so "
                    "the voltage at the region's boundary is unknown",
                ) from None
        vm = net.res_bus["vm_pu"].reindex(boundary).to_numpy(np.float64)
        va = net.res_bus["va_degree"].reindex(boundary).to_numpy(np.float64)
    finally:
        for table, frame in saved.items():
            net[table] = frame
    sub: Any = pp.select_subnet(net, buses, include_results=False)
    edge = set(boundary)
    for table in ("load", "sgen", "gen", "ext_grid", "shunt", "storage", "ward", "xward"):
        if table in sub and len(sub[table]):
            sub[table] = sub[table][~sub[table]["bus"].isin(edge)]
    for table, ends in (("line", ("from_bus", "to_bus")), ("trafo", ("hv_bus", "lv_bus"))):
        both = sub[table][ends[0]].isin(edge) & sub[table][ends[1]].isin(edge)
        sub[table] = sub[table][~both]
    for bus, v, a in zip(boundary, vm, va, strict=True):
        pp.create_ext_grid(sub, bus, vm_pu=float(v), va_degree=float(a))
    tables = {t: set(sub[t].index) for t in ("bus", "line", "trafo", "trafo3w", "switch")}
    elements = {k: e for k, e in power.elements.items() if e[1] in tables.get(e[0], ())}
    load_row = np.where(np.isin(power.load_row, sub.load.index), power.load_row, -1)
    return PowerNet(sub, elements, load_row, power.tan_phi, {})


def region_net(
    compiled: CompiledCity,
    tree: BlockTree,
    inside: np.ndarray,
    whole: PowerNet,
    cut_ids: list[str],
) -> PowerNet:
    """:func:`region_power_net` of the blocks ``inside`` (bool per block of ``tree``)."""
    node_ids = compiled.asset_ids[: compiled.n_nodes].to_numpy()
    node_in = (tree.node_block >= 0) & inside[np.maximum(tree.node_block, 0)]
    boundary = region_boundary(tree, compiled, inside)
    return region_power_net(whole, node_ids[node_in], node_ids[boundary], cut_ids)
