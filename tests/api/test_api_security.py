"""Issue 8, security items: restricted alerts never public (1), no staff identity in
public answers (2), the two-person rule compares persons (3), no contradictory current
alerts (4), idempotency keys per user (6)."""

from __future__ import annotations

import pytest

STAFF_FIELDS = {"created_by", "published_by", "incident_id", "status", "scope"}


def _publish(api, alert_id: int, who: str = "approver") -> object:
    return api.client.post(f"/alert-messages/{alert_id}/publish", headers=api.auth(who))


def _draft_xml(api, identifier: str, scope: str = "Public", who: str = "operator") -> dict:
    xml = api.cap(identifier, scope)
    made = api.client.post("/alert-messages", json={"cap_xml": xml}, headers=api.auth(who))
    assert made.status_code == 201, made.text
    return made.json()


@pytest.mark.parametrize("scope", ["Restricted", "Private"])
def test_item1_restricted_and_private_alerts_are_never_public(api, scope: str) -> None:
    hidden = _draft_xml(api, f"hidden-{scope}", scope)
    shown = _draft_xml(api, "shown")
    for alert in (hidden, shown):
        assert _publish(api, alert["id"]).status_code == 200
    for query in ("", "?current=true"):
        listed = api.client.get(f"/alerts{query}").json()
        assert [row["id"] for row in listed] == [shown["id"]]
    for path in ("/alerts/{id}", "/alerts/{id}/cap"):
        assert api.client.get(path.format(id=hidden["id"])).status_code == 404
        assert api.client.get(path.format(id=shown["id"])).status_code == 200
    feed = api.client.get("/feed.atom").text
    assert "gate code" not in feed and f"hidden-{scope}" not in feed
    staff = api.client.get(f"/alert-messages/{hidden['id']}", headers=api.auth("viewer"))
    assert staff.status_code == 200 and staff.json()["scope"] == scope


def test_item2_public_answers_carry_no_staff_identity(api) -> None:
    alert = _draft_xml(api, "named")
    assert _publish(api, alert["id"]).status_code == 200
    for body in (
        api.client.get("/alerts").json()[0],
        api.client.get(f"/alerts/{alert['id']}").json(),
    ):
        assert not STAFF_FIELDS & set(body), body
        assert "operator" not in str(body) and "approver" not in str(body)
    schema = api.client.get("/openapi.json").json()["components"]["schemas"]
    assert not STAFF_FIELDS & set(schema["PublicAlertOut"]["properties"])
    internal = api.client.get(f"/alert-messages/{alert['id']}", headers=api.auth("viewer")).json()
    assert internal["created_by"].startswith("operator#")
    assert internal["published_by"].startswith("approver#")


def _user(api, name: str, role: str, by: str = "admin") -> dict:
    made = api.client.post("/users", json={"name": name, "role": role}, headers=api.auth(by))
    assert made.status_code == 201, made.text
    return made.json()


def _token(api, user_id: int, by: str = "admin", **extra: object) -> dict[str, str]:
    made = api.client.post("/tokens", json={"user_id": user_id, **extra}, headers=api.auth(by))
    assert made.status_code == 201, made.text
    return {"Authorization": f"Bearer {made.json()['secret']}"}


def test_item3_an_admin_cannot_approve_through_a_second_token_or_a_new_account(api) -> None:
    draft = _draft_xml(api, "self-approved", who="admin")
    me = api.client.get("/me", headers=api.auth("admin")).json()
    second_token = _token(api, me["user_id"])  # the admin's own second token
    assert _publish(api, draft["id"], "admin").status_code == 403
    refused = api.client.post(f"/alert-messages/{draft['id']}/publish", headers=second_token)
    assert refused.status_code == 403 and "another person" in refused.json()["detail"]
    puppet = _user(api, "puppet", "approver")  # an account the author provisioned
    refused = api.client.post(
        f"/alert-messages/{draft['id']}/publish", headers=_token(api, puppet["id"])
    )
    assert refused.status_code == 403
    approver2 = api.client.get("/me", headers=api.auth("approver2")).json()
    issued = _token(api, approver2["user_id"])  # a token the author issued to someone else
    refused = api.client.post(f"/alert-messages/{draft['id']}/publish", headers=issued)
    assert refused.status_code == 403
    assert _publish(api, draft["id"], "approver2").status_code == 200  # their own token


def test_item3_an_account_that_provisioned_the_author_cannot_approve(api) -> None:
    author = _user(api, "author", "operator")
    draft = api.client.post(
        "/alert-messages",
        json={"cap_xml": api.cap("by-puppet")},
        headers=_token(api, author["id"]),
    ).json()
    assert _publish(api, draft["id"], "admin").status_code == 403
    assert _publish(api, draft["id"], "approver").status_code == 200


def test_item3_users_tokens_and_roles(api) -> None:
    viewer = _user(api, "olha", "viewer")
    made = api.client.post(
        "/tokens", json={"user_id": viewer["id"], "role": "admin"}, headers=api.auth("admin")
    )
    assert made.status_code == 422 and "olha" in made.json()["detail"]
    headers = _token(api, viewer["id"])
    assert api.client.get("/me", headers=headers).json() == {
        "user_id": viewer["id"],
        "name": "olha",
        "role": "viewer",
        "token_id": api.client.get(
            "/tokens", params={"user_id": viewer["id"]}, headers=api.auth("admin")
        ).json()[0]["id"],
    }
    assert (
        api.client.post(
            "/users", json={"name": "olha", "role": "viewer"}, headers=api.auth("admin")
        ).status_code
        == 409
    )
    blank = api.client.post(
        "/users", json={"name": "  ", "role": "viewer"}, headers=api.auth("admin")
    )
    assert blank.status_code == 422
    disabled = api.client.post(f"/users/{viewer['id']}/disable", headers=api.auth("admin"))
    assert disabled.status_code == 200 and disabled.json()["disabled_at"]
    assert api.client.get("/me", headers=headers).status_code == 401
    assert api.client.get("/users", headers=api.auth("approver")).status_code == 403


def test_item4_an_update_and_a_cancel_of_one_alert_cannot_both_be_published(api) -> None:
    original = _draft_xml(api, "original")
    assert _publish(api, original["id"]).status_code == 200
    ops = api.auth("operator")
    update = api.client.post(
        f"/alert-messages/{original['id']}/update", json={"headline": "Worse"}, headers=ops
    ).json()
    cancel = api.client.post(f"/alert-messages/{original['id']}/cancel", json={}, headers=ops)
    cancel = cancel.json()
    assert _publish(api, update["id"]).status_code == 200
    refused = _publish(api, cancel["id"])
    assert refused.status_code == 409 and "no longer current" in refused.json()["detail"]
    current = [row["identifier"] for row in api.client.get("/alerts?current=true").json()]
    assert current == [update["identifier"]]
    drafted = _draft_xml(api, "draft-only")
    reference = f"emergency@city.example,{drafted['identifier']},2026-01-14T04:00:00-00:00"
    xml = api.cap("refers-to-draft").replace(
        "<msgType>Alert</msgType>", "<msgType>Update</msgType>"
    )
    xml = xml.replace("</scope>", f"</scope>\n  <references>{reference}</references>")
    made = api.client.post("/alert-messages", json={"cap_xml": xml}, headers=ops)
    assert made.status_code == 201, made.text
    refused = _publish(api, made.json()["id"])
    assert refused.status_code == 409 and "draft" in refused.json()["detail"]


def test_item6_idempotency_keys_are_scoped_per_user(api, bodies) -> None:
    incident_body, report_body = bodies
    incident = api.client.post("/incidents", json=incident_body(), headers=api.auth("operator"))
    path = f"/incidents/{incident.json()['id']}/reports"
    key = {"Idempotency-Key": "shift-report-1"}
    mine = api.client.post(
        path, json=report_body("mine: T1 out"), headers={**api.auth("operator"), **key}
    )
    assert mine.status_code == 201
    theirs = api.client.post(
        path, json=report_body("theirs: T2 out"), headers={**api.auth("approver"), **key}
    )
    assert theirs.status_code == 201, theirs.text
    assert theirs.json()["quoted_text"] == "theirs: T2 out"
    assert theirs.json()["id"] != mine.json()["id"]
    again = api.client.post(
        path, json=report_body("mine: T1 out"), headers={**api.auth("operator"), **key}
    )
    assert again.status_code == 200 and again.json()["id"] == mine.json()["id"]
