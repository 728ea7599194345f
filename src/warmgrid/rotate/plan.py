"""Plan a rotation: damage → limits per slot → groups → cold-aware schedule → AC check.

:func:`plan_rotation` is what the ``warmgrid rotate`` command, and anything that
publishes schedules, call; :meth:`RotationPlan.to_json` is the one JSON form
(``docs/rotate.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations

import numpy as np

from warmgrid.impact import Damage, assess_mask, damage_mask
from warmgrid.model import City, CompiledCity, compile_city
from warmgrid.model.loads import DEFAULT_POWER_FACTOR
from warmgrid.rotate.acflow import PowerNet, SlotCheck, check_slot, power_net
from warmgrid.rotate.baselines import cyclic, largest_first
from warmgrid.rotate.cause import DeficitCause, deficit_cause
from warmgrid.rotate.cold import hours_off_costs, stepped_people_hours
from warmgrid.rotate.groups import DEFAULT_QUEUES, Group, make_groups
from warmgrid.rotate.region import caused_limits, region_blocks, region_net
from warmgrid.rotate.screen import Limit, broken_limits
from warmgrid.rotate.slots import slot_edges, slot_loads_mw
from warmgrid.rotate.solve import Instance, objective, solve
from warmgrid.rotate.tree import BlockTree, block_tree
from warmgrid.scenario.spec import DEFAULT_OUTDOOR_TEMP_C, CooldownSettings
from warmgrid.thermal.weather import Weather, constant_weather


@dataclass(frozen=True)
class Figures:
    """What a schedule costs."""

    people_hours_below_12c: float
    jain_index: float
    energy_not_served_mwh: float
    switching_operations: int

    def to_json(self) -> dict[str, float | int]:
        """JSON-ready, rounded."""
        return {
            "people_hours_below_12c": round(self.people_hours_below_12c, 1),
            "jain_index": round(self.jain_index, 4),
            "energy_not_served_mwh": round(self.energy_not_served_mwh, 3),
            "switching_operations": self.switching_operations,
        }


@dataclass
class RotationPlan:
    """A rotation schedule with its groups, figures, baselines and AC checks."""

    start: datetime
    edges_h: np.ndarray
    deficit_mw: float
    groups: list[dict[str, object]]
    off: np.ndarray  # [rotatable group, slot]
    rotatable_ids: list[str]
    figures: Figures
    baselines: dict[str, Figures]
    exempt_homes: dict[str, int]
    ac_checks: list[SlotCheck] = field(default_factory=list)
    ac_net: PowerNet | None = None  # the net of the AC check (the region's, if only it)
    limit_pct: float = 100.0  # highest loading allowed, % of rating
    deficit_cause: DeficitCause | None = None  # the limit that sets the deficit

    def slots(self) -> list[dict[str, object]]:
        """Each slot: ``start_h``, ``end_h`` (hours after the start) and the groups off."""
        if self.deficit_mw <= 0:
            return []
        return [
            {
                "start_h": float(self.edges_h[t]),
                "end_h": float(self.edges_h[t + 1]),
                "off": [g for g, o in zip(self.rotatable_ids, self.off[:, t], strict=True) if o],
            }
            for t in range(self.edges_h.size - 1)
        ]

    def to_json(self) -> dict[str, object]:
        """The JSON contract of ``warmgrid rotate --json`` (docs/rotate.md)."""
        return {
            "start": self.start.isoformat(),
            "deficit_mw": round(self.deficit_mw, 3),
            "deficit_cause": self.deficit_cause.to_json() if self.deficit_cause else None,
            "groups": self.groups,
            "slots": self.slots(),
            **self.figures.to_json(),
            "baselines": {name: f.to_json() for name, f in self.baselines.items()},
            "exempt_homes": self.exempt_homes,
            "ac_check": [check.to_json() for check in self.ac_checks],
        }


def jain_index(hours_off: np.ndarray, people: np.ndarray) -> float:
    """Jain's fairness index of hours off over people: (Σ n x)² / (N Σ n x²); 1 when no
    one is off (R. Jain, D. Chiu, W. Hawe, DEC-TR-301, 1984)."""
    weights = np.asarray(people, dtype=np.float64)
    total = float(weights @ hours_off)
    square = float(weights @ hours_off**2)
    return 1.0 if square == 0 else total**2 / (weights.sum() * square)


def _figures(
    instance: Instance, off: np.ndarray, people: np.ndarray, cold: Callable[[np.ndarray], float]
) -> Figures:
    """The figures of ``off``; people-hours below 12 °C from ``cold`` (the engine stepped
    through the schedule)."""
    _, _, _, energy, switching = objective(instance, off)
    return Figures(cold(off), jain_index(off @ instance.slot_h, people), energy, switching)


def _damage_over_time(
    compiled: CompiledCity,
    damaged: np.ndarray,
    edges_h: np.ndarray,
    repaired_at_h: Mapping[str, float],
) -> list[np.ndarray]:
    """The damage mask of every slot: an asset repaired by a slot's start is back."""
    ids = list(repaired_at_h)
    index = compiled.asset_index(ids, where="repaired_at_h") if ids else np.zeros(0, np.int64)
    when = np.array([repaired_at_h[i] for i in ids], dtype=np.float64)
    masks = []
    for start in edges_h[:-1]:
        mask = damaged.copy()
        mask[index[when <= start]] = False
        masks.append(mask)
    return masks


def _group_rows(
    compiled: CompiledCity, damaged: np.ndarray, groups: list[Group]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per group, (buildings that lose power, buildings that lose heat) when that group
    alone is off: the impact engine with its branches opened."""
    base = assess_mask(compiled, damaged)
    power, heat = [], []
    for group in groups:
        mask = damaged.copy()
        mask[compiled.asset_index(group.switch_off, where="group")] = True
        after = assess_mask(compiled, mask)
        power.append(np.flatnonzero(after.building_without_power & ~base.building_without_power))
        heat.append(np.flatnonzero(after.building_without_heat & ~base.building_without_heat))
    return power, heat


def _instance(
    limits: list[list[Limit]],
    rows: list[np.ndarray],
    loads: np.ndarray,
    edges_h: np.ndarray,
    cold_cost: np.ndarray,
    switches: np.ndarray,
) -> Instance:
    relief, excess = [], []
    for t, slot_limits in enumerate(limits):
        matrix = np.zeros((len(slot_limits), len(rows)))
        for c, limit in enumerate(slot_limits):
            for g, members in enumerate(rows):
                inside = members[limit.members[members]]
                matrix[c, g] = loads[inside, t].sum() * limit.per_mw
        relief.append(matrix)
        excess.append(np.array([limit.excess for limit in slot_limits]))
    group_load = np.zeros((len(rows), edges_h.size - 1))
    for g, members in enumerate(rows):
        group_load[g] = loads[members].sum(axis=0)
    return Instance(np.diff(edges_h), relief, excess, group_load, cold_cost, switches)


def _region(
    compiled: CompiledCity,
    tree: BlockTree,
    masks: list[np.ndarray],
    limits: list[list[Limit]],
    loads: np.ndarray,
    limit_pct: float,
    branch_ids: np.ndarray,
) -> np.ndarray:
    """Bool per block of ``tree`` (the first slot's damage): the region fed through the
    limits the damage breaks in the slots with that damage (:mod:`warmgrid.rotate.region`)."""
    intact = block_tree(compiled, np.zeros_like(masks[0]))
    power_node = compiled.building_power_node
    blocks = np.where(power_node >= 0, intact.node_block[np.maximum(power_node, 0)], -1)
    caused: list[Limit] = []
    for t, mask in enumerate(masks):
        if np.array_equal(mask, masks[0]):
            before = broken_limits(
                intact, blocks, loads[:, t], DEFAULT_POWER_FACTOR, limit_pct, branch_ids
            )
            caused += caused_limits(limits[t], before)
    return region_blocks(tree, caused)


EXHAUSTIVE_REPAIR_GROUPS = 8
"""Up to this many rotatable groups a slot that fails the AC check is repaired by trying
every larger set of groups off (2^8 power flows at most); beyond it, greedily."""


def _repair_candidates(base: np.ndarray, load_mw: np.ndarray) -> list[np.ndarray]:
    """Sets of groups off to try for a slot whose ``base`` set failed: by size, then
    those keeping ``base`` (the cold-aware choice) first, then by load."""
    n = base.size
    if n > EXHAUSTIVE_REPAIR_GROUPS:
        off, out = base.copy(), []
        while not off.all():
            off = off.copy()
            off[int(np.argmax(np.where(off, -np.inf, load_mw)))] = True
            out.append(off)
        return out
    out = []
    for size in range(int(base.sum()) + 1, n + 1):
        sets = []
        for chosen in combinations(range(n), size):
            mask = np.zeros(n, dtype=bool)
            mask[list(chosen)] = True
            drops_base = bool((base & ~mask).any())
            sets.append((drops_base, float(load_mw[mask].sum()), mask))
        out += [mask for _, _, mask in sorted(sets, key=lambda s: (s[0], s[1]))]
    return out


def _ac_repair(
    instance: Instance,
    off: np.ndarray,
    check: Callable[[int, np.ndarray], SlotCheck],
    limit_pct: float,
) -> list[SlotCheck]:
    """AC-check every slot; where a slot fails, the first set of groups off of
    :func:`_repair_candidates` that passes (every group off if none does)."""
    results = []
    for t in range(instance.n_slots):
        result = check(t, off[:, t])
        if not result.ok(limit_pct):
            for mask in _repair_candidates(off[:, t].copy(), instance.load_mw[:, t]):
                result = check(t, mask)
                if result.ok(limit_pct) or mask.all():
                    off[:, t] = mask
                    break
        results.append(result)
    return results


def plan_rotation(
    city: City,
    damage: Damage,
    *,
    start: datetime,
    hours: float = 24.0,
    slot_h: float = 1.0,
    limit_pct: float = 100.0,
    load_scale: float = 1.0,
    queues: int = DEFAULT_QUEUES,
    repaired_at_h: Mapping[str, float] | None = None,
    weather: Weather | None = None,
    cooldown: CooldownSettings | None = None,
    ac_check: bool = True,
    region_only: bool = False,
    time_limit_s: float = 5.0,
) -> RotationPlan:
    """The cold-aware rotation of ``city`` after ``damage`` (module docstring).

    ``start``: the first slot's start (aware; its local hour picks the load shapes);
    ``repaired_at_h``: asset id → hours after ``start`` when its repair ends (the
    restoration plan's ETRs): from the first slot starting then, it is back;
    ``weather``: hourly outdoor temperature (default: the scenario default, a constant
    −5 °C); ``ac_check``: run pandapower's AC power flow on every final slot;
    ``region_only``: plan for the limits inside the region fed through the damaged
    branches only, and run the AC check on that region with an equivalent slack at its
    boundary (:mod:`warmgrid.rotate.region`).
    """
    from warmgrid.errors import InputError

    if not 0 < limit_pct <= 200:
        raise InputError("--limit-pct", f"must be in (0, 200], got {limit_pct}")
    compiled = compile_city(city)
    damaged = damage_mask(compiled, damage)
    edges_h = slot_edges(hours, slot_h)
    loads = slot_loads_mw(city.buildings, edges_h, start, load_scale)
    masks = _damage_over_time(compiled, damaged, edges_h, repaired_at_h or {})
    trees: dict[bytes, BlockTree] = {}
    limits: list[list[Limit]] = []
    branch_ids = city.branches["id"].to_numpy()
    power_node = compiled.building_power_node
    for t, mask in enumerate(masks):
        key = mask.tobytes()
        if key not in trees:
            trees[key] = block_tree(compiled, mask)
        tree = trees[key]
        blocks = np.where(power_node >= 0, tree.node_block[np.maximum(power_node, 0)], -1)
        limits.append(
            broken_limits(tree, blocks, loads[:, t], DEFAULT_POWER_FACTOR, limit_pct, branch_ids)
        )
    tree0 = trees[masks[0].tobytes()]
    blocks0 = np.where(power_node >= 0, tree0.node_block[np.maximum(power_node, 0)], -1)
    if region_only:
        inside = _region(compiled, tree0, masks, limits, loads, limit_pct, branch_ids)
        in_region = (blocks0 >= 0) & inside[np.maximum(blocks0, 0)]
        limits = [
            [lim for lim in slot if lim.members.any() and not (lim.members & ~in_region).any()]
            for slot in limits
        ]
    deficit = max((lim.excess for slot in limits for lim in slot), default=0.0)

    def intact_limits(t: int) -> list[Limit]:
        """The limits slot ``t``'s load breaks without any damage."""
        intact = block_tree(compiled, np.zeros_like(damaged))
        blocks = np.where(power_node >= 0, intact.node_block[np.maximum(power_node, 0)], -1)
        return broken_limits(
            intact, blocks, loads[:, t], DEFAULT_POWER_FACTOR, limit_pct, branch_ids
        )

    cause = deficit_cause(
        compiled,
        limits,
        [trees[mask.tobytes()] for mask in masks],
        edges_h,
        damaged,
        intact_limits,
    )
    relevant = np.zeros(len(city.buildings), dtype=bool)
    for slot in limits:
        for limit in slot:
            relevant |= limit.members
    peak = loads.max(axis=1) if loads.size else np.zeros(len(city.buildings))
    groups = (
        make_groups(
            compiled, tree0, blocks0, relevant, peak, queues, inside if region_only else None
        )
        if deficit > 0
        else []
    )
    power_rows, heat_rows = _group_rows(compiled, damaged, groups)
    people = compiled.building_population
    rotating = [k for k, g in enumerate(groups) if not g.critical]
    weather = weather or constant_weather(DEFAULT_OUTDOOR_TEMP_C, int(np.ceil(hours)) + 1)
    settings = cooldown or CooldownSettings()
    heat_members = [heat_rows[k] for k in rotating]
    cold_cost = hours_off_costs(
        city.buildings, heat_members, weather, round(float(edges_h[-1])), settings
    )
    instance = _instance(
        limits,
        [power_rows[k] for k in rotating],
        loads,
        edges_h,
        cold_cost,
        np.array([len(groups[k].switch_off) for k in rotating], dtype=np.int64),
    )
    off = solve(instance, time_limit_s)
    group_people = np.array([people[power_rows[k]].sum() for k in rotating], dtype=np.float64)
    checks: list[SlotCheck] = []
    net: PowerNet | None = None
    if ac_check and deficit > 0:
        net = power_net(city)
        damaged_ids = [compiled.asset_ids[m].tolist() for m in masks]
        if region_only:
            net = region_net(compiled, tree0, inside, net, damaged_ids[0])

        flows: dict[tuple[bytes, bytes, bytes], SlotCheck] = {}

        def check(t: int, off_t: np.ndarray) -> SlotCheck:
            """The slot's power flow; slots in the same state (damage, groups off and
            loads: the same hour of day on another day) share one."""
            state = (masks[t].tobytes(), off_t.tobytes(), loads[:, t].tobytes())
            if state not in flows:
                opened = [
                    i
                    for k, o in zip(rotating, off_t, strict=True)
                    if o
                    for i in groups[k].switch_off
                ]
                flows[state] = check_slot(net, damaged_ids[t] + opened, loads[:, t], limit_pct)
            return flows[state]

        checks = _ac_repair(instance, off, check, limit_pct)

    def cold(schedule: np.ndarray) -> float:
        return stepped_people_hours(
            city.buildings, heat_members, schedule, weather, edges_h, settings
        )

    uses = city.buildings["use"].to_numpy()
    exempt = np.unique(
        np.concatenate(
            [power_rows[k] for k, g in enumerate(groups) if g.critical] or [np.zeros(0, np.int64)]
        )
    ).astype(np.int64)
    homes = exempt[uses[exempt] == "residential"]
    ids = city.buildings["id"].to_numpy()
    return RotationPlan(
        start=start,
        edges_h=edges_h,
        deficit_mw=float(deficit),
        groups=[
            {
                "id": g.id,
                "switch_off": g.switch_off,
                "buildings": ids[power_rows[k]].tolist(),
                "people": int(people[power_rows[k]].sum()),
                "load_mw": round(float(peak[power_rows[k]].sum()), 3),
                "critical": g.critical,
            }
            for k, g in enumerate(groups)
        ],
        off=off,
        rotatable_ids=[groups[k].id for k in rotating],
        figures=_figures(instance, off, group_people, cold),
        baselines={
            "cyclic": _figures(instance, cyclic(instance), group_people, cold),
            "largest_first": _figures(instance, largest_first(instance), group_people, cold),
        },
        exempt_homes={"buildings": int(homes.size), "people": int(people[homes].sum())},
        ac_checks=checks,
        ac_net=net,
        limit_pct=limit_pct,
        deficit_cause=cause,
    )
