"""API fixtures: an app on a fresh SQLite store, with one token per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from warmgrid.api import create_app
from warmgrid.model.demo import demo_city
from warmgrid.store import Role, create_token, open_store


@dataclass
class Api:
    """A test client and the secrets of tokens of every role."""

    client: TestClient
    secrets: dict[str, str]
    store_url: str

    def auth(self, who: str) -> dict[str, str]:
        """The Authorization header of token ``who`` (role name or a name from setup)."""
        return {"Authorization": f"Bearer {self.secrets[who]}"}


@pytest.fixture(scope="session")
def city():
    """The embedded demo city (built once)."""
    return demo_city()


def make_api(directory: Path, city) -> Api:
    """An app on a new SQLite store in ``directory``, with tokens."""
    url = f"sqlite:///{directory / 'api.db'}"
    store = open_store(url)
    secrets: dict[str, str] = {}
    with store.write() as session:
        for name, role in [
            ("viewer", Role.VIEWER),
            ("operator", Role.OPERATOR),
            ("approver", Role.APPROVER),
            ("approver2", Role.APPROVER),
            ("admin", Role.ADMIN),
        ]:
            secrets[name] = create_token(session, name, role, "test")[1]
    store.close()
    return Api(TestClient(create_app(url, city)), secrets, url)


@pytest.fixture
def api(tmp_path: Path, city) -> Iterator[Api]:
    """A fresh API with the demo city."""
    made = make_api(tmp_path, city)
    with made.client:
        yield made


def incident_body(**extra: object) -> dict[str, object]:
    """A valid incident at CHP-5's switchyard."""
    return {
        "kind": "strike",
        "title": "Strike on CHP-5",
        "occurred_at": "2026-01-14T03:41:00+02:00",
        "time_precision": "minute",
        "location": {"type": "Point", "coordinates": [30.471753, 50.45]},
        "location_precision_m": 100,
        **extra,
    }


def report_body(text: str = "T1 to T3 out", **extra: object) -> dict[str, object]:
    """A valid report."""
    return {
        "source_name": "CHP-5 shift supervisor",
        "source_kind": "utility",
        "received_at": "2026-01-14T03:48:00+02:00",
        "quoted_text": text,
        "figures": [{"what": "transformers", "min": 3, "max": 3, "unit": "count"}],
        "certainty": "Observed",
        **extra,
    }


@pytest.fixture
def bodies():
    """Factories of valid request bodies."""
    return incident_body, report_body
