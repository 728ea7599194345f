"""Layered constructions: U-values by EN ISO 6946, the active mass by ISO 13790 12.3.1.1
and the deep mass behind it, against hand calculations and physical properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warmgrid.thermal.building_file import parse_building
from warmgrid.thermal.layers import Layer, element_mass, u_value

BRICK = Layer(0.64, 0.75, 1800.0, 880.0, "brick")
PLASTER = Layer(0.02, 0.87, 1800.0, 840.0, "plaster")
WOOL = Layer(0.10, 0.04, 30.0, 1030.0, "mineral wool")


def test_u_value_of_a_solid_brick_wall_by_hand() -> None:
    # 1 / (0.13 + 0.02/0.87 + 0.64/0.75 + 0.04)
    assert u_value((PLASTER, BRICK), "wall") == pytest.approx(1 / 1.04632, rel=1e-4)
    assert u_value((PLASTER, BRICK), "roof") == pytest.approx(1 / 1.01632, rel=1e-4)
    assert u_value((PLASTER, BRICK), "wall", "ground") == pytest.approx(1 / 1.00632, rel=1e-4)
    assert u_value((PLASTER, BRICK), "wall", "adiabatic") == 0.0


def test_active_mass_is_the_first_ten_centimetres_and_the_rest_is_deep() -> None:
    mass = element_mass((PLASTER, BRICK))
    assert mass.active_j_per_m2k == pytest.approx(0.02 * 1.512e6 + 0.08 * 1.584e6)
    assert mass.deep_j_per_m2k == pytest.approx(0.56 * 1.584e6)
    # centroid of the active part to the centroid of 0.10–0.66 m
    active_r = (0.02 * 1.512e6 * 0.01 / 0.87 + 0.08 * 1.584e6 * (0.02 / 0.87 + 0.04 / 0.75)) / (
        mass.active_j_per_m2k
    )
    deep_r = 0.02 / 0.87 + 0.08 / 0.75 + 0.28 / 0.75
    assert mass.deep_r_m2k_per_w == pytest.approx(deep_r - active_r)


def test_insulation_ends_active_and_deep_mass() -> None:
    mass = element_mass((PLASTER, WOOL, BRICK))
    assert mass.active_j_per_m2k == pytest.approx(0.02 * 1.512e6)
    assert mass.deep_j_per_m2k == 0.0


def test_adiabatic_share_reaches_the_plane_of_symmetry() -> None:
    slab = Layer(0.08, 2.0, 2500.0, 840.0)
    assert element_mass((slab,), "adiabatic").active_j_per_m2k == pytest.approx(0.08 * 2.1e6)
    thick = Layer(0.19, 0.75, 1800.0, 880.0)
    mass = element_mass((thick,), "adiabatic")
    assert mass.active_j_per_m2k + mass.deep_j_per_m2k == pytest.approx(0.19 * 1.584e6)


@given(
    thicknesses=st.lists(st.floats(0.005, 0.5), min_size=1, max_size=5),
    conductivity=st.floats(0.1, 3.0),
)
def test_capacity_is_conserved_without_insulation(
    thicknesses: list[float], conductivity: float
) -> None:
    """Without insulation, active and deep mass of a shared element are all of it."""
    layers = tuple(Layer(d, conductivity, 2000.0, 900.0) for d in thicknesses)
    mass = element_mass(layers, "adiabatic")
    total = sum(x.capacity_j_per_m2k for x in layers)
    assert mass.active_j_per_m2k + mass.deep_j_per_m2k == pytest.approx(total, rel=1e-9)
    assert mass.deep_r_m2k_per_w >= 0


def test_adiabatic_surface_passes_no_heat() -> None:
    table = {
        "floor_area_m2": 50.0,
        "volume_m3": 130.0,
        "air_changes_per_h": 0.5,
        "surfaces": [
            {
                "kind": "wall",
                "area_m2": 30.0,
                "azimuth_deg": 0,
                "layers": [
                    {
                        "thickness_m": 0.3,
                        "conductivity_w_per_mk": 0.7,
                        "density_kg_per_m3": 1800,
                        "specific_heat_j_per_kgk": 840,
                    }
                ],
            },
            {
                "kind": "roof",
                "boundary": "adiabatic",
                "area_m2": 50.0,
                "layers": [
                    {
                        "thickness_m": 0.08,
                        "conductivity_w_per_mk": 2.0,
                        "density_kg_per_m3": 2500,
                        "specific_heat_j_per_kgk": 840,
                    }
                ],
            },
        ],
    }
    building = parse_building(table, "flat.toml")
    wall_u = 1 / (0.13 + 0.3 / 0.7 + 0.04)
    assert float(building.params.h_tr_op_w_per_k[0]) == pytest.approx(30 * wall_u)
    assert float(building.params.c_m_j_per_k[0]) == pytest.approx(
        30 * 0.1 * 1800 * 840 + 50 * 0.08 * 2500 * 840
    )
