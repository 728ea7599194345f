"""The embedded demo city: a combined heat and power plant (CHP-5) and the districts it warms.

A fictional mid-size city in a cold climate, laid out in metres around (30.50 E, 50.45 N):

- 110 kV: an infeed at Substation North; lines to Substation South and to the CHP-5
  switchyard. CHP-5 meets the grid through three unit transformers (T1–T3) and a reserve
  own-needs transformer; its own needs (6 kV) — the heat plant and the network pumps —
  depend on them. Its generators do not count as a source: an islanded plant that lost
  its grid connection trips (docs/architecture.md; pandapower's ``unsupplied_buses`` treats
  only slack machines as sources too).
- A national generation shortage: the transmission operator lets the city draw at most
  :data:`IMPORT_LIMIT_MW` (the infeed's ``capacity_mw``), below its winter evening peak,
  so feeders must be rotated (``warmgrid rotate``).
- Ratings (``rating_mva``): 110 kV overhead lines 243-AL1/39-ST1A (645 A, 123 MVA),
  transformers at their nameplate, 10 kV feeder cables two parallel 3×240 mm² XLPE
  (2 × 420 A, 14.5 MVA), two 1,000 kVA 10/0.4 kV transformers per substation.
- 10 kV feeders from both substations (one via a three-winding 110/35/10 kV transformer)
  through ring-main units to 10/0.4 kV transformers, with a normally open tie switch.
- District heating from CHP-5 (plant pumps, trunk with sectioning valves, a booster
  pumping station fed from a 0.4 kV bus) to the north and east districts, and a boiler
  house with its own small network in the south.
- Apartment blocks of the 1960s–80s (5, 9 and 16 storeys), pre-war brick, modern blocks,
  a hospital, schools and care homes; several thousand apartments on CHP heat. The
  hospital and the care homes have backup generators (:data:`BACKUP_FUEL_H`); in
  Richkovyi one block in four heats through an electrically pumped heat substation
  (``electric_heating``).
- Every ring-main unit has a load-break switch on its incoming cable, so that a damaged
  cable can be isolated and the rest of feeder F3 fed through the 10 kV tie from F1.

The default scenario (``warmgrid/scenario/data/demo.toml``) damages CHP-5's transformers
and marks two debris sites elsewhere.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from warmgrid.geo import LocalFrame
from warmgrid.model.builder import CityBuilder
from warmgrid.model.city import City
from warmgrid.model.open import DEMO_TIMEZONE as TIMEZONE

ORIGIN = LocalFrame(30.50, 50.45)
IMPORT_LIMIT_MW = 20.0  # the city's consumption limit in a national shortage (MW)
LINE_110KV_MVA = 123.0  # 243-AL1/39-ST1A: 645 A × 110 kV × √3 (pandapower std type)
CABLE_10KV_MVA = 14.5  # 2 × NA2XS2Y 1×240 (420 A each) × 10 kV × √3
MV_LV_TRAFO_MVA = 2.0  # two 1,000 kVA 10/0.4 kV transformers


def at(x_m: float, y_m: float) -> tuple[float, float]:
    """(lon, lat) of a point ``x_m`` east and ``y_m`` north of the demo city's origin."""
    lon, lat = ORIGIN.to_lonlat_deg([x_m, y_m])
    return round(float(lon[0]), 6), round(float(lat[0]), 6)


# (archetype, storeys, apartments, floor area m2) of the demo's residential block types
BLOCKS = {
    "panel_5": ("panel_5", 5, 80, 4_200.0),
    "panel_9": ("panel_9", 9, 144, 7_800.0),
    "panel_16": ("panel_16", 16, 128, 7_400.0),
    "brick_prewar": ("brick_prewar", 4, 32, 2_300.0),
    "modern": ("modern_insulated", 12, 96, 6_600.0),
}
PEOPLE_PER_APARTMENT = (
    2.4  # mean household size, cold-climate post-Soviet cities (census order of magnitude)
)

# District layout: (name, feeder, heat network, origin x, y, rows, cols, block types cycle)
DISTRICTS = (
    ("Pivnichnyi", "F1", "chp", 1200.0, 1400.0, 4, 6, ("panel_9", "panel_9", "panel_16")),
    ("Skhidnyi", "F2", "chp", 2600.0, 200.0, 4, 6, ("panel_9", "panel_5", "modern")),
    ("Tsentr", "F3", "boiler", 400.0, -1600.0, 3, 5, ("brick_prewar", "panel_5")),
    ("Richkovyi", "F4", "boiler", 1800.0, -1800.0, 3, 4, ("panel_5", "panel_9")),
)

# Facilities: (name, use, district, block row, block col, people, storeys, floor area m2, archetype)
FACILITIES = (
    ("City Hospital No. 1", "hospital", "Skhidnyi", 1, 2, 650, 6, 18_000.0, "hospital"),
    ("School No. 12", "school", "Pivnichnyi", 2, 1, 900, 3, 6_500.0, "school"),
    ("School No. 27", "school", "Skhidnyi", 3, 4, 750, 3, 5_800.0, "school"),
    ("School No. 3", "school", "Tsentr", 1, 3, 600, 3, 4_800.0, "school"),
    ("Care Home 'Berehynia'", "care_home", "Pivnichnyi", 0, 4, 140, 4, 3_200.0, "care_home"),
    ("Care Home No. 2", "care_home", "Richkovyi", 2, 1, 110, 3, 2_600.0, "care_home"),
)

# Hours of fuel of the facilities' backup generators. The hospital plans for 96 h
# without resupply, as US hospitals do (The Joint Commission, Emergency Management
# standards: 96 hours of utilities); the care homes' generators are NFPA 110 (2022)
# Class 48 and Class 6 installations (the class is the hours the supply runs at rated
# load on the fuel on site).
BACKUP_FUEL_H = {
    "City Hospital No. 1": 96.0,
    "Care Home 'Berehynia'": 48.0,
    "Care Home No. 2": 6.0,
}

# Districts whose renovated blocks (one in four) heat through individual heat
# substations with electric circulation pumps: the network's hot water reaches the
# building, but without power no heat reaches the flats.
ELECTRIC_HEAT_DISTRICTS = ("Richkovyi",)

SPACING_M = 140.0
DEMO_CITY_NAME = "warmgrid demo city"


def _substations(city: CityBuilder) -> dict[str, str]:
    north_hv = city.node("power", *at(0, 3000), name="Substation North 110 kV", voltage_kv=110)
    south_hv = city.node("power", *at(0, -3000), name="Substation South 110 kV", voltage_kv=110)
    chp_hv = city.node("power", *at(-2000, 0), name="CHP-5 switchyard 110 kV", voltage_kv=110)
    chp_gen = city.node("power", *at(-2060, 0), name="CHP-5 generator bus 10 kV", voltage_kv=10)
    chp_own = city.node("power", *at(-2070, -40), name="CHP-5 own needs 6 kV", voltage_kv=6)
    city.source("power", "ext_grid", north_hv, IMPORT_LIMIT_MW, name="Transmission grid infeed")
    for a, b, length_m, label in (
        (north_hv, south_hv, 6000.0, "North–South"),
        (north_hv, chp_hv, 3600.0, "North–CHP-5"),
        (chp_hv, south_hv, 3600.0, "CHP-5–South"),
    ):
        city.branch(
            "power",
            "line",
            a,
            b,
            length_m=length_m,
            rating_mva=LINE_110KV_MVA,
            name=f"110 kV {label}",
        )
    for unit in (1, 2, 3):
        city.branch(
            "power",
            "trafo",
            chp_hv,
            chp_gen,
            rating_mva=63.0,
            name=f"CHP-5 unit transformer T{unit}",
        )
    city.branch(
        "power",
        "trafo",
        chp_hv,
        chp_own,
        rating_mva=16.0,
        name="CHP-5 reserve own-needs transformer",
    )
    city.branch(
        "power", "trafo", chp_gen, chp_own, rating_mva=16.0, name="CHP-5 own-needs transformer"
    )
    north_35 = city.node("power", *at(30, 3000), name="Substation North 35 kV", voltage_kv=35)
    north_10 = city.node("power", *at(60, 3000), name="Substation North 10 kV", voltage_kv=10)
    city.branch(
        "power",
        "trafo3w",
        north_hv,
        north_35,
        third_node=north_10,
        rating_mva=63.0,
        name="Substation North 110/35/10 kV",
    )
    south_10 = city.node("power", *at(60, -3000), name="Substation South 10 kV", voltage_kv=10)
    city.branch(
        "power", "trafo", south_hv, south_10, rating_mva=40.0, name="Substation South 110/10 kV"
    )
    return {"north_10": north_10, "south_10": south_10, "chp_own": chp_own}


def _feeder(
    city: CityBuilder, head: str, cells: list[tuple[float, float]], label: str
) -> list[tuple[str, str, str]]:
    """A 10 kV cable chain through ring-main units; returns (cable in, ring-main unit,
    0.4 kV bus) of each cell."""
    cells_out = []
    previous = head
    for k, (x, y) in enumerate(cells):
        rmu = city.node("power", *at(x, y + 30), name=f"{label} RMU {k + 1}", voltage_kv=10)
        line = city.branch(
            "power",
            "line",
            previous,
            rmu,
            length_m=SPACING_M * 2,
            rating_mva=CABLE_10KV_MVA,
            name=f"{label} cable {k + 1}",
        )
        if k == 0:
            city.branch("power", "switch", previous, guards=line, name=f"{label} feeder breaker")
        lv = city.node("power", *at(x, y + 25), name=f"{label} 0.4 kV {k + 1}", voltage_kv=0.4)
        city.branch(
            "power",
            "trafo",
            rmu,
            lv,
            rating_mva=MV_LV_TRAFO_MVA,
            name=f"{label} 10/0.4 kV transformer {k + 1}",
        )
        cells_out.append((line, rmu, lv))
        previous = rmu
    return cells_out


def _ring_main_switches(city: CityBuilder, feeders: dict[str, list[tuple[str, str, str]]]) -> None:
    """The load-break switch of every ring-main unit on its incoming cable (the first
    cable has the feeder breaker): it isolates a damaged cable so that the rest of the
    feeder can be fed through the normally open tie."""
    for name, cells in feeders.items():
        label = dict((d[0], d[1]) for d in DISTRICTS)[name]
        for k, (cable, rmu, _) in enumerate(cells[1:], start=2):
            city.branch("power", "switch", rmu, guards=cable, name=f"{label} RMU {k} cable switch")


def _heat_trunk(city: CityBuilder, own_needs: str) -> str:
    header = city.node("heat", *at(-2040, -60), name="CHP-5 heat header")
    plant = city.source(
        "heat", "heat_plant", header, 420.0, name="CHP-5 heat (hot-water boilers and CHP)"
    )
    city.depends(plant, "power", own_needs)
    outlet = city.node("heat", *at(-2000, -60), name="CHP-5 network pumps outlet")
    pumps = city.branch("heat", "pump", header, outlet, name="CHP-5 network pump station")
    city.depends(pumps, "power", own_needs)
    previous = outlet
    for k, x in enumerate((-1000.0, 0.0, 900.0)):
        junction = city.node("heat", *at(x, -60), name=f"Trunk main chamber {k + 1}")
        city.branch(
            "heat",
            "pipe",
            previous,
            junction,
            length_m=1000.0,
            diameter_m=0.6,
            name=f"Trunk main section {k + 1}",
        )
        previous = junction
    valve_out = city.node("heat", *at(920, -60), name="Trunk sectioning valve chamber")
    city.branch("heat", "valve", previous, valve_out, name="Trunk sectioning valve")
    return valve_out


def _district_cells(ox: float, oy: float, rows: int, cols: int) -> list[tuple[float, float]]:
    return [(ox + c * SPACING_M, oy + r * SPACING_M) for r in range(rows) for c in range(cols)]


def _boiler_network(city: CityBuilder, power_node: str) -> dict[str, str]:
    """The boiler house South and its two district mains; returns district → inlet node."""
    header = city.node("heat", *at(200, -1780), name="Boiler house South header")
    boiler = city.source("heat", "boiler", header, 60.0, name="Boiler house South (gas)")
    city.depends(boiler, "power", power_node)
    inlets = {}
    for name, ox, oy, length_m, diameter_m in (
        ("Tsentr", 400.0, -1600.0, 250.0, 0.3),
        ("Richkovyi", 1800.0, -1800.0, 1600.0, 0.25),
    ):
        inlet = city.node("heat", *at(ox - 100, oy - 60), name=f"{name} heat inlet")
        city.branch(
            "heat",
            "pipe",
            header,
            inlet,
            length_m=length_m,
            diameter_m=diameter_m,
            name=f"{name} main",
        )
        inlets[name] = inlet
    return inlets


def _chp_district_inlets(city: CityBuilder, trunk_end: str, booster_power: str) -> dict[str, str]:
    """The CHP district mains, the Skhidnyi one through a booster pumping station."""
    pivnichnyi = city.node("heat", *at(1100, 1340), name="Pivnichnyi heat inlet")
    city.branch(
        "heat",
        "pipe",
        trunk_end,
        pivnichnyi,
        length_m=1500.0,
        diameter_m=0.4,
        name="Pivnichnyi main",
    )
    booster_in = city.node("heat", *at(2300, 140), name="Skhidnyi booster station inlet")
    city.branch(
        "heat", "pipe", trunk_end, booster_in, length_m=1700.0, diameter_m=0.4, name="Skhidnyi main"
    )
    skhidnyi = city.node("heat", *at(2500, 140), name="Skhidnyi heat inlet")
    booster = city.branch(
        "heat", "pump", booster_in, skhidnyi, name="Skhidnyi booster pumping station"
    )
    city.depends(booster, "power", booster_power)
    return {"Pivnichnyi": pivnichnyi, "Skhidnyi": skhidnyi}


@cache
def demo_city() -> City:
    """The demo city (built once per process; treat it as read-only)."""
    city = CityBuilder(DEMO_CITY_NAME)
    subs = _substations(city)
    trunk_end = _heat_trunk(city, subs["chp_own"])
    feeder_heads = {
        "F1": subs["north_10"],
        "F2": subs["north_10"],
        "F3": subs["south_10"],
        "F4": subs["south_10"],
    }
    feeders = {
        name: _feeder(city, feeder_heads[feeder], _district_cells(ox, oy, rows, cols), feeder)
        for name, feeder, _, ox, oy, rows, cols, _ in DISTRICTS
    }
    lv_buses = {name: [lv for _, _, lv in cells] for name, cells in feeders.items()}
    city.branch(
        "power",
        "switch",
        feeders["Pivnichnyi"][-1][1],
        feeders["Tsentr"][-1][1],
        closed=False,
        name="Normally open tie F1–F3 (10 kV, between the feeders' last ring-main units)",
    )
    inlets = _chp_district_inlets(city, trunk_end, lv_buses["Skhidnyi"][0])
    inlets |= _boiler_network(city, lv_buses["Richkovyi"][0])
    facility_at = {(f[2], f[3], f[4]): f for f in FACILITIES}
    for name, _, _, ox, oy, rows, cols, cycle in DISTRICTS:
        previous = inlets[name]
        for k, (x, y) in enumerate(_district_cells(ox, oy, rows, cols)):
            row, col = divmod(k, cols)
            node = city.node("heat", *at(x, y - 20), name=f"{name} heat substation {k + 1}")
            city.branch(
                "heat",
                "pipe",
                previous,
                node,
                length_m=SPACING_M,
                diameter_m=0.15,
                name=f"{name} distribution pipe {k + 1}",
            )
            previous = node if col < cols - 1 else inlets[name]
            _place_buildings(
                city,
                name,
                k,
                x,
                y,
                lv_buses[name][k],
                node,
                cycle[k % len(cycle)],
                facility_at.get((name, row, col)),
            )
    _ring_main_switches(city, feeders)
    return city.build(
        meta={
            "origin_lon": ORIGIN.lon0_deg,
            "origin_lat": ORIGIN.lat0_deg,
            "description": "Embedded demo city of warmgrid (fictional).",
        },
        timezone=TIMEZONE,
    )


def _place_buildings(
    city: CityBuilder,
    district: str,
    k: int,
    x: float,
    y: float,
    lv_bus: str,
    heat_node: str,
    block_type: str,
    facility: tuple[Any, ...] | None,
) -> None:
    offsets = ((-35.0, 15.0), (35.0, 15.0), (-35.0, -35.0), (35.0, -35.0))
    for j, (dx, dy) in enumerate(offsets):
        lon, lat = at(x + dx, y + dy)
        if facility is not None and j == 0:
            name, use, _, _, _, people, storeys, area, archetype = facility
            city.building(
                name=name,
                lon=lon,
                lat=lat,
                population=people,
                use=use,
                floor_area_m2=area,
                storeys=storeys,
                archetype=archetype,
                power_node=lv_bus,
                heat_node=heat_node,
                backup_fuel_h=BACKUP_FUEL_H.get(name, 0.0),
            )
            continue
        archetype, storeys, apartments, area = BLOCKS[block_type]
        city.building(
            name=f"{district}, block {k + 1}/{j + 1}",
            lon=lon,
            lat=lat,
            population=round(apartments * PEOPLE_PER_APARTMENT),
            use="residential",
            floor_area_m2=area,
            storeys=storeys,
            archetype=archetype,
            power_node=lv_bus,
            heat_node=heat_node,
            apartments=apartments,
            electric_heating=district in ELECTRIC_HEAT_DISTRICTS and j == 3,
        )
