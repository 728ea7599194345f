"""The report's HTML printed to PDF by headless Chromium (A4, page size from the CSS).

Chromium is found as ``$WARMGRID_CHROMIUM`` or on the ``PATH`` (Debian's ``chromium``).
It runs with a throwaway profile, no network and no header or footer; the HTML is
self-contained, so it loads nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from warmgrid.errors import WarmgridError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_S = 60.0


def find_chromium() -> str:
    """The Chromium executable; :class:`WarmgridError` when there is none."""
    given = os.environ.get("WARMGRID_CHROMIUM")
    if given:
        if shutil.which(given) is None:
            raise WarmgridError(f"WARMGRID_CHROMIUM: {given!r} is not an executable")
        return given
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise WarmgridError(
        "a PDF report needs Chromium (Debian: apt-get install chromium) or "
        "WARMGRID_CHROMIUM naming it; write HTML with --out FILE.html instead"
    )


def html_to_pdf(html: str) -> bytes:
    """Print ``html`` to PDF with headless Chromium."""
    chromium = find_chromium()
    with tempfile.TemporaryDirectory(prefix="warmgrid-report-") as work:
        folder = Path(work)
        page = folder / "report.html"
        page.write_text(html, encoding="utf-8")
        out = folder / "report.pdf"
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-extensions",
            "--no-first-run",
            "--proxy-server=127.0.0.1:9",
            f"--user-data-dir={folder / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise WarmgridError(
                f"Chromium did not print the report within {TIMEOUT_S:g} s"
            ) from None
        if not out.is_file() or out.stat().st_size == 0:
            raise WarmgridError(f"Chromium ({chromium}) did not print the report")
        return out.read_bytes()
