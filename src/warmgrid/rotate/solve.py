"""The cold-aware rotation: which groups are off in which slot (OR-Tools CP-SAT).

Variables ``off[g, t]`` for every rotatable group and slot. In every slot the groups off
must relieve every broken limit by at least its excess (the linear screen). The
objective is lexicographic, solved stage by stage (each stage keeps the optimum of the
ones before):

1. people-hours below 12 °C (a group off ``h`` hours in total costs what
   :func:`warmgrid.rotate.cold.hours_off_costs` says: its flats' cool-down with its
   off-slots strung together; variables exist only for groups whose homes lose heat);
2. the longest time off of any group (hours; fairness: every person of a group is off as
   long as the group);
3. the spread between the longest and the shortest time off (hours);
4. the energy not served (MWh);
5. switching operations (each off-run opens and later closes every branch of the group).

Every slot is *irreducible*: no group is off whose return would keep every limit (so no
slot sheds more than it needs, whatever fairness would gain from it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from warmgrid.errors import InputError

COLD_SCALE = 100  # people-hours → integer hundredths
ENERGY_SCALE = 1000  # MWh → kWh


@dataclass(frozen=True)
class Instance:
    """One planning problem. ``relief[t][c, g]``: what group ``g`` off takes from limit
    ``c`` in slot ``t`` (MW or MVA); ``excess[t][c]``: how much limit ``c`` is broken."""

    slot_h: np.ndarray  # float per slot: its length (hours)
    relief: list[np.ndarray]
    excess: list[np.ndarray]
    load_mw: np.ndarray  # [g, t]: group load per slot
    cold_cost: np.ndarray  # [g, h]: people-hours after h hours off in total (h = 0 … H)
    switches: np.ndarray  # int per group: branches opened to turn it off

    @property
    def n_groups(self) -> int:
        """Rotatable groups."""
        return int(self.load_mw.shape[0])

    @property
    def n_slots(self) -> int:
        """Slots."""
        return int(self.slot_h.size)


def integer_limits(instance: Instance, t: int) -> tuple[np.ndarray, np.ndarray]:
    """Slot ``t``'s relief and excess in whole kW (kVA), as the solver sees them."""
    relief = np.round(instance.relief[t] * 1000).astype(np.int64)
    need = np.ceil(instance.excess[t] * 1000 - 1e-6).astype(np.int64)
    return relief, need


def feasible(instance: Instance, t: int, off: np.ndarray) -> bool:
    """Whether the groups ``off`` (bool per group) relieve every limit of slot ``t``."""
    relief, need = integer_limits(instance, t)
    return bool(np.all(relief @ off.astype(np.int64) >= need))


def check_solvable(instance: Instance) -> None:
    """Raise :class:`InputError` when all rotatable groups off still break a limit."""
    every = np.ones(instance.n_groups, dtype=bool)
    for t in range(instance.n_slots):
        if not feasible(instance, t, every):
            relief, excess = instance.relief[t], instance.excess[t]
            worst = float(np.max(excess - relief.sum(axis=1)))
            raise InputError(
                "deficit",
                f"slot {t + 1}: even with every rotatable group off, a limit is still "
                f"exceeded by {worst:.2f} MW/MVA (the deficit is larger than all rotatable "
                "load; critical groups are never rotated)",
            )


def runs(off: np.ndarray) -> list[tuple[int, int, int]]:
    """(group, first slot, slot after the last) of every off-run of ``off[g, t]``."""
    out = []
    for g, row in enumerate(off.astype(np.int8)):
        padded = np.concatenate([[0], row, [0]])
        change = np.flatnonzero(np.diff(padded))
        out += [(g, int(a), int(b)) for a, b in zip(change[::2], change[1::2], strict=True)]
    return out


def objective(instance: Instance, off: np.ndarray) -> tuple[float, float, float, float, int]:
    """(people-hours < 12 °C, longest hours off, spread of hours off, MWh not served,
    switching operations) of a schedule ``off[g, t]``."""
    hours = off @ instance.slot_h
    spent = np.round(hours).astype(np.int64)
    cold = sum(instance.cold_cost[g, h] for g, h in enumerate(spent))
    energy = float(np.sum(off * instance.load_mw * instance.slot_h))
    spread = float(hours.max() - hours.min()) if hours.size else 0.0
    switching = sum(2 * int(instance.switches[g]) for g, _, _ in runs(off))
    return float(cold), float(hours.max(initial=0.0)), spread, energy, switching


def solve(instance: Instance, time_limit_s: float = 5.0) -> np.ndarray:
    """The optimal ``off[g, t]`` (bool) of the lexicographic objective."""
    from ortools.sat.python import cp_model

    check_solvable(instance)
    n_g, n_t = instance.n_groups, instance.n_slots
    if n_g == 0:
        return np.zeros((0, n_t), dtype=bool)
    model = cp_model.CpModel()
    off = [[model.new_bool_var(f"off{g}_{t}") for t in range(n_t)] for g in range(n_g)]
    for t in range(n_t):
        relief, need = integer_limits(instance, t)
        for c in range(need.size):
            model.add(sum(int(relief[c, g]) * off[g][t] for g in range(n_g)) >= int(need[c]))
        for g in range(n_g):  # irreducible: without g, some limit would break
            breaks = []
            for c in range(need.size):
                broken = model.new_bool_var(f"breaks{g}_{t}_{c}")
                rest = sum(int(relief[c, h]) * off[h][t] for h in range(n_g) if h != g)
                model.add(rest <= int(need[c]) - 1).only_enforce_if(broken)
                breaks.append(broken)
            model.add_bool_or([*breaks, off[g][t].Not()])
    minutes = np.round(instance.slot_h * 60).astype(np.int64)
    cold_terms = []
    for g in range(n_g):
        if not instance.cold_cost[g].any():
            continue
        table = [round(float(c) * COLD_SCALE) for c in instance.cold_cost[g]]
        spent = model.new_int_var(0, len(table) - 1, f"hours{g}")
        model.add(60 * spent == sum(int(minutes[t]) * off[g][t] for t in range(n_t)))
        cost_g = model.new_int_var(min(table), max(table), f"cold{g}")
        model.add_element(spent, table, cost_g)
        cold_terms.append(cost_g)
    total = int(minutes.sum())
    longest = model.new_int_var(0, total, "longest")
    shortest = model.new_int_var(0, total, "shortest")
    for g in range(n_g):
        minutes_g = sum(int(minutes[t]) * off[g][t] for t in range(n_t))
        model.add(longest >= minutes_g)
        model.add(shortest <= minutes_g)
    energy = sum(
        round(instance.load_mw[g, t] * instance.slot_h[t] * ENERGY_SCALE) * off[g][t]
        for g in range(n_g)
        for t in range(n_t)
    )
    starts = []
    for g in range(n_g):
        for t in range(n_t):
            start = model.new_bool_var(f"start{g}_{t}")
            model.add(start >= off[g][t] - (off[g][t - 1] if t else 0))
            starts.append(2 * int(instance.switches[g]) * start)
    most_switching = 2 * int(instance.switches.sum()) * n_t + 1
    # stages 4 and 5 in one: switchings never outweigh one kWh
    stages = [sum(cold_terms), longest, longest - shortest, energy * most_switching + sum(starts)]
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2  # LP bounds prove these covering problems
    solver.parameters.max_time_in_seconds = time_limit_s
    for stage in stages:
        if isinstance(stage, int):  # nothing to choose (e.g. no home loses heat)
            continue
        model.minimize(stage)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise InputError("rotation", "no schedule meets every limit (the solver found none)")
        best = round(solver.objective_value)
        model.clear_hints()
        for g in range(n_g):
            for t in range(n_t):
                model.add_hint(off[g][t], solver.boolean_value(off[g][t]))
        model.add(stage <= best)
    return np.array(
        [[solver.boolean_value(off[g][t]) for t in range(n_t)] for g in range(n_g)], dtype=bool
    )
