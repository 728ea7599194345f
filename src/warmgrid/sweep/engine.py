"""Run an ensemble's chunks in this process or on a Dask cluster, into the output folder.

On Dask the compiled city is broadcast to every worker once and each chunk is one task
(:func:`encoded_block`: the rows of :func:`warmgrid.sweep.evaluate.evaluate_block`,
encoded as a Parquet file on the worker); Dask reruns the task of a worker that is lost.
The file's bytes come back to this process, which writes each chunk as it completes, so
the workers need no shared file system and this process does no work per row.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from warmgrid.errors import InputError, WarmgridError
from warmgrid.sweep import store
from warmgrid.sweep.city import SweepCity
from warmgrid.sweep.ensembles import Ensemble
from warmgrid.sweep.evaluate import evaluate_block

if TYPE_CHECKING:
    from distributed import Client

LOOPBACK = "127.0.0.1"
CONNECT_TIMEOUT_S = 5.0
WORKERS_TIMEOUT_S = 60.0
TASK_RETRIES = 3

Block = tuple[int, int, np.ndarray]  # chunk number, first scenario, asset rows
ChunkDone = Callable[[int], None]


@dataclass(frozen=True)
class SweepRun:
    """What a run did: chunks in the ensemble, computed now, and found already done."""

    chunks: int
    computed: int
    skipped: int


def _blocks(ensemble: Ensemble, chunk_size: int, chunks: list[int]) -> Iterator[Block]:
    for chunk in chunks:
        first = chunk * chunk_size
        yield chunk, first, ensemble.assets[first : first + chunk_size]


def encoded_block(city: SweepCity, first: int, assets: np.ndarray) -> bytes:
    """The Parquet file of the rows of scenarios ``first, …`` (:func:`evaluate_block`)."""
    return store.encode_rows(evaluate_block(city, first, assets))


def _serial(city: SweepCity, blocks: Iterator[Block]) -> Iterator[tuple[int, bytes]]:
    for chunk, first, assets in blocks:
        yield chunk, encoded_block(city, first, assets)


def _on_dask(
    client: Client, city: SweepCity, blocks: Iterator[Block]
) -> Iterator[tuple[int, bytes]]:
    """Each round broadcasts the city and maps the task over every chunk not yet done; a
    chunk whose copy of the city was lost with a worker is cancelled by Dask and goes to
    the next. One ``map`` and results gathered by ``as_completed`` itself cost the command
    about half the CPU per task of a ``submit`` and a ``result()`` call per chunk."""
    from distributed import as_completed

    pending = {chunk: (first, rows) for chunk, first, rows in blocks}
    for _ in range(TASK_RETRIES + 1):
        if not pending:
            return
        shared = client.scatter(city, broadcast=True, hash=False)
        chunks = list(pending)
        futures = client.map(
            encoded_block,
            [shared] * len(chunks),
            [pending[chunk][0] for chunk in chunks],
            [pending[chunk][1] for chunk in chunks],
            pure=False,
            retries=TASK_RETRIES,
        )
        chunk_of = dict(zip(futures, chunks, strict=True))
        for future, data in as_completed(futures, with_results=True):
            if future.status == "cancelled":
                continue
            chunk = chunk_of[future]
            del pending[chunk]
            yield chunk, data
            future.release()
    if pending:
        raise WarmgridError(
            f"{len(pending)} chunks of the sweep failed {TASK_RETRIES + 1} times as workers "
            "were lost; run the same command again to compute them"
        )


@contextmanager
def dask_client(workers: int | None, scheduler: str | None) -> Iterator[Client]:
    """A client of the cluster at ``scheduler``, or of a local cluster of ``workers``
    processes (one per core by default) on 127.0.0.1."""
    from distributed import Client, LocalCluster

    if scheduler is None:
        with (
            LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                host=LOOPBACK,
                dashboard_address=f"{LOOPBACK}:0",  # its health routes: loopback, any port
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError, TypeError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(
            "--scheduler", f"cannot reach a Dask scheduler at {scheduler!r} ({reason})"
        ) from None
    except Exception:  # a server of another protocol: its bytes make no Dask frame
        raise InputError(
            "--scheduler",
            f"cannot reach a Dask scheduler at {scheduler!r} (the server there does not "
            "speak the Dask protocol)",
        ) from None
    with client:
        try:
            client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
        except TimeoutError:
            raise InputError(
                "--scheduler", f"the Dask scheduler at {scheduler!r} has no workers"
            ) from None
        yield client


def run_sweep(
    city: SweepCity,
    ensemble: Ensemble,
    out: Path,
    chunk_size: int,
    client: Client | None = None,
    on_chunk: ChunkDone | None = None,
) -> SweepRun:
    """Compute the chunks of ``ensemble`` that ``out`` lacks (in this process when
    ``client`` is None) and write each one; ``on_chunk`` gets each chunk's scenario count."""
    if chunk_size < 1:
        raise InputError("--chunk-size", f"must be at least 1, got {chunk_size}")
    store.open_out(out, store.manifest(city, ensemble, chunk_size))
    count = -(-ensemble.size // chunk_size)
    todo = store.missing_chunks(out, count)
    blocks = _blocks(ensemble, chunk_size, todo)
    results = _serial(city, blocks) if client is None else _on_dask(client, city, blocks)
    for chunk, data in results:
        store.write_chunk(out, chunk, data)
        if on_chunk is not None:
            on_chunk(min(chunk_size, ensemble.size - chunk * chunk_size))
    return SweepRun(chunks=count, computed=len(todo), skipped=count - len(todo))
