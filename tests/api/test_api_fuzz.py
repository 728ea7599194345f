"""The API fuzzed from its own OpenAPI schema (schemathesis): no answer is a 5xx.

Bounded: a few examples per operation (the whole run stays well under a minute). Calls
carry an admin token so that the fuzzer reaches past authentication; the demo incidents
give the generated ids something to hit. The app is built at import (schemathesis
parametrises from it) on a SQLite file in a temporary directory removed at the end.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from warmgrid.api import create_app
from warmgrid.incidents.seed import seed_if_empty
from warmgrid.model.demo import demo_city
from warmgrid.scenario.spec import demo_scenario
from warmgrid.store import Role, add_user, create_token, open_store

EXAMPLES_PER_OPERATION = 10

_directory = tempfile.TemporaryDirectory(prefix="warmgrid-fuzz-")
_url = f"sqlite:///{Path(_directory.name) / 'fuzz.db'}"
_store = open_store(_url)
_city = demo_city()
seed_if_empty(_store, _city)
with _store.write() as _session:
    _fuzzer = add_user(_session, "fuzzer", Role.ADMIN, "t")
    _HEADERS = {"Authorization": f"Bearer {create_token(_session, _fuzzer, None, 't')[1]}"}
# Only the "examples" and "fuzzing" phases: the "coverage" phase alone runs hundreds of
# cases per operation.
_CONFIG = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}}
)
schema = schemathesis.openapi.from_asgi(
    "/openapi.json",
    create_app(_url, _city, store=_store, scenario=demo_scenario()),
    config=_CONFIG,
)


@pytest.fixture(scope="module", autouse=True)
def _cleanup() -> Iterator[None]:
    yield
    _store.close()
    _directory.cleanup()


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_errors(case) -> None:
    case.call_and_validate(headers=_HEADERS, checks=[not_a_server_error])
