"""Synthetic cities of any size, from a seed: coupled power and district-heat networks.

:func:`synthetic_city` lays a city out on a square grid of *cells* (one 10/0.4 kV
transformer and its 20–60 buildings each), in metres around a centre, and converts the
positions to WGS84 at the end. Everything is built column-wise with numpy, so that a city
of 1,000,000 buildings is generated in seconds; the result is validated by
:meth:`warmgrid.model.city.City.from_tables` like any imported city.

Power:

- 110 kV: supply points with a grid infeed (``ext_grid``) link rings of up to
  ``RING_SUBSTATIONS`` HV/MV substations (supply point → substations → next supply
  point; one supply point closes its ring on itself).
- A substation per block of 8 × 8 cells: two 110/10 kV transformers, or every tenth
  substation a three-winding 110/35/10 kV transformer and one 110/10 kV transformer.
- One radial 10 kV feeder per row of a block (8 ring-main units), a feeder breaker
  (element switch guarding the first cable), normally open ties between the ends of
  feeder pairs and between neighbouring substations.
- Per cell a 10/0.4 kV transformer and three 0.4 kV feeders; one 0.4 kV bus per group
  of up to four buildings.
- CHP plants: a 110 kV switchyard on two lines to the grid, unit transformers to the
  generator bus, an own-needs transformer and a reserve own-needs transformer to the
  own-needs bus. The plant's generators are not sources (an islanded plant trips), so
  the heat plant and the network pumps, which depend on power at the own-needs bus, stop
  when the plant loses the grid.

Heat:

- Blocks are split into contiguous CHP service areas. In an area most blocks hang on the
  CHP's trunk main (sectioning valves every third section, a booster pumping station
  every sixth, powered from the block's 0.4 kV bus); some blocks are served by boiler
  houses (one per feeder row, boiler and pumps powered from a nearby 0.4 kV bus), and
  some have no district heat at all.
- Every other CHP has a peak boiler house at the end of its trunk (a second source);
  the trunks of neighbouring CHPs meet at a normally open interconnection valve.
- In a block, each row's district main enters through a sectioning valve (one in five
  through a pumping station) and meshes with the next row's main in about a third of the
  row pairs; service pipes branch from each cell's junction like the 0.4 kV feeders.

Buildings: mostly residential (archetypes by distance from the centre: pre-war brick in
the centre, 5- and 9-storey panel blocks around it, 16-storey panel and modern blocks
outside), with offices and shops (``other``), schools, care homes and hospitals.
People per apartment follow the demo city (:data:`warmgrid.model.demo.PEOPLE_PER_APARTMENT`).
Buildings in district-heated cells are on district heat, except about a third of the
pre-war and ``other`` buildings, which heat themselves.

The sizes and ranges below are illustrative of post-war cities in a cold climate, chosen
for plausibility, not taken from a survey; the generator's purpose is to exercise the
engines at scale with a realistic structure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from warmgrid.errors import InputError
from warmgrid.geo import LocalFrame
from warmgrid.model.city import City
from warmgrid.model.demo import PEOPLE_PER_APARTMENT

CENTRE_LON, CENTRE_LAT = 30.50, 50.45
CELL_PITCH_M = 250.0
BUILDINGS_PER_CELL = (20, 60)  # inclusive range of buildings per 10/0.4 kV transformer
BUILDINGS_PER_GROUP = 4  # buildings per 0.4 kV bus and per heat service junction
LV_FEEDERS = 3  # 0.4 kV feeders per 10/0.4 kV transformer
FEEDER_CELLS = 8  # ring-main units per 10 kV feeder
BLOCK_ROWS = 8  # 10 kV feeders per HV/MV substation
BLOCK_CELLS = FEEDER_CELLS * BLOCK_ROWS
RING_SUBSTATIONS = 8  # HV/MV substations between two 110 kV supply points
THREE_WINDING_EVERY = 10  # every tenth substation has a 110/35/10 kV transformer
HEAT_TYPE_P = (0.75, 0.15, 0.10)  # block served by the CHP trunk, boiler houses, no DH
TRUNK_VALVE_EVERY, TRUNK_PUMP_EVERY = 3, 6
ROW_PUMP_P, ROW_MESH_P = 0.2, 0.3
OWN_HEATING_P = 0.35  # pre-war and "other" buildings in DH cells that heat themselves

USES = ("residential", "other", "school", "care_home", "hospital")
USE_P = (0.8935, 0.09, 0.012, 0.003, 0.0015)
RESIDENTIAL = ("panel_5", "panel_9", "panel_16", "brick_prewar", "modern_insulated")
# Residential archetype mix by zone (centre, middle, outer), in the order of RESIDENTIAL
ZONE_MIX = np.array(
    [
        [0.30, 0.15, 0.00, 0.45, 0.10],
        [0.25, 0.40, 0.15, 0.10, 0.10],
        [0.05, 0.30, 0.25, 0.10, 0.30],
    ]
)
ZONE_EDGES = (0.3, 0.7)  # zone boundaries as a fraction of the city's radius
# Share of residential buildings that are one- or two-family houses, by zone (centre,
# middle, outer). Counted in buildings, houses are the majority of a real city's housing
# stock even where most people live in blocks: Germany has 19.4 million residential
# buildings for 43.1 million dwellings, 83 % of them houses with one or two dwellings
# (Destatis, Bestand an Wohngebäuden und Wohnungen, 2022), and the private-house districts
# of post-Soviet cities hold most of their buildings. With these shares a 10/0.4 kV cell
# of 250 m x 250 m holds a few hundred dwellings, as one 630 kVA transformer can supply.
HOUSE_P = (0.85, 0.95, 0.97)
# A house: (min storeys, max storeys, min dwellings, max dwellings, m2 per dwelling);
# 1-2 family houses in Germany average about 115 m² per dwelling (Destatis 2022).
HOUSE = (1, 2, 1, 2, 115.0)
# Residential archetype: (min storeys, max storeys, min apartments, max apartments, m2/apt)
ARCHETYPES = {
    "panel_5": (5, 5, 60, 100, 52.0),
    "panel_9": (9, 9, 72, 216, 54.0),
    "panel_16": (16, 16, 64, 192, 56.0),
    "brick_prewar": (2, 5, 4, 40, 65.0),
    "modern_insulated": (10, 25, 60, 250, 70.0),
}
# Non-residential use: (min storeys, max storeys, min people, max people, min m2, max m2)
FACILITIES = {
    "other": (1, 6, 5, 150, 300.0, 5_000.0),
    "school": (2, 4, 300, 1_200, 3_500.0, 10_000.0),
    "care_home": (2, 5, 50, 220, 1_500.0, 6_000.0),
    "hospital": (3, 9, 300, 1_500, 12_000.0, 45_000.0),
}
FACILITY_NAMES = {
    "school": "School No. ",
    "care_home": "Care home No. ",
    "hospital": "Hospital No. ",
}


@dataclass
class _Assembler:
    """Collects column arrays per table; references are global integer row indices.

    Ids follow the importers' scheme ``<network>.<kind>.<n>``, numbered per kind in the
    order elements are added (like :class:`warmgrid.model.builder.CityBuilder`).
    """

    nodes: list[dict[str, Any]] = field(default_factory=list)
    branches: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    deps: list[tuple[str, np.ndarray, np.ndarray]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"n": 0, "b": 0, "s": 0})

    def _add(
        self, parts: list[dict[str, Any]], key: str, count: int, columns: dict[str, Any]
    ) -> np.ndarray:
        start = self.counts[key]
        self.counts[key] = start + count
        parts.append({"count": count, **columns})
        return np.arange(start, start + count, dtype=np.int64)

    def node(
        self,
        network: str,
        x: np.ndarray,
        y: np.ndarray,
        voltage_kv: float = math.nan,
        name: str | np.ndarray = "",
    ) -> np.ndarray:
        """Add buses (power) or junctions (heat) at positions in metres; their indices."""
        kind = "bus" if network == "power" else "junction"
        columns = {"network": network, "kind": kind, "x": x, "y": y, "voltage_kv": voltage_kv}
        return self._add(self.nodes, "n", len(x), {**columns, "name": name})

    def branch(
        self,
        network: str,
        kind: str,
        u: np.ndarray,
        v: np.ndarray | int = -1,
        *,
        third: np.ndarray | int = -1,
        guards: np.ndarray | int = -1,
        closed: np.ndarray | bool = True,
        diameter_m: np.ndarray | float = math.nan,
        name: str | np.ndarray = "",
    ) -> np.ndarray:
        """Add branches between node indices (``-1``: none); their indices."""
        columns: dict[str, Any] = {"network": network, "kind": kind, "u": u, "v": v, "third": third}
        columns |= {"guards": guards, "closed": closed, "diameter_m": diameter_m, "name": name}
        return self._add(self.branches, "b", len(u), columns)

    def source(
        self,
        network: str,
        kind: str,
        node: np.ndarray,
        capacity_mw: float,
        name: str | np.ndarray = "",
    ) -> np.ndarray:
        """Add grid infeeds, heat plants or boilers at node indices; their indices."""
        columns = {"network": network, "kind": kind, "node": node, "capacity_mw": capacity_mw}
        return self._add(self.sources, "s", len(node), {**columns, "name": name})

    def depends(self, table: str, asset: np.ndarray, node: np.ndarray) -> None:
        """Branches or sources (``table``) that need power at ``node``."""
        self.deps.append((table, asset, node))


def _column(parts: list[dict[str, Any]], key: str, dtype: type | None = None) -> np.ndarray:
    return np.concatenate(
        [np.broadcast_to(np.asarray(p[key], dtype=dtype), (p["count"],)) for p in parts]
    )


def _ids(parts: list[dict[str, Any]]) -> np.ndarray:
    counters: dict[str, int] = {}
    chunks = []
    for part in parts:
        prefix = f"{part['network']}.{part['kind']}."
        start = counters.get(prefix, 0)
        counters[prefix] = start + part["count"]
        numbers = pd.Series(np.arange(start, start + part["count"])).astype(str)
        chunks.append((prefix + numbers).to_numpy(dtype=object))
    return np.concatenate(chunks)


def _refer(ids: np.ndarray, index: np.ndarray) -> np.ndarray:
    out = np.full(index.size, "", dtype=object)
    present = index >= 0
    out[present] = ids[index[present]]
    return out


def _chain_parents(
    group_start: np.ndarray, sizes: np.ndarray, head: np.ndarray, step: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parent of every member of consecutive groups: ``step`` members back, or the head."""
    member = np.arange(int(sizes.sum()), dtype=np.int64)
    group = np.repeat(np.arange(sizes.size), sizes)
    position = member - np.repeat(group_start, sizes)
    return np.where(position >= step, member - step, head[group]), position, group


def _lon_lat(
    x: np.ndarray, y: np.ndarray, lon0: float, lat0: float
) -> tuple[np.ndarray, np.ndarray]:
    return LocalFrame(lon0, lat0).to_lonlat_deg(np.column_stack([x, y]))


@dataclass
class _Cells:
    """The grid of cells: sizes, positions, and their block, row and column."""

    sizes: np.ndarray
    x: np.ndarray
    y: np.ndarray
    block: np.ndarray
    row: np.ndarray
    col: np.ndarray
    n_blocks: int
    block_x: np.ndarray  # west edge of each block (substation side), metres
    block_y: np.ndarray  # middle of each block, metres


def _cells(n_buildings: int, rng: np.random.Generator) -> _Cells:
    low, high = BUILDINGS_PER_CELL
    sizes = rng.integers(low, high + 1, size=n_buildings // low + 2)
    total = np.cumsum(sizes)
    n_cells = int(np.searchsorted(total, n_buildings)) + 1
    sizes = sizes[:n_cells].copy()
    sizes[-1] = n_buildings - (int(total[n_cells - 2]) if n_cells > 1 else 0)
    cell = np.arange(n_cells)
    block, within = np.divmod(cell, BLOCK_CELLS)
    row, col = np.divmod(within, FEEDER_CELLS)
    n_blocks = int(block[-1]) + 1
    side = math.ceil(math.sqrt(n_blocks))
    by, bx = np.divmod(np.arange(n_blocks), side)
    bx = np.where(by % 2 == 0, bx, side - 1 - bx)  # serpentine: consecutive blocks touch
    span = FEEDER_CELLS * CELL_PITCH_M
    offset = side * span / 2
    block_x = bx * span - offset
    block_y = by * BLOCK_ROWS * CELL_PITCH_M - offset
    x = block_x[block] + (col + 0.5) * CELL_PITCH_M
    y = block_y[block] + (row + 0.5) * CELL_PITCH_M
    return _Cells(
        sizes, x, y, block, row, col, n_blocks, block_x, block_y + BLOCK_ROWS * CELL_PITCH_M / 2
    )


def _numbered(prefix: str, count: int, suffix: str = "") -> np.ndarray:
    return (prefix + pd.Series(np.arange(1, count + 1)).astype(str) + suffix).to_numpy(object)


def _high_voltage(asm: _Assembler, cells: _Cells) -> tuple[np.ndarray, np.ndarray]:
    """Supply points, 110 kV rings and HV/MV substations; (HV bus, MV bus) per block."""
    n_blocks = cells.n_blocks
    sx, sy = cells.block_x - CELL_PITCH_M / 2, cells.block_y
    hv = asm.node("power", sx, sy, 110.0, _numbered("Substation ", n_blocks, " 110 kV"))
    mv = asm.node("power", sx, sy - 20.0, 10.0, _numbered("Substation ", n_blocks, " 10 kV"))
    three = np.arange(n_blocks) % THREE_WINDING_EVERY == 0
    mid = asm.node("power", sx[three], sy[three] - 40.0, 35.0, "35 kV")
    asm.branch("power", "trafo3w", hv[three], mid, third=mv[three], name="110/35/10 kV")
    asm.branch("power", "trafo", hv, mv, name="110/10 kV T1")
    asm.branch("power", "trafo", hv[~three], mv[~three], name="110/10 kV T2")

    n_points = math.ceil(n_blocks / RING_SUBSTATIONS)
    first = np.arange(n_points) * RING_SUBSTATIONS
    px, py = sx[first] - 3 * CELL_PITCH_M, sy[first] + 2 * CELL_PITCH_M
    points = asm.node("power", px, py, 110.0, _numbered("Supply point ", n_points, " 110 kV"))
    asm.source("power", "ext_grid", points, 600.0, "Transmission grid infeed")
    ring = np.arange(n_blocks) // RING_SUBSTATIONS
    starts = np.arange(n_blocks) % RING_SUBSTATIONS == 0
    ends = np.append(ring[1:] != ring[:-1], True)
    prev = np.where(starts, points[ring], np.roll(hv, 1))
    asm.branch("power", "line", prev, hv, name="110 kV line")
    asm.branch("power", "line", hv[ends], points[(ring[ends] + 1) % n_points], name="110 kV line")
    return hv, mv


def _medium_voltage(asm: _Assembler, cells: _Cells, mv: np.ndarray) -> np.ndarray:
    """10 kV feeders, breakers, open ties and 10/0.4 kV transformers; 0.4 kV bus per cell."""
    n_cells = cells.sizes.size
    rmu = asm.node("power", cells.x, cells.y + 20.0, 10.0)
    head = cells.col == 0
    prev = np.where(head, mv[cells.block], np.roll(rmu, 1))
    cables = asm.branch("power", "line", prev, rmu)
    asm.branch("power", "switch", mv[cells.block[head]], guards=cables[head], name="feeder breaker")
    feeder = np.arange(n_cells) // FEEDER_CELLS
    end = np.append(feeder[1:] != feeder[:-1], True)
    ends, end_block, end_row = rmu[end], cells.block[end], cells.row[end]
    pair = (end_row[:-1] % 2 == 0) & (end_block[1:] == end_block[:-1])
    asm.branch("power", "switch", ends[:-1][pair], ends[1:][pair], closed=False, name="open tie")
    last_row = end_row == BLOCK_ROWS - 1
    across = ends[last_row]
    asm.branch("power", "switch", across[:-1], across[1:], closed=False, name="open tie")
    lv = asm.node("power", cells.x, cells.y, 0.4)
    asm.branch("power", "trafo", rmu, lv, name="10/0.4 kV")
    return lv


def _groups(cells: _Cells) -> tuple[np.ndarray, np.ndarray]:
    """Groups of up to four buildings per cell: (groups per cell, first group of each cell)."""
    per_cell = -(-cells.sizes // BUILDINGS_PER_GROUP)
    return per_cell, np.cumsum(per_cell) - per_cell


def _spokes(
    cells: _Cells, group_cell: np.ndarray, position: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Positions (metres) of the groups along the cell's three feeder spokes."""
    angle = (position % LV_FEEDERS) * (2 * math.pi / LV_FEEDERS) + 0.3
    radius = (position // LV_FEEDERS + 1) * 22.0
    return cells.x[group_cell] + radius * np.cos(angle), cells.y[group_cell] + radius * np.sin(
        angle
    )


def _low_voltage(asm: _Assembler, cells: _Cells, lv: np.ndarray) -> np.ndarray:
    """0.4 kV feeders; the 0.4 kV bus of every group."""
    per_cell, first = _groups(cells)
    local_parent, position, group_cell = _chain_parents(first, per_cell, lv, LV_FEEDERS)
    gx, gy = _spokes(cells, group_cell, position)
    buses = asm.node("power", gx, gy, 0.4)
    parent = np.where(position >= LV_FEEDERS, buses[0] + local_parent, local_parent)
    asm.branch("power", "line", parent, buses)
    return buses


@dataclass
class _HeatPlan:
    """Which blocks hang on which CHP, which on boiler houses, which have no heat."""

    block_type: np.ndarray  # 0: CHP trunk, 1: boiler houses, 2: no district heat
    chunk: np.ndarray  # CHP service area of each block
    n_chp: int


def _heat_plan(cells: _Cells, rng: np.random.Generator) -> _HeatPlan:
    n_blocks = cells.n_blocks
    n_chp = max(1, round(math.sqrt(n_blocks)))
    chunk = np.arange(n_blocks) * n_chp // n_blocks
    block_type = rng.choice(3, size=n_blocks, p=HEAT_TYPE_P)
    block_type[np.append(True, chunk[1:] != chunk[:-1])] = 0
    return _HeatPlan(block_type, chunk, n_chp)


def _chp_plants(asm: _Assembler, cells: _Cells, plan: _HeatPlan, hv: np.ndarray) -> np.ndarray:
    """CHP switchyards, transformers, own needs, heat plants and network pumps.

    Returns the network pump outlet junction of every plant.
    """
    k = plan.n_chp
    first = np.searchsorted(plan.chunk, np.arange(k))
    second = np.minimum(first + 1, cells.n_blocks - 1)
    second = np.where(plan.chunk[second] == np.arange(k), second, first)
    x, y = cells.block_x[first] - 2 * CELL_PITCH_M, cells.block_y[first] - 3 * CELL_PITCH_M
    names = _numbered("CHP-", k)
    yard = asm.node("power", x, y, 110.0, names + " switchyard 110 kV")
    gen = asm.node("power", x - 60.0, y, 10.0, names + " generator bus 10 kV")
    own = asm.node("power", x - 70.0, y - 40.0, 6.0, names + " own needs 6 kV")
    asm.branch("power", "line", yard, hv[first], name="110 kV line")
    asm.branch("power", "line", yard, hv[second], name="110 kV line")
    third_unit = np.arange(k) % 2 == 0
    for unit, which in ((1, slice(None)), (2, slice(None)), (3, third_unit)):
        asm.branch("power", "trafo", yard[which], gen[which], name=f"unit transformer T{unit}")
    asm.branch("power", "trafo", gen, own, name="own-needs transformer")
    asm.branch("power", "trafo", yard, own, name="reserve own-needs transformer")

    header = asm.node("heat", x + 40.0, y - 60.0, name=names + " heat header")
    plants = asm.source("heat", "heat_plant", header, 600.0, names + " heat")
    asm.depends("sources", plants, own)
    outlet = asm.node("heat", x + 80.0, y - 60.0, name=names + " network pumps outlet")
    pumps = asm.branch("heat", "pump", header, outlet, name=names + " network pump station")
    asm.depends("branches", pumps, own)
    return outlet


def _boiler_house(
    asm: _Assembler,
    x: np.ndarray,
    y: np.ndarray,
    power: np.ndarray,
    capacity_mw: float,
    name: str | np.ndarray,
) -> np.ndarray:
    """Boiler houses whose boilers and pumps need power at ``power``; their outlets."""
    header = asm.node("heat", x, y, name=name)
    boilers = asm.source("heat", "boiler", header, capacity_mw, name)
    asm.depends("sources", boilers, power)
    outlet = asm.node("heat", x + 15.0, y, name=name)
    pumps = asm.branch("heat", "pump", header, outlet, name=name)
    asm.depends("branches", pumps, power)
    return outlet


def _trunks(
    asm: _Assembler, cells: _Cells, plan: _HeatPlan, outlet: np.ndarray, lv: np.ndarray
) -> np.ndarray:
    """CHP trunk mains, boosters, valves, peak boilers, interconnections; junction per block."""
    on_trunk = np.flatnonzero(plan.block_type == 0)
    chunk = plan.chunk[on_trunk]
    block_lv = lv[on_trunk * BLOCK_CELLS]
    x, y = cells.block_x[on_trunk] - 60.0, cells.block_y[on_trunk] - 60.0
    trunk = asm.node("heat", x, y, name="trunk chamber")
    start = np.append(True, chunk[1:] != chunk[:-1])
    prev = np.where(start, outlet[chunk], np.roll(trunk, 1))
    section = np.arange(on_trunk.size) - np.maximum.accumulate(
        np.where(start, np.arange(on_trunk.size), 0)
    )
    pump = section % TRUNK_PUMP_EVERY == TRUNK_PUMP_EVERY - 1
    pipes = asm.branch("heat", "pipe", prev[~pump], trunk[~pump], diameter_m=0.8, name="trunk")
    boosters = asm.branch("heat", "pump", prev[pump], trunk[pump], name="booster station")
    asm.depends("branches", boosters, block_lv[pump])
    sections = np.empty(on_trunk.size, dtype=np.int64)
    sections[~pump], sections[pump] = pipes, boosters
    valved = section % TRUNK_VALVE_EVERY == TRUNK_VALVE_EVERY - 1
    asm.branch("heat", "valve", prev[valved], guards=sections[valved], name="sectioning valve")

    end = np.append(chunk[1:] != chunk[:-1], True)
    peak = end & (chunk % 2 == 1)
    outlets = _boiler_house(
        asm, x[peak] + 30.0, y[peak] - 30.0, block_lv[peak], 120.0, "peak boiler house"
    )
    asm.branch("heat", "pipe", outlets, trunk[peak], diameter_m=0.5, name="peak boiler main")
    ties = asm.branch("heat", "pipe", trunk[end][:-1], trunk[start][1:], diameter_m=0.5)
    asm.branch(
        "heat", "valve", trunk[end][:-1], guards=ties, closed=False, name="interconnection valve"
    )
    per_block = np.full(cells.n_blocks, -1, dtype=np.int64)
    per_block[on_trunk] = trunk
    return per_block


def _district_mains(
    asm: _Assembler,
    cells: _Cells,
    plan: _HeatPlan,
    trunk: np.ndarray,
    lv: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Row mains from the trunk or a boiler house; the heat junction of every cell (-1: none)."""
    cell_type = plan.block_type[cells.block]
    heated = np.flatnonzero(cell_type < 2)
    junction = np.full(cells.sizes.size, -1, dtype=np.int64)
    junction[heated] = asm.node("heat", cells.x[heated], cells.y[heated] - 15.0)
    head = heated[cells.col[heated] == 0]
    chp_head = head[cell_type[head] == 0]
    boiler_head = head[cell_type[head] == 1]

    entry_pump = rng.random(chp_head.size) < ROW_PUMP_P
    inlet = trunk[cells.block[chp_head]]
    pipes = asm.branch(
        "heat",
        "pipe",
        inlet[~entry_pump],
        junction[chp_head[~entry_pump]],
        diameter_m=0.3,
        name="district main",
    )
    pumps = asm.branch(
        "heat",
        "pump",
        inlet[entry_pump],
        junction[chp_head[entry_pump]],
        name="district pumping station",
    )
    asm.depends("branches", pumps, lv[chp_head[entry_pump]])
    asm.branch("heat", "valve", inlet[~entry_pump], guards=pipes, name="sectioning valve")
    asm.branch("heat", "valve", inlet[entry_pump], guards=pumps, name="sectioning valve")

    bx, by = cells.x[boiler_head] - 0.4 * CELL_PITCH_M, cells.y[boiler_head] + 40.0
    names = _numbered("Boiler house ", boiler_head.size)
    outlets = _boiler_house(asm, bx, by, lv[boiler_head], 20.0, names)
    asm.branch("heat", "pipe", outlets, junction[boiler_head], diameter_m=0.25, name="main")

    along = heated[cells.col[heated] > 0]
    asm.branch("heat", "pipe", junction[along - 1], junction[along], diameter_m=0.25)

    feeder = np.arange(cells.sizes.size) // FEEDER_CELLS
    row_end = np.flatnonzero(np.append(feeder[1:] != feeder[:-1], True))
    row_end = row_end[cell_type[row_end] == 0]
    pair = (
        (cells.block[row_end[1:]] == cells.block[row_end[:-1]])
        & (cells.row[row_end[1:]] == cells.row[row_end[:-1]] + 1)
        & (rng.random(max(row_end.size - 1, 0)) < ROW_MESH_P)
    )
    asm.branch(
        "heat", "pipe", junction[row_end[:-1][pair]], junction[row_end[1:][pair]], diameter_m=0.2
    )
    return junction


def _service_pipes(
    asm: _Assembler, cells: _Cells, junction: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Service junctions per group in heated cells: (junction per group or -1, group cell)."""
    per_cell, first = _groups(cells)
    group_cell = np.repeat(np.arange(cells.sizes.size), per_cell)
    position = np.arange(group_cell.size) - first[group_cell]
    heated = np.flatnonzero(junction[group_cell] >= 0)
    gx, gy = _spokes(cells, group_cell[heated], position[heated])
    out = np.full(group_cell.size, -1, dtype=np.int64)
    out[heated] = asm.node("heat", gx + 5.0, gy - 5.0)
    deep = position[heated] >= LV_FEEDERS
    parent = np.where(deep, out[np.maximum(heated - LV_FEEDERS, 0)], junction[group_cell[heated]])
    asm.branch("heat", "pipe", parent, out[heated], diameter_m=0.1)
    return out, group_cell


def _between(rng: np.random.Generator, low: float, high: float, size: int) -> np.ndarray:
    return low + (high - low) * rng.random(size)


def _buildings(
    cells: _Cells,
    group_bus: np.ndarray,
    group_heat: np.ndarray,
    node_ids: np.ndarray,
    rng: np.random.Generator,
    centre: tuple[float, float],
) -> pd.DataFrame:
    n = int(cells.sizes.sum())
    cell = np.repeat(np.arange(cells.sizes.size), cells.sizes)
    within = np.arange(n) - np.repeat(np.cumsum(cells.sizes) - cells.sizes, cells.sizes)
    _, first = _groups(cells)
    group = first[cell] + within // BUILDINGS_PER_GROUP
    group_position = group - first[cell]
    gx, gy = _spokes(cells, cell, group_position)
    x = gx + _between(rng, -10.0, 10.0, n)
    y = gy + _between(rng, -10.0, 10.0, n)

    use_code = rng.choice(len(USES), size=n, p=USE_P)
    for code in range(2, len(USES)):  # every critical use at least once
        if n >= 50 and not (use_code == code).any():
            use_code[np.flatnonzero(use_code == 0)[code]] = code
    radius = np.hypot(x, y) / max(float(np.hypot(x, y).max()), 1.0)
    zone = np.searchsorted(ZONE_EDGES, radius)
    cumulative = np.cumsum(ZONE_MIX, axis=1)[zone]
    residential_type = (rng.random(n)[:, None] > cumulative).sum(axis=1).clip(0, 4)

    storeys = np.ones(n, dtype=np.int64)
    population = np.zeros(n, dtype=np.int64)
    apartments = np.zeros(n, dtype=np.int64)
    floor_area = np.zeros(n)
    archetype = np.empty(n, dtype=object)
    residential = use_code == 0
    for code, key in enumerate(RESIDENTIAL):
        rows = np.flatnonzero(residential & (residential_type == code))
        low_s, high_s, low_a, high_a, area_per = ARCHETYPES[key]
        storeys[rows] = rng.integers(low_s, high_s + 1, rows.size)
        apartments[rows] = rng.integers(low_a, high_a + 1, rows.size)
        population[rows] = np.round(apartments[rows] * PEOPLE_PER_APARTMENT)
        floor_area[rows] = apartments[rows] * area_per
        archetype[rows] = key
    houses = np.flatnonzero(residential & (rng.random(n) < np.asarray(HOUSE_P)[zone]))
    low_s, high_s, low_a, high_a, area_per = HOUSE
    storeys[houses] = rng.integers(low_s, high_s + 1, houses.size)
    apartments[houses] = rng.integers(low_a, high_a + 1, houses.size)
    population[houses] = np.maximum(np.round(apartments[houses] * PEOPLE_PER_APARTMENT), 1)
    floor_area[houses] = apartments[houses] * area_per
    archetype[houses] = "brick_prewar"
    for code in range(1, len(USES)):
        rows = np.flatnonzero(use_code == code)
        low_s, high_s, low_p, high_p, low_m2, high_m2 = FACILITIES[USES[code]]
        storeys[rows] = rng.integers(low_s, high_s + 1, rows.size)
        population[rows] = rng.integers(low_p, high_p + 1, rows.size)
        floor_area[rows] = np.round(_between(rng, low_m2, high_m2, rows.size), -1)
        archetype[rows] = USES[code]
    others = np.flatnonzero(use_code == 1)
    archetype[others] = np.where(rng.random(others.size) < 0.6, "modern_insulated", "brick_prewar")

    names = np.full(n, "", dtype=object)
    for use, prefix in FACILITY_NAMES.items():
        rows = np.flatnonzero(use_code == USES.index(use))
        names[rows] = _numbered(prefix, rows.size)
    own_heating = (archetype == "brick_prewar") | (use_code == 1)
    own_heating &= rng.random(n) < OWN_HEATING_P
    heat = np.where(own_heating, -1, group_heat[group])
    lon, lat = _lon_lat(x, y, *centre)
    return pd.DataFrame(
        {
            "id": _numbered("building.", n),
            "name": names,
            "lon": lon,
            "lat": lat,
            "population": population,
            "use": np.asarray(USES, dtype=object)[use_code],
            "floor_area_m2": floor_area,
            "storeys": storeys,
            "archetype": archetype,
            "power_node": node_ids[group_bus[group]],
            "heat_node": _refer(node_ids, heat),
            "apartments": apartments,
        }
    )


def synthetic_city(
    n_buildings: int,
    *,
    seed: int = 0,
    name: str | None = None,
    centre_lon: float = CENTRE_LON,
    centre_lat: float = CENTRE_LAT,
) -> City:
    """A plausible city of exactly ``n_buildings`` buildings, the same for the same seed.

    ``centre_lon``/``centre_lat`` (WGS84 degrees) place the middle of the city. Memory and
    time are linear in ``n_buildings`` (about 2 nodes and 2 branches per 4 buildings).
    """
    if isinstance(n_buildings, bool) or not isinstance(n_buildings, int | np.integer):
        raise InputError("n_buildings", f"must be a whole number, got {n_buildings!r}")
    if n_buildings < 1:
        raise InputError("n_buildings", f"must be at least 1, got {n_buildings}")
    rng = np.random.default_rng(seed)
    cells = _cells(int(n_buildings), rng)
    asm = _Assembler()
    hv, mv = _high_voltage(asm, cells)
    lv = _medium_voltage(asm, cells, mv)
    group_bus = _low_voltage(asm, cells, lv)
    plan = _heat_plan(cells, rng)
    outlets = _chp_plants(asm, cells, plan, hv)
    trunk = _trunks(asm, cells, plan, outlets, lv)
    junction = _district_mains(asm, cells, plan, trunk, lv, rng)
    group_heat, _ = _service_pipes(asm, cells, junction)
    return _assemble(
        asm,
        cells,
        group_bus,
        group_heat,
        rng,
        name or f"synthetic city ({n_buildings} buildings, seed {seed})",
        (centre_lon, centre_lat),
        {"generator": "warmgrid.model.synth", "n_buildings": int(n_buildings), "seed": seed},
    )


def _assemble(
    asm: _Assembler,
    cells: _Cells,
    group_bus: np.ndarray,
    group_heat: np.ndarray,
    rng: np.random.Generator,
    name: str,
    centre: tuple[float, float],
    meta: dict[str, Any],
) -> City:
    node_ids = _ids(asm.nodes)
    x, y = _column(asm.nodes, "x", float), _column(asm.nodes, "y", float)
    lon, lat = _lon_lat(x, y, *centre)
    nodes = pd.DataFrame(
        {
            "id": node_ids,
            "network": _column(asm.nodes, "network", object),
            "kind": _column(asm.nodes, "kind", object),
            "name": _column(asm.nodes, "name", object),
            "lon": lon,
            "lat": lat,
            "voltage_kv": _column(asm.nodes, "voltage_kv", float),
        }
    )
    branch_ids = _ids(asm.branches)
    u, v = _column(asm.branches, "u", np.int64), _column(asm.branches, "v", np.int64)
    kind = _column(asm.branches, "kind", object)
    length_m = np.hypot(x[u] - x[v], y[u] - y[v])
    length_m[(v < 0) | ~np.isin(kind, ["line", "pipe"])] = np.nan
    branches = pd.DataFrame(
        {
            "id": branch_ids,
            "network": _column(asm.branches, "network", object),
            "kind": kind,
            "from_node": node_ids[u],
            "to_node": _refer(node_ids, v),
            "third_node": _refer(node_ids, _column(asm.branches, "third", np.int64)),
            "guards": _refer(branch_ids, _column(asm.branches, "guards", np.int64)),
            "closed": _column(asm.branches, "closed", bool),
            "in_service": np.ones(u.size, dtype=bool),
            "length_m": np.round(length_m, 1),
            "diameter_m": _column(asm.branches, "diameter_m", float),
            "name": _column(asm.branches, "name", object),
        }
    )
    source_ids = _ids(asm.sources)
    sources = pd.DataFrame(
        {
            "id": source_ids,
            "network": _column(asm.sources, "network", object),
            "kind": _column(asm.sources, "kind", object),
            "node": node_ids[_column(asm.sources, "node", np.int64)],
            "capacity_mw": _column(asm.sources, "capacity_mw", float),
            "in_service": np.ones(source_ids.size, dtype=bool),
            "name": _column(asm.sources, "name", object),
        }
    )
    table_ids = {"branches": branch_ids, "sources": source_ids}
    dependencies = pd.DataFrame(
        {
            "asset": np.concatenate([table_ids[t][a] for t, a, _ in asm.deps]),
            "service": "power",
            "node": np.concatenate([node_ids[n] for _, _, n in asm.deps]),
        }
    )
    buildings = _buildings(cells, group_bus, group_heat, node_ids, rng, centre)
    return City.from_tables(
        name,
        nodes=nodes,
        branches=branches,
        sources=sources,
        buildings=buildings,
        dependencies=dependencies,
        meta={**meta, "centre_lon": centre[0], "centre_lat": centre[1]},
        origin=name,
    )
