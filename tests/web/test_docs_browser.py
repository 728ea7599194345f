"""The interactive API docs (``/docs``, Swagger UI) in a real browser with no network.

Every request that is not for the server on 127.0.0.1 is refused, as on a machine with
no internet; Swagger UI must still render every operation of the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from web_helpers import Server, Watch, screenshot

pytestmark = pytest.mark.xdist_group("browser")

METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


def test_swagger_ui_renders_every_operation_offline(
    browser: Any, server: Server, watch: Watch
) -> None:
    spec = httpx.get(f"{server.base}/openapi.json").json()
    operations = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in METHODS
    }
    assert len(operations) > 20
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    refused: list[str] = []

    def offline(route: Any) -> None:
        url = route.request.url
        if url.startswith(server.base + "/"):
            route.continue_()
        else:
            refused.append(url)
            route.abort("internetdisconnected")

    context.route("**/*", offline)
    page = watch.attach(context.new_page())
    page.goto(f"{server.base}/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    shown = {
        (
            block.locator(".opblock-summary-method").inner_text().strip(),
            block.locator(".opblock-summary-path").get_attribute("data-path"),
        )
        for block in page.locator(".opblock").all()
    }
    screenshot(page, "api-docs", full_page=False)
    assert shown == operations
    assert page.locator(".info .title").inner_text().startswith(spec["info"]["title"])
    assert refused == []
    assert watch.foreign(server.base) == []
    context.close()
