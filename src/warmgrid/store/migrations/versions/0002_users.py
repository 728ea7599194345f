"""User accounts: tokens belong to a person; alerts record their scope and the persons
who drafted and published them; idempotency keys are scoped per user.

Existing stores: one user per distinct token name (with the highest role of that name's
tokens); each token is issued to its user, and the user of the token that created it
(``created_by`` = ``name#id``) becomes its provisioner; alerts and reports get the users
of the tokens that wrote them; each alert's scope is read from its CAP XML.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from lxml import etree

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("viewer", "operator", "approver", "admin")


def _token_id(actor: str | None) -> int | None:
    """The token id of an actor written as ``name#id``."""
    if not actor or "#" not in actor:
        return None
    tail = actor.rsplit("#", 1)[1]
    return int(tail) if tail.isdigit() else None


def _scope(xml: bytes) -> str:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(xml, parser)
    found = root.find("{*}scope")
    return (found.text or "Public").strip() if found is not None else "Public"


def _create_users_for_tokens(bind: sa.Connection) -> dict[int, int]:
    """Create one user per token name; returns token id → user id."""
    tokens = bind.execute(sa.text("SELECT id, name, role, created_at FROM api_tokens")).all()
    best: dict[str, tuple[str, object]] = {}
    for _id, name, role, created_at in tokens:
        known = best.get(name)
        if known is None or ROLES.index(role) > ROLES.index(known[0]):
            best[name] = (role, known[1] if known else created_at)
    user_of_name: dict[str, int] = {}
    for name, (role, created_at) in sorted(best.items()):
        bind.execute(
            sa.text(
                "INSERT INTO users (name, role, created_at, created_by)"
                " VALUES (:name, :role, :at, 'migration 0002')"
            ),
            {"name": name[:100], "role": role, "at": created_at},
        )
        found = bind.execute(sa.text("SELECT id FROM users WHERE name = :n"), {"n": name[:100]})
        user_of_name[name] = int(found.scalar_one())
    return {token_id: user_of_name[name] for token_id, name, _role, _at in tokens}


def _backfill(bind: sa.Connection, user_of_token: dict[int, int]) -> None:
    for token_id, created_by in bind.execute(sa.text("SELECT id, created_by FROM api_tokens")):
        bind.execute(
            sa.text("UPDATE api_tokens SET user_id = :u, created_by_user_id = :c WHERE id = :id"),
            {
                "u": user_of_token[token_id],
                "c": user_of_token.get(_token_id(created_by) or -1),
                "id": token_id,
            },
        )
    for token_id, user_id in user_of_token.items():
        bind.execute(
            sa.text(
                "UPDATE users SET created_by_user_id = ("
                " SELECT created_by_user_id FROM api_tokens WHERE id = :t)"
                " WHERE id = :u AND created_by_user_id IS NULL"
            ),
            {"t": token_id, "u": user_id},
        )
    rows = bind.execute(sa.text("SELECT id, created_by, published_by, xml FROM alerts")).all()
    for alert_id, created_by, published_by, xml in rows:
        bind.execute(
            sa.text(
                "UPDATE alerts SET scope = :s, created_by_user_id = :c,"
                " published_by_user_id = :p WHERE id = :id"
            ),
            {
                "s": _scope(bytes(xml)),
                "c": user_of_token.get(_token_id(created_by) or -1),
                "p": user_of_token.get(_token_id(published_by) or -1),
                "id": alert_id,
            },
        )
    for report_id, submitted_by in bind.execute(sa.text("SELECT id, submitted_by FROM reports")):
        submitter_id = user_of_token.get(_token_id(submitted_by) or -1)
        if submitter_id is not None:
            bind.execute(
                sa.text("UPDATE reports SET submitted_by_user_id = :u WHERE id = :id"),
                {"u": submitter_id, "id": report_id},
            )


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["users.id"], name=op.f("fk_users_created_by_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("created_by_user_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("alerts") as batch_op:
        batch_op.add_column(
            sa.Column("scope", sa.String(length=20), nullable=False, server_default="Public")
        )
        batch_op.add_column(sa.Column("created_by_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("published_by_user_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("reports") as batch_op:
        batch_op.add_column(sa.Column("submitted_by_user_id", sa.Integer(), nullable=True))

    bind = op.get_bind()
    _backfill(bind, _create_users_for_tokens(bind))

    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_api_tokens_user_id_users"), "users", ["user_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_api_tokens_created_by_user_id_users"),
            "users",
            ["created_by_user_id"],
            ["id"],
        )
    with op.batch_alter_table("alerts") as batch_op:
        batch_op.alter_column("scope", existing_type=sa.String(length=20), server_default=None)
        for column in ("created_by_user_id", "published_by_user_id"):
            batch_op.create_foreign_key(
                batch_op.f(f"fk_alerts_{column}_users"), "users", [column], ["id"]
            )
    with op.batch_alter_table("reports") as batch_op:
        batch_op.drop_constraint("uq_reports_idempotency_key", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_reports_submitted_by_user_id"),
            ["submitted_by_user_id", "idempotency_key"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_reports_submitted_by_user_id_users"),
            "users",
            ["submitted_by_user_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch_op:
        batch_op.drop_constraint("fk_reports_submitted_by_user_id_users", type_="foreignkey")
        batch_op.drop_constraint("uq_reports_submitted_by_user_id", type_="unique")
        batch_op.create_unique_constraint("uq_reports_idempotency_key", ["idempotency_key"])
        batch_op.drop_column("submitted_by_user_id")
    with op.batch_alter_table("alerts") as batch_op:
        for column in ("created_by_user_id", "published_by_user_id"):
            batch_op.drop_constraint(f"fk_alerts_{column}_users", type_="foreignkey")
            batch_op.drop_column(column)
        batch_op.drop_column("scope")
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.drop_constraint("fk_api_tokens_created_by_user_id_users", type_="foreignkey")
        batch_op.drop_constraint("fk_api_tokens_user_id_users", type_="foreignkey")
        batch_op.drop_index("ix_api_tokens_user_id")
        batch_op.drop_column("created_by_user_id")
        batch_op.drop_column("user_id")
    op.drop_table("users")
