"""Browser sessions: sign in with an API token, get an HttpOnly cookie.

``POST /session`` with ``{"token": "wg_…"}`` checks the token and sets a random session
id in a cookie (HttpOnly, SameSite=Strict, ``Max-Age`` :data:`SESSION_SECONDS`); the
server keeps the token in memory under that id, so a revoked token ends its sessions
too. Writes authenticated by the cookie must echo the session's CSRF secret in the
``X-CSRF-Token`` header (the page reads it from ``GET /session``), so another site cannot
make a signed-in browser write. Failed sign-ins are rate limited per client address.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from threading import Lock

from fastapi import HTTPException, Request, status

SESSION_COOKIE = "warmgrid_session"
CSRF_HEADER = "X-CSRF-Token"
SESSION_SECONDS = 8 * 3600
FAILED_SIGN_INS_PER_MINUTE = 10
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class BrowserSession:
    """What the server knows about one signed-in browser."""

    token: str
    csrf: str
    expires_at: float


@dataclass
class SessionStore:
    """Sessions in memory (a restart signs everyone out) and the sign-in rate limiter."""

    seconds: float = SESSION_SECONDS
    failures_per_minute: int = FAILED_SIGN_INS_PER_MINUTE
    _sessions: dict[str, BrowserSession] = field(default_factory=dict)
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: Lock = field(default_factory=Lock)

    def open(self, token: str) -> tuple[str, BrowserSession]:
        """A new session for ``token``: its id and record."""
        session_id = secrets.token_urlsafe(32)
        record = BrowserSession(token, secrets.token_urlsafe(32), time.time() + self.seconds)
        with self._lock:
            now = time.time()
            for stale in [k for k, v in self._sessions.items() if v.expires_at < now]:
                del self._sessions[stale]
            self._sessions[session_id] = record
        return session_id, record

    def get(self, session_id: str | None) -> BrowserSession | None:
        """The live session with this id, or ``None``."""
        if not session_id:
            return None
        with self._lock:
            record = self._sessions.get(session_id)
        if record is None or record.expires_at < time.time():
            return None
        return record

    def close(self, session_id: str | None) -> None:
        """End a session (no error when it is unknown)."""
        with self._lock:
            self._sessions.pop(session_id or "", None)

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


def session_token(request: Request) -> str | None:
    """The API token behind the request's session cookie; for a write, only when the
    ``X-CSRF-Token`` header matches the session (403 otherwise)."""
    sessions: SessionStore = request.app.state.sessions
    record = sessions.get(request.cookies.get(SESSION_COOKIE))
    if record is None:
        return None
    if request.method not in SAFE_METHODS and not secrets.compare_digest(
        request.headers.get(CSRF_HEADER, ""), record.csrf
    ):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"a signed-in write needs the {CSRF_HEADER} header"
        )
    return record.token
