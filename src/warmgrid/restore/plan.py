"""Planning entry point and the plan's figures: ETRs, restoration curve, metrics.

:func:`make_plan` runs the heuristic (and, for ``solver="exact"``, CP-SAT warm-started
with it) and the field baselines; :func:`plan_to_dict` gives the JSON form the CLI and
the API print.

Metrics (hours from t = 0):

- people-hours without power, without heat: Σ people × restoration hours over the groups
  of that ``service``; people-hours without power or heat: each person once, until the
  last of their groups is restored (groups without ``members`` count as distinct people);
- customer minutes interrupted (CMI): Σ customers × restoration minutes, as in
  IEEE Std 1366-2022 ("IEEE Guide for Electric Power Distribution Reliability Indices"),
  counted here from the start of the plan; and, when the problem knows how many
  customers the system serves, SAIFI, SAIDI and CAIDI of the event
  (:mod:`warmgrid.restore.indices`);
- restoration curve: people still without a service over time, a step function of group
  times (per service, or without power or heat with each person once).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from warmgrid.errors import WarmgridError
from warmgrid.restore.baselines import all_baselines
from warmgrid.restore.exact import solve_exact
from warmgrid.restore.heuristic import solve_heuristic
from warmgrid.restore.indices import event_indices
from warmgrid.restore.problem import Problem
from warmgrid.restore.schedule import Schedule

SOLVERS = ("heuristic", "exact")


@dataclass(frozen=True)
class Plan:
    """A restoration plan with its provenance and the field baselines beside it."""

    problem: Problem
    schedule: Schedule
    status: str
    solver: str
    solve_s: float
    lower_bound: float | None = None
    baselines: dict[str, Schedule] = field(default_factory=dict)
    note: str = ""


def make_plan(
    problem: Problem,
    *,
    solver: str = "heuristic",
    time_limit_s: float = 10.0,
    seed: int = 0,
    with_baselines: bool = True,
    workers: int = 2,
) -> Plan:
    """Plan the repairs. ``time_limit_s`` bounds the whole solve (wall clock, seconds).

    With ``solver="exact"`` the heuristic gets 30 % of the time (at most 5 s) and CP-SAT
    the rest; the status is ``optimal`` only when CP-SAT proves it.
    """
    if solver not in SOLVERS:
        raise WarmgridError(f"unknown solver {solver!r} (expected one of {', '.join(SOLVERS)})")
    if not time_limit_s > 0:
        raise WarmgridError(f"time limit must be positive, got {time_limit_s}")
    t0 = time.perf_counter()
    note = ""
    if solver == "heuristic":
        schedule = solve_heuristic(problem, time_limit_s=time_limit_s, seed=seed)
        status, bound = "feasible", None
    else:
        share = min(5.0, 0.3 * time_limit_s)
        hint = solve_heuristic(problem, time_limit_s=share, seed=seed)
        left = max(0.1, time_limit_s - (time.perf_counter() - t0))
        result = solve_exact(problem, hint, time_limit_s=left, workers=workers, seed=seed)
        schedule, status = result.schedule, result.status
        bound = result.lower_bound if np.isfinite(result.lower_bound) else None
        if not result.used_model:
            note = "too large for the exact model: heuristic plan"
    solve_s = time.perf_counter() - t0
    baselines = all_baselines(problem) if with_baselines else {}
    return Plan(problem, schedule, status, solver, solve_s, bound, baselines, note)


def _waiting(
    problem: Problem, schedule: Schedule, service: str | None
) -> tuple[np.ndarray, np.ndarray]:
    """(restoration hours, people) of everyone waiting for ``service`` (None: power or
    heat). For None, a building in several groups waits until the last of them."""
    times = schedule.group_restored_h
    if service is not None:
        keep = np.array([g.service == service for g in problem.groups], bool)
        return times[keep], problem.group_people[keep]
    last: dict[str, tuple[float, float]] = {}
    anonymous_t, anonymous_people = [], []
    for group, t in zip(problem.groups, times.tolist(), strict=True):
        if not group.members:
            anonymous_t.append(t)
            anonymous_people.append(group.people)
        for ident, people in group.members:
            seen = last.get(ident)
            last[ident] = (max(t, seen[0]) if seen else t, people)
    waits = [*anonymous_t, *(t for t, _ in last.values())]
    waiting_people = [*anonymous_people, *(p for _, p in last.values())]
    return np.array(waits, dtype=float), np.array(waiting_people, dtype=float)


def curve_key(service: str | None) -> str:
    """The name of the people count in the points of :func:`restoration_curve`."""
    return f"people_without_{service}" if service else "people_without_power_or_heat"


def restoration_curve(
    problem: Problem, schedule: Schedule, service: str | None = None
) -> list[dict[str, float]]:
    """People still without ``service`` (None: without power or heat, each person once)
    over time: one point per distinct restoration time, under :func:`curve_key`."""
    key = curve_key(service)
    times, people = _waiting(problem, schedule, service)
    total = float(people.sum())
    order = np.argsort(times, kind="stable")
    out = [{"t_h": 0.0, "people_restored": 0.0, key: total}]
    restored = 0.0
    for k in order:
        restored += float(people[k])
        point = {"t_h": float(times[k]), "people_restored": restored, key: total - restored}
        if out[-1]["t_h"] == point["t_h"]:
            out[-1] = point
        else:
            out.append(point)
    return out


def metrics(problem: Problem, schedule: Schedule) -> dict[str, float]:
    """People-hours without power, heat, either (each person once), CMI, the event's
    SAIFI/SAIDI/CAIDI per service (when customers served are known), objective."""
    times = schedule.group_restored_h
    people = problem.group_people
    service = np.array([g.service for g in problem.groups])
    waits, waiting = _waiting(problem, schedule, None)
    return {
        "objective": schedule.objective,
        "people_hours_without_power_or_heat": float(waiting @ waits),
        "people_hours_without_power": float(people[service == "power"] @ times[service == "power"]),
        "people_hours_without_heat": float(people[service == "heat"] @ times[service == "heat"]),
        "customer_minutes_interrupted": float(problem.group_customers @ times * 60.0),
        "last_restoration_h": float(times.max(initial=0.0)),
        "last_task_end_h": float(schedule.end_h.max(initial=0.0)),
        **event_indices(problem, schedule),
    }


def routes_by_id(problem: Problem, schedule: Schedule) -> dict[str, list[str]]:
    """Crew id → ordered task ids."""
    return {
        problem.crews[c].id: [problem.tasks[t].id for t in route]
        for c, route in enumerate(schedule.routes)
    }


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as one JSON-ready object."""
    p, s = plan.problem, plan.schedule
    timeline = {
        p.crews[c].id: [
            {
                "task": p.tasks[t].id,
                "travel_h": float(s.travel_h[t]),
                "start_h": float(s.start_h[t]),
                "end_h": float(s.end_h[t]),
            }
            for t in route
        ]
        for c, route in enumerate(s.routes)
    }
    baselines = {
        name: {
            "objective": b.objective,
            "plan_gain_pct": 100.0 * (b.objective - s.objective) / b.objective
            if b.objective > 0
            else 0.0,
        }
        for name, b in plan.baselines.items()
    }
    out: dict[str, Any] = {
        "objective": s.objective,
        "status": plan.status,
        "solver": plan.solver,
        "solve_s": plan.solve_s,
        "lower_bound": plan.lower_bound,
        "group_restored_h": {
            g.id: float(x) for g, x in zip(p.groups, s.group_restored_h, strict=True)
        },
        "task_end_h": {t.id: float(x) for t, x in zip(p.tasks, s.end_h, strict=True)},
        "routes": routes_by_id(p, s),
        "timeline": timeline,
        "metrics": metrics(p, s),
        "restoration_curve": restoration_curve(p, s),
        "baselines": baselines,
    }
    if plan.note:
        out["note"] = plan.note
    return out
