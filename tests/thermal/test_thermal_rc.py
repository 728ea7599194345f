"""5R1C model: analytic solutions and an independent ODE solution of the node network."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from warmgrid.errors import InputError
from warmgrid.thermal.cooldown import simulate_cooldown
from warmgrid.thermal.rc import (
    H_IS_W_PER_M2K,
    H_MS_W_PER_M2K,
    BuildingParams,
    SolarChannel,
    heated_mass_temp_c,
    mass_class,
    mass_from_elements,
    ventilation_w_per_k,
)


def one_building(**kw: float) -> BuildingParams:
    values = {
        "floor_area_m2": 100.0,
        "h_ve_w_per_k": 40.0,
        "h_tr_w_w_per_k": 50.0,
        "h_tr_op_w_per_k": 60.0,
        "c_m_j_per_k": 2.6e7,
        "a_m_m2": 300.0,
        "a_t_m2": 450.0,
        "internal_gains_w": 300.0,
        "radiative_fraction": 0.5,
    }
    values.update(kw)
    return BuildingParams(**{k: np.array([v]) for k, v in values.items()})


def network_rhs(p: BuildingParams, outdoor_c: float, phi_int: float, phi_sol: float):
    """The three-node network of ISO 13790 Figure C.1 written out node by node, with tiny
    capacities on the air and surface nodes (an independent formulation of the model)."""
    h_ve = p.h_ve_w_per_k[0]
    h_is = H_IS_W_PER_M2K * p.a_t_m2[0]
    h_ms = H_MS_W_PER_M2K * p.a_m_m2[0]
    h_w = p.h_tr_w_w_per_k[0]
    h_em = 1.0 / (1.0 / p.h_tr_op_w_per_k[0] - 1.0 / h_ms)
    frac = p.radiative_fraction[0]
    radiant = frac * phi_int + phi_sol
    share_m = p.a_m_m2[0] / p.a_t_m2[0]
    share_s = 1.0 - share_m - h_w / (9.1 * p.a_t_m2[0])
    tiny = 50.0  # J/K

    def rhs(_t: float, y: np.ndarray) -> np.ndarray:
        air, surf, mass = y
        d_air = h_ve * (outdoor_c - air) + h_is * (surf - air) + (1 - frac) * phi_int
        d_surf = (
            h_is * (air - surf)
            + h_w * (outdoor_c - surf)
            + h_ms * (mass - surf)
            + share_s * radiant
        )
        d_mass = h_ms * (surf - mass) + h_em * (outdoor_c - mass) + share_m * radiant
        return np.array([d_air / tiny, d_surf / tiny, d_mass / p.c_m_j_per_k[0]])

    return rhs


def test_single_capacity_matches_exponential() -> None:
    """No ventilation, no windows, no gains: air = mass, τ = C_m / H_tr_em."""
    params = one_building(h_ve_w_per_k=0.0, h_tr_w_w_per_k=0.0, internal_gains_w=0.0)
    h_em = 1.0 / (1.0 / 60.0 - 1.0 / (H_MS_W_PER_M2K * 300.0))
    tau_h = 2.6e7 / h_em / 3600.0
    result = simulate_cooldown(
        params,
        -12.0,
        step_h=0.25,
        hours=200.0,
        start_temp_c=21.0,
        heated_start=False,
        sky_temp_depression_k=0.0,
    )
    expected = -12.0 + (21.0 + 12.0) * np.exp(-result.time_h / tau_h)
    assert np.max(np.abs(result.air_temp_c[0] - expected)) < 0.01


@given(
    tau_h=st.floats(5.0, 500.0),
    t0=st.floats(10.0, 25.0),
    t_out=st.floats(-30.0, 5.0),
    step_h=st.sampled_from([0.1, 0.25, 1.0, 3.0]),
)
def test_single_capacity_any_step(tau_h: float, t0: float, t_out: float, step_h: float) -> None:
    h_op = 80.0
    h_ms = H_MS_W_PER_M2K * 300.0
    h_em = 1.0 / (1.0 / h_op - 1.0 / h_ms)
    params = one_building(
        h_ve_w_per_k=0.0,
        h_tr_w_w_per_k=0.0,
        internal_gains_w=0.0,
        h_tr_op_w_per_k=h_op,
        c_m_j_per_k=tau_h * 3600.0 * h_em,
    )
    result = simulate_cooldown(
        params,
        t_out,
        step_h=step_h,
        hours=48.0,
        start_temp_c=t0,
        heated_start=False,
        sky_temp_depression_k=0.0,
    )
    expected = t_out + (t0 - t_out) * np.exp(-result.time_h / tau_h)
    assert np.max(np.abs(result.air_temp_c[0] - expected)) < 0.01


@pytest.mark.parametrize("phi_sol", [0.0, 800.0])
def test_full_network_matches_ode_solver(phi_sol: float) -> None:
    params = BuildingParams(
        floor_area_m2=np.array([100.0]),
        h_ve_w_per_k=np.array([40.0]),
        h_tr_w_w_per_k=np.array([50.0]),
        h_tr_op_w_per_k=np.array([60.0]),
        c_m_j_per_k=np.array([1.1e7]),
        a_m_m2=np.array([250.0]),
        a_t_m2=np.array([450.0]),
        internal_gains_w=np.array([300.0]),
        radiative_fraction=np.array([0.6]),
        solar_aperture_m2=np.array([[2.0]]),
        solar_channels=(SolarChannel("window", (180.0,), 90.0),),
    )
    irradiance = np.full((1, 48), phi_sol / 2.0)
    result = simulate_cooldown(
        params,
        -8.0,
        step_h=0.5,
        hours=48.0,
        start_temp_c=20.0,
        heated_start=False,
        solar_irradiance_w_per_m2=irradiance,
        sky_temp_depression_k=0.0,
    )
    rhs = network_rhs(params, -8.0, 300.0, phi_sol)
    # start: mass at 20 °C, air and surface at their quasi-steady values
    first = solve_ivp(rhs, (0, 1.0), [20.0, 20.0, 20.0], method="Radau", rtol=1e-10, atol=1e-10)
    mass0 = 20.0
    y0 = [first.y[0, -1], first.y[1, -1], mass0]
    solution = solve_ivp(
        rhs,
        (0, 48 * 3600.0),
        y0,
        method="Radau",
        t_eval=result.time_h * 3600.0,
        rtol=1e-9,
        atol=1e-9,
    )
    assert np.max(np.abs(solution.y[0] - result.air_temp_c[0])) < 0.01


@pytest.mark.parametrize("fraction", [0.0, 0.3, 0.7, 1.0])
def test_heated_steady_state_solves_node_equations(fraction: float) -> None:
    p = one_building()
    set_point, outdoor = 20.0, -15.0
    convective = np.array([150.0])
    radiant = np.array([150.0])
    mass, air = heated_mass_temp_c(p, set_point, outdoor, convective, radiant, fraction)
    h_ve, h_w, h_op = 40.0, 50.0, 60.0
    h_is, h_ms = H_IS_W_PER_M2K * 450.0, H_MS_W_PER_M2K * 300.0
    h_em = 1 / (1 / h_op - 1 / h_ms)
    share_m = 300.0 / 450.0
    share_s = 1 - share_m - h_w / (9.1 * 450.0)
    # unknowns: surface, mass, heating power; air fixed at the set-point
    a = np.array(
        [
            [h_is, 0.0, 1.0 - fraction],
            [-(h_is + h_w + h_ms), h_ms, share_s * fraction],
            [h_ms, -(h_ms + h_em), share_m * fraction],
        ]
    )
    b = np.array(
        [
            (h_ve + h_is) * set_point - h_ve * outdoor - 150.0,
            -h_is * set_point - h_w * outdoor - share_s * 150.0,
            -h_em * outdoor - share_m * 150.0,
        ]
    )
    _surf_ref, mass_ref, heating = np.linalg.solve(a, b)
    assert heating > 0
    assert mass[0] == pytest.approx(mass_ref, abs=1e-9)
    assert air[0] == set_point


def test_radiant_heating_softens_the_first_drop() -> None:
    p = one_building()
    at_air = simulate_cooldown(p, -15.0, step_h=0.25, hours=2.0)
    radiant = simulate_cooldown(p, -15.0, step_h=0.25, hours=2.0, heating_radiative_fraction=0.5)
    assert radiant.air_temp_c[0, 1] > at_air.air_temp_c[0, 1]
    with pytest.raises(InputError, match="heating_radiative_fraction"):
        simulate_cooldown(p, -15.0, step_h=0.25, hours=2.0, heating_radiative_fraction=1.5)


def test_heated_start_is_a_steady_state_while_heated() -> None:
    """Start state with heating on and constant weather stays put if heating continues:
    the free-running relaxation from that state moves the mass only downwards."""
    p = one_building()
    result = simulate_cooldown(p, -10.0, step_h=0.25, hours=24.0, start_temp_c=20.0)
    temps = result.air_temp_c[0]
    assert temps[0] == pytest.approx(20.0)
    assert np.all(np.diff(temps) <= 1e-5)
    assert temps[-1] < 20.0


@given(
    n=st.integers(1, 7),
    seed=st.integers(0, 10_000),
    block=st.integers(1, 5),
)
def test_vectorised_equals_one_by_one(n: int, seed: int, block: int) -> None:
    rng = np.random.default_rng(seed)
    area = rng.uniform(50, 5000, n)
    params = BuildingParams(
        floor_area_m2=area,
        h_ve_w_per_k=rng.uniform(0.1, 1.0, n) * area,
        h_tr_w_w_per_k=rng.uniform(0.0, 1.0, n) * area,
        h_tr_op_w_per_k=rng.uniform(0.1, 1.5, n) * area,
        c_m_j_per_k=rng.uniform(80_000, 370_000, n) * area,
        a_m_m2=rng.uniform(2.5, 3.5, n) * area,
        a_t_m2=4.5 * area,
        internal_gains_w=rng.uniform(0, 5, n) * area,
        radiative_fraction=rng.uniform(0, 1, n),
        solar_aperture_m2=rng.uniform(0, 0.05, (n, 2)) * area[:, None],
        sky_loss_w_per_k=rng.uniform(0, 0.05, n) * area,
        solar_channels=(
            SolarChannel("window", (180.0,), 90.0),
            SolarChannel("opaque", (180.0,), 0.0),
        ),
    )
    outdoor = rng.uniform(-20, 5, 25)
    sun = rng.uniform(0, 500, (2, 24))
    together = simulate_cooldown(
        params,
        outdoor,
        step_h=0.5,
        hours=24.0,
        solar_irradiance_w_per_m2=sun,
        block_size=block,
    )
    for i in range(n):
        single = BuildingParams(
            **{
                name: getattr(params, name)[i : i + 1]
                for name in (
                    "floor_area_m2",
                    "h_ve_w_per_k",
                    "h_tr_w_w_per_k",
                    "h_tr_op_w_per_k",
                    "c_m_j_per_k",
                    "a_m_m2",
                    "a_t_m2",
                    "internal_gains_w",
                    "radiative_fraction",
                    "solar_aperture_m2",
                    "sky_loss_w_per_k",
                )
            },
            solar_channels=params.solar_channels,
        )
        alone = simulate_cooldown(
            single, outdoor, step_h=0.5, hours=24.0, solar_irradiance_w_per_m2=sun
        )
        np.testing.assert_allclose(alone.air_temp_c[0], together.air_temp_c[i], atol=2e-3)


def test_step_mean_matches_fine_steps() -> None:
    p = one_building(c_m_j_per_k=5e6)
    coarse = simulate_cooldown(p, -5.0, step_h=1.0, hours=12.0, report="mean", heated_start=False)
    fine = simulate_cooldown(p, -5.0, step_h=1.0 / 60.0, hours=12.0, heated_start=False)
    # trapezoid mean of each hour from the fine run
    temps = fine.air_temp_c[0].astype(np.float64)
    hourly = [np.trapezoid(temps[60 * h : 60 * h + 61], dx=1.0 / 60.0) for h in range(12)]
    np.testing.assert_allclose(coarse.air_temp_c[0, 1:], hourly, atol=2e-3)


def test_iso_table_12_and_elements() -> None:
    a_m, c_m = mass_class("heavy", 100.0)
    assert (float(a_m), float(c_m)) == (300.0, 2.6e7)
    a_m, c_m = mass_from_elements(np.array([10.0, 20.0]), np.array([100_000.0, 100_000.0]))
    assert c_m == pytest.approx(3e6)
    assert a_m == pytest.approx(30.0)  # equal κ: A_m is the total area
    with pytest.raises(InputError, match="thermal_class"):
        mass_class("feather", 10.0)


def test_ventilation_sea_level_and_altitude() -> None:
    assert float(ventilation_w_per_k(100.0, 0.5)) == pytest.approx(1200 * 50 / 3600)
    ratio = float(ventilation_w_per_k(100.0, 0.5, 1609.0) / ventilation_w_per_k(100.0, 0.5))
    assert 0.82 < ratio < 0.84  # standard atmosphere at Denver: about 83.5 kPa


def test_bad_parameters_name_the_field() -> None:
    with pytest.raises(InputError, match="floor_area_m2"):
        one_building(floor_area_m2=-1.0)
    with pytest.raises(InputError, match="h_tr_op_w_per_k"):
        one_building(h_tr_op_w_per_k=1e6)
    with pytest.raises(InputError, match="outdoor_temp_c"):
        simulate_cooldown(one_building(), np.array([1.0, 2.0]), step_h=1.0, hours=10.0)


def test_hourly_series_to_steps() -> None:
    from warmgrid.thermal.cooldown import to_steps

    hourly = np.array([0.0, 4.0, 8.0])
    steps = to_steps(hourly, 0.5, 6, "t")
    # hour means sit at the middle of each hour; linear in between, flat at the ends
    np.testing.assert_allclose(steps, [0.0, 1.0, 3.0, 5.0, 7.0, 8.0])
    held = to_steps(hourly, 0.5, 6, "t", hold=True)
    np.testing.assert_allclose(held, [0.0, 0.0, 4.0, 4.0, 8.0, 8.0])
    assert to_steps(hourly, 1.0, 3, "t").tolist() == hourly.tolist()


def test_one_minute_steps_slow_building() -> None:
    """Single precision with a decay factor close to 1 keeps the right fixed point."""
    h_em = 1.0 / (1.0 / 80.0 - 1.0 / (H_MS_W_PER_M2K * 300.0))
    params = one_building(
        h_ve_w_per_k=0.0,
        h_tr_w_w_per_k=0.0,
        internal_gains_w=0.0,
        h_tr_op_w_per_k=80.0,
        c_m_j_per_k=300.0 * 3600.0 * h_em,
    )
    result = simulate_cooldown(
        params,
        -20.0,
        step_h=1.0 / 60.0,
        hours=48.0,
        start_temp_c=20.0,
        heated_start=False,
        sky_temp_depression_k=0.0,
    )
    expected = -20.0 + 40.0 * np.exp(-result.time_h / 300.0)
    assert np.max(np.abs(result.air_temp_c[0] - expected)) < 0.01
