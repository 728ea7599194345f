"""The sweep's output folder: a manifest and one Parquet file per chunk of scenarios.

``sweep.json`` names the city, the ensemble and the chunk size; a later run into the same
folder must match it, and then only the chunks without a file are computed again. Each
chunk is written to a temporary file and renamed into place, so a file that exists is
complete even when a run was killed while writing.

The rows are encoded into Parquet where they are computed (:func:`encode_rows`, on the
Dask workers), so the process that writes the folder only stores bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from warmgrid.errors import InputError
from warmgrid.sweep.city import SweepCity
from warmgrid.sweep.ensembles import Ensemble

MANIFEST = "sweep.json"
COMPRESSION = "snappy"  # pandas' default for Parquet: about 29 bytes per N-2 impact-only row


def city_fingerprint(city: SweepCity) -> str:
    """A short hash of the city's asset ids, buildings' people, supply nodes, cold hours
    and the crews and plan settings."""
    compiled = city.compiled
    digest = hashlib.sha256("\n".join(compiled.asset_ids).encode())
    for array in (
        compiled.building_population,
        compiled.building_power_node,
        compiled.building_heat_node,
        city.cold_flats_h,
        city.cold_flats_people,
    ):
        digest.update(array.tobytes())
    crews = [
        (c.id, c.lon, c.lat, sorted(c.skills or ()), c.available_from_h, c.shift_h)
        for c in city.crews
    ]
    digest.update(repr((crews, sorted((city.repair_h or {}).items()))).encode())
    digest.update(
        repr((city.cold_urgency, city.plan_iterations, city.plan_stall, city.plan_moves)).encode()
    )
    return digest.hexdigest()[:16]


def manifest(city: SweepCity, ensemble: Ensemble, chunk_size: int) -> dict[str, object]:
    """What identifies a sweep's results on disk."""
    return {
        "city": city.compiled.city.name,
        "city_fingerprint": city_fingerprint(city),
        "ensemble": ensemble.kind,
        "ensemble_fingerprint": ensemble.fingerprint(),
        "scenarios": ensemble.size,
        "chunk_size": chunk_size,
        "plan": city.with_plan,
        "cooled": city.cooled,
    }


def _write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def open_out(out: Path, expected: dict[str, object]) -> None:
    """Create ``out`` with its manifest, or check that the one there describes this sweep."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError("--out", f"cannot create {out} ({error.strerror})") from None
    path = out / MANIFEST
    if path.exists():
        try:
            found = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise InputError(str(path), f"is not a sweep manifest ({error})") from None
        if found != expected:
            changed = sorted(k for k in expected if found.get(k) != expected[k])
            raise InputError(
                "--out",
                f"{out} holds another sweep (differs in {', '.join(changed)}); "
                "choose an empty folder",
            )
        return
    text = json.dumps(expected, indent=2) + "\n"
    _write_atomically(path, lambda p: p.write_text(text, encoding="utf-8"))


def chunk_path(out: Path, chunk: int) -> Path:
    """Where chunk number ``chunk`` is stored."""
    return out / f"chunk-{chunk:06d}.parquet"


def missing_chunks(out: Path, count: int) -> list[int]:
    """Chunk numbers below ``count`` that have no file yet."""
    return [chunk for chunk in range(count) if not chunk_path(out, chunk).exists()]


def encode_rows(rows: pd.DataFrame) -> bytes:
    """One chunk's rows as the bytes of a Parquet file (the file ``rows.to_parquet``
    writes: same schema, pandas metadata and compression)."""
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(rows, preserve_index=False), sink, compression=COMPRESSION)
    return sink.getvalue().to_pybytes()


def write_chunk(out: Path, chunk: int, data: bytes) -> None:
    """Store one chunk's Parquet bytes (atomically: a complete file or none)."""
    _write_atomically(chunk_path(out, chunk), lambda p: p.write_bytes(data))
