"""Customers of a building: households or meters, for reliability indices.

IEEE Std 1366 counts *customers* — metered points of supply — not people or buildings.
A city's ``buildings.customers`` column gives them; where it is left out (or empty), the
default is one customer per household in a residential building and one per building of
any other use (one meter):

    customers = max(1, round(population / household_size))   residential
    customers = 1                                              other uses

with ``household_size`` = :data:`HOUSEHOLD_SIZE` persons, the average size of private
households in the EU-27 in 2023 (Eurostat, "Average household size - EU-SILC survey",
dataset ilc_lvph01: 2.3 persons). A city with its own statistics (e.g. the national
statistics office's average household size) should give the column.
"""

from __future__ import annotations

import numpy as np

#: Persons per private household (Eurostat ilc_lvph01, EU-27, 2023).
HOUSEHOLD_SIZE = 2.3


def default_customers(
    population: np.ndarray, use: np.ndarray, household_size: float = HOUSEHOLD_SIZE
) -> np.ndarray:
    """Customers per building from people (persons) and use (see the module docstring)."""
    households = np.floor(np.asarray(population, dtype=float) / household_size + 0.5)
    residential = np.asarray(use) == "residential"
    return np.where(residential, np.maximum(households, 1.0), 1.0).astype(np.int64)
