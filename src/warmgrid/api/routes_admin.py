"""Administration: user accounts, their API tokens, and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, status

from warmgrid.api.deps import Admin, ReadSession, StoreDep, Viewer
from warmgrid.api.schemas import (
    AuditOut,
    MeOut,
    NewTokenOut,
    TokenIn,
    TokenOut,
    UserIn,
    UserOut,
)
from warmgrid.store import audit, tokens, users

router = APIRouter(tags=["admin"])
RecordId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/me", response_model=MeOut, tags=["users"])
def who_am_i(who: Viewer) -> MeOut:
    """The caller: user, role (the lower of token's and user's) and token."""
    return MeOut(user_id=who.user_id, name=who.name, role=who.role, token_id=who.token_id)


@router.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def create_user(data: UserIn, who: Admin, store: StoreDep) -> UserOut:
    """Create a user account, provisioned by the caller (who then may not approve that
    user's alerts, nor have theirs approved by it)."""
    with store.write() as session:
        user = users.add_user(session, data.name, data.role, who.actor, who.user_id)
        return UserOut.model_validate(user)


@router.get("/users", response_model=list[UserOut])
def list_users(_: Admin, session: ReadSession) -> list[UserOut]:
    """Every user account, oldest first."""
    return [UserOut.model_validate(row) for row in users.list_users(session)]


@router.post("/users/{user_id}/disable", response_model=UserOut)
def disable_user(user_id: RecordId, who: Admin, store: StoreDep, request: Request) -> UserOut:
    """Disable a user: their tokens stop working (the account stays, marked)."""
    with store.write() as session:
        out = UserOut.model_validate(users.disable_user(session, user_id, who.actor))
    request.app.state.tokens.clear()
    request.app.state.sessions.forget()
    return out


@router.post("/tokens", response_model=NewTokenOut, status_code=status.HTTP_201_CREATED)
def create_token(data: TokenIn, who: Admin, store: StoreDep) -> NewTokenOut:
    """Issue an API token to a user; its secret is in this answer only. A token issued
    by one person to another never approves the issuer's alerts."""
    with store.write() as session:
        user = users.get_user(session, data.user_id)
        token, secret = tokens.create_token(
            session, user, data.role, who.actor, who.user_id, data.name
        )
        return NewTokenOut(**TokenOut.model_validate(token).model_dump(), secret=secret)


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(
    _: Admin,
    session: ReadSession,
    user_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> list[TokenOut]:
    """Every token (without secrets), optionally of one user."""
    return [TokenOut.model_validate(row) for row in tokens.list_tokens(session, user_id)]


@router.post("/tokens/{token_id}/revoke", response_model=TokenOut)
def revoke_token(token_id: RecordId, who: Admin, store: StoreDep, request: Request) -> TokenOut:
    """Revoke a token (kept in the store, marked revoked)."""
    with store.write() as session:
        out = TokenOut.model_validate(tokens.revoke_token(session, token_id, who.actor))
    request.app.state.tokens.clear()
    request.app.state.sessions.forget()
    return out


@router.get("/audit", response_model=list[AuditOut])
def list_audit(
    _: Admin,
    session: ReadSession,
    target_type: Annotated[str | None, Query(max_length=40)] = None,
    target_id: Annotated[str | None, Query(max_length=300)] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> list[AuditOut]:
    """The audit log, oldest first, optionally for one record."""
    rows = audit.entries(session, target_type, target_id, limit, offset)
    return [AuditOut.model_validate(row) for row in rows]
