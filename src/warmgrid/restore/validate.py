"""Independent check of a plan against its problem.

Works on ids and the plan's own reported times (not on the solvers' internals), and
recomputes nothing from the solver code: each task done exactly once, by a crew with the
skill, after the crew is available, with travel respected between consecutive tasks and
from the depot, durations honoured, no overlap within a crew, precedences respected,
shifts respected, group restoration times equal to the latest end of the tasks they need,
and the objective equal to Σ weight × group time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from warmgrid.restore.problem import Problem

TOL_H = 1e-6


def plan_violations(
    problem: Problem,
    routes: Mapping[str, Sequence[str]],
    start_h: Mapping[str, float],
    end_h: Mapping[str, float],
    group_restored_h: Mapping[str, float],
    objective: float | None = None,
) -> list[str]:
    """Every way in which the plan breaks the problem's rules (empty list: valid)."""
    out: list[str] = []
    tasks = {t.id: t for t in problem.tasks}
    crews = {c.id: c for c in problem.crews}
    tcol = {t.id: j for j, t in enumerate(problem.tasks)}
    row = {t.id: j for j, t in enumerate(problem.tasks)} | {
        c.id: problem.n_tasks + k for k, c in enumerate(problem.crews)
    }
    done: dict[str, str] = {}
    for crew_id, route in routes.items():
        if crew_id not in crews:
            out.append(f"unknown crew {crew_id!r}")
            continue
        crew = crews[crew_id]
        clock = crew.available_from_h
        here = crew_id
        for task_id in route:
            if task_id not in tasks:
                out.append(f"crew {crew_id}: unknown task {task_id!r}")
                continue
            if task_id in done:
                out.append(f"task {task_id} done twice ({done[task_id]} and {crew_id})")
            done[task_id] = crew_id
            task = tasks[task_id]
            if task.skill is not None and crew.skills is not None and task.skill not in crew.skills:
                out.append(f"crew {crew_id} lacks skill {task.skill} for task {task_id}")
            s, e = start_h.get(task_id), end_h.get(task_id)
            if s is None or e is None:
                out.append(f"task {task_id}: no start or end time")
                continue
            arrive = clock + float(problem.travel_h[row[here], tcol[task_id]])
            if s < arrive - TOL_H:
                out.append(
                    f"task {task_id} starts at {s:.4f} h before crew {crew_id} "
                    f"can arrive from {here} at {arrive:.4f} h"
                )
            if abs(e - s - task.duration_h) > TOL_H:
                out.append(f"task {task_id} lasts {e - s:.4f} h, expected {task.duration_h} h")
            if crew.shift_h is not None and e > crew.available_from_h + crew.shift_h + TOL_H:
                out.append(f"task {task_id} ends at {e:.4f} h, after crew {crew_id}'s shift")
            clock, here = e, task_id
    for task_id in tasks:
        if task_id not in done:
            out.append(f"task {task_id} is never done")
    for task in problem.tasks:
        for before in task.after:
            if task.id in start_h and before in end_h and start_h[task.id] < end_h[before] - TOL_H:
                out.append(f"task {task.id} starts before task {before} ends")
    total = 0.0
    for group in problem.groups:
        latest = max(end_h.get(t, float("nan")) for t in group.needs)
        got = group_restored_h.get(group.id)
        if got is None or not abs(got - latest) <= TOL_H:
            out.append(f"group {group.id}: restored at {got} h, expected {latest:.6f} h")
        total += group.weight * latest
    if objective is not None and abs(objective - total) > TOL_H * max(1.0, abs(total)):
        out.append(f"objective {objective} differs from Σ weight × group time = {total}")
    return out
