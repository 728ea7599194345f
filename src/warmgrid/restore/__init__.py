"""Restoration planning: which crew repairs what, in which order, and when service returns."""

from pathlib import Path

from warmgrid.restore.baselines import BASELINES, all_baselines, baseline
from warmgrid.restore.bound import greedy_bound, lower_bound
from warmgrid.restore.exact import ExactResult, solve_exact
from warmgrid.restore.heuristic import solve_heuristic
from warmgrid.restore.plan import (
    Plan,
    make_plan,
    metrics,
    plan_to_dict,
    restoration_curve,
    routes_by_id,
)
from warmgrid.restore.problem import Crew, Group, Problem, Task, Travel, build_problem
from warmgrid.restore.problem_file import load_crews, load_problem, problem_from_dict
from warmgrid.restore.schedule import InfeasiblePlanError, Schedule, simulate
from warmgrid.restore.validate import plan_violations


def save_gantt(plan: Plan, path: str | Path) -> Path:
    """Write the Gantt chart and restoration curve (imports matplotlib on first use)."""
    from warmgrid.restore.plot import save_gantt as _save

    return _save(plan, path)


__all__ = [
    "BASELINES",
    "Crew",
    "ExactResult",
    "Group",
    "InfeasiblePlanError",
    "Plan",
    "Problem",
    "Schedule",
    "Task",
    "Travel",
    "all_baselines",
    "baseline",
    "build_problem",
    "greedy_bound",
    "load_crews",
    "load_problem",
    "lower_bound",
    "make_plan",
    "metrics",
    "plan_to_dict",
    "plan_violations",
    "problem_from_dict",
    "restoration_curve",
    "routes_by_id",
    "save_gantt",
    "simulate",
    "solve_exact",
    "solve_heuristic",
]
