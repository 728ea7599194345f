"""Column schemas of the city tables.

A city is five tables with stable string ids. Each column has a kind (string, float,
integer, boolean), a default used when an importer or a user leaves it out, and — for
the categorical ones — the values it may take. :func:`warmgrid.model.validate` checks a
city against these schemas.
"""

from __future__ import annotations

from dataclasses import dataclass

NETWORKS = ("power", "heat")
SERVICES = NETWORKS
NODE_KINDS = ("bus", "junction")
BRANCH_KINDS = ("line", "trafo", "trafo3w", "switch", "pipe", "valve", "pump")
SOURCE_KINDS = ("ext_grid", "gen", "heat_plant", "boiler", "circ_pump")
BUILDING_USES = ("residential", "hospital", "school", "care_home", "other")
CRITICAL_USES = ("hospital", "school", "care_home")


@dataclass(frozen=True)
class Column:
    """One column of a city table: its kind, its default and its allowed values."""

    name: str
    kind: str  # "str", "float", "int" or "bool"
    required: bool = False
    default: object = None
    allowed: tuple[str, ...] = ()
    minimum: float | None = None


TABLES: dict[str, tuple[Column, ...]] = {
    "nodes": (
        Column("id", "str", required=True),
        Column("network", "str", required=True, allowed=NETWORKS),
        Column("kind", "str", default="", allowed=(*NODE_KINDS, "")),
        Column("name", "str", default=""),
        Column("lon", "float", default=float("nan")),
        Column("lat", "float", default=float("nan")),
        Column("voltage_kv", "float", default=float("nan")),
        # power fed in at the node by generators that do not hold it supplied on their own
        # (pandapower's non-slack generators and static generators) at the operating point
        # the loads' peak_kw describe (MW; negative: consumption)
        Column("generation_mw", "float", default=0.0),
    ),
    "branches": (
        Column("id", "str", required=True),
        Column("network", "str", required=True, allowed=NETWORKS),
        Column("kind", "str", required=True, allowed=BRANCH_KINDS),
        Column("from_node", "str", required=True),
        Column("to_node", "str", default=""),
        Column("third_node", "str", default=""),
        Column("guards", "str", default=""),
        Column("closed", "bool", default=True),
        Column("in_service", "bool", default=True),
        Column("length_m", "float", default=float("nan"), minimum=0.0),
        Column("diameter_m", "float", default=float("nan"), minimum=0.0),
        # thermal rating of a line or transformer (apparent power, MVA); empty: unknown
        Column("rating_mva", "float", default=float("nan"), minimum=0.0),
        Column("name", "str", default=""),
    ),
    "sources": (
        Column("id", "str", required=True),
        Column("network", "str", required=True, allowed=NETWORKS),
        Column("kind", "str", required=True, allowed=SOURCE_KINDS),
        Column("node", "str", required=True),
        Column("capacity_mw", "float", default=float("nan"), minimum=0.0),
        Column("in_service", "bool", default=True),
        Column("name", "str", default=""),
    ),
    "buildings": (
        Column("id", "str", required=True),
        Column("name", "str", default=""),
        Column("lon", "float", required=True),
        Column("lat", "float", required=True),
        Column("population", "int", default=0, minimum=0),
        Column("use", "str", default="residential", allowed=BUILDING_USES),
        # customers (households or meters); empty: warmgrid.model.customers' default
        Column("customers", "float", default=float("nan"), minimum=0.0),
        Column("floor_area_m2", "float", default=float("nan"), minimum=0.0),
        Column("storeys", "int", default=1, minimum=1),
        Column("archetype", "str", default=""),
        # winter evening peak electric load (kW); empty: estimated from use and floor area
        Column("peak_kw", "float", default=float("nan"), minimum=0.0),
        # the building heats with electricity: its heat needs its power
        Column("electric_heating", "bool", default=False),
        # hours a backup generator runs on its fuel; 0: no backup generator
        Column("backup_fuel_h", "float", default=0.0, minimum=0.0),
        Column("power_node", "str", default=""),
        Column("heat_node", "str", default=""),
    ),
    "dependencies": (
        Column("asset", "str", required=True),
        Column("service", "str", required=True, allowed=SERVICES),
        Column("node", "str", required=True),
    ),
}
