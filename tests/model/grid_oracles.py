"""Shared helpers for the importer oracle tests: cached nets, damage in both worlds.

A damage set is applied twice: as warmgrid asset ids, and to a copy of the pandapower /
pandapipes tables (buses, lines, trafos, junctions, pipes… out of service; switches and
valves opened, which is what a damaged breaker or valve does to connectivity). The
reference answer is then ``pandapower.topology.unsupplied_buses`` or
``pandapipes.topology.unsupplied_junctions`` on that copy.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import numpy as np

from warmgrid.impact import Damage, assess
from warmgrid.model.compile import CompiledCity

OPENABLE = {"switch": "closed", "valve": "opened"}


@cache
def simbench_net(code: str) -> Any:
    """The SimBench net, loaded once per test session (the big grid takes ~25 s)."""
    import simbench

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return simbench.get_simbench_net(code)


@cache
def schutterwald_net() -> Any:
    """pandapipes' Schutterwald district-heating network, loaded once."""
    from pandapipes.networks import schutterwald_heat

    return schutterwald_heat()


@contextmanager
def damaged_copy(net: Any, network: str, ids: list[str]) -> Iterator[Any]:
    """``net`` with the tables of ``ids`` replaced by damaged copies; restored afterwards."""
    by_table: dict[str, list[int]] = {}
    for ident in ids:
        prefix, table, index = ident.split(".")
        assert prefix == network
        by_table.setdefault(table, []).append(int(index))
    originals = {table: net[table] for table in by_table}
    try:
        for table, rows in by_table.items():
            frame = net[table].copy()
            if table in OPENABLE:
                frame.loc[rows, OPENABLE[table]] = False
            else:
                frame.loc[rows, "in_service"] = False
            net[table] = frame
        yield net
    finally:
        for table, frame in originals.items():
            net[table] = frame


def pick_damage(net: Any, network: str, rng: np.random.Generator, counts: dict[str, int]):
    """Random asset ids: ``counts[table]`` distinct rows of each table."""
    ids = []
    for table, count in counts.items():
        index = net[table].index.to_numpy()
        if not len(index):
            continue
        chosen = rng.choice(index, size=min(count, len(index)), replace=False)
        ids += [f"{network}.{table}.{int(i)}" for i in chosen]
    return ids


def our_unsupplied(
    compiled: CompiledCity, service: str, node_table: str, ids: list[str], skip: set[int]
) -> set[int]:
    """Indices of unsupplied ``node_table`` rows, damaged and ``skip`` rows left out (the
    references drop out-of-service buses/junctions from their graphs)."""
    result = assess(compiled, Damage(asset_ids=ids))
    prefix = f"{service}.{node_table}."
    damaged = {int(i.rsplit(".", 1)[1]) for i in ids if i.startswith(prefix)}
    unsupplied = {
        int(i.rsplit(".", 1)[1]) for i in result.unsupplied()[service] if i.startswith(prefix)
    }
    return unsupplied - damaged - skip


def pandapipes_unsupplied(net: Any) -> set[int]:
    """Junctions without supply, with the in-service circulation pumps' flow junctions and
    the external grids as slacks and the circulation pumps not as edges (warmgrid's
    mapping, see ``warmgrid.model.io.pandapipes_io``)."""
    import pandapipes.topology as top

    graph = top.create_nxgraph(
        net, include_pressure_circ_pumps=False, include_mass_circ_pumps=False
    )
    slacks = set(net.ext_grid[net.ext_grid.in_service].junction)
    for table in ("circ_pump_pressure", "circ_pump_mass"):
        if table in net and len(net[table]):
            pumps = net[table]
            slacks |= set(pumps[pumps.in_service].flow_junction)
    return {int(j) for j in top.unsupplied_junctions(net, mg=graph, slacks=slacks)}
