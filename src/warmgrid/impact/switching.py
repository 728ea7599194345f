"""Switching before repair: fault isolation and service restoration (FLISR).

Where damage leaves undamaged parts of the power network dark that a normally-open tie
could feed, warmgrid proposes the switching an operator would do before any repair:
open the switches around the damage, close the tie. Rules:

- **Switchable elements** are bus-bus switches (``branches.kind`` = switch) and branches
  guarded by element switches (``branches.guards``). A tie is one that is open
  (``closed`` = false), in service and undamaged, with one end lit and the other dark.
- **Sections** are the parts of the network between switchable elements. A section
  holding a damaged node, a damaged unswitched branch or a damaged switch is *faulted*:
  its dark part stays dark until the repair, since no switch separates it from the
  damage (a damaged switched branch is isolated by opening its own switches). The
  undamaged dark sections may be fed through a tie.
- **Isolation**: every closed switchable element between the part fed through the tie
  and what stays dark is opened, so the tie never feeds the damage; only switches with
  both ends dark are operated, so switching never darkens a lit building.
- **Capacity**: the tie is closed only when everything on the way can carry the extra
  load: the radial flows (:mod:`warmgrid.impact.flows`) of the buildings' peak loads keep
  every branch whose load grows within ``limit_pct`` % of its ``rating_mva`` and every
  source within its ``capacity_mw``; the loads are the buildings' winter evening peaks
  as the rotation planner reads them (:func:`warmgrid.impact.flows.building_load_kw`).
  Sources already beyond their capacity before the switching (a generation shortage,
  not a thermal limit) are left to the rotation (``warmgrid rotate``): the buildings the
  tie brings back join it. When the whole dark part is too much, the largest
  part next to the tie that fits is fed (sections in breadth-first order from the tie,
  the largest prefix that fits: for a feeder, a chain of sections, that is the most
  load one tie can take); the rest may come from another tie. A rating, capacity or
  peak load that is unknown does not stop the proposal but is named in it
  (``unknown_ratings``, ``unknown_load_buildings``): the operator must check it.
- Ties are taken greedily, the one restoring the most load first, until none is left;
  a part restored by one tie may feed the next.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from warmgrid.impact.assess import ImpactResult, assess_mask
from warmgrid.impact.flows import RadialFlows, building_load_kw, radial_flows
from warmgrid.impact.propagate import SupplyState, propagate
from warmgrid.model.compile import CompiledCity

DEFAULT_LIMIT_PCT = 100.0


@dataclass(frozen=True)
class SwitchingStep:
    """One restoration through one tie: close ``close``, open ``open`` (switch ids)."""

    close: tuple[str, ...]
    open: tuple[str, ...]
    building_index: np.ndarray  # int64 rows of the buildings whose power comes back
    load_kw: float  # their peak load, kW (unknown loads counted as 0)
    people: int
    unknown_ratings: tuple[str, ...]  # branches and sources on the way with no rating
    unknown_load_buildings: int  # restored buildings without a peak load

    @property
    def id(self) -> str:
        """A stable name: ``switching:`` and the first switch closed."""
        return f"switching:{self.close[0]}"

    def to_dict(self, building_ids: np.ndarray) -> dict[str, object]:
        """JSON-ready description."""
        return {
            "id": self.id,
            "close": list(self.close),
            "open": list(self.open),
            "buildings": building_ids[self.building_index].tolist(),
            "people": self.people,
            "load_kw": round(self.load_kw, 3),
            "capacity_checked": not self.unknown_ratings and not self.unknown_load_buildings,
            "unknown_ratings": list(self.unknown_ratings),
            "unknown_load_buildings": self.unknown_load_buildings,
        }


@dataclass(frozen=True)
class SwitchingPlan:
    """The proposed switching and the impact once it is done."""

    steps: tuple[SwitchingStep, ...]
    before: ImpactResult
    after: ImpactResult

    def summary(self) -> list[dict[str, object]]:
        """JSON-ready list of the steps."""
        ids = self.before.compiled.city.buildings["id"].to_numpy()
        return [step.to_dict(ids) for step in self.steps]


@dataclass(frozen=True)
class _Switches:
    """Switchable elements of the power network as edges, and the network's sections."""

    edge: np.ndarray  # edge indices (compiled edges) of switchable elements
    closes: list[tuple[int, ...]]  # per switchable edge: switch branches to close it
    opens: list[int]  # per switchable edge: one switch branch that opens it
    section: np.ndarray  # int64 section per node
    faulted: np.ndarray  # bool per section
    damaged_edge: np.ndarray  # bool per switchable edge: its branch is damaged (isolate it)


def _switches(compiled: CompiledCity, damaged: np.ndarray) -> _Switches:
    n, b = compiled.n_nodes, compiled.n_branches
    branches = compiled.city.branches
    kind = branches["kind"].to_numpy()
    closed = branches["closed"].to_numpy(dtype=bool)
    in_service = branches["in_service"].to_numpy(dtype=bool)
    damaged_node, damaged_branch = damaged[:n], damaged[n : n + b]
    guards: dict[int, list[int]] = {}
    for switch, target in zip(
        compiled.guard_switch.tolist(), compiled.guard_target.tolist(), strict=True
    ):
        guards.setdefault(target, []).append(switch)
    owner = compiled.edge_branch
    power = compiled.branch_network[owner] == 0
    bus_switch = kind[owner] == "switch"
    guarded = np.isin(owner, compiled.guard_target)
    switchable = power & (bus_switch | guarded)
    fixed = power & ~switchable & in_service[owner]
    n_sec, section = connected_components(
        coo_matrix(
            (np.ones(int(fixed.sum())), (compiled.edge_u[fixed], compiled.edge_v[fixed])),
            shape=(n, n),
        ),
        directed=False,
    )
    faulted = np.zeros(n_sec, dtype=bool)
    faulted[section[damaged_node]] = True
    hit = (fixed | (bus_switch & power)) & damaged_branch[owner]
    faulted[section[compiled.edge_u[hit]]] = True
    faulted[section[compiled.edge_v[hit]]] = True
    broken_guards = compiled.guard_switch[damaged_branch[compiled.guard_switch]]
    guard_bus = compiled.city.branches["from_node"].to_numpy()[broken_guards]
    faulted[section[compiled.asset_ids.get_indexer(guard_bus)]] = True
    edges = np.flatnonzero(switchable)
    closes, opens = [], []
    for e in edges.tolist():
        branch = int(owner[e])
        own = guards.get(branch, [branch])
        usable = in_service[branch] and all(in_service[g] and not damaged_branch[g] for g in own)
        shut = [g for g in own if not closed[g]]
        closes.append(tuple(shut) if usable and not damaged_branch[branch] else ())
        opens.append(next((g for g in own if closed[g]), own[0]))
    damaged_edge = damaged_branch[owner[edges]] & (kind[owner[edges]] != "switch")
    return _Switches(edges, closes, opens, section.astype(np.int64), faulted, damaged_edge)


def _gain(step: SwitchingStep) -> tuple[float, int]:
    return step.load_kw, step.people


class _Search:
    """Greedy tie selection over trial states (see the module docstring)."""

    def __init__(self, before: ImpactResult, limit_pct: float) -> None:
        self.before = before
        self.compiled = before.compiled
        self.damaged = before.damaged
        self.limit = limit_pct / 100.0
        self.kw = building_load_kw(self.compiled)
        self.sw = _switches(self.compiled, self.damaged)
        self.base_ok = self.compiled.branch_base_ok.copy()
        self.rating = self.compiled.city.branches["rating_mva"].to_numpy(dtype=np.float64)
        self.switch_kind = (self.compiled.city.branches["kind"] == "switch").to_numpy()
        self.branch_ids = self.compiled.city.branches["id"].to_numpy()
        self.capacity = self.compiled.city.sources["capacity_mw"].to_numpy(dtype=np.float64)

    def state(self, base_ok: np.ndarray) -> tuple[CompiledCity, SupplyState]:
        compiled = replace(self.compiled, branch_base_ok=base_ok)
        return compiled, propagate(compiled, self.damaged)

    def run(self) -> list[SwitchingStep]:
        steps: list[SwitchingStep] = []
        compiled, state = self.compiled, self.before.state  # before any switching
        while True:
            if not self._dark_healthy(state).any():  # no undamaged section to bring back
                return steps
            flows = radial_flows(compiled, state, self.kw)
            best = None
            for k, e in enumerate(self.sw.edge.tolist()):
                if not self.sw.closes[k] or self.base_ok[self.compiled.edge_branch[e]]:
                    continue
                found = self._try_tie(k, e, compiled, state, flows)
                if found is not None and (best is None or _gain(found[0]) > _gain(best[0])):
                    best = found
            if best is None:
                return steps
            steps.append(best[0])
            self.base_ok = best[1]
            compiled, state = self.state(self.base_ok)

    def _dark_healthy(self, state: SupplyState) -> np.ndarray:
        power = self.compiled.node_network == 0
        damaged_node = self.damaged[: self.compiled.n_nodes]
        return power & ~state.node_supplied & ~damaged_node & ~self.sw.faulted[self.sw.section]

    def _try_tie(
        self, k: int, e: int, compiled: CompiledCity, state: SupplyState, flows: RadialFlows
    ) -> tuple[SwitchingStep, np.ndarray] | None:
        u, v = int(self.compiled.edge_u[e]), int(self.compiled.edge_v[e])
        lit = state.node_supplied
        if lit[u] == lit[v]:
            return None
        start = v if lit[u] else u
        healthy = self._dark_healthy(state)
        if not healthy[start]:
            return None
        order = self._sections_from(start, healthy, compiled)
        lo, hi, best = 1, len(order), None
        while lo <= hi:  # the largest prefix of sections that fits (fitting is monotone)
            mid = (lo + hi) // 2
            trial = self._trial(k, order[:mid], state, flows)
            if trial is None:
                hi = mid - 1
            else:
                best, lo = trial, mid + 1
        return best

    def _sections_from(
        self, start: int, healthy: np.ndarray, compiled: CompiledCity
    ) -> list[np.ndarray]:
        """Nodes of the dark healthy part reachable from ``start`` over closed usable
        elements, grouped by section in breadth-first order."""
        usable = (
            compiled.branch_base_ok
            & ~self.damaged[
                self.compiled.n_nodes : self.compiled.n_nodes + self.compiled.n_branches
            ]
        )
        ok = usable[self.compiled.edge_branch]
        u, v = self.compiled.edge_u[ok], self.compiled.edge_v[ok]
        adjacency: dict[int, list[int]] = {}
        for a, c in zip(u.tolist(), v.tolist(), strict=True):
            adjacency.setdefault(a, []).append(c)
            adjacency.setdefault(c, []).append(a)
        section = self.sw.section
        seen, queue, order = {start}, deque([start]), []
        sections: dict[int, list[int]] = {}
        while queue:
            node = queue.popleft()
            if section[node] not in sections:
                order.append(int(section[node]))
            sections.setdefault(int(section[node]), []).append(node)
            for other in adjacency.get(node, []):
                if other not in seen and healthy[other]:
                    seen.add(other)
                    queue.append(other)
        return [np.array(sections[s], dtype=np.int64) for s in order]

    def _trial(
        self, k: int, parts: list[np.ndarray], state: SupplyState, before: RadialFlows
    ) -> tuple[SwitchingStep, np.ndarray] | None:
        compiled = self.compiled
        fed = np.zeros(compiled.n_nodes, dtype=bool)
        fed[np.concatenate(parts)] = True
        base_ok = self.base_ok.copy()
        base_ok[compiled.edge_branch[self.sw.edge[k]]] = True
        u, v = compiled.edge_u[self.sw.edge], compiled.edge_v[self.sw.edge]
        dark = ~state.node_supplied
        boundary = (fed[u] & dark[v] & ~fed[v]) | (fed[v] & dark[u] & ~fed[u])
        closed_now = base_ok[compiled.edge_branch[self.sw.edge]]
        to_open = np.flatnonzero(boundary & closed_now)
        base_ok[compiled.edge_branch[self.sw.edge[to_open]]] = False
        trial_compiled, after_state = self.state(base_ok)
        after = radial_flows(trial_compiled, after_state, self.kw)
        if not (after_state.node_supplied | ~state.node_supplied).all():
            return None
        grew = after.branch_kw > before.branch_kw + 1e-9
        limit = self.rating * self.limit
        if (grew & (after.branch_mva() > limit + 1e-12)).any():
            return None
        comp = after_state.node_component[compiled.edge_u[self.sw.edge[k]]]
        end_u, end_v = compiled.edge_u[self.sw.edge[k]], compiled.edge_v[self.sw.edge[k]]
        was = state.node_component[end_u if state.node_supplied[end_u] else end_v]
        short_before = (
            before.component_kw[was] / 1000.0
            > before.component_capacity_mw[was] * self.limit + 1e-12
        )
        capacity = after.component_capacity_mw[comp] * self.limit + 1e-12
        if after.component_kw[comp] / 1000.0 > capacity and not short_before:
            return None
        node = compiled.building_power_node
        restored = np.flatnonzero(
            (node >= 0)
            & after_state.node_supplied[np.maximum(node, 0)]
            & ~state.node_supplied[np.maximum(node, 0)]
        )
        if not restored.size:
            return None
        marker = np.zeros(node.size)
        marker[restored] = 1.0
        on_way = radial_flows(trial_compiled, after_state, marker).branch_kw > 0
        unknown = self.branch_ids[on_way & np.isnan(self.rating) & ~self.switch_kind].tolist()
        feeding = after_state.source_active & (compiled.source_network == 0)
        feeding &= after_state.node_component[compiled.source_node] == comp
        feeding &= np.isnan(self.capacity)
        unknown += compiled.city.sources["id"].to_numpy()[feeding].tolist()
        opening = self.sw.damaged_edge & (fed[u] | fed[v]) & closed_now  # isolate damage
        opening[to_open] = True
        opened = tuple(
            dict.fromkeys(str(self.branch_ids[self.sw.opens[i]]) for i in np.flatnonzero(opening))
        )
        step = SwitchingStep(
            close=tuple(str(self.branch_ids[g]) for g in self.sw.closes[k]),
            open=opened,
            building_index=restored,
            load_kw=float(np.nansum(self.kw[restored])),
            people=int(compiled.building_population[restored].sum()),
            unknown_ratings=tuple(unknown),
            unknown_load_buildings=int(np.isnan(self.kw[restored]).sum()),
        )
        return step, base_ok


def propose_switching(before: ImpactResult, limit_pct: float = DEFAULT_LIMIT_PCT) -> SwitchingPlan:
    """The switching that brings power back to undamaged dark sections through
    normally-open ties before any repair (rules in the module docstring), and the impact
    once it is done. ``limit_pct``: highest loading of a branch or source, % of its
    rating."""
    search = _Search(before, limit_pct)
    steps = search.run()
    if not steps:
        return SwitchingPlan((), before, before)
    switched = replace(before.compiled, branch_base_ok=search.base_ok)
    return SwitchingPlan(tuple(steps), before, assess_mask(switched, before.damaged))
