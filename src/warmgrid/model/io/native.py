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
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from warmgrid.errors import InputError
from warmgrid.model.city import City
from warmgrid.model.io.manifest import FORMAT_NAME, FORMAT_VERSION, MANIFEST, read_manifest
from warmgrid.model.schema import TABLES
from warmgrid.model.timezone import DEFAULT_TIMEZONE


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
