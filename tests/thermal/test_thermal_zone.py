"""A flat's network by element group: its lumps hold the layers' heat, its convection turns
with the heat flow, the sun through the windows lands on the floor, and its air follows
the fine finite-difference model written apart from it."""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warmgrid.errors import InputError
from warmgrid.thermal.archetypes import archetype_values
from warmgrid.thermal.building_file import parse_building
from warmgrid.thermal.cooldown import _features
from warmgrid.thermal.coupling import back_resistance_m2k_per_w
from warmgrid.thermal.finite_difference import fine_cooldown, walton_factors
from warmgrid.thermal.flats import FIELDS, flat_table, position_floor
from warmgrid.thermal.history import heated_steady
from warmgrid.thermal.layers import Layer, element_lumps, element_mass
from warmgrid.thermal.network import (
    CONVECTION_W_PER_M2K,
    _matrices,
    heating_w,
    network_from_description,
    simulate_network,
    steady_state,
)
from warmgrid.thermal.zone import AIR_NODE, KEPT, face_node, lump_node, zone_matrices

FLATS = Path(__file__).resolve().parents[2] / "examples" / "flats"

layers = st.lists(
    st.builds(
        Layer,
        thickness_m=st.floats(0.005, 0.4),
        conductivity_w_per_mk=st.floats(0.03, 2.5),
        density_kg_per_m3=st.floats(20.0, 2500.0),
        specific_heat_j_per_kgk=st.floats(800.0, 2000.0),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=60, deadline=None)
@given(layers=layers, boundary=st.sampled_from(["outdoor", "ground", "adiabatic"]))
def test_lumps_hold_the_heat_of_the_active_and_deep_parts(
    layers: list[Layer], boundary: str
) -> None:
    """The lumps together hold exactly ISO 13790's active part and the deep part behind it
    (:func:`element_mass`), the first is the active part, and each lies deeper than the one
    before and inside the element."""
    mass = element_mass(tuple(layers), boundary)
    lumps = element_lumps(tuple(layers), boundary)
    total = sum(lump.capacity_j_per_m2k for lump in lumps)
    assert total == pytest.approx(mass.active_j_per_m2k + mass.deep_j_per_m2k, rel=1e-9)
    if mass.active_j_per_m2k > 0:
        assert lumps[0].capacity_j_per_m2k == pytest.approx(mass.active_j_per_m2k, rel=1e-9)
        assert lumps[0].resistance_m2k_per_w == pytest.approx(
            mass.active_r_m2k_per_w, rel=1e-9, abs=1e-12
        )
    depths = [0.0] + [lump.resistance_m2k_per_w for lump in lumps]
    assert all(b > a for a, b in itertools.pairwise(depths))
    assert depths[-1] < sum(x.resistance_m2k_per_w for x in layers) + 1e-12


def city_flat(archetype: str, position: str):
    """One flat position of an archetype as a city resolves it (two occupants)."""
    values = archetype_values(np.zeros(1, dtype=np.int64), [archetype])
    fields = {name: float(values[name][0]) for name in FIELDS}
    floor, corner = position_floor(position, False)
    table = flat_table(fields, archetype, floor, corner, gains_w=140.0)
    return parse_building(table, f"{archetype} {position}")


@pytest.mark.parametrize(
    ("position", "group"), [("top_corner", "horizontal"), ("middle_inner", "shared")]
)
def test_ceilings_and_floors_turn_their_convection_when_the_heating_stops(
    position: str, group: str
) -> None:
    """Heated, a ceiling colder than the air couples *enhanced* and a floor *reduced*;
    cooling down, the other way round (Walton's simple algorithm). The top-floor flat's
    roof changes its air-to-face conductance by its area times the difference; a
    middle-floor flat's ceiling and floor, of one area, change places and leave it."""
    flat = city_flat("panel_9", position)
    matrices = zone_matrices(flat)
    face = face_node(group)
    heated = -matrices.heated_w_per_k[AIR_NODE, face]
    cooling = -matrices.cooling_w_per_k[AIR_NODE, face]
    roofs = sum(
        s["area_m2"] for s in flat.surfaces if s["kind"] == "roof" and s["boundary"] == "outdoor"
    )
    turn = CONVECTION_W_PER_M2K["enhanced"] - CONVECTION_W_PER_M2K["reduced"]
    expected = roofs * turn if group == "horizontal" else 0.0
    assert heated - cooling == pytest.approx(expected, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize(
    ("position", "group"), [("ground_corner", "horizontal"), ("top_inner", "shared")]
)
def test_the_sun_through_the_windows_lands_on_the_floor(position: str, group: str) -> None:
    """All the sun the windows let in enters at the floor's face: the floor over the
    basement of a ground-floor flat, the shared slab of the others (EnergyPlus'
    ``FullExterior``)."""
    flat = city_flat("brick_prewar", position)
    matrices = zone_matrices(flat)
    channels = flat.params.solar_channels
    for j, channel in enumerate(channels):
        if channel.kind != "window":
            continue
        column = matrices.drive_w[:, 2 + j]
        assert column[face_node(group)] == pytest.approx(flat.params.solar_aperture_m2[0, j])
        assert np.count_nonzero(column) == 1


@pytest.mark.parametrize(
    ("archetype", "position"),
    [
        ("brick_prewar", "middle_inner"),
        ("hospital", "middle_inner"),
        ("panel_5", "top_inner"),
        ("hospital", "ground_corner"),
        ("modern_insulated", "top_corner"),
    ],
)
def test_air_follows_the_fine_model(archetype: str, position: str) -> None:
    """Against the fine finite-difference model (every layer in 1 cm slices, written from
    the EnergyPlus converter's conventions, not from this network) at −20 °C: from the
    second hour to the second day the air lies within 0.25 K. ISO 13790's star node with
    a fitted surface-to-mass resistance lay 0.46–0.64 K low in the middle-floor inner flats
    (docs/thermal-energyplus.md)."""
    flat = city_flat(archetype, position)
    fine = fine_cooldown(flat, -20.0, 48.0, record_h=0.25)
    ours = simulate_network(
        network_from_description(flat), -20.0, step_h=0.25, hours=48.0, sky_temp_depression_k=0.0
    )
    difference = ours.air_temp_c[0] - fine.air_temp_c
    assert np.abs(difference[8:]).max() < 0.25


def test_the_heated_start_takes_the_heated_network() -> None:
    """The heated steady state a cool-down starts from is the one of the heated state's
    convection (a top-floor flat's roof face, colder than the air, *enhanced*), not the
    cool-down's: with the cool-down's the roof's first lump would start 0.1 K and more
    colder."""
    net = network_from_description(city_flat("panel_9", "top_corner"))
    features = _features(net.base, -10.0, 1.0, 1, None, 0.0)[0]
    start = steady_state(net, features, np.array([20.0]))[0]
    drive = {heated: _matrices(net, heated=heated) for heated in (True, False)}
    held = {
        heated: heated_steady(K, (B @ features)[:, :, None], np.array([[20.0]]))[0][0, :, 0]
        for heated, (_, K, B) in drive.items()
    }
    np.testing.assert_allclose(start, held[True], atol=1e-9)
    roof = KEPT.index(lump_node("horizontal", 0))
    assert held[True][roof] > held[False][roof] + 0.1


def shared_in_one(table: dict) -> dict:
    """``table`` with its shared (adiabatic) surfaces given as one surface of their total
    area and the first one's layers: a face with most of the room's area."""
    shared = [s for s in table["surfaces"] if s.get("boundary") == "adiabatic"]
    one = {**shared[0], "name": "shared", "area_m2": sum(s["area_m2"] for s in shared)}
    rest = [s for s in table["surfaces"] if s.get("boundary") != "adiabatic"]
    return {**table, "surfaces": [*rest, one]}


def test_a_flat_whose_shared_surface_holds_most_of_the_room_loads() -> None:
    """Walton's iteration has no fixed point where one surface holds most of the area (here
    86 %); the network takes ``F_i = 1/(1 − A_i/ΣA)`` and the heated flat loses more than
    its ventilation and less than the ventilation and ``Σ U·A`` with every inside face at
    the air temperature."""
    table = tomllib.loads((FLATS / "panel_middle_inner.toml").read_text())
    flat = parse_building(shared_in_one(table), "one shared surface")
    areas = np.array([s["area_m2"] for s in flat.surfaces])
    with pytest.raises(ValueError, match="no fixed point"):
        walton_factors(areas)
    p = flat.params
    power_w = float(heating_w(network_from_description(flat), -10.0)[0])
    whole = p.h_ve_w_per_k[0] + p.h_tr_w_w_per_k[0] + p.h_tr_op_w_per_k[0]
    assert 30.0 * p.h_ve_w_per_k[0] < power_w + 140.0 < 30.0 * whole


def test_a_u_value_above_one_over_r_si_is_refused() -> None:
    """A façade of ``U`` = 9 W/(m²K) would leave a negative resistance behind its inside
    surface resistance (EN ISO 6946: ``R_si`` = 0.13 m²K/W, ``U < 7.69``): refused, naming
    the file, the surface and the field."""
    table = tomllib.loads((FLATS / "panel_middle_inner.toml").read_text())
    facade = {"kind": "wall", "name": "glass facade", "area_m2": 5.0, "u_w_per_m2k": 9.0}
    table["surfaces"].append({**facade, "azimuth_deg": 0})
    with pytest.raises(InputError, match=r"too_high_u.toml.*glass facade.*u_w_per_m2k"):
        network_from_description(parse_building(table, "flats/too_high_u.toml"))


def test_a_shared_side_without_mass_hangs_on_its_face() -> None:
    """A coupled block joins a side of a shared element that holds no heat (insulation next
    to the room) at the shared elements' face, through the whole side's resistance."""
    side = (Layer(0.05, 0.04, 30.0, 1400.0), Layer(0.1, 2.0, 2400.0, 880.0))
    node, resistance = back_resistance_m2k_per_w(side)
    assert node == face_node("shared")
    assert resistance == pytest.approx(0.05 / 0.04 + 0.1 / 2.0)
