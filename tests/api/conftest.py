"""API fixtures: an app on a fresh SQLite store, with one token per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from warmgrid.api import create_app
from warmgrid.model.demo import demo_city
from warmgrid.store import Role, add_user, create_token, open_store

CAP = """<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{identifier}</identifier>
  <sender>emergency@city.example</sender>
  <sent>2026-01-14T04:00:00-00:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <category>Infra</category>
    <event>Heating outage</event>
    <urgency>Expected</urgency>
    <severity>Severe</severity>
    <certainty>Observed</certainty>
    <expires>2099-01-01T00:00:00-00:00</expires>
    <headline>Heating outage in the north district</headline>
    <description>No heating in the north district.</description>
    <area>
      <areaDesc>North district</areaDesc>
      <polygon>50.46,30.51 50.47,30.51 50.47,30.53 50.46,30.53 50.46,30.51</polygon>
    </area>
  </info>
</alert>"""


@dataclass
class Api:
    """A test client and the secrets of tokens of every role."""

    client: TestClient
    secrets: dict[str, str]
    store_url: str

    def cap(self, identifier: str, scope: str = "Public") -> str:
        """A valid CAP 1.2 alert (with a restriction or addresses when its scope needs one)."""
        xml = CAP.format(identifier=identifier)
        extra = {"Restricted": "<restriction>Utility crews only: gate code 4711</restriction>"}
        extra["Private"] = "<addresses>crew-7</addresses>"
        return xml.replace("<scope>Public</scope>", f"<scope>{scope}</scope>{extra.get(scope, '')}")

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
            user = add_user(session, name, role, "test")
            secrets[name] = create_token(session, user, role, "test")[1]
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
def cap_template() -> str:
    """A valid CAP 1.2 alert with an ``{identifier}`` placeholder."""
    return CAP


@pytest.fixture
def bodies():
    """Factories of valid request bodies."""
    return incident_body, report_body
