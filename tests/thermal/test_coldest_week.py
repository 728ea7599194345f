"""The coldest week of a real EPW file (Denver TMY, the weather of ASHRAE 140)."""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np
import pytest

from warmgrid.errors import InputError
from warmgrid.thermal.weather import coldest_window, constant_weather, read_epw

EPW = resources.files("warmgrid.thermal").joinpath("data/725650TYCST.epw")
EPW_HEADER_LINES = 8
DRY_BULB_FIELD = 6


def test_coldest_week_equals_brute_force_over_the_raw_file():
    with resources.as_file(EPW) as path:
        with path.open(newline="") as handle:
            records = list(csv.reader(handle))[EPW_HEADER_LINES:]
        weather = read_epw(path)
    raw = np.array([float(r[DRY_BULB_FIELD]) for r in records])
    n, week = raw.size, 168
    means = [np.mean(raw[(start + np.arange(week)) % n]) for start in range(n)]
    best = int(np.argmin(means))
    window = coldest_window(weather)
    assert window.hours == week
    assert window.temp_air_c.mean() == pytest.approx(means[best], abs=0.05)
    start = int(np.flatnonzero(weather.times == window.times[0])[0])
    assert min(abs(start - best), n - abs(start - best)) <= 1  # hour means vs hour ends
    assert window.times[0].month in (12, 1, 2)
    assert window.ghi_w_per_m2 is not None and window.ghi_w_per_m2.size == week


def test_a_file_shorter_than_a_week_is_refused():
    with pytest.raises(InputError, match="fewer than 168"):
        coldest_window(constant_weather(-5.0, 100))
