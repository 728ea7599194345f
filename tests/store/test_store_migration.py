"""Item 3 of issue 8 on existing stores: migration 0002 gives every token a user, keeps
who provisioned whom, and reads each alert's scope from its CAP XML."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from warmgrid.store import Role, alert_log, authenticate, open_store
from warmgrid.store.migrate import upgrade
from warmgrid.store.models import Alert, ApiToken, Report, User
from warmgrid.store.tokens import hash_secret

NOW = "2026-01-14 04:00:00"


def test_item3_migration_gives_existing_tokens_users_and_keeps_the_rule(
    tmp_path: Path, make_cap
) -> None:
    def _cap(identifier: str, scope: str) -> bytes:
        restricted = f"<scope>{scope}</scope><restriction>crews</restriction>"
        return make_cap(identifier).replace(b"<scope>Public</scope>", restricted.encode())

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    upgrade(engine, "0001")
    tokens = [  # id, name, role, created_by: olena (admin) made a second token and petro's
        (1, "olena", "admin", "cli:root"),
        (2, "olena", "approver", "olena#1"),
        (3, "petro", "approver", "olena#1"),
        (4, "ivan", "operator", "cli:root"),
    ]
    with engine.begin() as connection:
        for token_id, name, role, created_by in tokens:
            connection.execute(
                text(
                    "INSERT INTO api_tokens (id, name, role, token_sha256, created_at,"
                    " created_by) VALUES (:id, :name, :role, :sha, :at, :by)"
                ),
                {
                    "id": token_id,
                    "name": name,
                    "role": role,
                    "sha": hash_secret(f"secret-{token_id}"),
                    "at": NOW,
                    "by": created_by,
                },
            )
        for alert_id, identifier, scope, author in (
            (1, "public-1", "Public", "olena#1"),
            (2, "restricted-1", "Restricted", "ivan#4"),
        ):
            connection.execute(
                text(
                    "INSERT INTO alerts (id, identifier, sender, sent, msg_type, headline,"
                    " cap_references, xml, status, created_at, created_by) VALUES"
                    " (:id, :ident, 's', 't', 'Alert', 'h', '', :xml, 'draft', :at, :by)"
                ),
                {
                    "id": alert_id,
                    "ident": identifier,
                    "xml": _cap(identifier, scope),
                    "at": NOW,
                    "by": author,
                },
            )
        connection.execute(
            text(
                "INSERT INTO incidents (id, kind, status, title, description, time_precision,"
                " revision, created_at, created_by, updated_at, updated_by) VALUES"
                " (1, 'fire', 'reported', 't', '', 'unknown', 1, :at, 'x', :at, 'x')"
            ),
            {"at": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO reports (incident_id, source_name, source_kind, received_at,"
                " quoted_text, figures, certainty, submitted_by, created_at, idempotency_key)"
                " VALUES (1, 's', 'public', :at, 'q', '[]', 'Unknown', 'ivan#4', :at, 'k')"
            ),
            {"at": NOW},
        )
    engine.dispose()

    store = open_store(url)
    with store.read() as session:
        users = {u.name: u for u in session.query(User)}
        assert {name: u.role for name, u in users.items()} == {
            "olena": "admin",
            "petro": "approver",
            "ivan": "operator",
        }
        assert users["petro"].created_by_user_id == users["olena"].id
        owners = {t.id: t.user_id for t in session.query(ApiToken)}
        assert owners == {
            1: users["olena"].id,
            2: users["olena"].id,
            3: users["petro"].id,
            4: users["ivan"].id,
        }
        scopes = {a.identifier: (a.scope, a.created_by_user_id) for a in session.query(Alert)}
        assert scopes == {
            "public-1": ("Public", users["olena"].id),
            "restricted-1": ("Restricted", users["ivan"].id),
        }
        assert session.query(Report).one().submitted_by_user_id == users["ivan"].id
        second_token = authenticate(session, "secret-2")
        petro = authenticate(session, "secret-3")
    assert second_token is not None and petro is not None
    assert second_token.user_id == users["olena"].id and petro.role is Role.APPROVER
    refused = []
    for approver in (second_token, petro):  # olena's own second token, and her petro
        try:
            with store.write() as session:
                alert_log.publish(session, 1, approver)
        except alert_log.ForbiddenError:
            refused.append(approver.name)
    assert refused == ["olena", "petro"]
    store.close()
