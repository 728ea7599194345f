"""Protection plan: the K items (protected assets, spares) that most reduce the cold.

Protecting an asset (hardening, guarding, a duplicate) removes its loss from every
scenario of the ensemble. A spare of an asset kind shortens the repair of one damaged
asset of that kind in every scenario (:mod:`warmgrid.sweep.spares`): with u spares of a
kind, the first u damaged assets of that kind in a scenario (in the city's order) that
are not protected. Each protected asset and each spare is one item of the budget.

The value of a plan is the total, over the scenarios, of the people-hours below 12 °C
each one gives under it. A scenario changes only through the assets it damages, so its
value depends only on which of them are protected or spared: at most 4ᵏ states for k
damaged assets. :class:`_Table` evaluates each state of each scenario once, on demand,
through the sweep's own evaluation (:func:`warmgrid.sweep.evaluate.evaluate_block`).

- :func:`greedy` adds, K times, the item with the largest reduction given those already
  chosen, with lazy evaluation (CELF: J. Leskovec, A. Krause, C. Guestrin, C. Faloutsos,
  J. VanBriesen, N. Glance, "Cost-effective outbreak detection in networks", KDD 2007):
  an item's reduction is recomputed only when it reaches the top of the queue. When the
  reduction is submodular (an item never helps more because another is chosen) lazy
  greedy equals plain greedy and is within 1 − 1/e of the best plan (G. L. Nemhauser,
  L. A. Wolsey, M. L. Fisher, Mathematical Programming 14 (1978) 265–294). Assets in
  series (both must survive) break submodularity, so the guarantee does not hold in
  general; :func:`exhaustive` measures the real gap.
- :func:`exhaustive` scores every plan of K items: the best plan, exactly.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from warmgrid.errors import InputError
from warmgrid.sweep.ensembles import NO_ASSET

Evaluate = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""Rows of asset indices (padded with ``NO_ASSET``) and a mask of the assets with a spare
→ people-hours below 12 °C per row."""

Pick = tuple[str, int]
"""``("protect", asset index)`` or ``("spare", position among the spare kinds)``."""

TOLERANCE = 1e-9
MAX_EXHAUSTIVE_SETS = 2_000_000
"""Plans scored at most by :func:`exhaustive`."""
SCORE_CELLS = 1_000_000
"""Plans × scenarios scored at once by :func:`exhaustive` (bounds its memory)."""


@dataclass(frozen=True)
class Protection:
    """A plan: ``picks`` in the order chosen, the reduction of the ensemble's total
    people-hours below 12 °C each brought (``gains``; for an exhaustive plan, one figure
    for the whole plan), and the total unprotected (``baseline``) and with the plan
    (``remaining``)."""

    picks: list[Pick]
    gains: list[float]
    baseline: float
    remaining: float

    @property
    def reduction(self) -> float:
        """Total people-hours below 12 °C the plan removes from the ensemble."""
        return self.baseline - self.remaining

    @property
    def protected(self) -> list[int]:
        """Asset indices protected, in the order chosen."""
        return [index for what, index in self.picks if what == "protect"]

    def spares(self, kinds: Sequence[str]) -> dict[str, int]:
        """Spares per kind (``kinds``: the spare kinds, in the order of the picks)."""
        counts: dict[str, int] = {}
        for what, index in self.picks:
            if what == "spare":
                counts[kinds[index]] = counts.get(kinds[index], 0) + 1
        return counts


@dataclass(frozen=True)
class Choices:
    """What a plan is chosen from: the ensemble's scenarios (``rows``, asset indices
    padded with ``NO_ASSET``), their people-hours below 12 °C with no item (``values``),
    how to evaluate a scenario's state (``evaluate``) and, for spares, per row and column
    the position of the damaged asset's spare kind (``spare_kind``, from
    :func:`spare_kinds`; None: no spares) and the most spares of each kind
    (``spare_limits``)."""

    rows: np.ndarray
    values: np.ndarray
    evaluate: Evaluate
    spare_kind: np.ndarray | None = None
    spare_limits: tuple[int, ...] = ()

    def table(self) -> _Table:
        """An empty table of the scenarios' states."""
        kinds = np.full(self.rows.shape, -1) if self.spare_kind is None else self.spare_kind
        return _Table(self.rows, self.values, self.evaluate, kinds)


class _Table:
    """People-hours of every scenario in every state reached: which of its damaged
    assets are protected (bits 0…w−1 of the code) and which get a spare (bits w…2w−1)."""

    def __init__(
        self, rows: np.ndarray, values: np.ndarray, evaluate: Evaluate, spare_kind: np.ndarray
    ) -> None:
        self.rows = rows
        self.width = rows.shape[1]
        self.evaluate = evaluate
        self.spare_kind = spare_kind  # per row and column: position of its spare kind or -1
        self.cache = np.full((rows.shape[0], 1 << (2 * self.width)), np.nan)
        self.cache[:, 0] = values
        self.weights = 1 << np.arange(self.width)

    def codes(self, scenarios: np.ndarray, removed: np.ndarray, units: np.ndarray) -> np.ndarray:
        """Codes of ``scenarios`` (…, scenario) whose ``removed`` columns (bit masks, …,
        scenario) are protected, with ``units`` spares of each spare kind."""
        if not np.any(units):
            return removed
        kind = self.spare_kind[scenarios]
        gone = ((removed[..., None] >> np.arange(self.width)) & 1).astype(bool)
        cut = np.zeros(gone.shape, dtype=bool)
        for position, count in enumerate(units):
            if count:
                fits = (kind == position) & ~gone
                cut |= fits & (np.cumsum(fits, axis=-1) <= count)
        return removed + ((cut * self.weights).sum(axis=-1) << self.width)

    def values(self, scenarios: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """People-hours of ``scenarios`` in the states ``codes``, evaluating the new ones."""
        found = self.cache[scenarios, codes]
        missing = np.isnan(found)
        if missing.any():
            pairs = np.unique(np.column_stack([scenarios[missing], codes[missing]]), axis=0)
            bits = (pairs[:, 1:2] >> np.arange(2 * self.width)) & 1
            removed = bits[:, : self.width].astype(bool)
            rows = np.where(removed, NO_ASSET, self.rows[pairs[:, 0]])
            self.cache[pairs[:, 0], pairs[:, 1]] = self.evaluate(
                rows, bits[:, self.width :].astype(bool)
            )
            found = self.cache[scenarios, codes]
        return found


def spare_kinds(rows: np.ndarray, asset_kind: np.ndarray, kinds: Sequence[str]) -> np.ndarray:
    """Per row and column of ``rows``: the position in ``kinds`` of the damaged asset's
    kind (``asset_kind``: per asset), -1 for other kinds and padding."""
    lookup = {kind: position for position, kind in enumerate(kinds)}
    per_asset = np.array([lookup.get(str(k), -1) for k in asset_kind], dtype=np.int64)
    return np.where(rows == NO_ASSET, -1, per_asset[np.maximum(rows, 0)])


def _pool(rows: np.ndarray) -> np.ndarray:
    return np.unique(rows[rows != NO_ASSET])


def greedy(choices: Choices, budget: int) -> Protection:
    """Lazy greedy (CELF) choice of up to ``budget`` items. Stops early when no item
    reduces the total any more. Ties go to the lowest asset index, then to spares in the
    order of their kinds."""
    if budget < 1:
        raise InputError("--budget", f"must be at least 1, got {budget}")
    table = choices.table()
    rows, values, spare_kind = choices.rows, choices.values, table.spare_kind
    spare_limits = choices.spare_limits
    protected = np.zeros(int(rows.max(initial=0)) + 1, dtype=bool)
    units = np.zeros(len(spare_limits), dtype=np.int64)
    current = np.asarray(values, dtype=np.float64).copy()
    picks = [("protect", int(a)) for a in _pool(rows)]
    picks += [("spare", k) for k in range(len(spare_limits))]
    touched = {
        pick: np.flatnonzero(
            ((rows == pick[1]) if pick[0] == "protect" else (spare_kind == pick[1])).any(axis=1)
        )
        for pick in picks
    }

    def trial(pick: Pick) -> tuple[np.ndarray, np.ndarray]:
        hit = touched[pick]
        trial_protected, trial_units = protected.copy(), units.copy()
        if pick[0] == "protect":
            trial_protected[pick[1]] = True
        else:
            trial_units[pick[1]] += 1
        removed = (rows[hit] != NO_ASSET) & trial_protected[np.maximum(rows[hit], 0)]
        return hit, table.codes(hit, (removed * table.weights).sum(axis=1), trial_units)

    def available(pick: Pick) -> bool:
        return pick[0] == "protect" or units[pick[1]] < spare_limits[pick[1]]

    trials = [trial(pick) for pick in picks]
    if trials:
        table.values(np.concatenate([t[0] for t in trials]), np.concatenate([t[1] for t in trials]))
    queue = []
    for order, (hit, codes) in enumerate(trials):
        queue.append((-float((current[hit] - table.values(hit, codes)).sum()), order, 0))
    heapq.heapify(queue)
    chosen: list[Pick] = []
    gains: list[float] = []
    while queue and len(chosen) < budget:
        negative, order, version = heapq.heappop(queue)
        pick = picks[order]
        if not available(pick):
            continue
        hit, codes = trial(pick)
        if version != len(chosen):
            gain = float((current[hit] - table.values(hit, codes)).sum())
            heapq.heappush(queue, (-gain, order, len(chosen)))
            continue
        if -negative <= TOLERANCE:
            break
        current[hit] = table.values(hit, codes)
        if pick[0] == "protect":
            protected[pick[1]] = True
        else:
            units[pick[1]] += 1
            heapq.heappush(queue, (negative, order, -1))  # the next spare of the kind
        chosen.append(pick)
        gains.append(-negative)
    return Protection(chosen, gains, float(np.sum(values)), float(current.sum()))


def _unit_vectors(total: int, limits: Sequence[int]) -> Iterator[tuple[int, ...]]:
    for units in itertools.product(*(range(limit + 1) for limit in limits)):
        if sum(units) == total:
            yield units


def plan_count(rows: np.ndarray, budget: int, spare_limits: Sequence[int] = ()) -> int:
    """How many plans of ``min(budget, items)`` items :func:`exhaustive` scores."""
    pool = _pool(rows).size
    size = min(budget, pool + sum(spare_limits))
    return sum(
        math.comb(pool, size - sum(units))
        for spares in range(size + 1)
        for units in _unit_vectors(spares, spare_limits)
    )


def check_exhaustive(rows: np.ndarray, budget: int, spare_limits: Sequence[int] = ()) -> None:
    """Refuse an exact search that would score more than ``MAX_EXHAUSTIVE_SETS`` plans."""
    plans = plan_count(rows, budget, spare_limits)
    if plans > MAX_EXHAUSTIVE_SETS:
        raise InputError(
            "--exact",
            f"{plans:,} plans of {budget} items among {_pool(rows).size} assets exceed the "
            f"{MAX_EXHAUSTIVE_SETS:,} that exact search scores",
        )


def exhaustive(choices: Choices, budget: int) -> Protection:
    """The best plan of ``min(budget, items)`` items, by scoring every such plan.

    Lowest total wins; ties go to the first plan with fewer spares, then in
    lexicographic order of asset index. ``picks`` lists the protected assets in
    ascending order, then the spares; ``gains`` holds only the whole plan's reduction.
    """
    rows, spare_limits = choices.rows, choices.spare_limits
    check_exhaustive(rows, budget, spare_limits)
    table = choices.table()
    pool = _pool(rows)
    size = min(budget, pool.size + sum(spare_limits))
    width = rows.shape[1]
    # bits[a, s]: the columns of scenario s that hold pool asset a, as a bit mask
    bits = np.zeros((pool.size, rows.shape[0]), dtype=np.int64)
    for column in range(width):
        damaged = np.flatnonzero(rows[:, column] != NO_ASSET)
        bits[np.searchsorted(pool, rows[damaged, column]), damaged] |= 1 << column
    scenarios = np.arange(rows.shape[0])
    per_batch = max(1, SCORE_CELLS // max(rows.shape[0] * width, 1))
    best_total, best_picks = math.inf, []
    for spares in range(size + 1):
        for units in _unit_vectors(spares, spare_limits):
            sets = itertools.combinations(range(pool.size), size - spares)
            while group := list(itertools.islice(sets, per_batch)):
                chosen = np.array(group, dtype=np.int64).reshape(len(group), size - spares)
                removed = bits[chosen].sum(axis=1)  # plan × scenario
                codes = table.codes(scenarios[None, :], removed, np.array(units))
                flat = np.broadcast_to(scenarios, codes.shape).ravel()
                totals = table.values(flat, codes.ravel()).reshape(codes.shape).sum(axis=1)
                first = int(np.argmin(totals))
                if totals[first] < best_total - TOLERANCE:
                    best_total = float(totals[first])
                    best_picks = [("protect", int(a)) for a in pool[chosen[first]]]
                    best_picks += [("spare", k) for k, n in enumerate(units) for _ in range(n)]
    baseline = float(np.sum(choices.values))
    return Protection(best_picks, [baseline - best_total], baseline, best_total)
