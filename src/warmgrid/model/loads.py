"""Building electric loads: the winter evening peak (kW) and its hourly shape by use.

**Peak.** ``buildings.peak_kw`` holds a building's winter evening peak in kW (importers
fill it from pandapower loads' ``p_mw``). Where it is empty, :func:`peak_kw` estimates it
from use and floor area with the specific loads of :data:`PEAK_W_PER_M2`:

- residential 15 W/m²: the design load of apartments with gas stoves falls to about
  0.8 kW per apartment for several hundred apartments (СП 256.1325800.2016, table 7.1;
  ДБН В.2.5-23:2010 uses the same table), over a typical 55 m² apartment;
- schools 20 W/m², care homes 25 W/m², hospitals 40 W/m², other 25 W/m²: order of the
  specific loads of public buildings in the same table (lighting, kitchens, equipment);
- a building that heats electrically adds :data:`ELECTRIC_HEATING_W_PER_M2` (30 W/m²):
  the design heat load (EN 12831) of insulated post-2000 blocks is about 40–50 W/m² at
  −20 °C, and direct heaters run at about two thirds of it on a −5 °C evening (heat loss
  in proportion to the indoor–outdoor difference, 25 K of 40 K); older blocks need more
  and should carry a metered ``peak_kw``.

These are planning values, not metered data: a utility replaces them with its own peaks.

**Shape.** :data:`PROFILE_SHAPES` gives, per use, the load of each hour of a winter
weekday as a fraction of its evening peak: residential follows the BDEW standard load
profile H0 (households), the others G0 (commerce), both for a winter workday (VDEW,
*Repräsentative VDEW-Lastprofile*, M-28/99, 1999), read off the published curves at each
full hour and normalised to their maximum. They are approximations read off the curves,
not the published quarter-hour tables themselves. Hospitals and care homes run day and
night and keep 80 % of their peak at night (a flattened G0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PEAK_W_PER_M2 = {
    "residential": 15.0,
    "school": 20.0,
    "care_home": 25.0,
    "hospital": 40.0,
    "other": 25.0,
}
ELECTRIC_HEATING_W_PER_M2 = 30.0
DEFAULT_POWER_FACTOR = 0.95  # cos φ of loads without a reactive power (VDE-AR-N 4105 range)

_H0 = (
    0.55, 0.45, 0.40, 0.38, 0.38, 0.40, 0.50, 0.65, 0.70, 0.68, 0.66, 0.68,
    0.75, 0.72, 0.65, 0.62, 0.68, 0.85, 0.97, 1.00, 0.95, 0.88, 0.78, 0.65,
)  # fmt: skip
_G0 = (
    0.35, 0.33, 0.32, 0.32, 0.33, 0.38, 0.50, 0.70, 0.90, 0.97, 1.00, 1.00,
    0.95, 0.95, 0.97, 0.95, 0.90, 0.80, 0.65, 0.55, 0.48, 0.43, 0.40, 0.37,
)  # fmt: skip
_CARE = tuple(0.8 + 0.2 * g for g in _G0)
PROFILE_SHAPES: dict[str, tuple[float, ...]] = {
    "residential": _H0,
    "school": _G0,
    "other": _G0,
    "hospital": _CARE,
    "care_home": _CARE,
}


def peak_kw(buildings: pd.DataFrame) -> np.ndarray:
    """Winter evening peak per building (kW): ``peak_kw`` where given, else the estimate
    from use and floor area (module docstring); 0 where neither is known."""
    given = buildings["peak_kw"].to_numpy(np.float64)
    area = np.nan_to_num(buildings["floor_area_m2"].to_numpy(np.float64))
    specific = buildings["use"].map(PEAK_W_PER_M2).fillna(PEAK_W_PER_M2["other"])
    specific = specific.to_numpy(np.float64)
    electric = buildings["electric_heating"].to_numpy(bool)
    estimate = area * (specific + np.where(electric, ELECTRIC_HEATING_W_PER_M2, 0.0)) / 1000.0
    return np.where(np.isnan(given), estimate, given)


def profile_factor(uses: pd.Series | np.ndarray, hours_of_day: np.ndarray) -> np.ndarray:
    """Fraction of the peak per (building, hour): rows follow ``uses``, columns the local
    hours of day in ``hours_of_day`` (integers 0–23)."""
    table = np.array([PROFILE_SHAPES[use] for use in PROFILE_SHAPES])
    row = pd.Index(list(PROFILE_SHAPES)).get_indexer(np.asarray(uses, dtype=object))
    row = np.where(row < 0, list(PROFILE_SHAPES).index("other"), row)
    return table[row][:, np.asarray(hours_of_day, dtype=np.int64) % 24]
