"""The demo city, compiled, and as a sweep sees it under the demo scenario."""

from __future__ import annotations

import pytest

from warmgrid.model import compile_city
from warmgrid.model.open import open_city
from warmgrid.scenario.spec import demo_scenario
from warmgrid.sweep.city import SweepCity


@pytest.fixture(scope="module")
def compiled():
    return compile_city(open_city("demo"))


@pytest.fixture(scope="module")
def city(compiled):
    return SweepCity.under(compiled, demo_scenario())
