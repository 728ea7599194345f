"""Settings of one warmgrid deployment that appear in its public messages: the CAP
``sender`` and ``senderName``, and the public base URL of its server (feed ids, links).

CAP 1.2 §3.2.1: ``sender`` identifies the originator, "MUST NOT include spaces, commas
or restricted characters (< and &)".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from warmgrid.errors import InputError

if TYPE_CHECKING:
    from warmgrid.alerts.builders import Issuer

DEFAULT_SENDER = "warmgrid@city.invalid"
_SENDER = re.compile(r"^[^\s,<&]{1,300}$")


@dataclass(frozen=True)
class Deployment:
    """Who publishes (``sender``, ``sender_name``) and where (``public_url``, ending in
    ``/``; ``None``: the address the request came to)."""

    sender: str = DEFAULT_SENDER
    sender_name: str | None = None
    public_url: str | None = None

    @classmethod
    def checked(
        cls,
        sender: str = DEFAULT_SENDER,
        sender_name: str | None = None,
        public_url: str | None = None,
        where: str = "--",
    ) -> Deployment:
        """Settings after checking them; errors name the option (``where`` + name)."""
        if not _SENDER.match(sender):
            raise InputError(
                f"{where}sender", "a CAP sender has no spaces, commas, '<' or '&' (CAP 1.2)"
            )
        if sender_name is not None and not sender_name.strip():
            raise InputError(f"{where}sender-name", "must not be blank")
        if public_url is not None:
            parts = urlsplit(public_url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise InputError(
                    f"{where}public-url", f"expected an http(s) URL, got {public_url!r}"
                )
            public_url = public_url if public_url.endswith("/") else public_url + "/"
        return cls(sender, sender_name.strip() if sender_name else None, public_url)

    def issuer(self, city_name: str) -> Issuer:
        """The CAP issuer: ``sender_name`` defaults to "<city> emergency centre"."""
        from warmgrid.alerts.builders import Issuer

        name = self.sender_name or f"{city_name} emergency centre".strip()
        return Issuer(sender=self.sender, sender_name=name, web=self.public_url or "")
