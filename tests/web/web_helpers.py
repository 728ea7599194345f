"""Helpers of the console tests: the server, the recorder of what pages do, sign-in."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn

from warmgrid.api import create_app
from warmgrid.incidents.seed import seed_if_empty
from warmgrid.model.demo import demo_city
from warmgrid.scenario.spec import demo_scenario
from warmgrid.store import Role, add_user, create_token, open_store
from warmgrid.web.chromium import CHROMIUM_PATH

CHROMIUM = Path(CHROMIUM_PATH)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
ROLES = {
    "viewer": Role.VIEWER,
    "operator": Role.OPERATOR,
    "approver": Role.APPROVER,
}


@dataclass
class Server:
    """A running server: its base URL, store URL and one token per role."""

    base: str
    store_url: str
    tokens: dict[str, str]
    app: Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    directory: Path, basemap: Path | None = None
) -> tuple[Server, uvicorn.Server, threading.Thread]:
    """A seeded store in ``directory`` and the console's app served on 127.0.0.1 (with
    ``basemap`` as its PMTiles base map)."""
    url = f"sqlite:///{directory / 'console.db'}"
    city = demo_city()
    store = open_store(url)
    seed_if_empty(store, city)
    tokens: dict[str, str] = {}
    with store.write() as session:
        for name, role in ROLES.items():
            tokens[name] = create_token(
                session, add_user(session, name, role, "test"), role, "test"
            )[1]
    app = create_app(url, city, store=store, scenario=demo_scenario(), basemap=basemap)
    app.state.live.assessment()
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    return Server(f"http://127.0.0.1:{port}", url, tokens, app), server, thread


@dataclass
class Watch:
    """What pages did: every request URL, console errors, uncaught errors and dialogs."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> Any:
        page.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

        def dialog(box: Any) -> None:
            self.dialogs.append(box.message)
            box.dismiss()

        page.on("dialog", dialog)
        return page

    def foreign(self, base: str) -> list[str]:
        """Requests that left the server's origin (data: and blob: URLs stay in the page)."""
        return [
            url
            for url in self.requests
            if not (url.startswith(base + "/") or url.startswith(("data:", "blob:")))
        ]


def screenshot(page: Any, name: str, **options: Any) -> Path:
    """Keep a screenshot of ``page`` as a test artefact (``options``: Playwright's)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), **options)
    return path


def sign_in(browser: Any, server: Server, watch: Watch, role: str, **options: Any) -> Any:
    """A new browser context signed in with the token of ``role``; its console page."""
    context = browser.new_context(viewport={"width": 1400, "height": 860}, **options)
    page = watch.attach(context.new_page())
    page.goto(server.base + "/")
    page.fill("#signin-token", server.tokens[role])
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector("body[data-ready=true][data-boards=true]", timeout=30_000)
    return page


def tiny_basemap(path: Path, zooms: range = range(10, 15)) -> Path:
    """A small raster PMTiles v3 archive over the demo city: one plain PNG per tile, a
    different grey per zoom (written with the ``pmtiles`` package)."""
    import io
    import math

    from PIL import Image
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import Writer

    west, south, east, north = 30.46, 50.41, 30.56, 50.49

    def tile_xy(lon: float, lat: float, zoom: int) -> tuple[int, int]:
        n = 2**zoom
        rad = math.radians(lat)
        y = (1.0 - math.asinh(math.tan(rad)) / math.pi) / 2.0 * n
        return int((lon + 180.0) / 360.0 * n), int(y)

    tiles = []
    for zoom in zooms:
        x0, y0 = tile_xy(west, north, zoom)
        x1, y1 = tile_xy(east, south, zoom)
        png = io.BytesIO()
        Image.new("RGB", (256, 256), (200 - 8 * zoom, 205 - 8 * zoom, 210 - 8 * zoom)).save(
            png, "PNG"
        )
        tiles += [
            (zxy_to_tileid(zoom, x, y), png.getvalue())
            for x in range(x0, x1 + 1)
            for y in range(y0, y1 + 1)
        ]
    with path.open("wb") as stream:
        writer = Writer(stream)
        for tile_id, data in sorted(tiles):
            writer.write_tile(tile_id, data)
        writer.finalize(
            {
                "tile_type": TileType.PNG,
                "tile_compression": Compression.NONE,
                "min_zoom": zooms.start,
                "max_zoom": zooms.stop - 1,
                "min_lon_e7": int(west * 1e7),
                "min_lat_e7": int(south * 1e7),
                "max_lon_e7": int(east * 1e7),
                "max_lat_e7": int(north * 1e7),
                "center_zoom": 12,
            },
            {"name": "warmgrid test base map"},
        )
    return path


AXE = Path(__file__).resolve().parents[1] / "data" / "axe-core" / "axe.min.js"


def serious_accessibility_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations of ``page`` (axe is injected, so the
    page's context must bypass its CSP)."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in results
        if v["impact"] in ("serious", "critical")
    ]
