"""Live updates: every successful write bumps a version; pages listen by server-sent events.

A write is any request other than GET/HEAD/OPTIONS answered with a 2xx status (an
incident, a report, damage, an alert draft or its publication, a sign-in excluded).
``GET /events`` streams ``event: change`` with the new version after each one, and a
comment every :data:`KEEPALIVE_S` seconds so that proxies keep the stream open.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import Request
from fastapi.responses import StreamingResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

KEEPALIVE_S = 15.0
QUIET_PATHS = ("/session",)


class Changes:
    """A version number and a way to wait for the next one (one event loop)."""

    def __init__(self) -> None:
        self.version = 0
        self._event = asyncio.Event()

    def bump(self) -> None:
        """Record a change and wake every listener."""
        self.version += 1
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait(self, seen: int, timeout_s: float) -> int:
        """The version once it differs from ``seen``, or after ``timeout_s`` seconds."""
        if self.version != seen:
            return self.version
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout_s)
        return self.version


class ChangeMiddleware:
    """ASGI middleware that bumps ``changes`` after each successful write."""

    def __init__(self, app: ASGIApp, changes: Changes) -> None:
        self.app = app
        self.changes = changes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in ("GET", "HEAD", "OPTIONS")
            or scope["path"].startswith(QUIET_PATHS)
        ):
            await self.app(scope, receive, send)
            return
        statuses: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                statuses.append(int(message["status"]))
            await send(message)

        await self.app(scope, receive, watch)
        if statuses and 200 <= statuses[0] < 300:
            self.changes.bump()


async def _stream(request: Request, changes: Changes) -> AsyncIterator[str]:
    seen = changes.version
    yield f"retry: 2000\nevent: hello\ndata: {seen}\n\n"
    while not await request.is_disconnected():
        version = await changes.wait(seen, KEEPALIVE_S)
        if version == seen:
            yield ": keep-alive\n\n"
            continue
        seen = version
        yield f"event: change\ndata: {version}\n\n"


def event_stream(request: Request, changes: Changes) -> StreamingResponse:
    """The ``text/event-stream`` answer for one listener."""
    return StreamingResponse(
        _stream(request, changes),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
