"""N-1 screening against brute force: one full recomputation per asset."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from random_cities import random_city

from warmgrid.impact.propagate import propagate
from warmgrid.impact.screen import COUNT_COLUMNS, screen_n1, screen_nk
from warmgrid.model import compile_city
from warmgrid.model.demo import demo_city


def _brute_force(compiled, base_damaged: np.ndarray) -> dict[str, np.ndarray]:
    """Counts of new losses per asset, by recomputing every contingency from scratch."""
    base = propagate(compiled, base_damaged).node_supplied
    people = compiled.building_population
    out = {}
    for asset in range(compiled.n_assets):
        damaged = base_damaged.copy()
        damaged[asset] = True
        after = propagate(compiled, damaged).node_supplied
        lost_node = base & ~after
        counts = []
        losing = np.zeros(people.size, bool)
        for nodes in (compiled.building_power_node, compiled.building_heat_node):
            hit = (nodes >= 0) & lost_node[np.maximum(nodes, 0)]
            losing |= hit
            counts.append((people[hit].sum(), hit.sum(), (hit & compiled.building_critical).sum()))
        (pp, bp, cp), (ph, bh, ch) = counts
        either = people[losing].sum()
        critical = (losing & compiled.building_critical).sum()
        out[str(compiled.asset_ids[asset])] = np.array([pp, ph, bp, bh, cp, ch, either, critical])
    return out


def _assert_equal(frame, expected: dict[str, np.ndarray], damaged_ids: set[str]) -> None:
    """Every asset's counts and its ``critical_lost`` (critical facilities losing power or
    heat, each once) equal the brute force's."""
    columns = [*COUNT_COLUMNS, "critical_lost"]
    by_id = frame.set_index("id")[columns]
    for ident, counts in expected.items():
        got = by_id.loc[ident].to_numpy()
        want = np.zeros(len(columns)) if ident in damaged_ids else counts
        assert np.array_equal(got, want), (ident, got, want)


def test_n1_equals_brute_force_on_demo_city():
    compiled = compile_city(demo_city())
    frame = screen_n1(compiled)
    _assert_equal(frame, _brute_force(compiled, np.zeros(compiled.n_assets, bool)), set())
    assert frame["people_without_power_or_heat"].is_monotonic_decreasing


def test_n1_finds_cascade_through_booster_pump_power():
    compiled = compile_city(demo_city())
    row = screen_n1(compiled).set_index("id").loc["power.bus.6"]
    assert row["people_without_heat"] > 0  # the Skhidnyi booster pumps stop


@settings(max_examples=25)
@given(seed=st.integers(0, 2**31 - 1), base_hits=st.integers(0, 2))
def test_n1_equals_brute_force_on_random_cities(seed: int, base_hits: int):
    compiled = compile_city(random_city(seed))
    rng = np.random.default_rng(seed)
    base_damaged = np.zeros(compiled.n_assets, bool)
    base_damaged[rng.choice(compiled.n_assets, size=base_hits, replace=False)] = True
    frame = screen_n1(compiled, base_damaged)
    damaged_ids = set(compiled.asset_ids[base_damaged])
    _assert_equal(frame, _brute_force(compiled, base_damaged), damaged_ids)


def test_nk_sampling_is_seeded_and_counts_match_recomputation():
    compiled = compile_city(demo_city())
    first = screen_nk(compiled, k=3, samples=20, seed=7)
    again = screen_nk(compiled, k=3, samples=20, seed=7)
    assert first.equals(again)
    worst = first.iloc[0]
    damaged = np.zeros(compiled.n_assets, bool)
    damaged[compiled.asset_index(worst["assets"].split(","))] = True
    supplied = propagate(compiled, damaged).node_supplied
    people_heat = compiled.building_population[
        (compiled.building_heat_node >= 0) & ~supplied[np.maximum(compiled.building_heat_node, 0)]
    ].sum()
    assert worst["people_without_heat"] == people_heat
    people_power = compiled.building_population[
        (compiled.building_power_node >= 0) & ~supplied[np.maximum(compiled.building_power_node, 0)]
    ].sum()
    assert worst["people_without_power"] == people_power
    lacking = (
        (compiled.building_heat_node >= 0) & ~supplied[np.maximum(compiled.building_heat_node, 0)]
    ) | (
        (compiled.building_power_node >= 0) & ~supplied[np.maximum(compiled.building_power_node, 0)]
    )
    assert worst["people_without_power_or_heat"] == compiled.building_population[lacking].sum()
    assert worst["critical_lost"] == (lacking & compiled.building_critical).sum()


def test_n1_equals_brute_force_on_an_imported_simbench_grid():
    from warmgrid.model.io.pandapower_io import city_from_simbench

    compiled = compile_city(city_from_simbench("1-MV-urban--0-sw"))
    frame = screen_n1(compiled)
    assert (frame["people_without_power_or_heat"] > 0).sum() > 10
    _assert_equal(frame, _brute_force(compiled, np.zeros(compiled.n_assets, bool)), set())


def test_people_losing_both_services_are_counted_once():
    """Every building of the demo city has power and heat from one feeder and one plant:
    losing the grid infeed takes both, and the union is the population, not twice it."""
    compiled = compile_city(demo_city())
    frame = screen_n1(compiled)
    population = int(compiled.building_population.sum())
    assert frame["people_without_power_or_heat"].max() <= population
    row = frame.iloc[0]
    assert (
        row["people_without_power_or_heat"]
        < row["people_without_power"] + (row["people_without_heat"])
    )


def test_a_critical_facility_losing_both_services_counts_once():
    """The demo city's worst single loss cuts a hospital's power and heat: it is one
    facility lost, not two, and the ranking's tie-break uses that count."""
    frame = screen_n1(compile_city(demo_city()))
    both = frame[
        frame["critical_lost"] < frame["critical_without_power"] + frame["critical_without_heat"]
    ]
    assert not both.empty
    assert (
        frame["critical_lost"]
        <= np.minimum(
            frame["critical_without_power"] + frame["critical_without_heat"],
            int(compile_city(demo_city()).building_critical.sum()),
        )
    ).all()
    assert (
        frame["critical_lost"]
        >= frame[["critical_without_power", "critical_without_heat"]].max(axis=1)
    ).all()
