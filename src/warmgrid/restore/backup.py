"""Refuel deadlines of the buildings running on backup generators.

A building off the grid with a backup generator (``buildings.backup_fuel_h`` > 0) keeps
its power until its fuel runs out, ``backup_fuel_h`` hours after the start (the fuel is
taken as full at the start). Unless the plan brings grid power back before then, it
must be refuelled by that deadline.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from warmgrid.impact import ImpactResult
from warmgrid.model.timezone import fuel_out


def refuel_deadlines(
    impact: ImpactResult,
    building_etr: pd.DataFrame | None = None,
    start: datetime | None = None,
    timezone: str | None = None,
) -> list[dict[str, object]]:
    """One entry per building on backup power: ``id``, ``name``, ``use``, ``people``,
    ``fuel_h`` (hours of fuel from the start), ``power_etr_h`` (the plan's grid ETR,
    ``None`` when unknown), ``refuel_needed`` (the fuel runs out before the grid is back,
    or the ETR is unknown) and, given ``start``, ``fuel_out`` (ISO 8601 on the city's
    clock, ``timezone``)."""
    city = impact.compiled.city
    rows = np.flatnonzero(impact.building_on_backup)
    buildings = city.buildings.iloc[rows]
    etr = np.full(rows.size, np.nan)
    if building_etr is not None and not building_etr.empty:
        frame = building_etr.set_index("id")["power_etr_h"]
        etr = frame.reindex(buildings["id"]).to_numpy(dtype=float)
    out = []
    for k, row in enumerate(buildings.itertuples(index=False)):
        fuel_h = float(row.backup_fuel_h)
        known = bool(np.isfinite(etr[k]))
        entry: dict[str, object] = {
            "id": row.id,
            "name": row.name,
            "use": row.use,
            "people": int(row.population),
            "fuel_h": fuel_h,
            "power_etr_h": float(etr[k]) if known else None,
            "refuel_needed": not known or float(etr[k]) > fuel_h,
        }
        if start is not None:
            entry["fuel_out"] = fuel_out(start, fuel_h, timezone).isoformat(timespec="minutes")
        out.append(entry)
    return out
