"""Slots of a horizon and the buildings' load in each (MW)."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from warmgrid.errors import InputError
from warmgrid.model.loads import peak_kw, profile_factor


def slot_edges(hours: float, slot_h: float) -> np.ndarray:
    """Edges of slots of ``slot_h`` hours covering ``hours`` (the last may be shorter)."""
    if not (np.isfinite(hours) and 0 < hours <= 24 * 14):
        raise InputError("--hours", f"must be a number of hours in (0, 336], got {hours}")
    if not (np.isfinite(slot_h) and 0 < slot_h <= hours):
        raise InputError("--slot-h", f"must be positive and at most --hours, got {slot_h}")
    if abs(slot_h - round(slot_h)) > 1e-9 or abs(hours - round(hours)) > 1e-9:
        raise InputError("--slot-h", "slots and horizon must be whole hours")
    edges = np.arange(0.0, hours, slot_h)
    return np.append(edges, float(hours))


def slot_loads_mw(
    buildings: pd.DataFrame, edges_h: np.ndarray, start: datetime, load_scale: float
) -> np.ndarray:
    """``load[b, t]``: each building's highest hourly load within slot ``t`` (MW): its peak
    (:func:`warmgrid.model.loads.peak_kw`) × ``load_scale`` × its use's hourly shape on
    the local clock of ``start``."""
    if not (np.isfinite(load_scale) and load_scale > 0):
        raise InputError("--load-scale", f"must be a positive number, got {load_scale}")
    peak_mw = peak_kw(buildings) * load_scale / 1000.0
    first = start.replace(minute=0, second=0, microsecond=0)
    hours = [(first + timedelta(hours=h)).hour for h in range(int(np.ceil(edges_h[-1])) + 1)]
    factor = profile_factor(buildings["use"], np.array(hours))
    out = np.empty((len(buildings), edges_h.size - 1))
    for t in range(edges_h.size - 1):
        lo, hi = int(edges_h[t]), max(int(np.ceil(edges_h[t + 1])), int(edges_h[t]) + 1)
        out[:, t] = peak_mw * factor[:, lo:hi].max(axis=1)
    return out
