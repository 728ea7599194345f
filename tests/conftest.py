"""Shared pytest configuration."""

from collections.abc import Iterator

import pytest
from hypothesis import settings

from warmgrid.model.city import City

settings.register_profile("ci", max_examples=60, deadline=None)
settings.load_profile("ci")

_demo_fingerprint: list[int] = []


def _fingerprint(city: City) -> int:
    """A hash of every table of a city."""
    import pandas as pd

    tables = (city.nodes, city.branches, city.sources, city.buildings, city.dependencies)
    return hash(tuple(int(pd.util.hash_pandas_object(t, index=True).sum()) for t in tables))


@pytest.fixture(autouse=True)
def _demo_city_stays_unchanged(request: pytest.FixtureRequest) -> Iterator[None]:
    """The demo city is built once per process and shared: a test that changes it in
    place would change what later tests see, depending on how tests are spread over
    workers. Fails the test that changed it."""
    yield
    from warmgrid.model.demo import demo_city

    if not demo_city.cache_info().currsize:
        return
    if not _demo_fingerprint:  # the demo city as built, once per process
        _demo_fingerprint.append(_fingerprint(demo_city.__wrapped__()))
    now = _fingerprint(demo_city())
    assert now == _demo_fingerprint[0], (
        f"{request.node.nodeid} changed the shared demo city; change a copy instead"
    )
