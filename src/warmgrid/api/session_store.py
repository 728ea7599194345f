"""Browser sessions: sign in with an API token, get an HttpOnly cookie.

``POST /session`` with ``{"token": "wg_…"}`` checks the token and sets a random session
id in a cookie (HttpOnly, SameSite=Strict, ``Max-Age`` :data:`SESSION_SECONDS`). The
session lives in the store (:mod:`warmgrid.store.browser_sessions`: the id only as a
hash), so a restart of the server signs nobody out, and a revoked token ends its
sessions too. Writes authenticated by the cookie must echo the session's CSRF secret in
the ``X-CSRF-Token`` header (the page reads it from ``GET /session``), so another site
cannot make a signed-in browser write. Failed sign-ins are rate limited per client
address.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from threading import Lock

from fastapi import HTTPException, Request, status
from starlette.concurrency import run_in_threadpool

from warmgrid.store import Principal, Store
from warmgrid.store.browser_sessions import SignedIn, end_session, find_session, open_session

SESSION_COOKIE = "warmgrid_session"
CSRF_HEADER = "X-CSRF-Token"
SESSION_SECONDS = 8 * 3600
SESSION_CACHE_SECONDS = 5.0
FAILED_SIGN_INS_PER_MINUTE = 10
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class SessionStore:
    """The store's browser sessions, recently checked ones cached for
    :data:`SESSION_CACHE_SECONDS` (as API tokens are: a token revoked on another server
    ends its sessions within that time), and the sign-in rate limiter."""

    store: Store
    seconds: float = SESSION_SECONDS
    failures_per_minute: int = FAILED_SIGN_INS_PER_MINUTE
    _cache: dict[str, tuple[float, SignedIn]] = field(default_factory=dict)
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: Lock = field(default_factory=Lock)

    def open(self, principal: Principal) -> tuple[str, SignedIn]:
        """A new session of ``principal``: its id (for the cookie) and record."""
        with self.store.write() as session:
            return open_session(session, principal, self.seconds)

    async def get(self, session_id: str | None) -> SignedIn | None:
        """The live session with this id, or ``None``."""
        if not session_id or len(session_id) > 200:
            return None
        with self._lock:
            cached = self._cache.get(session_id)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        found = await run_in_threadpool(self._find, session_id)
        if found is not None:
            with self._lock:
                if len(self._cache) > 10_000:
                    self._cache.clear()
                self._cache[session_id] = (time.monotonic() + SESSION_CACHE_SECONDS, found)
        return found

    def _find(self, session_id: str) -> SignedIn | None:
        with self.store.read() as session:
            found = find_session(session, session_id)
        if found is None or found.expires_at.timestamp() < time.time():
            return None
        return found

    def close(self, session_id: str, actor: str) -> None:
        """End a session (no error when it is unknown)."""
        self.forget()
        with self.store.write() as session:
            end_session(session, session_id, actor)

    def forget(self) -> None:
        """Drop the cache (after a token is revoked or a user disabled)."""
        with self._lock:
            self._cache.clear()

    def allow_attempt(self, client: str) -> bool:
        """Whether ``client`` may try to sign in now (fewer failures in the last minute
        than :attr:`failures_per_minute`)."""
        with self._lock:
            window = self._failures.get(client)
            if window is None:
                return True
            while window and window[0] < time.monotonic() - 60.0:
                window.popleft()
            return len(window) < self.failures_per_minute

    def failed(self, client: str) -> None:
        """Count a failed sign-in of ``client``."""
        with self._lock:
            self._failures.setdefault(client, deque()).append(time.monotonic())


async def session_principal(request: Request) -> Principal | None:
    """The user behind the request's session cookie; for a write, only when the
    ``X-CSRF-Token`` header matches the session (403 otherwise)."""
    sessions: SessionStore = request.app.state.sessions
    signed_in = await sessions.get(request.cookies.get(SESSION_COOKIE))
    if signed_in is None:
        return None
    if request.method not in SAFE_METHODS and not secrets.compare_digest(
        request.headers.get(CSRF_HEADER, ""), signed_in.csrf
    ):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"a signed-in write needs the {CSRF_HEADER} header"
        )
    return signed_in.principal
