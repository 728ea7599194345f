"""Issue 8 item 5: NaN and Infinity are refused (422, never 5xx), bodies are limited
(413), and an error never echoes more than a short excerpt of the input."""

from __future__ import annotations

import re

import pytest

from warmgrid.api.guard import EXCERPT_CHARS, MAX_BODY_BYTES


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_item5_non_finite_numbers_are_422(api, number: str) -> None:
    raw = (
        '{"kind": "fire", "title": "Fire", "location": {"type": "Point", '
        f'"coordinates": [30.5, 50.4]}}, "location_precision_m": {number}}}'
    )
    answer = api.client.post(
        "/incidents",
        content=raw,
        headers={**api.auth("operator"), "Content-Type": "application/json"},
    )
    assert answer.status_code == 422, answer.text
    assert "NaN" in answer.json()["detail"] and answer.json()["field"] == "body"


def test_item5_nan_inside_a_string_is_text(api, bodies) -> None:
    incident_body, _ = bodies
    answer = api.client.post(
        "/incidents", json=incident_body(title="NaN Infinity street"), headers=api.auth("operator")
    )
    assert answer.status_code == 201, answer.text


def test_item5_bodies_over_the_limit_are_413_before_reading(api) -> None:
    huge = {"kind": "fire", "title": "x" * (MAX_BODY_BYTES + 10)}
    answer = api.client.post("/incidents", json=huge, headers=api.auth("operator"))
    assert answer.status_code == 413
    assert len(answer.content) < 200

    def chunks():  # no Content-Length: counted while streaming
        for _ in range(3):
            yield b"x" * (MAX_BODY_BYTES // 2)

    streamed = api.client.post(
        "/incidents",
        content=chunks(),
        headers={**api.auth("operator"), "Content-Type": "application/json"},
    )
    assert streamed.status_code == 413


def test_item5_errors_echo_only_a_short_excerpt(api, bodies) -> None:
    incident_body, _ = bodies
    long_title = "A" * 100_000
    answer = api.client.post(
        "/incidents", json=incident_body(title=long_title), headers=api.auth("operator")
    )
    assert answer.status_code == 422
    assert len(answer.content) < 1_000 and "A" * (EXCERPT_CHARS + 1) not in answer.text
    assert answer.json()["field"] == "body.title"
    cap = api.client.post(
        "/alert-messages", json={"cap_xml": "<alert>" + "B" * 900_000}, headers=api.auth("operator")
    )
    assert cap.status_code == 422 and len(cap.content) < 1_000


def test_item7_docs_load_only_local_assets(api) -> None:
    page = api.client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    sources += re.findall(r"(?:url|openapi_url)\s*:\s*'([^']+)'", page.text)
    assert sources and all(source.startswith("/") for source in sources), sources
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"):
        served = api.client.get(f"/docs-assets/{asset}")
        assert served.status_code == 200 and len(served.content) > 1_000
    assert "Apache License" in api.client.get("/docs-assets/LICENSE").text
    assert '"validatorUrl": null' in page.text  # Swagger UI's validator badge calls out
    assert api.client.get("/redoc").status_code == 404  # no page that needs a CDN


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"title": "   "}, "body.title", "blank"),
        ({"title": "Fire at \u202etxt.exe"}, "body.title", "bidirectional"),
        ({"occurred_at": "0001-01-01T00:00:00+00:00"}, "body.occurred_at", "after 1970"),
        ({"occurred_at": "9999-12-31T00:00:00+00:00"}, "body.occurred_at", "future"),
        (
            {"report": {"received_at": "2099-01-01T00:00:00+00:00"}},
            "body.report.received_at",
            "future",
        ),
        (
            {"report": {"figures": [{"what": "injured", "min": -3, "unit": "people"}]}},
            "body.report.figures.0",
            "negative",
        ),
    ],
)
def test_item8_bad_incident_data_is_refused_naming_the_field(
    api, bodies, change: dict, field: str, words: str
) -> None:
    incident_body, report_body = bodies
    if "report" in change:
        change = {"report": report_body(**change["report"])}
    answer = api.client.post(
        "/incidents", json=incident_body(**change), headers=api.auth("operator")
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field
    assert words in answer.json()["detail"][0]["msg"]
