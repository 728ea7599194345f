"""``/session``: sign in with an API token (sets the session cookie), who am I, sign out.

See :mod:`warmgrid.api.session_store` for the cookie, CSRF and rate-limit rules.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from warmgrid.api.deps import principal_for_token
from warmgrid.api.session_store import SESSION_COOKIE, SessionStore


class SignIn(BaseModel):
    """An API token to sign in with."""

    model_config = ConfigDict(extra="forbid")

    token: Annotated[str, Field(min_length=1, max_length=200)]


class SessionOut(BaseModel):
    """Who is signed in, and the secret to send with writes (all empty when nobody is)."""

    signed_in: bool = True
    name: str = ""
    role: str = ""
    csrf_token: str = ""
    expires_in_s: int = 0


router = APIRouter(prefix="/session", tags=["session"])


@router.post("", response_model=SessionOut, status_code=status.HTTP_201_CREATED)
async def sign_in(data: SignIn, request: Request, response: Response) -> SessionOut:
    """Sign in with an API token: sets the session cookie."""
    sessions: SessionStore = request.app.state.sessions
    client = request.client.host if request.client else "unknown"
    if not sessions.allow_attempt(client):
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "too many failed sign-ins; wait a minute",
            headers={"Retry-After": "60"},
        )
    principal = await principal_for_token(request, data.token)
    if principal is None:
        sessions.failed(client)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown or revoked API token")
    session_id, record = await run_in_threadpool(sessions.open, principal)
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=int(sessions.seconds),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return SessionOut(
        name=principal.name,
        role=principal.role.value,
        csrf_token=record.csrf,
        expires_in_s=int(sessions.seconds),
    )


@router.get("", response_model=SessionOut)
async def current_session(request: Request) -> SessionOut:
    """The signed-in user of this browser (``signed_in`` false when there is none)."""
    sessions: SessionStore = request.app.state.sessions
    record = await sessions.get(request.cookies.get(SESSION_COOKIE))
    if record is None:
        return SessionOut(signed_in=False)
    return SessionOut(
        name=record.principal.name,
        role=record.principal.role.value,
        csrf_token=record.csrf,
        expires_in_s=max(0, int((record.expires_at - datetime.now(UTC)).total_seconds())),
    )


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
async def sign_out(request: Request) -> Response:
    """Sign out: ends the session and clears the cookie."""
    sessions: SessionStore = request.app.state.sessions
    session_id = request.cookies.get(SESSION_COOKIE)
    record = await sessions.get(session_id)
    if session_id and record is not None:
        await run_in_threadpool(sessions.close, session_id, record.principal.actor)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response
