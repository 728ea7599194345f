"""Map a function over blocks of scenarios, in this process or on a Dask cluster.

The decisions (:mod:`warmgrid.sweep.protect`, :mod:`warmgrid.sweep.centres`) evaluate
many modified scenarios. Each block is one task; on Dask the shared data (the sweep's
city) is broadcast to every worker once, like the sweep itself does
(:mod:`warmgrid.sweep.engine`), and a task of a lost worker is retried by Dask.
Results come back in the order of the blocks, so the outcome never depends on where
the blocks ran.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from warmgrid.sweep.aggregate import cold_metric
from warmgrid.sweep.city import SweepCity
from warmgrid.sweep.ensembles import NO_ASSET
from warmgrid.sweep.evaluate import evaluate_block
from warmgrid.sweep.spares import DEFAULT_SPARE_FACTOR, with_spares

if TYPE_CHECKING:
    from distributed import Client

T = TypeVar("T")
BLOCK_ROWS = 200
"""Scenarios per task: about 0.3 s of work for the demo city, so that Dask's overhead
per task (13–23 ms measured by ``bench/bench_sweep.py``) stays under 10 %."""
TASK_RETRIES = 3
BlockDone = Callable[[int], None]


def _size(block: Any) -> int:
    return len(block[0] if isinstance(block, tuple) else block)


def map_blocks(
    func: Callable[[Any, Any], T],
    shared: Any,
    blocks: Sequence[Any],
    client: Client | None = None,
    on_block: BlockDone | None = None,
) -> list[T]:
    """``[func(shared, block) for block in blocks]``, on ``client``'s cluster if given
    (``shared`` broadcast to every worker, unless it is already a future of the cluster);
    ``on_block`` gets each finished block's number of scenarios."""
    done = on_block or (lambda rows: None)
    if client is None or len(blocks) == 0:
        results = []
        for block in blocks:
            results.append(func(shared, block))
            done(_size(block))
        return results
    from distributed import Future, as_completed

    scattered = (
        shared if isinstance(shared, Future) else client.scatter(shared, broadcast=True, hash=False)
    )
    futures = {
        client.submit(func, scattered, block, pure=False, retries=TASK_RETRIES): number
        for number, block in enumerate(blocks)
    }
    finished: dict[int, T] = {}
    for future in as_completed(futures):
        number = futures[future]
        finished[number] = future.result()
        done(_size(blocks[number]))
    return [finished[number] for number in range(len(blocks))]


def people_hours(city: SweepCity, block: tuple[np.ndarray, np.ndarray, float]) -> np.ndarray:
    """People-hours below 12 °C of each scenario of ``block``: rows of asset indices
    (padded with ``NO_ASSET``), a mask of the damaged assets whose repair a spare
    shortens, and by what factor (:mod:`warmgrid.sweep.spares`), as the sweep evaluates
    them (:func:`evaluate_block`)."""
    rows, cuts, factor = block
    out = np.empty(rows.shape[0])
    ids = city.compiled.asset_ids.to_numpy()
    patterns, which = np.unique(np.where(cuts, rows, NO_ASSET), axis=0, return_inverse=True)
    for number, pattern in enumerate(patterns):
        chosen = np.flatnonzero(which.ravel() == number)
        spared = pattern[pattern != NO_ASSET]
        variant = with_spares(city, ids[spared].tolist(), factor) if spared.size else city
        frame = evaluate_block(variant, 0, rows[chosen])
        out[chosen] = frame[cold_metric(frame.columns)].to_numpy(dtype=np.float64)
    return out


class Evaluator:
    """People-hours below 12 °C of many scenarios, in blocks of ``BLOCK_ROWS``, counting
    how many scenarios it evaluated."""

    def __init__(
        self,
        city: SweepCity,
        client: Client | None = None,
        on_block: BlockDone | None = None,
        spare_factor: float = DEFAULT_SPARE_FACTOR,
    ) -> None:
        self.client = client
        self.on_block = on_block
        self.spare_factor = spare_factor
        self.city: Any = (  # on a cluster: broadcast once, shared by every call
            city if client is None else client.scatter(city, broadcast=True, hash=False)
        )
        self.evaluations = 0

    def __call__(self, rows: np.ndarray, cuts: np.ndarray | None = None) -> np.ndarray:
        """People-hours of each row of ``rows``; ``cuts`` marks the assets with a spare."""
        if rows.shape[0] == 0:
            return np.zeros(0, dtype=np.float64)
        self.evaluations += int(rows.shape[0])
        cuts = np.zeros(rows.shape, dtype=bool) if cuts is None else cuts
        blocks = [
            (part, cut, self.spare_factor)
            for part, cut in zip(split(rows), split(cuts), strict=True)
        ]
        return np.concatenate(
            map_blocks(people_hours, self.city, blocks, self.client, self.on_block)
        )


def split(rows: np.ndarray, size: int = BLOCK_ROWS) -> list[np.ndarray]:
    """``rows`` in blocks of ``size``."""
    return [rows[i : i + size] for i in range(0, rows.shape[0], size)]
