"""Fixtures of the console tests: a real server on 127.0.0.1 and Debian's Chromium.

The server is the app of ``warmgrid serve`` (demo city, default scenario, a fresh SQLite
store seeded with the demo incidents) run by uvicorn in a thread. Pages are driven by
Playwright with ``/usr/bin/chromium``; every request they make and every console error
is recorded, and screenshots go to ``test-artifacts/web/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from web_helpers import CHROMIUM, Server, Watch, start_server

from warmgrid.web.chromium import CHROMIUM_ARGS


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server (and store) for the tests of a module."""
    running, uv_server, thread = start_server(tmp_path_factory.mktemp("console"))
    yield running
    uv_server.should_exit = True
    thread.join(timeout=10)
    running.app.state.store.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed (bash .ci/services installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        yield chromium
        chromium.close()


@pytest.fixture
def watch(server: Server) -> Iterator[Watch]:
    """A request and error recorder; the test fails if a page went off-origin or erred."""
    record = Watch()
    yield record
    assert record.foreign(server.base) == []
    assert record.errors == []
    assert record.dialogs == []
