"""The Atom feed, rebuilt only when the set of current public alerts changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from threading import Lock


@dataclass
class FeedCache:
    """The last feed built and the alert ids (with supersession) it was built from."""

    _key: tuple[object, ...] | None = None
    _body: bytes = b""
    _lock: Lock = field(default_factory=Lock)

    def get(self, key: tuple[object, ...]) -> bytes | None:
        """The cached feed for ``key``, or ``None``."""
        with self._lock:
            return self._body if key == self._key else None

    def put(self, key: tuple[object, ...], body: bytes) -> None:
        """Remember ``body`` as the feed for ``key``."""
        with self._lock:
            self._key, self._body = key, body
