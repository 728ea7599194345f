"""warmgrid's native on-disk city format: a folder of Parquet tables plus ``city.json``.

Layout::

    mycity/
      city.json          {"format": "warmgrid-city", "version": 1, "name": ..., "meta": {...},
                          "timezone": "Europe/Kyiv",   (IANA name; "UTC" when absent)
                          "tables": {"nodes": 123, "branches": ..., ...}}   (row counts)
      nodes.parquet      one file per table of warmgrid.model.schema.TABLES
      branches.parquet
      sources.parquet
      buildings.parquet
      dependencies.parquet

``load_city`` checks the format name and version, that every table is present,
readable and has the row count ``city.json`` promises (a truncated copy is caught), and
then validates the tables and every reference between them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from warmgrid.errors import InputError
from warmgrid.model.city import City
from warmgrid.model.io.manifest import FORMAT_NAME, FORMAT_VERSION, MANIFEST, read_manifest
from warmgrid.model.schema import TABLES
from warmgrid.model.timezone import DEFAULT_TIMEZONE

FILE_SUFFIXES = (".json", ".geojson", ".parquet", ".csv", ".pbf", ".zip", ".gz", ".toml", ".xml")
"""Suffixes of data files: an output city folder named like one is most likely a typo
for a file."""


def check_city_folder(folder: Path) -> None:
    """:class:`InputError` unless a city can be written to ``folder`` (an existing folder,
    or a new one inside an existing, writable folder) — checked before any work is done."""
    if folder.suffix.lower() in FILE_SUFFIXES:
        raise InputError(
            str(folder), f"names a {folder.suffix} file; give the folder to write the city to"
        )
    if folder.exists() and not folder.is_dir():
        raise InputError(str(folder), "cannot be written: it is a file, not a folder")
    parent = folder if folder.is_dir() else folder.parent
    if not parent.is_dir():
        raise InputError(str(folder), f"cannot be written: folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(str(folder), f"cannot be written: permission denied on {parent}")


def save_city(city: City, folder: str | Path) -> Path:
    """Write ``city`` to ``folder`` (created if needed); returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in TABLES:
        frame = city.table(table)
        pq.write_table(
            pa.Table.from_pandas(frame, preserve_index=False), folder / f"{table}.parquet"
        )
        counts[table] = len(frame)
    manifest = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "name": city.name,
        "timezone": city.timezone,
        "meta": city.meta,
        "tables": counts,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str) + "\n")
    return folder


def _read_table(folder: Path, table: str, expected_rows: object) -> pd.DataFrame:
    path = folder / f"{table}.parquet"
    if not path.is_file():
        raise InputError(str(path), "is missing")
    try:
        frame = pq.read_table(path).to_pandas()
    except (pa.ArrowException, OSError) as error:
        raise InputError(str(path), f"is not a readable Parquet file ({error})") from None
    if expected_rows is not None and len(frame) != expected_rows:
        raise InputError(
            str(path), f"has {len(frame)} rows, {MANIFEST} says {expected_rows} (truncated copy?)"
        )
    return frame


def load_city(folder: str | Path) -> City:
    """Read and validate a city folder written by :func:`save_city`."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    tables = {table: _read_table(folder, table, manifest["tables"].get(table)) for table in TABLES}
    return City.from_tables(
        str(manifest.get("name", folder.name)),
        meta=dict(manifest.get("meta") or {}),
        timezone=manifest.get("timezone", DEFAULT_TIMEZONE),
        origin=str(folder),
        **tables,
    )
