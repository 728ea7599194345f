"""Pipe freezing: ASHRAE Handbook example and an ODE solution of the freezing front."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from warmgrid.errors import InputError
from warmgrid.thermal.pipes import (
    ICE_CONDUCTIVITY_W_PER_MK,
    LATENT_HEAT_FUSION_J_PER_KG,
    WATER_DENSITY_KG_PER_M3,
    default_insulation,
    insulation_resistance_m_k_per_w,
    network_freeze_times,
    pipe_freeze_times,
)

INCH_M = 0.0254
BTU_IN_PER_H_FT2_F = 0.1442279  # W/(m·K)


def f_to_c(f: float) -> float:
    return (f - 32.0) / 1.8


def test_ashrae_handbook_example() -> None:
    """ASHRAE Handbook—Fundamentals, insulation chapter, freeze-prevention example: 2-in
    steel pipe (ID 2.067 in, OD 2.375 in), 1.5 in insulation k = 0.30 Btu·in/(h·ft²·°F),
    water at 42 °F: freezing starts after 1.4 h at −18 °F and 4.6 h at 20 °F."""
    times = pipe_freeze_times(
        inner_diameter_m=2.067 * INCH_M,
        insulation_thickness_m=1.5 * INCH_M,
        insulation_conductivity_w_per_mk=0.30 * BTU_IN_PER_H_FT2_F,
        water_temp_c=f_to_c(42.0),
        ambient_temp_c=np.array([f_to_c(-18.0), f_to_c(20.0)]),
        pipe_outer_diameter_m=2.375 * INCH_M,
    )
    assert times.hours_to_freeze_start[0] == pytest.approx(1.4, rel=0.05)
    assert times.hours_to_freeze_start[1] == pytest.approx(4.6, rel=0.05)
    assert np.all(times.hours_to_frozen > times.hours_to_freeze_start)


@given(
    d_i=st.floats(0.02, 0.6),
    thickness=st.floats(0.0, 0.1),
    ambient=st.floats(-35.0, -1.0),
)
def test_frozen_through_matches_stefan_ode(d_i: float, thickness: float, ambient: float) -> None:
    """Integrate the quasi-steady freezing front r(t) numerically."""
    times = pipe_freeze_times(d_i, thickness, 0.03, 0.0, ambient, pipe_outer_diameter_m=d_i)
    resistance = float(
        insulation_resistance_m_k_per_w(np.array([d_i]), np.array([thickness]), np.array([0.03]))[0]
    )
    r_i = d_i / 2

    def front(_t: float, y: np.ndarray) -> np.ndarray:
        r = max(y[0], 1e-12)
        total = resistance + np.log(r_i / r) / (2 * np.pi * ICE_CONDUCTIVITY_W_PER_MK)
        heat = -ambient / total
        return np.array(
            [-heat / (WATER_DENSITY_KG_PER_M3 * LATENT_HEAT_FUSION_J_PER_KG * 2 * np.pi * r)]
        )

    reached = lambda _t, y: y[0] - 1e-6 * r_i  # noqa: E731
    reached.terminal = True  # type: ignore[attr-defined]
    solution = solve_ivp(front, (0, 1e9), [r_i * (1 - 1e-9)], events=reached, rtol=1e-9, atol=1e-12)
    assert times.hours_to_freeze_start[0] == 0.0
    assert times.hours_to_frozen[0] == pytest.approx(solution.t_events[0][0] / 3600, rel=1e-3)


def test_warm_ambient_never_freezes() -> None:
    times = pipe_freeze_times(0.1, 0.05, 0.03, 60.0, np.array([0.0, 5.0]))
    assert np.all(np.isinf(times.hours_to_freeze_start))
    assert np.all(np.isinf(times.hours_to_frozen))


def test_thicker_insulation_and_warmer_water_delay_freezing() -> None:
    base = pipe_freeze_times(0.1, 0.04, 0.03, 50.0, -15.0).hours_to_freeze_start[0]
    assert pipe_freeze_times(0.1, 0.08, 0.03, 50.0, -15.0).hours_to_freeze_start[0] > base
    assert pipe_freeze_times(0.1, 0.04, 0.03, 70.0, -15.0).hours_to_freeze_start[0] > base
    assert pipe_freeze_times(0.1, 0.04, 0.03, 50.0, -25.0).hours_to_freeze_start[0] < base


def test_default_insulation_en253() -> None:
    outer, thickness = default_insulation(np.array([0.1071, 0.2]))
    # DN100: steel 114.3 x 3.6 mm, casing 200 x 3.2 mm
    assert outer[0] == pytest.approx(0.1143, abs=1e-6)
    assert thickness[0] == pytest.approx((0.200 - 2 * 0.0032 - 0.1143) / 2)
    assert np.all(thickness > 0)


def test_network_deadline_is_earliest_section() -> None:
    branches = pd.DataFrame(
        {
            "id": ["heat.pipe.0", "heat.pipe.1", "heat.valve.0", "power.line.0"],
            "network": ["heat", "heat", "heat", "power"],
            "kind": ["pipe", "pipe", "valve", "line"],
            "diameter_m": [0.6, 0.05, 0.05, 0.0],
        }
    )
    result = network_freeze_times(branches, ambient_temp_c=-20.0)
    assert result.pipe_ids == ["heat.pipe.0", "heat.pipe.1"]
    assert result.first_pipe_id == "heat.pipe.1"
    assert result.drain_deadline_h == pytest.approx(result.times.hours_to_freeze_start[1])
    warm = network_freeze_times(branches, ambient_temp_c=3.0)
    assert warm.first_pipe_id is None and np.isinf(warm.drain_deadline_h)


def test_bad_pipe_input() -> None:
    with pytest.raises(InputError, match="inner_diameter_m"):
        pipe_freeze_times(-0.1, 0.05, 0.03, 50.0, -10.0)
    with pytest.raises(InputError, match="insulation_conductivity"):
        pipe_freeze_times(0.1, 0.05, 0.0, 50.0, -10.0)
    bad = pd.DataFrame({"id": ["p"], "network": ["heat"], "kind": ["pipe"], "diameter_m": [0]})
    with pytest.raises(InputError, match="pipe p, diameter_m"):
        network_freeze_times(bad, -10.0)
