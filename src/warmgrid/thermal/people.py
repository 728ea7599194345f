"""Building and city figures from the flats: one answer for warnings and totals.

Every figure about a building without heat comes from its flats by position
(:mod:`warmgrid.thermal.flats`), given as ``hours_to`` — ``(buildings, positions)`` hours
until the flats of a position first fall below a threshold (NaN: not within the horizon,
or no such flat) — and ``people`` — ``(buildings, positions)`` occupants of those flats:

* a building's warning time is its first (coldest) flat: the minimum over its positions
  (:meth:`~warmgrid.thermal.flats.FlatCooldown.worst_hours_to`);
* a flat counts as cold from the first time its air falls below the threshold until its
  heat is back: a mild afternoon that lifts it above the threshold again does not make it
  safe. People below a threshold after ``t`` hours are the occupants of the flats that have
  fallen below it within ``t``, so the count never falls while the heat stays off;
* people-hours below a threshold are ``Σ people × (until − hours_to)`` over the flats that
  fall below it before ``until`` (the heat's return, or the horizon): the area under the
  people-below curve;
* a building's mean indoor temperature is the mean of its flats weighted by their number.
  A building's flats have the archetype's floor area each and its occupants spread evenly
  over them, so this is also the floor-area and the people-weighted mean.
"""

from __future__ import annotations

import numpy as np


def _cold_from(hours_to: np.ndarray) -> np.ndarray:
    """``hours_to`` with NaN (never cold within the horizon) as infinity."""
    return np.nan_to_num(np.asarray(hours_to, dtype=np.float64), nan=np.inf, posinf=np.inf)


def people_below_within(hours_to: np.ndarray, people: np.ndarray, after_h: float) -> np.ndarray:
    """Per building, people in flats that have fallen below the threshold within
    ``after_h`` hours."""
    return (np.asarray(people, dtype=np.float64) * (_cold_from(hours_to) <= after_h)).sum(axis=1)


def people_hours_below(
    hours_to: np.ndarray,
    people: np.ndarray,
    until_h: np.ndarray | float,
    horizon_h: float,
) -> np.ndarray:
    """Per building, people-hours below the threshold until ``until_h`` hours (per building
    or one for all; NaN or beyond the horizon: the horizon, ``horizon_h`` hours)."""
    until = np.asarray(until_h, dtype=np.float64)
    until = np.clip(np.nan_to_num(until, nan=horizon_h), 0.0, horizon_h)
    if until.ndim:
        until = until[:, None]
    cold_h = np.maximum(until - _cold_from(hours_to), 0.0)
    return (np.asarray(people, dtype=np.float64) * cold_h).sum(axis=1)


def people_below_series(
    hours_to: np.ndarray,
    people: np.ndarray,
    time_h: np.ndarray,
    until_h: np.ndarray | None = None,
) -> np.ndarray:
    """At every instant of ``time_h`` (ascending hours), people in flats that have fallen
    below the threshold by then and whose building's heat is not back yet (``until_h`` per
    building, hours, NaN: never; None: no heat comes back)."""
    cold = _cold_from(hours_to)
    weights = np.asarray(people, dtype=np.float64)
    start = np.searchsorted(time_h, cold, side="left")  # first instant at or after the fall
    if until_h is None:
        end = np.full(cold.shape, time_h.size)
    else:
        back = np.nan_to_num(np.asarray(until_h, dtype=np.float64), nan=np.inf)
        end = np.broadcast_to(np.searchsorted(time_h, back, side="left")[:, None], cold.shape)
    counted = start < end
    delta = np.bincount(start[counted], weights[counted], minlength=time_h.size + 1)
    delta -= np.bincount(end[counted], weights[counted], minlength=time_h.size + 1)
    return np.cumsum(delta[: time_h.size])


def mean_temp_c(temp_c: np.ndarray, flats: np.ndarray) -> np.ndarray:
    """Per building, the mean of its flats' temperatures (°C) weighted by their number
    (NaN: a building without flats)."""
    weights = np.where(flats > 0, flats, 0).astype(np.float64)
    values = np.where(flats > 0, temp_c, 0.0)
    total = weights.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (weights * values).sum(axis=1) / total, np.nan)
