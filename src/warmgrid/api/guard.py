"""Request guards: a body size limit (413) and JSON without NaN or Infinity (422).

Python's JSON parser accepts ``NaN``, ``Infinity`` and ``-Infinity``, which RFC 8259
§6 does not allow ("Numeric values that cannot be represented ... such as Infinity and
NaN are not permitted"); left in, they reach the models and the answers. This ASGI
middleware reads each request body once, refuses bodies over the limit before parsing
them, and refuses JSON with non-finite numbers, before any route sees them.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 2 * 1024 * 1024
EXCERPT_CHARS = 80


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """A short, printable excerpt of ``value`` for an error message (never the whole)."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


class _NonFiniteError(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NonFiniteError(name)


async def _answer(send: Send, status: int, body: dict[str, str]) -> None:
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(payload))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


class RequestGuard:
    """ASGI middleware: 413 for a body over ``max_body_bytes``; 422 for JSON with
    ``NaN``/``Infinity``. Other requests go on with their body replayed."""

    def __init__(self, app: ASGIApp, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        too_big = {
            "detail": f"request body over {self.max_body_bytes:,} bytes",
            "field": "body",
        }
        declared = headers.get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await _answer(send, 413, too_big)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await _answer(send, 413, too_big)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if b"json" in headers.get(b"content-type", b"") and _has_non_finite(body):
            await _answer(
                send,
                422,
                {
                    "detail": "body: NaN and Infinity are not JSON numbers; send finite numbers",
                    "field": "body",
                },
            )
            return
        await self.app(scope, _replay([{"type": "http.request", "body": body}], receive), send)


def _has_non_finite(body: bytes) -> bool:
    """Whether JSON ``body`` holds NaN or ±Infinity as numbers (not inside strings)."""
    if b"NaN" not in body and b"Infinity" not in body:
        return False
    try:
        json.loads(body, parse_constant=_refuse_constant)
    except _NonFiniteError:
        return True
    except ValueError:
        return False  # not JSON at all: the route's own validation answers
    return False


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    """A ``receive`` that hands out ``messages`` first, then defers to ``then``."""
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is None:
            return {"type": "http.disconnect"}
        return await then()

    return receive
