"""A sweep's rows read column by column: the damaged assets as a matrix of asset indices
and every figure as a numpy array.

The summary, the asset ranking, the interactions and the decisions need every row of a
sweep (the 95th percentiles are exact), which for an impact-only sweep of a large grid is
millions of rows. Arrow decodes the Parquet columns and maps the asset ids to their
indices in the city's tables (``pyarrow.compute.index_in``, one hash lookup per id in
C++), so no Python object is made per row or per id.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from warmgrid.errors import UnknownIdError
from warmgrid.model.compile import CompiledCity
from warmgrid.sweep import store
from warmgrid.sweep.ensembles import NO_ASSET


@dataclass(frozen=True)
class SweepTable:
    """Rows in scenario order: ``assets`` (asset indices, padded with ``NO_ASSET``; at
    least one column), ``sizes`` (damaged assets per scenario) and ``figures`` (each
    figure column of the rows, e.g. ``people_without_heat``, by name)."""

    assets: np.ndarray
    sizes: np.ndarray
    figures: dict[str, np.ndarray]

    @property
    def scenarios(self) -> int:
        """Number of scenarios."""
        return int(self.sizes.size)


def from_arrow(rows: pa.Table, compiled: CompiledCity, where: str) -> SweepTable:
    """The table of ``rows`` (columns ``scenario``, ``assets`` as lists of asset ids, and
    figures); an id unknown to ``compiled`` is an error naming ``where``."""
    assets = rows.column("assets").combine_chunks()
    sizes = pc.list_value_length(assets).to_numpy(zero_copy_only=False).astype(np.int64)
    ids = pc.list_flatten(assets)
    known = pa.array(compiled.asset_ids.to_numpy().astype(str))
    index = pc.index_in(ids, value_set=known)
    if index.null_count:
        first = pc.index(pc.is_null(index), True).as_py()
        raise UnknownIdError("asset", ids[first].as_py(), where)
    matrix = np.full((sizes.size, max(1, int(sizes.max(initial=0)))), NO_ASSET, dtype=np.int64)
    matrix[np.arange(matrix.shape[1])[None, :] < sizes[:, None]] = index.to_numpy()
    figures = {
        name: rows.column(name).to_numpy()
        for name in rows.column_names
        if name not in ("scenario", "assets")
    }
    return SweepTable(matrix, sizes, figures)


def read_table(out: Path, count: int, compiled: CompiledCity) -> SweepTable:
    """The rows of the ``count`` chunks of the sweep in ``out`` (chunk files hold
    consecutive scenarios, so chunk order is scenario order)."""
    chunks = [pq.read_table(store.chunk_path(out, chunk)) for chunk in range(count)]
    return from_arrow(pa.concat_tables(chunks), compiled, str(out))
