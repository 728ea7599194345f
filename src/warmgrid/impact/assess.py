"""One damage scenario → who is without power and heat, and why."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from warmgrid.errors import UnknownIdError
from warmgrid.impact.blocked import BlockedGraph
from warmgrid.impact.damage import Damage, damage_mask
from warmgrid.impact.propagate import SupplyState, propagate
from warmgrid.impact.repair import RepairSets
from warmgrid.impact.trace import Tracer, TraceStep
from warmgrid.model.compile import CompiledCity
from warmgrid.model.schema import NETWORKS


@dataclass(frozen=True)
class RestorationGroup:
    """Buildings that regain ``service`` together once every asset in ``needs`` is repaired."""

    service: str
    building_index: np.ndarray
    needs: list[str]

    @property
    def id(self) -> str:
        """A stable name: the service and the first building's position."""
        return f"{self.service}:{int(self.building_index[0])}"


@dataclass
class ImpactResult:
    """The outcome of :func:`assess`. Arrays follow the row order of the city's tables."""

    compiled: CompiledCity
    damaged: np.ndarray
    state: SupplyState
    _groups: dict[tuple[tuple[str, float], ...], list[RestorationGroup]] = field(
        default_factory=dict, repr=False
    )

    @cached_property
    def building_off_grid(self) -> np.ndarray:
        """Bool per building: on a power node that has no power (its grid supply is lost,
        whether or not a backup generator carries it for now)."""
        node = self.compiled.building_power_node
        return (node >= 0) & ~self.state.node_supplied[np.maximum(node, 0)]

    @cached_property
    def building_heat_network_lost(self) -> np.ndarray:
        """Bool per building: on a heat node that has no heat."""
        node = self.compiled.building_heat_node
        return (node >= 0) & ~self.state.node_supplied[np.maximum(node, 0)]

    @cached_property
    def building_on_backup(self) -> np.ndarray:
        """Bool per building: off the grid, running on its backup generator's fuel
        (``buildings.backup_fuel_h`` > 0) until the fuel runs out."""
        return self.building_off_grid & (self.compiled.building_backup_fuel_h > 0)

    @cached_property
    def building_without_power(self) -> np.ndarray:
        """Bool per building: without power at the start (off the grid, no backup)."""
        return self.building_off_grid & ~self.building_on_backup

    @cached_property
    def building_without_heat(self) -> np.ndarray:
        """Bool per building: without heat at the start. A building has heat when its
        heat node (if it has one) has heat and, if it heats electrically, it has power
        (from the grid or its backup generator)."""
        electric = self.compiled.building_electric_heating
        return self.building_heat_network_lost | (electric & self.building_without_power)

    @property
    def people_without_power(self) -> int:
        """People living or staying in buildings without power."""
        return int(self.compiled.building_population[self.building_without_power].sum())

    @property
    def people_without_heat(self) -> int:
        """People in buildings without heat."""
        return int(self.compiled.building_population[self.building_without_heat].sum())

    @property
    def people_without_power_or_heat(self) -> int:
        """People in buildings without power, without heat or without both, each once."""
        lacking = self.building_without_power | self.building_without_heat
        return int(self.compiled.building_population[lacking].sum())

    @property
    def damaged_asset_ids(self) -> list[str]:
        """Ids of every damaged asset, given by id or hit by an area."""
        return self.compiled.asset_ids[self.damaged].tolist()

    def unsupplied(self) -> dict[str, list[str]]:
        """Per service, the ids of the nodes without it."""
        ids = self.compiled.city.nodes["id"].to_numpy()
        return {
            service: ids[(self.compiled.node_network == code) & ~self.state.node_supplied].tolist()
            for code, service in enumerate(NETWORKS)
        }

    def critical_without(self, service: str) -> list[str]:
        """Ids of hospitals, schools and care homes without ``service``."""
        lacking = self.building_without_power if service == "power" else self.building_without_heat
        ids = self.compiled.city.buildings["id"].to_numpy()
        return ids[lacking & self.compiled.building_critical].tolist()

    def summary(self) -> dict[str, object]:
        """The result as JSON-ready data: ids, counts, critical facilities."""
        ids = self.compiled.city.buildings["id"].to_numpy()
        return {
            "damaged_assets": self.damaged_asset_ids,
            "unsupplied": self.unsupplied(),
            "buildings_without_power": ids[self.building_without_power].tolist(),
            "buildings_without_heat": ids[self.building_without_heat].tolist(),
            "people_without_power": self.people_without_power,
            "people_without_heat": self.people_without_heat,
            "people_without_power_or_heat": self.people_without_power_or_heat,
            "critical_without_power": self.critical_without("power"),
            "critical_without_heat": self.critical_without("heat"),
            "buildings_on_backup": ids[self.building_on_backup].tolist(),
            "people_on_backup": int(
                self.compiled.building_population[self.building_on_backup].sum()
            ),
        }

    @cached_property
    def blocked(self) -> BlockedGraph:
        """Components and blocked links of this state (built on first use)."""
        return BlockedGraph(self.compiled, self.damaged, self.state)

    @cached_property
    def tracer(self) -> Tracer:
        """The why-chain builder (built on first use)."""
        return Tracer(self.blocked)

    def explain_node(self, node: int) -> list[TraceStep]:
        """The failed assets on the supply paths of node ``node``, each once (see
        :mod:`warmgrid.impact.trace`)."""
        return self.tracer.chain(node)

    def explain(self, building_id: str) -> dict[str, list[TraceStep]]:
        """Per service the building lacks, the chain of failed assets that explains it."""
        buildings = self.compiled.city.buildings
        matches = np.flatnonzero(buildings["id"].to_numpy() == building_id)
        if not matches.size:
            raise UnknownIdError("building", building_id)
        row = int(matches[0])
        out: dict[str, list[TraceStep]] = {}
        for service, nodes, lacking in (
            ("power", self.compiled.building_power_node, self.building_off_grid),
            ("heat", self.compiled.building_heat_node, self.building_heat_network_lost),
        ):
            if lacking[row]:
                out[service] = self.explain_node(int(nodes[row]))
        if self.building_without_heat[row] and "heat" not in out:
            out["heat"] = out["power"]  # electric heating: its heat went with its power
        return out

    def restoration_groups(
        self,
        asset_cost: Mapping[str, float] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[RestorationGroup]:
        """Buildings grouped by service and by the damaged assets they wait for.

        Power groups hold every building off the grid (those on backup generators
        too: their fuel runs out), heat groups those on a heat node without heat; an
        electrically heated building gets its heat back with its power. The buildings
        of one component without a service wait for the same minimal
        set of damaged assets (:mod:`warmgrid.impact.repair` states exactly which):
        ``asset_cost`` (asset id → e.g. repair hours) makes the set lie on the cheapest
        way back. Buildings whose service no repair of damaged assets would bring back
        (they had none before the damage) are left out. ``progress(done, total)`` is
        called as components are done. Near-linear in the damage: one pass over the
        blocked part of the city, then a check per component.
        """
        key = tuple(sorted((asset_cost or {}).items()))
        if key in self._groups:
            return self._groups[key]
        cost = np.zeros(self.compiled.n_assets)
        if asset_cost:
            cost[self.compiled.asset_index(list(asset_cost), where="asset_cost")] = list(
                asset_cost.values()
            )
        repairs = RepairSets(self.blocked, cost)
        comp = self.state.node_component
        parts: list[tuple[str, np.ndarray, np.ndarray]] = []
        for service, nodes, lacking in (
            ("power", self.compiled.building_power_node, self.building_off_grid),
            ("heat", self.compiled.building_heat_node, self.building_heat_network_lost),
        ):
            rows = np.flatnonzero(lacking)
            if not rows.size:
                continue
            node_comp = comp[nodes[rows]]
            order = np.argsort(node_comp, kind="stable")
            boundaries = np.flatnonzero(np.diff(node_comp[order])) + 1
            parts += [(service, nodes, m) for m in np.split(rows[order], boundaries)]
        groups: dict[tuple[str, tuple[str, ...]], list[np.ndarray]] = {}
        for done, (service, nodes, members) in enumerate(parts, start=1):
            needs = repairs.needs(int(nodes[members[0]]))
            if progress is not None:
                progress(done, len(parts))
            if needs is None:
                continue
            ids = tuple(str(self.compiled.asset_ids[a]) for a in needs)
            groups.setdefault((service, ids), []).append(members)
        self._groups[key] = [
            RestorationGroup(service, np.sort(np.concatenate(parts)), list(needs))
            for (service, needs), parts in groups.items()
        ]
        return self._groups[key]


def assess(compiled: CompiledCity, damage: Damage) -> ImpactResult:
    """Propagate ``damage`` through the city's networks and dependencies."""
    damaged = damage_mask(compiled, damage)
    return ImpactResult(compiled=compiled, damaged=damaged, state=propagate(compiled, damaged))


def assess_mask(compiled: CompiledCity, damaged: np.ndarray) -> ImpactResult:
    """Like :func:`assess` for an asset mask that is already resolved."""
    return ImpactResult(compiled=compiled, damaged=damaged, state=propagate(compiled, damaged))
