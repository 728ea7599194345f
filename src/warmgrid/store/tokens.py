"""API tokens: a random secret shown once; the store keeps only its SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmgrid.store.audit import record
from warmgrid.store.errors import ConflictError, NotFoundError
from warmgrid.store.models import ApiToken, utcnow
from warmgrid.store.roles import Role

TOKEN_PREFIX = "wg_"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's name (used as actor in the audit log) and role."""

    token_id: int
    name: str
    role: Role

    @property
    def actor(self) -> str:
        """The name written to the audit log and revisions: ``name#token_id``."""
        return f"{self.name}#{self.token_id}"

    def is_author_of(self, actor: str) -> bool:
        """Whether ``actor`` (as written by :attr:`actor`) is this token or its holder's name."""
        return actor == self.actor or actor.rsplit("#", 1)[0] == self.name


def hash_secret(secret: str) -> str:
    """Hex SHA-256 of a token secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(session: Session, name: str, role: Role, actor: str) -> tuple[ApiToken, str]:
    """Store a new token and return it with its secret (which is not stored)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, role=role.value, token_sha256=hash_secret(secret), created_by=actor)
    session.add(token)
    session.flush()
    record(session, actor, "token.create", "token", token.id, {"name": name, "role": role.value})
    return token, secret


def authenticate(session: Session, secret: str) -> Principal | None:
    """The principal holding ``secret``, or ``None`` when unknown or revoked."""
    token = session.scalar(
        select(ApiToken).where(
            ApiToken.token_sha256 == hash_secret(secret), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None:
        return None
    return Principal(token_id=token.id, name=token.name, role=Role(token.role))


def list_tokens(session: Session) -> list[ApiToken]:
    """Every token (hashes only), oldest first."""
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))


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
