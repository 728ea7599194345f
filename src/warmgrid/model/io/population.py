"""Population estimates for imported loads: electricity or heat demand → households → people.

Grid data know demand, not people. warmgrid turns a load's annual energy into households
with a national average consumption per household, and households into people with the
mean household size. All figures are for Germany, where the SimBench grids and the
Schutterwald heat network lie:

- Mean household size: 2.00 persons (Mikrozensus 2017: 41.304 million private
  households; Statistische Ämter des Bundes und der Länder, statistikportal.de,
  "Gebiet und Bevölkerung – Haushalte").
- Electricity per household: 3,074 kWh/a (VDEW, statistical mean of German households
  in 2005).
- Household share of electricity: 0.25 — private households use about a quarter of the
  519 billion kWh Germany consumed in 2022 (BDEW). Applied to grid equivalents of whole
  medium- and high-voltage areas, whose energy includes trade and industry.
- Heat per household: 14,914 kWh/a — room heating 501 and hot water 115 billion kWh of
  private households in 2021 (Destatis, Environmental-Economic Accounting, "Energy
  consumption of private households", temperature adjusted) divided by the 41.304
  million households above.

A residential load with any demand houses at least one person; loads of other uses get no
residents (people at work are not counted).
"""

from __future__ import annotations

import numpy as np

PERSONS_PER_HOUSEHOLD = 2.00
ELECTRICITY_PER_HOUSEHOLD_KWH = 3_074.0
HEAT_PER_HOUSEHOLD_KWH = (501e9 + 115e9) / 41.304e6
HOUSEHOLD_SHARE_OF_ELECTRICITY = 0.25

# Full-load hours used when a load has no time series: the SimBench household profiles
# H0-A, H0-B and H0-C (simbench 1.6.1) have 1,222, 776 and 1,031 h; warmgrid takes 1,000 h.
DEFAULT_POWER_FULL_LOAD_HOURS = 1_000.0
# Heat: the Schutterwald network (pandapipes 0.16) gives every consumer an annual
# consumption of exactly qext_w × 1,500 h; warmgrid uses the same ratio for heat consumers.
DEFAULT_HEAT_FULL_LOAD_HOURS = 1_500.0


def people_from_energy(
    annual_kwh: np.ndarray, residential: np.ndarray, kwh_per_household: float
) -> np.ndarray:
    """People living behind loads with ``annual_kwh`` (kWh/a) of demand.

    ``residential`` is a bool mask; other loads get 0. Result: int64 persons, at least 1
    for a residential load with positive demand.
    """
    annual_kwh = np.nan_to_num(np.asarray(annual_kwh, dtype=np.float64), nan=0.0)
    households = np.clip(annual_kwh, 0.0, None) / kwh_per_household
    people = np.rint(households * PERSONS_PER_HOUSEHOLD).astype(np.int64)
    people = np.where(annual_kwh > 0, np.maximum(people, 1), 0)
    return np.where(np.asarray(residential, dtype=bool), people, 0).astype(np.int64)
