"""The independent validator catches every kind of broken plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from warmgrid.restore.heuristic import solve_heuristic
from warmgrid.restore.problem_file import load_problem
from warmgrid.restore.schedule import InfeasiblePlanError, simulate
from warmgrid.restore.validate import plan_violations

SAMPLE = Path(__file__).parent / "data" / "sample_problem.json"


@pytest.fixture(scope="module")
def solved():
    problem = load_problem(SAMPLE)
    schedule = solve_heuristic(problem, time_limit_s=0.5)
    ids = [t.id for t in problem.tasks]
    plan = {
        "routes": {problem.crews[c].id: [ids[t] for t in r] for c, r in enumerate(schedule.routes)},
        "start_h": dict(zip(ids, map(float, schedule.start_h), strict=True)),
        "end_h": dict(zip(ids, map(float, schedule.end_h), strict=True)),
        "group_restored_h": {
            g.id: float(x) for g, x in zip(problem.groups, schedule.group_restored_h, strict=True)
        },
        "objective": schedule.objective,
    }
    return problem, plan


def check(problem, plan) -> list[str]:
    return plan_violations(problem, **plan)


def test_solver_plan_is_valid(solved) -> None:
    problem, plan = solved
    assert check(problem, plan) == []


def test_catches_each_fault(solved) -> None:
    problem, plan = solved
    first_crew = next(iter(plan["routes"]))
    first_task = plan["routes"][first_crew][0]

    def broken(**change):
        return check(problem, plan | change)

    # a task started before the crew could arrive (travel ignored)
    start = dict(plan["start_h"])
    start[first_task] -= 0.05
    end = dict(plan["end_h"])
    end[first_task] -= 0.05
    assert any("before crew" in v for v in broken(start_h=start, end_h=end))
    # wrong duration
    end = dict(plan["end_h"])
    end[first_task] += 1
    assert any("lasts" in v for v in broken(end_h=end))
    # a task missing, a task twice
    routes = {c: list(r) for c, r in plan["routes"].items()}
    dropped = routes[first_crew].pop()
    assert any(f"{dropped} is never done" in v for v in broken(routes=routes))
    routes[first_crew] += [dropped, dropped]
    assert any("done twice" in v for v in broken(routes=routes))
    # electrical task given to the heat crew
    routes = {c: list(r) for c, r in plan["routes"].items()}
    routes["heat-1"].append("trafo-south")
    routes["electric-1"].remove("trafo-south")
    assert any("lacks skill electrical" in v for v in broken(routes=routes))
    # group time and objective inconsistent
    groups = dict(plan["group_restored_h"]) | {"hospital": 0.5}
    assert any("group hospital" in v for v in broken(group_restored_h=groups))
    assert any("objective" in v for v in broken(objective=plan["objective"] + 1))


def test_catches_precedence_and_overlap() -> None:
    problem = load_problem(SAMPLE)
    # line-north (needs trafo-north first) put first in the route
    routes = [[1, 0, 4, 5], [2, 3]]
    with pytest.raises(InfeasiblePlanError, match="deadlock"):
        simulate(problem, routes)
    ids = [t.id for t in problem.tasks]
    ok = simulate(problem, [[0, 1, 4, 5], [2, 3]])
    start = dict(zip(ids, map(float, ok.start_h), strict=True))
    end = dict(zip(ids, map(float, ok.end_h), strict=True))
    routes_by_id = {
        "electric-1": [ids[t] for t in (0, 1, 4, 5)],
        "heat-1": ["pump-station", "pipe-river"],
    }
    groups = {g.id: float(x) for g, x in zip(problem.groups, ok.group_restored_h, strict=True)}
    assert plan_violations(problem, routes_by_id, start, end, groups) == []
    # line-north starting while trafo-north is still under repair
    start["line-north"] = start["trafo-north"] + 1
    end["line-north"] = start["line-north"] + 3
    found = plan_violations(problem, routes_by_id, start, end, groups)
    assert any("starts before task trafo-north ends" in v for v in found)
    # next task in the route overlapping the previous one
    assert any("before crew electric-1 can arrive" in v for v in found)
