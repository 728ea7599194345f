"""Hours below a threshold accumulated over time, against fine sampling."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from warmgrid.thermal.cooldown import CooldownResult, cumulative_hours_below, hours_below

temps = st.lists(st.floats(-5.0, 25.0), min_size=2, max_size=12)


@settings(max_examples=40, deadline=None)
@given(st.lists(temps, min_size=1, max_size=4), st.sampled_from([0.25, 0.5, 1.0]))
def test_cumulative_hours_match_sampling_and_the_total(rows, step_h):
    width = min(len(r) for r in rows)
    air = np.array([r[:width] for r in rows], dtype=np.float32)
    time_h = np.arange(width) * step_h
    result = CooldownResult(time_h=time_h, air_temp_c=air, step_h=step_h)
    cumulative = cumulative_hours_below(result, 12.0)
    assert cumulative.shape == air.shape
    assert (np.diff(cumulative, axis=1) >= -1e-6).all()
    np.testing.assert_allclose(cumulative[:, -1], hours_below(result, (12.0,))[12.0], atol=1e-4)
    fine = np.linspace(0.0, time_h[-1], 20001)
    dt = fine[1] - fine[0]
    for k in range(air.shape[0]):
        below = np.interp(fine, time_h, air[k].astype(np.float64)) < 12.0
        sampled = np.concatenate([[0.0], np.cumsum(below[1:] * dt)])
        expected = np.interp(time_h, fine, sampled)
        np.testing.assert_allclose(cumulative[k], expected, atol=2e-3 * max(1.0, time_h[-1]))
