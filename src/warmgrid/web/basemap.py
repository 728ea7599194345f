"""An optional local base map: a PMTiles archive served with HTTP Range requests.

``warmgrid serve --basemap FILE.pmtiles`` serves the file at :data:`BASEMAP_PATH`; the
pages read it with the PMTiles JS library (vendored under ``static/vendor/pmtiles``)
one byte range at a time, so no tile server and no request leaving the machine are
needed. Ranges, ``If-Range``, ``416`` and ``HEAD`` are Starlette's ``FileResponse``
(RFC 9110 §14). A PMTiles v3 archive starts with ``PMTiles`` and the version byte 3
(https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse

from warmgrid.errors import InputError

BASEMAP_PATH = "/basemap.pmtiles"
PMTILES_MAGIC = b"PMTiles\x03"
MEDIA_TYPE = "application/vnd.pmtiles"
PAGE_MARKER = '<meta name="warmgrid-basemap" content="">'
PAGE_BASEMAP = (
    f'<meta name="warmgrid-basemap" content="{BASEMAP_PATH}">\n'
    '<script src="/static/vendor/pmtiles/pmtiles.js" defer></script>'
)


def check_basemap(path: str | Path) -> Path:
    """``path`` when it is a readable PMTiles v3 archive, else an :class:`InputError`."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise InputError("--basemap", f"no file {str(file)!r}; expected a .pmtiles archive")
    with file.open("rb") as stream:
        start = stream.read(len(PMTILES_MAGIC))
    if start != PMTILES_MAGIC:
        raise InputError("--basemap", f"{str(file)!r} is not a PMTiles version 3 archive")
    return file.resolve()


def with_basemap(html: str, basemap: Path | None) -> str:
    """A page's HTML, naming the base map and loading the PMTiles library when there is
    one (unchanged otherwise)."""
    return html.replace(PAGE_MARKER, PAGE_BASEMAP) if basemap is not None else html


def install_basemap(app: FastAPI, basemap: Path | None) -> None:
    """Serve ``basemap`` at :data:`BASEMAP_PATH` (GET and HEAD, byte ranges); nothing
    without one."""
    if basemap is None:
        return

    @app.api_route(BASEMAP_PATH, methods=["GET", "HEAD"], include_in_schema=False)
    async def basemap_file() -> FileResponse:
        return FileResponse(basemap, media_type=MEDIA_TYPE, headers={"Cache-Control": "no-cache"})
