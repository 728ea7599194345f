"""The linear screen with generation that does not hold a bus supplied on its own, judged
by pandapower's AC power flow.

1-MV-rural--0-sw with its static generators at their ``p_mw`` (25.6 MW of wind and PV
against 17.3 MW of load): feeders with generation export, and the HV/MV transformers
carry the surplus back up. The screen's flow through every radial line and transformer
must be pandapower's active power flow there, and it must flag no limit that the AC
loadings keep.
"""

from __future__ import annotations

import copy
import warnings
from functools import cache
from typing import Any

import numpy as np
import pandapower as pp

from warmgrid.impact import Damage, damage_mask
from warmgrid.model import City, compile_city
from warmgrid.model.io.pandapower_io import city_from_pandapower, city_from_simbench, simbench_net
from warmgrid.rotate.acflow import ZIP_COLUMNS
from warmgrid.rotate.screen import broken_limits
from warmgrid.rotate.tree import BlockTree, block_tree

MV_RURAL = "1-MV-rural--0-sw"
POWER_FACTOR = 0.95


@cache
def solved() -> tuple[Any, City, BlockTree, np.ndarray]:
    """The net with loads and generators at their ``p_mw``, its AC flow, the city and the
    block tree (no damage) and each building's block."""
    net = copy.deepcopy(simbench_net(MV_RURAL))
    for column in ZIP_COLUMNS:
        if column in net.load:
            net.load[column] = net.load[column].fillna(0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pp.runpp(net)
    city = city_from_pandapower(net, name=MV_RURAL)
    compiled = compile_city(city)
    tree = block_tree(compiled, damage_mask(compiled, Damage(asset_ids=())))
    node = compiled.building_power_node
    blocks = np.where(node >= 0, tree.node_block[np.maximum(node, 0)], -1)
    return net, city, tree, blocks


def _ac_p_mw(net: Any, branch_id: str) -> float:
    """|P| (MW) at the feeding end of a line or transformer in pandapower's result."""
    _, table, index = branch_id.split(".")
    if table == "line":
        return float(max(abs(net.res_line.at[int(index), c]) for c in ("p_from_mw", "p_to_mw")))
    return float(abs(net.res_trafo.at[int(index), "p_hv_mw"]))


def test_importer_carries_generation_at_the_operating_point() -> None:
    net, city, _, _ = solved()
    assert np.isclose(city.nodes["generation_mw"].sum(), net.sgen["p_mw"].sum())
    assert city.nodes["generation_mw"].gt(0).sum() == net.sgen["bus"].nunique()
    simbench = city_from_simbench(MV_RURAL)  # study case hL: wind and PV at 0
    assert simbench.nodes["generation_mw"].abs().sum() == 0.0


def test_screen_flows_match_pandapower_through_every_radial_branch() -> None:
    net, city, tree, blocks = solved()
    load_mw = city.buildings["peak_kw"].to_numpy() / 1000.0
    node_generation = city.nodes["generation_mw"].to_numpy()
    kinds = city.branches.set_index("id")["kind"]
    compared = exporting = 0
    for block in np.flatnonzero(tree.rotatable()):
        ids = city.branches["id"].to_numpy()[tree.bridge_branches[block]]
        physical = [b for b in ids if kinds[b] in ("line", "trafo")]
        if len(physical) != 1 or len(ids) != 1:
            continue
        below_nodes = tree.below(int(block), tree.node_block)
        screen_mw = (
            load_mw[tree.below(int(block), blocks)].sum() - node_generation[below_nodes].sum()
        )
        ac_mw = _ac_p_mw(net, physical[0])
        assert abs(abs(screen_mw) - ac_mw) <= 0.03 * ac_mw + 0.01, physical[0]
        compared += 1
        exporting += screen_mw < 0
    assert compared >= 50 and exporting >= 5


def _ac_loading_pct(net: Any, branch_ids: str) -> float:
    """Highest AC loading (%) of the lines and transformers among ``branch_ids``."""
    out = 0.0
    for branch_id in branch_ids.split(","):
        _, table, index = branch_id.split(".")
        if table in ("line", "trafo"):
            out = max(out, float(net[f"res_{table}"].at[int(index), "loading_percent"]))
    return out


def test_no_false_deficit_from_generation_fed_loads() -> None:
    net, city, tree, blocks = solved()
    load_mw = city.buildings["peak_kw"].to_numpy() / 1000.0
    ids = city.branches["id"].to_numpy()
    limit_pct = 40.0
    flagged = broken_limits(tree, blocks, load_mw, POWER_FACTOR, limit_pct, ids)
    assert all(_ac_loading_pct(net, limit.name) >= 0.9 * limit_pct for limit in flagged)
    blind = copy.copy(tree)
    object.__setattr__(blind, "generation_mw", np.zeros_like(tree.generation_mw))
    false = [
        limit.name
        for limit in broken_limits(blind, blocks, load_mw, POWER_FACTOR, limit_pct, ids)
        if _ac_loading_pct(net, limit.name) < limit_pct
    ]
    assert false  # without the generation, loads it feeds would look like a deficit
    assert not {limit.name for limit in flagged} & set(false)
