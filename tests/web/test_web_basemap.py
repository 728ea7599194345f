"""``warmgrid serve --basemap FILE.pmtiles``: the file served with HTTP Range requests,
and the pages reading their base map from it, by byte ranges, from the server only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pmtiles.reader import MemorySource, all_tiles
from typer.testing import CliRunner
from web_helpers import Server, Watch, screenshot, sign_in, start_server, tiny_basemap

from warmgrid.api import create_app
from warmgrid.cli import app as cli_app
from warmgrid.web.basemap import BASEMAP_PATH


@pytest.fixture(scope="module")
def basemap(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_basemap(tmp_path_factory.mktemp("basemap") / "city.pmtiles")


@pytest.fixture
def client(tmp_path: Path, basemap: Path) -> Iterator[TestClient]:
    with TestClient(create_app(f"sqlite:///{tmp_path / 'b.db'}", basemap=basemap)) as client:
        yield client


def test_the_archive_is_served_by_byte_ranges(client: TestClient, basemap: Path) -> None:
    data = basemap.read_bytes()
    whole = client.get(BASEMAP_PATH)
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["accept-ranges"] == "bytes"
    part = client.get(BASEMAP_PATH, headers={"Range": "bytes=0-126"})
    assert part.status_code == 206 and part.content == data[:127]
    assert part.headers["content-range"] == f"bytes 0-126/{len(data)}"
    tail = client.get(BASEMAP_PATH, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == data[-10:]
    etag = whole.headers["etag"]
    same = client.get(BASEMAP_PATH, headers={"Range": "bytes=5-9", "If-Range": etag})
    assert same.status_code == 206 and same.content == data[5:10]
    changed = client.get(BASEMAP_PATH, headers={"Range": "bytes=5-9", "If-Range": '"other"'})
    assert changed.status_code == 200 and changed.content == data
    beyond = client.get(BASEMAP_PATH, headers={"Range": f"bytes={len(data)}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{len(data)}"
    head = client.head(BASEMAP_PATH)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(data)
    tiles = list(all_tiles(MemorySource(data)))  # a valid archive: its reader finds the tiles
    assert len(tiles) > 10


def test_pages_name_the_base_map_only_when_there_is_one(client: TestClient, tmp_path) -> None:
    for page in ("/", "/public"):
        html = client.get(page).text
        assert f'content="{BASEMAP_PATH}"' in html and "vendor/pmtiles/pmtiles.js" in html
    assert client.get("/static/vendor/pmtiles/LICENSE.txt").status_code == 200
    with TestClient(create_app(f"sqlite:///{tmp_path / 'none.db'}")) as bare:
        assert "pmtiles.js" not in bare.get("/").text
        assert bare.get(BASEMAP_PATH).status_code == 404


@pytest.mark.parametrize("content", [b"", b"SQLite format 3\x00", b"PMTiles\x02rest"])
def test_serve_refuses_a_file_that_is_no_pmtiles_archive(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "map.pmtiles"
    bad.write_bytes(content)
    for given in (bad, tmp_path / "missing.pmtiles"):
        result = CliRunner().invoke(
            cli_app, ["serve", "--db", str(tmp_path / "s.db"), "--basemap", str(given)]
        )
        assert result.exit_code == 2
        assert "--basemap" in result.output and "Traceback" not in result.output


@pytest.fixture(scope="module")
def server_with_basemap(
    tmp_path_factory: pytest.TempPathFactory, basemap: Path
) -> Iterator[Server]:
    running, uv_server, thread = start_server(tmp_path_factory.mktemp("console"), basemap)
    yield running
    uv_server.should_exit = True
    thread.join(timeout=10)
    running.app.state.store.close()


def test_the_map_reads_the_base_map_by_ranges_from_the_server(
    browser: Any, server_with_basemap: Server
) -> None:
    watch = Watch()
    ranges: list[str] = []
    page = sign_in(browser, server_with_basemap, watch, "viewer")
    page.on(
        "request",
        lambda request: (
            ranges.append(request.headers.get("range", "none"))
            if request.url.endswith(BASEMAP_PATH)
            else None
        ),
    )
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function("() => state.map.getLayer('basemap') && state.map.areTilesLoaded()")
    page.wait_for_timeout(300)
    assert len(ranges) >= 2 and all(r.startswith("bytes=") for r in ranges), ranges
    assert watch.foreign(server_with_basemap.base) == []
    assert watch.errors == [] and watch.dialogs == []
    screenshot(page, "console-basemap")
