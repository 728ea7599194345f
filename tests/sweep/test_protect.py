"""Protection plan: lazy greedy against plain greedy and exhaustive search, on the demo
city's sweep evaluation and on synthetic damage functions."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warmgrid.errors import InputError
from warmgrid.model import compile_city
from warmgrid.model.open import open_city
from warmgrid.restore.from_city import DEFAULT_REPAIR_H
from warmgrid.scenario.spec import demo_scenario
from warmgrid.sweep.blocks import Evaluator
from warmgrid.sweep.city import SweepCity
from warmgrid.sweep.ensembles import NO_ASSET, candidates
from warmgrid.sweep.evaluate import evaluate_block
from warmgrid.sweep.protect import (
    MAX_EXHAUSTIVE_SETS,
    Choices,
    check_exhaustive,
    exhaustive,
    greedy,
    spare_kinds,
)
from warmgrid.sweep.spares import asset_kinds


@pytest.fixture(scope="module")
def city() -> SweepCity:
    """Impact and no-repair cool-down only: fast, and what protection changes the most."""
    return SweepCity.under(compile_city(open_city("demo")), demo_scenario(), with_plan=False)


COLD = "people_hours_below_12c_no_repair"


def ensemble(city: SweepCity, assets: int, scenarios: int, width: int, seed: int) -> np.ndarray:
    """``scenarios`` sets of up to ``width`` distinct assets among ``assets`` of the demo
    city's in-service assets, padded with ``NO_ASSET``."""
    rng = np.random.default_rng(seed)
    pool = rng.choice(candidates(city.compiled), assets, replace=False)
    rows = np.full((scenarios, width), NO_ASSET, dtype=np.int64)
    for row in rows:
        size = rng.integers(1, width + 1)
        row[:size] = np.sort(rng.choice(pool, size, replace=False))
    return rows


def direct_total(city: SweepCity, rows: np.ndarray, protected: tuple[int, ...]) -> float:
    """The ensemble re-evaluated whole with ``protected`` removed: the independent oracle."""
    kept = np.where(np.isin(rows, protected), NO_ASSET, rows)
    return float(evaluate_block(city, 0, kept)[COLD].sum())


def test_exhaustive_equals_direct_brute_force_and_bounds_greedy(city: SweepCity):
    rows = ensemble(city, assets=6, scenarios=25, width=3, seed=5)
    evaluate = Evaluator(city)
    values = evaluate(rows)
    for budget in (1, 2, 3):
        best = exhaustive(Choices(rows, values, evaluate), budget)
        pool = np.unique(rows[rows != NO_ASSET]).tolist()
        totals = {s: direct_total(city, rows, s) for s in itertools.combinations(pool, budget)}
        assert best.remaining == pytest.approx(min(totals.values()), rel=1e-12)
        assert best.remaining == pytest.approx(totals[tuple(best.protected)], rel=1e-12)
        plan = greedy(Choices(rows, values, evaluate), budget)
        assert plan.remaining == pytest.approx(direct_total(city, rows, tuple(plan.protected)))
        assert plan.reduction <= best.reduction + 1e-6
    assert best.reduction > 0


def test_greedy_bookkeeping_and_gap_on_a_medium_ensemble(city: SweepCity):
    """200 scenarios over 30 assets: the greedy's running totals are what re-evaluating
    the whole ensemble gives, its first pick is the best single asset, and its gap to
    the exact best of 3 is small (0 on this ensemble)."""
    rows = ensemble(city, assets=30, scenarios=200, width=2, seed=11)
    evaluate = Evaluator(city)
    values = evaluate(rows)
    before = evaluate.evaluations
    plan = greedy(Choices(rows, values, evaluate), 3)
    assert evaluate.evaluations - before >= int((rows != NO_ASSET).sum())
    for picks in range(1, len(plan.protected) + 1):
        total = direct_total(city, rows, tuple(plan.protected[:picks]))
        assert values.sum() - sum(plan.gains[:picks]) == pytest.approx(total, rel=1e-9)
    assert plan.protected[0] == exhaustive(Choices(rows, values, evaluate), 1).protected[0]
    best = exhaustive(Choices(rows, values, evaluate), 3)
    gap = (best.reduction - plan.reduction) / best.reduction
    assert 0.0 <= gap <= 0.05


def test_series_assets_defeat_greedy_and_exhaustive_finds_the_pair():
    """Two assets in series (losing either cuts the same 100 people), lost together:
    protecting one alone saves nothing, so greedy takes a smaller single saving and
    stops, while exhaustive search finds the pair."""
    # scenario damage: assets 0 and 1 in series feed 100 people; asset 2 alone feeds 60
    rows = np.array([[0, 1], [2, NO_ASSET]])

    def evaluate(batch: np.ndarray, cuts: np.ndarray) -> np.ndarray:
        lost = [set(r[r != NO_ASSET].tolist()) for r in batch]
        return np.array([100.0 * bool(s & {0, 1}) + 60.0 * (2 in s) for s in lost])

    values = evaluate(rows, np.zeros(rows.shape, dtype=bool))
    plan = greedy(Choices(rows, values, evaluate), 2)
    best = exhaustive(Choices(rows, values, evaluate), 2)
    assert plan.protected == [2] and plan.reduction == 60.0  # then nothing helps alone
    assert best.protected == [0, 1] and best.reduction == 100.0


def coverage_evaluator(weights: np.ndarray, feeds: np.ndarray):
    """A submodular damage function: people-hours of the consumers (``weights``) with
    every feeding asset lost (``feeds``: asset × consumer), i.e. parallel supplies."""

    def evaluate(batch: np.ndarray, cuts: np.ndarray) -> np.ndarray:
        out = np.empty(batch.shape[0])
        for i, row in enumerate(batch):
            lost = np.zeros(feeds.shape[0], dtype=bool)
            lost[row[row != NO_ASSET]] = True
            cut = ~(feeds & ~lost[:, None]).any(axis=0) & feeds.any(axis=0)
            out[i] = weights[cut].sum()
        return out

    return evaluate


def plain_greedy(rows, values, evaluate, budget) -> list[int]:
    chosen: list[int] = []
    cuts = np.zeros(rows.shape, dtype=bool)
    pool = np.unique(rows[rows != NO_ASSET]).tolist()
    for _ in range(budget):
        totals = {
            a: evaluate(np.where(np.isin(rows, [*chosen, a]), NO_ASSET, rows), cuts).sum()
            for a in pool
            if a not in chosen
        }
        if not totals:
            break
        best = min(totals, key=lambda a: (totals[a], a))
        current = evaluate(np.where(np.isin(rows, chosen), NO_ASSET, rows), cuts).sum()
        if current - totals[best] <= 1e-9:
            break
        chosen.append(best)
    return chosen


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), budget=st.integers(1, 4))
def test_lazy_greedy_equals_plain_greedy_when_submodular(seed: int, budget: int):
    rng = np.random.default_rng(seed)
    assets, consumers = 7, 6
    feeds = rng.random((assets, consumers)) < 0.35
    weights = rng.integers(1, 50, consumers).astype(float)
    rows = np.sort(rng.integers(-1, assets, size=(12, 3)), axis=1)
    rows[:, -1] = np.maximum(rows[:, -1], 0)  # every scenario damages something
    rows = np.array([np.pad(np.unique(r[r >= 0]), (0, 3), constant_values=-1)[:3] for r in rows])
    evaluate = coverage_evaluator(weights, feeds)
    values = evaluate(rows, np.zeros(rows.shape, dtype=bool))
    plan = greedy(Choices(rows, values, evaluate), budget)
    assert plan.protected == plain_greedy(rows, values, evaluate, budget)
    best = exhaustive(Choices(rows, values, evaluate), budget)
    assert plan.reduction <= best.reduction + 1e-9
    assert plan.reduction >= (1 - 1 / np.e) * best.reduction - 1e-9


def test_budget_and_exact_search_limits_are_refused():
    rows = np.arange(2200, dtype=np.int64).reshape(-1, 2)
    with pytest.raises(InputError, match="--budget"):
        greedy(Choices(rows, np.zeros(len(rows)), lambda batch, cuts: np.zeros(len(batch))), 0)
    with pytest.raises(InputError, match=f"{MAX_EXHAUSTIVE_SETS:,}"):
        check_exhaustive(rows, 3)


def test_spares_under_the_restoration_plan_equal_direct_brute_force():
    """Full chain (impact, cool-down, plan): every plan of 2 items among 5 assets and one
    spare heat plant part, evaluated scenario by scenario with the plant's repair hours
    halved by hand, gives the exhaustive search's best; a spare saves
    people-hours; greedy is no better than the best."""
    compiled = compile_city(open_city("demo"))
    city = SweepCity.under(compiled, demo_scenario())
    ids = compiled.asset_ids.to_numpy()
    pool = compiled.asset_index(
        ["heat.heat_plant.0", "power.ext_grid.0", "power.trafo.0", "power.trafo.1", "power.trafo.2"]
    )
    pairs = [(0, 2), (2, 3), (3, 4), (0, 1), (2, 4), (1, 3)]
    rows = np.array([[pool[a], pool[b]] for a, b in pairs])
    kinds = ["heat_plant"]
    assert DEFAULT_REPAIR_H["heat_plant"] == 24.0 and "heat.heat_plant.0" not in city.repair_h
    spare_kind = spare_kinds(rows, asset_kinds(compiled), kinds)
    evaluate = Evaluator(city, spare_factor=0.5)
    values = evaluate(rows)

    def direct(protected: tuple[int, ...], spares: int) -> float:
        total = 0.0
        for row in rows:
            kept = [a for a in row if a not in protected]
            plants = [a for a in kept if ids[a] == "heat.heat_plant.0"][:spares]
            hours = dict(city.repair_h or {}) | {ids[a]: 12.0 for a in plants}  # 24 h halved
            variant = dataclasses.replace(city, repair_h=hours)
            frame = evaluate_block(variant, 0, np.array([kept + [NO_ASSET] * (2 - len(kept))]))
            total += float(frame["people_hours_below_12c"].iat[0])
        return total

    oracle = min(
        [direct(p, 0) for p in itertools.combinations(pool.tolist(), 2)]
        + [direct((a,), 1) for a in pool.tolist()]
    )
    best = exhaustive(Choices(rows, values, evaluate, spare_kind, (1,)), 2)
    assert best.remaining == pytest.approx(oracle, rel=1e-9)
    assert direct((), 1) < direct((), 0) == pytest.approx(values.sum(), rel=1e-9)
    plan = greedy(Choices(rows, values, evaluate, spare_kind, (1,)), 2)
    assert best.reduction >= plan.reduction - 1e-6 > 0
    assert plan.remaining == pytest.approx(
        direct(tuple(plan.protected), plan.spares(kinds).get("heat_plant", 0)), rel=1e-9
    )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), budget=st.integers(1, 3), limit=st.integers(1, 2))
def test_plans_with_spares_score_as_a_loop_over_scenarios_allocates_them(seed, budget, limit):
    """Synthetic damage: each lost asset costs its weight, halved when a spare shortens
    its repair. The exhaustive best equals the best over every plan scored by a plain
    loop that hands the spares to the first unprotected assets of their kind."""
    rng = np.random.default_rng(seed)
    assets = 6
    weight = rng.integers(1, 40, assets).astype(float)
    kind_of = rng.choice(["trafo", "pipe", "line"], assets)
    rows = np.array([np.sort(rng.choice(assets, 3, replace=False)) for _ in range(8)])

    def evaluate(batch: np.ndarray, cuts: np.ndarray) -> np.ndarray:
        kept = batch != NO_ASSET
        return (np.where(kept, weight[np.maximum(batch, 0)], 0.0) * np.where(cuts, 0.5, 1.0)).sum(1)

    def by_loop(protected: tuple[int, ...], trafo_spares: int) -> float:
        total = 0.0
        for row in rows:
            left = trafo_spares
            for asset in row:
                if asset in protected:
                    continue
                spared = kind_of[asset] == "trafo" and left > 0
                left -= spared
                total += weight[asset] * (0.5 if spared else 1.0)
        return total

    values = evaluate(rows, np.zeros(rows.shape, dtype=bool))
    spare_kind = spare_kinds(rows, kind_of, ["trafo"])
    choices = Choices(rows, values, evaluate, spare_kind, (limit,))
    best = exhaustive(choices, budget)
    plans = [
        by_loop(p, budget - len(p))
        for size in range(max(0, budget - limit), budget + 1)
        for p in itertools.combinations(range(assets), size)
    ]
    assert best.remaining == pytest.approx(min(plans))
    plan = greedy(choices, budget)
    assert plan.remaining == pytest.approx(
        by_loop(tuple(plan.protected), plan.spares(["trafo"]).get("trafo", 0))
    )
    assert plan.reduction <= best.reduction + 1e-9
