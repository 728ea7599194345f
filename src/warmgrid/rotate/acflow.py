"""The AC power flow check of a slot (pandapower's Newton-Raphson ``runpp``).

A slot passes when the flow converges with the damage applied and the slot's groups off,
no in-service line or transformer is loaded above ``limit_pct`` %, every energised bus is
within 0.9–1.1 p.u. and no infeed delivers more than its ``capacity_mw``.

The net: for a city imported from SimBench (``meta.simbench_code``), SimBench's own net
in its high-load study case ``hL`` (loads' P and Q times ``pload``/``qload``, static
generators at 0 MW, the slack and generators at its bus at ``Slack_vm``; loads' NaN ZIP
shares set to 0, i.e. constant power as SimBench means them). For any other city, an
export of its power network: lines as pandapower's standard types (243-AL1/39-ST1A at 60
kV and above, else the NA2XS2Y 1×240 mm² cable) in as many parallel systems as their
rating needs, with the rating as their current limit; transformers at their rating with
short-circuit voltages of 12 % (HV/MV) and 6 % (MV/LV) (IEC 60076-5 table 1 ranges);
every infeed a slack at 1.03 p.u. Each building is a load at its power node; each slot
sets its P (the screen's load) and Q (P × tan φ: SimBench's own ratio, else cos φ 0.95).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from warmgrid.errors import InputError
from warmgrid.model.city import City
from warmgrid.model.loads import DEFAULT_POWER_FACTOR

ZIP_COLUMNS = (
    "const_z_percent",
    "const_i_percent",
    "const_z_p_percent",
    "const_i_p_percent",
    "const_z_q_percent",
    "const_i_q_percent",
)
LINE_TYPES = ((60.0, "243-AL1/39-ST1A 110.0"), (0.0, "NA2XS2Y 1x240 RM/25 12/20 kV"))
SLACK_VM_PU = 1.03
VM_MIN_PU, VM_MAX_PU = 0.9, 1.1


@dataclass
class PowerNet:
    """A pandapower net beside a city: which element each city id is, and the loads."""

    net: Any
    elements: dict[str, tuple[str, int]]  # city asset id → (pandapower table, index)
    load_row: np.ndarray  # per building: index in net.load (-1: none)
    tan_phi: np.ndarray  # per building: Q / P
    capacity_mw: dict[int, float]  # ext_grid index → capacity (NaN: unlimited)


@dataclass(frozen=True)
class SlotCheck:
    """The AC power flow of one slot."""

    converged: bool
    max_loading_pct: float
    min_vm_pu: float
    max_vm_pu: float
    infeed_ok: bool

    def ok(self, limit_pct: float) -> bool:
        """Every limit holds (0.05 % rounding allowance on loadings)."""
        return (
            self.converged
            and self.infeed_ok
            and self.max_loading_pct <= limit_pct + 0.05
            and self.min_vm_pu >= VM_MIN_PU
            and self.max_vm_pu <= VM_MAX_PU
        )

    def to_json(self) -> dict[str, object]:
        """JSON-ready figures."""
        return {
            "converged": self.converged,
            "max_loading_pct": round(self.max_loading_pct, 2),
            "min_vm_pu": round(self.min_vm_pu, 4),
            "max_vm_pu": round(self.max_vm_pu, 4),
            "infeed_ok": self.infeed_ok,
        }


def _id_elements(ids: pd.Series) -> dict[str, tuple[str, int]]:
    out = {}
    for ident in ids:
        parts = str(ident).split(".")
        if len(parts) == 3 and parts[0] == "power" and parts[2].isdigit():
            out[str(ident)] = (parts[1], int(parts[2]))
    return out


def simbench_power_net(city: City, code: str) -> PowerNet:
    """SimBench's net of ``code`` in its ``hL`` study case, beside ``city`` (imported from
    it with :func:`warmgrid.model.io.pandapower_io.city_from_simbench`)."""
    import copy

    from warmgrid.model.io.pandapower_io import simbench_net

    net = copy.deepcopy(simbench_net(code))
    case = net.loadcases.loc["hL"]
    net.load["p_mw"] *= case["pload"]
    net.load["q_mvar"] *= case["qload"]
    for column in ZIP_COLUMNS:
        if column in net.load:
            net.load[column] = net.load[column].fillna(0.0)
    net.sgen["scaling"] = 0.0
    net.ext_grid["vm_pu"] = case["Slack_vm"]
    # pandapower refuses different voltage set points at one bus (the complete grid has
    # generators at its slack buses)
    net.gen.loc[net.gen["bus"].isin(net.ext_grid["bus"]), "vm_pu"] = case["Slack_vm"]
    elements = _id_elements(pd.concat([city.nodes["id"], city.branches["id"], city.sources["id"]]))
    load_ids = city.buildings["id"].str.removeprefix("power.load.")
    load_row = pd.to_numeric(load_ids, errors="coerce").fillna(-1).to_numpy(np.int64)
    p = net.load["p_mw"].reindex(load_row).to_numpy(np.float64)
    q = net.load["q_mvar"].reindex(load_row).to_numpy(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        tan_phi = np.where(p > 0, q / p, 0.0)
    capacity = city.sources.set_index("id")["capacity_mw"]
    ext = {
        int(i): float(capacity.get(f"power.ext_grid.{int(i)}", np.nan)) for i in net.ext_grid.index
    }
    return PowerNet(net, elements, load_row, np.nan_to_num(tan_phi), ext)


def _voltage(volts: dict[str, float], node: str) -> float:
    value = float(volts.get(node, np.nan))
    if not value > 0:
        raise InputError(f"node {node}", "has no voltage_kv; the AC power flow check needs it")
    return value


def exported_power_net(city: City) -> PowerNet:
    """The city's power network exported to pandapower (module docstring)."""
    import pandapower as pp

    net = pp.create_empty_network(name=city.name)
    nodes = city.nodes[city.nodes["network"] == "power"]
    volts = nodes.set_index("id")["voltage_kv"]
    kv = {str(k): float(v) for k, v in city.nodes.set_index("id")["voltage_kv"].items()}
    made = pp.create_buses(net, len(volts), vn_kv=volts.to_numpy(np.float64))
    bus = dict(zip(volts.index, (int(b) for b in made), strict=True))
    elements: dict[str, tuple[str, int]] = {n: ("bus", b) for n, b in bus.items()}
    branches = city.branches[city.branches["network"] == "power"]
    lines: dict[str, list[Any]] = {k: [] for k in ("id", "a", "b", "km", "std", "n", "ok", "i")}
    trafos: dict[str, list[Any]] = {k: [] for k in ("id", "hv", "lv", "sn", "vh", "vl", "vk", "ok")}
    for row in branches.itertuples(index=False):
        kind, ok = row.kind, bool(row.in_service)
        if kind == "line":
            vn = _voltage(kv, row.from_node)
            std = next(name for floor, name in LINE_TYPES if vn >= floor)
            max_i = float(pp.load_std_type(net, std, "line")["max_i_ka"])
            rating = float(row.rating_mva) if row.rating_mva > 0 else max_i * vn * np.sqrt(3)
            parallel = max(1, int(np.ceil(rating / (max_i * vn * np.sqrt(3)) - 1e-9)))
            for key, value in (
                ("id", row.id), ("a", bus[row.from_node]), ("b", bus[row.to_node]),
                ("km", float(row.length_m) / 1000 if row.length_m > 0 else 0.1), ("std", std),
                ("n", parallel), ("ok", ok), ("i", rating / (vn * np.sqrt(3)) / parallel),
            ):  # fmt: skip
                lines[key].append(value)
        elif kind in ("trafo", "trafo3w"):
            ends = [n for n in (row.from_node, row.to_node, row.third_node) if n]
            ends.sort(key=lambda n: -_voltage(kv, n))
            sn = float(row.rating_mva) if row.rating_mva > 0 else 40.0
            vk = 12.0 if _voltage(kv, ends[0]) >= 60 else 6.0
            if kind == "trafo":
                for key, value in (
                    ("id", row.id), ("hv", bus[ends[0]]), ("lv", bus[ends[1]]), ("sn", sn),
                    ("vh", kv[ends[0]]), ("vl", kv[ends[1]]), ("vk", vk), ("ok", ok),
                ):  # fmt: skip
                    trafos[key].append(value)
            else:
                index = pp.create_transformer3w_from_parameters(
                    net, *(bus[e] for e in ends), *(_voltage(kv, e) for e in ends),
                    sn, sn, sn, vk, vk, vk, 0.5, 0.5, 0.5, 0.0, 0.0, in_service=ok,
                )  # fmt: skip
                elements[row.id] = (kind, index)
    if lines["id"]:
        made = pp.create_lines(
            net, lines["a"], lines["b"], lines["km"], lines["std"], parallel=lines["n"],
            in_service=lines["ok"],
        )  # fmt: skip
        net.line.loc[made, "max_i_ka"] = lines["i"]
        elements.update((i, ("line", int(k))) for i, k in zip(lines["id"], made, strict=True))
    if trafos["id"]:
        made = pp.create_transformers_from_parameters(
            net, trafos["hv"], trafos["lv"], trafos["sn"], trafos["vh"], trafos["vl"], 0.5,
            trafos["vk"], 0.0, 0.0, in_service=trafos["ok"],
        )  # fmt: skip
        elements.update((i, ("trafo", int(k))) for i, k in zip(trafos["id"], made, strict=True))
    for row in branches[branches["kind"] == "switch"].itertuples(index=False):
        closed = bool(row.closed) and bool(row.in_service)
        if row.guards:
            table, target = elements[row.guards]
            index = pp.create_switch(net, bus[row.from_node], target, et=table[0], closed=closed)
        else:
            index = pp.create_switch(net, bus[row.from_node], bus[row.to_node], "b", closed=closed)
        elements[row.id] = ("switch", index)
    capacity = {}
    for row in city.sources[city.sources["network"] == "power"].itertuples(index=False):
        index = pp.create_ext_grid(
            net, bus[row.node], vm_pu=SLACK_VM_PU, in_service=bool(row.in_service)
        )
        elements[row.id] = ("ext_grid", index)
        capacity[index] = float(row.capacity_mw)
    buildings = city.buildings
    load_row = np.full(len(buildings), -1, dtype=np.int64)
    fed = np.flatnonzero(buildings["power_node"].isin(list(bus)).to_numpy())
    if fed.size:
        at = [bus[node] for node in buildings["power_node"].iloc[fed]]
        load_row[fed] = pp.create_loads(net, at, p_mw=np.zeros(fed.size))
    tan_phi = np.full(len(buildings), np.tan(np.arccos(DEFAULT_POWER_FACTOR)))
    return PowerNet(net, elements, load_row, tan_phi, capacity)


def power_net(city: City) -> PowerNet:
    """The net of the AC check: SimBench's own for SimBench cities, else the export."""
    code = city.meta.get("simbench_code") if isinstance(city.meta, dict) else None
    return simbench_power_net(city, str(code)) if code else exported_power_net(city)


def _cut(net: Any, table: str, index: int) -> None:
    if table == "switch":
        net.switch.at[index, "closed"] = False
    else:
        net[table].at[index, "in_service"] = False


def cut_elements(power: PowerNet, cut_ids: list[str]) -> None:
    """Take ``cut_ids`` (city asset ids) out of ``power.net``: lines, transformers and
    buses out of service, switches open; ids without a pandapower element are skipped."""
    for ident in cut_ids:
        if ident in power.elements:
            _cut(power.net, *power.elements[ident])


def check_slot(
    power: PowerNet, cut_ids: list[str], load_mw: np.ndarray, limit_pct: float
) -> SlotCheck:
    """AC power flow with ``cut_ids`` (damaged assets and the slot's opened branches) out
    and ``load_mw`` per building."""
    import pandapower as pp

    net = power.net
    saved = {t: net[t].copy() for t in ("bus", "line", "trafo", "trafo3w", "switch", "ext_grid")}
    try:
        cut_elements(power, cut_ids)
        has = power.load_row >= 0
        rows = power.load_row[has]
        net.load.loc[rows, "p_mw"] = load_mw[has]
        net.load.loc[rows, "q_mvar"] = load_mw[has] * power.tan_phi[has]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pp.runpp(net, numba=False)
        except pp.LoadflowNotConverged:
            return SlotCheck(False, float("nan"), float("nan"), float("nan"), False)
        loading = [
            net[f"res_{t}"]["loading_percent"].to_numpy(np.float64)
            for t in ("line", "trafo", "trafo3w")
            if len(net[t])
        ]
        loadings = np.concatenate(loading) if loading else np.zeros(0)
        vm = net.res_bus["vm_pu"].to_numpy(np.float64)
        vm = vm[np.isfinite(vm)]
        p = net.res_ext_grid["p_mw"]
        infeed_ok = all(
            not np.isfinite(power.capacity_mw.get(int(i), np.nan))
            or p.at[i] <= power.capacity_mw[int(i)] + 1e-3
            for i in p.index
            if np.isfinite(p.at[i])
        )
        return SlotCheck(
            True,
            float(np.nanmax(loadings, initial=0.0)),
            float(vm.min(initial=1.0)),
            float(vm.max(initial=1.0)),
            infeed_ok,
        )
    finally:
        for table, frame in saved.items():
            net[table] = frame
