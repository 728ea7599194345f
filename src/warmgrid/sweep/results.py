"""A finished sweep's scenarios and people-hours, read back for the decisions.

The decisions evaluate modified scenarios of a sweep, so they need the city and weather
the sweep ran with: the sweep's manifest records their fingerprint
(:func:`warmgrid.sweep.store.city_fingerprint`), and a city or weather that does not
match it is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from warmgrid.errors import InputError
from warmgrid.sweep import store
from warmgrid.sweep.aggregate import cold_metric
from warmgrid.sweep.city import SweepCity
from warmgrid.sweep.table import read_table


@dataclass(frozen=True)
class SweepResults:
    """The scenarios (asset indices padded with ``NO_ASSET``) and each one's people-hours
    below 12 °C under the restoration plan (the column ``metric``; see
    :func:`warmgrid.sweep.aggregate.cold_metric` for sweeps without a plan), in scenario
    order."""

    assets: np.ndarray
    people_hours: np.ndarray
    metric: str  # the rows' column: people-hours under the plan, with no repair, or
    # (impact-only sweeps) people without heat

    @property
    def scenarios(self) -> int:
        """Number of scenarios."""
        return int(self.assets.shape[0])


def read_manifest(out: Path) -> dict[str, Any]:
    """The manifest of the sweep in ``out``."""
    path = out / store.MANIFEST
    try:
        manifest = dict(json.loads(path.read_text(encoding="utf-8")))
        for key, kind in (("scenarios", int), ("chunk_size", int), ("city_fingerprint", str)):
            manifest[key] = kind(manifest[key])
    except FileNotFoundError:
        raise InputError(str(out), f"is not a sweep folder (no {store.MANIFEST})") from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError(str(path), f"is not a sweep manifest ({error})") from None
    return manifest


def read_sweep(out: Path, city: SweepCity) -> SweepResults:
    """The rows of the complete sweep in ``out``, which must have run over ``city``."""
    manifest = read_manifest(out)
    scenarios, chunk_size = int(manifest["scenarios"]), int(manifest["chunk_size"])
    if manifest["city_fingerprint"] != store.city_fingerprint(city):
        raise InputError(
            str(out),
            "was swept over another city, weather or plan settings; give the sweep's "
            "CITY, --weather and --conditions",
        )
    chunks = -(-scenarios // chunk_size)
    missing = store.missing_chunks(out, chunks)
    if missing:
        raise InputError(
            str(out),
            f"the sweep is incomplete ({len(missing)} of {chunks} chunks missing); "
            "run the same sweep command again to finish it",
        )
    table = read_table(out, chunks, city.compiled)
    metric = cold_metric(table.figures)
    return SweepResults(table.assets, table.figures[metric].astype(np.float64), metric)
