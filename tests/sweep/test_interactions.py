"""N-2 interactions against brute force over every pair of a set of demo-city assets."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from warmgrid.impact.assess import assess_mask
from warmgrid.model import compile_city
from warmgrid.model.open import open_city
from warmgrid.scenario.spec import demo_scenario
from warmgrid.sweep.city import SweepCity
from warmgrid.sweep.evaluate import evaluate_block
from warmgrid.sweep.interactions import MIN_EXCESS, RATIO, interactions, pair_assets
from warmgrid.sweep.table import SweepTable, from_arrow

METRIC = "people_hours_below_12c_no_repair"
ASSETS = [
    *(f"power.trafo.{k}" for k in range(8)),
    "power.ext_grid.0",
    "heat.heat_plant.0",
    "heat.boiler.0",
    "heat.pump.0",
    "heat.pump.1",
    "heat.pipe.0",
    "heat.pipe.3",
]


@pytest.fixture(scope="module")
def city():
    compiled = compile_city(open_city("demo"))
    return SweepCity.under(compiled, demo_scenario(), with_plan=False)


def people_hours(city: SweepCity, ids: list[str]) -> float:
    """The brute-force figure: Σ over the flats of the buildings without heat, people ×
    hours from the flat's fall below 12 °C to the horizon."""
    compiled = city.compiled
    damaged = np.zeros(compiled.n_assets, dtype=bool)
    damaged[compiled.asset_index(ids)] = True
    heat = assess_mask(compiled, damaged).building_without_heat
    cold_h = np.nan_to_num(city.horizon_h - city.cold_flats_h[heat], nan=0.0)
    return float((city.cold_flats_people[heat] * cold_h).sum())


def test_interacting_pairs_equal_brute_force(city):
    index = city.compiled.asset_index(ASSETS)
    first, second = np.triu_indices(index.size, k=1)
    rows = evaluate_block(city, 0, np.sort(np.column_stack([index[first], index[second]]), axis=1))
    table = from_arrow(pa.Table.from_pandas(rows), city.compiled, "rows")
    singles = pair_assets(table)
    alone = np.full(city.compiled.n_assets, np.nan)
    alone[singles] = evaluate_block(city, 0, singles[:, None])[METRIC]
    found = interactions(table, alone, METRIC, city.compiled.asset_ids.to_numpy())
    expected = set()
    for a, b in zip(first, second, strict=True):
        pair = sorted([ASSETS[a], ASSETS[b]], key=lambda i: city.compiled.asset_index([i])[0])
        joint = people_hours(city, pair)
        sum_alone = people_hours(city, [pair[0]]) + people_hours(city, [pair[1]])
        excess = joint - sum_alone
        if excess >= RATIO * sum_alone and excess >= MIN_EXCESS:
            expected.add(tuple(pair))
    assert set(zip(found["first"], found["second"], strict=True)) == expected
    assert ("power.trafo.3", "power.trafo.4") in expected  # parallel transformers
    assert (found["excess"].diff().dropna() <= 0).all()


def test_a_pair_just_below_the_threshold_does_not_count():
    table = SweepTable(
        np.array([[0, 1], [0, 2]]), np.array([2, 2]), {"x": np.array([2999.0, 3001.0])}
    )
    alone = np.full(3, 1000.0)
    found = interactions(table, alone, "x", np.array(["a", "b", "c"]), ratio=0.5, min_excess=10.0)
    assert found[["first", "second"]].values.tolist() == [["a", "c"]]
    assert found["ratio"].iat[0] == pytest.approx(1001.0 / 2000.0)
