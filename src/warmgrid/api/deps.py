"""Dependencies of the API: the store, the city and the caller, all from the app state."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from threading import Lock
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from warmgrid.api.session_store import session_principal
from warmgrid.store import Principal, Role, Store, authenticate

TOKEN_CACHE_SECONDS = 5.0

bearer = HTTPBearer(auto_error=False, description="An API token: `Authorization: Bearer wg_…`")


@dataclass
class TokenCache:
    """Recently verified tokens, so that a burst of requests costs one lookup per token.

    A revoked token stops working within :data:`TOKEN_CACHE_SECONDS` (at once on the
    server that revoked it, which clears its cache).
    """

    seconds: float = TOKEN_CACHE_SECONDS
    _entries: dict[str, tuple[float, Principal]] = field(default_factory=dict)
    _lock: Lock = field(default_factory=Lock)

    def get(self, secret: str) -> Principal | None:
        with self._lock:
            entry = self._entries.get(secret)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, secret: str, principal: Principal) -> None:
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[secret] = (time.monotonic() + self.seconds, principal)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


async def get_store(request: Request) -> Store:
    """The store of this app."""
    return request.app.state.store


async def get_city(request: Request) -> Any:
    """The city of this app, or ``None`` when it serves without one."""
    return request.app.state.city


async def read_session(store: Annotated[Store, Depends(get_store)]) -> AsyncIterator[Session]:
    """A read-only session for one request (it connects on first use, in the endpoint)."""
    with store.read() as session:
        yield session


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller, from the bearer token or else the browser's session cookie (see
    :mod:`warmgrid.api.session_store`); 401 when absent or unknown."""
    secret = credentials.credentials if credentials is not None else None
    if not secret:
        signed_in = await session_principal(request)
        if signed_in is not None:
            return signed_in
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "an API token is required (Authorization: Bearer …)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    principal = await principal_for_token(request, secret)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "unknown or revoked API token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


async def principal_for_token(request: Request, secret: str) -> Principal | None:
    """The holder of the API token ``secret`` (cached), or ``None`` when unknown or revoked."""
    cache: TokenCache = request.app.state.tokens
    principal = cache.get(secret)
    if principal is None:
        principal = await run_in_threadpool(_lookup, request.app.state.store, secret)
        if principal is not None:
            cache.put(secret, principal)
    return principal


def _lookup(store: Store, secret: str) -> Principal | None:
    with store.read() as session:
        return authenticate(session, secret)


def require(role: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency that admits callers with ``role`` or a higher one (else 403).

    It is ``async`` and does no blocking work on a token cache hit, so a request makes
    a single hop to the thread pool: its endpoint. It checks the token itself rather
    than depending on :func:`get_principal`: FastAPI's cost per request grows with the
    number of dependencies, and this one is on every authenticated request.
    """

    async def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Principal:
        principal = await get_principal(request, credentials)
        if not principal.role.allows(role):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"this needs the {role.value} role; the token has {principal.role.value}",
            )
        return principal

    return dependency


Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]
Operator = Annotated[Principal, Depends(require(Role.OPERATOR))]
Approver = Annotated[Principal, Depends(require(Role.APPROVER))]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
StoreDep = Annotated[Store, Depends(get_store)]
ReadSession = Annotated[Session, Depends(read_session)]
CityDep = Annotated[Any, Depends(get_city)]
