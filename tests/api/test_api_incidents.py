"""Incidents, reports, damage and assessments through the API."""

from __future__ import annotations

import numpy as np

from warmgrid.impact import Damage, assess
from warmgrid.model import compile_city


def _create(api, bodies, **extra) -> dict:
    incident_body, _ = bodies
    response = api.client.post(
        "/incidents", json=incident_body(**extra), headers=api.auth("operator")
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_incident_lifecycle_keeps_every_revision(api, bodies) -> None:
    _, report_body = bodies
    created = _create(api, bodies, report=report_body())
    assert created["status"] == "reported" and created["revision"] == 1
    ops = api.auth("operator")
    wrong = api.client.patch(
        f"/incidents/{created['id']}", json={"status": "resolved", "reason": "r"}, headers=ops
    )
    assert wrong.status_code == 409 and "allowed: confirmed, ruled_out" in wrong.json()["detail"]
    for status in ("confirmed", "resolved"):
        moved = api.client.patch(
            f"/incidents/{created['id']}", json={"status": status, "reason": "ok"}, headers=ops
        )
        assert moved.status_code == 200 and moved.json()["status"] == status
    history = api.client.get(
        f"/incidents/{created['id']}/revisions", headers=api.auth("viewer")
    ).json()
    assert [r["state"]["status"] for r in history] == ["reported", "confirmed", "resolved"]
    assert all(r["changed_by"] == "operator#2" for r in history)
    assert [r["reason"] for r in history] == ["created", "ok", "ok"]
    reports = api.client.get(
        f"/incidents/{created['id']}/reports", headers=api.auth("viewer")
    ).json()
    assert reports[0]["figures"] == [{"what": "transformers", "min": 3, "max": 3, "unit": "count"}]
    assert reports[0]["received_at"] == "2026-01-14T03:48:00+02:00"


def test_item23_times_are_answered_on_the_city_clock(api, bodies) -> None:
    incident_body, report_body = bodies
    made = api.client.post(
        "/incidents",
        json=incident_body(occurred_at="2026-01-14T01:41:00Z", report=report_body()),
        headers=api.auth("operator"),
    ).json()
    assert made["occurred_at"] == "2026-01-14T03:41:00+02:00"  # Europe/Kyiv in winter
    assert made["created_at"].endswith("+02:00")
    summer = api.client.patch(
        f"/incidents/{made['id']}",
        json={"occurred_at": "2026-07-01T09:00:00-04:00", "reason": "wrong day"},
        headers=api.auth("operator"),
    ).json()
    assert summer["occurred_at"] == "2026-07-01T16:00:00+03:00"  # summer time
    stored = api.client.get(f"/incidents/{made['id']}/revisions", headers=api.auth("viewer"))
    assert stored.json()[-1]["reason"] == "wrong day"


def test_retried_report_is_stored_once(api, bodies) -> None:
    _, report_body = bodies
    incident = _create(api, bodies)
    url = f"/incidents/{incident['id']}/reports"
    headers = {**api.auth("operator"), "Idempotency-Key": "retry-7"}
    first = api.client.post(url, json=report_body(), headers=headers)
    second = api.client.post(url, json=report_body(), headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    clash = api.client.post(url, json=report_body("other text"), headers=headers)
    assert clash.status_code == 409 and "retry-7" in clash.json()["detail"]
    assert len(api.client.get(url, headers=api.auth("viewer")).json()) == 1


INVALID = [
    ({"kind": "meteor"}, "kind"),
    ({"title": ""}, "title"),
    ({"occurred_at": "2026-01-14T03:41:00"}, "occurred_at"),  # no time zone
    ({"location": {"type": "Point", "coordinates": [200, 50]}}, "location"),
    (
        {"location": {"type": "Polygon", "coordinates": [[[30, 50], [31, 50], [31, 51]]]}},
        "location",
    ),
    (
        {
            "location": {
                "type": "Polygon",
                "coordinates": [[[30, 50], [31, 50], [31, 51], [30, 51]]],
            }
        },
        "closed",
    ),
    ({"location_precision_m": -5}, "location_precision_m"),
    ({"time_precision": "minute", "occurred_at": None}, "occurred_at"),
    ({"unexpected": 1}, "unexpected"),
    ({"title": "bad\u0000title"}, "control characters"),
]


def test_invalid_incidents_get_a_4xx_with_a_message(api, bodies) -> None:
    incident_body, report_body = bodies
    for change, words in INVALID:
        response = api.client.post(
            "/incidents", json=incident_body(**change), headers=api.auth("operator")
        )
        assert response.status_code == 422, (change, response.text)
        assert words in response.text, (change, response.text)
    bad_figure = report_body(figures=[{"what": "drones", "min": 10, "max": 2}])
    incident = _create(api, bodies)
    response = api.client.post(
        f"/incidents/{incident['id']}/reports", json=bad_figure, headers=api.auth("operator")
    )
    assert response.status_code == 422 and "above max" in response.text
    missing = api.client.post(
        "/incidents/999/reports", json=report_body(), headers=api.auth("operator")
    )
    assert missing.status_code == 404 and "999" in missing.json()["detail"]


def test_confirmed_damage_feeds_the_impact(api, bodies, city) -> None:
    incident = _create(api, bodies)
    ops = api.auth("operator")
    candidates = api.client.get(
        f"/incidents/{incident['id']}/candidates?radius_m=100", headers=ops
    ).json()
    ids = [c["asset_id"] for c in candidates]
    assert {"power.trafo.0", "power.trafo.1", "power.trafo.2", "power.trafo.3"} <= set(ids)
    assert all(c["distance_m"] <= 100 for c in candidates)
    for asset_id in ("power.trafo.0", "power.trafo.1", "power.trafo.2", "power.trafo.3"):
        made = api.client.post(
            f"/incidents/{incident['id']}/damage", json={"asset_id": asset_id}, headers=ops
        )
        assert made.status_code == 201, made.text
    unknown = api.client.post(
        f"/incidents/{incident['id']}/damage", json={"asset_id": "power.trafo.999"}, headers=ops
    )
    assert unknown.status_code == 422 and "power.trafo.999" in unknown.json()["detail"]
    assessment = api.client.post("/assessments", json={}, headers=ops)
    assert assessment.status_code == 201, assessment.text
    result = assessment.json()["result"]
    expected = assess(
        compile_city(city),
        Damage(asset_ids=("power.trafo.0", "power.trafo.1", "power.trafo.2", "power.trafo.3")),
    )
    assert result["people_without_heat"] == expected.people_without_heat > 0
    assert len(result["buildings_without_heat"]) == int(np.sum(expected.building_without_heat))
    assert result["damaged_assets"] == expected.damaged_asset_ids
    link_id = api.client.get(f"/incidents/{incident['id']}/damage", headers=ops).json()[0]["id"]
    retracted = api.client.post(
        f"/incidents/{incident['id']}/damage/{link_id}/retract", headers=ops
    )
    assert retracted.status_code == 200 and retracted.json()["retracted_at"]
    again = api.client.post("/assessments", json={}, headers=ops).json()
    assert "power.trafo.0" not in again["asset_ids"] and len(again["asset_ids"]) == 3


def test_every_write_is_in_the_audit_log(api, bodies) -> None:
    incident = _create(api, bodies)
    api.client.patch(
        f"/incidents/{incident['id']}",
        json={"title": "Corrected", "reason": "typo"},
        headers=api.auth("operator"),
    )
    audit = api.client.get(
        f"/audit?target_type=incident&target_id={incident['id']}", headers=api.auth("admin")
    ).json()
    assert [(e["action"], e["actor"]) for e in audit] == [
        ("incident.create", "operator#2"),
        ("incident.revise", "operator#2"),
    ]
    assert audit[1]["detail"]["changes"] == {"title": ["Strike on CHP-5", "Corrected"]}
