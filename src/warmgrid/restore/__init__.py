"""Restoration planning: which crew repairs what, in which order, and when service returns.

The package itself imports nothing: each name below is loaded from its submodule on first
use (PEP 562), so ``import warmgrid.restore.problem`` does not pay for the solvers, the
baselines or numpy-heavy modules it does not need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from warmgrid.lazy import lazy_names

if TYPE_CHECKING:
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
    from warmgrid.restore.plot import save_gantt
    from warmgrid.restore.problem import Crew, Group, Problem, Task, Travel, build_problem
    from warmgrid.restore.problem_file import load_crews, load_problem, problem_from_dict
    from warmgrid.restore.schedule import InfeasiblePlanError, Schedule, simulate
    from warmgrid.restore.validate import plan_violations

_SUBMODULE = {
    "BASELINES": "baselines",
    "all_baselines": "baselines",
    "baseline": "baselines",
    "greedy_bound": "bound",
    "lower_bound": "bound",
    "ExactResult": "exact",
    "solve_exact": "exact",
    "solve_heuristic": "heuristic",
    "Plan": "plan",
    "make_plan": "plan",
    "metrics": "plan",
    "plan_to_dict": "plan",
    "restoration_curve": "plan",
    "routes_by_id": "plan",
    "save_gantt": "plot",
    "Crew": "problem",
    "Group": "problem",
    "Problem": "problem",
    "Task": "problem",
    "Travel": "problem",
    "build_problem": "problem",
    "load_crews": "problem_file",
    "load_problem": "problem_file",
    "problem_from_dict": "problem_file",
    "InfeasiblePlanError": "schedule",
    "Schedule": "schedule",
    "simulate": "schedule",
    "plan_violations": "validate",
}


__getattr__, __dir__ = lazy_names(__name__, _SUBMODULE, globals())

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
