"""Browser sessions of the console, kept in the store so that a restart signs nobody out.

A session is opened with an API token and acts as that token: it ends when the token is
revoked or its user disabled, at its expiry, or on sign-out. The store keeps the
SHA-256 of the session id (the cookie's value) and never the id itself, nor the token's
secret; the CSRF secret is kept as is, since the page must be given it back.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from warmgrid.store.audit import record
from warmgrid.store.models import ApiToken, BrowserSessionRecord, utcnow
from warmgrid.store.tokens import Principal, hash_secret, principal_where


@dataclass(frozen=True)
class SignedIn:
    """A live browser session: who it is, the CSRF secret of its writes, its expiry."""

    principal: Principal
    csrf: str
    expires_at: datetime


def open_session(session: Session, principal: Principal, seconds: float) -> tuple[str, SignedIn]:
    """A new session of ``principal``'s token lasting ``seconds`` (s): its id (shown once,
    for the cookie) and what it grants. Sessions past their expiry are purged."""
    now = utcnow()
    session.execute(delete(BrowserSessionRecord).where(BrowserSessionRecord.expires_at < now))
    session_id = secrets.token_urlsafe(32)
    signed_in = SignedIn(principal, secrets.token_urlsafe(32), now + timedelta(seconds=seconds))
    row = BrowserSessionRecord(
        session_sha256=hash_secret(session_id),
        token_id=principal.token_id,
        csrf_token=signed_in.csrf,
        created_at=now,
        expires_at=signed_in.expires_at,
    )
    session.add(row)
    session.flush()
    record(session, principal.actor, "session.open", "browser_session", row.id, {})
    return session_id, signed_in


def find_session(session: Session, session_id: str) -> SignedIn | None:
    """The live session with this id (not ended, not expired, token not revoked, user
    not disabled), or ``None``."""
    row = session.scalar(
        select(BrowserSessionRecord).where(
            BrowserSessionRecord.session_sha256 == hash_secret(session_id),
            BrowserSessionRecord.ended_at.is_(None),
            BrowserSessionRecord.expires_at > utcnow(),
        )
    )
    if row is None:
        return None
    principal = principal_where(session, ApiToken.id == row.token_id)
    return None if principal is None else SignedIn(principal, row.csrf_token, row.expires_at)


def end_session(session: Session, session_id: str, actor: str) -> bool:
    """Sign a session out (kept with ``ended_at``); whether a live one was found."""
    row = session.scalar(
        select(BrowserSessionRecord).where(
            BrowserSessionRecord.session_sha256 == hash_secret(session_id),
            BrowserSessionRecord.ended_at.is_(None),
        )
    )
    if row is None:
        return False
    row.ended_at = utcnow()
    record(session, actor, "session.end", "browser_session", row.id, {})
    return True
