"""pandapower nets and SimBench grids → a warmgrid City (the power network and its loads).

Ids keep the origin: ``power.<table>.<index>`` with pandapower's table names and
indices (``power.bus.12``, ``power.line.3``, ``power.trafo3w.0``, ``power.switch.5``,
``power.ext_grid.0``, ``power.load.7`` for the building behind load 7).

The mapping follows what ``pandapower.topology.unsupplied_buses`` (with
``create_nxgraph``) counts as connected and as supplying:

- every bus is a node (out-of-service buses too, so that loads on them stay visible as
  without power); branches touching an out-of-service bus are out of service, as that
  bus is absent from pandapower's graph;
- lines, impedances, TCSCs and DC lines become ``line`` branches, two-winding
  transformers ``trafo``, three-winding transformers ``trafo3w`` (hv, mv, lv; a terminal
  on an out-of-service bus is dropped and the other two stay coupled);
- bus-bus switches are ``switch`` branches between their buses (``closed`` as given);
  line and transformer switches (``et`` l, t) are element switches that guard the
  branch they cut when open; a switch at a three-winding transformer's side (``et`` t3)
  cuts only that side, through a terminal node (see :class:`_T3Switches`);
- sources are exactly pandapower's slacks: external grids, generators with ``slack``
  set, and VSCs in AC slack mode; other generators and static generators do not keep a
  bus supplied on their own;
- generators and static generators that are not slacks feed their bus's
  ``generation_mw``: ``p_mw × scaling`` summed per bus (in-service units on in-service
  buses), the same operating point as the loads; a SimBench grid takes its ``hL`` study
  case (static generators times the case's ``PV_p``, ``Wind_p``, ``RES_p`` by type: 0 at
  ``hL``, conventional generators at ``p_mw``), the operating point the AC check uses;
- ratings (``rating_mva``): a transformer's ``sn_mva`` (a three-winding one's
  ``sn_hv_mva``), a line's ``max_i_ka × vn_kv × √3 × parallel`` at its from-bus voltage;
  a source's ``capacity_mw`` is its ``max_p_mw`` where given, else ``sn_mva`` or ``p_mw``;
- every load becomes a building at its bus's position, its ``peak_kw`` the load's
  ``p_mw × scaling`` (the net's operating point), with a population estimated from
  its annual energy (:mod:`warmgrid.model.io.population`); its use comes from the SimBench
  profile (``H0`` households and the aggregated ``lv_``, ``mv_``, ``HS`` grid equivalents
  → residential, the ``mv_`` and ``HS`` ones counting only the household share of their
  energy; ``G`` commercial, ``L`` agricultural and the rest → other). Loads whose
  bus has no WGS84 position cannot be placed and are counted in ``meta``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from warmgrid.errors import InputError
from warmgrid.model.city import City
from warmgrid.model.io.population import (
    DEFAULT_POWER_FULL_LOAD_HOURS,
    ELECTRICITY_PER_HOUSEHOLD_KWH,
    HOUSEHOLD_SHARE_OF_ELECTRICITY,
    people_from_energy,
)
from warmgrid.model.io.positions import points_lonlat

HOURS_PER_YEAR = 8_760.0
RESIDENTIAL_PROFILE_PREFIXES = ("H0", "lv_", "mv_", "HS")
# Grid equivalents of whole medium- and high-voltage areas: only the household share of
# their energy houses people (HOUSEHOLD_SHARE_OF_ELECTRICITY).
MIXED_PROFILE_PREFIXES = ("mv_", "HS")
TWO_TERMINAL_TABLES = {"line": "line", "impedance": "line", "tcsc": "line", "dcline": "line"}
SWITCH_TARGET = {"l": "line", "t": "trafo", "t3": "trafo3w"}


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (for messages)."""
    return value.item() if isinstance(value, np.generic) else value


def _table(net: Any, name: str) -> pd.DataFrame:
    frame = net.get(name, None)
    return frame if isinstance(frame, pd.DataFrame) else pd.DataFrame()


def _ids(prefix: str, index: pd.Index | np.ndarray) -> np.ndarray:
    return np.array([f"{prefix}.{int(i)}" for i in index], dtype=object)


def _names(frame: pd.DataFrame) -> np.ndarray:
    if "name" not in frame:
        return np.full(len(frame), "", dtype=object)
    return frame["name"].where(frame["name"].notna(), "").astype(str).to_numpy()


def _bool(frame: pd.DataFrame, column: str, default: bool = True) -> np.ndarray:
    if column not in frame:
        return np.full(len(frame), default)
    return frame[column].fillna(default).astype(bool).to_numpy()


def bus_positions(net: Any) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) per bus: ``bus.geo`` (pandapower 3), else legacy ``bus_geodata`` x/y."""
    bus = net.bus
    if "geo" in bus and bus["geo"].notna().any():
        return points_lonlat(bus["geo"].tolist())
    legacy = _table(net, "bus_geodata")
    if {"x", "y"} <= set(legacy.columns):
        xy = legacy.reindex(bus.index)
        lon, lat = xy["x"].to_numpy(np.float64), xy["y"].to_numpy(np.float64)
        bad = ~((np.abs(lon) <= 180) & (np.abs(lat) <= 90))
        return np.where(bad, np.nan, lon), np.where(bad, np.nan, lat)
    return np.full(len(bus), np.nan), np.full(len(bus), np.nan)


def _generation_mw(
    net: Any, bus_ok: pd.Series, sgen_factor: Callable[[pd.DataFrame], Any]
) -> np.ndarray:
    """MW fed in per bus by non-slack generators (``p_mw × scaling``) and static
    generators (``p_mw × scaling × sgen_factor``), in-service units on in-service buses."""
    total = pd.Series(0.0, index=net.bus.index)
    for table in ("gen", "sgen"):
        frame = _table(net, table)
        if frame.empty:
            continue
        if table == "gen":
            frame = frame[~_bool(frame, "slack", default=False)]
        _check_buses(frame, table, ("bus",), bus_ok)
        p_mw = frame["p_mw"].fillna(0.0) * frame.get("scaling", 1.0)
        if table == "sgen":
            p_mw = p_mw * sgen_factor(frame)
        on = _bool(frame, "in_service") & bus_ok[frame["bus"]].to_numpy()
        total = total.add(p_mw[on].groupby(frame["bus"][on]).sum(), fill_value=0.0)
    return total.to_numpy(np.float64)


def _nodes(net: Any, generation_mw: np.ndarray) -> pd.DataFrame:
    bus = net.bus
    lon, lat = bus_positions(net)
    return pd.DataFrame(
        {
            "id": _ids("power.bus", bus.index),
            "network": "power",
            "kind": "bus",
            "name": _names(bus),
            "lon": lon,
            "lat": lat,
            "voltage_kv": bus["vn_kv"].to_numpy(np.float64) if "vn_kv" in bus else np.nan,
            "generation_mw": generation_mw,
        }
    )


def _check_buses(
    frame: pd.DataFrame, table: str, columns: tuple[str, ...], bus_ok: pd.Series
) -> None:
    for column in columns:
        known = frame[column].isin(bus_ok.index)
        if not known.all():
            row = frame.index[~known.to_numpy()][0]
            raise InputError(
                f"pandapower net: {table} {row}",
                f"{column} {_plain(frame[column].loc[row])!r} names no bus",
            )


def _branch_frame(
    ids: np.ndarray, kind: str, frm: np.ndarray, to: np.ndarray, **columns: Any
) -> pd.DataFrame:
    return pd.DataFrame(
        {"id": ids, "network": "power", "kind": kind, "from_node": frm, "to_node": to, **columns}
    )


def _rating_mva(net: Any, frame: pd.DataFrame, table: str) -> np.ndarray | float:
    """Thermal rating (MVA): ``sn_mva`` of a transformer; ``max_i_ka × vn_kv × √3 ×
    parallel`` of a line (voltage of its from-bus); NaN where the net does not say."""
    if table == "trafo":
        return frame["sn_mva"].to_numpy(np.float64) if "sn_mva" in frame else np.nan
    if table != "line" or "max_i_ka" not in frame:
        return np.nan
    vn_kv = net.bus["vn_kv"].reindex(frame["from_bus"]).to_numpy(np.float64)
    parallel = frame["parallel"].to_numpy(np.float64) if "parallel" in frame else 1.0
    return frame["max_i_ka"].to_numpy(np.float64) * vn_kv * np.sqrt(3.0) * parallel


def _two_terminal(net: Any, bus_ok: pd.Series) -> list[pd.DataFrame]:
    frames = []
    for table, kind in (*TWO_TERMINAL_TABLES.items(), ("trafo", "trafo")):
        frame = _table(net, table)
        if frame.empty:
            continue
        fcol, tcol = ("hv_bus", "lv_bus") if table == "trafo" else ("from_bus", "to_bus")
        _check_buses(frame, table, (fcol, tcol), bus_ok)
        ok = (
            _bool(frame, "in_service")
            & bus_ok[frame[fcol]].to_numpy()
            & bus_ok[frame[tcol]].to_numpy()
        )
        length_m = (
            frame["length_km"].to_numpy(np.float64) * 1000.0 if "length_km" in frame else np.nan
        )
        rating_mva = _rating_mva(net, frame, table)
        frames.append(
            _branch_frame(
                _ids(f"power.{table}", frame.index),
                kind,
                _ids("power.bus", frame[fcol]),
                _ids("power.bus", frame[tcol]),
                in_service=ok,
                length_m=length_m,
                rating_mva=rating_mva,
                name=_names(frame),
            )
        )
    return frames


SIDES = ("hv", "mv", "lv")


class _T3Switches:
    """Switches at a three-winding transformer's side (``et`` t3), as pandapower cuts them.

    pandapower opens only the transformer's edges at the switch's bus: the other two
    windings stay coupled. warmgrid gives such a side a terminal node
    ``power.trafo3w.<index>.<side>`` (at the bus's position) that the transformer
    connects to, and makes each switch a bus-bus switch between the bus and the terminal
    (several switches on one side in series, with intermediate nodes ``...<side>.<k>``).
    """

    def __init__(self, net: Any, nodes: pd.DataFrame) -> None:
        self.ends: dict[int, tuple[str, str]] = {}
        self.terminal: dict[tuple[int, str], str] = {}
        self.nodes: list[dict[str, Any]] = []
        switch, trafo3w = _table(net, "switch"), _table(net, "trafo3w")
        if switch.empty:
            return
        t3 = switch[switch["et"].astype(str) == "t3"]
        position = nodes.set_index("id")
        for (element, bus), group in t3.groupby(["element", "bus"], sort=True):
            if element not in trafo3w.index:
                raise InputError(
                    f"pandapower net: switch {group.index[0]}",
                    f"element {_plain(element)!r} names no trafo3w",
                )
            sides = [s for s in SIDES if trafo3w.at[element, f"{s}_bus"] == bus]
            if not sides:
                raise InputError(
                    f"pandapower net: switch {group.index[0]}",
                    f"bus {_plain(bus)!r} is not a side of trafo3w {_plain(element)!r}",
                )
            side, previous = sides[0], f"power.bus.{int(bus)}"
            bus_row = position.loc[previous]
            for k, index in enumerate(group.index):
                last = k == len(group) - 1
                node = f"power.trafo3w.{int(element)}.{side}" + ("" if last else f".{k}")
                self.ends[int(index)] = (previous, node)
                self.nodes.append(
                    {
                        "id": node,
                        "network": "power",
                        "kind": "bus",
                        "name": f"trafo3w {int(element)} {side} terminal",
                        "lon": bus_row["lon"],
                        "lat": bus_row["lat"],
                        "voltage_kv": bus_row["voltage_kv"],
                    }
                )
                previous = node
            for each in sides:  # a transformer may have two sides on one bus
                self.terminal[(int(element), each)] = previous


def _trafo3w(net: Any, bus_ok: pd.Series, t3: _T3Switches) -> list[pd.DataFrame]:
    frame = _table(net, "trafo3w")
    if frame.empty:
        return []
    columns = tuple(f"{s}_bus" for s in SIDES)
    _check_buses(frame, "trafo3w", columns, bus_ok)
    ends = np.full((len(frame), 3), "", dtype=object)
    kept_count = np.zeros(len(frame), dtype=np.int64)
    for row, (index, buses) in enumerate(
        zip(frame.index, frame[list(columns)].to_numpy(), strict=True)
    ):
        terminals, alive = [], []
        for side, bus in zip(SIDES, buses, strict=True):
            switched = t3.terminal.get((int(index), side))
            terminals.append(switched or f"power.bus.{int(bus)}")
            alive.append(switched is not None or bool(bus_ok[bus]))
        kept = [t for t, a in zip(terminals, alive, strict=True) if a]
        kept_count[row] = len(kept)
        chosen = kept if len(kept) >= 2 else terminals
        ends[row, : len(chosen)] = chosen
    out = _branch_frame(
        _ids("power.trafo3w", frame.index),
        "trafo3w",
        ends[:, 0],
        ends[:, 1],
        third_node=ends[:, 2],
        in_service=_bool(frame, "in_service") & (kept_count >= 2),
        rating_mva=frame["sn_hv_mva"].to_numpy(np.float64) if "sn_hv_mva" in frame else np.nan,
        name=_names(frame),
    )
    return [out]


def _switches(net: Any, bus_ok: pd.Series, t3: _T3Switches) -> list[pd.DataFrame]:
    switch = _table(net, "switch")
    if switch.empty:
        return []
    _check_buses(switch, "switch", ("bus",), bus_ok)
    et = switch["et"].astype(str).to_numpy()
    unknown = ~np.isin(et, ["b", *SWITCH_TARGET])
    if unknown.any():
        row = switch.index[unknown][0]
        raise InputError(
            f"pandapower net: switch {row}", f"et {str(et[unknown][0])!r} is not one of b, l, t, t3"
        )
    element = switch["element"].to_numpy()
    bus_bus = et == "b"
    _check_buses(switch[bus_bus], "switch", ("element",), bus_ok)
    for code, table in (("l", "line"), ("t", "trafo")):
        rows = et == code
        known = np.isin(element[rows], _table(net, table).index)
        if not known.all():
            row = switch.index[rows][~known][0]
            raise InputError(
                f"pandapower net: switch {row}",
                f"element {_plain(element[rows][~known][0])!r} names no {table}",
            )
    from_node = _ids("power.bus", switch["bus"])
    to_node = np.where(bus_bus, [f"power.bus.{int(e)}" for e in element], "").astype(object)
    guards = np.array(
        [
            f"power.{SWITCH_TARGET[code]}.{int(e)}" if code in ("l", "t") else ""
            for code, e in zip(et, element, strict=True)
        ],
        dtype=object,
    )
    in_service = np.ones(len(switch), dtype=bool)
    in_service[bus_bus] = (
        bus_ok[switch["bus"][bus_bus]].to_numpy() & bus_ok[element[bus_bus]].to_numpy()
    )
    for row, index in enumerate(switch.index):
        if int(index) in t3.ends:
            from_node[row], to_node[row] = t3.ends[int(index)]
            in_service[row] = not from_node[row].startswith("power.bus.") or bool(
                bus_ok[switch["bus"].iat[row]]
            )
    frame = _branch_frame(
        _ids("power.switch", switch.index),
        "switch",
        from_node,
        to_node,
        guards=guards,
        closed=_bool(switch, "closed"),
        in_service=in_service,
        name=_names(switch),
    )
    return [frame]


def _sources(net: Any, bus_ok: pd.Series) -> pd.DataFrame:
    frames = []
    for table, kind in (("ext_grid", "ext_grid"), ("gen", "gen"), ("vsc", "gen")):
        frame = _table(net, table)
        if frame.empty:
            continue
        if table == "gen":
            frame = frame[_bool(frame, "slack", default=False)]
        if table == "vsc":
            mode = frame.get("control_mode_ac", None)
            frame = frame[mode == "slack"] if mode is not None else frame.iloc[0:0]
        if frame.empty:
            continue
        _check_buses(frame, table, ("bus",), bus_ok)
        capacity = np.full(len(frame), np.nan)
        for column in ("max_p_mw", "sn_mva", "p_mw"):
            if column in frame:
                values = frame[column].to_numpy(np.float64)
                capacity = np.where(np.isnan(capacity), np.abs(values), capacity)
        frames.append(
            pd.DataFrame(
                {
                    "id": _ids(f"power.{table}", frame.index),
                    "network": "power",
                    "kind": kind,
                    "node": _ids("power.bus", frame["bus"]),
                    "capacity_mw": capacity,
                    "in_service": _bool(frame, "in_service") & bus_ok[frame["bus"]].to_numpy(),
                    "name": _names(frame),
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else None


def _annual_kwh(net: Any, load: pd.DataFrame) -> np.ndarray:
    """Annual energy per load in kWh: p_mw × the full-load hours of its profile."""
    p_mw = load["p_mw"].to_numpy(np.float64) * load.get("scaling", 1.0)
    hours = np.full(len(load), DEFAULT_POWER_FULL_LOAD_HOURS)
    profiles = getattr(net, "profiles", None)
    series = profiles.get("load") if isinstance(profiles, dict) else None
    if isinstance(series, pd.DataFrame) and "profile" in load and len(series):
        columns = [c for c in series.columns if str(c).endswith("_pload")]
        full_load_hours = series[columns].sum() * (HOURS_PER_YEAR / len(series))
        known = load["profile"].astype(str) + "_pload"
        found = known.map(full_load_hours).to_numpy(np.float64)
        hours = np.where(np.isnan(found), hours, found)
    return np.asarray(p_mw, dtype=np.float64) * 1000.0 * hours


def _uses(load: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Use per load and the share of its energy that households consume."""
    if "profile" not in load:
        return np.full(len(load), "residential", dtype=object), np.ones(len(load))
    profile = load["profile"].where(load["profile"].notna(), "").astype(str)
    residential = profile.str.startswith(RESIDENTIAL_PROFILE_PREFIXES) | (profile == "")
    mixed = profile.str.startswith(MIXED_PROFILE_PREFIXES).to_numpy()
    share = np.where(mixed, HOUSEHOLD_SHARE_OF_ELECTRICITY, 1.0)
    return np.where(residential, "residential", "other").astype(object), share


def _buildings(net: Any, nodes: pd.DataFrame) -> tuple[pd.DataFrame | None, int]:
    load = _table(net, "load")
    if load.empty:
        return None, 0
    position = pd.DataFrame({"lon": nodes["lon"].to_numpy(), "lat": nodes["lat"].to_numpy()})
    position.index = net.bus.index
    if not load["bus"].isin(position.index).all():
        row = load.index[~load["bus"].isin(position.index).to_numpy()][0]
        raise InputError(
            f"pandapower net: load {row}", f"bus {_plain(load['bus'].loc[row])!r} names no bus"
        )
    lonlat = position.loc[load["bus"]].to_numpy()
    use, share = _uses(load)
    people = people_from_energy(
        _annual_kwh(net, load) * share, use == "residential", ELECTRICITY_PER_HOUSEHOLD_KWH
    )
    frame = pd.DataFrame(
        {
            "id": _ids("power.load", load.index),
            "name": _names(load),
            "lon": lonlat[:, 0],
            "lat": lonlat[:, 1],
            "population": people,
            "use": use,
            "peak_kw": np.asarray(load["p_mw"] * load.get("scaling", 1.0), np.float64) * 1000.0,
            "power_node": _ids("power.bus", load["bus"]),
        }
    )
    placed = frame["lon"].notna() & frame["lat"].notna()
    return frame[placed], int((~placed).sum())


def city_from_pandapower(
    net: Any,
    *,
    name: str,
    meta: dict[str, Any] | None = None,
    sgen_factor: Callable[[pd.DataFrame], Any] = lambda frame: 1.0,
) -> City:
    """The power network and the loads of a pandapower net as a :class:`City`;
    ``sgen_factor`` scales the static generators' infeed (per row of ``net.sgen``)."""
    if not hasattr(net, "bus") or not isinstance(net.bus, pd.DataFrame):
        raise InputError(name, "is not a pandapower net (no bus table)")
    bus_ok = pd.Series(_bool(net.bus, "in_service"), index=net.bus.index)
    nodes = _nodes(net, _generation_mw(net, bus_ok, sgen_factor))
    t3 = _T3Switches(net, nodes)
    branches = [
        *_two_terminal(net, bus_ok),
        *_trafo3w(net, bus_ok, t3),
        *_switches(net, bus_ok, t3),
    ]
    buildings, unplaced = _buildings(net, nodes)
    if t3.nodes:
        nodes = pd.concat([nodes, pd.DataFrame(t3.nodes)], ignore_index=True)
    info = {
        "source": "pandapower",
        "population_method": "annual load energy / 3,074 kWh per household × 2.00 persons",
        "loads_without_position": unplaced,
        **(meta or {}),
    }
    return City.from_tables(
        name,
        nodes=nodes,
        branches=pd.concat(branches, ignore_index=True) if branches else None,
        sources=_sources(net, bus_ok),
        buildings=buildings,
        meta=info,
        origin=name,
    )


@cache
def simbench_net(code: str) -> Any:
    """The pandapower net of a SimBench code (shipped in the ``simbench`` package), read
    once per process (the complete grid takes ~20 s); callers must not change it."""
    import simbench

    try:
        with warnings.catch_warnings():
            # simbench's CSV converter concatenates empty frames, which pandas ≥ 2.1 warns
            # about (FutureWarning) on every import; nothing of ours can avoid it.
            warnings.filterwarnings(
                "ignore",
                message="The behavior of DataFrame concatenation with empty or all-NA",
                category=FutureWarning,
                module=r"simbench\.converter\.csv_pp_converter",
            )
            return simbench.get_simbench_net(code)
    except (ValueError, KeyError, IndexError, UserWarning) as error:
        raise InputError(
            f"SimBench code {code!r}",
            f"names no SimBench grid ({type(error).__name__}: {error}); codes look like "
            "1-LV-rural1--0-sw, see simbench.collect_all_simbench_codes()",
        ) from None


STUDY_CASE = "hL"
"""SimBench's high-load study case: the operating point of imported SimBench grids."""
SGEN_CASE_COLUMNS = (("PV", "PV_p"), ("Wind", "Wind_p"))
"""Static generators by SimBench ``type`` prefix → the study case column scaling them;
any other type takes ``RES_p``."""


def _sgen_study_case(net: Any) -> Callable[[pd.DataFrame], Any]:
    """Per static generator: its factor in the study case :data:`STUDY_CASE`."""
    cases = _table(net, "loadcases")
    if STUDY_CASE not in cases.index:
        return lambda frame: 1.0
    case = cases.loc[STUDY_CASE]

    def factor(frame: pd.DataFrame) -> np.ndarray:
        kind = frame["type"].astype(str) if "type" in frame else pd.Series("", index=frame.index)
        out = np.full(len(frame), float(case["RES_p"]))
        for prefix, column in SGEN_CASE_COLUMNS:
            out[kind.str.startswith(prefix).to_numpy()] = float(case[column])
        return out

    return factor


def city_from_simbench(code: str) -> City:
    """The SimBench grid ``code`` (e.g. ``1-LV-rural1--0-sw``) as a :class:`City`, its
    generation at the study case :data:`STUDY_CASE`."""
    net = simbench_net(code)
    return city_from_pandapower(
        net, name=code, meta={"simbench_code": code}, sgen_factor=_sgen_study_case(net)
    )


def read_net_json(path: str | Path, from_json: Callable[[str], Any], table: str, kind: str) -> Any:
    """A pandapower or pandapipes net from its JSON file; ``table`` must exist in it."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "does not exist or is not a file")
    try:
        net = from_json(str(path))
    except Exception as error:  # the readers raise anything from json, pandas or their own code
        raise InputError(str(path), f"is not a readable {kind} JSON net ({error})") from None
    if not hasattr(net, table):
        raise InputError(str(path), f"holds no {kind} net")
    return net


def read_pandapower_file(path: str | Path) -> Any:
    """A pandapower net from a JSON file written by ``pandapower.to_json``."""
    import pandapower

    return read_net_json(path, pandapower.from_json, "bus", "pandapower")
