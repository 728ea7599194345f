"""Key figures, the cool-down chart and a building's details, from one :class:`Assessment`.

Hours are counted from the scenario's start; ``*_at`` fields give the same moment as an
ISO 8601 time in the scenario's time zone.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np

from warmgrid.errors import UnknownIdError
from warmgrid.impact.words import Labeller, steps_to_dict
from warmgrid.model.timezone import etr_time
from warmgrid.restore.plan import plan_to_dict
from warmgrid.scenario.run import Assessment
from warmgrid.web.layers import building_states, hours_to_12c, services_lost

NEXT_ETRS = 5


def _hours(value: float) -> float | None:
    return round(float(value), 2) if np.isfinite(value) else None


def _at(assessment: Assessment, hours: float | None) -> str | None:
    if hours is None:
        return None
    return (assessment.scenario.start + timedelta(hours=hours)).isoformat(timespec="minutes")


def _etr_at(assessment: Assessment, hours: float) -> str | None:
    """The restoration time ``hours`` after the start as published: rounded up to the
    quarter hour (:func:`warmgrid.model.timezone.etr_time`), as in the alerts, the report
    and ``warmgrid demo``; None when not restored."""
    if not np.isfinite(hours):
        return None
    return etr_time(assessment.scenario.start, float(hours)).isoformat(timespec="minutes")


def _critical(assessment: Assessment, service: str, out: np.ndarray) -> list[dict[str, str]]:
    """The critical facilities without ``service`` (:meth:`ImpactResult.critical_without`)
    that are still out (``out``, per building), in row order."""
    impact = assessment.impact
    lacking = impact.building_without_power if service == "power" else impact.building_without_heat
    rows = np.flatnonzero(lacking & assessment.compiled.building_critical & out)
    table = assessment.city.buildings
    return [
        {
            "id": str(table["id"].iat[row]),
            "name": str(table["name"].iat[row]),
            "use": str(table["use"].iat[row]),
        }
        for row in rows
    ]


def key_figures(assessment: Assessment, elapsed_h: float = 0.0) -> dict[str, Any]:
    """People and critical facilities without power and heat, the first homes' flats below
    12 and 5 °C, the heat network's drain deadline and the next ETRs; ``elapsed_h`` hours after
    the start (the timeline), without what the plan has given back by then."""
    impact = assessment.impact
    cool = assessment.cooldown
    power, heat, _ = services_lost(assessment, elapsed_h)
    people = assessment.compiled.building_population
    out: dict[str, Any] = {
        "start": assessment.scenario.start.isoformat(timespec="minutes"),
        "elapsed_h": round(float(elapsed_h), 2),
        "damaged_assets": impact.damaged_asset_ids,
        "people_without_power": int(people[power].sum()),
        "people_without_heat": int(people[heat].sum()),
        "buildings_without_power": int(power.sum()),
        "buildings_without_heat": int(heat.sum()),
        "critical_without_power": _critical(assessment, "power", power),
        "critical_without_heat": _critical(assessment, "heat", heat),
    }
    for threshold in (12, 5):
        hours = _hours(assessment.first_homes_below_h(threshold))
        out[f"first_below_{threshold}c_h"] = hours
        out[f"first_below_{threshold}c_at"] = _at(assessment, hours)
    deadline = None
    if cool.network is not None and cool.network.pipe_ids:
        deadline = _hours(cool.network.drain_deadline_h)
    out["drain_deadline_h"] = deadline
    out["drain_deadline_at"] = _at(assessment, deadline)
    out["next_etrs"] = [
        row
        for row in next_etrs(assessment, None)
        if elapsed_h <= 0.0 or row["etr_h"] is None or row["etr_h"] > elapsed_h
    ][:NEXT_ETRS]
    return out


def next_etrs(assessment: Assessment, count: int | None = NEXT_ETRS) -> list[dict[str, Any]]:
    """The first groups of buildings to get a service back under the plan."""
    plan = assessment.plan
    if plan is None:
        return []
    words = Labeller(assessment.city)
    rows = [
        {
            "service": group.service,
            "people": int(group.people),
            "etr_h": _hours(hours),
            "etr_at": _etr_at(assessment, hours),
            "waits_for": [words.label(task) for task in group.needs],
        }
        for group, hours in zip(plan.problem.groups, plan.schedule.group_restored_h, strict=True)
    ]
    rows.sort(key=lambda row: (row["etr_h"] is None, row["etr_h"] or 0.0))
    return rows[:count]


def cooldown_chart(assessment: Assessment) -> dict[str, Any]:
    """People in flats below 12 °C and 5 °C at every hour of the forecast, without repairs
    and under the plan (a building's flats count as warm again from its heat ETR on)."""
    cool = assessment.cooldown
    horizon = assessment.scenario.weather.hours
    hours = np.arange(0.0, horizon + 1e-9, 1.0)
    series: dict[str, list[int]] = {}
    if cool.building_ids:
        columns = np.searchsorted(cool.time_h, hours - 1e-9).clip(0, len(cool.time_h) - 1)
        etr = assessment.building_etr.set_index("id").reindex(cool.building_ids)["heat_etr_h"]
        for threshold in (12, 5):
            for key, until in (("", None), ("_plan", etr.to_numpy(float))):
                people = cool.people_below_series(threshold, until)[columns]
                series[f"below_{threshold}c{key}"] = np.round(people).astype(int).tolist()
    return {
        "hours": hours.tolist(),
        "series": series,
        "start": assessment.scenario.start.isoformat(timespec="minutes"),
    }


def plan_board(assessment: Assessment) -> dict[str, Any] | None:
    """The restoration plan (the serialiser the CLI uses) with the tasks' labels."""
    plan = assessment.plan
    if plan is None:
        return None
    words = Labeller(assessment.city)
    out = plan_to_dict(plan)
    out["labels"] = {task.id: words.label(task.id) for task in plan.problem.tasks}
    out["groups"] = [
        {
            "id": group.id,
            "service": group.service,
            "people": int(group.people),
            "etr_h": _hours(hours),
            "etr_at": _etr_at(assessment, hours),
            "waits_for": list(group.needs),
        }
        for group, hours in zip(plan.problem.groups, plan.schedule.group_restored_h, strict=True)
    ]
    return out


def building_details(assessment: Assessment, building_id: str) -> dict[str, Any]:
    """One building: people, use, state, why (per lost service), hours to 12 °C, ETR."""
    table = assessment.city.buildings
    rows = np.flatnonzero(table["id"].to_numpy() == building_id)
    if not rows.size:
        raise UnknownIdError("building", building_id)
    row = int(rows[0])
    words = Labeller(assessment.city)
    why = assessment.impact.explain(building_id)
    etr = assessment.building_etr.set_index("id")
    etr_row = etr.loc[building_id] if building_id in etr.index else None
    return {
        "id": building_id,
        "name": str(table.at[row, "name"]),
        "use": str(table.at[row, "use"]),
        "people": int(table.at[row, "population"]),
        "critical": bool(assessment.compiled.building_critical[row]),
        "state": str(building_states(assessment)[row]),
        "hours_to_12c": _hours(hours_to_12c(assessment)[row]),
        "power_etr_h": _hours(etr_row["power_etr_h"]) if etr_row is not None else None,
        "heat_etr_h": _hours(etr_row["heat_etr_h"]) if etr_row is not None else None,
        "why": {service: steps_to_dict(steps) for service, steps in why.items()},
        "why_text": {service: words.describe(steps) for service, steps in why.items()},
    }
