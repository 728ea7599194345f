"""Flats of a block exchanging heat with each other and the stairwell: identical flats pass
nothing, the shared elements conserve energy, the exact block response against scipy's
Radau on the full node set, and the direction of the change against adiabatic flats."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warmgrid.thermal.archetypes import archetype_values
from warmgrid.thermal.constructions import CONSTRUCTIONS
from warmgrid.thermal.cooldown import CooldownResult, _features, hours_to_threshold
from warmgrid.thermal.coupling import (
    AIR_STATES,
    INTERFACE_GROUPS,
    KEPT,
    NODES,
    STAIR_AIR,
    Block,
    block_full_matrices,
    block_heating_w,
    block_layout,
    block_matrices,
    block_response,
    joins,
    position_matrices,
    simulate_block,
    stairwell,
)
from warmgrid.thermal.flats import (
    FIELDS,
    POSITIONS,
    city_flats,
    class_response,
    flat_network,
    flat_table,
    position_counts,
    position_floor,
    stack,
)
from warmgrid.thermal.history import heated_steady
from warmgrid.thermal.network import _matrices, simulate_network
from warmgrid.thermal.weather import constant_weather
from warmgrid.thermal.zone import lump_node

ARCHETYPES = ("panel_9", "brick_prewar", "modern_insulated")


def fields_of(archetype: str) -> dict[str, float]:
    values = archetype_values(np.zeros(1, dtype=np.int64), [archetype])
    return {name: float(values[name][0]) for name in FIELDS}


def positions(archetype: str, single: bool = False, gains_w: float = 0.0, coupled: bool = True):
    """The six positions' networks as a coupled block holds them (``coupled`` False: the
    flats alone, each with half of its slabs)."""
    fields = fields_of(archetype)
    return stack(
        [
            flat_network(
                flat_table(
                    fields,
                    archetype,
                    *position_floor(p, single),
                    gains_w,
                    coupled_slabs=(coupled, coupled),
                )
            )
            for p in POSITIONS
        ]
    )


def block(archetype: str, levels: int, per_floor: int):
    """Full matrices of a block, its positions' networks and its counts."""
    net = positions(archetype, single=levels == 1)
    layout = Block(
        archetype, levels, per_floor, fields_of(archetype), CONSTRUCTIONS[archetype].flat_area_m2
    )
    counts = position_counts(np.array([levels]), np.array([per_floor]))[0]
    flats = position_matrices(net)
    full = block_full_matrices(
        flats,
        np.where(counts > 0, counts, 1.0),
        joins(layout),
        stairwell(levels, per_floor, layout.values, archetype),
    )
    return full, net, counts


def _coupled(net, weight, shared, stair, heated: bool):
    """``(C, K, B)`` of one block of the rows of ``net`` joined by ``shared``."""
    full = block_full_matrices(position_matrices(net, heated), weight, shared, stair)
    return block_matrices(tuple(np.stack([part]) for part in full))


@settings(max_examples=15, deadline=None)
@given(
    archetype=st.sampled_from(ARCHETYPES),
    position=st.sampled_from(POSITIONS),
    weights=st.lists(st.integers(1, 40), min_size=6, max_size=6),
    conductances=st.lists(st.floats(1.0, 5000.0), min_size=5, max_size=5),
    outdoor_c=st.floats(-25.0, 5.0),
    watts=st.floats(0.0, 300.0),
)
def test_identical_flats_exchange_nothing(
    archetype, position, weights, conductances, outdoor_c, watts
) -> None:
    """Six copies of one flat joined at their adiabatic nodes (any weights, any
    conductances) stay at the temperatures of the flat alone: flats at the same temperature
    pass no heat, as the adiabatic boundary assumes."""
    fields = fields_of(archetype)
    one = flat_network(flat_table(fields, archetype, *position_floor(position, False)))
    net = stack([one] * len(POSITIONS))
    node = [lump_node("shared", k) for k in (2, 0, 1, 0, 2)]  # the shared elements' mass
    shared = [
        (p * NODES + node[p], (p + 1) * NODES + node[p], h) for p, h in enumerate(conductances)
    ]
    stair = (1e5, 1e6, 50.0, 20.0, 500.0)
    weight = np.array(weights, float)
    C, K, B = _coupled(net, weight, shared, stair, heated=False)
    warm = _coupled(net, weight, shared, stair, heated=True)[1:]
    features = _features(one.base, outdoor_c, 0.5, 48, None, 0.0)
    coupled = block_response(
        C, K, B, np.ones((1, 6)), features, 0.5, 20.0, heated_system=warm
    ).flats
    alone = class_response(one, features, 0.5, 20.0)
    for p in range(len(POSITIONS)):
        np.testing.assert_allclose(
            coupled.heated_alpha[p] + watts * coupled.heated_beta[p],
            alone.heated_alpha[0] + watts * alone.heated_beta[0],
            atol=1e-5,
        )
    assert coupled.q_max_w[0] == pytest.approx(alone.q_max_w[0], rel=1e-9)


@pytest.mark.parametrize(("archetype", "levels", "per_floor"), [("brick_prewar", 4, 6)])
def test_block_against_radau_and_energy_balance(
    archetype, levels, per_floor, radau_all_nodes
) -> None:
    """The exactly stepped block against scipy's Radau on all 92 nodes (0.02 K over four
    days, two occupants a flat), and the energy balance of the integration: the heat stored
    in the block falls by what leaves through its outer elements and infiltration alone
    — what one position gives through a shared element the other receives."""
    full, net, counts = block(archetype, levels, per_floor)
    features = _features(net.base, -12.0, 0.25, 384, None, 0.0)
    C, K, B = block_matrices(tuple(np.stack([part]) for part in full))
    response = block_response(C, K, B, counts[None, :], features, 0.25, 20.0)
    q = 140.0
    u = np.append(features[0], q)
    system = K[0].copy()
    air = AIR_STATES[:-1]
    system[:, air] = 0.0
    system[air, air] = -1.0
    held = K[0][:, air].sum(axis=1) * 20.0
    start = np.linalg.solve(system, B[0] @ u - held)
    start[air] = 20.0
    hours = np.arange(0, 97, 4.0)
    Cf, Kf, Bf = full
    ode = radau_all_nodes(Cf, Kf, Bf @ u, KEPT, start, hours)
    ours = response.flats.heated_alpha + q * response.flats.heated_beta
    for p in range(len(POSITIONS)):
        np.testing.assert_allclose(ours[p, ::16], ode.y[p * NODES], atol=0.02)
    stair = response.stair_heated_alpha[0] + q * response.stair_heated_beta[0]
    np.testing.assert_allclose(stair[::16], ode.y[STAIR_AIR], atol=0.02)

    shared = joins(Block(archetype, levels, per_floor, fields_of(archetype), 70.0))
    outer = Kf.copy()
    for i, j, h in shared:
        outer[[i, j], [i, j]] -= h
        outer[i, j] += h
        outer[j, i] += h
    stored = Cf @ (ode.y[:, -1] - ode.y[:, 0])
    times = np.linspace(0, hours[-1] * 3600, 4001)
    flows = (Bf @ u)[:, None] - outer @ ode.sol(times)
    lost = np.trapezoid(flows.sum(axis=0), times)
    exchanged = np.trapezoid(
        np.abs(flows - ((Bf @ u)[:, None] - Kf @ ode.sol(times))).sum(0), times
    )
    assert exchanged > 0.05 * abs(stored)  # the shared elements do carry heat
    assert stored == pytest.approx(lost, rel=2e-3)


def test_coupling_warms_the_top_floor_and_cools_the_middle() -> None:
    """Against adiabatic flats at −10 °C (docs/thermal.md): the top-floor corner flat draws
    heat from the floors below and reaches 5 °C later; the middle inner flat gives heat up
    and down and to the unheated stairwell and reaches 12 °C earlier."""
    keys = np.array(["panel_9", "brick_prewar"], object)
    area = np.array([9 * 8 * 55.0, 4 * 8 * 70.0])
    storeys = np.array([9.0, 4.0])
    weather = constant_weather(-10.0, 96)
    args = (keys, area, storeys, area / 25.0, weather, 96, 0.25, 20.0)
    coupled = city_flats(*args).hours_to
    alone = city_flats(*args, coupled=False).hours_to
    top, middle = POSITIONS.index("top_corner"), POSITIONS.index("middle_inner")
    assert np.all(coupled[5.0][:, top] > alone[5.0][:, top] + 3.0)
    assert np.all(coupled[12.0][:, middle] < 0.7 * alone[12.0][:, middle])


@settings(max_examples=8, deadline=None)
@given(
    st.sampled_from(("panel_9", "brick_prewar", "modern_insulated", "hospital")),
    st.integers(1, 30),
    st.integers(1, 200),
    st.floats(0.0, 300.0),
)
def test_a_block_of_near_counts_stands_for_the_building(
    archetype: str, levels: int, per_floor: int, gains_w: float
) -> None:
    """The city engine computes one block per storey count and floor size of the ladder of
    :func:`block_layout`; every position's hours to 12 °C and 5 °C stay within 2.5 % of the
    building's own block stepped alone (:func:`simulate_block`, scipy's matrix exponential),
    the horizon standing for hours beyond it."""
    area = CONSTRUCTIONS[archetype].flat_area_m2
    weather = constant_weather(-10.0, 72)
    flats = city_flats(
        np.array([archetype], object),
        np.array([levels * per_floor * area]),
        np.array([float(levels)]),
        np.array([gains_w / 70.0 * levels * per_floor]),
        weather,
        72,
        0.25,
        20.0,
    )
    own = simulate_block(
        Block(archetype, levels, per_floor, fields_of(archetype), area),
        gains_w,
        weather.temp_air_c,
        0.25,
        72,
    )[: len(POSITIONS)]
    result = CooldownResult(time_h=np.arange(own.shape[1]) * 0.25, air_temp_c=own, step_h=0.25)
    exact = hours_to_threshold(result, (12.0, 5.0))
    present = flats.flats[0] > 0
    for threshold in (12.0, 5.0):
        ours = np.nan_to_num(flats.hours_to[threshold][0, present], nan=72.0)
        theirs = np.nan_to_num(exact[threshold][present], nan=72.0)
        np.testing.assert_allclose(ours, theirs, rtol=0.025)


def test_block_layout_keeps_small_counts_and_rounds_large_ones() -> None:
    """Counts up to the exact limits are their own blocks; above them the nearest rung."""
    levels, per_floor = block_layout(np.array([1.0, 10.0, 11.0, 13.0, 25.0]), np.array([12.0] * 5))
    assert levels.tolist() == [1.0, 10.0, 12.0, 12.0, 25.0]
    assert per_floor.tolist() == [12.0] * 5
    assert block_layout(np.array([3.0]), np.array([13.0, 17.0, 200.0]))[1].tolist() == [
        12.0,
        17.0,
        185.0,
    ]


@pytest.mark.parametrize("archetype", ARCHETYPES)
def test_a_block_with_every_interface_cut_is_its_flats_alone(archetype: str) -> None:
    """With every group of shared elements cut (:data:`INTERFACE_GROUPS`, as the interface
    measurements of docs/thermal-energyplus.md do one group at a time), each flat of the
    block cools as the flat alone (:func:`simulate_network` of its one-zone network, half of
    each slab): the block adds nothing but its joins and its slabs' split."""
    layout = Block(archetype, 5, 8, fields_of(archetype), CONSTRUCTIONS[archetype].flat_area_m2)
    air = simulate_block(layout, 140.0, -10.0, 0.25, 48.0, cut=frozenset(INTERFACE_GROUPS))
    alone = simulate_network(
        positions(archetype, gains_w=140.0, coupled=False),
        -10.0,
        0.25,
        48.0,
        sky_temp_depression_k=0.0,
    )
    np.testing.assert_allclose(air[: len(POSITIONS)], alone.air_temp_c, atol=2e-3)


def test_heating_of_a_block_cut_apart_is_each_flats_own() -> None:
    """The heated balance of a block with every interface cut: each flat's heating power
    (per flat, the block's rows divided by the number of flats) is the power that holds the
    flat's own network at the set point; joined to the block, the middle inner flat needs
    more (it loses heat to the unheated stairwell)."""
    archetype = "panel_9"
    layout = Block(archetype, 5, 8, fields_of(archetype), CONSTRUCTIONS[archetype].flat_area_m2)
    apart = block_heating_w(layout, 140.0, -10.0, cut=frozenset(INTERFACE_GROUPS))
    net = positions(archetype, gains_w=140.0, coupled=False)
    _, K, B = _matrices(net, heated=True)
    drive = B @ _features(net.base, -10.0, 1.0, 1, None, 0.0)[0]
    _, own = heated_steady(K, drive[:, :, None], np.full((len(POSITIONS), 1), 20.0))
    np.testing.assert_allclose(apart, own[:, 0, 0], rtol=1e-9)
    joined = block_heating_w(layout, 140.0, -10.0)
    middle = POSITIONS.index("middle_inner")
    assert joined[middle] > apart[middle]
