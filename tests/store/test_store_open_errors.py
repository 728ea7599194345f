"""A store that cannot be opened is one line naming --db and the reason, never the
password."""

from __future__ import annotations

import socket

import pytest

from warmgrid.errors import WarmgridError
from warmgrid.store import open_store


def _closed_port() -> int:
    """A local TCP port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_postgresql_server_is_one_line() -> None:
    url = f"postgresql+psycopg://warmgrid:secret@127.0.0.1:{_closed_port()}/warmgrid"
    with pytest.raises(WarmgridError) as caught:
        open_store(url)
    message = str(caught.value)
    assert message.startswith("--db: cannot open postgresql+psycopg://warmgrid:***@127.0.0.1:")
    assert "Connection refused" in message
    assert "\n" not in message and "secret" not in message
