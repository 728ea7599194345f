"""A small helper to assemble a City row by row (used by the demo city and the generator).

Ids follow the importers' scheme ``<network>.<table>.<index>``, numbered per table in the
order elements are added.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pandas as pd

from warmgrid.model.city import City
from warmgrid.model.schema import TABLES
from warmgrid.model.timezone import DEFAULT_TIMEZONE


class CityBuilder:
    """Collects rows per table and numbers the ids."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
        self.counters: dict[str, int] = defaultdict(int)
        self.positions: dict[str, tuple[float, float]] = {}

    def _next_id(self, network: str, table: str) -> str:
        key = f"{network}.{table}"
        ident = f"{key}.{self.counters[key]}"
        self.counters[key] += 1
        return ident

    def node(self, network: str, lon: float, lat: float, name: str = "", **extra: Any) -> str:
        """Add a bus (power) or junction (heat); returns its id."""
        kind = "bus" if network == "power" else "junction"
        ident = self._next_id(network, kind)
        self.rows["nodes"].append(
            {
                "id": ident,
                "network": network,
                "kind": kind,
                "name": name,
                "lon": lon,
                "lat": lat,
                **extra,
            }
        )
        self.positions[ident] = (lon, lat)
        return ident

    def branch(
        self, network: str, kind: str, from_node: str, to_node: str = "", **extra: Any
    ) -> str:
        """Add a line, transformer, switch, pipe, valve or pump; returns its id."""
        ident = self._next_id(network, kind)
        self.rows["branches"].append(
            {
                "id": ident,
                "network": network,
                "kind": kind,
                "from_node": from_node,
                "to_node": to_node,
                **extra,
            }
        )
        return ident

    def source(self, network: str, kind: str, node: str, capacity_mw: float, name: str = "") -> str:
        """Add a grid infeed, generator, heat plant, boiler or circulation pump."""
        ident = self._next_id(network, kind)
        self.rows["sources"].append(
            {
                "id": ident,
                "network": network,
                "kind": kind,
                "node": node,
                "capacity_mw": capacity_mw,
                "name": name,
            }
        )
        return ident

    def building(self, **fields: Any) -> str:
        """Add a building; ``id`` defaults to ``building.<n>``."""
        ident = fields.pop("id", None) or f"building.{len(self.rows['buildings'])}"
        self.rows["buildings"].append({"id": ident, **fields})
        return ident

    def depends(self, asset: str, service: str, node: str) -> None:
        """Declare that ``asset`` needs ``service`` at ``node``."""
        self.rows["dependencies"].append({"asset": asset, "service": service, "node": node})

    def build(self, meta: dict[str, Any] | None = None, timezone: str = DEFAULT_TIMEZONE) -> City:
        """The validated City (``timezone``: its IANA time zone)."""
        frames = {
            table: pd.DataFrame(rows, columns=None if rows else [c.name for c in TABLES[table]])
            for table, rows in self.rows.items()
        }
        return City.from_tables(self.name, meta=meta, timezone=timezone, origin=self.name, **frames)
