"""Issue 8 item 22: the server's CAP sender, sender name and public URL are settings."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from warmgrid.alerts.deployment import Deployment
from warmgrid.api import create_app
from warmgrid.store import Role, add_user, create_token, open_store

AIR = {
    "district": "Pivnichnyi",
    "polygon": [[30.51, 50.46], [30.53, 50.46], [30.53, 50.47], [30.51, 50.47]],
}


def test_item22_served_alerts_use_the_deployment_settings(tmp_path: Path, city) -> None:
    url = f"sqlite:///{tmp_path / 'deployed.db'}"
    store = open_store(url)
    with store.write() as session:
        headers = {}
        for name, role in (("author", Role.OPERATOR), ("boss", Role.APPROVER)):
            user = add_user(session, name, role, "test")
            headers[name] = {"Authorization": f"Bearer {create_token(session, user, None, 't')[1]}"}
    deployment = Deployment.checked(
        "alerts@kyiv.example", "Kyiv emergency centre", "https://alerts.kyiv.example"
    )
    app = create_app(url, city, store=store, deployment=deployment)
    with TestClient(app) as client:
        draft = client.post(
            "/alert-messages/compose/air-threat", json=AIR, headers=headers["author"]
        ).json()
        assert draft["sender"] == "alerts@kyiv.example"
        client.post(f"/alert-messages/{draft['id']}/publish", headers=headers["boss"])
        xml = client.get(f"/alerts/{draft['id']}/cap").text
        assert "<senderName>Kyiv emergency centre</senderName>" in xml
        feed = client.get("/feed.atom").text
        assert "<id>https://alerts.kyiv.example/feed.atom</id>" in feed
        assert f"https://alerts.kyiv.example/alerts/{draft['id']}/cap" in feed
        assert "testserver" not in feed
    store.close()
