"""Render a report in one format and write it to a file without leaving half a file."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from warmgrid.errors import InputError
from warmgrid.report.facts import Facts
from warmgrid.scenario.run import Assessment

FORMATS = ("html", "pdf", "hxl")
SUFFIXES = {".html": "html", ".htm": "html", ".pdf": "pdf", ".csv": "hxl"}
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "hxl": "text/csv; charset=utf-8",
}


def report_format(out: Path, given: str | None) -> str:
    """``given`` (``html``, ``pdf``, ``hxl``) or the one ``out``'s suffix names."""
    if given is not None:
        if given not in FORMATS:
            raise InputError("--format", f"must be one of {', '.join(FORMATS)}, got {given!r}")
        return given
    found = SUFFIXES.get(out.suffix.lower())
    if found is None:
        raise InputError(str(out), "name a .html, .pdf or .csv file, or give --format html|pdf|hxl")
    return found


def render(assessment: Assessment, facts: Facts, fmt: str, lang: str) -> bytes:
    """The report in ``fmt`` as bytes (heavy modules are imported only when needed)."""
    if fmt == "hxl":
        from warmgrid.report.hxl import hxl_csv

        return hxl_csv(assessment, facts).encode("utf-8")
    from warmgrid.report.html import render_html

    html = render_html(assessment, facts, lang)
    if fmt == "html":
        return html.encode("utf-8")
    from warmgrid.report.pdf import html_to_pdf

    return html_to_pdf(html)


def check_writable(out: Path) -> None:
    """:class:`InputError` unless ``out`` can be written (before any work is done)."""
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise InputError(str(out), "is a folder; name a file")
    if not folder.is_dir():
        raise InputError(str(out), f"folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise InputError(str(out), "cannot be written (permission denied)")


def write_bytes(out: Path, data: bytes) -> None:
    """Write ``data`` to ``out`` through a temporary file in the same folder, so that a
    failure leaves any previous file whole."""
    check_writable(out)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    except OSError as error:
        raise InputError(str(out), f"cannot be written ({error.strerror})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(name, out)
    except OSError as error:
        Path(name).unlink(missing_ok=True)
        raise InputError(str(out), f"cannot be written ({error.strerror})") from None


def write_json(out: Path, payload: dict[str, object]) -> None:
    """``payload`` as UTF-8 JSON in ``out``."""
    write_bytes(out, json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8"))
