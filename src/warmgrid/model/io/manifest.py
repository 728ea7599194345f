"""The ``city.json`` manifest of a native city folder (see :mod:`warmgrid.model.io.native`),
read without the tables and without pandas, so that commands that only need a city's
name or time zone stay light."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from warmgrid.errors import InputError

FORMAT_NAME = "warmgrid-city"
FORMAT_VERSION = 1
MANIFEST = "city.json"


def read_manifest(folder: Path) -> dict[str, Any]:
    """The checked ``city.json`` of a city folder (its tables are not read)."""
    path = folder / MANIFEST
    if not folder.is_dir():
        raise InputError(str(folder), "is not a city folder (expected a folder with city.json)")
    if not path.is_file():
        raise InputError(str(folder), f"has no {MANIFEST}; is it a warmgrid city folder?")
    try:
        manifest = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(str(path), f"is not valid JSON ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise InputError(str(path), f'"format" must be "{FORMAT_NAME}"')
    if manifest.get("version") != FORMAT_VERSION:
        raise InputError(
            str(path),
            f"format version {manifest.get('version')!r} is not supported "
            f"(this warmgrid reads version {FORMAT_VERSION})",
        )
    if not isinstance(manifest.get("tables"), dict):
        raise InputError(str(path), '"tables" must map table names to row counts')
    return manifest
