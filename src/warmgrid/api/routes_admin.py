"""Administration: API tokens and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, status

from warmgrid.api.deps import Admin, ReadSession, StoreDep
from warmgrid.api.schemas import AuditOut, NewTokenOut, TokenIn, TokenOut
from warmgrid.store import audit, tokens

router = APIRouter(tags=["admin"])


@router.post("/tokens", response_model=NewTokenOut, status_code=status.HTTP_201_CREATED)
def create_token(data: TokenIn, who: Admin, store: StoreDep) -> NewTokenOut:
    """Create an API token; its secret is in this answer only."""
    with store.write() as session:
        token, secret = tokens.create_token(session, data.name, data.role, who.actor)
        return NewTokenOut(**TokenOut.model_validate(token).model_dump(), secret=secret)


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(_: Admin, session: ReadSession) -> list[TokenOut]:
    """Every token (without secrets)."""
    return [TokenOut.model_validate(row) for row in tokens.list_tokens(session)]


@router.post("/tokens/{token_id}/revoke", response_model=TokenOut)
def revoke_token(
    token_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    who: Admin,
    store: StoreDep,
    request: Request,
) -> TokenOut:
    """Revoke a token (kept in the store, marked revoked)."""
    with store.write() as session:
        out = TokenOut.model_validate(tokens.revoke_token(session, token_id, who.actor))
    request.app.state.tokens.clear()
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
