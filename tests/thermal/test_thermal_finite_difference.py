"""The fine finite-difference reference against closed forms and EnergyPlus."""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pytest
from scipy.optimize import brentq

from warmgrid.cli.thermal import packaged_weather_path
from warmgrid.errors import InputError
from warmgrid.thermal.archetypes import archetype_values
from warmgrid.thermal.building_file import parse_building
from warmgrid.thermal.cooldown import trace_hours_to
from warmgrid.thermal.energyplus import OUTSIDE_CONVECTION_W_PER_M2K
from warmgrid.thermal.finite_difference import (
    STEFAN_BOLTZMANN_W_PER_M2K4,
    fine_cooldown,
    glass_resistance_m2k_per_w,
    walton_factors,
)
from warmgrid.thermal.flats import FIELDS, flat_table, position_floor
from warmgrid.thermal.network import CONVECTION_W_PER_M2K

CONCRETE = """[[surfaces.layers]]
thickness_m = {thickness}
conductivity_w_per_mk = 1.7
density_kg_per_m3 = 2300
specific_heat_j_per_kgk = 880
"""


def one_surface(boundary: str, air_changes_per_h: float, thickness_m: float = 0.2) -> str:
    """A room of one 20 m² concrete wall (nothing else: its face sees only itself, so no
    long-wave exchange inside), no gains."""
    return (
        'name = "one wall"\nfloor_area_m2 = 10.0\nvolume_m3 = 100.0\n'
        f"air_changes_per_h = {air_changes_per_h}\ninternal_gains_w = 0.0\n"
        f'[[surfaces]]\nkind = "wall"\nname = "wall"\nboundary = "{boundary}"\n'
        "area_m2 = 20.0\nazimuth_deg = 180\n" + CONCRETE.format(thickness=thickness_m)
    )


def test_heated_face_of_an_external_wall_is_the_series_balance() -> None:
    """Heated at 20 °C with −10 °C outside, the wall's inside face lies where the flux
    through inside convection, the concrete and the outside surface (20 W/(m²K) and
    long-wave radiation at the outside face's temperature) is one: a scalar balance solved
    by root finding."""
    room = parse_building(tomllib.loads(one_surface("outdoor", 0.5)), "one wall")
    face_c = fine_cooldown(room, -10.0, duration_h=0.0).face_temp_c["wall"][0]
    h_in = CONVECTION_W_PER_M2K["vertical"]
    r_wall = 0.2 / 1.7

    def outside_balance(face_out_c: float) -> float:
        mean_k = 0.5 * (face_out_c - 10.0) + 273.15
        h_r = 0.9 * 4.0 * STEFAN_BOLTZMANN_W_PER_M2K4 * mean_k**3
        into_face = (20.0 - face_out_c) / (1.0 / h_in + r_wall)
        return into_face - (OUTSIDE_CONVECTION_W_PER_M2K + h_r) * (face_out_c + 10.0)

    face_out_c = brentq(outside_balance, -10.0, 20.0)
    flux_w_per_m2 = (20.0 - face_out_c) / (1.0 / h_in + r_wall)
    assert face_c == pytest.approx(20.0 - flux_w_per_m2 / h_in, abs=1e-6)


def test_heated_floor_on_the_ground_is_the_series_balance() -> None:
    """A room of one floor on the ground at 8 °C, heated at 20 °C: the floor colder than the
    air lies under a stable layer (*reduced* convection), and its face where the flux
    through that convection and the concrete to the ground is one."""
    text = (
        'name = "one floor"\nfloor_area_m2 = 20.0\nvolume_m3 = 50.0\nair_changes_per_h = 0.5\n'
        'internal_gains_w = 0.0\nground_temp_c = 8.0\n[[surfaces]]\nkind = "floor"\n'
        'name = "floor"\nboundary = "ground"\narea_m2 = 20.0\n' + CONCRETE.format(thickness=0.2)
    )
    room = parse_building(tomllib.loads(text), "one floor")
    face_c = fine_cooldown(room, -10.0, duration_h=0.0).face_temp_c["floor"][0]
    h_in = CONVECTION_W_PER_M2K["reduced"]
    flux_w_per_m2 = (20.0 - 8.0) / (1.0 / h_in + 0.2 / 1.7)
    assert face_c == pytest.approx(20.0 - flux_w_per_m2 / h_in, abs=1e-4)


def slab_face_c(biot: float, fourier: float, start_c: float, air_c: float) -> float:
    """Face temperature of a slab with convection at one face and none at the other,
    started uniform: the series of Carslaw and Jaeger (Conduction of Heat in Solids, 1959,
    §3.11), ``ζ tan ζ = Bi``."""
    total = 0.0
    for n in range(60):
        zeta = brentq(
            lambda z: z * math.tan(z) - biot, n * math.pi + 1e-9, n * math.pi + math.pi / 2 - 1e-9
        )
        weight = 4.0 * math.sin(zeta) / (2.0 * zeta + math.sin(2.0 * zeta))
        total += weight * math.exp(-(zeta**2) * fourier) * math.cos(zeta)
    return air_c + (start_c - air_c) * total


def test_a_shared_slab_cools_as_the_closed_form() -> None:
    """An adiabatic concrete element whose room air follows the outdoor air (an air change
    so large that the air sits within 0.01 K of it): after the heating stops its face
    follows the slab with a convective face and an adiabatic plane of symmetry."""
    room = parse_building(tomllib.loads(one_surface("adiabatic", 1e4)), "one slab")
    result = fine_cooldown(room, -10.0, duration_h=72.0, record_h=0.5)
    assert np.abs(result.air_temp_c[1:] + 10.0).max() < 0.01
    h_c = CONVECTION_W_PER_M2K["vertical"]
    diffusivity = 1.7 / (2300 * 880)
    for hour in (1.0, 6.0, 24.0, 72.0):
        expected = slab_face_c(h_c * 0.2 / 1.7, diffusivity * hour * 3600 / 0.2**2, 20.0, -10.0)
        assert result.face_temp_c["wall"][round(hour / 0.5)] == pytest.approx(expected, abs=0.05)


@pytest.mark.parametrize(
    ("archetype", "position"),
    [("brick_prewar", "middle_inner"), ("panel_9", "ground_corner")],
)
def test_fine_model_agrees_with_energyplus(archetype: str, position: str) -> None:
    """The fine model and EnergyPlus, written apart from the same conventions, cross 12 and
    5 °C at −20 °C within 3 % of each other (`brick_prewar` middle-floor inner flat: 8.70
    against 8.65 h and 51.9 against 52.0 h, where warmgrid's network takes 6.5 h to 12 °C;
    the `panel_9` ground-floor corner flat over the basement: 5 °C after 20.1 against
    20.2 h). With each face seeing itself in the radiation network (no Walton factors) the
    corner flat crossed 5 °C after 19.1 h."""
    from warmgrid.thermal.energyplus_run import energyplus_cooldown

    values = archetype_values(np.zeros(1, dtype=np.int64), [archetype])
    fields = {name: float(values[name][0]) for name in FIELDS}
    flat = parse_building(
        flat_table(fields, archetype, *position_floor(position, False), gains_w=140.0), position
    )
    fine = fine_cooldown(flat, -20.0, duration_h=96.0)
    time_h, air = energyplus_cooldown(flat, packaged_weather_path(), -20.0, hours=96.0)
    hours = [
        trace_hours_to(t, a, (12.0, 5.0))
        for t, a in ((fine.time_h, fine.air_temp_c), (time_h, air))
    ]
    for threshold in (12.0, 5.0):
        assert hours[0][threshold] == pytest.approx(hours[1][threshold], rel=0.03)


def test_fine_model_needs_the_layers_of_every_surface() -> None:
    bare = parse_building(
        tomllib.loads(
            'name = "glass"\nfloor_area_m2 = 10.0\nvolume_m3 = 30.0\nair_changes_per_h = 0.5\n'
            'internal_gains_w = 0.0\n[[surfaces]]\nkind = "wall"\nname = "bare wall"\n'
            "area_m2 = 20.0\nazimuth_deg = 180\nu_w_per_m2k = 1.0\n"
            "heat_capacity_j_per_m2k = 100000.0\n"
        ),
        "bare.toml",
    )
    with pytest.raises(InputError, match="bare wall"):
        fine_cooldown(bare, -10.0, duration_h=1.0)


def test_records_must_divide_into_steps() -> None:
    room = parse_building(tomllib.loads(one_surface("outdoor", 0.5)), "one wall")
    with pytest.raises(InputError, match="record_h"):
        fine_cooldown(room, -10.0, duration_h=1.0, record_h=0.1)
    with pytest.raises(InputError, match="duration_h"):
        fine_cooldown(room, -10.0, duration_h=1.1, record_h=0.5)


def test_walton_factors_keep_a_face_from_seeing_itself() -> None:
    """Equal faces share the room alike; a larger face gets a larger factor; a lone face
    exchanges nothing; a face with most of the area has no fixed point."""
    assert walton_factors(np.full(6, 10.0)) == pytest.approx(np.full(6, 1.2))  # 1/(1 − 1/6)
    mixed = walton_factors(np.array([20.0, 20.0, 20.0, 20.0, 30.0, 30.0]))
    assert mixed[4] > mixed[0] > 1.0
    assert walton_factors(np.array([50.0])) == pytest.approx([0.0])
    with pytest.raises(ValueError, match="shares"):
        walton_factors(np.array([10.0, 30.0]))


def test_glass_resistance_is_continuous_where_the_film_formula_changes() -> None:
    """EnergyPlus' two inside film formulas meet at 5.85 W/(m²K); the glass layer stays
    positive up to its 7 W/(m²K)."""
    below, above = (glass_resistance_m2k_per_w(u) for u in (5.85 - 1e-9, 5.85))
    assert below == pytest.approx(above, abs=2e-4)
    assert all(glass_resistance_m2k_per_w(u) > 0 for u in (0.5, 1.0, 2.8, 5.0, 6.5, 7.0))


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ("tilt_deg = 60\n", "tilt_deg"),
        ("", "infiltration"),
    ],
)
def test_fine_model_refuses_what_it_does_not_model(extra: str, field: str) -> None:
    text = one_surface("outdoor", 0.5).replace("azimuth_deg = 180\n", f"azimuth_deg = 180\n{extra}")
    if field == "infiltration":
        text = text.replace(
            "internal_gains_w = 0.0\n",
            "internal_gains_w = 0.0\n[infiltration]\nleakage_area_cm2 = 100.0\n",
        )
    with pytest.raises(InputError, match=field):
        fine_cooldown(parse_building(tomllib.loads(text), "odd.toml"), -10.0, duration_h=1.0)
