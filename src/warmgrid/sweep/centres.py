"""Warming centres: which M candidate buildings keep the most people in reach of warmth.

A centre is *open* in a scenario when the building has power and heat there, or its own
backup generator (``buildings.backup_fuel_h`` at least ``min_backup_h``; a centre that
is prepared for the role heats with what its generator powers). The people counted in a
scenario are those whose home is without heat there: they are the ones who need a warm
place, and people whose heat still works would not walk to a centre. A person is served
when an open chosen centre lies within ``walk_m`` metres, great-circle
(:func:`warmgrid.geo.great_circle_m`). Centres have no capacity limit here.

The objective is the expected number of people served over the ensemble's scenarios.
Buildings with the same candidates in reach are one group, and a (scenario, group) pair
only matters through the set of open candidates in its reach, so the whole ensemble
reduces to weighted sets of candidates (:class:`Coverage`): a weighted maximum coverage
problem, solved

- exactly by OR-Tools CP-SAT (:func:`solve_exact`): a boolean per candidate, exactly M
  of them true, and a boolean per set that may be true only if one of its candidates is;
- greedily (:func:`solve_greedy`), within 1 − 1/e of the best (G. L. Nemhauser,
  L. A. Wolsey, M. L. Fisher, Mathematical Programming 14 (1978) 265–294), with the
  online upper bound of J. Leskovec et al., "Cost-effective outbreak detection in
  networks", KDD 2007, Theorem 4: the greedy's value plus the M largest gains still open
  at any step bounds the best from above.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from warmgrid.errors import InputError
from warmgrid.geo import great_circle_m
from warmgrid.impact.assess import assess_mask
from warmgrid.model.compile import CompiledCity
from warmgrid.sweep.ensembles import NO_ASSET

DEFAULT_WALK_M = 1000.0
"""Metres: about 12–15 minutes on foot at the 1.2–1.4 m/s walking speeds of
pedestrians (Highway Capacity Manual, TRB 2010, ch. 23), the reach the issue asks for."""

SetCounts = dict[bytes, int]


@dataclass(frozen=True)
class Siting:
    """What a worker needs to count a block of scenarios."""

    compiled: CompiledCity
    candidates: np.ndarray  # building indices of the candidates
    backup: np.ndarray  # bool per candidate: open whatever the grid does
    group: np.ndarray  # per building: its reach group
    reach: np.ndarray  # bool, group × candidate: within walking distance


@dataclass(frozen=True)
class Coverage:
    """Distinct sets of candidates (``sets``, bool set × candidate) with ``weights``: the
    people without heat, summed over the scenarios, whose open centres in reach are
    exactly that set; and the ensemble's ``scenarios`` and ``people_without_heat``
    (summed over the scenarios, served or not)."""

    sets: np.ndarray
    weights: np.ndarray
    scenarios: int
    people_without_heat: int

    def served(self, chosen: np.ndarray) -> int:
        """People without heat, summed over the scenarios, with a chosen open centre in
        reach (``chosen``: candidate positions)."""
        if not self.weights.size:
            return 0
        hit = self.sets[:, np.asarray(chosen, dtype=np.int64)].any(axis=1)
        return int(self.weights[hit].sum())


@dataclass(frozen=True)
class Choice:
    """Chosen candidate positions, the people they serve (summed over the scenarios), an
    upper bound on the best possible, and whether ``served`` is proven best."""

    chosen: list[int]
    served: int
    bound: int
    optimal: bool


def candidate_buildings(
    buildings: pd.DataFrame,
    uses: list[str] | None = None,
    ids: list[str] | None = None,
    min_backup_h: float = 0.0,
) -> np.ndarray:
    """Building indices of the candidates: those with ``use`` in ``uses`` or an id in
    ``ids``; when neither is given, those with a backup generator of at least
    ``min_backup_h`` hours of fuel."""
    has_backup = backup_flags(buildings, min_backup_h)
    if not uses and not ids:
        chosen = has_backup
        if not chosen.any():
            raise InputError(
                "buildings.backup_fuel_h",
                "no building has a backup generator to serve as a warming centre; "
                "choose candidates with --use (e.g. school) or --candidates ID,ID",
            )
        return np.flatnonzero(chosen)
    known = set(buildings["id"])
    unknown = [i for i in ids or [] if i not in known]
    if unknown:
        raise InputError("--candidates", f"unknown building id {unknown[0]!r}")
    chosen = buildings["use"].isin(uses or []) | buildings["id"].isin(ids or [])
    if not chosen.any():
        raise InputError("--use", f"no building has the use {', '.join(uses or [])}")
    return np.flatnonzero(chosen.to_numpy())


def backup_flags(buildings: pd.DataFrame, min_backup_h: float) -> np.ndarray:
    """Per building: a backup generator with at least ``min_backup_h`` hours of fuel."""
    fuel = buildings["backup_fuel_h"].to_numpy(dtype=np.float64)
    return (fuel > 0.0) & (fuel >= min_backup_h)


def siting(
    compiled: CompiledCity, candidates: np.ndarray, walk_m: float, min_backup_h: float = 0.0
) -> Siting:
    """Reach groups of the buildings for ``candidates`` within ``walk_m`` metres."""
    if not walk_m > 0.0:
        raise InputError("--walk-m", f"must be a positive distance in metres, got {walk_m}")
    buildings = compiled.city.buildings
    lon = buildings["lon"].to_numpy(dtype=np.float64)
    lat = buildings["lat"].to_numpy(dtype=np.float64)
    distance = great_circle_m(
        lon[:, None], lat[:, None], lon[None, candidates], lat[None, candidates]
    )
    reach, group = np.unique(distance <= walk_m, axis=0, return_inverse=True)
    backup = backup_flags(buildings, min_backup_h)[candidates]
    return Siting(compiled, candidates, backup, group.ravel(), reach)


def count_block(site: Siting, rows: np.ndarray) -> tuple[SetCounts, int]:
    """For a block of scenarios (asset indices padded with ``NO_ASSET``): people without
    heat per set of open candidates in their reach, and people without heat in all."""
    people = site.compiled.building_population
    counts: SetCounts = {}
    total = 0
    for row in rows:
        damaged = np.zeros(site.compiled.n_assets, dtype=bool)
        damaged[row[row != NO_ASSET]] = True
        impact = assess_mask(site.compiled, damaged)
        cold = impact.building_without_heat
        total += int(people[cold].sum())
        lit = ~(impact.building_without_power | cold)[site.candidates]
        open_now = lit | site.backup
        per_group = np.bincount(site.group[cold], people[cold], minlength=site.reach.shape[0])
        active = np.flatnonzero(per_group > 0)
        sets = site.reach[active] & open_now[None, :]
        keep = sets.any(axis=1)
        for key, weight in zip(
            np.packbits(sets[keep], axis=1), per_group[active[keep]], strict=True
        ):
            counts[key.tobytes()] = counts.get(key.tobytes(), 0) + int(weight)
    return counts, total


def coverage(parts: list[tuple[SetCounts, int]], candidates: int, scenarios: int) -> Coverage:
    """Merge the blocks' counts (any order gives the same result)."""
    merged: SetCounts = {}
    for counts, _ in parts:
        for key, weight in counts.items():
            merged[key] = merged.get(key, 0) + weight
    keys = sorted(merged)
    width = -(-candidates // 8)
    packed = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), width)
    sets = np.unpackbits(packed, axis=1, count=candidates).astype(bool)
    weights = np.array([merged[k] for k in keys], dtype=np.int64)
    return Coverage(
        sets.reshape(len(keys), candidates), weights, scenarios, sum(t for _, t in parts)
    )


def _check_count(count: int, candidates: int) -> None:
    if not 1 <= count <= candidates:
        raise InputError(
            "--count", f"must be between 1 and {candidates} (the candidates), got {count}"
        )


def solve_greedy(cover: Coverage, count: int) -> Choice:
    """Greedy maximum coverage with the online upper bound (see the module docstring).
    Ties go to the lowest candidate position."""
    candidates = cover.sets.shape[1]
    _check_count(count, candidates)
    open_sets = np.ones(cover.weights.size, dtype=bool)
    chosen: list[int] = []
    served, bound = 0, np.iinfo(np.int64).max
    for step in range(count + 1):
        gains = cover.weights[open_sets] @ cover.sets[open_sets]
        gains[chosen] = -1
        bound = min(bound, served + int(np.sort(gains)[::-1][:count].clip(0).sum()))
        if step == count:
            break
        best = int(np.argmax(gains))
        chosen.append(best)
        served += int(gains[best])
        open_sets &= ~cover.sets[:, best]
    return Choice(chosen, served, int(bound), served == bound)


def solve_exact(
    cover: Coverage, count: int, time_limit_s: float, hint: Choice | None = None
) -> Choice:
    """CP-SAT on one search worker with a fixed seed (so the same run gives the same
    answer); within ``time_limit_s`` it proves the optimum or returns its best set with
    its bound."""
    from ortools.sat.python import cp_model

    candidates = cover.sets.shape[1]
    _check_count(count, candidates)
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"centre_{c}") for c in range(candidates)]
    model.add(sum(x) == count)
    y = []
    for t, members in enumerate(cover.sets):
        served = model.new_bool_var(f"set_{t}")
        model.add_bool_or([x[c] for c in np.flatnonzero(members)]).only_enforce_if(served)
        y.append(served)
    model.maximize(sum(int(w) * v for w, v in zip(cover.weights, y, strict=True)))
    if hint is not None:
        for c in range(candidates):
            model.add_hint(x[c], c in hint.chosen)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = float(time_limit_s)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if hint is not None:
            return hint
        raise InputError("--time-limit", f"CP-SAT found no set within {time_limit_s} s")
    chosen = [c for c in range(candidates) if solver.boolean_value(x[c])]
    found = cover.served(np.array(chosen))
    bound = int(np.floor(solver.best_objective_bound + 1e-6))
    if hint is not None and hint.served > found:
        chosen, found = hint.chosen, hint.served
    if hint is not None:
        bound = min(bound, hint.bound)
    return Choice(sorted(chosen), found, bound, status == cp_model.OPTIMAL or found == bound)
