"""The Atom feed, rebuilt only when the set of current public alerts changes.

The set is checked at most every ``ttl_s`` seconds (and at once after a publication
through this server), so a burst of readers costs no database work: a message
published by another process appears within ``ttl_s``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from threading import Lock

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

FEED_CHECK_SECONDS = 1.0


@dataclass
class _Built:
    checked_at: float
    key: tuple[object, ...]
    body: bytes


@dataclass
class FeedCache:
    """Built feeds by base URL, with the alert set each was built from."""

    ttl_s: float = FEED_CHECK_SECONDS
    _feeds: dict[str, _Built] = field(default_factory=dict)
    _lock: Lock = field(default_factory=Lock)

    def fresh(self, base_url: str) -> bytes | None:
        """The feed for ``base_url`` if its alert set was checked within ``ttl_s``."""
        with self._lock:
            built = self._feeds.get(base_url)
        if built is None or time.monotonic() - built.checked_at > self.ttl_s:
            return None
        return built.body

    def same(self, base_url: str, key: tuple[object, ...]) -> bytes | None:
        """The feed built from alert set ``key`` (marked checked now), or ``None``."""
        with self._lock:
            built = self._feeds.get(base_url)
            if built is None or built.key != key:
                return None
            built.checked_at = time.monotonic()
            return built.body

    def put(self, base_url: str, key: tuple[object, ...], body: bytes) -> None:
        """Remember the feed built from alert set ``key``."""
        with self._lock:
            if len(self._feeds) > 100:
                self._feeds.clear()
            self._feeds[base_url] = _Built(time.monotonic(), key, body)

    def clear(self) -> None:
        """Forget every feed (after a publication)."""
        with self._lock:
            self._feeds.clear()


class FeedFastPath:
    """ASGI middleware that answers ``GET /feed.atom`` from the cache when it is fresh.

    Aggregators poll the feed far more often than anything else is called; a fresh
    cached feed needs neither routing nor dependencies. Otherwise the request goes on to
    the ``/feed.atom`` route, which rebuilds the cache.
    """

    def __init__(
        self, app: ASGIApp, cache: FeedCache, media_type: str, public_url: str | None = None
    ) -> None:
        self.app = app
        self.cache = cache
        self.public_url = public_url
        self.headers = [(b"content-type", media_type.encode("latin-1"))]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == "/feed.atom":
            body = self.cache.fresh(self.public_url or str(Request(scope).base_url))
            if body is not None:
                headers = [*self.headers, (b"content-length", str(len(body)).encode())]
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
