"""pandapipes district-heating nets → a warmgrid City; coupling heat to power.

Ids keep the origin: ``heat.<table>.<index>`` (``heat.junction.4``, ``heat.pipe.7``,
``heat.valve.0``, ``heat.circ_pump_pressure.0``, ``heat.heat_consumer.12``).

The mapping follows ``pandapipes.topology.create_nxgraph``:

- every junction is a node; branches touching an out-of-service junction are out of
  service (the junction is absent from pandapipes' graph);
- every branch component becomes a branch between its two junctions, ``in_service`` from
  the component's status column: pipes → ``pipe``, valves → ``valve`` (``opened`` →
  ``closed``), pumps and compressors → ``pump``, flow and pressure controllers →
  ``valve``, heat consumers, heat exchangers and any other branch component → ``pipe``.
  A valve mounted on a pipe (``et`` "pi") is an element valve that guards that pipe;
- sources: external grids, and the circulation pumps (``circ_pump_pressure``,
  ``circ_pump_mass``), which in a heating network are the plant that sets flow
  temperature and pressure. A circulation pump is a ``circ_pump`` source at its flow
  junction; it is not also an edge from its return junction (pandapipes' own
  ``unsupplied_junctions`` counts only external grids as slacks, which would leave a
  network fed by a circulation pump without supply everywhere);
- every heat consumer is also a building (same id as its branch) on its flow-side
  junction, with a population estimated from its heat demand
  (:mod:`warmgrid.model.io.population`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from warmgrid.errors import InputError
from warmgrid.model.city import City
from warmgrid.model.io.pandapower_io import read_net_json
from warmgrid.model.io.population import (
    DEFAULT_HEAT_FULL_LOAD_HOURS,
    HEAT_PER_HOUSEHOLD_KWH,
    people_from_energy,
)
from warmgrid.model.io.positions import nearest, points_lonlat
from warmgrid.model.schema import TABLES

BRANCH_KIND = {
    "pipe": "pipe",
    "valve": "valve",
    "pump": "pump",
    "compressor": "pump",
    "flow_control": "valve",
    "press_control": "valve",
    "heat_consumer": "pipe",
    "heat_exchanger": "pipe",
}
CIRC_PUMPS = ("circ_pump_pressure", "circ_pump_mass")


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (for messages)."""
    return value.item() if isinstance(value, np.generic) else value


def _ids(prefix: str, index: Iterable[Any]) -> np.ndarray:
    return np.array([f"{prefix}.{int(i)}" for i in index], dtype=object)


def _names(frame: pd.DataFrame) -> np.ndarray:
    if "name" not in frame:
        return np.full(len(frame), "", dtype=object)
    return frame["name"].where(frame["name"].notna(), "").astype(str).to_numpy()


def _bool(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.ones(len(frame), dtype=bool)
    return frame[column].fillna(True).astype(bool).to_numpy()


def _check_junctions(
    frame: pd.DataFrame, table: str, columns: Iterable[str], ok: pd.Series
) -> None:
    for column in columns:
        known = frame[column].isin(ok.index).to_numpy()
        if not known.all():
            row = frame.index[~known][0]
            raise InputError(
                f"pandapipes net: {table} {row}",
                f"{column} {_plain(frame[column].loc[row])!r} names no junction",
            )


def _branch_components(net: Any) -> list[tuple[str, tuple[str, str], str]]:
    """(table, (from column, to column), status column) of every branch component."""
    from pandapipes.component_models.abstract_models.branch_models import BranchComponent

    out = []
    for component in net.component_list:
        if not issubclass(component, BranchComponent):
            continue
        table = component.table_name()
        if table in CIRC_PUMPS or table not in net or not len(net[table]):
            continue
        out.append((table, component.from_to_node_cols(), component.active_identifier()))
    return out


def _branches(net: Any, ok: pd.Series) -> pd.DataFrame | None:
    frames = []
    for table, (fcol, tcol), status in _branch_components(net):
        frame = net[table]
        guarding = np.zeros(len(frame), dtype=bool)
        if table == "valve" and "et" in frame:
            guarding = frame["et"].astype(str).to_numpy() == "pi"
        _check_junctions(frame, table, (fcol,), ok)
        _check_junctions(frame[~guarding], table, (tcol,), ok)
        element = frame[tcol].to_numpy()
        pipes = net["pipe"].index if "pipe" in net else pd.Index([])
        if guarding.any() and not np.isin(element[guarding], pipes).all():
            row = frame.index[guarding][~np.isin(element[guarding], pipes)][0]
            raise InputError(f"pandapipes net: valve {row}", "element names no pipe")
        to_node = np.where(guarding, "", [f"heat.junction.{int(j)}" for j in element])
        guards = np.where(guarding, [f"heat.pipe.{int(j)}" for j in element], "")
        ends_ok = ok[frame[fcol]].to_numpy() & np.where(
            guarding, True, ok.reindex(element, fill_value=False).to_numpy()
        )
        status_ok = _bool(frame, status)
        is_valve = table == "valve"
        diameter_m = np.full(len(frame), np.nan)
        if "inner_diameter_mm" in frame:
            diameter_m = frame["inner_diameter_mm"].to_numpy(np.float64) / 1000.0
        elif "diameter_m" in frame:
            diameter_m = frame["diameter_m"].to_numpy(np.float64)
        frames.append(
            pd.DataFrame(
                {
                    "id": _ids(f"heat.{table}", frame.index),
                    "network": "heat",
                    "kind": BRANCH_KIND.get(table, "pipe"),
                    "from_node": _ids("heat.junction", frame[fcol]),
                    "to_node": to_node,
                    "guards": guards,
                    "closed": status_ok if is_valve else True,
                    "in_service": np.where(guarding, True, ends_ok & (is_valve | status_ok)),
                    "length_m": (
                        frame["length_km"].to_numpy(np.float64) * 1000.0
                        if "length_km" in frame
                        else np.nan
                    ),
                    "diameter_m": diameter_m,
                    "name": _names(frame),
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else None


def _sources(net: Any, ok: pd.Series) -> pd.DataFrame | None:
    frames = []
    for table, column, kind in (
        ("ext_grid", "junction", "ext_grid"),
        *((t, "flow_junction", "circ_pump") for t in CIRC_PUMPS),
    ):
        frame = net[table] if table in net else pd.DataFrame()
        if not len(frame):
            continue
        _check_junctions(frame, table, (column,), ok)
        frames.append(
            pd.DataFrame(
                {
                    "id": _ids(f"heat.{table}", frame.index),
                    "network": "heat",
                    "kind": kind,
                    "node": _ids("heat.junction", frame[column]),
                    "in_service": _bool(frame, "in_service") & ok[frame[column]].to_numpy(),
                    "name": _names(frame),
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else None


def _buildings(net: Any, nodes: pd.DataFrame) -> tuple[pd.DataFrame | None, int]:
    consumer = net["heat_consumer"] if "heat_consumer" in net else pd.DataFrame()
    if not len(consumer):
        return None, 0
    position = nodes.set_index("id")[["lon", "lat"]]
    node_ids = _ids("heat.junction", consumer["from_junction"])
    lonlat = position.loc[node_ids].to_numpy()
    qext_w = consumer["qext_w"].to_numpy(np.float64) if "qext_w" in consumer else np.nan
    annual_kwh = np.abs(qext_w) / 1000.0 * DEFAULT_HEAT_FULL_LOAD_HOURS
    frame = pd.DataFrame(
        {
            "id": _ids("heat.heat_consumer", consumer.index),
            "name": _names(consumer),
            "lon": lonlat[:, 0],
            "lat": lonlat[:, 1],
            "population": people_from_energy(
                annual_kwh, np.ones(len(consumer), dtype=bool), HEAT_PER_HOUSEHOLD_KWH
            ),
            "use": "residential",
            "heat_node": node_ids,
        }
    )
    placed = frame["lon"].notna() & frame["lat"].notna()
    return frame[placed], int((~placed).sum())


def city_from_pandapipes(
    net: Any, *, name: str, latlon: bool = False, meta: dict[str, Any] | None = None
) -> City:
    """The heat network and heat consumers of a pandapipes net as a :class:`City`.

    ``latlon=True`` reads ``geo`` points stored as ``[lat, lon]`` (Schutterwald does).
    """
    if not hasattr(net, "junction") or not isinstance(net.junction, pd.DataFrame):
        raise InputError(name, "is not a pandapipes net (no junction table)")
    junction = net.junction
    ok = pd.Series(_bool(junction, "in_service"), index=junction.index)
    geo = junction["geo"] if "geo" in junction else pd.Series([None] * len(junction))
    lon, lat = points_lonlat(geo.tolist(), latlon=latlon)
    nodes = pd.DataFrame(
        {
            "id": _ids("heat.junction", junction.index),
            "network": "heat",
            "kind": "junction",
            "name": _names(junction),
            "lon": lon,
            "lat": lat,
        }
    )
    buildings, unplaced = _buildings(net, nodes)
    info = {
        "source": "pandapipes",
        "population_method": "qext_w × 1,500 h / 14,914 kWh per household × 2.00 persons",
        "consumers_without_position": unplaced,
        **(meta or {}),
    }
    return City.from_tables(
        name,
        nodes=nodes,
        branches=_branches(net, ok),
        sources=_sources(net, ok),
        buildings=buildings,
        meta=info,
        origin=name,
    )


def schutterwald_city() -> City:
    """pandapipes' Schutterwald district-heating network (its points are ``[lat, lon]``)."""
    from pandapipes.networks import schutterwald_heat

    return city_from_pandapipes(schutterwald_heat(), name="schutterwald", latlon=True)


def read_pandapipes_file(path: str | Path) -> Any:
    """A pandapipes net from a JSON file written by ``pandapipes.to_json``."""
    import pandapipes

    return read_net_json(path, pandapipes.from_json, "junction", "pandapipes")


def _lowest_voltage_buses(power: City) -> pd.DataFrame:
    buses = power.nodes[power.nodes["network"] == "power"]
    volts = buses["voltage_kv"]
    if volts.notna().any():
        buses = buses[volts == volts.min()]
    return buses


def couple(
    power_city: City,
    heat_city: City,
    dependencies: Iterable[tuple[str, str, str]] = (),
    *,
    name: str | None = None,
    max_distance_m: float = 2_000.0,
) -> City:
    """One City from a power and a heat city, with ``(asset, service, node)`` dependencies.

    Buildings of the heat city without a power node get the nearest bus of the lowest
    voltage level of the power city (great-circle distance, when both have positions and
    the bus is at most ``max_distance_m`` away; otherwise none). ``meta`` keeps the max
    and mean distance in metres and the number of buildings left without a power node.
    """
    buses = _lowest_voltage_buses(power_city)
    heat_buildings = heat_city.buildings.copy()
    missing = (heat_buildings["power_node"] == "").to_numpy()
    index, distance = nearest(
        heat_buildings["lon"].to_numpy()[missing],
        heat_buildings["lat"].to_numpy()[missing],
        buses["lon"].to_numpy(),
        buses["lat"].to_numpy(),
    )
    index[distance > max_distance_m] = -1
    bus_ids = buses["id"].to_numpy()
    assigned = np.where(index >= 0, bus_ids[np.maximum(index, 0)], "")
    heat_buildings.loc[missing, "power_node"] = assigned
    extra = pd.DataFrame(list(dependencies), columns=[c.name for c in TABLES["dependencies"]])
    tables = {
        table: pd.concat([power_city.table(table), heat_city.table(table)], ignore_index=True)
        for table in ("nodes", "branches", "sources")
    }
    tables["buildings"] = pd.concat([power_city.buildings, heat_buildings], ignore_index=True)
    tables["dependencies"] = pd.concat(
        [power_city.dependencies, heat_city.dependencies, extra], ignore_index=True
    )
    label = name or f"{power_city.name}+{heat_city.name}"
    reached = distance[index >= 0]
    meta = {
        "power": power_city.meta,
        "heat": heat_city.meta,
        "power_node_distance_m": {
            "max": float(reached.max()) if reached.size else None,
            "mean": float(reached.mean()) if reached.size else None,
        },
        "heat_buildings_without_power_node": int((index < 0).sum()),
    }
    return City.from_tables(label, meta=meta, origin=label, **tables)
