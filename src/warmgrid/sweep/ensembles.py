"""Scenario ensembles: which assets each scenario damages.

An ensemble is an integer matrix, one row per scenario, holding the asset indices of the
compiled city (:mod:`warmgrid.model.compile`) that the scenario damages, padded with -1.
Every ensemble is a pure function of the city and its arguments (and the seed), so the
same call gives the same scenarios in the same order on any machine.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from warmgrid.errors import InputError
from warmgrid.impact.propagate import propagate
from warmgrid.impact.screen import _in_play
from warmgrid.model.compile import CompiledCity

MAX_K = 4
NO_ASSET = -1


@dataclass(frozen=True)
class Ensemble:
    """Scenarios as rows of asset indices (``NO_ASSET`` pads shorter rows)."""

    kind: str  # "nk", "pairs" or "list"
    assets: np.ndarray  # int64, scenarios × widest scenario

    @property
    def size(self) -> int:
        """Number of scenarios."""
        return int(self.assets.shape[0])

    def fingerprint(self) -> str:
        """A short hash of the scenarios, to tell two ensembles apart on disk."""
        digest = hashlib.sha256(np.ascontiguousarray(self.assets, dtype=np.int64).tobytes())
        digest.update(self.kind.encode())
        return digest.hexdigest()[:16]


def candidates(compiled: CompiledCity) -> np.ndarray:
    """Asset indices whose loss can matter: supplied nodes, active branches and sources."""
    base = propagate(compiled, np.zeros(compiled.n_assets, dtype=bool))
    return np.flatnonzero(_in_play(compiled, base))


def sampled_nk(compiled: CompiledCity, k: int, samples: int, seed: int = 0) -> Ensemble:
    """``samples`` independent sets of ``k`` distinct assets, uniform over the candidates.

    Draws all sets at once and redraws the rows that repeat an asset until none does
    (rejection sampling, so every k-set is equally likely), then sorts each row.
    """
    if not 1 <= k <= MAX_K:
        raise InputError("--k", f"must be between 1 and {MAX_K}, got {k}")
    if samples < 1:
        raise InputError("--samples", f"must be at least 1, got {samples}")
    pool = candidates(compiled)
    if pool.size < k:
        raise InputError("--k", f"the city has only {pool.size} assets in service, fewer than {k}")
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, pool.size, size=(samples, k))
    while True:
        ordered = np.sort(draws, axis=1)
        clash = np.flatnonzero((np.diff(ordered, axis=1) == 0).any(axis=1))
        if not clash.size:
            return Ensemble("nk", pool[ordered])
        draws[clash] = rng.integers(0, pool.size, size=(clash.size, k))


def every_pair(compiled: CompiledCity) -> Ensemble:
    """Every unordered pair of candidate assets (N-2), in lexicographic order."""
    pool = candidates(compiled)
    first, second = np.triu_indices(pool.size, k=1)
    return Ensemble("pairs", np.column_stack([pool[first], pool[second]]))


def _rows_from_json(path: Path) -> list[tuple[str, list[str]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(str(path), f"cannot read JSON ({error})") from None
    if not isinstance(data, list):
        raise InputError(str(path), "expected a JSON list of damage sets")
    rows = []
    for number, item in enumerate(data, start=1):
        ids = item.get("assets") if isinstance(item, dict) else item
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise InputError(
                str(path),
                f"item {number}: expected a list of asset ids or an object with 'assets'",
            )
        rows.append((f"item {number}", ids))
    return rows


def _rows_from_csv(path: Path) -> list[tuple[str, list[str]]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if "assets" not in (reader.fieldnames or []):
                raise InputError(str(path), "expected a header with an 'assets' column")
            return [
                (
                    f"row {number}",
                    [part.strip() for part in (row["assets"] or "").replace(";", ",").split(",")],
                )
                for number, row in enumerate(reader, start=2)
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InputError(str(path), f"cannot read CSV ({error})") from None


def from_file(compiled: CompiledCity, path: Path) -> Ensemble:
    """Damage sets from a JSON list (of id lists, or of objects with ``assets``) or a CSV
    with an ``assets`` column (ids separated by ``,`` or ``;``)."""
    reader = _rows_from_csv if path.suffix.lower() == ".csv" else _rows_from_json
    rows = reader(path)
    if not rows:
        raise InputError(str(path), "holds no damage sets")
    width = max(len(ids) for _, ids in rows)
    assets = np.full((len(rows), width), NO_ASSET, dtype=np.int64)
    for position, (where, ids) in enumerate(rows):
        ids = [i for i in ids if i]
        if not ids:
            raise InputError(str(path), f"{where}: field 'assets' is empty")
        index = np.unique(compiled.asset_index(ids, where=f"{path}, {where}"))
        assets[position, : index.size] = index
    return Ensemble("list", assets)
