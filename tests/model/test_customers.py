"""The ``customers`` column of buildings: given values, and the documented default."""

from __future__ import annotations

import pandas as pd
import pytest

from warmgrid.errors import InputError
from warmgrid.model import City
from warmgrid.model.customers import HOUSEHOLD_SIZE


def _city(buildings: pd.DataFrame) -> City:
    nodes = pd.DataFrame({"id": ["power.bus.0"], "network": ["power"]})
    return City.from_tables("t", nodes=nodes, buildings=buildings, origin="t")


def test_default_customers_are_households_in_homes_and_one_meter_elsewhere():
    assert HOUSEHOLD_SIZE == 2.3
    buildings = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e"],
            "lon": 0.0,
            "lat": 0.0,
            "population": [10, 7, 0, 300, 1],
            "use": ["residential", "residential", "residential", "hospital", "residential"],
        }
    )
    # 10 / 2.3 = 4.35 → 4; 7 / 2.3 = 3.04 → 3; nobody: still one meter; a hospital: 1
    assert _city(buildings).buildings["customers"].tolist() == [4, 3, 1, 1, 1]


def test_given_customers_are_kept_and_empty_ones_get_the_default():
    buildings = pd.DataFrame(
        {
            "id": ["a", "b"],
            "lon": 0.0,
            "lat": 0.0,
            "population": [23, 23],
            "customers": [40, None],
        }
    )
    assert _city(buildings).buildings["customers"].tolist() == [40, 10]


@pytest.mark.parametrize(("value", "message"), [(2.5, "whole number"), (-1, "at least 0")])
def test_bad_customers_are_refused_naming_the_row(value: float, message: str):
    buildings = pd.DataFrame(
        {"id": ["a", "b"], "lon": 0.0, "lat": 0.0, "population": [5, 5], "customers": [1, value]}
    )
    with pytest.raises(InputError, match=message) as error:
        _city(buildings)
    assert "'b'" in str(error.value) or "row" in str(error.value)
