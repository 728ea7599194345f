"""API tokens: a random secret shown once, issued to a user; the store keeps its SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmgrid.errors import InputError
from warmgrid.store.audit import record
from warmgrid.store.errors import ConflictError, NotFoundError
from warmgrid.store.models import ApiToken, User, utcnow
from warmgrid.store.roles import Role
from warmgrid.store.users import provisioners

TOKEN_PREFIX = "wg_"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user (person) through one of their tokens.

    ``role`` is the lower of the token's and the user's roles. ``provisioned_by`` holds
    the accounts that created this token or provisioned this user (up the chain): the
    two-person rule treats them as the same person as the caller.
    """

    token_id: int
    name: str
    role: Role
    user_id: int
    provisioned_by: frozenset[int] = field(default_factory=frozenset)

    @property
    def actor(self) -> str:
        """The name written to the audit log and revisions: ``user#token_id``."""
        return f"{self.name}#{self.token_id}"

    def is_author_of(self, actor: str, author_user_id: int | None) -> bool:
        """Whether an item written by ``actor`` (user ``author_user_id``) is this
        person's own: the same user, a user or token the author provisioned, or (for
        items without a user, from older stores) the same token or name."""
        if author_user_id is not None:
            return author_user_id == self.user_id or author_user_id in self.provisioned_by
        return actor == self.actor or actor.rsplit("#", 1)[0] == self.name


def hash_secret(secret: str) -> str:
    """Hex SHA-256 of a token secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(
    session: Session,
    user: User,
    role: Role | None,
    actor: str,
    created_by_user_id: int | None = None,
    label: str | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token to ``user`` (with ``role``, at most the user's; default: theirs)
    and return it with its secret (which is not stored)."""
    user_role = Role(user.role)
    the_role = role or user_role
    if not user_role.allows(the_role):
        raise InputError("role", f"user {user.name!r} is {user_role.value}; cannot hold {the_role}")
    if user.disabled_at is not None:
        raise ConflictError(f"user {user.name!r} is disabled")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=(label or user.name).strip(),
        role=the_role.value,
        token_sha256=hash_secret(secret),
        created_by=actor,
        user_id=user.id,
        created_by_user_id=created_by_user_id,
    )
    session.add(token)
    session.flush()
    record(
        session,
        actor,
        "token.create",
        "token",
        token.id,
        {"name": token.name, "role": the_role.value, "user_id": user.id},
    )
    return token, secret


def authenticate(session: Session, secret: str) -> Principal | None:
    """The principal holding ``secret``, or ``None`` when unknown, revoked or disabled."""
    return principal_where(session, ApiToken.token_sha256 == hash_secret(secret))


def principal_where(session: Session, condition: Any) -> Principal | None:
    """The principal of the token matching ``condition`` (a SQL condition on
    :class:`ApiToken`), or ``None`` when there is none or it is revoked or disabled."""
    found = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(condition, ApiToken.revoked_at.is_(None))
    ).first()
    if found is None or found.User.disabled_at is not None:
        return None
    token, user = found.ApiToken, found.User
    role = min(Role(token.role), Role(user.role), key=lambda r: r.rank)
    chain = provisioners(session, user)
    if token.created_by_user_id is not None and token.created_by_user_id != user.id:
        chain |= {token.created_by_user_id}
    return Principal(
        token_id=token.id, name=user.name, role=role, user_id=user.id, provisioned_by=chain
    )


def list_tokens(session: Session, user_id: int | None = None) -> list[ApiToken]:
    """Every token (hashes only), oldest first, optionally of one user."""
    query = select(ApiToken).order_by(ApiToken.id)
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return list(session.scalars(query))


def revoke_token(session: Session, token_id: int, actor: str) -> ApiToken:
    """Revoke a token; it stays in the store with ``revoked_at`` set."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFoundError("token", str(token_id))
    if token.revoked_at is not None:
        raise ConflictError(f"token {token_id} is already revoked")
    token.revoked_at = utcnow()
    record(session, actor, "token.revoke", "token", token_id, {"name": token.name})
    return token
