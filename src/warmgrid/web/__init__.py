"""The operator console (``/``) and the public page (``/public``), served by warmgrid itself.

Pages, scripts, styles and the map library (MapLibre GL JS, vendored with its licence)
are package files under ``web/static``; no page requests anything from another origin,
which the Content-Security-Policy of every page also enforces.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from warmgrid.scenario.spec import Scenario
from warmgrid.web import routes
from warmgrid.web.basemap import install_basemap, with_basemap
from warmgrid.web.events import ChangeMiddleware, Changes
from warmgrid.web.public import PublicView
from warmgrid.web.state import LiveState

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "worker-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
PAGE_PATHS = ("/static/", "/public")
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def static_dir() -> str:
    """The folder of the pages' files inside the installed package."""
    return str(resources.files("warmgrid.web").joinpath("static"))


class PageHeaders:
    """ASGI middleware adding the Content-Security-Policy and friends to the pages."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == "/" or path.startswith(PAGE_PATHS)):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def install_web(
    app: FastAPI, city: Any, scenario: Scenario | None, basemap: Path | None = None
) -> None:
    """Add the console, the public page, their data routes and live updates to ``app``;
    ``basemap`` (a checked PMTiles file, :mod:`warmgrid.web.basemap`) under the maps.

    Without a city or a scenario the pages load but their data routes answer 409.
    """
    store = app.state.store
    app.state.live = (
        LiveState(store, city, scenario) if city is not None and scenario is not None else None
    )
    app.state.public_view = PublicView(city, scenario)
    app.state.changes = Changes()
    app.add_middleware(ChangeMiddleware, changes=app.state.changes)
    app.add_middleware(PageHeaders)
    app.include_router(routes.console)
    app.include_router(routes.events)
    app.include_router(routes.public)
    install_basemap(app, basemap)
    folder = static_dir()
    app.mount("/static", StaticFiles(directory=folder), name="static")
    pages = {
        name: with_basemap(Path(folder, f"{name}.html").read_text(encoding="utf-8"), basemap)
        for name in ("console", "public")
    }
    headers = {"Cache-Control": "no-cache"}

    @app.get("/", include_in_schema=False)
    async def console_page() -> HTMLResponse:
        return HTMLResponse(pages["console"], headers=headers)

    @app.get("/public", include_in_schema=False)
    async def public_page() -> HTMLResponse:
        return HTMLResponse(pages["public"], headers=headers)
