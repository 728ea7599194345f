"""Reliability indices of one event as IEEE Std 1366 defines them.

IEEE Std 1366-2022, "IEEE Guide for Electric Power Distribution Reliability Indices",
clause 3 (definitions) and 4.1 (sustained interruption indices), for one event and one
service, with ``N_i`` the customers of group *i* (interrupted at t = 0, restored after
``r_i`` minutes) and ``N_T`` the total customers the system serves:

- SAIFI = Σ N_i / N_T (interruptions per customer served);
- SAIDI = Σ r_i N_i / N_T (minutes per customer served);
- CAIDI = Σ r_i N_i / Σ N_i = SAIDI / SAIFI (minutes per customer interrupted).

Only *sustained* interruptions count: longer than five minutes (IEEE 1366 clause 3.29;
shorter ones are momentary). Durations run from the start of the plan. The standard is
written for electricity; warmgrid gives the same indices for heat beside it.
"""

from __future__ import annotations

import numpy as np

from warmgrid.restore.problem import Problem
from warmgrid.restore.schedule import Schedule

#: Interruptions up to this long are momentary and left out (IEEE 1366), minutes.
MOMENTARY_MAX_MIN = 5.0


def event_indices(problem: Problem, schedule: Schedule) -> dict[str, float]:
    """``saifi_<service>``, ``saidi_<service>_min``, ``caidi_<service>_min`` for every
    service in ``problem.customers_served`` (CAIDI is NaN when nobody is interrupted)."""
    minutes = schedule.group_restored_h * 60.0
    customers = problem.group_customers
    services = np.array([g.service for g in problem.groups])
    out: dict[str, float] = {}
    for service, served in problem.customers_served.items():
        sustained = (services == service) & (minutes > MOMENTARY_MAX_MIN)
        interrupted = float(customers[sustained].sum())
        customer_minutes = float(customers[sustained] @ minutes[sustained])
        total = float(served)
        out[f"saifi_{service}"] = interrupted / total if total else float("nan")
        out[f"saidi_{service}_min"] = customer_minutes / total if total else float("nan")
        out[f"caidi_{service}_min"] = (
            customer_minutes / interrupted if interrupted else float("nan")
        )
    return out
