"""Browser sessions live in the store: a restarted server keeps everyone signed in, the
store holds no usable session id, and revoking the token ends its sessions."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from sqlalchemy import select

from warmgrid.api import create_app
from warmgrid.api.session_store import SESSION_COOKIE
from warmgrid.store import Role, add_user, create_token, open_store
from warmgrid.store.models import AuditEntry, BrowserSessionRecord
from warmgrid.store.tokens import hash_secret


@contextmanager
def serving(url: str) -> Iterator[str]:
    """A new app and uvicorn server on the store at ``url`` (its base URL), stopped at
    the end: nothing of it outlives the block but the store."""
    store = open_store(url)
    app = create_app(url, store=store)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.close()


def _tokens(url: str) -> dict[str, tuple[int, str]]:
    store = open_store(url)
    out = {}
    with store.write() as session:
        for name, role in (("operator", Role.OPERATOR), ("admin", Role.ADMIN)):
            token, secret = create_token(session, add_user(session, name, role, "test"), role, "t")
            out[name] = (token.id, secret)
    store.close()
    return out


def test_sessions_survive_a_restart_and_end_with_their_token(fresh_database: str) -> None:
    tokens = _tokens(fresh_database)
    with serving(fresh_database) as base:
        signed = httpx.post(f"{base}/session", json={"token": tokens["operator"][1]})
        assert signed.status_code == 201, signed.text
        cookie = signed.cookies[SESSION_COOKIE]
        csrf = signed.json()["csrf_token"]
    with serving(fresh_database) as base:
        client = httpx.Client(base_url=base, cookies={SESSION_COOKIE: cookie})
        me = client.get("/session").json()
        assert me["signed_in"] and me["name"] == "operator" and me["csrf_token"] == csrf
        assert 0 < me["expires_in_s"] <= 8 * 3600
        assert client.get("/incidents").status_code == 200
        body = {"kind": "strike", "title": "After restart", "time_precision": "unknown"}
        assert client.post("/incidents", json=body).status_code == 403  # no CSRF header
        made = client.post("/incidents", json=body, headers={"X-CSRF-Token": csrf})
        assert made.status_code == 201, made.text
        admin = {"Authorization": f"Bearer {tokens['admin'][1]}"}
        revoked = httpx.post(f"{base}/tokens/{tokens['operator'][0]}/revoke", headers=admin)
        assert revoked.status_code == 200
        assert client.get("/session").json()["signed_in"] is False
        assert client.get("/incidents").status_code == 401
    store = open_store(fresh_database)
    with store.read() as session:
        rows = list(session.scalars(select(BrowserSessionRecord)))
        actions = list(session.scalars(select(AuditEntry.action)))
    store.close()
    assert [row.session_sha256 for row in rows] == [hash_secret(cookie)]
    assert rows[0].token_id == tokens["operator"][0]
    assert "session.open" in actions


def test_sign_out_ends_the_session_on_every_server(fresh_database: str) -> None:
    tokens = _tokens(fresh_database)
    with serving(fresh_database) as first, serving(fresh_database) as second:
        signed = httpx.post(f"{first}/session", json={"token": tokens["operator"][1]})
        cookie = {SESSION_COOKIE: signed.cookies[SESSION_COOKIE]}
        assert httpx.get(f"{second}/session", cookies=cookie).json()["signed_in"] is True
        assert httpx.delete(f"{first}/session", cookies=cookie).status_code == 204
        time.sleep(5.1)  # the second server's cache of checked sessions lapses
        assert httpx.get(f"{second}/session", cookies=cookie).json()["signed_in"] is False
    store = open_store(fresh_database)
    with store.read() as session:
        ended = session.scalar(select(BrowserSessionRecord.ended_at))
    store.close()
    assert ended is not None
