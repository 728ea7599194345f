"""Alerts through the API: drafts from CAP XML or composed, publication, updates,
cancels and the all-clear as new messages, the feed, hostile XML."""

from __future__ import annotations

from lxml import etree

from warmgrid.alerts.validate import validate_cap

AIR = {
    "district": "Pivnichnyi",
    "polygon": [[30.51, 50.46], [30.53, 50.46], [30.53, 50.47], [30.51, 50.47]],
}


def _publish(api, alert_id: int) -> dict:
    response = api.client.post(f"/alert-messages/{alert_id}/publish", headers=api.auth("approver"))
    assert response.status_code == 200, response.text
    return response.json()


def test_draft_from_cap_xml_and_its_refusals(api, cap_template: str) -> None:
    ops = api.auth("operator")
    made = api.client.post(
        "/alert-messages", json={"cap_xml": cap_template.format(identifier="city-1")}, headers=ops
    )
    assert made.status_code == 201 and made.json()["headline"].startswith("Heating outage")
    duplicate = api.client.post(
        "/alert-messages", json={"cap_xml": cap_template.format(identifier="city-1")}, headers=ops
    )
    assert duplicate.status_code == 409
    broken = cap_template.format(identifier="city-2").replace(
        "<expires>2099-01-01T00:00:00-00:00", "<x>"
    )
    refused = api.client.post("/alert-messages", json={"cap_xml": broken}, headers=ops)
    assert refused.status_code == 422 and "cap_xml" in refused.json()["detail"]
    no_expiry = cap_template.format(identifier="city-3").replace(
        "<expires>2099-01-01T00:00:00-00:00</expires>", ""
    )
    refused = api.client.post("/alert-messages", json={"cap_xml": no_expiry}, headers=ops)
    assert refused.status_code == 422 and "expires" in refused.json()["detail"]


HOSTILE = [
    """<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&x;</identifier></alert>""",
    """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol3;</identifier></alert>""",
    """<?xml version="1.0"?><!DOCTYPE a SYSTEM "http://127.0.0.1:9/evil.dtd">
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>""",
    "<alert>" + "<a>" * 10 + "x" * 1_000_000,
    "not xml at all",
]


def test_hostile_xml_is_a_4xx(api) -> None:
    for document in HOSTILE:
        response = api.client.post(
            "/alert-messages", json={"cap_xml": document}, headers=api.auth("operator")
        )
        assert response.status_code == 422, response.text[:300]
        assert "root:" not in response.text  # nothing of /etc/passwd


def test_air_threat_then_all_clear_replaces_it_in_the_feed(api) -> None:
    ops = api.auth("operator")
    alert = api.client.post("/alert-messages/compose/air-threat", json=AIR, headers=ops).json()
    cap = api.client.get(f"/alert-messages/{alert['id']}/cap", headers=ops).content
    report = validate_cap(cap, feed_rules=True)
    assert report.valid, report.errors
    languages = etree.fromstring(cap).findall(".//{urn:oasis:names:tc:emergency:cap:1.2}language")
    assert len(languages) >= 2  # one info block per language
    draft_clear = api.client.post(f"/alert-messages/{alert['id']}/all-clear", json={}, headers=ops)
    assert draft_clear.status_code == 409  # only published messages are followed up
    _publish(api, alert["id"])
    clear = api.client.post(f"/alert-messages/{alert['id']}/all-clear", json={}, headers=ops)
    assert clear.status_code == 201, clear.text
    assert alert["identifier"] in clear.json()["cap_references"]
    assert clear.json()["msg_type"] == "Update"
    feed = api.client.get("/feed.atom").text
    assert f"/alerts/{alert['id']}/cap" in feed  # the all-clear is only a draft so far
    _publish(api, clear.json()["id"])
    feed = api.client.get("/feed.atom").text
    assert f"/alerts/{alert['id']}/cap" not in feed
    assert f"/alerts/{clear.json()['id']}/cap" in feed
    old = api.client.get(f"/alerts/{alert['id']}").json()
    assert old["superseded_by"] == clear.json()["identifier"]
    assert api.client.get(f"/alerts/{alert['id']}/cap").content == cap  # unchanged
    stale = api.client.post(f"/alert-messages/{alert['id']}/cancel", json={}, headers=ops)
    assert stale.status_code == 409 and "superseded" in stale.json()["detail"]
    current = api.client.get("/alerts?current=true").json()
    assert [row["id"] for row in current] == [clear.json()["id"]]


def test_update_and_cancel_are_new_messages(api, cap_template: str) -> None:
    ops = api.auth("operator")
    made = api.client.post(
        "/alert-messages", json={"cap_xml": cap_template.format(identifier="city-9")}, headers=ops
    ).json()
    _publish(api, made["id"])
    updated = api.client.post(
        f"/alert-messages/{made['id']}/update",
        json={"headline": "Heating back by 18:00", "expires_after_minutes": 180},
        headers=ops,
    )
    assert updated.status_code == 201, updated.text
    assert updated.json()["headline"] == "Heating back by 18:00"
    assert "city-9" in updated.json()["cap_references"]
    _publish(api, updated.json()["id"])
    cancelled = api.client.post(
        f"/alert-messages/{updated.json()['id']}/cancel",
        json={"reason": "heating restored"},
        headers=ops,
    )
    assert cancelled.status_code == 201 and cancelled.json()["msg_type"] == "Cancel"
    refs = cancelled.json()["cap_references"]
    assert "city-9" in refs and updated.json()["identifier"] in refs
    all_messages = api.client.get("/alert-messages", headers=ops).json()
    assert len(all_messages) == 3  # nothing replaced in place


def test_outage_alerts_from_an_assessment(api, bodies) -> None:
    incident_body, _ = bodies
    ops = api.auth("operator")
    incident = api.client.post("/incidents", json=incident_body(), headers=ops).json()
    api.client.post(
        f"/incidents/{incident['id']}/damage", json={"asset_id": "power.trafo.0"}, headers=ops
    )
    for asset_id in ("power.trafo.1", "power.trafo.2", "power.trafo.3"):
        api.client.post(
            f"/incidents/{incident['id']}/damage", json={"asset_id": asset_id}, headers=ops
        )
    assessment = api.client.post("/assessments", json={}, headers=ops).json()
    made = api.client.post(
        "/alert-messages/compose/outage",
        json={
            "assessment_id": assessment["id"],
            "warming_centres": [{"name": "School 5", "lon": 30.5, "lat": 50.45}],
            "etr_hours": 12,
            "incident_id": incident["id"],
        },
        headers=ops,
    )
    assert made.status_code == 201, made.text
    assert len(made.json()) >= 1
    assert all(row["incident_id"] == incident["id"] for row in made.json())
    cap = api.client.get(f"/alert-messages/{made.json()[0]['id']}/cap", headers=ops).content
    assert validate_cap(cap, feed_rules=True).valid
    assert b"School 5" in cap


def test_outage_alerts_without_a_plan_name_the_buildings_on_backup(api, bodies) -> None:
    """Without a plan the composed alerts see the assessment as the scenario pipeline does
    at its start: a building off the grid on its backup generator is listed to be
    refuelled, not counted as without power."""
    incident_body, _ = bodies
    ops = api.auth("operator")
    incident = api.client.post("/incidents", json=incident_body(), headers=ops).json()
    api.client.post(
        f"/incidents/{incident['id']}/damage", json={"asset_id": "power.line.70"}, headers=ops
    )
    assessment = api.client.post("/assessments", json={}, headers=ops).json()
    made = api.client.post(
        "/alert-messages/compose/outage",
        json={"assessment_id": assessment["id"], "etr_hours": 6},
        headers=ops,
    )
    assert made.status_code == 201, made.text
    caps = [
        api.client.get(f"/alert-messages/{row['id']}/cap", headers=ops).content
        for row in made.json()
    ]
    assert any(b"On backup generators" in cap and b"Care Home No. 2" in cap for cap in caps)
    assert all(b"12 \xc2\xb0C" not in cap for cap in caps)  # no cool-down without a forecast
