"""Protection plan: the K assets whose protection most reduces the ensemble's cold.

Protecting an asset (hardening, guarding, a duplicate) removes its loss from every
scenario of the ensemble. The value of a protected set P is the total, over the
scenarios, of the people-hours below 12 °C each one gives with the assets of P taken
out of its damage; only the scenarios that damage an asset of P change, so only those
are evaluated again (through the sweep's own :func:`warmgrid.sweep.evaluate.evaluate_block`).

- :func:`greedy` adds, K times, the asset with the largest reduction given those already
  chosen, with lazy evaluation (CELF: J. Leskovec, A. Krause, C. Guestrin, C. Faloutsos,
  J. VanBriesen, N. Glance, "Cost-effective outbreak detection in networks", KDD 2007):
  a candidate's reduction is recomputed only when it reaches the top of the queue, and
  only over the scenarios that changed since it was last computed. When the reduction is
  submodular (protecting an asset never helps more because another is protected) lazy
  greedy equals plain greedy and is within 1 − 1/e of the best set (G. L. Nemhauser,
  L. A. Wolsey, M. L. Fisher, Mathematical Programming 14 (1978) 265–294). Assets in
  series (both must survive) break submodularity, so the guarantee does not hold in
  general; :func:`exhaustive` measures the real gap.
- :func:`exhaustive` evaluates every scenario with every subset of its own damage
  removed (at most 2⁴ per scenario, K ≤ 4), then scores every K-subset of the candidate
  assets from that table: the best set, exactly.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from warmgrid.errors import InputError
from warmgrid.sweep.ensembles import NO_ASSET

Evaluate = Callable[[np.ndarray], np.ndarray]
"""Rows of asset indices (padded with ``NO_ASSET``) → people-hours below 12 °C per row."""

TOLERANCE = 1e-9
MAX_EXHAUSTIVE_SETS = 2_000_000
"""K-subsets scored at most by :func:`exhaustive` (each costs one pass over the table)."""
SCORE_CELLS = 1_000_000
"""Sets × scenarios scored at once by :func:`exhaustive` (bounds its memory to about 40 MB)."""


@dataclass(frozen=True)
class Protection:
    """A protected set: ``chosen`` asset indices in the order picked, the reduction of
    the ensemble's total people-hours below 12 °C each pick brought (``gains``), and the
    total with nothing protected (``baseline``) and with the set (``remaining``)."""

    chosen: list[int]
    gains: list[float]
    baseline: float
    remaining: float

    @property
    def reduction(self) -> float:
        """Total people-hours below 12 °C the set removes from the ensemble."""
        return self.baseline - self.remaining


def _pool(rows: np.ndarray) -> np.ndarray:
    return np.unique(rows[rows != NO_ASSET])


def greedy(rows: np.ndarray, values: np.ndarray, evaluate: Evaluate, budget: int) -> Protection:
    """Lazy greedy (CELF) choice of up to ``budget`` assets to protect.

    ``rows`` are the ensemble's scenarios (asset indices padded with ``NO_ASSET``),
    ``values`` their people-hours below 12 °C unprotected. Stops early when no asset
    reduces the total any more. Ties go to the lowest asset index.
    """
    if budget < 1:
        raise InputError("--budget", f"must be at least 1, got {budget}")
    current = rows.copy()
    value = np.asarray(values, dtype=np.float64).copy()
    # term[s, j]: what removing current[s, j] from scenario s saves now; NaN: to compute
    term = np.full(current.shape, np.nan)

    def refresh(where: np.ndarray) -> None:
        scenario, column = np.nonzero(where)
        batch = current[scenario].copy()
        batch[np.arange(scenario.size), column] = NO_ASSET
        term[scenario, column] = value[scenario] - evaluate(batch)

    def gain(asset: int) -> float:
        at = current == asset
        refresh(at & np.isnan(term))
        return float(term[at].sum())

    refresh(current != NO_ASSET)
    present = current != NO_ASSET
    totals = np.bincount(current[present], weights=term[present], minlength=rows.max() + 1)
    queue = [(-float(totals[a]), int(a), 0) for a in _pool(rows)]
    heapq.heapify(queue)
    chosen: list[int] = []
    gains: list[float] = []
    while queue and len(chosen) < budget:
        negative, asset, version = heapq.heappop(queue)
        if version != len(chosen):
            heapq.heappush(queue, (-gain(asset), asset, len(chosen)))
            continue
        if -negative <= TOLERANCE:
            break
        at = current == asset
        hit = at.any(axis=1)
        value[hit] -= np.where(at[hit], term[hit], 0.0).sum(axis=1)
        current[at] = NO_ASSET
        term[hit] = np.nan
        chosen.append(asset)
        gains.append(-negative)
    baseline = float(np.sum(values))
    return Protection(chosen, gains, baseline, float(value.sum()))


def check_exhaustive(rows: np.ndarray, budget: int) -> None:
    """Refuse an exact search that would score more than ``MAX_EXHAUSTIVE_SETS`` sets."""
    pool = _pool(rows).size
    sets = math.comb(pool, min(budget, pool))
    if sets > MAX_EXHAUSTIVE_SETS:
        raise InputError(
            "--exact",
            f"{sets:,} sets of {min(budget, pool)} among {pool} assets exceed the "
            f"{MAX_EXHAUSTIVE_SETS:,} that exact search scores",
        )


def exhaustive(rows: np.ndarray, values: np.ndarray, evaluate: Evaluate, budget: int) -> Protection:
    """The best set of ``min(budget, candidates)`` assets, by scoring every such set.

    Every distinct damage set that some scenario leaves after protection is evaluated
    once (a row depends only on its damage set).

    Lowest total wins; ties go to the first set in lexicographic order of asset index.
    ``chosen`` is in ascending order and ``gains`` holds only the whole set's reduction.
    """
    check_exhaustive(rows, budget)
    pool = _pool(rows)
    size = min(budget, pool.size)
    width = rows.shape[1]
    # table[s, m]: people-hours of scenario s with the columns in bit mask m removed
    table = np.empty((rows.shape[0], 1 << width))
    masks = np.arange(1 << width)
    removed = ((masks[:, None] >> np.arange(width)) & 1).astype(bool)  # mask × column
    batch = np.where(removed[None, :, :], NO_ASSET, rows[:, None, :]).reshape(-1, width)
    distinct, inverse = np.unique(np.sort(batch, axis=1), axis=0, return_inverse=True)
    table[:] = evaluate(distinct)[inverse.ravel()].reshape(table.shape)
    # bits[a, s]: the columns of scenario s that hold pool asset a, as a bit mask
    bits = np.zeros((pool.size, rows.shape[0]), dtype=np.int64)
    for column in range(width):
        held = rows[:, column] != NO_ASSET
        position = np.searchsorted(pool, rows[held, column])
        bits[position, np.flatnonzero(held)] |= 1 << column
    scenarios = np.arange(rows.shape[0])[None, :]
    per_batch = max(1, SCORE_CELLS // max(rows.shape[0], 1))
    sets = itertools.combinations(range(pool.size), size)
    best_total, best_set = math.inf, np.zeros(0, dtype=np.int64)
    while group := list(itertools.islice(sets, per_batch)):
        chosen = np.array(group, dtype=np.int64).reshape(len(group), size)
        totals = table[scenarios, bits[chosen].sum(axis=1)].sum(axis=1)
        first = int(np.argmin(totals))
        if totals[first] < best_total - TOLERANCE:
            best_total, best_set = float(totals[first]), pool[chosen[first]]
    baseline = float(np.sum(values))
    return Protection(best_set.tolist(), [baseline - best_total], baseline, best_total)
