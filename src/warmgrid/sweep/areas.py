"""Area-strike ensembles: random circles, each damaging what lies inside it.

A strike's centre is drawn either uniformly over the in-play assets of chosen kinds (the
asset's position: its node, a source's node, a branch's midpoint) or from a user layer of
weighted points (probability ∝ weight). Its radius is drawn uniformly between a minimum
and a maximum in metres. What a circle damages is :func:`warmgrid.impact.damage.damage_mask`'s
rule, as for a strike area in a scenario. Everything is drawn from one seeded generator,
so the same arguments give the same scenarios on any machine.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

from warmgrid.errors import InputError
from warmgrid.impact.damage import Circle, Damage, damage_mask
from warmgrid.model.compile import CompiledCity
from warmgrid.restore.from_city import asset_table
from warmgrid.sweep.ensembles import NO_ASSET, Ensemble, candidates


def asset_centres(compiled: CompiledCity, kinds: tuple[str, ...] = ()) -> np.ndarray:
    """(lon, lat) of the in-play assets of ``kinds`` (all kinds when empty), (n, 2)."""
    table = asset_table(compiled.city)
    pool = candidates(compiled)
    ids = compiled.asset_ids.to_numpy()[pool]
    rows = [table[i] for i in ids]
    keep = [k for k, row in enumerate(rows) if not kinds or row[1] in kinds]
    points = np.array([[rows[k][2], rows[k][3]] for k in keep], dtype=np.float64).reshape(-1, 2)
    points = points[np.isfinite(points).all(axis=1)]
    if not points.size:
        wanted = ", ".join(kinds) if kinds else "any kind"
        raise InputError("--area-kinds", f"the city has no located assets in service of {wanted}")
    return points


def _number(text: str | None, where: str, field: str) -> float:
    try:
        value = float(text or "")
    except ValueError:
        raise InputError(where, f"field {field!r}: expected a number, got {text!r}") from None
    if not np.isfinite(value):
        raise InputError(where, f"field {field!r}: expected a finite number, got {text!r}")
    return value


def read_weights(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Weighted points from a CSV (``lon``, ``lat``, optional ``weight``) or a GeoJSON of
    Point features (optional ``weight`` property): (lon/lat (n, 2), weights (n,))."""
    points: list[tuple[float, float, float]] = []
    try:
        if path.suffix.lower() == ".csv":
            with path.open(newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                if not {"lon", "lat"} <= set(reader.fieldnames or []):
                    raise InputError(str(path), "expected a header with 'lon' and 'lat' columns")
                for number, row in enumerate(reader, start=2):
                    where = f"{path}, row {number}"
                    weight = row.get("weight")
                    points.append(
                        (
                            _number(row["lon"], where, "lon"),
                            _number(row["lat"], where, "lat"),
                            1.0 if weight in (None, "") else _number(weight, where, "weight"),
                        )
                    )
        else:
            document = json.loads(path.read_text(encoding="utf-8"))
            features = document.get("features") if isinstance(document, dict) else None
            if not isinstance(features, list):
                raise InputError(str(path), "expected a GeoJSON FeatureCollection")
            for number, feature in enumerate(features, start=1):
                where = f"{path}, feature {number}"
                geometry = (feature or {}).get("geometry") or {}
                coords = geometry.get("coordinates")
                if geometry.get("type") != "Point" or not isinstance(coords, list):
                    raise InputError(where, "expected a Point geometry")
                weight = ((feature or {}).get("properties") or {}).get("weight", 1.0)
                points.append(
                    (
                        _number(str(coords[0]), where, "lon"),
                        _number(str(coords[1]), where, "lat"),
                        _number(str(weight), where, "weight"),
                    )
                )
    except (OSError, UnicodeDecodeError, csv.Error, json.JSONDecodeError, IndexError) as error:
        raise InputError(str(path), f"cannot read the weight layer ({error})") from None
    array = np.array(points, dtype=np.float64).reshape(-1, 3)
    if not array.size:
        raise InputError(str(path), "holds no points")
    if (array[:, 2] < 0).any() or array[:, 2].sum() <= 0:
        raise InputError(str(path), "weights must be 0 or more, and not all 0")
    return array[:, :2], array[:, 2]


def area_strikes(
    compiled: CompiledCity,
    samples: int,
    radius_m: tuple[float, float],
    seed: int = 0,
    *,
    kinds: tuple[str, ...] = (),
    weights: tuple[np.ndarray, np.ndarray] | None = None,
) -> Ensemble:
    """``samples`` circular strikes: centres uniform over the in-play assets of ``kinds``
    or drawn from ``weights`` ((lon/lat, weight) of :func:`read_weights`), radii uniform in
    ``radius_m`` (min, max metres). Rows: the damaged assets' indices, sorted."""
    if samples < 1:
        raise InputError("--areas", f"must be at least 1, got {samples}")
    low, high = radius_m
    if not (0 < low <= high < np.inf):
        raise InputError("--radius-m", f"expected 0 < MIN <= MAX metres, got {low}:{high}")
    if weights is None:
        points = asset_centres(compiled, kinds)
        chance = None
    else:
        points, weight = weights
        chance = weight / weight.sum()
    rng = np.random.default_rng(seed)
    centre = rng.choice(points.shape[0], size=samples, p=chance)
    radius = rng.uniform(low, high, size=samples)
    rows = [
        np.flatnonzero(
            damage_mask(
                compiled,
                Damage(areas=(Circle(float(points[c, 0]), float(points[c, 1]), float(r)),)),
            )
        )
        for c, r in zip(centre, radius, strict=True)
    ]
    width = max(1, max(row.size for row in rows))
    assets = np.full((samples, width), NO_ASSET, dtype=np.int64)
    for position, row in enumerate(rows):
        assets[position, : row.size] = row
    return Ensemble("areas", assets)
