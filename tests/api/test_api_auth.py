"""Authorization: 401 without a token, 403 below the needed role, no self-approval,
and the public endpoints show published alerts only."""

from __future__ import annotations

import re

import pytest

PUBLIC = {
    ("GET", "/health"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/alerts"),
    ("GET", "/alerts/{alert_id}"),
}
PUBLIC |= {("GET", "/alerts/{alert_id}/cap"), ("GET", "/feed.atom")}
PUBLIC |= {("GET", "/public/data"), ("GET", "/public/buildings")}
PUBLIC |= {("POST", "/session"), ("GET", "/session"), ("DELETE", "/session")}
PUBLIC |= {("GET", "/public/rotation"), ("GET", "/public/rotation/lookup")}
PUBLIC |= {
    ("GET", "/public/rotation/schedule.csv"),
    ("GET", "/public/rotation/groups/{group_id}.ics"),
}
DOCS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def operations(api) -> list[tuple[str, str]]:
    """Every (method, path) of the app's own OpenAPI schema."""
    schema = api.client.get("/openapi.json").json()
    return [
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if path not in DOCS
    ]


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_the_schema_lists_the_endpoints(api) -> None:
    found = set(operations(api))
    assert ("POST", "/incidents/{incident_id}/reports") in found
    assert ("POST", "/alert-messages/{alert_id}/publish") in found
    assert found >= PUBLIC


def test_every_private_endpoint_needs_a_token(api) -> None:
    private = [op for op in operations(api) if op not in PUBLIC]
    assert len(private) > 15
    for method, path in private:
        response = api.client.request(method, concrete(path), json={})
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["www-authenticate"] == "Bearer"
        assert "token" in response.json()["detail"]
        bad = api.client.request(
            method, concrete(path), json={}, headers={"Authorization": "Bearer wg_nope"}
        )
        assert bad.status_code == 401, (method, path)


def test_a_viewer_cannot_write(api) -> None:
    writes = [(m, p) for m, p in operations(api) if m != "GET" and (m, p) not in PUBLIC]
    assert len(writes) > 10
    for method, path in writes:
        response = api.client.request(method, concrete(path), json={}, headers=api.auth("viewer"))
        assert response.status_code == 403, (method, path, response.text)


def test_admin_endpoints_refuse_lower_roles(api) -> None:
    for who in ("viewer", "operator", "approver"):
        assert api.client.get("/audit", headers=api.auth(who)).status_code == 403
        response = api.client.post(
            "/tokens", json={"name": "x", "role": "admin"}, headers=api.auth(who)
        )
        assert response.status_code == 403


def test_revoked_token_stops_working(api) -> None:
    user = api.client.post(
        "/users", json={"name": "temp", "role": "viewer"}, headers=api.auth("admin")
    ).json()
    made = api.client.post("/tokens", json={"user_id": user["id"]}, headers=api.auth("admin"))
    assert made.status_code == 201
    token = made.json()
    headers = {"Authorization": f"Bearer {token['secret']}"}
    assert api.client.get("/incidents", headers=headers).status_code == 200
    revoked = api.client.post(f"/tokens/{token['id']}/revoke", headers=api.auth("admin"))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert api.client.get("/incidents", headers=headers).status_code == 401
    listed = api.client.get("/tokens", headers=api.auth("admin")).json()
    assert all("secret" not in row for row in listed)


AIR = {
    "district": "Pivnichnyi",
    "polygon": [[30.51, 50.46], [30.53, 50.46], [30.53, 50.47], [30.51, 50.47]],
}


def _draft(api, who: str = "approver") -> dict:
    response = api.client.post(
        "/alert-messages/compose/air-threat", json=AIR, headers=api.auth(who)
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_an_author_cannot_approve_their_own_alert(api) -> None:
    draft = _draft(api, "approver")
    own = api.client.post(f"/alert-messages/{draft['id']}/publish", headers=api.auth("approver"))
    assert own.status_code == 403
    assert "another person" in own.json()["detail"]
    by_operator = api.client.post(
        f"/alert-messages/{draft['id']}/publish", headers=api.auth("operator")
    )
    assert by_operator.status_code == 403
    other = api.client.post(f"/alert-messages/{draft['id']}/publish", headers=api.auth("approver2"))
    assert other.status_code == 200 and other.json()["status"] == "published"
    again = api.client.post(f"/alert-messages/{draft['id']}/publish", headers=api.auth("admin"))
    assert again.status_code == 409


@pytest.mark.parametrize("path", ["/alerts/{id}", "/alerts/{id}/cap"])
def test_public_endpoints_show_only_published_alerts(api, path: str) -> None:
    draft = _draft(api, "operator")
    published = _draft(api, "operator")
    assert (
        api.client.post(
            f"/alert-messages/{published['id']}/publish", headers=api.auth("approver")
        ).status_code
        == 200
    )
    listed = api.client.get("/alerts").json()
    assert [row["id"] for row in listed] == [published["id"]]
    assert api.client.get(path.format(id=draft["id"])).status_code == 404
    assert api.client.get(path.format(id=published["id"])).status_code == 200
    feed = api.client.get("/feed.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert f"/alerts/{published['id']}/cap" in feed.text
    assert f"/alerts/{draft['id']}/cap" not in feed.text
    internal = api.client.get("/alert-messages", headers=api.auth("viewer")).json()
    assert {row["id"] for row in internal} == {draft["id"], published["id"]}
